import Foundation

/// A show as the bench needs it: its id, theatre, local date, seats in layout order and version.
struct BenchShow: Sendable {
    var id: String
    var theatreId: String
    var cityId: String?
    var startsAt: Date
    var showDate: String
    var version: Int64
    var seats: [String]
}

/// The parts of `GET /api/shows` the bench reads.
struct ShowListPage: Decodable {
    struct Item: Decodable {
        struct Layout: Decodable {
            var rows: [String]
            var columns: Int
            var blocked: [String]?
        }
        var id: String
        var theatreId: String
        var startsAt: String
        var showDate: String
        var version: Int64?
        var isActive: Bool?
        var layout: Layout
    }
    var items: [Item]
    var nextCursor: String?
}

extension BenchShow {
    init?(_ item: ShowListPage.Item) {
        guard let startsAt = Self.parseDate(item.startsAt) else { return nil }
        let blocked = Set(item.layout.blocked ?? [])
        var seats = [String]()
        for row in item.layout.rows {
            for column in 1...max(item.layout.columns, 1) where !blocked.contains("\(row)\(column)") {
                seats.append("\(row)\(column)")
            }
        }
        self.init(id: item.id, theatreId: item.theatreId, cityId: nil, startsAt: startsAt, showDate: item.showDate, version: item.version ?? 0, seats: seats)
    }

    static func parseDate(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }
}
