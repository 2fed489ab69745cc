import Foundation
import GRDB

/// One durable write handed to the journal: the rows of one change, applied inside a group transaction.
public struct JournalEntry: Sendable {
    /// For a seat change: the show and the version it makes durable. The journal refuses a version whose
    /// predecessor is not durable, so a show's history has no gaps even when an earlier write failed.
    public var show: String?
    public var version: Int64?
    /// The SQL of this change. It runs in its own savepoint: if it throws, only it (and later changes of
    /// the same show) fail; the rest of the batch commits.
    public var write: @Sendable (Database) throws -> Void

    /// A versioned seat change.
    public init(show: String, version: Int64, write: @escaping @Sendable (Database) throws -> Void) {
        self.show = show
        self.version = version
        self.write = write
    }

    /// A plain write (a payment attempt, an idempotency record) that still rides the group commit.
    public init(write: @escaping @Sendable (Database) throws -> Void) {
        self.show = nil
        self.version = nil
        self.write = write
    }
}

/// Why the journal did not make an entry durable.
public enum JournalError: Error, Sendable, Equatable {
    /// An earlier change of this show failed, so this one (which builds on it) cannot be written.
    case predecessorMissing(show: String, version: Int64)
    /// The journal is stopped (the server is shutting down).
    case stopped
}


extension JournalEntry {
    /// Records a new payment attempt.
    public static func insert(_ payment: Payment) -> JournalEntry {
        JournalEntry { db in try PaymentWrites.insert(payment, in: db) }
    }

    /// Moves a payment attempt from `initiated` to `processing` before its card is charged.
    public static func startCharge(payment: String, at: Date) -> JournalEntry {
        JournalEntry { db in try PaymentWrites.startCharge(payment, at: at, in: db) }
    }

    /// Refuses a payment attempt that never reached the processor (attempts are updated, never deleted).
    public static func refuse(payment: String, code: String, at: Date) -> JournalEntry {
        JournalEntry { db in try PaymentWrites.refuse(payment, code: code, at: at, in: db) }
    }

    /// Marks a charge that was not captured `failed`.
    public static func fail(payment: String, code: String, response: String?, transactionId: String?, at: Date) -> JournalEntry {
        JournalEntry { db in try PaymentWrites.fail(payment, code: code, response: response, transactionId: transactionId, at: at, in: db) }
    }

    /// Stores the answer to an idempotent request.
    public static func store(_ answer: IdempotentAnswer) -> JournalEntry {
        JournalEntry { db in try answer.save(db) }
    }
}
