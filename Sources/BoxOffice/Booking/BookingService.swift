import BoxOfficeStore
import Foundation
import Logging
import SeatEngine

/// Locks, releases, books and cancels seats through each show's actor, and answers what bookings a user has.
///
/// A lock goes to the show's `ShowActor`, which decides in one synchronous step; the decision is made durable
/// by the `Journal` (group commit) and published to the feed before the call returns.
public final class BookingService: Sendable {
    let catalog: any CatalogStore
    let bookings: any BookingStore
    let journal: any Journal
    let clock: any EngineClock
    let hold: Duration
    let actors: ShowDirectory
    /// The holds this node is charging: a copy loaded meanwhile pins them (`ChargesUnderway`, `BookingService+Charges`).
    let charges = ChargesUnderway()
    /// Other processes write the same shows (`Stores.sharedWriters`): a refusal from memory is checked against the
    /// database's version first.
    let sharedWriters: Bool
    let logger: Logger

    public init(
        catalog: any CatalogStore, bookings: any BookingStore, journal: any Journal, feed: any SeatChangeFeed,
        clock: any EngineClock = SystemClock(), holdSeconds: Int = 300, sharedWriters: Bool = false, routing: OutboxRouting = .none,
        logger: Logger = Logger(label: "boxoffice.booking")
    ) {
        self.sharedWriters = sharedWriters
        self.catalog = catalog
        self.bookings = bookings
        self.journal = journal
        self.clock = clock
        self.hold = .seconds(holdSeconds)
        self.logger = logger
        self.actors = ShowDirectory(clock: clock) { [catalog, bookings, journal, feed, clock, routing, charges] showId in
            // The seating plan comes from the layout, which no edit changes; the rest of the show is read per lock.
            guard let show = try await catalog.loadedShow(id: showId) else { return nil }
            let state = try await bookings.seatState(showId: showId)
            EngineMetrics.recordShowLoad()
            var map = try SeatMap(show: showId, plan: show.plan, state: state)
            // Pinned before the copy's expiry timer is set: a hold this node charges is not this copy's to expire.
            for (booking, payment) in await charges.pinned(on: showId) { try? map.resumePayment(booking: booking, payment: payment) }
            return await ShowActor(map: map, journal: ShowJournal(show: showId, journal: journal, feed: feed, base: state.version, routing: routing), clock: clock)
        }
    }

    // MARK: Locking

    /// Holds seats of a show for the user — the seats asked for, or the best available block — all or nothing,
    /// replacing the user's earlier pending booking there. With `answer`, the request's idempotent answer is stored
    /// in the same transaction as the booking. A refused explicit lock's 409 carries `details.alternatives`.
    public func lock(userId: String, _ input: LockSeatsInput, answer: AnswerRecipe<Booking>? = nil) async throws -> Booking {
        let choice = try input.choice()
        let show = try await openShow(input.showId)
        if case .bestAvailable(_, let category?, _) = choice, !show.show.layout.categories.contains(where: { $0.name == category }) {
            throw BoxOfficeError.invalid("category", "This show has no category \(category.prefix(40)).")
        }
        let bookingId = Identifier.make("bkg", at: clock.now)
        var alternatives: [[String]] = []
        do {
            // The booking row and the 201 are both written from `show`, read from the show cache just now.
            let (change, hold, _) = try await retryingStale(show.show.id) {
                (actor: ShowActor) async throws(SeatEngineError) -> (change: SeatChange, hold: Hold, replaced: Hold?) in
                let note = LockNote(show: show, answer: answer)
                switch choice {
                case .seats(let seats):
                    do throws(SeatEngineError) {
                        return try await actor.lock(booking: bookingId, user: userId, seats: seats, holdFor: self.hold, note: note)
                    } catch {
                        // Asked of the same actor right after its refusal: what it offers is available as it stands.
                        if case .unavailable = error { alternatives = await actor.alternatives(to: seats, user: userId) }
                        throw error
                    }
                case .bestAvailable(let count, let category, let accessible):
                    return try await actor.lockBest(
                        booking: bookingId, user: userId, count: count, category: category, accessible: accessible, holdFor: self.hold,
                        note: note)
                }
            }
            return Booking(hold: hold, show: show, at: change.at)
        } catch {
            if case .unavailable = error { EngineMetrics.recordConflict() }
            if case .journalFailed = error { EngineMetrics.recordUnavailable() }
            var refusal = BoxOfficeError(error)
            if case .unavailable = error {
                refusal.details["alternatives"] = .value(EncodableValue(alternatives, identity: alternatives.description))
            }
            throw refusal
        }
    }

