/// An encoded QR code: its modules and the version and mask the encoder chose for them.
public struct QRSymbol: Sendable, Equatable {
    /// The version, 1 to 10: the symbol is 17 + 4 × version modules a side.
    public let version: Int
    /// The data mask that scored lowest, written in the format information.
    public let mask: QRMask
    /// The modules, without the quiet zone.
    public let matrix: QRMatrix
}

/// Why a text cannot be encoded.
public enum QREncodingError: Error, Equatable, Sendable {
    /// More bytes than the largest supported version holds in byte mode at level M.
    case tooLong(byteCount: Int, capacity: Int)
}
