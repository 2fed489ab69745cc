import SeatEngine

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Seat numbers row by row: `layout(rows: 2, columns: 3)` is A1 A2 A3 B1 B2 B3.
func layout(rows: Int, columns: Int) -> [String] {
    let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return (0..<rows).flatMap { row in (1...columns).map { "\(letters[row])\($0)" } }
}

/// A fixed instant, so tests never depend on the wall clock.
let t0 = Date(timeIntervalSince1970: 1_800_000_000)

/// A fresh 3×4 map (A1…C4) at version 0.
func smallMap() -> SeatMap {
    // The layout is valid by construction.
    try! SeatMap(show: "show-1", seats: layout(rows: 3, columns: 4))
}

/// Everything about a map that an operation could change, for "an error changes nothing" checks.
struct MapFingerprint: Equatable {
    let state: SeatMapState
    let statuses: [SeatStatus]
    let owners: [BookingID?]
    let pinned: [BookingID]
    let unsettled: [Int64]

    init(_ map: SeatMap) {
        state = map.state
        statuses = map.statuses
        owners = map.seats.map { map.owner(of: $0) }
        pinned = map.holds.map(\.booking).filter { map.isPinned($0) }
        unsettled = map.unsettledVersions
    }
}

/// The next `count` published changes; waits for them (a test's time limit bounds the wait).
func take(_ count: Int, from feed: inout AsyncStream<SeatChange>.Iterator) async -> [SeatChange] {
    var changes: [SeatChange] = []
    while changes.count < count, let change = await feed.next() { changes.append(change) }
    return changes
}

extension SeatMap {
    /// Pays for a hold as the payment service does: pins it for one payment, then books it with that payment's charge.
    mutating func pay(booking: BookingID, now: Date) throws(SeatEngineError) -> (change: SeatChange, effect: SeatEffect) {
        let payment = "pay-\(booking)"
        try beginPayment(booking: booking, payment: payment, now: now)
        return try book(booking: booking, charge: Charge(payment: payment, transaction: "txn-\(booking)"), now: now)
    }
}

extension ShowActor {
    /// Pays for a hold as the payment service does: pins it for one payment, then books it with that payment's charge.
    @discardableResult
    func pay(booking: BookingID) async throws(SeatEngineError) -> SeatChange {
        let payment = "pay-\(booking)"
        try beginPayment(booking: booking, payment: payment)
        return try await book(booking: booking, charge: Charge(payment: payment, transaction: "txn-\(booking)"))
    }
}
