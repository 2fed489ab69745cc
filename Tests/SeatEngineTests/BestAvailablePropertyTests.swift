import BoxOfficeTestSupport
import SeatEngine
import Testing

// Random halls (rows, columns, aisles, blocked places, categories, wheelchair and companion seats) and random
// occupancy, checked against the rules written again by brute force (Support/ReferenceSeating.swift).

@Suite("Seating: properties over random halls")
struct BestAvailablePropertyTests {
    /// One random case: a hall, its reference, and an occupancy of it.
    struct Case {
        let seed: UInt64
        let hall: RandomHall
        let plan: SeatingPlan
        let reference: ReferenceHall
        let available: [Bool]
        let availableNames: Set<String>
    }

    static func cases(seed: UInt64, count: Int) -> [Case] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { index in
            let hall = RandomHall.make(using: &random)
            let plan = hall.plan
            let occupancy = [0.0, 0.2, 0.5, 0.8, 0.95].randomElement(using: &random)!
            let available = randomAvailability(plan, occupancy: occupancy, using: &random)
            let names = Set(plan.seats.indices.filter { available[$0] }.map { plan.seats[$0] })
            return Case(
                seed: seed * 1_000 + UInt64(index), hall: hall, plan: plan, reference: ReferenceHall(hall), available: available,
                availableNames: names)
        }
    }

    @Test(
        "the pick is available, side by side, in the category, of the right kinds, strands none when a block can, and is the brute-force best",
        arguments: [1, 2, 3, 4] as [UInt64])
    func bestAvailable(seed: UInt64) throws {
        var random = SplitMix64(seed: seed &+ 77)
        for sample in Self.cases(seed: seed, count: 250) {
            let plan = sample.plan
            let count = Int.random(in: 1...6, using: &random)
            let accessible = random.chance(0.7) ? 0 : Int.random(in: 0...min(2, count), using: &random)
            let category = random.chance(0.5) ? nil : sample.hall.categories.randomElement(using: &random)
            let request = try BestAvailableRequest(count: count, category: category, accessible: accessible)
            let context = """
                case \(sample.seed): \(sample.hall.rows) \(sample.hall.categories), count \(count), category \(category ?? "any"), \
                accessible \(accessible), available \(sample.availableNames.sorted())
                """
            let expected = sample.reference.best(count: count, accessible: accessible, category: category, available: sample.availableNames)

            switch plan.bestBlock(for: request, available: sample.available) {
            case .block(let block):
                let seats = names(plan, block)
                #expect(block.count == count, "\(context)")
                #expect(block.allSatisfy { sample.available[$0] }, "every pick is available; \(context)")
                #expect(zip(block, block.dropFirst()).allSatisfy { plan.areNeighbours($0, $1) }, "side by side; \(context)")
                if let category { #expect(block.allSatisfy { plan.category(at: $0) == category }, "\(context)") }
                #expect(block.count { plan.kind(at: $0) == .wheelchair } == accessible, "\(context)")
                if accessible == 0 { #expect(block.allSatisfy { plan.kind(at: $0) == .standard }, "\(context)") }
                let candidates = sample.reference.blocks(count: count, accessible: accessible, category: category, available: sample.availableNames)
                let stranded = sample.reference.stranded(by: Set(seats), available: sample.availableNames)
                if candidates.contains(where: { $0.stranded == 0 }) { #expect(stranded.isEmpty, "strands \(stranded) needlessly; \(context)") }
                #expect(seats == expected?.seats, "the brute-force best is \(expected?.seats ?? []); \(context)")
            case .none(let largestBlock):
                #expect(expected == nil, "brute force found \(expected?.seats ?? []); \(context)")
                let largest = (1...SeatMap.maxSeatsPerBooking).last { size in
                    !sample.reference.blocks(count: size, accessible: accessible, category: category, available: sample.availableNames).isEmpty
                }
                #expect(largestBlock == (largest ?? 0), "\(context)")
            }
        }
    }

    @Test("the seats an explicit selection strands are exactly those the rule names", arguments: [5, 6] as [UInt64])
    func stranding(seed: UInt64) {
        var random = SplitMix64(seed: seed &+ 77)
        for sample in Self.cases(seed: seed, count: 300) {
            let open = sample.plan.seats.indices.filter { sample.available[$0] }
            guard !open.isEmpty else { continue }
            let selection = Array(open.shuffled(using: &random).prefix(Int.random(in: 1...4, using: &random)))
            let stranded = sample.plan.strandedSeats(bySelecting: selection, available: sample.available)
            let expected = sample.reference.stranded(by: Set(names(sample.plan, selection)), available: sample.availableNames)
            let context = "case \(sample.seed): \(sample.hall.rows), selection \(names(sample.plan, selection))"
            #expect(names(sample.plan, stranded).sorted() == expected, "\(context)")
        }
    }

    @Test("alternatives: blocks the rules allow, disjoint, nearest first, as many as there are up to three", arguments: [7, 8] as [UInt64])
    func alternatives(seed: UInt64) {
        var random = SplitMix64(seed: seed &+ 77)
        for sample in Self.cases(seed: seed, count: 300) {
            let plan = sample.plan
            let asked = Array(plan.seats.indices.shuffled(using: &random).prefix(Int.random(in: 1...4, using: &random)))
            let offered = plan.alternatives(to: asked, available: sample.available)
            let anchor = asked[0]
            let reference = asked.filter { plan.row(at: $0) == plan.row(at: anchor) }.min()!
            let accessible = asked.count { plan.kind(at: $0) == .wheelchair }
            let candidates = sample.reference.blocks(
                count: asked.count, accessible: accessible, category: plan.category(at: anchor), available: sample.availableNames)
            let context = "case \(sample.seed): \(sample.hall.rows) \(sample.hall.categories), asked \(names(plan, asked))"
            #expect(offered.count <= 3, "\(context)")
            for block in offered {
                #expect(candidates.contains { $0.seats == names(plan, block) }, "\(names(plan, block)) breaks the rules; \(context)")
            }
            for a in offered.indices { for b in offered.indices where a < b { #expect(!offered[a].overlaps(offered[b]), "\(context)") } }
            func distance(_ block: Range<Int>) -> Int {
                2 * abs(plan.row(at: block.lowerBound) - plan.row(at: reference))
                    + abs(plan.place(at: block.lowerBound) - plan.place(at: reference))
            }
            #expect(offered.map(distance) == offered.map(distance).sorted(), "nearest first; \(context)")
            if offered.count < 3 {
                let missed = candidates.first { candidate in
                    let range = plan.seats.firstIndex(of: candidate.seats[0])!..<(plan.seats.firstIndex(of: candidate.seats[0])! + asked.count)
                    return !offered.contains { $0.overlaps(range) }
                }
                #expect(missed == nil, "\(missed?.seats ?? []) was not offered; \(context)")
            }
        }
    }
}