    /// Another node (or this one) committed `version` of `show`, which did `effect` when the notice said: a loaded copy
    /// that has not made that version applies it when it is its next one and nothing of its own is in flight
    /// (`ShowActor.follow`); otherwise it is out of date, and is loaded again on its next use — a read included, so
    /// reads follow other nodes' writes.
    /// Returns false when this node's copy made that version itself — or may have: when the copy has a change of that
    /// very version still in flight, the notice is either that change's own (heard before its commit's answer) or
    /// another node's that took the version first. That is decided once the change concludes: if it did not become
    /// durable, the copy is marked out of date and `otherwise` runs (for the live feed), later.
    /// The copy decides in one step (`ShowActor.hear`), and reads `effect` only when the version is its next one: many
    /// notices are of shows this node does not hold, or its own.
    @discardableResult
    public func committedElsewhere(
        show: String, version: Int64, effect: @autoclosure @Sendable () -> FollowedEffect? = nil,
        otherwise: @escaping @Sendable () async -> Void = {}
    ) async -> Bool {
        guard let actor = await actors.loadedActor(for: show), !actor.isStale else { return true }
        switch await actor.hear(version: version, effect: effect) {
        case .followed:
            EngineMetrics.recordFollowed()
            return true
        case .outOfDate(let markedStale):
            if markedStale { EngineMetrics.recordStale(.notice) }
            return true
        case .ownInFlight:
            Task {
                await actor.concluded()
                guard await actor.version < version else { return }
                actor.markStale()
                EngineMetrics.recordStale(.lostVersion)
                await otherwise()
            }
            return false
        case .known:
            return false
        }
    }

    /// Another node (or this one) extended the hold of `booking` on `show` to `expiresAt`: a loaded copy's hold runs until
    /// then (an extension changes no seat, so no version tells the copy otherwise).
    public func extendedElsewhere(show: String, booking: String, expiresAt: Date) async {
        guard let actor = await actors.loadedActor(for: show) else { return }
        await actor.followExtension(of: booking, to: expiresAt)
    }

    /// Changes committed by other nodes may have gone unheard (the listener reconnected): every loaded copy is loaded
    /// again on its next use.
    public func mayHaveMissedChanges() async {
        await actors.markAllStale()
    }

    /// The show's last durable version as the database has it, once every change `actor` has in flight has concluded;
    /// higher than the actor's version when another node wrote a version it has not seen.
    func durableVersion(after actor: ShowActor, show: String) async throws -> Int64 {
        await actor.concluded()
        return try await bookings.lastVersion(showId: show)
    }

    /// How often an operation is tried again on the show loaded afresh when another node moved it on meanwhile…
    static let staleRetries = 12
    /// …and for at least this long, however many times that takes: a show another node's journal batch holds
    /// (`ShowClaims`) refuses every other node's changes until that batch ends, which takes up to
    /// `idle_in_transaction_session_timeout` (5 s) when that node was cut off from the database mid-batch; before claims
    /// such a change waited that long on the row, and went through (`cluster_faults_test.py`'s partition).
    static let staleRetryWindow: Duration = .seconds(6)

    /// True when `error` came from `actor` being out of date (another node wrote the show): load it again and retry.
    /// A change queued behind the stale one fails as `journalFailed`; the actor's flag tells that apart.
    static func isStale(_ error: SeatEngineError, _ actor: ShowActor) -> Bool {
        error == .stale || (error == .journalFailed && actor.isStale)
    }

