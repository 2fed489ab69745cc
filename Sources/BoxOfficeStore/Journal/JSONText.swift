import Foundation
import SeatEngine

/// Small JSON texts written on every change, built by hand instead of through `JSONEncoder`: the journal's columns
/// here, and the server's hand-written answers through `append(_:to:)`.
/// The database only stores them; every reader parses them as JSON, so the exact spelling does not matter,
/// only that they are valid JSON with the same values.
public enum JSONText {
    /// Appends `text` as a JSON string literal, spelled as `JSONEncoder` spells it (`"`, `\` and control
    /// characters escaped, `\b` `\f` `\n` `\r` `\t` short; `/` not escaped), so hand-written answers match encoded ones.
    public static func append(_ text: String, to out: inout String) {
        out.append("\"")
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            out.append(text)
        } else {
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out.append("\\\"")
                case "\\": out.append("\\\\")
                case "\n": out.append("\\n")
                case "\r": out.append("\\r")
                case "\t": out.append("\\t")
                case "\u{08}": out.append("\\b")
                case "\u{0C}": out.append("\\f")
                case _ where scalar.value < 0x20:
                    let hex = String(scalar.value, radix: 16)
                    out.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
                default: out.unicodeScalars.append(scalar)
                }
            }
        }
        out.append("\"")
    }

    /// A change's `seats` column read back (as written by `updates(_:)`, or by any JSON writer).
    static func updates(from text: String) throws -> [SeatUpdate] {
        try JSONDecoder().decode([SeatUpdate].self, from: Data(text.utf8))
    }

    /// A change's `seats` column, as `SeatUpdate`'s `Codable` writes it: `[{"seat":"A1","status":"held"}]`.
    static func updates(_ updates: [SeatUpdate]) -> String {
        var out = "["
        for (index, update) in updates.enumerated() {
            if index > 0 { out.append(",") }
            out.append("{\"seat\":")
            append(update.seat, to: &out)
            out.append(",\"status\":\"\(update.status.rawValue)\"}")
        }
        out.append("]")
        return out
    }

    /// A booking's `seats` column: `[{"seatNumber":"A1","row":"A","column":1,"category":"Gold","price":25000}]`.
    static func seats(_ seats: [Seat]) -> String {
        var out = "["
        for (index, seat) in seats.enumerated() {
            if index > 0 { out.append(",") }
            out.append("{\"seatNumber\":")
            append(seat.seatNumber, to: &out)
            out.append(",\"row\":")
            append(seat.row, to: &out)
            out.append(",\"column\":\(seat.column),\"category\":")
            append(seat.category, to: &out)
            out.append(",\"price\":\(seat.price)}")
        }
        out.append("]")
        return out
    }
}
