import BoxOfficeTestSupport
import SeatEngine

// Halls written as text, random halls, and availability, for the seating tests.

/// A hall from one string per row, front to back: `s` a standard seat, `w` a wheelchair space, `c` a companion seat,
/// `x` a blocked place, `|` an aisle. Rows are A, B, …; a seat is named row + place number from 1 (`"B3"`).
/// `categories[i]` owns row i (default: every row "Std").
func hall(_ rows: [String], categories: [String]? = nil, gaps: SingleSeatGapRule = .allow) -> SeatingPlan {
    SeatingPlan(rows: hallRows(rows, categories: categories), singleSeatGaps: gaps)
}

/// The rows of `hall(_:categories:gaps:)`.
func hallRows(_ rows: [String], categories: [String]? = nil) -> [SeatingPlan.Row] {
    let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return rows.enumerated().map { number, text in
        let name = String(letters[number])
        var column = 0
        var places: [SeatingPlan.Place] = []
        for symbol in text {
            if symbol == "|" {
                places.append(.aisle)
                continue
            }
            column += 1
            switch symbol {
            case "x": places.append(.blocked)
            case "w": places.append(.seat("\(name)\(column)", .wheelchair))
            case "c": places.append(.seat("\(name)\(column)", .companion))
            default: places.append(.seat("\(name)\(column)", .standard))
            }
        }
        return SeatingPlan.Row(name: name, category: categories?[number] ?? "Std", places: places)
    }
}

/// Availability parallel to `plan.seats`: every seat available except `taken`.
func availability(_ plan: SeatingPlan, taken: Set<String> = []) -> [Bool] {
    plan.seats.map { !taken.contains($0) }
}

/// Seat names of positions.
func names(_ plan: SeatingPlan, _ positions: some Sequence<Int>) -> [String] {
    positions.map { plan.seats[$0] }
}

/// A random hall description: rows of places (as `hall` reads them) and a category per row.
struct RandomHall {
    var rows: [String]
    var categories: [String]

    var plan: SeatingPlan { hall(rows, categories: categories) }

    /// 1–`maxRows` rows of 1–`maxColumns` places, 0–2 aisles, some blocked places, 1–3 categories owning runs of rows,
    /// and a few wheelchair spaces, most with a companion seat beside them.
    static func make(using random: inout SplitMix64, maxRows: Int = 6, maxColumns: Int = 12) -> RandomHall {
        let rowCount = Int.random(in: 1...maxRows, using: &random)
        let columns = Int.random(in: 1...maxColumns, using: &random)
        let aisles = Set((0..<Int.random(in: 0...2, using: &random)).compactMap { _ in
            columns > 1 ? Int.random(in: 1..<columns, using: &random) : nil
        })
        let categoryCount = Int.random(in: 1...min(3, rowCount), using: &random)
        // Categories own consecutive rows: cut the rows at categoryCount - 1 distinct places.
        var cuts = Set<Int>()
        while cuts.count < categoryCount - 1 { cuts.insert(Int.random(in: 1..<rowCount, using: &random)) }
        var categories: [String] = []
        var category = 0
        for row in 0..<rowCount {
            if cuts.contains(row) { category += 1 }
            categories.append(["Gold", "Silver", "Bronze"][category])
        }
        var rows: [String] = []
        for _ in 0..<rowCount {
            var symbols = (0..<columns).map { _ in random.chance(0.08) ? Character("x") : Character("s") }
            if random.chance(0.3), columns >= 2 {
                let space = Int.random(in: 0..<columns, using: &random)
                symbols[space] = "w"
                let side = random.chance(0.5) ? space - 1 : space + 1
                if random.chance(0.8), side >= 0, side < columns, !aisles.contains(min(space, side) + 1) { symbols[side] = "c" }
            }
            var text = ""
            for (index, symbol) in symbols.enumerated() {
                text.append(symbol)
                if aisles.contains(index + 1) { text.append("|") }
            }
            rows.append(text)
        }
        return RandomHall(rows: rows, categories: categories)
    }
}

/// Random availability: each seat taken with probability `occupancy`.
func randomAvailability(_ plan: SeatingPlan, occupancy: Double, using random: inout SplitMix64) -> [Bool] {
    plan.seats.map { _ in !random.chance(occupancy) }
}
