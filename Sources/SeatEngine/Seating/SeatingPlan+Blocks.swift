// Which blocks of seats best available and the alternatives may hand out (docs/SEATING.md, "Blocks").

extension SeatingPlan {
    /// Calls `body` with the first position of every block of `count` seats that may be handed out for `accessible`
    /// wheelchair spaces in the category numbered `category` (nil: any), in layout order: front to back, left to right.
    ///
    /// A block is `count` seats of one segment, every one available. With `accessible` 0 they are all standard. Else it
    /// holds exactly `accessible` wheelchair spaces, every companion seat that belongs to them, no other companion seat,
    /// and standard seats for the rest.
    @inline(__always)
    func forEachBlock(count: Int, accessible: Int, category: Int?, available: [Bool], _ body: (Int) -> Void) {
        for (number, segment) in segments.enumerated() where segment.count >= count {
            if let category, categoryOf[segment.lowerBound] != category { continue }
            if accessible == 0 {
                // One pass: the run of available standard seats ending at each seat.
                var run = 0
                for position in segment {
                    if available[position] && kinds[position] == .standard {
                        run += 1
                        if run >= count { body(position - count + 1) }
                    } else {
                        run = 0
                    }
                }
            } else if segmentWheelchairs[number] >= accessible {
                for start in segment.lowerBound...(segment.upperBound - count)
                where holdsAccessible(start: start, end: start + count, accessible: accessible, available: available) {
                    body(start)
                }
            }
        }
    }

    /// Whether the seats `start..<end` (one segment) are all available and make up a block for `accessible` wheelchair
    /// spaces: exactly that many, each with every companion seat of its own, no other companion, the rest standard.
    func holdsAccessible(start: Int, end: Int, accessible: Int, available: [Bool]) -> Bool {
        var wheelchairs = 0
        var companionsHeld = 0
        var companionsOwed = 0
        for position in start..<end {
            guard available[position] else { return false }
            switch kinds[position] {
            case .standard:
                break
            case .wheelchair:
                wheelchairs += 1
                companionsOwed += companionsOf[position]
            case .companion:
                let space = wheelchairOf[position]
                guard space >= start, space < end else { return false }
                companionsHeld += 1
            }
        }
        // Every companion held belongs to a space held, so equal counts mean every space has all of its own.
        return wheelchairs == accessible && companionsHeld == companionsOwed
    }

    /// The most seats, up to `SeatMap.maxSeatsPerBooking`, one block could give for `accessible` wheelchair spaces in
    /// the category numbered `category` (nil: any); 0 when none could.
    func largestBlock(accessible: Int, category: Int?, available: [Bool]) -> Int {
        let most = SeatMap.maxSeatsPerBooking
        if accessible == 0 {
            var largest = 0
            for segment in segments {
                if let category, categoryOf[segment.lowerBound] != category { continue }
                var run = 0
                for position in segment {
                    run = available[position] && kinds[position] == .standard ? run + 1 : 0
                    largest = max(largest, run)
                }
            }
            return min(largest, most)
        }
        guard accessible <= most else { return 0 }
        for count in stride(from: most, through: max(accessible, 1), by: -1) {
            var found = false
            forEachBlock(count: count, accessible: accessible, category: category, available: available) { _ in found = true }
            if found { return count }
        }
        return 0
    }

    /// The index of the category named `name`, if the hall has it.
    func categoryNumber(_ name: String) -> Int? { categoryIndex[name] }
}
