import SeatEngine

extension SeatLayout {
    /// The engine's view of this layout: rows in order with their categories, each row's places left to right
    /// (`blocked` places kept, an aisle after each column in `aisles`), every seat's kind, and the gap rule.
    ///
    /// Its seats come in the order of `seats()`, so `SeatMap.seats` and the show's seats agree position for position.
    public func seatingPlan() -> SeatingPlan {
        var categoryOf: [String: String] = [:]
        for category in categories { for row in category.rows { categoryOf[row] = category.name } }
        let blockedSet = Set(blocked)
        let aisleSet = Set(aisles)
        var kinds: [String: SeatKind] = [:]
        for name in wheelchair { kinds[name] = .wheelchair }
        for name in companion { kinds[name] = .companion }
        var planRows: [SeatingPlan.Row] = []
        planRows.reserveCapacity(rows.count)
        for row in rows {
            guard let category = categoryOf[row] else { continue }
            var places: [SeatingPlan.Place] = []
            places.reserveCapacity(columns + aisles.count)
            for column in 1...max(columns, 1) {
                let name = "\(row)\(column)"
                places.append(blockedSet.contains(name) ? .blocked : .seat(name, kinds[name] ?? .standard))
                if aisleSet.contains(column) { places.append(.aisle) }
            }
            planRows.append(SeatingPlan.Row(name: row, category: category, places: places))
        }
        return SeatingPlan(rows: planRows, singleSeatGaps: singleSeatGaps)
    }
}
