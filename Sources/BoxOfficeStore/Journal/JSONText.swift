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

    /// A change's `seats` column read back (as written by `updates(_:)`, or by any JSON writer). Read on every node for
    /// every change another node makes (a notice carries it), so the text `updates(_:)` writes is read by hand; any
    /// other spelling (spaces, escapes, keys in another order) goes through `JSONDecoder`.
    static func updates(from text: String) throws -> [SeatUpdate] {
        if let updates = plainUpdates(text) { return updates }
        return try JSONDecoder().decode([SeatUpdate].self, from: Data(text.utf8))
    }

    /// `[{"seat":"…","status":"…"},…]` exactly as `updates(_:)` writes it when no seat needs an escape; else nil.
    static func plainUpdates(_ text: String) -> [SeatUpdate]? {
        var text = text
        return text.withUTF8 { bytes -> [SeatUpdate]? in
            var index = 0
            func take(_ literal: StaticString) -> Bool {
                let count = literal.utf8CodeUnitCount
                guard index + count <= bytes.count else { return false }
                for offset in 0..<count where bytes[index + offset] != literal.utf8Start[offset] { return false }
                index += count
                return true
            }
            /// A string's characters up to its closing quote, when it has no escape.
            func plainString() -> String? {
                let start = index
                while index < bytes.count {
                    let byte = bytes[index]
                    if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
                    if byte == UInt8(ascii: "\"") {
                        defer { index += 1 }
                        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                    }
                    index += 1
                }
                return nil
            }
            guard take("[") else { return nil }
            var updates: [SeatUpdate] = []
            if take("]") { return index == bytes.count ? updates : nil }
            repeat {
                guard take("{\"seat\":\""), let seat = plainString(), take(",\"status\":\""), let word = plainString(),
                    let status = SeatStatus(rawValue: word), take("}")
                else { return nil }
                updates.append(SeatUpdate(seat: seat, status: status))
            } while take(",")
            guard take("]"), index == bytes.count else { return nil }
            return updates
        }
    }

    /// A change's `seats` column, as `SeatUpdate`'s `Codable` writes it: `[{"seat":"A1","status":"held"}]`.
    public static func updates(_ updates: [SeatUpdate]) -> String {
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
