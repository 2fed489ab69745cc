import SeatEngine
import Testing

@Suite("Best available: choosing a block")
struct BestAvailableTests {
    func pick(_ plan: SeatingPlan, _ count: Int, category: String? = nil, accessible: Int = 0, taken: Set<String> = []) throws -> [String]? {
        let request = try BestAvailableRequest(count: count, category: category, accessible: accessible)
        guard case .block(let block) = plan.bestBlock(for: request, available: availability(plan, taken: taken)) else { return nil }
        return names(plan, block)
    }

    func largest(_ plan: SeatingPlan, _ count: Int, category: String? = nil, accessible: Int = 0, taken: Set<String> = []) throws -> Int? {
        let request = try BestAvailableRequest(count: count, category: category, accessible: accessible)
        guard case .none(let largest) = plan.bestBlock(for: request, available: availability(plan, taken: taken)) else { return nil }
        return largest
    }

    @Test("an empty hall gives the centre of the front row of the middle third")
    func emptyHall() throws {
        let plan = hall(Array(repeating: "ssssssss", count: 6))
        #expect(try pick(plan, 2) == ["C4", "C5"])
        #expect(try pick(plan, 3) == ["C3", "C4", "C5"], "C3–C5 and C4–C6 are equally off centre: the left one")
        let centreTaken: Set<String> = ["C4", "C5", "D4", "D5"]
        #expect(try pick(plan, 3, taken: centreTaken) == ["C1", "C2", "C3"], "five half-places off centre beats an outer row")
        #expect(try pick(plan, 2, taken: centreTaken) == ["B4", "B5"], "every pair left in C and D would strand a seat")
    }

    @Test("a block that strands no seat wins over a better-placed one that does; when all strand, the best-placed")
    func stranding() throws {
        #expect(try pick(hall(["sssss"]), 2) == ["A1", "A2"], "A2–A3 is nearer the centre but leaves A1 alone")
        #expect(try pick(hall(["sss"]), 2) == ["A1", "A2"], "both blocks strand one seat: equally placed, so the left")
        #expect(try pick(hall(["ssssss"]), 2, taken: ["A1"]) == ["A2", "A3"], "A4–A5 and A3–A4 would strand a seat")
    }

    @Test("blocks never cross an aisle or a blocked place, and stay in the category asked for")
    func segmentsAndCategories() throws {
        let plan = hall(["ss|ss", "sxss", "ssss"], categories: ["Gold", "Gold", "Silver"])
        #expect(try pick(plan, 3, category: "Gold") == nil)
        #expect(try largest(plan, 3, category: "Gold") == 2)
        #expect(try pick(plan, 3) == ["C1", "C2", "C3"])
        #expect(try pick(plan, 2, category: "Silver") == ["C1", "C2"], "C2–C3 would strand C1 and C4")
        #expect(try largest(plan, 2, category: "Platinum") == 0, "an unknown category has no seats")
    }

    @Test("largestBlock is the most seats one block could give the same request")
    func largestBlock() throws {
        let plan = hall(["ssssss", "ssssss"])
        let taken: Set<String> = ["A3", "B2", "B5"]
        #expect(try largest(plan, 4, taken: taken) == 3, "A4–A6")
        #expect(try largest(plan, 4, taken: plan.seats.reduce(into: Set()) { $0.insert($1) }) == 0)
    }

    @Test("wheelchair and companion seats are given only when asked for, a space with its companion counted in count")
    func accessible() throws {
        let plan = hall(["sswcss"])
        #expect(try pick(plan, 2) == ["A1", "A2"])
        #expect(try pick(plan, 3) == nil && largest(plan, 3) == 2, "no standard block of three: W and C are not handed out")
        #expect(try pick(plan, 2, accessible: 1) == ["A3", "A4"])
        #expect(try pick(plan, 3, accessible: 1) == ["A2", "A3", "A4"])
        #expect(try pick(plan, 1, accessible: 1) == nil, "the space's companion must come with it")
        #expect(try largest(plan, 1, accessible: 1) == 6)
        #expect(try pick(hall(["ssws"]), 1, accessible: 1) == ["A3"], "a space without a companion seat comes alone")
        #expect(try pick(hall(["cssc"]), 1) == ["A2"], "companion seats of no space are never handed out")
        #expect(try pick(hall(["wcwc"]), 4, accessible: 2) == ["A1", "A2", "A3", "A4"])
        #expect(try pick(hall(["wcwc"]), 2, accessible: 2) == nil)
    }

    @Test("requests out of range are refused before anything is looked at")
    func requests() {
        #expect(throws: SeatEngineError.noSeats) { try BestAvailableRequest(count: 0) }
        #expect(throws: SeatEngineError.tooManySeats(max: 10)) { try BestAvailableRequest(count: 11) }
        #expect(throws: SeatEngineError.accessibleOutOfRange(max: 2)) { try BestAvailableRequest(count: 2, accessible: 3) }
        #expect(throws: SeatEngineError.accessibleOutOfRange(max: 2)) { try BestAvailableRequest(count: 2, accessible: -1) }
    }
}
