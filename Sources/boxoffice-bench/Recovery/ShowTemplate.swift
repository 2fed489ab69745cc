import Foundation

/// The show both recovery databases clone (SQLite's `BigDatabase`, `PostgresBigDatabase`): the catalog's largest
/// screen, its seats in layout order, and the JSON the server keeps for a booking's seats and a seat change.
struct ShowTemplate: Sendable {
    struct Seat: Sendable {
        var number: String
        var row: String
        var column: Int
        var category: String
        var price: Int
    }

    var movieId: String
    var theatreId: String
    var screenNumber: Int
    var cityId: String
    var language: String
    var format: String
    /// The layout's JSON, copied into every cloned show.
    var layout: String
    var seats: [Seat]

    /// The same SQL on both stores: the show of the largest usual screen. The demo's 1,080-seat premiere hall (added for
    /// issue #14) is left out, so the recovery rows keep comparing with the runs before it: a million seats on shows of the
    /// 14 × 24 large-format hall, as they always were.
    static let query = """
        SELECT movieId, theatreId, screenNumber, cityId, language, format, layout FROM shows WHERE totalSeats < 1000
        ORDER BY totalSeats DESC LIMIT 1
        """
    static let noShow = BenchError("the database has no show to copy (start the server with --demo first)")

    init(movieId: String, theatreId: String, screenNumber: Int, cityId: String, language: String, format: String, layout: String) throws {
        guard let object = try JSONSerialization.jsonObject(with: Data(layout.utf8)) as? [String: Any],
            let rows = object["rows"] as? [String], let columns = object["columns"] as? Int
        else { throw BenchError("unreadable layout: \(layout.prefix(200))") }
        let blocked = Set(object["blocked"] as? [String] ?? [])
        var category = [String: (String, Int)]()
        for entry in object["categories"] as? [[String: Any]] ?? [] {
            guard let name = entry["name"] as? String, let price = entry["price"] as? Int else { continue }
            for row in entry["rows"] as? [String] ?? [] { category[row] = (name, price) }
        }
        var seats = [Seat]()
        for rowName in rows {
            for column in 1...columns where !blocked.contains("\(rowName)\(column)") {
                let (name, price) = category[rowName] ?? ("Standard", 10_000)
                seats.append(Seat(number: "\(rowName)\(column)", row: rowName, column: column, category: name, price: price))
            }
        }
        self.init(
            movieId: movieId, theatreId: theatreId, screenNumber: screenNumber, cityId: cityId, language: language, format: format, layout: layout,
            seats: seats)
    }

    init(movieId: String, theatreId: String, screenNumber: Int, cityId: String, language: String, format: String, layout: String, seats: [Seat]) {
        self.movieId = movieId
        self.theatreId = theatreId
        self.screenNumber = screenNumber
        self.cityId = cityId
        self.language = language
        self.format = format
        self.layout = layout
        self.seats = seats
    }

    /// Seats booked in each cloned show, in bookings of ten: all but the last ten or so, so a few stay free for holds.
    var bookedPerShow: Int { max(10, (seats.count - 10) / 10 * 10) }

    /// `bookings.seats`.
    static func bookingJSON(_ seats: ArraySlice<Seat>) -> String {
        "["
            + seats.map {
                #"{"seatNumber":""# + $0.number + #"","row":""# + $0.row + #"","column":\#($0.column),"category":""# + $0.category
                    + #"","price":\#($0.price)}"#
            }
            .joined(separator: ",") + "]"
    }

    /// `seatChanges.seats`.
    static func changeJSON(_ seats: ArraySlice<Seat>, _ status: String) -> String {
        "[" + seats.map { #"{"seat":""# + $0.number + #"","status":""# + status + #""}"# }.joined(separator: ",") + "]"
    }
}
