import Foundation
import Testing

/// The admin's lists: every city, movie, theatre and show, active or not, scheduled or not.
@Suite("Admin lists")
struct AdminListTests {
    @Test("a deactivated city, an unscheduled movie, a deactivated theatre and show are in the admin's lists, not the public ones")
    func everything() async throws {
        try await TestServer.withRouter { api in
            let fixture = try await CatalogFixture.make(api)
            let admin = fixture.adminToken
            let unscheduled = try await api.post(
                "/api/admin/movies",
                #"{"title":"Not Yet Scheduled","description":"x","genres":["Drama"],"languages":["Hindi"],"durationMinutes":90,"rating":6,"releaseDate":"2026-12-01","cityIds":["\#(fixture.cityId)"]}"#,
                token: admin)
            let movieId = try #require(unscheduled.json["id"]?.string)
            #expect(try await api.get("/api/movies").json["items"]?.array?.contains { $0["id"]?.string == movieId } == false, "public: now showing only")
            let movies = try await api.get("/api/admin/movies?city=\(fixture.cityId)", token: admin)
            #expect(movies.json["items"]?.array?.contains { $0["id"]?.string == movieId } == true, "\(movies.text.prefix(300))")

            #expect(try await api.patch("/api/admin/shows/\(fixture.showId)", #"{"isActive":false}"#, token: admin).status == 200)
            #expect(try await api.get("/api/shows?theatre=\(fixture.theatreId)").json["items"]?.array?.isEmpty == true)
            let shows = try await api.get("/api/admin/shows?theatre=\(fixture.theatreId)", token: admin)
            #expect(shows.json["items"]?.array?.map { $0["id"]?.string } == [fixture.showId] && shows.json["items"]?[0]?["isActive"]?.bool == false)

            #expect(try await api.patch("/api/admin/theatres/\(fixture.theatreId)", #"{"isActive":false}"#, token: admin).status == 200)
            #expect(try await api.get("/api/admin/theatres?city=\(fixture.cityId)", token: admin).json["items"]?.array?.count == 1)
            #expect(try await api.get("/api/theatres?city=\(fixture.cityId)").json["items"]?.array?.isEmpty == true)

            #expect(try await api.patch("/api/admin/cities/\(fixture.cityId)", #"{"isActive":false}"#, token: admin).status == 200)
            #expect(try await api.get("/api/cities").json["items"]?.array?.contains { $0["id"]?.string == fixture.cityId } == false)
            #expect(try await api.get("/api/admin/cities", token: admin).json["items"]?.array?.contains { $0["id"]?.string == fixture.cityId } == true)

            // A movie is offered only in its cities: a show of it in a theatre elsewhere is refused.
            let elsewhere = try await api.post("/api/admin/cities", #"{"name":"Elsewhere","state":"Goa"}"#, token: admin)
            let farTheatre = try await api.post(
                "/api/admin/theatres",
                #"{"name":"Far Talkies","cityId":"\#(elsewhere.json["id"]?.string ?? "")","address":"2 Beach Road","amenities":[],"screens":[{"screenNumber":1,"name":"One","layout":\#(CatalogFixture.layout)}]}"#,
                token: admin)
            let refused = try await api.post(
                "/api/admin/shows",
                #"{"movieId":"\#(fixture.movieId)","theatreId":"\#(farTheatre.json["id"]?.string ?? "")","screenNumber":1,"startsAt":"\#(CatalogFixture.startsAt(hoursFromNow: 6))","language":"Hindi","format":"2D"}"#,
                token: admin)
            #expect(refused.status == 422 && refused.json["error"]?["details"]?["field"]?.string == "movieId", "\(refused.text)")

            let user = try await api.registerUser()
            for path in ["/api/admin/cities", "/api/admin/movies", "/api/admin/theatres", "/api/admin/shows"] {
                #expect(try await api.get(path, token: user.token).status == 403, "\(path)")
            }
        }
    }
}
