/// The BCH-protected words that tell a reader how to read the symbol: format information (level and mask, §7.9)
/// and version information (versions 7 and up, §7.10).
enum QRFormatBits {
    /// The format information's (15,5) BCH generator, x¹⁰ + x⁸ + x⁵ + x⁴ + x² + x + 1.
    static let formatGenerator = 0b101_0011_0111
    /// XORed onto format information so that it is never all light (Annex C): 101010000010010.
    static let formatMask = 0b101_0100_0001_0010
    /// The version information's (18,6) BCH generator, x¹² + x¹¹ + x¹⁰ + x⁹ + x⁸ + x⁵ + x² + 1.
    static let versionGenerator = 0b1_1111_0010_0101
    /// Level M's two bits in the format information (Table 12: L 01, M 00, Q 11, H 10).
    static let levelM = 0b00

    /// The 15 format information bits for level M and `mask`, most significant first when read as a number.
    static func format(mask: QRMask) -> Int {
        let data = levelM << 3 | mask.reference
        return (data << 10 | remainder(of: data << 10, dividedBy: formatGenerator)) ^ formatMask
    }

    /// The 18 version information bits for version `number` (7 to 40).
    static func version(_ number: Int) -> Int {
        number << 12 | remainder(of: number << 12, dividedBy: versionGenerator)
    }

    /// The remainder of polynomial division over GF(2), bits as coefficients.
    static func remainder(of dividend: Int, dividedBy divisor: Int) -> Int {
        let divisorDegree = Int.bitWidth - 1 - divisor.leadingZeroBitCount
        var value = dividend
        while value != 0, Int.bitWidth - 1 - value.leadingZeroBitCount >= divisorDegree {
            value ^= divisor << (Int.bitWidth - 1 - value.leadingZeroBitCount - divisorDegree)
        }
        return value
    }
}
