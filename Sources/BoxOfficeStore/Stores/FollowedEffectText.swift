import Foundation
import SeatEngine

/// A seat change's booking-level effect as text without spaces, for the `effect` column of PostgreSQL's `seatChanges`
/// and so for the change's notice: what another node's copy of the show needs to apply the change itself
/// (`FollowedEffect`, `ShowActor.follow`) instead of loading the show again.
///
///     L;<booking>;<user>;<expires µs>;<started µs>;<replaced booking, or nothing>;<seat>|<seat>…   a lock
///     E;<booking>|<booking>…                                                                       holds ended
///     B;<booking>                                                                                  a hold paid for
///     C;<booking>                                                                                  a booking cancelled
///
/// Every field is percent-encoded where it holds `%`, `;`, `|` or a space (seat names may).
public enum FollowedEffectText {
    /// The text of `change`'s effect; nil for a change with none (the seats only).
    public static func text(_ change: BookingChange?) -> String? {
        switch change {
        case .locked(let booking, let replacing)?:
            let fields = [
                "L", booking.id, booking.userId, micros(booking.expiresAt), micros(booking.holdStartedAt ?? booking.createdAt), replacing ?? "",
                booking.seats.map { escape($0.seatNumber) }.joined(separator: "|"),
            ]
            return fields.enumerated().map { $0 == 6 ? $1 : escape($1) }.joined(separator: ";")
        case .released(let bookings, _)?: return "E;" + bookings.map(escape).joined(separator: "|")
        case .booked(let booking, _, _)?: return "B;" + escape(booking)
        case .cancelled(let booking)?: return "C;" + escape(booking)
        case nil: return nil
        }
    }

    /// The effect `text` describes, or nil when it is not one (then the copy is loaded again).
    public static func effect(_ text: Substring) -> FollowedEffect? {
        let fields = text.split(separator: ";", omittingEmptySubsequences: false)
        guard let kind = fields.first else { return nil }
        switch (kind, fields.count) {
        case ("L", 7):
            guard let booking = unescape(fields[1]), let user = unescape(fields[2]), let expires = Int64(fields[3]), let started = Int64(fields[4]),
                let replacing = unescape(fields[5])
            else { return nil }
            let seats = fields[6].split(separator: "|").compactMap(unescape)
            guard !booking.isEmpty, !seats.isEmpty, seats.count == fields[6].split(separator: "|").count else { return nil }
            let hold = Hold(booking: booking, user: user, seats: seats, expiresAt: date(expires), startedAt: date(started))
            return .locked(hold, replacing: replacing.isEmpty ? nil : replacing)
        case ("E", 2):
            let encoded = fields[1].split(separator: "|")
            let bookings = encoded.compactMap(unescape)
            return bookings.isEmpty || bookings.count != encoded.count ? nil : .ended(bookings)
        case ("B", 2): return unescape(fields[1]).flatMap { $0.isEmpty ? nil : .booked($0) }
        case ("C", 2): return unescape(fields[1]).flatMap { $0.isEmpty ? nil : .cancelled($0) }
        default: return nil
        }
    }

    private static let plain: CharacterSet = CharacterSet(charactersIn: "%;| ").inverted

    private static func escape(_ field: String) -> String {
        // Ids and most seat names hold none of the four: no Foundation call for them.
        guard field.utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: ";") || $0 == UInt8(ascii: "|") || $0 == UInt8(ascii: " ") })
        else { return field }
        return field.addingPercentEncoding(withAllowedCharacters: plain) ?? field
    }

    private static func unescape(_ field: Substring) -> String? {
        field.contains("%") ? String(field).removingPercentEncoding : String(field)
    }

    private static func micros(_ date: Date) -> String {
        String(Int64((date.timeIntervalSince1970 * 1_000_000).rounded()))
    }

    private static func date(_ micros: Int64) -> Date {
        Date(timeIntervalSince1970: Double(micros) / 1_000_000)
    }
}
