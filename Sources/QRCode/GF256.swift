// Arithmetic in GF(256) as QR codes define it: bytes are polynomials over GF(2) reduced by x⁸+x⁴+x³+x²+1 (0x11D),
// whose root α = 2 generates every non-zero element.

/// The Galois field of 256 elements that QR code error correction works in.
enum GF256 {
    /// The field's reducing polynomial, x⁸ + x⁴ + x³ + x² + 1 (ISO/IEC 18004 §7.5.2).
    static let primitivePolynomial = 0x11D

    /// `exponent[i]` is αⁱ for i in 0..<510, doubled so that a product of two logarithms needs no modulo.
    static let exponent: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 510)
        var value = 1
        for power in 0..<255 {
            table[power] = UInt8(value)
            table[power + 255] = UInt8(value)
            value <<= 1
            if value & 0x100 != 0 { value ^= primitivePolynomial }
        }
        return table
    }()

    /// `logarithm[v]` is the i with αⁱ = v, for v in 1...255 (`logarithm[0]` is unused: 0 has no logarithm).
    static let logarithm: [Int] = {
        var table = [Int](repeating: 0, count: 256)
        for power in 0..<255 { table[Int(exponent[power])] = power }
        return table
    }()

    /// The product of two field elements.
    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        guard a != 0, b != 0 else { return 0 }
        return exponent[logarithm[Int(a)] + logarithm[Int(b)]]
    }
}
