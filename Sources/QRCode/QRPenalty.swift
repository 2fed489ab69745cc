/// The four penalty rules a mask is scored by (ISO/IEC 18004 §7.8.3, Table 11): the encoder keeps the mask whose
/// symbol scores lowest, the one least likely to confuse a reader.
enum QRPenalty {
    /// The sum of the four rules.
    static func score(_ matrix: QRMatrix) -> Int {
        var score = blocks(matrix) + balance(matrix)
        for line in lines(matrix) { score += runs(in: line) + finderLikes(in: line) }
        return score
    }

    /// N1 over every row and column.
    static func runs(_ matrix: QRMatrix) -> Int { lines(matrix).reduce(0) { $0 + runs(in: $1) } }

    /// N2: every 2×2 square of one colour scores 3 (overlapping squares each count).
    static func blocks(_ matrix: QRMatrix) -> Int {
        var score = 0
        for row in 0..<(matrix.size - 1) {
            for column in 0..<(matrix.size - 1) {
                let color = matrix[row, column]
                if matrix[row, column + 1] == color && matrix[row + 1, column] == color && matrix[row + 1, column + 1] == color {
                    score += 3
                }
            }
        }
        return score
    }

    /// N3 over every row and column.
    static func finderLikes(_ matrix: QRMatrix) -> Int { lines(matrix).reduce(0) { $0 + finderLikes(in: $1) } }

    /// N4: 10 for every full 5% the share of dark modules strays from 50%.
    static func balance(_ matrix: QRMatrix) -> Int {
        let total = matrix.size * matrix.size
        return 10 * (abs(matrix.darkCount * 20 - total * 10) / total)
    }

    // MARK: Rules on one line

    /// Every row, then every column, as arrays: rules 1 and 3 read lines, and reading each once keeps scoring cheap.
    static func lines(_ matrix: QRMatrix) -> [[Bool]] {
        let indices = 0..<matrix.size
        return indices.map { row in indices.map { matrix[row, $0] } } + indices.map { column in indices.map { matrix[$0, column] } }
    }

    /// N1: a run of 5 or more same-coloured modules scores 3, plus 1 for each module past 5.
    static func runs(in line: [Bool]) -> Int {
        var score = 0
        var runLength = 0
        for index in line.indices {
            if index > 0 && line[index] == line[index - 1] {
                runLength += 1
            } else {
                if runLength >= 5 { score += runLength - 2 }
                runLength = 1
            }
        }
        if runLength >= 5 { score += runLength - 2 }
        return score
    }

    /// N3: every 1:1:3:1:1 dark-light-dark-light-dark run with four light modules before it or after it scores 40 —
    /// it looks like a finder pattern. Modules beyond the ends count as light: they are the quiet zone. A run with
    /// light on both sides counts once; overlapping runs each count.
    static func finderLikes(in line: [Bool]) -> Int {
        func dark(_ index: Int) -> Bool { line.indices.contains(index) && line[index] }
        var score = 0
        for start in line.indices.dropLast(6)
        where line[start] && !line[start + 1] && line[start + 2] && line[start + 3] && line[start + 4]
            && !line[start + 5] && line[start + 6]
        {
            let lightBefore = !dark(start - 4) && !dark(start - 3) && !dark(start - 2) && !dark(start - 1)
            let lightAfter = !dark(start + 7) && !dark(start + 8) && !dark(start + 9) && !dark(start + 10)
            if lightBefore || lightAfter { score += 40 }
        }
        return score
    }
}