    /// Cancels the user's booking: a pending one releases its seats; a confirmed one, before the show starts,
    /// is refunded and frees its seats.
    public func cancel(userId: String, bookingId: String) async throws -> Booking {
        let booking = try await ownBooking(userId: userId, bookingId: bookingId)
        switch booking.bookingStatus {
        case .pending:
            do {
                let change = try await retryingStale(booking.showId) { actor throws(SeatEngineError) in try await actor.release(booking: booking.id) }
                // The row as written, not read back: a read that fails after the commit would answer 503 for a cancel
                // that happened.
                return booking.ended(as: .cancelled, at: change.at)
            } catch .holdNotFound {
                // It expired, was replaced or was released in the meantime — perhaps by a change still being written
                // (an expiry, or this user's earlier cancel). Once that has concluded: if it failed, the hold is back and
                // is released now; else what the booking is now is the answer, so a 200 never says "pending" for a
                // hold that is gone.
                if let actor = try? await showActor(booking.showId) {
                    await actor.concluded()
                    if await actor.hold(for: booking.id) != nil {
                        do {
                            // As the first try: on a copy that is current (another node may have written the show).
                            _ = try await retryingStale(booking.showId) { actor throws(SeatEngineError) in try await actor.release(booking: booking.id) }
                        } catch .holdNotFound {
                            // Gone after all, this time for good (an expiry or a replacement that stood).
                        } catch {
                            throw BoxOfficeError(error)
                        }
                    }
                }
            } catch .alreadyBooked {
                // Its payment succeeded meanwhile; once that is durable the booking is cancelled as a confirmed one.
                let now = try await ownBooking(userId: userId, bookingId: bookingId)
                guard now.bookingStatus == .confirmed else { throw BoxOfficeError(SeatEngineError.paymentInProgress) }
                return try await cancel(userId: userId, bookingId: bookingId)
            } catch {
                throw BoxOfficeError(error)
            }
        case .confirmed:
            // A ticket used at the door is not refunded.
            if booking.admittedAt != nil {
                throw BoxOfficeError(.conflict, "already_admitted", "This booking's ticket was admitted at the door; it cannot be cancelled.")
            }
            guard let show = try await catalog.show(id: booking.showId), show.startsAt > clock.now else {
                throw BoxOfficeError(.conflict, "show_started", "A booking cannot be cancelled once its show has started.")
            }
            do {
                let change = try await retryingStale(booking.showId) { actor throws(SeatEngineError) in try await actor.cancel(booking: booking.id) }
                return booking.cancelledAndRefunded(at: change.at)
            } catch {
                throw BoxOfficeError(error)
            }
        case .cancelled, .expired:
            return booking
        }
        return try await ownBooking(userId: userId, bookingId: bookingId)
    }

    /// More time on the user's pending hold: `expiresAt` moves on by the hold time, up to the chain's start + 3 × the
    /// hold time; then 409 `extension_limit`. No seat changes, so no version and no delta; durable before it answers.
    public func extend(userId: String, bookingId: String) async throws -> Booking {
        let booking = try await ownBooking(userId: userId, bookingId: bookingId)
        guard booking.bookingStatus == .pending else {
            throw BoxOfficeError(.conflict, "booking_\(booking.bookingStatus.rawValue)", "This booking is \(booking.bookingStatus.rawValue); only a pending hold can be extended.")
        }
        let hold: Hold
        do {
            hold = try await retryingStale(booking.showId) { actor throws(SeatEngineError) in try await actor.extend(booking: booking.id, holdFor: self.hold) }
        } catch .holdNotFound {
            throw BoxOfficeError(SeatEngineError.holdExpired)
        } catch {
            throw BoxOfficeError(error)
        }
        var extended = booking
        extended.expiresAt = hold.expiresAt
        extended.updatedAt = clock.now
        return extended
    }

    /// The confirmed booking (idempotent); 409 `payment_required` while it has no completed payment.
    public func confirm(userId: String, bookingId: String) async throws -> Booking {
        let booking = try await ownBooking(userId: userId, bookingId: bookingId)
        switch booking.bookingStatus {
        case .confirmed:
            return booking
        case .pending:
            throw BoxOfficeError(.conflict, "payment_required", "Pay for this booking first; it is confirmed when the payment completes.")
        case .cancelled, .expired:
            throw BoxOfficeError(.conflict, "booking_\(booking.bookingStatus.rawValue)", "This booking is \(booking.bookingStatus.rawValue).")
        }
    }

    // MARK: Reading

    /// The user's own booking; another user's is 404, exactly like one that does not exist.
    public func ownBooking(userId: String, bookingId: String) async throws -> Booking {
        guard Identifier.looksValid(bookingId), let booking = try await bookings.booking(id: bookingId), booking.userId == userId else {
            throw BoxOfficeError.notFound("booking", id: bookingId)
        }
        return booking
    }

