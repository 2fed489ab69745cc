/// One of the eight data masks (ISO/IEC 18004 Table 10): which modules of the encoding region are inverted.
public struct QRMask: Sendable, Hashable, CustomStringConvertible {
    /// The mask pattern reference written in the format information, 0 to 7.
    public let reference: Int

    /// The mask with pattern reference `reference` (0...7).
    init(reference: Int) {
        precondition((0...7).contains(reference), "mask pattern references are 0 to 7")
        self.reference = reference
    }

    /// All eight masks, in reference order.
    public static let all = (0...7).map(QRMask.init(reference:))

    public var description: String { "mask \(reference)" }

    /// Whether this mask inverts the module at `row`, `column` (i and j in the standard's conditions).
    func inverts(row i: Int, column j: Int) -> Bool {
        switch reference {
        case 0: (i + j) % 2 == 0
        case 1: i % 2 == 0
        case 2: j % 3 == 0
        case 3: (i + j) % 3 == 0
        case 4: (i / 2 + j / 3) % 2 == 0
        case 5: (i * j) % 2 + (i * j) % 3 == 0
        case 6: ((i * j) % 2 + (i * j) % 3) % 2 == 0
        default: ((i * j) % 3 + (i + j) % 2) % 2 == 0
        }
    }
}
