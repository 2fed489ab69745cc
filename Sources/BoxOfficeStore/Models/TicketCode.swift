/// The code on an e-ticket: 80 random bits in Crockford base32, 16 characters in groups of four
/// (`7KQ2-M9XD-4TZR-8BWE`). Stored and shown in that form; unique (an index on `bookings.ticketCode`).
public enum TicketCode {
    /// Crockford's alphabet: digits and letters without I, L, O and U.
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    static let length = 16
    static let group = 4

    /// A new code from the system's secure random source (80 bits: 16 × 5).
    public static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator)
    }

    public static func random<Generator: RandomNumberGenerator>(using generator: inout Generator) -> String {
        grouped((0..<length).map { _ in alphabet[Int(generator.next(upperBound: UInt8(alphabet.count)))] })
    }

    /// The stored form of what an usher typed or a scanner read, or nil when it cannot be a code. Case, spaces and
    /// dashes do not matter; Crockford's look-alikes are read as what they look like (O as 0, I and L as 1).
    public static func canonical(_ typed: String) -> String? {
        // Longer than any spacing of a real code: not one (and not worth reading further).
        guard typed.utf8.count <= 64 else { return nil }
        var characters: [Character] = []
        for character in typed.uppercased() {
            switch character {
            case " ", "-", "\t": continue
            case "O": characters.append("0")
            case "I", "L": characters.append("1")
            default:
                guard alphabet.contains(character) else { return nil }
                characters.append(character)
            }
        }
        guard characters.count == length else { return nil }
        return grouped(characters)
    }

    private static func grouped(_ characters: [Character]) -> String {
        stride(from: 0, to: characters.count, by: group).map { String(characters[$0..<min($0 + group, characters.count)]) }
            .joined(separator: "-")
    }
}
