import Synchronization
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One show's seat engine: checks and changes its SeatMap in one synchronous step, journals the change, then publishes it.
///
/// Queries answer from durable state only: changes whose commit is still in flight are left out, so nothing that may
/// yet be undone is ever visible. Holds expire on the actor's own timer (`ShowActor+Expiry`).
public actor ShowActor {
    /// The show this actor owns.
    public nonisolated let show: ShowID
    /// The show's hall: rows, segments, categories and kinds of its seats.
    public nonisolated let plan: SeatingPlan

    /// Every applied change, committed or still in flight.
    var map: SeatMap
    let journal: any SeatJournal
    let clock: any EngineClock
    /// Changes applied to `map` whose commit has not concluded, in version order.
    var inFlight: [InFlightChange] = []
    /// Tickets undone because an earlier change failed, whose own commits have not returned yet; true when that change
    /// was refused (another writer's version, a hold another node charges) rather than not written: these were never
    /// judged, and their callers are told to ask again (`.stale`).
    var rolledBack: [UInt64: Bool] = [:]
    var nextTicket: UInt64 = 0
    /// Callers of `concluded()` waiting for every change up to their ticket to be durable or undone.
    var concludedWaiters: [(ticket: UInt64, continuation: CheckedContinuation<Void, Never>)] = []
    /// Other writers' changes heard while changes made here were being written, applied once they conclude.
    var awaitedFollows: [AwaitedFollow] = []
    /// The last version this copy applied from another writer (`follow`), or the version it was loaded at.
    public internal(set) var followedThrough: Int64
    /// When an operation last touched this show, for idle eviction.
    var lastActivity: Date

    var timer: Task<Void, Never>?
    var armedDeadline: Date?
    var timerGeneration: UInt64 = 0
    var isFiring = false
    /// After a failed expiry commit, the timer waits until then before trying again.
    var expiryRetryAt: Date?
    var isShutDown = false
    /// Set once the journal said another writer moved the show on: this actor's state is out of date for good.
    let staleFlag = Atomic<Bool>(false)

    /// True once another writer (another node) made a version of this show durable that this actor has not seen: it
    /// must not be used any more; `ShowDirectory` loads the show again.
    public nonisolated var isStale: Bool { staleFlag.load(ordering: .acquiring) }

    /// Declares this copy out of date (the database has a version it has not seen): `ShowDirectory` loads it again.
    public nonisolated func markStale() { staleFlag.store(true, ordering: .releasing) }

    /// An actor for `map` (whose current state counts as durable), arming the expiry timer for its holds.
    public init(map: SeatMap, journal: any SeatJournal, clock: any EngineClock = SystemClock()) async {
        var settled = map
        settled.settle(through: map.version)
        self.show = map.show
        self.plan = map.plan
        self.map = settled
        self.followedThrough = map.version
        self.journal = journal
        self.clock = clock
        self.lastActivity = clock.now
        rearmTimer()
    }

    /// An actor for a show of `seats` (layout order) seeded from durable `state`; throws when the seed is inconsistent.
    public init(
        show: ShowID,
        seats: [String],
        state: SeatMapState = SeatMapState(),
        journal: any SeatJournal,
        clock: any EngineClock = SystemClock()
    ) async throws(SeatEngineError) {
        let map = try SeatMap(show: show, seats: seats, state: state)
        await self.init(map: map, journal: journal, clock: clock)
    }

    /// An actor for the seats of `plan` seeded from durable `state`; throws when the seed is inconsistent.
    public init(
        show: ShowID,
        plan: SeatingPlan,
        state: SeatMapState = SeatMapState(),
        journal: any SeatJournal,
        clock: any EngineClock = SystemClock()
    ) async throws(SeatEngineError) {
        let map = try SeatMap(show: show, plan: plan, state: state)
        await self.init(map: map, journal: journal, clock: clock)
    }

    // MARK: - Operations

    /// Holds `seats` for a new pending `booking` for `duration`, replacing the user's earlier pending booking here.
    @discardableResult
    public func lock(
        booking: BookingID,
        user: UserID,
        seats: [String],
        holdFor duration: Duration,
        note: JournalNote? = nil
    ) async throws(SeatEngineError) -> (change: SeatChange, hold: Hold, replaced: Hold?) {
        try await lock(booking: booking, user: user, seats: seats, expiresAt: clock.now.addingTimeInterval(duration.timeInterval), note: note)
    }

    /// Holds `seats` for a new pending `booking` until `expiresAt`, replacing the user's earlier pending booking here.
    /// `note` goes to the journal with the change.
    @discardableResult
    public func lock(
        booking: BookingID,
        user: UserID,
        seats: [String],
        expiresAt: Date,
        note: JournalNote? = nil
    ) async throws(SeatEngineError) -> (change: SeatChange, hold: Hold, replaced: Hold?) {
        let now = touch()
        let step = try map.hold(booking: booking, user: user, seats: seats, expiresAt: expiresAt, now: now)
        try await record(step.change, effect: .locked(hold: step.hold, replaced: step.replaced), note: note)
        return step
    }

    /// Cancels a pending booking at its user's request: its seats become available.
    @discardableResult
    public func release(booking: BookingID) async throws(SeatEngineError) -> SeatChange {
        let now = touch()
        let step = try map.release(booking: booking, now: now)
        try await record(step.change, effect: step.effect)
        return step.change
    }

    /// Pins the hold of `booking` for `payment` while its card is charged, so it cannot expire; throws if it is gone,
    /// its time is up, or a charge of this booking is already in progress.
    @discardableResult
    public func beginPayment(booking: BookingID, payment: PaymentID) throws(SeatEngineError) -> Hold {
        let now = touch()
        let hold = try map.beginPayment(booking: booking, payment: payment, now: now)
        rearmTimer()
        return hold
    }

    /// Unpins after a failed charge of `payment`; a hold whose time ran out meanwhile expires at once.
    public func endPayment(booking: BookingID, payment: PaymentID) {
        touch()
        map.endPayment(booking: booking, payment: payment)
        rearmTimer()
    }

    /// Turns the hold of `booking`, pinned by the charged payment, into booked seats. `note` goes to the journal.
    /// `resuming`: this copy was loaded after the one the payment pinned went out of date, and pins the hold for the
    /// charge first (`SeatMap.resumePayment`).
    @discardableResult
    public func book(booking: BookingID, charge: Charge, note: JournalNote? = nil, resuming: Bool = false) async throws(SeatEngineError) -> SeatChange {
        let now = touch()
        if resuming { try map.resumePayment(booking: booking, payment: charge.payment) }
        let step = try map.book(booking: booking, charge: charge, now: now)
        try await record(step.change, effect: step.effect, note: note)
        return step.change
    }

    /// Cancels a confirmed booking: its booked seats become available.
    @discardableResult
    public func cancel(booking: BookingID) async throws(SeatEngineError) -> SeatChange {
        let now = touch()
        let step = try map.cancel(booking: booking, now: now)
        try await record(step.change, effect: step.effect)
        return step.change
    }

    /// Notes activity and reads the clock once for the step.
    @discardableResult
    func touch() -> Date {
        lastActivity = clock.now
        return lastActivity
    }

    // MARK: - Queries (durable state)

    /// The show's seat map as committed: in-flight changes are left out.
    public var seatMap: SeatMap {
        guard let first = inFlight.first else { return map }
        var durable = map
        durable.rollBack(from: first.change.version)
        return durable
    }

    /// The last durable version: the one before the first change still being written (what `seatMap` rolls back to),
    /// read without copying the map.
    public var version: Int64 { inFlight.first.map { $0.change.version - 1 } ?? map.version }

    /// The version of the newest change made here, durable or still being written.
    public var latestVersion: Int64 { map.version }

    /// Live holds, earliest expiry first.
    public var holds: [Hold] { seatMap.holds }

    /// The live hold of `booking`, if it is pending.
    public func hold(for booking: BookingID) -> Hold? { seatMap.hold(for: booking) }

    /// Seats grouped by status with their version: the body of a live-feed snapshot.
    public func snapshot() -> SeatSnapshot { seatMap.snapshot }

    /// Counts per status with their version.
    public func counts() -> SeatCounts { seatMap.counts }

    /// Whether the directory may drop this actor: no holds for its timer, nothing in flight, untouched since `cutoff`.
    func isIdle(since cutoff: Date) -> Bool {
        map.liveHolds.isEmpty && inFlight.isEmpty && lastActivity <= cutoff
    }
}
