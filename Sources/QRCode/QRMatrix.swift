/// A square grid of QR code modules, dark or light, addressed by row and column from the top left.
public struct QRMatrix: Sendable, Equatable {
    /// Modules a side (21 for version 1, 4 more each version).
    public let size: Int
    /// Row after row; true is dark.
    var modules: [Bool]

    /// An all-light grid of `size` × `size` modules.
    init(size: Int) {
        self.size = size
        self.modules = Array(repeating: false, count: size * size)
    }

    /// A grid from rows of "#" (dark) and anything else (light): the form hand-made matrices take in tests.
    init(rows: [String]) {
        precondition(rows.allSatisfy { $0.count == rows.count }, "a QR matrix is square")
        self.size = rows.count
        self.modules = rows.flatMap { row in row.map { $0 == "#" } }
    }

    /// Whether the module at `row`, `column` is dark.
    public internal(set) subscript(row: Int, column: Int) -> Bool {
        get { modules[row * size + column] }
        set { modules[row * size + column] = newValue }
    }

    /// How many modules are dark.
    public var darkCount: Int { modules.reduce(0) { $0 + ($1 ? 1 : 0) } }
}
