// Blocks to offer instead of an explicit selection that was refused (docs/SEATING.md, "Alternatives").

extension SeatingPlan {
    /// Up to `limit` blocks of as many seats as `asked`, in the category of the first seat asked, that may be handed
    /// out now, nearest the first seat asked first, no two sharing a seat.
    ///
    /// A block holds as many wheelchair spaces as `asked` does (so usually none), under the rules of best available.
    /// Distance is 2 × rows apart + places apart between the block's leftmost seat and the leftmost seat asked in the
    /// row of the first seat asked — how far the asked seats would have to move, a row counting as two places; ties go
    /// front to back, then left to right. Under `SingleSeatGapRule.refuse`, blocks that would strand a seat are left
    /// out, since they would be refused too. Empty when `asked` is empty or longer than one booking may hold.
    public func alternatives(to asked: [Int], available: [Bool], limit: Int = 3) -> [Range<Int>] {
        guard let anchor = asked.first, asked.count <= SeatMap.maxSeatsPerBooking, limit > 0 else { return [] }
        let count = asked.count
        let accessible = asked.count { kinds[$0] == .wheelchair }
        let refusesGaps = singleSeatGaps == .refuse
        let reference = asked.filter { rowOf[$0] == rowOf[anchor] }.min() ?? anchor
        var candidates: [(distance: Int, start: Int)] = []
        forEachBlock(count: count, accessible: accessible, category: categoryOf[anchor], available: available) { start in
            if refusesGaps && strandedCount(block: start, end: start + count, available: available) > 0 { return }
            let distance = 2 * abs(rowOf[start] - rowOf[reference]) + abs(placeOf[start] - placeOf[reference])
            candidates.append((distance, start))
        }
        candidates.sort { ($0.distance, $0.start) < ($1.distance, $1.start) }
        var chosen: [Range<Int>] = []
        for candidate in candidates {
            let block = candidate.start..<(candidate.start + count)
            guard !chosen.contains(where: { $0.overlaps(block) }) else { continue }
            chosen.append(block)
            if chosen.count == limit { break }
        }
        return chosen
    }
}
