import Foundation
import SeatEngine

/// A screen's seat layout, as admins send it and shows keep a copy of it.
///
/// `{"rows": ["A","B"], "columns": 12, "aisles": [4, 8], "blocked": ["A1"],
///   "categories": [{"name": "Gold", "price": 25000, "rows": ["A","B"]}]}`, and optionally
/// `"wheelchair": ["B5"], "companion": ["B6"], "singleSeatGaps": "refuse"`. Layouts stored before those keys existed
/// decode with none of them (every seat standard, gaps allowed), and a layout without them encodes as before.
public struct SeatLayout: Codable, Sendable, Equatable {
    /// A price category that owns whole rows.
    public struct Category: Codable, Sendable, Equatable {
        public var name: String
        /// Minor units (paise/cents).
        public var price: Int
        public var rows: [String]

        public init(name: String, price: Int, rows: [String]) {
            self.name = name
            self.price = price
            self.rows = rows
        }
    }

    public var rows: [String]
    public var columns: Int
    /// Gaps after these column numbers, for drawing.
    public var aisles: [Int]
    /// Places in the grid that are not seats.
    public var blocked: [String]
    public var categories: [Category]
    /// Wheelchair spaces; every seat not named here or in `companion` is standard.
    public var wheelchair: [String]
    /// Companion seats, each beside a wheelchair space in its row.
    public var companion: [String]
    /// Whether an explicit lock may leave a single seat alone (docs/SEATING.md).
    public var singleSeatGaps: SingleSeatGapRule

    public init(
        rows: [String], columns: Int, aisles: [Int] = [], blocked: [String] = [], categories: [Category],
        wheelchair: [String] = [], companion: [String] = [], singleSeatGaps: SingleSeatGapRule = .allow
    ) {
        self.rows = rows
        self.columns = columns
        self.aisles = aisles
        self.blocked = blocked
        self.categories = categories
        self.wheelchair = wheelchair
        self.companion = companion
        self.singleSeatGaps = singleSeatGaps
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        rows = try container.decode([String].self, forKey: .rows)
        columns = try container.decode(Int.self, forKey: .columns)
        aisles = try container.decodeIfPresent([Int].self, forKey: .aisles) ?? []
        blocked = try container.decodeIfPresent([String].self, forKey: .blocked) ?? []
        categories = try container.decode([Category].self, forKey: .categories)
        wheelchair = try container.decodeIfPresent([String].self, forKey: .wheelchair) ?? []
        companion = try container.decodeIfPresent([String].self, forKey: .companion) ?? []
        singleSeatGaps = try container.decodeIfPresent(SingleSeatGapRule.self, forKey: .singleSeatGaps) ?? .allow
    }

