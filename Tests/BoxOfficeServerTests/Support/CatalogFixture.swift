import Foundation
import Testing

/// A small catalog made through the admin API: one city, one movie, one theatre with one screen, one show.
struct CatalogFixture: Sendable {
    var adminToken: String
    var cityId: String
    var movieId: String
    var theatreId: String
    var showId: String

    /// 3 rows × 4 columns, B2 blocked: 11 seats; row A Silver (10000), rows B–C Gold (20000).
    static let layout = #"{"rows":["A","B","C"],"columns":4,"aisles":[2],"blocked":["B2"],"categories":[{"name":"Silver","price":10000,"rows":["A"]},{"name":"Gold","price":20000,"rows":["B","C"]}]}"#

    static func startsAt(hoursFromNow hours: Double) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        // Round to the minute, as real schedules are.
        let date = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 60).rounded(.down) * 60 + hours * 3600)
        return formatter.string(from: date)
    }

    static func make(_ api: APIClient, cityName: String = "Pune", layout: String = layout) async throws -> CatalogFixture {
        let admin = try await api.adminToken()
        let city = try await api.post("/api/admin/cities", #"{"name":"\#(cityName)","state":"Maharashtra"}"#, token: admin)
        #expect(city.status == 201, "\(city.text)")
        let cityId = city.json["id"]?.string ?? ""
        let movie = try await api.post(
            "/api/admin/movies",
            #"{"title":"Test Film","description":"A film for tests.","genres":["Drama"],"languages":["Hindi","English"],"durationMinutes":120,"rating":7.5,"releaseDate":"2026-11-01","cityIds":["\#(cityId)"]}"#,
            token: admin)
        #expect(movie.status == 201, "\(movie.text)")
        let movieId = movie.json["id"]?.string ?? ""
        let theatre = try await api.post(
            "/api/admin/theatres",
            #"{"name":"Test Talkies","cityId":"\#(cityId)","address":"1 Main Road","amenities":["Parking"],"screens":[{"screenNumber":1,"name":"Audi 1","layout":\#(layout)}]}"#,
            token: admin)
        #expect(theatre.status == 201, "\(theatre.text)")
        let theatreId = theatre.json["id"]?.string ?? ""
        let show = try await api.post(
            "/api/admin/shows",
            #"{"movieId":"\#(movieId)","theatreId":"\#(theatreId)","screenNumber":1,"startsAt":"\#(startsAt(hoursFromNow: 5))","language":"Hindi","format":"2D"}"#,
            token: admin)
        #expect(show.status == 201, "\(show.text)")
        return CatalogFixture(adminToken: admin, cityId: cityId, movieId: movieId, theatreId: theatreId, showId: show.json["id"]?.string ?? "")
    }
}
