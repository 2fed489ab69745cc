import Testing

@testable import QRCode

@Suite("Reed–Solomon over GF(256)")
struct ReedSolomonTests {
    @Test("α generates the field: 255 distinct non-zero powers, α⁸ = 29 (x⁸ reduced by 0x11D)")
    func field() {
        #expect(Set(GF256.exponent[0..<255]).count == 255)
        #expect(!GF256.exponent[0..<255].contains(0))
        #expect(GF256.exponent[8] == 29)
        #expect(GF256.multiply(GF256.exponent[200], GF256.exponent[100]) == GF256.exponent[45])
        #expect(GF256.multiply(0, 7) == 0)
    }

    /// Generator polynomials in α exponents, as ISO/IEC 18004 Annex A lists them (quoted from thonky.com's
    /// "show division steps" pages for 10, 17 and 18 codewords).
    @Test(
        "computed generator polynomials equal the standard's",
        arguments: [
            (10, [0, 251, 67, 46, 61, 118, 70, 64, 94, 32, 45]),
            (17, [0, 43, 139, 206, 78, 43, 239, 123, 206, 214, 147, 24, 99, 150, 39, 243, 163, 136]),
            (18, [0, 215, 234, 158, 94, 184, 97, 118, 170, 79, 187, 152, 148, 252, 179, 5, 98, 96, 153]),
        ])
    func generator(degree: Int, exponents: [Int]) {
        let coefficients = [1] + ReedSolomon.generatorPolynomial(degree: degree).map(Int.init)
        #expect(coefficients.map { GF256.logarithm[$0] } == exponents)
    }

    /// ISO/IEC 18004 Annex I: "01234567" as 1-M, data and error correction codewords (quoted by pclviewer.com's
    /// Reed–Solomon calculator page).
    @Test("the standard's worked example: 01234567, version 1-M")
    func annexI() {
        let data: [UInt8] = [
            0b0001_0000, 0b0010_0000, 0b0000_1100, 0b0101_0110, 0b0110_0001, 0b1000_0000, 0b1110_1100, 0b0001_0001,
            0b1110_1100, 0b0001_0001, 0b1110_1100, 0b0001_0001, 0b1110_1100, 0b0001_0001, 0b1110_1100, 0b0001_0001,
        ]
        let expected: [UInt8] = [
            0b1010_0101, 0b0010_0100, 0b1101_0100, 0b1100_0001, 0b1110_1101,
            0b0011_0110, 0b1100_0111, 0b1000_0111, 0b0010_1100, 0b0101_0101,
        ]
        #expect(ReedSolomon(errorCorrectionCodewords: 10).codewords(for: data) == expected)
    }

    /// thonky.com's QR tutorial, its 5-Q example: the two blocks of group 1, 18 error correction codewords each
    /// (reproduced in technosclub.com's "QR code error correcting code").
    @Test(
        "thonky.com's 5-Q blocks",
        arguments: [
            (
                [67, 85, 70, 134, 87, 38, 85, 194, 119, 50, 6, 18, 6, 103, 38] as [UInt8],
                [213, 199, 11, 45, 115, 247, 241, 223, 229, 248, 154, 117, 154, 111, 86, 161, 111, 39] as [UInt8]
            ),
            (
                [246, 246, 66, 7, 118, 134, 242, 7, 38, 86, 22, 198, 199, 146, 6],
                [87, 204, 96, 60, 202, 182, 124, 157, 200, 134, 27, 129, 209, 17, 163, 163, 120, 133]
            ),
        ])
    func tutorialBlocks(data: [UInt8], expected: [UInt8]) {
        #expect(ReedSolomon(errorCorrectionCodewords: 18).codewords(for: data) == expected)
    }

    @Test("a codeword followed by its error correction is divisible by the generator: zero remainder")
    func systematic() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for degree in [10, 16, 18, 22, 24, 26] {
            let data: [UInt8] = (0..<40).map { _ in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return UInt8(truncatingIfNeeded: state >> 56)
            }
            let reedSolomon = ReedSolomon(errorCorrectionCodewords: degree)
            let codeword = data + reedSolomon.codewords(for: data)
            // The remainder of the whole codeword is the error correction of the error correction: all zero.
            #expect(reedSolomon.codewords(for: codeword).allSatisfy { $0 == 0 })
        }
    }
}