    /// The optional keys are written only when they say something, so a layout without them stays byte for byte as
    /// it was.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(rows, forKey: .rows)
        try container.encode(columns, forKey: .columns)
        try container.encode(aisles, forKey: .aisles)
        try container.encode(blocked, forKey: .blocked)
        try container.encode(categories, forKey: .categories)
        if !wheelchair.isEmpty { try container.encode(wheelchair, forKey: .wheelchair) }
        if !companion.isEmpty { try container.encode(companion, forKey: .companion) }
        if singleSeatGaps != .allow { try container.encode(singleSeatGaps, forKey: .singleSeatGaps) }
    }

    private enum CodingKeys: String, CodingKey {
        case rows, columns, aisles, blocked, categories, wheelchair, companion, singleSeatGaps
    }

    public static let maxRows = 52
    public static let maxColumns = 100
    public static let maxPrice = 100_000_000

    /// The first problem with this layout, as (field path, message); nil when it is valid.
    ///
    /// Row names are 1–3 capital letters so that a seat name (`row + column`) is never ambiguous.
    public func problem() -> (field: String, message: String)? {
        if rows.isEmpty { return ("rows", "a layout needs at least one row") }
        if rows.count > Self.maxRows { return ("rows", "at most \(Self.maxRows) rows") }
        for row in rows where !Self.isRowName(row) {
            return ("rows", "row names are 1 to 3 capital letters (A–Z); got \"\(row.prefix(20))\"")
        }
        if Set(rows).count != rows.count { return ("rows", "row names must be unique") }
        if columns < 1 || columns > Self.maxColumns { return ("columns", "columns must be between 1 and \(Self.maxColumns)") }
        for aisle in aisles where aisle < 1 || aisle >= columns {
            return ("aisles", "an aisle is a gap after a column from 1 to \(columns - 1); got \(aisle)")
        }
        if Set(aisles).count != aisles.count { return ("aisles", "aisles must be unique") }
        let rowSet = Set(rows)
        var blockedSet = Set<String>()
        for place in blocked {
            guard let (row, column) = Self.split(place), rowSet.contains(row), column >= 1, column <= columns else {
                return ("blocked", "blocked place \"\(place.prefix(20))\" is not inside the grid")
            }
            _ = column
            if !blockedSet.insert(place).inserted { return ("blocked", "blocked place \(place) is listed twice") }
        }
        if categories.isEmpty { return ("categories", "a layout needs at least one price category") }
        var owner = [String: String]()
        var names = Set<String>()
        for (index, category) in categories.enumerated() {
            let name = category.name.trimmingCharacters(in: .whitespaces)
            if name.isEmpty || name.count > 40 { return ("categories[\(index)].name", "a category name is 1 to 40 characters") }
            if !names.insert(name).inserted { return ("categories[\(index)].name", "category \(name) is listed twice") }
            if category.price < 1 || category.price > Self.maxPrice {
                return ("categories[\(index)].price", "price is a positive integer in minor units, at most \(Self.maxPrice)")
            }
            if category.rows.isEmpty { return ("categories[\(index)].rows", "a category owns at least one row") }
            for row in category.rows {
                guard rowSet.contains(row) else { return ("categories[\(index)].rows", "row \(row.prefix(20)) is not in the layout") }
                if let other = owner[row] { return ("categories[\(index)].rows", "row \(row) already belongs to \(other)") }
                owner[row] = name
            }
        }
        if let orphan = rows.first(where: { owner[$0] == nil }) {
            return ("categories", "row \(orphan) belongs to no category")
        }
        if seats().isEmpty { return ("blocked", "every place is blocked: the layout has no seats") }
        return kindProblem(rows: rowSet, blocked: blockedSet)
    }

    /// The first problem with `wheelchair` and `companion`: each names a seat once, no seat is both, and every
    /// companion seat is beside a wheelchair space in its row (no aisle between them).
    private func kindProblem(rows rowSet: Set<String>, blocked blockedSet: Set<String>) -> (field: String, message: String)? {
        var kinds: [String: String] = [:]
        for (field, names) in [("wheelchair", wheelchair), ("companion", companion)] {
            for name in names {
                guard let (row, column) = Self.split(name), rowSet.contains(row), column >= 1, column <= columns, !blockedSet.contains(name)
                else { return (field, "\(field) seat \"\(name.prefix(20))\" is not a seat of the layout") }
                if let other = kinds.updateValue(field, forKey: name) {
                    return (field, other == field ? "\(field) seat \(name) is listed twice" : "seat \(name) cannot be both wheelchair and companion")
                }
            }
        }
        let aisleSet = Set(aisles)
        for name in companion {
            guard let (row, column) = Self.split(name) else { continue }
            let left = column - 1 >= 1 && !aisleSet.contains(column - 1) && kinds["\(row)\(column - 1)"] == "wheelchair"
            let right = column + 1 <= columns && !aisleSet.contains(column) && kinds["\(row)\(column + 1)"] == "wheelchair"
            if !left && !right { return ("companion", "companion seat \(name) is not beside a wheelchair space in its row") }
        }
        return nil
    }

    /// The seats, in layout order (row by row, column by column), blocked places left out.
    public func seats() -> [Seat] {
        var categoryOf = [String: Category]()
        for category in categories { for row in category.rows { categoryOf[row] = category } }
        let blockedSet = Set(blocked)
        var seats = [Seat]()
        seats.reserveCapacity(rows.count * columns)
        for row in rows {
            guard let category = categoryOf[row] else { continue }
            for column in 1...max(columns, 1) {
                let number = "\(row)\(column)"
                if blockedSet.contains(number) { continue }
                seats.append(Seat(seatNumber: number, row: row, column: column, category: category.name, price: category.price))
            }
        }
        return seats
    }

    static func isRowName(_ row: String) -> Bool {
        (1...3).contains(row.utf8.count) && row.utf8.allSatisfy { $0 >= 0x41 && $0 <= 0x5A }
    }

    /// Splits a seat name such as "AB12" into ("AB", 12).
    public static func split(_ seat: String) -> (row: String, column: Int)? {
        let letters = seat.prefix { $0.isASCII && $0.isUppercase }
        let digits = seat.dropFirst(letters.count)
        guard !letters.isEmpty, !digits.isEmpty, digits.count <= 3, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
            let column = Int(digits), String(column) == digits
        else { return nil }
        return (String(letters), column)
    }
}

/// One seat of a show, as made from the layout.
public struct Seat: Codable, Sendable, Equatable {
    public var seatNumber: String
    public var row: String
    public var column: Int
    public var category: String
    public var price: Int

    public init(seatNumber: String, row: String, column: Int, category: String, price: Int) {
        self.seatNumber = seatNumber
        self.row = row
        self.column = column
        self.category = category
        self.price = price
    }
}
