import SeatEngine
import Testing

@Suite("Alternatives to a refused selection")
struct AlternativesTests {
    func offered(_ plan: SeatingPlan, _ asked: [String], taken: Set<String>) -> [[String]] {
        let positions = asked.map { plan.seats.firstIndex(of: $0)! }
        return plan.alternatives(to: positions, available: availability(plan, taken: taken)).map { names(plan, $0) }
    }

    @Test("up to three blocks of the same size, nearest the first seat asked first, no two sharing a seat")
    func nearestFirst() {
        let plan = hall(["ssssssss", "ssssssss", "ssssssss"])
        let alternatives = offered(plan, ["B4", "B5"], taken: ["B4"])
        #expect(alternatives == [["B5", "B6"], ["A4", "A5"], ["B2", "B3"]], "one place right; a row forward (2); two places left")
        #expect(offered(plan, ["B5", "B4"], taken: ["B4"]) == alternatives, "measured from the leftmost seat asked in its row")
    }

    @Test("only the category of the first seat asked, only available seats, only side by side")
    func sameCategory() {
        let plan = hall(["ss|ss", "ssss"], categories: ["Gold", "Silver"])
        #expect(offered(plan, ["A1", "A2"], taken: ["A1", "A4"]) == [], "A2–A3 is across the aisle; Silver is another category")
        #expect(offered(plan, ["B2", "A1"], taken: ["B2"]) == [["B3", "B4"]], "the category of B2; B1 and B3 are not side by side")
    }

    @Test("as many wheelchair spaces as asked for, with their companions; none when none were asked")
    func kinds() {
        let plan = hall(["wcssssss", "sssssswc"])
        #expect(offered(plan, ["A1", "A2"], taken: ["A1"]) == [["B7", "B8"]])
        #expect(offered(plan, ["A3", "A4"], taken: ["A3"]).allSatisfy { !$0.contains("A1") && !$0.contains("A2") })
    }

    @Test("under the refuse rule, blocks that would strand a seat are not offered")
    func refuseRule() {
        let plan = hall(["ssssss"], gaps: .refuse)
        #expect(offered(plan, ["A1", "A2"], taken: ["A1"]) == [["A2", "A3"], ["A5", "A6"]], "A4–A5 would strand A6")
        let allowing = hall(["ssssss"])
        #expect(offered(allowing, ["A1", "A2"], taken: ["A1"]) == [["A2", "A3"], ["A4", "A5"]])
    }
}
