import SeatEngine
import Testing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

@Suite("SeatMap: best available, the gap rule and alternatives")
struct SeatMapBestAvailableTests {
    let later = t0.addingTimeInterval(300)

    func map(_ rows: [String], categories: [String]? = nil, gaps: SingleSeatGapRule = .allow) -> SeatMap {
        try! SeatMap(show: "show-1", plan: hall(rows, categories: categories, gaps: gaps))
    }

    @Test("lockBest makes the change, effect and hold an explicit lock of the same seats makes")
    func sameAsExplicit() throws {
        var best = map(["ssssss", "ssssss", "ssssss"])
        var explicit = best
        let picked = try best.lockBest(booking: "b1", user: "u1", count: 2, expiresAt: later, now: t0)
        #expect(best.hold(for: "b1")?.seats == ["B3", "B4"])
        let locked = try explicit.lock(booking: "b1", user: "u1", seats: ["B3", "B4"], expiresAt: later, now: t0)
        #expect(picked.change == locked.change && picked.effect == locked.effect)
        #expect(MapFingerprint(best) == MapFingerprint(explicit))
        best.rollBack(from: 1)
        #expect(best.counts.held == 0 && best.version == 0, "its undo record restores the state before it")
        #expect(invariantViolations(of: best).isEmpty)
    }

    @Test("lockBest replaces the user's earlier pending booking and may reuse its seats")
    func replaces() throws {
        var seats = map(["ssss"])
        _ = try seats.lock(booking: "b0", user: "u1", seats: ["A1", "A2"], expiresAt: later, now: t0)
        _ = try seats.lock(booking: "bx", user: "u2", seats: ["A3"], expiresAt: later, now: t0)
        let (_, effect) = try seats.lockBest(booking: "b1", user: "u1", count: 2, expiresAt: t0.addingTimeInterval(999), now: t0)
        guard case .locked(let hold, let replaced) = effect else { Issue.record("not a lock"); return }
        #expect(hold.seats == ["A1", "A2"] && replaced?.booking == "b0")
        #expect(seats.hold(for: "b0") == nil)
    }

    @Test("refusals change nothing: not together, unknown category, bad counts")
    func refusals() throws {
        var seats = map(["ss|ss", "ssss"], categories: ["Gold", "Silver"])
        _ = try seats.lock(booking: "b0", user: "u0", seats: ["B2"], expiresAt: later, now: t0)
        let before = MapFingerprint(seats)
        let cases: [(Int, String?, Int, SeatEngineError)] = [
            (3, "Gold", 0, .seatsNotTogether(largestBlock: 2)),
            (3, "Silver", 0, .seatsNotTogether(largestBlock: 2)),
            (2, "Platinum", 0, .unknownCategory(name: "Platinum")),
            (0, nil, 0, .noSeats),
            (11, nil, 0, .tooManySeats(max: 10)),
            (2, nil, 3, .accessibleOutOfRange(max: 2)),
        ]
        for (count, category, accessible, expected) in cases {
            #expect(throws: expected) {
                try seats.lockBest(booking: "b1", user: "u1", count: count, category: category, accessible: accessible, expiresAt: later, now: t0)
            }
            #expect(MapFingerprint(seats) == before)
        }
    }

    @Test("under refuse, an explicit lock that strands a seat is refused naming it; best available is not bound by it")
    func gapRule() throws {
        var seats = map(["sssss"], gaps: .refuse)
        let before = MapFingerprint(seats)
        #expect(throws: SeatEngineError.singleSeatGap(seats: ["A1"]), "A4 keeps A5") {
            try seats.lock(booking: "b1", user: "u1", seats: ["A2", "A3"], expiresAt: later, now: t0)
        }
        #expect(throws: SeatEngineError.singleSeatGap(seats: ["A2", "A4"])) {
            try seats.lock(booking: "b1", user: "u1", seats: ["A1", "A3", "A5"], expiresAt: later, now: t0)
        }
        #expect(throws: SeatEngineError.unavailable(seats: ["A1"]), "unavailable is checked first") {
            var taken = seats
            _ = try taken.lock(booking: "b0", user: "u0", seats: ["A1"], expiresAt: later, now: t0)
            _ = try taken.lock(booking: "b1", user: "u1", seats: ["A1", "A2"], expiresAt: later, now: t0)
        }
        #expect(MapFingerprint(seats) == before)

        var six = map(["ssssss"], gaps: .refuse)
        _ = try six.lock(booking: "b1", user: "u1", seats: ["A1", "A2"], expiresAt: later, now: t0)
        #expect(throws: SeatEngineError.singleSeatGap(seats: ["A6"])) {
            try six.lock(booking: "b2", user: "u2", seats: ["A3", "A4", "A5"], expiresAt: later, now: t0)
        }
        _ = try six.lockBest(booking: "b2", user: "u2", count: 3, expiresAt: later, now: t0)
        #expect(six.hold(for: "b2")?.seats == ["A3", "A4", "A5"], "every block of three strands a seat: the best-placed one")
    }

    @Test("the seats of the user's replaced booking count as available for the gap rule")
    func gapRuleSeesReplacedSeats() throws {
        var seats = map(["sssss"], gaps: .refuse)
        _ = try seats.lock(booking: "b0", user: "u1", seats: ["A1", "A2", "A3"], expiresAt: later, now: t0)
        #expect(throws: SeatEngineError.singleSeatGap(seats: ["A2"])) {
            try seats.lock(booking: "b1", user: "u1", seats: ["A1", "A3"], expiresAt: later, now: t0)
        }
        _ = try seats.lock(booking: "b1", user: "u1", seats: ["A1", "A2"], expiresAt: later, now: t0)
        #expect(seats.hold(for: "b0") == nil)
    }

    @Test("alternatives: names, the caller's replaceable seats counted, nothing for unknown seats")
    func alternatives() throws {
        var seats = map(["ssssss", "ssssss"])
        _ = try seats.lock(booking: "b0", user: "u0", seats: ["A3", "A4"], expiresAt: later, now: t0)
        _ = try seats.lock(booking: "b1", user: "u1", seats: ["A5", "A6"], expiresAt: later, now: t0)
        #expect(seats.alternatives(to: ["A3", "A4"], user: "u2") == [["A1", "A2"], ["B3", "B4"], ["B1", "B2"]])
        #expect(seats.alternatives(to: ["A3", "A4"], user: "u1").contains(["A5", "A6"]), "u1's own hold would be released")
        #expect(seats.alternatives(to: ["A3", "Z9"], user: "u2") == [])
    }
}
