import Testing

@testable import QRCode

@Suite("QR encoder: versions, codewords, layout")
struct QREncoderTests {
    /// Byte mode capacities at level M, ISO/IEC 18004 Table 7.
    static let capacities = [14, 26, 42, 62, 84, 106, 122, 152, 180, 213]

    @Test("the version table agrees with the standard's capacities and codeword counts")
    func table() {
        #expect(QRVersion.all.map(\.byteCapacity) == Self.capacities)
        // Table 1: total codewords per version; Table 9: level M's error correction codewords per symbol.
        #expect(QRVersion.all.map(\.totalCodewords) == [26, 44, 70, 100, 134, 172, 196, 242, 292, 346])
        #expect(QRVersion.all.map { $0.totalCodewords - $0.dataCodewords } == [10, 16, 26, 36, 48, 64, 72, 88, 110, 130])
        #expect(QREncoder.capacity == 213)
    }

    @Test("every module outside the function patterns holds a codeword bit or one of the standard's remainder bits")
    func moduleCount() {
        // Table 1: remainder bits are 0 for version 1, 7 for versions 2–6, 0 for versions 7–13.
        let remainderBits = [0, 7, 7, 7, 7, 7, 0, 0, 0, 0]
        for version in QRVersion.all {
            #expect(QRLayout(version: version).dataModuleCount == version.totalCodewords * 8 + remainderBits[version.number - 1])
        }
    }

    @Test("the smallest version that fits is chosen, at each capacity and one byte past it", arguments: 1...10)
    func boundaries(version: Int) throws {
        let capacity = Self.capacities[version - 1]
        #expect(try QREncoder.encode(bytes: Array(repeating: 0x61, count: capacity)).version == version)
        if version > 1 {
            #expect(try QREncoder.encode(bytes: Array(repeating: 0x61, count: Self.capacities[version - 2] + 1)).version == version)
        }
        if version < 10 {
            #expect(try QREncoder.encode(bytes: Array(repeating: 0x61, count: capacity + 1)).version == version + 1)
        }
    }

    @Test("the empty text is version 1; 214 bytes are too long, with a typed error")
    func extremes() throws {
        #expect(try QREncoder.encode("").version == 1)
        #expect(throws: QREncodingError.tooLong(byteCount: 214, capacity: 213)) {
            try QREncoder.encode(String(repeating: "x", count: 214))
        }
        // Multi-byte UTF-8 counts in bytes: 72 three-byte characters are 216 bytes.
        #expect(throws: QREncodingError.tooLong(byteCount: 216, capacity: 213)) {
            try QREncoder.encode(String(repeating: "€", count: 72))
        }
    }

    /// "PagedOut!" in byte mode as version 1-M, from Alok Menghrajani's "An artisanal QR code" (PagedOut! issue 2).
    @Test("byte mode data codewords: mode, count, bytes, terminator, padding")
    func pagedOut() {
        let codewords = QREncoder.dataCodewords(Array("PagedOut!".utf8), version: QRVersion.all[0])
        #expect(codewords == [64, 149, 6, 22, 118, 86, 68, 247, 87, 66, 16, 236, 17, 236, 17, 236])
    }

    @Test("version 10 counts bytes in 16 bits; a full symbol has room for the terminator and no pad codewords")
    func sixteenBitCount() {
        let version = QRVersion.all[9]
        let codewords = QREncoder.dataCodewords(Array(repeating: 0x61, count: 213), version: version)
        #expect(codewords.count == 216)
        // 0100 | 0000 0000 1101 0101 | 0110 0001 …: 0x40 0x0D 0x56 0x16 …, and the last byte's low nibble then 0000.
        #expect(Array(codewords.prefix(4)) == [0x40, 0x0D, 0x56, 0x16])
        #expect(codewords.last == 0x10)
    }

    @Test("blocks of unequal length interleave as the standard orders them (version 8: 38, 38, 39, 39)")
    func interleaving() {
        let version = QRVersion.all[7]
        let data = (0..<154).map { UInt8($0) }
        let result = QREncoder.interleave(data, version: version)
        #expect(result.count == 242)
        #expect(Array(result.prefix(8)) == [0, 38, 76, 115, 1, 39, 77, 116])
        // Past the short blocks' ends only the long ones continue: …, 37, 75, 113, 152, then 114, 153.
        #expect(Array(result[148..<154]) == [37, 75, 113, 152, 114, 153])
        // Then the first error correction codeword of each block, and so on.
        let reedSolomon = ReedSolomon(errorCorrectionCodewords: 22)
        let firsts = [0..<38, 38..<76, 76..<115, 115..<154].map { reedSolomon.codewords(for: data[$0])[0] }
        #expect(Array(result[154..<158]) == firsts)
    }
}
