/// A successful charge: the payment that pinned the hold and the processor's transaction. Booking a hold takes
/// the charge, so the booked seats, the confirmed booking and the completed payment name the same attempt.
public struct Charge: Sendable, Equatable {
    public let payment: PaymentID
    public let transaction: String

    public init(payment: PaymentID, transaction: String) {
        self.payment = payment
        self.transaction = transaction
    }
}
