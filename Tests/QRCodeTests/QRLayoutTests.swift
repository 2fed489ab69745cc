import Testing

@testable import QRCode

@Suite("QR symbol layout and mask choice")
struct QRLayoutTests {
    /// Texts that land in versions 1, 2, 7 and 10 (7 and up carry version information).
    static let texts = [
        "7KQ2-M9XD-4TZR-8B", String(repeating: "b", count: 20), String(repeating: "c", count: 110), String(repeating: "d", count: 200),
    ]

    @Test("finders with separators sit in three corners, the timing patterns alternate, the dark module is dark", arguments: texts)
    func functionPatterns(text: String) throws {
        let matrix = try QREncoder.encode(text).matrix
        let size = matrix.size
        let finder = ["#######", "#.....#", "#.###.#", "#.###.#", "#.###.#", "#.....#", "#######"]
        for (top, left) in [(0, 0), (0, size - 7), (size - 7, 0)] {
            for row in 0..<7 {
                let drawn = String((0..<7).map { matrix[top + row, left + $0] ? "#" : "." })
                #expect(drawn == finder[row], "finder at \(top),\(left) row \(row)")
            }
        }
        for index in 0..<8 {
            #expect(!matrix[7, index] && !matrix[index, 7], "top-left separator")
            #expect(!matrix[7, size - 1 - index] && !matrix[index, size - 8], "top-right separator")
            #expect(!matrix[size - 8, index] && !matrix[size - 1 - index, 7], "bottom-left separator")
        }
        for index in 8..<(size - 8) {
            #expect(matrix[6, index] == (index % 2 == 0))
            #expect(matrix[index, 6] == (index % 2 == 0))
        }
        #expect(matrix[size - 8, 8])
    }

    @Test("an alignment pattern is centred on each listed pair away from the finders")
    func alignment() throws {
        let matrix = try QREncoder.encode(String(repeating: "c", count: 110)).matrix  // version 7: 6, 22, 38
        for (row, column) in [(6, 22), (22, 6), (22, 22), (22, 38), (38, 22), (38, 38)] {
            for dr in -2...2 {
                for dc in -2...2 { #expect(matrix[row + dr, column + dc] == (max(abs(dr), abs(dc)) != 1)) }
            }
        }
    }

    @Test("both copies of the format information name level M and the chosen mask", arguments: texts)
    func formatCopies(text: String) throws {
        let symbol = try QREncoder.encode(text)
        let matrix = symbol.matrix
        let size = matrix.size
        // Figure 25, most significant bit first. Around the top-left finder: row 8 left to right, then up column 8.
        let first: [(Int, Int)] = [(8, 0), (8, 1), (8, 2), (8, 3), (8, 4), (8, 5), (8, 7), (8, 8), (7, 8)] + (0...5).reversed().map { ($0, 8) }
        // Up column 8 from the bottom, then along row 8 to the right edge.
        let second: [(Int, Int)] = (0..<7).map { (size - 1 - $0, 8) } + (0..<8).map { (8, size - 8 + $0) }
        for copy in [first, second] {
            let bits = copy.reduce(0) { $0 << 1 | (matrix[$1.0, $1.1] ? 1 : 0) }
            #expect(bits == QRFormatBits.format(mask: symbol.mask))
            #expect((bits ^ QRFormatBits.formatMask) >> 13 == QRFormatBits.levelM)
            #expect((bits ^ QRFormatBits.formatMask) >> 10 & 0b111 == symbol.mask.reference)
        }
    }

    @Test("versions 7 and up carry their version information in both 6×3 blocks", arguments: texts.suffix(2))
    func versionBlocks(text: String) throws {
        let symbol = try QREncoder.encode(text)
        let size = symbol.matrix.size
        // Figure 27: bit 0 in the top-right block at row 0, column size − 11; counting along rows of 3, then down.
        var topRight = 0
        var bottomLeft = 0
        for index in (0..<18).reversed() {
            topRight = topRight << 1 | (symbol.matrix[index / 3, size - 11 + index % 3] ? 1 : 0)
            bottomLeft = bottomLeft << 1 | (symbol.matrix[size - 11 + index % 3, index / 3] ? 1 : 0)
        }
        #expect(topRight == QRFormatBits.version(symbol.version))
        #expect(bottomLeft == QRFormatBits.version(symbol.version))
    }

    @Test("the chosen mask scores lowest of the eight", arguments: texts)
    func maskChoice(text: String) throws {
        let symbol = try QREncoder.encode(text)
        let version = QRVersion.all[symbol.version - 1]
        var layout = QRLayout(version: version)
        layout.placeData(QREncoder.interleave(QREncoder.dataCodewords(Array(text.utf8), version: version), version: version))
        let scores = QRMask.all.map { QRPenalty.score(layout.masked(with: $0)) }
        #expect(layout.masked(with: symbol.mask) == symbol.matrix)
        #expect(scores[symbol.mask.reference] == scores.min())
        #expect(scores.firstIndex(of: scores.min()!) == symbol.mask.reference)
    }

    @Test("masks leave function patterns alone and invert different modules")
    func masks() {
        let layout = QRLayout(version: QRVersion.all[1])
        let masked = QRMask.all.map { layout.masked(with: $0) }
        #expect(Set(masked.map(\.modules)).count == 8)
        for matrix in masked {
            for row in 0..<7 {
                for column in 0..<7 { #expect(matrix[row, column] == layout.matrix[row, column]) }
            }
        }
        // Mask 0 inverts where row + column is even: the bottom-right module (24, 24) is data and inverted.
        #expect(masked[0][24, 24] != layout.matrix[24, 24])
        #expect(masked[0][24, 23] == layout.matrix[24, 23])
    }
}
