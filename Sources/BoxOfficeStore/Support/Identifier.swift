import Foundation

/// Opaque, time-sortable identifiers such as `shw_01JD3K8Y7T0M4W9XQ2C5R6B8ZP`.
///
/// A prefix names the kind of thing, so a misplaced id is obvious in logs; the body is a ULID
/// (48-bit milliseconds + 80 random bits, Crockford base32), so ids sort by creation time and
/// "newest first" is an index scan on the primary key.
public enum Identifier {
    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    /// A new identifier with the given prefix, e.g. `make("bkg")`.
    public static func make(_ prefix: String, at date: Date = Date()) -> String {
        let millis = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        var generator = SystemRandomNumberGenerator()
        let randomHigh = UInt16.random(in: .min ... .max, using: &generator)
        let randomLow = UInt64.random(in: .min ... .max, using: &generator)
        var chars = [Character]()
        chars.reserveCapacity(26)
        // 48-bit time: 10 characters of 5 bits (the top 2 bits are always zero).
        for shift in stride(from: 45, through: 0, by: -5) {
            chars.append(alphabet[Int((millis >> UInt64(shift)) & 0x1F)])
        }
        // 80 random bits: 16 characters.
        let random = (UInt128(randomHigh) << 64) | UInt128(randomLow)
        for shift in stride(from: 75, through: 0, by: -5) {
            chars.append(alphabet[Int((random >> UInt128(shift)) & 0x1F)])
        }
        return prefix + "_" + String(chars)
    }

    /// True when `id` has the shape of an identifier (any prefix); used to reject junk early.
    public static func looksValid(_ id: String) -> Bool {
        guard id.utf8.count <= 64, !id.isEmpty else { return false }
        return id.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F || byte == 0x2D
        }
    }
}
