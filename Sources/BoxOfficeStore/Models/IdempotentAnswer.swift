import Foundation
import GRDB
import Synchronization

/// A stored answer to an idempotent request.
public struct IdempotentAnswer: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "idempotencyKeys"

    public var userId: String
    public var key: String
    public var requestHash: String
    public var status: Int
    public var body: Data
    public var createdAt: Date
    public var expiresAt: Date

    public init(userId: String, key: String, requestHash: String, status: Int, body: Data, createdAt: Date, expiresAt: Date) {
        self.userId = userId
        self.key = key
        self.requestHash = requestHash
        self.status = status
        self.body = body
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// An `Idempotency-Key` claimed by a request: who, which key, which request (its fingerprint), and for how long.
public struct IdempotencyClaim: Sendable {
    /// How long an answer is kept: 24 h.
    public static let lifetime: TimeInterval = 24 * 3600

    public var userId: String
    public var key: String
    public var requestHash: String
    public var createdAt: Date

    public init(userId: String, key: String, requestHash: String, createdAt: Date) {
        self.userId = userId
        self.key = key
        self.requestHash = requestHash
        self.createdAt = createdAt
    }

    /// The stored answer for this claim.
    public func answer(status: Int, body: Data) -> IdempotentAnswer {
        IdempotentAnswer(
            userId: userId, key: key, requestHash: requestHash, status: status, body: body, createdAt: createdAt,
            expiresAt: createdAt.addingTimeInterval(Self.lifetime))
    }
}

/// How a successful answer to an idempotent request is written, handed down to the service that does the work,
/// so the answer is stored in the same transaction as that work: a crash can never keep one without the other.
/// The transport renders the body (it owns the wire format); the service calls `answer(for:)` with the value it is
/// about to make durable, and `markRecorded()` once it is.
public final class AnswerRecipe<Value>: Sendable {
    public let claim: IdempotencyClaim
    public let status: Int
    let render: @Sendable (Value) -> Data
    private let recorded = Atomic<Bool>(false)

    public init(claim: IdempotencyClaim, status: Int, render: @escaping @Sendable (Value) -> Data) {
        self.claim = claim
        self.status = status
        self.render = render
    }

    /// The answer a request gets when `value` is what it made.
    public func answer(for value: Value) -> IdempotentAnswer {
        claim.answer(status: status, body: render(value))
    }

    /// The answer is durable with the work it answers.
    public func markRecorded() {
        recorded.store(true, ordering: .releasing)
    }

    /// Whether a service stored the answer with its work (else the transport stores it on its own).
    public var isRecorded: Bool { recorded.load(ordering: .acquiring) }
}
