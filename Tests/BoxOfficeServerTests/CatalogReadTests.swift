import Foundation
import Testing

@Suite("Browsing the catalog")
struct CatalogReadTests {
    @Test("cities, movies by city, theatres by city and shows by date all come from the demo catalog")
    func browse() async throws {
        try await TestServer.withRouter(TestServer.options(demo: true)) { api in
            let cities = try await api.get("/api/cities")
            #expect(cities.status == 200)
            let cityItems = try #require(cities.json["items"]?.array)
            #expect(cityItems.count >= 4)
            #expect(cities.json["nextCursor"]?.isNull == true)
            let cityId = try #require(cityItems.first?["id"]?.string)

            let movies = try await api.get("/api/movies?city=\(cityId)")
            let movieItems = try #require(movies.json["items"]?.array)
            #expect(!movieItems.isEmpty)
            let allMovies = try #require(try await api.get("/api/movies").json["items"]?.array)
            #expect(allMovies.count >= 12)
            #expect(movieItems.count < allMovies.count, "each demo city plays only some films")

            let theatres = try await api.get("/api/theatres?city=\(cityId)")
            let theatreItems = try #require(theatres.json["items"]?.array)
            #expect(!theatreItems.isEmpty)
            for theatre in theatreItems {
                #expect(theatre["cityId"]?.string == cityId)
                #expect((2...4).contains(theatre["screens"]?.array?.count ?? 0))
            }

            let movieId = try #require(movieItems.first?["id"]?.string)
            let shows = try await api.get("/api/shows?movie=\(movieId)&city=\(cityId)&limit=200")
            let showItems = try #require(shows.json["items"]?.array)
            #expect(!showItems.isEmpty)
            let date = try #require(showItems.first?["showDate"]?.string)
            let onDate = try #require(try await api.get("/api/shows?city=\(cityId)&date=\(date)&limit=200").json["items"]?.array)
            #expect(!onDate.isEmpty)
            #expect(onDate.allSatisfy { $0["showDate"]?.string == date && $0["cityId"]?.string == cityId })
            let starts = onDate.compactMap { $0["startsAt"]?.string }
            #expect(starts == starts.sorted(), "shows come in start order")
        }
    }

    @Test("movie filters: language, genre and a case-insensitive title search")
    func movieFilters() async throws {
        try await TestServer.withRouter(TestServer.options(demo: true)) { api in
            let tamil = try #require(try await api.get("/api/movies?language=tamil").json["items"]?.array)
            #expect(!tamil.isEmpty)
            #expect(tamil.allSatisfy { $0["languages"]?.array?.contains(.string("Tamil")) == true })
            let comedy = try #require(try await api.get("/api/movies?genre=Comedy").json["items"]?.array)
            #expect(!comedy.isEmpty)
            #expect(comedy.allSatisfy { $0["genres"]?.array?.contains(.string("Comedy")) == true })
            let search = try #require(try await api.get("/api/movies?q=ORBIT").json["items"]?.array)
            #expect(search.map { $0["title"]?.string } == ["Deep Orbit"])
            let nothing = try #require(try await api.get("/api/movies?q=%25").json["items"]?.array)
            #expect(nothing.isEmpty, "% is a literal, not a wildcard")
        }
    }

    @Test("pages: limit and cursor walk a list without gaps or repeats")
    func pagination() async throws {
        try await TestServer.withRouter(TestServer.options(demo: true)) { api in
            let all = try #require(try await api.get("/api/shows?limit=200").json["items"]?.array).compactMap { $0["id"]?.string }
            #expect(all.count == 200)
            var seen = [String]()
            var cursor: String?
            repeat {
                let path = "/api/shows?limit=37" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await api.get(path)
                #expect(page.status == 200)
                seen += page.json["items"]?.array?.compactMap { $0["id"]?.string } ?? []
                cursor = page.json["nextCursor"]?.string
            } while cursor != nil && seen.count < 200
            #expect(Array(seen.prefix(200)) == all)
            let big = try #require(try await api.get("/api/movies?limit=100000").json["items"]?.array)
            #expect(big.count == 12, "a limit above 200 is treated as 200")
            for huge in ["99999999999999999999999999", "0000000000000000000300", "9223372036854775808"] {
                let answer = try await api.get("/api/shows?limit=\(huge)")
                #expect(answer.status == 200, "limit=\(huge): \(answer.status)")
                #expect(answer.json["items"]?.array?.count == 200, "limit=\(huge) is treated as 200")
            }
            for bad in ["-5", "1e3", "+7", " 7", "000"] {
                let answer = try await api.get("/api/shows?limit=\(bad.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? bad)")
                #expect(answer.status == 400 && answer.json.errorField == "limit", "limit=\(bad)")
            }
        }
    }

    @Test("a show's detail has every seat of its layout, and availability counts them by category")
    func showDetail() async throws {
        try await TestServer.withRouter { api in
            let fixture = try await CatalogFixture.make(api)
            let show = try await api.get("/api/shows/\(fixture.showId)")
            #expect(show.status == 200)
            let seats = try #require(show.json["seats"]?.array)
            #expect(seats.count == 11)
            #expect(!seats.contains { $0["seatNumber"]?.string == "B2" }, "a blocked place is not a seat")
            #expect(seats.first?["seatNumber"]?.string == "A1")
            #expect(seats.first?["category"]?.string == "Silver")
            #expect(seats.first?["price"]?.int == 10000)
            #expect(seats.allSatisfy { $0["status"]?.string == "available" })
            #expect(show.json["version"]?.int == 0)
            #expect(show.json["availability"]?["total"]?.int == 11)
            #expect(show.json["layout"]?["aisles"]?.array == [.number(2)])
            #expect(show.json["showTime"]?.string?.count == 5)

            let availability = try await api.get("/api/shows/\(fixture.showId)/availability")
            #expect(availability.json["available"]?.int == 11)
            let categories = try #require(availability.json["categories"]?.array)
            #expect(categories.map { $0["name"]?.string } == ["Silver", "Gold"])
            #expect(categories.map { $0["total"]?.int } == [4, 7])
        }
    }

    @Test("unknown ids are 404 not_found", arguments: ["/api/movies/mov_nope", "/api/theatres/thr_nope", "/api/shows/shw_nope", "/api/shows/shw_nope/availability", "/api/shows/%00%01"])
    func unknownIds(path: String) async throws {
        try await TestServer.withRouter { api in
            let reply = try await api.get(path)
            #expect(reply.status == 404)
            #expect(reply.json.errorCode == "not_found")
        }
    }

    @Test(
        "malformed query parameters are 400 invalid_parameter naming the parameter",
        arguments: [
            ("/api/shows?date=2026-13-01", "date"), ("/api/shows?date=tomorrow", "date"), ("/api/cities?limit=0", "limit"),
            ("/api/cities?limit=ten", "limit"), ("/api/movies?cursor=%%%", "cursor"), ("/api/shows?city=%3Cscript%3E", "city"),
        ])
    func badQuery(path: String, field: String) async throws {
        try await TestServer.withRouter { api in
            let reply = try await api.get(path)
            #expect(reply.status == 400, "\(reply.text)")
            #expect(reply.json.errorCode == "invalid_parameter")
            #expect(reply.json.errorField == field)
        }
    }
}
