import Testing

@testable import QRCode

@Suite("Mask penalty rules on hand-made matrices")
struct QRPenaltyTests {
    /// A square of `size` whose first `dark` modules, row after row, are dark.
    static func filled(size: Int, dark: Int) -> QRMatrix {
        QRMatrix(rows: (0..<size).map { row in String((0..<size).map { row * size + $0 < dark ? "#" : "." }) })
    }

    /// A checkerboard: no runs, no blocks, exactly balanced when the size is even.
    static func checkerboard(size: Int) -> QRMatrix {
        QRMatrix(rows: (0..<size).map { row in String((0..<size).map { (row + $0) % 2 == 0 ? "#" : "." }) })
    }

    @Test("a checkerboard scores nothing")
    func checkerboard() {
        let matrix = Self.checkerboard(size: 12)
        #expect(QRPenalty.runs(matrix) == 0)
        #expect(QRPenalty.blocks(matrix) == 0)
        #expect(QRPenalty.finderLikes(matrix) == 0)
        #expect(QRPenalty.balance(matrix) == 0)
    }

    @Test("an all-light 5×5: ten runs of 5, sixteen 2×2 blocks, no dark modules at all")
    func allLight() {
        let matrix = Self.filled(size: 5, dark: 0)
        #expect(QRPenalty.runs(matrix) == 10 * 3)
        #expect(QRPenalty.blocks(matrix) == 16 * 3)
        #expect(QRPenalty.balance(matrix) == 100)
        #expect(QRPenalty.score(matrix) == 30 + 48 + 100)
    }

    @Test("N1: a run of 4 scores nothing, 5 scores 3, 7 scores 5, light runs like dark")
    func runs() {
        // Each odd row is the one above it inverted, so no column has a run longer than 2.
        let rows = [
            "####.#.",  // run of 4: 0
            "....#.#",  // run of 4: 0
            "#####.#",  // run of 5: 3
            ".....#.",  // run of 5: 3
            "#######",  // run of 7: 5
            ".......",  // run of 7: 5
            "#.#.#.#",
        ]
        #expect(QRPenalty.runs(QRMatrix(rows: rows)) == 3 + 3 + 5 + 5)
    }

    @Test("N2: overlapping 2×2 squares each count")
    func blocks() {
        let rows = [
            "###.",
            "###.",
            ".#.#",
            "#.#.",
        ]
        #expect(QRPenalty.blocks(QRMatrix(rows: rows)) == 2 * 3)
        #expect(QRPenalty.blocks(Self.filled(size: 3, dark: 9)) == 4 * 3)
    }

    @Test("N3: 1:1:3:1:1 with four light modules after or before it, the quiet zone included, in a row or a column")
    func finderLikes() {
        func board(_ special: String) -> [String] {
            let size = special.count
            return (0..<size).map { row in
                row == 5 ? special : String((0..<size).map { (row + $0) % 2 == 0 ? "#" : "." })
            }
        }
        #expect(QRPenalty.finderLikes(QRMatrix(rows: board("##.#.###.#....#"))) == 40)
        #expect(QRPenalty.finderLikes(QRMatrix(rows: board("#....#.###.#.##"))) == 40)
        // Light on both sides counts once.
        #expect(QRPenalty.finderLikes(QRMatrix(rows: board("#....#.###.#...."))) == 40)
        // Without four light modules on either side it is not finder-like.
        #expect(QRPenalty.finderLikes(QRMatrix(rows: board("#...#.###.#..#."))) == 0)
        // At the edge the quiet zone is the light side.
        #expect(QRPenalty.finderLikes(QRMatrix(rows: board("#.###.##.#."))) == 40)
        #expect(QRPenalty.finderLikes(QRMatrix(rows: board(".#.##.#.###.#"))) == 40)
        // The same pattern down a column: transpose the board.
        let rows = board("##.#.###.#....#")
        let transposed = (0..<15).map { column in String(rows.map { Array($0)[column] }) }
        #expect(QRPenalty.finderLikes(QRMatrix(rows: transposed)) == 40)
    }

    @Test(
        "N4: 10 for each whole 5% away from half dark",
        arguments: [(50, 0), (46, 0), (45, 10), (54, 0), (55, 10), (60, 20), (64, 20), (65, 30), (0, 100), (100, 100)])
    func balance(dark: Int, expected: Int) {
        #expect(QRPenalty.balance(Self.filled(size: 10, dark: dark)) == expected)
    }
}
