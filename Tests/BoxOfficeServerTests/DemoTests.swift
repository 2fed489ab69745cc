import Foundation
import Testing

@testable import BoxOfficeServer

@Suite("Demo data")
struct DemoTests {
    @Test("--demo fills an empty database with a realistic catalog, and changes nothing the second time")
    func demoCatalog() async throws {
        let options = TestServer.options(demo: true)
        let (cities, movies, theatres, shows) = try await TestServer.withRouter(options) { api in
            let cities = try #require(try await api.get("/api/cities").json["items"]?.array)
            let movies = try #require(try await api.get("/api/movies?limit=200").json["items"]?.array)
            let theatres = try #require(try await api.get("/api/theatres?limit=200").json["items"]?.array)
            var shows = [JSONValue]()
            var cursor: String?
            repeat {
                let page = try await api.get("/api/shows?limit=200" + (cursor.map { "&cursor=\($0)" } ?? ""))
                shows += page.json["items"]?.array ?? []
                cursor = page.json["nextCursor"]?.string
            } while cursor != nil
            return (cities, movies, theatres, shows)
        }
        #expect(cities.count >= 4)
        #expect(movies.count >= 12)
        #expect(Set(movies.flatMap { $0["genres"]?.array ?? [] }).count >= 5)
        #expect(Set(movies.flatMap { $0["languages"]?.array ?? [] }).count >= 4)
        #expect(theatres.count >= 10)
        #expect(theatres.allSatisfy { (2...4).contains($0["screens"]?.array?.count ?? 0) })
        let layouts = Set(theatres.flatMap { $0["screens"]?.array ?? [] }.compactMap { $0["totalSeats"]?.int })
        #expect(layouts.count >= 3, "screens of different layouts")
        #expect(layouts.contains { $0 >= 1000 }, "one premiere hall of 1,000+ seats")
        let screenLayouts = theatres.flatMap { $0["screens"]?.array ?? [] }.compactMap { $0["layout"] }
        #expect(!screenLayouts.isEmpty && screenLayouts.allSatisfy { !($0["wheelchair"]?.array ?? []).isEmpty && !($0["companion"]?.array ?? []).isEmpty },
                "wheelchair spaces and companion seats in every hall")
        #expect(Set(shows.compactMap { $0["showDate"]?.string }).count >= 6, "a week of shows")
        let formats = Set(shows.compactMap { $0["format"]?.string })
        #expect(formats.isSuperset(of: ["2D", "IMAX"]))
        let times = shows.compactMap { $0["showTime"]?.string }
        #expect(times.allSatisfy { $0 >= "09:00" && $0 <= "23:00" }, "realistic local times")

        // A second start on the same file with --demo writes nothing new.
        let again = try await TestServer.withRouter(options) { api in
            try await api.get("/api/cities").json["items"]?.array?.count
        }
        #expect(again == cities.count)
    }
}
