import SeatEngine
import Testing

@Suite("Seating plan: the hall's geometry")
struct SeatingPlanTests {
    @Test("seats come row by row, left to right; aisles and blocked places break segments, blocked places take a place")
    func segments() {
        let plan = hall(["ssx|ss", "sss"])
        #expect(plan.seats == ["A1", "A2", "A4", "A5", "B1", "B2", "B3"], "A3 is blocked; the aisle takes no column")
        #expect(names(plan, plan.segment(containing: 0)) == ["A1", "A2"])
        #expect(names(plan, plan.segment(containing: 2)) == ["A4", "A5"], "a blocked place and an aisle stand between A2 and A4")
        #expect(names(plan, plan.segment(containing: 5)) == ["B1", "B2", "B3"])
        #expect(plan.areNeighbours(0, 1) && !plan.areNeighbours(1, 2) && !plan.areNeighbours(3, 4), "row ends break too")
        #expect(plan.row(at: 4) == 1 && plan.category(at: 4) == "Std")
    }

    @Test("a companion seat belongs to the wheelchair space beside it, the left one first; one beside none belongs to none")
    func companions() {
        let plan = hall(["wcw|c", "cws"])
        #expect(plan.kind(at: 0) == .wheelchair && plan.kind(at: 1) == .companion)
        #expect(plan.wheelchair(ofCompanion: 1) == 0, "the left space wins")
        #expect(plan.wheelchair(ofCompanion: 3) == nil, "across an aisle is not beside")
        #expect(plan.wheelchair(ofCompanion: 4) == 5, "the right space when there is no left one")
        #expect(plan.wheelchair(ofCompanion: 6) == nil, "a standard seat is no companion")
    }

    @Test("placement cost: half-places from the row's centre, plus rowWeight per row outside the category's middle third")
    func placementCost() {
        // Six rows of one category: the middle third is C and D.
        let plan = hall(Array(repeating: "ssssss", count: 6))
        let rowA = 0
        let rowC = 12
        #expect(plan.placementCost(block: rowC + 2, end: rowC + 4) == 0, "C3–C4 is dead centre of a middle row")
        #expect(plan.placementCost(block: rowC, end: rowC + 2) == 4, "C1–C2: its middle is two places left of centre")
        #expect(plan.placementCost(block: rowA + 2, end: rowA + 4) == 2 * SeatingPlan.rowWeight, "A is two rows before C")
        #expect(plan.placementCost(block: 30 + 2, end: 30 + 4) == 2 * SeatingPlan.rowWeight, "F is two rows after D")
        // Blocked places count in a row's width, aisles do not.
        let gapped = hall(["x|sss"])
        #expect(gapped.placementCost(block: 0, end: 1) == 1, "A2 is half a place right of the centre of four places")
    }

    @Test("each category's rows have their own middle third")
    func categoriesHaveTheirOwnThirds() {
        let plan = hall(["ss", "ss", "ss", "ss"], categories: ["Gold", "Silver", "Silver", "Silver"])
        #expect(plan.categories == ["Gold", "Silver"])
        #expect(plan.placementCost(block: 0, end: 2) == 0, "a category of one row is its own middle")
        #expect(plan.placementCost(block: 4, end: 6) == 0, "C is the middle of B–D")
        #expect(plan.placementCost(block: 2, end: 4) == SeatingPlan.rowWeight)
    }

    @Test("a plan from names alone: every seat its own segment, standard, one category")
    func unarranged() {
        let plan = SeatingPlan(unarranged: ["A1", "A2", "B1"])
        #expect(plan.seats == ["A1", "A2", "B1"])
        #expect(!plan.areNeighbours(0, 1))
        #expect(plan.singleSeatGaps == .allow)
    }
}
