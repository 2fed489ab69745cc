/// A show's hall as the engine reasons about it: rows front to back, each row's places left to right with the aisles
/// between them, and every seat's category and kind.
///
/// Seats are known by their position in layout order (row by row, left to right), the order of `SeatMap.seats`. A
/// *segment* is a maximal run of seats in one row with no aisle and no blocked place between them: the seats that are
/// side by side. Everything a best-available decision reads per seat is computed here once, so a decision walks flat
/// arrays and allocates nothing per candidate. Immutable; a class so that the copies of a `SeatMap` (its durable-state
/// reads copy it) share one plan.
public final class SeatingPlan: Sendable {
    /// One place of a row, left to right.
    public enum Place: Sendable, Hashable {
        /// A seat with its name (`"J5"`) and kind.
        case seat(String, SeatKind)
        /// A place in the grid that is not a seat; it breaks a row like an aisle, but counts as a place.
        case blocked
        /// A gap between two places; it takes no place of its own.
        case aisle
    }

    /// One row of the hall.
    public struct Row: Sendable, Hashable {
        public var name: String
        /// The price category that owns the row.
        public var category: String
        public var places: [Place]

        /// A row named `name`, owned by `category`, with `places` left to right.
        public init(name: String, category: String, places: [Place]) {
            self.name = name
            self.category = category
            self.places = places
        }
    }

    /// The rows, front to back.
    public let rows: [Row]
    /// Whether explicit locks may strand a seat.
    public let singleSeatGaps: SingleSeatGapRule
    /// Seat names in layout order: position `p` is `seats[p]`.
    public let seats: [String]
    /// Category names, in the order their first row appears.
    public let categories: [String]

    // Per seat position.
    let kinds: [SeatKind]
    let categoryOf: [Int]
    let rowOf: [Int]
    /// The seat's place in its row, from 0 at the left; aisles take no place, blocked places do.
    let placeOf: [Int]
    let segmentOf: [Int]
    /// For a companion seat, the position of the wheelchair space it belongs to; -1 for every other seat.
    let wheelchairOf: [Int]
    /// For a wheelchair space, how many companion seats belong to it; 0 for every other seat.
    let companionsOf: [Int]

    /// Per segment: the positions of its seats, consecutive in layout order.
    let segments: [Range<Int>]
    /// Per segment: how many wheelchair spaces it has, so accessible requests skip the segments without enough.
    let segmentWheelchairs: [Int]

    // Per row.
    /// Places in the row (blocked ones included, aisles not).
    let rowWidth: [Int]
    /// How far the row is from the middle third of its category's rows, weighted (docs/SEATING.md).
    let rowCost: [Int]

    let categoryIndex: [String: Int]

    /// Half-places one row outside the middle third of its category costs: a row further out weighs as much as a
    /// block three seats further from the centre of its row.
    public static let rowWeight = 6

