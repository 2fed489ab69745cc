import Foundation
import SeatEngine

/// Makes writes durable, in order, with group commit: `append` returns once the entry is on disk and throws when it
/// will not be. One implementation per store (`SQLiteJournal` today); services see only this.
public protocol Journal: Sendable {
    /// Makes `entry` durable; returns once it is, throws if it is not.
    func append(_ entry: JournalEntry) async throws

    /// Forgets what it keeps of one copy of `show` (`ChangeLineage.writer`): the copy is gone, and none of its changes
    /// is being appended any more. (No default: a wrapper that did not pass it on would keep its inner journal growing,
    /// and a default in an extension is what a direct call on an actor conforming here resolves to.)
    func retire(_ writer: UUID, of show: ShowID) async
}

/// One durable write handed to the journal, described by values — what changed, never how a store writes it — so
/// every store applies the same entry its own way, in one transaction with the rest of its batch.
public struct JournalEntry: Sendable {
    public var write: JournalWrite
    /// The answer to the idempotent request that made this write, stored in the same transaction.
    public var answer: IdempotentAnswer?
    /// For a seat change: which copy of the show made it, and from which version that copy was loaded.
    public var lineage: ChangeLineage?
    /// What the world outside is told about this write (the outbox), written in the same transaction.
    public var events: [OutboxEvent] = []

    public init(_ write: JournalWrite, answer: IdempotentAnswer? = nil) {
        self.write = write
        self.answer = answer
    }

    /// For a seat change: the show it changes. The journal refuses a version whose predecessor is not durable, so a
    /// show's history has no gaps even when an earlier write failed.
    public var show: ShowID? {
        if case .seatChange(let change, _) = write { return change.show }
        return nil
    }

    /// For a seat change: the version it makes durable.
    public var version: Int64? {
        if case .seatChange(let change, _) = write { return change.version }
        return nil
    }

    /// Written ahead of what is queued, in a transaction of its own: a ticket admitted at the door, where someone
    /// stands waiting and sales must not make them wait longer. Such a write depends on no other queued entry (it
    /// moves one booking's `admittedAt` under its own conditions), so taking it first changes no outcome that
    /// concurrent requests could not have had anyway.
    public var goesFirst: Bool {
        if case .admission = write { return true }
        return false
    }
}

/// One in-memory copy of a show (one `ShowActor`) as the journal tells its changes apart: a change builds on that
/// copy's previous change, or on the version the copy was loaded at. When other nodes write the same show, a version
/// number alone does not say that: after a copy's change fails, another node may make that version durable, and the
/// copy's next change — built on the failed one — would look like its successor.
public struct ChangeLineage: Sendable, Hashable {
    public let writer: UUID
    /// The newest durable version the copy knows that it did not make: the version it was loaded at, or the last change
    /// of another node it applied (`ShowActor.follow`), as it stood when the change was made.
    public let base: Int64

    public init(writer: UUID = UUID(), base: Int64) {
        self.writer = writer
        self.base = base
    }
}

/// What one journal entry writes.
public enum JournalWrite: Sendable {
    /// A versioned change of a show's seats, and the booking rows that change with it (nil: the seats only).
    case seatChange(SeatChange, BookingChange?)
    /// A step of a payment attempt.
    case payment(PaymentStep)
    /// The answer to an idempotent request that did nothing else (a refusal, or a repeat of a settled request).
    case answer(IdempotentAnswer)
    /// Deletes the idempotent answers whose lifetime ended by then.
    case purgeAnswers(expiredBy: Date)
    /// A confirmed booking's ticket is admitted at the door, once: fails with `BookingWriteError.notAdmissible` when
    /// the booking is no longer confirmed or was admitted already (by another door a moment before).
    case admission(BookingID, at: Date)
    /// A pending booking's hold runs until `expiresAt` now (an extension; no seat changes).
    case holdExtended(BookingID, expiresAt: Date, at: Date)
}

/// The booking-level side of a seat change, written in the same transaction.
public enum BookingChange: Sendable {
    /// A new pending booking holds its seats; the same user's earlier pending booking there, if any, is replaced.
    case locked(Booking, replacing: BookingID?)
    /// Pending bookings end (cancelled by their user, or expired) and free their seats.
    case released([BookingID], as: BookingStatus)
    /// A charge succeeded: its payment completes, the booking is confirmed naming it and gets its e-ticket's code, its
    /// seats are booked.
    case booked(BookingID, Charge, ticketCode: String)
    /// A confirmed booking is cancelled: its payment is refunded and its seats freed.
    case cancelled(BookingID)
}

/// A payment attempt's own steps; each moves the attempt only from the status it leaves (`PaymentWrites`).
public enum PaymentStep: Sendable {
    /// A new attempt, `initiated`.
    case created(Payment)
    /// `initiated` → `processing`, just before the card is charged.
    case chargeStarted(payment: PaymentID, at: Date)
    /// `initiated` → `failed`: the attempt never reached the processor (its hold expired first).
    case refused(payment: PaymentID, code: String, at: Date)
    /// `processing` → `failed`: the charge was declined, voided, or cut short.
    case chargeFailed(payment: PaymentID, code: String, response: String?, transactionId: String?, at: Date)
}

/// Why the journal did not make an entry durable.
public enum JournalError: Error, Sendable, Equatable {
    /// An earlier change of this show failed, so this one (which builds on it) cannot be written.
    case predecessorMissing(show: String, version: Int64)
    /// The journal is stopped (the server is shutting down).
    case stopped
}
