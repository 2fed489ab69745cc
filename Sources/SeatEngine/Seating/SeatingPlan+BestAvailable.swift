// Choosing the best block for a best-available request (docs/SEATING.md, "Best available").

/// What best available found: the seats to hold, or how many side by side it could have given instead.
public enum BestAvailablePick: Sendable, Equatable {
    /// The positions of the seats to hold, side by side in one segment.
    case block(Range<Int>)
    /// No block fits; `largestBlock` is the most seats one block could have given to the same request.
    case none(largestBlock: Int)
}

extension SeatingPlan {
    /// The best block for `request` given every seat's availability (`available`, parallel to `seats`).
    ///
    /// Among the blocks that may be handed out, the one that strands the fewest seats, then the lowest
    /// `placementCost`, then the frontmost, then the leftmost. Deterministic; allocates nothing per candidate.
    public func bestBlock(for request: BestAvailableRequest, available: [Bool]) -> BestAvailablePick {
        var category: Int? = nil
        if let name = request.category {
            guard let number = categoryNumber(name) else { return .none(largestBlock: 0) }
            category = number
        }
        let count = request.count
        var bestStranded = Int.max
        var bestCost = Int.max
        var bestStart = -1
        forEachBlock(count: count, accessible: request.accessible, category: category, available: available) { start in
            let stranded = strandedCount(block: start, end: start + count, available: available)
            guard stranded <= bestStranded else { return }
            let cost = placementCost(block: start, end: start + count)
            // Blocks come front to back, left to right: a tie keeps the earlier one.
            if stranded < bestStranded || cost < bestCost {
                bestStranded = stranded
                bestCost = cost
                bestStart = start
            }
        }
        guard bestStart >= 0 else {
            return .none(largestBlock: largestBlock(accessible: request.accessible, category: category, available: available))
        }
        return .block(bestStart..<(bestStart + count))
    }

    /// How badly placed the block `start..<end` (one segment) is, lower is better: its distance from the centre of its
    /// row in half-places, plus `rowWeight` for every row between its row and the middle third of its category's rows.
    @inline(__always)
    public func placementCost(block start: Int, end: Int) -> Int {
        let row = rowOf[start]
        return abs(placeOf[start] + placeOf[end - 1] - (rowWidth[row] - 1)) + rowCost[row]
    }
}
