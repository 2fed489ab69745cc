// Single seats a selection would strand (docs/SEATING.md, "Stranding").

extension SeatingPlan {
    /// The seats that taking `selection` would strand, in layout order: each an available seat outside the selection,
    /// beside an available selected seat in its segment, with no available unselected neighbour in its segment.
    ///
    /// `available` is every seat's availability before the selection is taken (parallel to `seats`). Such a seat had
    /// an available neighbour (the selected one) and would have none after: it is left alone between the selection
    /// and a taken seat, a blocked place, an aisle or the row's end. A seat that was alone already is not stranded by
    /// this selection.
    public func strandedSeats(bySelecting selection: [Int], available: [Bool]) -> [Int] {
        var stranded: [Int] = []
        for selected in selection where available[selected] {
            for beside in [selected - 1, selected + 1] where isInSegment(beside, of: selected) {
                guard available[beside], !selection.contains(beside), !stranded.contains(beside) else { continue }
                if !hasFreeNeighbour(beside, available: available, excluding: selection) { stranded.append(beside) }
            }
        }
        return stranded.sorted()
    }

    /// How many seats taking the block `start..<end` (one segment, every seat available) would strand: 0, 1 or 2.
    /// The block's neighbours' other neighbours are outside the block, so no selection needs checking.
    @inline(__always)
    func strandedCount(block start: Int, end: Int, available: [Bool]) -> Int {
        let segment = segments[segmentOf[start]]
        var count = 0
        let left = start - 1
        if left >= segment.lowerBound, available[left], left - 1 < segment.lowerBound || !available[left - 1] { count += 1 }
        if end < segment.upperBound, available[end], end + 1 >= segment.upperBound || !available[end + 1] { count += 1 }
        return count
    }

    /// Whether `position` is a seat in the same segment as the seat at `other`.
    @inline(__always)
    func isInSegment(_ position: Int, of other: Int) -> Bool {
        position >= 0 && position < seats.count && segmentOf[position] == segmentOf[other]
    }

    /// Whether the seat at `position` has a neighbour in its segment that is available and not in `excluding`.
    private func hasFreeNeighbour(_ position: Int, available: [Bool], excluding taken: [Int]) -> Bool {
        for beside in [position - 1, position + 1] where isInSegment(beside, of: position) {
            if available[beside] && !taken.contains(beside) { return true }
        }
        return false
    }
}