    public func history(userId: String, page: PageRequest) async throws -> Page<Booking> {
        try await bookings.bookings(userId: userId, page: page)
    }

    // MARK: Engine access

    /// Runs `operation` on the show's actor, and again on the show loaded afresh (`staleRetries` times, or for `staleRetryWindow`) when
    /// another node moved it on meanwhile: when the journal said so at commit, or — with `sharedWriters` — when the
    /// actor refused (a seat taken, no such hold) and the database has a version the actor has not seen. A show that
    /// cannot be loaded (the database does not answer) is `journalFailed` (503); other refusals come out as they are.
    func retryingStale<Value>(
        _ showId: String, _ operation: (ShowActor) async throws(SeatEngineError) -> Value
    ) async throws(SeatEngineError) -> Value {
        var attempts = 0
        var askedAgainAfterFailure = false
        let started = ContinuousClock.now
        while true {
            let actor: ShowActor
            do {
                actor = try await showActor(showId)
            } catch {
                throw .journalFailed
            }
            // The copy may follow another node's change while the operation waits for it (`ShowActor.follow`), and then
            // may have refused on what it had before: such a refusal is asked again.
            let followedBefore = sharedWriters ? await actor.followedThrough : 0
            do {
                return try await operation(actor)
            } catch {
                guard attempts < Self.staleRetries || (sharedWriters && ContinuousClock.now - started < Self.staleRetryWindow) else { throw error }
                attempts += 1
                // A change queued behind one that another node beat fails as well (its predecessor is missing), and
                // its caller may hear of it before the earlier change's failure has marked the copy stale: let every
                // earlier change conclude first, then ask.
                if error == .journalFailed, sharedWriters { await actor.concluded() }
                if Self.isStale(error, actor) {
                    EngineMetrics.recordStale(.commit)
                    // Nodes racing for one show: after the first retry, step aside a few random milliseconds.
                    if attempts > 1 { try? await Task.sleep(for: .milliseconds(Int.random(in: 1...(8 * min(attempts, 12))))) }
                    continue
                }
                if error == .journalFailed, sharedWriters, !askedAgainAfterFailure {
                    // Not written, and the copy is not out of date: an earlier change of this copy that the journal
                    // refused (a hold another node is charging) takes the changes in flight behind it down with it, and
                    // this caller may hear of its own failure before that refusal concludes (`ShowActor.record` says
                    // `.stale` once it has). Asked once more; a journal that cannot write fails it again.
                    askedAgainAfterFailure = true
                    continue
                }
                guard error != .journalFailed, sharedWriters else { throw error }
                let durable: Int64
                do {
                    durable = try await durableVersion(after: actor, show: showId)
                } catch {
                    throw .journalFailed
                }
                if durable > (await actor.version) {
                    actor.markStale()
                    EngineMetrics.recordStale(.refusal)
                } else if actor.isStale {
                    // A change in flight when it refused (its own expiry of the hold asked for, say) was refused as out
                    // of date meanwhile and undone: the refusal was made on what is not so.
                    EngineMetrics.recordStale(.refusal)
                } else if await actor.followedThrough == followedBefore {
                    // Current, and nothing of another node's arrived while it answered: the refusal stands.
                    throw error
                }
            }
        }
    }

    /// The show's actor, loaded on demand.
    func showActor(_ showId: String) async throws -> ShowActor {
        guard let actor = try await actors.actor(for: showId) else { throw BoxOfficeError.notFound("show", id: showId) }
        return actor
    }

    /// The show if seats may still be sold for it: 404 if unknown, 409 `show_closed` if inactive or started.
    /// From the catalog's show cache: an admin edit (deactivation) drops the cached copy before its PATCH returns.
    func openShow(_ showId: String) async throws -> LoadedShow {
        guard Identifier.looksValid(showId), let show = try await catalog.loadedShow(id: showId) else {
            throw BoxOfficeError.notFound("show", id: showId)
        }
        guard show.show.isActive, show.show.startsAt > clock.now else {
            throw BoxOfficeError(.conflict, "show_closed", "This show is no longer on sale.")
        }
        return show
    }

