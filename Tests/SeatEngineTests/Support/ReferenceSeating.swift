import SeatEngine

// The seating rules of docs/SEATING.md written again the slow, obvious way, straight from a hall's text and with seat
// names, to check the engine against by brute force on small halls.

/// A hall read cell by cell, as docs/SEATING.md describes it.
struct ReferenceHall {
    enum Cell: Equatable {
        case seat(String, Character)
        case blocked
        case aisle
    }

    /// A block of seats the rules allow, with what the rules say about it.
    struct Block: Equatable {
        var seats: [String]
        var row: Int
        var firstPlace: Int
        var stranded: Int
        var cost: Int
    }

    let cells: [[Cell]]
    let categories: [String]

    init(_ hall: RandomHall) {
        categories = hall.categories
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        cells = hall.rows.enumerated().map { number, text in
            var column = 0
            return text.map { symbol in
                if symbol == "|" { return .aisle }
                column += 1
                return symbol == "x" ? .blocked : .seat("\(letters[number])\(column)", symbol)
            }
        }
    }

    /// Seat name → (row, cell index).
    var seatCells: [String: (row: Int, cell: Int)] {
        var result: [String: (row: Int, cell: Int)] = [:]
        for (row, rowCells) in cells.enumerated() {
            for (index, cell) in rowCells.enumerated() { if case .seat(let name, _) = cell { result[name] = (row, index) } }
        }
        return result
    }

    func seat(_ row: Int, _ cell: Int) -> (name: String, kind: Character)? {
        guard cell >= 0, cell < cells[row].count, case .seat(let name, let kind) = cells[row][cell] else { return nil }
        return (name, kind)
    }

    /// The seats side by side with a seat: the seat cells right next to it (an aisle or a blocked place is no seat).
    func neighbours(of name: String) -> [String] {
        guard let (row, cell) = seatCells[name] else { return [] }
        return [cell - 1, cell + 1].compactMap { seat(row, $0)?.name }
    }

    /// The wheelchair space a companion seat belongs to: the one right beside it, the left one first.
    func wheelchair(ofCompanion name: String) -> String? {
        guard let (row, cell) = seatCells[name] else { return nil }
        for side in [cell - 1, cell + 1] {
            if let beside = seat(row, side), beside.kind == "w" { return beside.name }
        }
        return nil
    }

    /// Seats that taking `selection` strands: available before, not taken, had an available neighbour, has none after.
    func stranded(by selection: Set<String>, available: Set<String>) -> [String] {
        let after = available.subtracting(selection)
        return after.filter { seat in
            let beside = neighbours(of: seat)
            return beside.contains(where: available.contains) && !beside.contains(where: after.contains)
        }.sorted()
    }

    /// Every block of `count` seats for `accessible` wheelchair spaces, in `category` (nil: any), all available.
    func blocks(count: Int, accessible: Int, category: String?, available: Set<String>) -> [Block] {
        var result: [Block] = []
        for (row, rowCells) in cells.enumerated() where category == nil || categories[row] == category {
            let width = rowCells.filter { $0 != .aisle }.count
            for start in rowCells.indices {
                let run = (start..<(start + count)).compactMap { seat(row, $0) }
                guard run.count == count, start + count <= rowCells.count else { continue }
                let names = Set(run.map(\.name))
                guard names.isSubset(of: available), allowed(run, accessible: accessible) else { continue }
                let firstPlace = rowCells[..<start].filter { $0 != .aisle }.count
                let centre = abs(2 * firstPlace + count - 1 - (width - 1))
                result.append(
                    Block(
                        seats: run.map(\.name), row: row, firstPlace: firstPlace,
                        stranded: stranded(by: names, available: available).count, cost: centre + rowCost(row)))
            }
        }
        return result
    }

    /// The rules of kinds: no wheelchair or companion seat unless asked; else exactly `accessible` spaces, each with
    /// all of its companions, and no other companion.
    func allowed(_ run: [(name: String, kind: Character)], accessible: Int) -> Bool {
        let names = Set(run.map(\.name))
        let spaces = run.filter { $0.kind == "w" }.map(\.name)
        guard spaces.count == accessible else { return false }
        for seat in run where seat.kind == "c" {
            guard let space = wheelchair(ofCompanion: seat.name), names.contains(space) else { return false }
        }
        let allCompanions = seatCells.keys.filter { name in
            guard let (row, cell) = seatCells[name] else { return false }
            return seat(row, cell)?.kind == "c"
        }
        for space in spaces {
            for companion in allCompanions where wheelchair(ofCompanion: companion) == space && !names.contains(companion) { return false }
        }
        return true
    }

    /// Weighted rows between `row` and the middle third of its category: a row of rank r among m is in it when
    /// [r, r + 1) overlaps (m/3, 2m/3).
    func rowCost(_ row: Int) -> Int {
        let members = categories.indices.filter { categories[$0] == categories[row] }
        let m = members.count
        let rank = members.firstIndex(of: row)!
        let inside = (0..<m).filter { r in 3 * r + 3 > m && 3 * r < 2 * m }
        let distance = inside.map { abs($0 - rank) }.min()!
        return distance * SeatingPlan.rowWeight
    }

    /// The block best available must pick: fewest stranded, then lowest cost, then front, then left.
    func best(count: Int, accessible: Int, category: String?, available: Set<String>) -> Block? {
        blocks(count: count, accessible: accessible, category: category, available: available).min {
            ($0.stranded, $0.cost, $0.row, $0.firstPlace) < ($1.stranded, $1.cost, $1.row, $1.firstPlace)
        }
    }
}
