/// Card details sent to `process` for card methods.
public struct CardDetails: Codable, Sendable {
    public var number: String
    public var expMonth: Int
    public var expYear: Int
    public var cvc: String

    public init(number: String, expMonth: Int, expYear: Int, cvc: String) {
        self.number = number
        self.expMonth = expMonth
        self.expYear = expYear
        self.cvc = cvc
    }
}

/// What a gateway answered for one charge.
public enum GatewayDecision: Sendable, Equatable {
    case approved(transactionId: String)
    case declined(code: String, message: String)
}

/// A card processor. The default is simulated (`SimulatedGateway`); a real one implements the same protocol.
public protocol PaymentGateway: Sendable {
    /// Authorises `amount` (minor units); `reference` is our payment id, so a retried call never charges twice.
    /// The authorisation is captured when the booking is confirmed; until then `void` releases it.
    func charge(amount: Int, currency: String, method: String, card: CardDetails?, reference: String) async throws -> GatewayDecision

    /// Releases the authorisation made for `reference`, if there is one (idempotent): no money is taken for it.
    /// Called when an approved charge could not confirm its booking, and when a charge's outcome is unknown.
    func void(reference: String) async throws
}
