import Foundation
import Testing

@Suite("Admin: creating and editing the catalog")
struct AdminCatalogTests {
    @Test("create a city, a movie, a theatre with a screen and a show; each can be read back")
    func createAll() async throws {
        try await TestServer.withRouter { api in
            let fixture = try await CatalogFixture.make(api)
            let city = try #require(try await api.get("/api/cities").json["items"]?.array?.first)
            #expect(city["timeZone"]?.string == "Asia/Kolkata", "the default time zone")
            let movie = try await api.get("/api/movies/\(fixture.movieId)")
            #expect(movie.json["cityIds"]?.array == [.string(fixture.cityId)])
            let theatre = try await api.get("/api/theatres/\(fixture.theatreId)")
            #expect(theatre.json["screens"]?[0]?["totalSeats"]?.int == 11)
            let movies = try #require(try await api.get("/api/movies?city=\(fixture.cityId)").json["items"]?.array)
            #expect(movies.map { $0["id"]?.string } == [fixture.movieId], "now showing in the city once it has a show")
        }
    }

    @Test("PATCH changes only the fields sent; isActive false hides a city from the list")
    func patchCity() async throws {
        try await TestServer.withRouter { api in
            let fixture = try await CatalogFixture.make(api)
            let renamed = try await api.patch("/api/admin/cities/\(fixture.cityId)", #"{"name":"Poona"}"#, token: fixture.adminToken)
            #expect(renamed.status == 200)
            #expect(renamed.json["name"]?.string == "Poona")
            #expect(renamed.json["state"]?.string == "Maharashtra")
            let hidden = try await api.patch("/api/admin/cities/\(fixture.cityId)", #"{"isActive":false}"#, token: fixture.adminToken)
            #expect(hidden.json["isActive"]?.bool == false)
            #expect(try await api.get("/api/cities").json["items"]?.array?.isEmpty == true)
        }
    }

    @Test("a city name is unique: 409 name_taken")
    func duplicateCity() async throws {
        try await TestServer.withRouter { api in
            let admin = try await api.adminToken()
            #expect(try await api.post("/api/admin/cities", #"{"name":"Goa","state":"Goa"}"#, token: admin).status == 201)
            let again = try await api.post("/api/admin/cities", #"{"name":"goa","state":"Goa"}"#, token: admin)
            #expect(again.status == 409)
            #expect(again.json.errorCode == "name_taken")
        }
    }

    @Test(
        "movie validation names the field",
        arguments: [
            (#""rating":11"#, "rating"), (#""durationMinutes":0"#, "durationMinutes"), (#""releaseDate":"2026-02-30""#, "releaseDate"),
            (#""posterUrl":"javascript:alert(1)""#, "posterUrl"), (#""cityIds":["cty_missing"]"#, "cityIds"), (#""genres":[]"#, "genres"),
            (#""title":"   ""#, "title"), (#""rating":"high""#, "rating"),
        ])
    func movieValidation(override: String, field: String) async throws {
        try await TestServer.withRouter { api in
            let admin = try await api.adminToken()
            var fields = [
                "title": #""title":"X""#, "description": #""description":"d""#, "genres": #""genres":["Drama"]"#,
                "languages": #""languages":["Hindi"]"#, "durationMinutes": #""durationMinutes":100"#, "rating": #""rating":5"#,
                "releaseDate": #""releaseDate":"2026-01-01""#, "cityIds": #""cityIds":[]"#,
            ]
            fields[field] = override
            let body = "{" + fields.values.joined(separator: ",") + "}"
            let reply = try await api.post("/api/admin/movies", body, token: admin)
            #expect(reply.status == 422, "\(reply.text)")
            #expect(reply.json.errorField == field)
            #expect(try await api.get("/api/movies").json["items"]?.array?.isEmpty == true, "nothing was written")
        }
    }

    @Test(
        "a screen layout is validated: every row in one category, positive prices, blocked places inside the grid",
        arguments: [
            (#"{"rows":["A","B"],"columns":4,"categories":[{"name":"S","price":100,"rows":["A"]}]}"#, "screens[0].layout.categories"),
            (#"{"rows":["A"],"columns":4,"categories":[{"name":"S","price":0,"rows":["A"]}]}"#, "screens[0].layout.categories[0].price"),
            (#"{"rows":["A"],"columns":4,"blocked":["A9"],"categories":[{"name":"S","price":100,"rows":["A"]}]}"#, "screens[0].layout.blocked"),
            (#"{"rows":["A"],"columns":0,"categories":[{"name":"S","price":100,"rows":["A"]}]}"#, "screens[0].layout.columns"),
            (#"{"rows":["A","A"],"columns":4,"categories":[{"name":"S","price":100,"rows":["A"]}]}"#, "screens[0].layout.rows"),
            (#"{"rows":["a1"],"columns":4,"categories":[{"name":"S","price":100,"rows":["a1"]}]}"#, "screens[0].layout.rows"),
            (#"{"rows":["A"],"columns":4,"categories":[{"name":"S","price":100,"rows":["A"]},{"name":"T","price":100,"rows":["A"]}]}"#, "screens[0].layout.categories[1].rows"),
            (#"{"rows":["A"],"columns":2,"aisles":[2],"categories":[{"name":"S","price":100,"rows":["A"]}]}"#, "screens[0].layout.aisles"),
            (#"{"rows":["A"],"columns":200,"categories":[{"name":"S","price":100,"rows":["A"]}]}"#, "screens[0].layout.columns"),
        ])
    func layoutValidation(layout: String, field: String) async throws {
        try await TestServer.withRouter { api in
            let admin = try await api.adminToken()
            let cityId = try #require(try await api.post("/api/admin/cities", #"{"name":"Surat","state":"Gujarat"}"#, token: admin).json["id"]?.string)
            let reply = try await api.post(
                "/api/admin/theatres",
                #"{"name":"T","cityId":"\#(cityId)","address":"A","screens":[{"screenNumber":1,"name":"S","layout":\#(layout)}]}"#, token: admin)
            #expect(reply.status == 422, "\(reply.text)")
            #expect(reply.json.errorField == field)
            #expect(try await api.get("/api/theatres").json["items"]?.array?.isEmpty == true, "nothing was written")
        }
    }

    @Test("PATCH a theatre: rename and add a screen; existing screens stay")
    func patchTheatre() async throws {
        try await TestServer.withRouter { api in
            let fixture = try await CatalogFixture.make(api)
            let reply = try await api.patch(
                "/api/admin/theatres/\(fixture.theatreId)",
                #"{"name":"Test Talkies Deluxe","screens":[{"screenNumber":2,"name":"Audi 2","layout":\#(CatalogFixture.layout)}]}"#,
                token: fixture.adminToken)
            #expect(reply.status == 200, "\(reply.text)")
            #expect(reply.json["name"]?.string == "Test Talkies Deluxe")
            #expect(reply.json["screens"]?.array?.compactMap { $0["screenNumber"]?.int } == [1, 2])
        }
    }

    @Test("shows: an unknown screen, a past start, a language the film lacks and an overlap are refused")
    func showValidation() async throws {
        try await TestServer.withRouter { api in
            let fixture = try await CatalogFixture.make(api)
            func create(_ screen: Int, _ startsAt: String, _ language: String = "Hindi") async throws -> APIClient.Reply {
                try await api.post(
                    "/api/admin/shows",
                    #"{"movieId":"\#(fixture.movieId)","theatreId":"\#(fixture.theatreId)","screenNumber":\#(screen),"startsAt":"\#(startsAt)","language":"\#(language)","format":"2D"}"#,
                    token: fixture.adminToken)
            }
            let noScreen = try await create(9, CatalogFixture.startsAt(hoursFromNow: 30))
            #expect(noScreen.status == 422)
            #expect(noScreen.json.errorField == "screenNumber")
            let past = try await create(1, CatalogFixture.startsAt(hoursFromNow: -1))
            #expect(past.json.errorField == "startsAt")
            let notRFC = try await create(1, "27/11/2026 18:30")
            #expect(notRFC.json.errorField == "startsAt")
            let language = try await create(1, CatalogFixture.startsAt(hoursFromNow: 30), "Klingon")
            #expect(language.json.errorField == "language")
            // The fixture's show runs from +5 h for 120 minutes: +6 h on the same screen overlaps it.
            let overlap = try await create(1, CatalogFixture.startsAt(hoursFromNow: 6))
            #expect(overlap.status == 409)
            #expect(overlap.json.errorCode == "schedule_conflict")
            let later = try await create(1, CatalogFixture.startsAt(hoursFromNow: 8))
            #expect(later.status == 201)
        }
    }

    @Test("PATCH a show: a new start moves its local date and time; it cannot change screens")
    func patchShow() async throws {
        try await TestServer.withRouter { api in
            let fixture = try await CatalogFixture.make(api)
            let startsAt = CatalogFixture.startsAt(hoursFromNow: 48)
            let moved = try await api.patch("/api/admin/shows/\(fixture.showId)", #"{"startsAt":"\#(startsAt)","format":"3D"}"#, token: fixture.adminToken)
            #expect(moved.status == 200, "\(moved.text)")
            #expect(moved.json["startsAt"]?.string == startsAt)
            #expect(moved.json["format"]?.string == "3D")
            let instant = try #require(ISO8601DateFormatter().date(from: startsAt))
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "Asia/Kolkata")!
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: instant)
            #expect(moved.json["showDate"]?.string == String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!))
            #expect(moved.json["showTime"]?.string == String(format: "%02d:%02d", parts.hour!, parts.minute!))
            let screen = try await api.patch("/api/admin/shows/\(fixture.showId)", #"{"screenNumber":2}"#, token: fixture.adminToken)
            #expect(screen.status == 422)
            let hidden = try await api.patch("/api/admin/shows/\(fixture.showId)", #"{"isActive":false}"#, token: fixture.adminToken)
            #expect(hidden.json["isActive"]?.bool == false)
            #expect(try await api.get("/api/shows?theatre=\(fixture.theatreId)").json["items"]?.array?.isEmpty == true)
            #expect(try await api.get("/api/shows/\(fixture.showId)").status == 200, "an inactive show can still be read by id")
        }
    }

    @Test("PATCH of an unknown id is 404")
    func patchUnknown() async throws {
        try await TestServer.withRouter { api in
            let admin = try await api.adminToken()
            for path in ["cities/cty_none", "movies/mov_none", "theatres/thr_none", "shows/shw_none"] {
                let reply = try await api.patch("/api/admin/\(path)", #"{"isActive":false}"#, token: admin)
                #expect(reply.status == 404, "\(path)")
                #expect(reply.json.errorCode == "not_found")
            }
        }
    }
}
