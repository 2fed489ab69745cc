/// `POST /api/payments/initiate`.
public struct InitiatePaymentInput: Codable, Sendable {
    public var bookingId: String
    public var paymentMethod: String

    public init(bookingId: String, paymentMethod: String) {
        self.bookingId = bookingId
        self.paymentMethod = paymentMethod
    }
}

/// `POST /api/payments/:id/process`.
public struct ProcessPaymentInput: Codable, Sendable {
    public var card: CardDetails?

    public init(card: CardDetails? = nil) {
        self.card = card
    }
}
