/// One version's grid before and while data goes in: the function patterns drawn (§6.3), and which modules they
/// reserve, so that data placement and masking skip them.
struct QRLayout: Sendable {
    /// The version being laid out.
    let version: QRVersion
    /// The modules drawn so far.
    private(set) var matrix: QRMatrix
    /// Modules that belong to function patterns, format or version information: never data, never masked.
    private(set) var reserved: [Bool]

    /// The grid of `version` with finders, separators, timing, alignment patterns, the dark module and version
    /// information drawn, and the format information's modules reserved (light until `drawFormat(for:)`).
    init(version: QRVersion) {
        self.version = version
        self.matrix = QRMatrix(size: version.size)
        self.reserved = Array(repeating: false, count: version.size * version.size)
        drawFinders()
        drawTiming()
        drawAlignmentPatterns()
        drawFormat(0)
        setFunction(row: version.size - 8, column: 8, dark: true)  // the dark module (§6.9)
        if version.number >= 7 { drawVersion() }
    }

    /// Whether the module at `row`, `column` is reserved for a function pattern or format or version information.
    func isReserved(row: Int, column: Int) -> Bool { reserved[row * version.size + column] }

    /// How many modules are left for codewords (and remainder bits).
    var dataModuleCount: Int { reserved.reduce(0) { $0 + ($1 ? 0 : 1) } }

    // MARK: Function patterns

    private mutating func setFunction(row: Int, column: Int, dark: Bool) {
        matrix[row, column] = dark
        reserved[row * version.size + column] = true
    }

    /// The three 7×7 finder patterns, each with its light separator (§6.3.2, §6.3.3).
    private mutating func drawFinders() {
        let far = version.size - 7
        for (top, left) in [(0, 0), (0, far), (far, 0)] {
            for row in (top - 1)...(top + 7) where (0..<version.size).contains(row) {
                for column in (left - 1)...(left + 7) where (0..<version.size).contains(column) {
                    let ring = max(abs(row - top - 3), abs(column - left - 3))  // 0 centre … 3 edge, 4 separator
                    setFunction(row: row, column: column, dark: ring != 2 && ring != 4)
                }
            }
        }
    }

    /// Row 6 and column 6 between the finders, alternating and dark on even positions (§6.3.5).
    private mutating func drawTiming() {
        for index in 8..<(version.size - 8) {
            setFunction(row: 6, column: index, dark: index % 2 == 0)
            setFunction(row: index, column: 6, dark: index % 2 == 0)
        }
    }

    /// A 5×5 alignment pattern centred on every pair of listed coordinates, except where a finder sits (§6.3.6).
    private mutating func drawAlignmentPatterns() {
        let centers = version.alignmentCenters
        for (rowIndex, row) in centers.enumerated() {
            for (columnIndex, column) in centers.enumerated() {
                let last = centers.count - 1
                if (rowIndex == 0 && columnIndex == 0) || (rowIndex == 0 && columnIndex == last)
                    || (rowIndex == last && columnIndex == 0)
                {
                    continue
                }
                for dr in -2...2 {
                    for dc in -2...2 {
                        setFunction(row: row + dr, column: column + dc, dark: max(abs(dr), abs(dc)) != 1)
                    }
                }
            }
        }
    }

    /// Writes 15 format information bits in both copies (§7.9.1, Figure 25); bit 0 is the least significant.
    mutating func drawFormat(_ bits: Int) {
        let size = version.size
        func bit(_ index: Int) -> Bool { (bits >> index) & 1 == 1 }
        // Around the top-left finder: down column 8 (skipping the timing row), then left along row 8.
        for index in 0...5 { setFunction(row: index, column: 8, dark: bit(index)) }
        setFunction(row: 7, column: 8, dark: bit(6))
        setFunction(row: 8, column: 8, dark: bit(7))
        setFunction(row: 8, column: 7, dark: bit(8))
        for index in 9...14 { setFunction(row: 8, column: 14 - index, dark: bit(index)) }
        // Split between the other two finders: row 8 at the right, column 8 at the bottom.
        for index in 0...7 { setFunction(row: 8, column: size - 1 - index, dark: bit(index)) }
        for index in 8...14 { setFunction(row: size - 15 + index, column: 8, dark: bit(index)) }
    }

    /// The format information for level M and `mask`.
    mutating func drawFormat(for mask: QRMask) { drawFormat(QRFormatBits.format(mask: mask)) }

    /// The two 6×3 copies of the 18 version information bits, above the bottom-left and left of the top-right
    /// finder (§7.10, Figure 27); bit 0 is the least significant.
    private mutating func drawVersion() {
        let bits = QRFormatBits.version(version.number)
        for index in 0..<18 {
            let dark = (bits >> index) & 1 == 1
            let near = index / 3
            let far = version.size - 11 + index % 3
            setFunction(row: near, column: far, dark: dark)
            setFunction(row: far, column: near, dark: dark)
        }
    }

    // MARK: Data

    /// Places `codewords` most significant bit first in two-module columns zigzagging up and down from the bottom
    /// right, skipping reserved modules and the vertical timing column (§7.7.3); modules left over stay light (the
    /// remainder bits).
    mutating func placeData(_ codewords: [UInt8]) {
        let size = version.size
        let bitCount = codewords.count * 8
        var next = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            let upward = (right + 1) & 2 == 0
            for step in 0..<size {
                let row = upward ? size - 1 - step : step
                for column in [right, right - 1] where !isReserved(row: row, column: column) {
                    if next < bitCount {
                        matrix[row, column] = (codewords[next >> 3] >> (7 - (next & 7))) & 1 == 1
                        next += 1
                    }
                }
            }
            right -= 2
        }
    }

    /// The matrix with `mask` applied to every unreserved module and the format information for it drawn.
    func masked(with mask: QRMask) -> QRMatrix {
        var layout = self
        layout.drawFormat(for: mask)
        var result = layout.matrix
        for row in 0..<version.size {
            for column in 0..<version.size where !isReserved(row: row, column: column) && mask.inverts(row: row, column: column) {
                result[row, column].toggle()
            }
        }
        return result
    }
}
