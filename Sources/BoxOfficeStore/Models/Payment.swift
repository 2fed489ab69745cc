import Foundation
import GRDB

/// How a payment is made.
public enum PaymentMethod: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    case creditCard = "credit_card"
    case debitCard = "debit_card"
    case upi
    case netBanking = "net_banking"
    case wallet

    /// Card methods need card details to process.
    public var needsCard: Bool { self == .creditCard || self == .debitCard }
}

/// Where a payment attempt stands.
public enum PaymentStatus: String, Codable, Sendable, DatabaseValueConvertible {
    case initiated, processing, completed, failed, refunded
}

/// One payment attempt. Attempts are never deleted.
public struct Payment: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "payments"
    /// Longer than any charge may take (`PaymentService.chargeTimeout` is 30 s, and the confirmation's retries a few
    /// more): an attempt `processing` for longer was left by a node that stopped mid-charge, or by a confirmation whose
    /// outcome its node never learned. It no longer keeps its hold, and it is voided (`PaymentService.voidInterrupted`).
    public static let chargeLeftoverSeconds: TimeInterval = 90

    public var id: String
    public var bookingId: String
    public var userId: String
    public var amount: Int
    public var currency: String
    public var paymentMethod: PaymentMethod
    public var paymentStatus: PaymentStatus
    /// The gateway's id for the charge; unique.
    public var transactionId: String?
    public var failureCode: String?
    /// What the gateway said, kept for support; not sent to clients.
    public var gatewayResponse: String?
    public var paidAt: Date?
    public var refundedAt: Date?
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: String, bookingId: String, userId: String, amount: Int, currency: String, paymentMethod: PaymentMethod, createdAt: Date) {
        self.id = id
        self.bookingId = bookingId
        self.userId = userId
        self.amount = amount
        self.currency = currency
        self.paymentMethod = paymentMethod
        self.paymentStatus = .initiated
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }

    /// The payment as clients see it: every field, nulls included, without the gateway's raw answer.
    public var view: PaymentView {
        PaymentView(
            id: id, bookingId: bookingId, userId: userId, amount: amount, currency: currency, paymentMethod: paymentMethod,
            paymentStatus: paymentStatus, transactionId: transactionId, failureCode: failureCode, paidAt: paidAt, refundedAt: refundedAt,
            createdAt: createdAt)
    }
}

/// A payment as the API returns it.
public struct PaymentView: Sendable, Equatable, Encodable {
    public var id: String
    public var bookingId: String
    public var userId: String
    public var amount: Int
    public var currency: String
    public var paymentMethod: PaymentMethod
    public var paymentStatus: PaymentStatus
    public var transactionId: String?
    public var failureCode: String?
    public var paidAt: Date?
    public var refundedAt: Date?
    public var createdAt: Date

    private enum CodingKeys: String, CodingKey {
        case id, bookingId, userId, amount, currency, paymentMethod, paymentStatus, transactionId, failureCode, paidAt, refundedAt, createdAt
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(bookingId, forKey: .bookingId)
        try container.encode(userId, forKey: .userId)
        try container.encode(amount, forKey: .amount)
        try container.encode(currency, forKey: .currency)
        try container.encode(paymentMethod, forKey: .paymentMethod)
        try container.encode(paymentStatus, forKey: .paymentStatus)
        try container.encode(transactionId, forKey: .transactionId)
        try container.encode(failureCode, forKey: .failureCode)
        try container.encode(paidAt, forKey: .paidAt)
        try container.encode(refundedAt, forKey: .refundedAt)
        try container.encode(createdAt, forKey: .createdAt)
    }
}
