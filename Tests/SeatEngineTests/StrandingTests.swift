import SeatEngine
import Testing

@Suite("Stranding: single seats a selection would leave alone")
struct StrandingTests {
    @Test("a seat left between the selection and a row end, a taken seat, a blocked place or an aisle is stranded")
    func boundaries() {
        let plan = hall(["ssss", "sssx", "sss|s", "ssss"])
        let rowEnd = plan.strandedSeats(bySelecting: [1, 2], available: availability(plan))
        #expect(names(plan, rowEnd) == ["A1", "A4"])
        let blocked = plan.strandedSeats(bySelecting: [4], available: availability(plan))
        #expect(names(plan, blocked).isEmpty, "B1 taken leaves B2–B3 together")
        let besideBlocked = plan.strandedSeats(bySelecting: [4, 5], available: availability(plan))
        #expect(names(plan, besideBlocked) == ["B3"], "B3 is left between B2 and the blocked B4")
        let besideAisle = plan.strandedSeats(bySelecting: [7, 8], available: availability(plan))
        #expect(names(plan, besideAisle) == ["C3"], "C3 is left between C2 and the aisle; C4 across it does not count")
        let besideTaken = plan.strandedSeats(bySelecting: [12, 13], available: availability(plan, taken: ["D1"]))
        #expect(names(plan, besideTaken) == ["D4"])
        let rowStart = plan.strandedSeats(bySelecting: [12], available: availability(plan, taken: ["D1"]))
        #expect(rowStart.isEmpty, "D3–D4 stay together")
    }

    @Test("a seat that was alone already is not stranded by the selection; nor is one with a free neighbour left")
    func onlyNewGaps() {
        let plan = hall(["sssss"])
        let alone = plan.strandedSeats(bySelecting: [3], available: availability(plan, taken: ["A1", "A3"]))
        #expect(names(plan, alone) == ["A5"], "A2 was alone already; A5 had only A4")
        #expect(names(plan, plan.strandedSeats(bySelecting: [2], available: availability(plan, taken: ["A1", "A5"]))) == ["A2", "A4"])
        let single = hall(["s|s|s"])
        #expect(single.strandedSeats(bySelecting: [1], available: availability(single)).isEmpty, "single-seat segments have no neighbours")
    }

    @Test("seats inside the selection are never stranded; gaps between selected seats are")
    func insideTheSelection() {
        let plan = hall(["sssss"])
        #expect(names(plan, plan.strandedSeats(bySelecting: [0, 2], available: availability(plan))) == ["A2"])
        #expect(plan.strandedSeats(bySelecting: [0, 1, 2, 3, 4], available: availability(plan)).isEmpty)
    }
}