    /// Loads every show that has pending bookings, so their holds expire on time, and expires overdue ones now.
    /// Called at start, before the server reports ready; on return every overdue hold's expiry is durable.
    ///
    /// Shows load `recoveryWidth` at a time: their reads overlap on the pool's readers, and the overdue holds' expiries
    /// reach the journal together, so group commit writes them in a few transactions (one fsync each) instead of
    /// one transaction per show, one after another.
    public func recover() async throws -> Int {
        let shows = try await bookings.showsWithLiveHolds()
        let startedAt = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            var pending = shows.makeIterator()
            for _ in 0..<Self.recoveryWidth {
                guard let showId = pending.next() else { break }
                group.addTask { try await self.restore(showId, overdueAt: startedAt) }
            }
            while try await group.next() != nil {
                guard let showId = pending.next() else { continue }
                group.addTask { try await self.restore(showId, overdueAt: startedAt) }
            }
        }
        return shows.count
    }

    /// How many shows `recover()` loads at once.
    static let recoveryWidth = 32

    /// Loads one show's actor (which arms its expiry timer) and returns once every hold that expired by `overdueAt`
    /// is durably expired. The actor's timer may have started that expiry first, in which case `expireDue()` finds
    /// nothing to do while the commit is still in flight: `concluded()` waits for that commit.
    private func restore(_ showId: String, overdueAt: Date) async throws {
        guard let actor = try await actors.actor(for: showId) else { return }
        do {
            try await actor.expireDue()
        } catch {
            // The actor's own timer retries; the holds stay held until that succeeds.
            logger.error("expiring overdue holds failed at start", metadata: ["show": "\(showId)", "error": "\(error)"])
            return
        }
        await actor.concluded()
        if await actor.holds.contains(where: { $0.expiresAt <= overdueAt }) {
            // The timer's expiry was undone (the journal refused it): the timer retries, as it does while serving.
            logger.error("overdue holds still held after start-up expiry; the show's timer retries", metadata: ["show": "\(showId)"])
        }
    }

    /// With other nodes writing the same shows: expires the holds that ran out more than `grace` ago and are still
    /// pending — holds taken on a node that is gone, or whose copy of the show went stale (a stale copy keeps no
    /// timers). Each such show is loaded here (again, if this node's copy is out of date) and its due holds expired.
    /// Returns how many shows were looked at.
    @discardableResult
    public func sweepOverdueHolds(graceSeconds: TimeInterval = 1) async throws -> Int {
        let shows = try await bookings.showsWithHolds(overdueBy: clock.now.addingTimeInterval(-graceSeconds))
        for show in shows {
            guard let actor = try await actors.actor(for: show) else { continue }
            do {
                try await actor.expireDue()
            } catch {
                // Another node expired them first (this copy was stale), or the journal refused: the next sweep sees.
                if Self.isStale(error, actor) { continue }
                logger.warning("expiring overdue holds failed in a sweep", metadata: ["show": "\(show)", "error": "\(error)"])
            }
            // The copy's own timer may have started the expiry as it loaded: on return it is durable either way.
            await actor.concluded()
        }
        return shows.count
    }

    /// Drops the actors of shows nobody used for `idleFor` and that hold no live holds (their timers own expiry).
    @discardableResult
    public func evictIdle(idleFor: Duration = .seconds(600)) async -> Int {
        await actors.evictIdle(idleFor: idleFor).count
    }

    public func shutdown() async {
        await actors.shutdown()
    }
}

// MARK: - Seat statuses for the catalog

extension BookingService {
    /// The journal hook that exports batch sizes and commit latency.
    public static let journalMetrics: @Sendable (Int, Double) -> Void = { EngineMetrics.recordBatch(size: $0, seconds: $1) }
}

extension BookingService: SeatStatusSource {
    public func seatStatuses(of show: Show) async throws -> (version: Int64, taken: [String: SeatStatus]) {
        guard let actor = try await actors.actor(for: show.id) else { return (0, [:]) }
        let snapshot = await actor.snapshot()
        var taken = [String: SeatStatus]()
        for seat in snapshot.held { taken[seat] = .held }
        for seat in snapshot.booked { taken[seat] = .booked }
        return (snapshot.version, taken)
    }

    public func version(of show: Show) async throws -> Int64 {
        guard let actor = try await actors.actor(for: show.id) else { return 0 }
        return await actor.version
    }
}