    /// A plan of `rows`, front to back.
    ///
    /// A companion seat belongs to the wheelchair space beside it in its segment, the one on its left when both are; a
    /// companion seat beside no wheelchair space belongs to none, and best available never hands it out.
    public init(rows: [Row], singleSeatGaps: SingleSeatGapRule = .allow) {
        var seats: [String] = []
        var kinds: [SeatKind] = []
        var categoryOf: [Int] = []
        var rowOf: [Int] = []
        var placeOf: [Int] = []
        var segmentOf: [Int] = []
        var segments: [Range<Int>] = []
        var rowWidth: [Int] = []
        var categories: [String] = []
        var categoryIndex: [String: Int] = [:]
        var categoryRows: [[Int]] = []

        for (rowNumber, row) in rows.enumerated() {
            let category: Int
            if let known = categoryIndex[row.category] {
                category = known
            } else {
                category = categories.count
                categoryIndex[row.category] = category
                categories.append(row.category)
                categoryRows.append([])
            }
            categoryRows[category].append(rowNumber)

            var place = 0
            var segmentStart: Int? = nil
            func closeSegment() {
                if let start = segmentStart, start < seats.count { segments.append(start..<seats.count) }
                segmentStart = nil
            }
            for entry in row.places {
                switch entry {
                case .seat(let name, let kind):
                    if segmentStart == nil { segmentStart = seats.count }
                    seats.append(name)
                    kinds.append(kind)
                    categoryOf.append(category)
                    rowOf.append(rowNumber)
                    placeOf.append(place)
                    segmentOf.append(segments.count)
                    place += 1
                case .blocked:
                    closeSegment()
                    place += 1
                case .aisle:
                    closeSegment()
                }
            }
            closeSegment()
            rowWidth.append(place)
        }

        var rowCost = Array(repeating: 0, count: rows.count)
        for members in categoryRows {
            let (first, last) = Self.middleThird(of: members.count)
            for (rank, rowNumber) in members.enumerated() {
                let outside = rank < first ? first - rank : rank > last ? rank - last : 0
                rowCost[rowNumber] = outside * Self.rowWeight
            }
        }

        var wheelchairOf = Array(repeating: -1, count: seats.count)
        var companionsOf = Array(repeating: 0, count: seats.count)
        for position in seats.indices where kinds[position] == .companion {
            let left = position - 1
            let right = position + 1
            if left >= 0, segmentOf[left] == segmentOf[position], kinds[left] == .wheelchair {
                wheelchairOf[position] = left
            } else if right < seats.count, segmentOf[right] == segmentOf[position], kinds[right] == .wheelchair {
                wheelchairOf[position] = right
            }
            if wheelchairOf[position] >= 0 { companionsOf[wheelchairOf[position]] += 1 }
        }

        self.rows = rows
        self.singleSeatGaps = singleSeatGaps
        self.seats = seats
        self.categories = categories
        self.kinds = kinds
        self.categoryOf = categoryOf
        self.rowOf = rowOf
        self.placeOf = placeOf
        self.segmentOf = segmentOf
        self.wheelchairOf = wheelchairOf
        self.companionsOf = companionsOf
        self.segments = segments
        self.segmentWheelchairs = segments.map { segment in segment.count { kinds[$0] == .wheelchair } }
        self.rowWidth = rowWidth
        self.rowCost = rowCost
        self.categoryIndex = categoryIndex
    }

    /// A plan that knows only seat names: every seat alone in its own segment, all standard, of one unnamed category.
    /// What a `SeatMap` made from names alone uses; best available can give it one seat at a time.
    public convenience init(unarranged seats: [String]) {
        var places: [Place] = []
        places.reserveCapacity(seats.count * 2)
        for seat in seats {
            if !places.isEmpty { places.append(.aisle) }
            places.append(.seat(seat, .standard))
        }
        self.init(rows: [Row(name: "", category: "", places: places)])
    }

    /// The ranks (0 at the front) of the first and last row in the middle third of a category of `rows` rows:
    /// floor(rows / 3) through ceil(2 · rows / 3) − 1.
    static func middleThird(of rows: Int) -> (first: Int, last: Int) {
        (rows / 3, (2 * rows + 2) / 3 - 1)
    }

    // MARK: - Queries

    /// The kind of the seat at `position`.
    public func kind(at position: Int) -> SeatKind { kinds[position] }

    /// The category of the seat at `position`.
    public func category(at position: Int) -> String { categories[categoryOf[position]] }

    /// The row (index into `rows`) of the seat at `position`.
    public func row(at position: Int) -> Int { rowOf[position] }

    /// The place of the seat at `position` in its row, from 0 at the left (blocked places count, aisles do not).
    public func place(at position: Int) -> Int { placeOf[position] }

    /// The wheelchair space the companion seat at `position` belongs to, if it is one that belongs to one.
    public func wheelchair(ofCompanion position: Int) -> Int? {
        wheelchairOf[position] >= 0 ? wheelchairOf[position] : nil
    }

    /// Whether the seats at `a` and `b` are side by side: neighbours in one segment.
    public func areNeighbours(_ a: Int, _ b: Int) -> Bool {
        abs(a - b) == 1 && segmentOf[a] == segmentOf[b]
    }

    /// The positions of the seats side by side with the seat at `position`, itself included, left to right.
    public func segment(containing position: Int) -> Range<Int> { segments[segmentOf[position]] }
}
