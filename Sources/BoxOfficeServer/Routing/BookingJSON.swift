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
        JSONText.append(id, to: &out)
        out.append(",\"userId\":")
        JSONText.append(userId, to: &out)
        out.append(",\"showId\":")
        JSONText.append(showId, to: &out)
        out.append(",\"movieId\":")
        JSONText.append(movieId, to: &out)
        out.append(",\"theatreId\":")
        JSONText.append(theatreId, to: &out)
        out.append(",\"seats\":[")
        for (index, seat) in seats.enumerated() {
            if index > 0 { out.append(",") }
            out.append("{\"seatNumber\":")
            JSONText.append(seat.seatNumber, to: &out)
            out.append(",\"row\":")
            JSONText.append(seat.row, to: &out)
            out.append(",\"column\":\(seat.column),\"category\":")
            JSONText.append(seat.category, to: &out)
            out.append(",\"price\":\(seat.price)}")
        }
        out.append("],\"totalAmount\":\(totalAmount),\"currency\":")
        JSONText.append(currency, to: &out)
        out.append(",\"bookingStatus\":\"\(bookingStatus.rawValue)\",\"paymentStatus\":\"\(paymentStatus.rawValue)\",\"paymentId\":")
        if let paymentId { JSONText.append(paymentId, to: &out) } else { out.append("null") }
        out.append(",\"expiresAt\":\"\(expiresAt.formatted(.iso8601))\",\"showDate\":")
        JSONText.append(showDate, to: &out)
        out.append(",\"showTime\":")
        JSONText.append(showTime, to: &out)
        let created = createdAt.formatted(.iso8601)
        out.append(",\"createdAt\":\"\(created)\",\"updatedAt\":\"\(updatedAt == createdAt ? created : updatedAt.formatted(.iso8601))\",\"ticketCode\":")
        if let ticketCode { JSONText.append(ticketCode, to: &out) } else { out.append("null") }
        out.append(",\"admittedAt\":")
        if let admittedAt { out.append("\"\(admittedAt.formatted(.iso8601))\"") } else { out.append("null") }
        out.append("}")
        return Data(out.utf8)
    }
}
