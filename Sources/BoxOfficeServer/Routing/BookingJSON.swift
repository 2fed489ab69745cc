import BoxOfficeStore
import Foundation

/// A value that writes its own JSON, byte for byte what `JSONCoding.encoder` would write for it in values
/// (same keys, same order, same values; dates as the encoder's `.iso8601`).
protocol PreEncodedJSON {
    var jsonBody: Data { get }
}

/// The answer of every lock (201) is a `Booking`: written by hand, not through `JSONEncoder`'s generic
/// containers (which were ~6% of a lock's server CPU).
extension Booking: PreEncodedJSON {
    var jsonBody: Data {
        var out = ""
        out.reserveCapacity(400 + seats.count * 90)
        out.append("{\"id\":")
        JSONString.append(id, to: &out)
        out.append(",\"userId\":")
        JSONString.append(userId, to: &out)
        out.append(",\"showId\":")
        JSONString.append(showId, to: &out)
        out.append(",\"movieId\":")
        JSONString.append(movieId, to: &out)
        out.append(",\"theatreId\":")
        JSONString.append(theatreId, to: &out)
        out.append(",\"seats\":[")
        for (index, seat) in seats.enumerated() {
            if index > 0 { out.append(",") }
            out.append("{\"seatNumber\":")
            JSONString.append(seat.seatNumber, to: &out)
            out.append(",\"row\":")
            JSONString.append(seat.row, to: &out)
            out.append(",\"column\":\(seat.column),\"category\":")
            JSONString.append(seat.category, to: &out)
            out.append(",\"price\":\(seat.price)}")
        }
        out.append("],\"totalAmount\":\(totalAmount),\"currency\":")
        JSONString.append(currency, to: &out)
        out.append(",\"bookingStatus\":\"\(bookingStatus.rawValue)\",\"paymentStatus\":\"\(paymentStatus.rawValue)\",\"paymentId\":")
        if let paymentId { JSONString.append(paymentId, to: &out) } else { out.append("null") }
        out.append(",\"expiresAt\":\"\(expiresAt.formatted(.iso8601))\",\"showDate\":")
        JSONString.append(showDate, to: &out)
        out.append(",\"showTime\":")
        JSONString.append(showTime, to: &out)
        let created = createdAt.formatted(.iso8601)
        out.append(",\"createdAt\":\"\(created)\",\"updatedAt\":\"\(updatedAt == createdAt ? created : updatedAt.formatted(.iso8601))\"}")
        return Data(out.utf8)
    }
}

/// JSON string literals as `JSONEncoder` writes them (`"`, `\` and control characters escaped; `/` not escaped).
enum JSONString {
    static func append(_ text: String, to out: inout String) {
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
}
