import BoxOfficeStore
import Foundation

/// A card processor's test mode: `4242424242424242` succeeds, `4000000000000002` is declined (`card_declined`),
/// `4000000000009995` fails (`insufficient_funds`); any other card that passes the Luhn check succeeds;
/// upi, net_banking and wallet always succeed. An optional latency imitates a real processor's round trip.
public struct SimulatedGateway: PaymentGateway {
    let latency: Duration

    public init(latency: Duration = .zero) {
        self.latency = latency
    }

    public func charge(amount: Int, currency: String, method: String, card: CardDetails?, reference: String) async throws -> GatewayDecision {
        if latency > .zero { try await Task.sleep(for: latency) }
        if let card {
            switch card.number {
            case "4000000000000002": return .declined(code: "card_declined", message: "The card was declined.")
            case "4000000000009995": return .declined(code: "insufficient_funds", message: "The card has insufficient funds.")
            default: break
            }
        }
        return .approved(transactionId: Identifier.make("txn"))
    }

    /// The simulator keeps no authorisations (nothing it approves is ever taken from anyone), so a void has nothing to
    /// release; it answers after the same round trip as a real processor would.
    public func void(reference: String) async throws {
        if latency > .zero { try await Task.sleep(for: latency) }
    }
}

extension CardDetails {
    /// The same card with its number as digits only: what a processor is given.
    var normalized: CardDetails {
        var card = self
        card.number = number.filter { $0 != " " && $0 != "-" }
        return card
    }

    /// The first problem with these card details, as (field, message); nil when they look like a real card.
    func problem(now: Date) -> (field: String, message: String)? {
        let digits = number.filter { $0 != " " && $0 != "-" }
        guard (12...19).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            return ("card.number", "card.number must be 12 to 19 digits")
        }
        guard Self.passesLuhn(digits) else { return ("card.number", "card.number is not a valid card number") }
        guard (1...12).contains(expMonth) else { return ("card.expMonth", "card.expMonth must be from 1 to 12") }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let year = calendar.component(.year, from: now)
        let month = calendar.component(.month, from: now)
        guard expYear >= year, expYear <= year + 25, expYear > year || expMonth >= month else {
            return ("card.expYear", "the card has expired")
        }
        guard (3...4).contains(cvc.count), cvc.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            return ("card.cvc", "card.cvc must be 3 or 4 digits")
        }
        return nil
    }

    static func passesLuhn(_ digits: String) -> Bool {
        var sum = 0
        for (index, character) in digits.reversed().enumerated() {
            guard var digit = character.wholeNumberValue else { return false }
            if index % 2 == 1 {
                digit *= 2
                if digit > 9 { digit -= 9 }
            }
            sum += digit
        }
        return sum % 10 == 0
    }
}
