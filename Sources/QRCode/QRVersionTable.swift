/// One QR code version at error correction level M: its size, how its codewords split into blocks, and where its
/// alignment patterns sit. Versions 1–10 only: enough for a ticket code or a link to a ticket.
struct QRVersion: Sendable, Equatable {
    /// 1 to 10; the symbol is 17 + 4 × number modules a side.
    let number: Int
    /// Error correction codewords in every block.
    let errorCorrectionPerBlock: Int
    /// Data codewords of each block in the order the data fills them: the shorter blocks first.
    let blockDataCounts: [Int]
    /// Row and column coordinates of alignment pattern centres (every pair of them, except the finders' corners).
    let alignmentCenters: [Int]

    /// Modules a side.
    var size: Int { 17 + 4 * number }
    /// Data codewords in the symbol.
    var dataCodewords: Int { blockDataCounts.reduce(0, +) }
    /// Data and error correction codewords in the symbol.
    var totalCodewords: Int { dataCodewords + blockDataCounts.count * errorCorrectionPerBlock }
    /// Bits of the byte mode character count indicator (Table 3: 8 up to version 9, 16 from version 10).
    var characterCountBits: Int { number <= 9 ? 8 : 16 }
    /// The most bytes byte mode fits: the data codewords less the mode indicator and character count.
    var byteCapacity: Int { (dataCodewords * 8 - 4 - characterCountBits) / 8 }
}

extension QRVersion {
    /// Versions 1–10 at level M, from ISO/IEC 18004 Table 9 (blocks) and Annex E Table E.1 (alignment patterns).
    static let all: [QRVersion] = [
        QRVersion(number: 1, errorCorrectionPerBlock: 10, blockDataCounts: [16], alignmentCenters: []),
        QRVersion(number: 2, errorCorrectionPerBlock: 16, blockDataCounts: [28], alignmentCenters: [6, 18]),
        QRVersion(number: 3, errorCorrectionPerBlock: 26, blockDataCounts: [44], alignmentCenters: [6, 22]),
        QRVersion(number: 4, errorCorrectionPerBlock: 18, blockDataCounts: [32, 32], alignmentCenters: [6, 26]),
        QRVersion(number: 5, errorCorrectionPerBlock: 24, blockDataCounts: [43, 43], alignmentCenters: [6, 30]),
        QRVersion(number: 6, errorCorrectionPerBlock: 16, blockDataCounts: [27, 27, 27, 27], alignmentCenters: [6, 34]),
        QRVersion(number: 7, errorCorrectionPerBlock: 18, blockDataCounts: [31, 31, 31, 31], alignmentCenters: [6, 22, 38]),
        QRVersion(number: 8, errorCorrectionPerBlock: 22, blockDataCounts: [38, 38, 39, 39], alignmentCenters: [6, 24, 42]),
        QRVersion(number: 9, errorCorrectionPerBlock: 22, blockDataCounts: [36, 36, 36, 37, 37], alignmentCenters: [6, 26, 46]),
        QRVersion(
            number: 10, errorCorrectionPerBlock: 26, blockDataCounts: [43, 43, 43, 43, 44], alignmentCenters: [6, 28, 50]),
    ]

    /// The smallest version whose byte mode capacity holds `byteCount` bytes, or nil when none does.
    static func smallest(holding byteCount: Int) -> QRVersion? {
        all.first { $0.byteCapacity >= byteCount }
    }
}
