import Synchronization
import BoxOfficeStore
import Foundation
import SeatEngine

/// Connects one show's actor to the journal: turns each change, its booking-level effect and the note its caller
/// handed down into one journal entry (the booking rows, and the idempotent answer when the request carried a key),
/// then publishes it.
///
/// It keeps no copy of the show: a lock's booking row takes the show's movie, date and time from its `LockNote`, the
/// copy `BookingService.lock` just read from the show cache (which an admin edit drops before its PATCH answers) —
/// the same copy the 201 is written from. A copy kept since the actor was loaded would put the old date and time
/// into every booking made after an edit.
struct ShowJournal: SeatJournal {
    let journal: any Journal
    let feed: any SeatChangeFeed
    let currency: String
    /// This copy of the show, for the journal to tell its changes from another node's (`ChangeLineage`).
    let writer: CopyWriter
    /// The newest durable version this copy did not make: its load version, then each other node's change it follows.
    let base: FollowedVersion
    /// Where each booking event is delivered (email, webhooks); an event with no channel is not written.
    let routing: OutboxRouting

    init(
        show: ShowID, journal: any Journal, feed: any SeatChangeFeed, base: Int64, currency: String = Booking.defaultCurrency,
        routing: OutboxRouting = .none
    ) {
        self.journal = journal
        self.feed = feed
        self.writer = CopyWriter(show: show, journal: journal)
        self.base = FollowedVersion(base)
        self.currency = currency
        self.routing = routing
    }

    nonisolated(nonsending) func commit(_ change: SeatChange, effect: SeatEffect, note: JournalNote?) async throws {
        var entry: JournalEntry
        var recipe: (any RecordableAnswer)?
        switch effect {
        case .locked(let hold, let replaced):
            guard let note = note as? LockNote, note.show.show.id == change.show else { throw MissingLockNote() }
            let booking = Booking(hold: hold, show: note.show, at: change.at, currency: currency)
            entry = JournalEntry(.seatChange(change, .locked(booking, replacing: replaced?.booking)), answer: note.answer?.answer(for: booking))
            recipe = note.answer
        case .released(let hold):
            entry = JournalEntry(.seatChange(change, .released([hold.booking], as: .cancelled)))
            entry.events = events(.bookingCancelled, hold.booking, at: change.at, paid: false)
        case .expired(let holds):
            entry = JournalEntry(.seatChange(change, .released(holds.map(\.booking), as: .expired)))
            entry.events = holds.flatMap { events(.bookingExpired, $0.booking, at: change.at, paid: false) }
        case .booked(let hold, let charge, let soldOut):
            let note = note as? BookNote
            let answer = note.flatMap { note in note.answer?.answer(for: note.payment.completed(by: charge, at: change.at)) }
            entry = JournalEntry(.seatChange(change, .booked(hold.booking, charge, ticketCode: TicketCode.random())), answer: answer)
            entry.events = events(.bookingConfirmed, hold.booking, at: change.at, paid: true)
            if soldOut { entry.events += events(.showSoldOut, hold.booking, at: change.at, paid: true) }
            recipe = note?.answer
        case .cancelled(let booking, _):
            entry = JournalEntry(.seatChange(change, .cancelled(booking)))
            entry.events = events(.bookingCancelled, booking, at: change.at, paid: true)
        }
        entry.lineage = ChangeLineage(writer: writer.id, base: base.value)
        try await journal.append(entry)
        recipe?.markRecorded()
    }

    /// The outbox event of a booking's change, written with it (none when no channel wants it). `paid`: the booking
    /// was confirmed (a released or expired hold never was).
    private func events(_ kind: OutboxEvent.Kind, _ booking: BookingID, at: Date, paid: Bool) -> [OutboxEvent] {
        let channels = routing.channels(for: kind, paid: paid)
        guard !channels.isEmpty else { return [] }
        return [OutboxEvent(id: Identifier.make("evt", at: at), kind: kind, bookingId: booking, createdAt: at, channels: channels)]
    }

    nonisolated(nonsending) func extend(_ hold: Hold, at: Date) async throws {
        try await journal.append(JournalEntry(.holdExtended(hold.booking, expiresAt: hold.expiresAt, at: at)))
    }

    func followed(_ version: Int64) {
        base.value = version
    }

    func published(_ change: SeatChange) {
        EngineMetrics.recordChange(change.cause)
        feed.publish(change)
    }
}

/// What `BookingService.lock` hands down with a lock: the show as it read it, and how to answer the request.
struct LockNote: Sendable {
    let show: LoadedShow
    let answer: AnswerRecipe<Booking>?
}

/// What `PaymentService.process` hands down with a booking: the attempt being completed, and how to answer the request.
struct BookNote: Sendable {
    let payment: Payment
    let answer: AnswerRecipe<Payment>?
}

/// A recipe whose answer went into an entry, to be marked once that entry is durable.
protocol RecordableAnswer: Sendable {
    func markRecorded()
}

extension AnswerRecipe: RecordableAnswer {}

/// A lock reached the journal without the show it was made for (a caller other than `BookingService.lock`).
struct MissingLockNote: Error {}

extension Payment {
    /// The attempt as `BookingWrites.book` completes it with `charge` at `at`.
    func completed(by charge: Charge, at: Date) -> Payment {
        var completed = self
        completed.paymentStatus = .completed
        completed.transactionId = charge.transaction
        completed.gatewayResponse = "approved"
        completed.paidAt = at
        completed.updatedAt = at
        return completed
    }
}

extension Booking {
    /// The booking row a hold becomes, with each seat's row, column, category and price from the show's layout
    /// (looked up by seat number; in layout order).
    init(hold: Hold, show: LoadedShow, at: Date, currency: String = Booking.defaultCurrency) {
        self.init(
            id: hold.booking, userId: hold.user, show: show.show, seats: show.seats(numbered: hold.seats), expiresAt: hold.expiresAt,
            createdAt: at, currency: currency)
        holdStartedAt = hold.startedAt
    }
}

/// One copy of a show as the journal knows its changes (`ChangeLineage.writer`). It lives as long as the copy's actor and
/// every call of the copy's `ShowJournal` (each holds it), so when it goes no change of the copy is being appended or
/// ever will be: the journal is then told to forget the copy.
final class CopyWriter: Sendable {
    let id = UUID()
    private let show: ShowID
    private let journal: any Journal

    init(show: ShowID, journal: any Journal) {
        self.show = show
        self.journal = journal
    }

    deinit {
        Task { [journal, id, show] in await journal.retire(id, of: show) }
    }
}

/// The version a copy's next change builds on when it is not one of its own (`ShowJournal.base`): written and read on
/// the show's actor only (its `follow` and its commits), so the mutex is never contended; it is here because the
/// journal is a `Sendable` value shared by reference.
final class FollowedVersion: Sendable {
    private let version: Mutex<Int64>

    init(_ version: Int64) { self.version = Mutex(version) }

    var value: Int64 {
        get { version.withLock { $0 } }
        set { version.withLock { $0 = newValue } }
    }
}
