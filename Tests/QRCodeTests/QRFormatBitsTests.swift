import Testing

@testable import QRCode

@Suite("Format and version information")
struct QRFormatBitsTests {
    /// Level M's format information strings, ISO/IEC 18004 Annex C Table C.1 (as thonky.com's "Format and Version
    /// String Tables" lists them).
    @Test(
        "format information for level M and each mask",
        arguments: [
            (0, "101010000010010"), (1, "101000100100101"), (2, "101111001111100"), (3, "101101101001011"),
            (4, "100010111111001"), (5, "100000011001110"), (6, "100111110010111"), (7, "100101010100000"),
        ])
    func format(mask: Int, bits: String) {
        #expect(QRFormatBits.format(mask: QRMask(reference: mask)) == Int(bits, radix: 2))
    }

    /// Version information, ISO/IEC 18004 Annex D Table D.1.
    @Test(
        "version information for versions 7 to 10",
        arguments: [
            (7, "000111110010010100"), (8, "001000010110111100"), (9, "001001101010011001"), (10, "001010010011010011"),
        ])
    func version(number: Int, bits: String) {
        #expect(QRFormatBits.version(number) == Int(bits, radix: 2))
    }

    @Test("any two format words differ in at least 7 bits, any two version words in at least 8")
    func distances() {
        let formats = QRMask.all.map(QRFormatBits.format(mask:))
        for (index, a) in formats.enumerated() {
            for b in formats[(index + 1)...] { #expect((a ^ b).nonzeroBitCount >= 7) }
        }
        let versions = (7...40).map(QRFormatBits.version)
        for (index, a) in versions.enumerated() {
            for b in versions[(index + 1)...] { #expect((a ^ b).nonzeroBitCount >= 8) }
        }
    }
}
