/// Encodes bytes as a QR code (ISO/IEC 18004): byte mode, error correction level M, the smallest of versions 1–10
/// that holds them, and the mask that scores lowest on the penalty rules.
public enum QREncoder {
    /// The largest supported version.
    public static let maximumVersion = 10
    /// The most bytes any supported version holds (213, version 10).
    public static let capacity = QRVersion.all[maximumVersion - 1].byteCapacity

    /// The QR code of `text`'s UTF-8 bytes (byte mode, without an ECI header: readers take valid UTF-8 as such).
    public static func encode(_ text: String) throws(QREncodingError) -> QRSymbol {
        try encode(bytes: Array(text.utf8))
    }

    /// The QR code of `bytes`.
    public static func encode(bytes: [UInt8]) throws(QREncodingError) -> QRSymbol {
        guard let version = QRVersion.smallest(holding: bytes.count) else {
            throw .tooLong(byteCount: bytes.count, capacity: capacity)
        }
        var layout = QRLayout(version: version)
        layout.placeData(interleave(dataCodewords(bytes, version: version), version: version))
        // Ties go to the lower mask reference.
        var best = (mask: QRMask.all[0], matrix: layout.masked(with: QRMask.all[0]))
        var bestScore = QRPenalty.score(best.matrix)
        for mask in QRMask.all.dropFirst() {
            let matrix = layout.masked(with: mask)
            let score = QRPenalty.score(matrix)
            if score < bestScore { (best, bestScore) = ((mask, matrix), score) }
        }
        return QRSymbol(version: version.number, mask: best.mask, matrix: best.matrix)
    }

    /// The data codewords (§7.4): mode indicator 0100, the byte count, the bytes, a terminator of up to four zero
    /// bits, zero bits to a byte boundary, then the pad codewords 11101100 and 00010001 in turn to fill the version.
    static func dataCodewords(_ bytes: [UInt8], version: QRVersion) -> [UInt8] {
        precondition(bytes.count <= version.byteCapacity, "the version must hold the bytes")
        var bits = BitBuffer()
        bits.append(0b0100, count: 4)
        bits.append(bytes.count, count: version.characterCountBits)
        for byte in bytes { bits.append(Int(byte), count: 8) }
        let capacityBits = version.dataCodewords * 8
        bits.append(0, count: min(4, capacityBits - bits.count))
        bits.append(0, count: (8 - bits.count % 8) % 8)
        var codewords = bits.bytes
        var pad: UInt8 = 0b1110_1100
        while codewords.count < version.dataCodewords {
            codewords.append(pad)
            pad = pad == 0b1110_1100 ? 0b0001_0001 : 0b1110_1100
        }
        return codewords
    }

    /// Splits the data codewords into the version's blocks, adds each block's error correction codewords, and
    /// interleaves them (§7.6): the first data codeword of every block, then the second…, then the error correction
    /// codewords the same way.
    static func interleave(_ data: [UInt8], version: QRVersion) -> [UInt8] {
        let reedSolomon = ReedSolomon(errorCorrectionCodewords: version.errorCorrectionPerBlock)
        var blocks: [ArraySlice<UInt8>] = []
        var start = data.startIndex
        for count in version.blockDataCounts {
            blocks.append(data[start..<(start + count)])
            start += count
        }
        let corrections = blocks.map { reedSolomon.codewords(for: $0) }
        var result: [UInt8] = []
        result.reserveCapacity(version.totalCodewords)
        for index in 0..<(version.blockDataCounts.max() ?? 0) {
            for block in blocks where index < block.count { result.append(block[block.startIndex + index]) }
        }
        for index in 0..<version.errorCorrectionPerBlock {
            for correction in corrections { result.append(correction[index]) }
        }
        return result
    }
}

/// Bits appended most significant first, read back as bytes.
struct BitBuffer {
    private(set) var bytes: [UInt8] = []
    /// Bits appended so far.
    private(set) var count = 0

    /// Appends the low `count` bits of `value`, most significant first.
    mutating func append(_ value: Int, count bitCount: Int) {
        for shift in stride(from: bitCount - 1, through: 0, by: -1) {
            if count % 8 == 0 { bytes.append(0) }
            if (value >> shift) & 1 == 1 { bytes[bytes.count - 1] |= 0x80 >> UInt8(count % 8) }
            count += 1
        }
    }
}
