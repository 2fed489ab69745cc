import BoxOfficeStore
import Foundation

/// Writes the confirmation and cancellation emails of a booking, from the rows as they are when it is sent.
public struct MailComposer: Sendable {
    /// `BOXOFFICE_MAIL_FROM`.
    let from: String
    /// `BOXOFFICE_PUBLIC_URL`, without a trailing slash: where the ticket link points.
    let publicURL: String

    public init(from: String, publicURL: String) {
        self.from = from
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
    }

    /// The email of `kind` for a booking (`BookingStore.mailFacts`): the film, the theatre and screen, the local date and
    /// time, seats, amount, code, link; plain words for a film, theatre or show that is gone. `id`: the outbox event's,
    /// for its Message-ID (`MailMessage.id`).
    public func message(_ kind: OutboxEvent.Kind, _ facts: BookingMailFacts, id: String? = nil) -> MailMessage {
        let booking = facts.booking
        let movieTitle = facts.movieTitle ?? "your film"
        let theatre = "\(facts.theatreName ?? "the theatre"), \(facts.theatreAddress ?? "")"
        let screen = "\(facts.screenNumber ?? 0)"
        let when = "\(booking.showDate) \(booking.showTime)"
        let link = "\(publicURL)/ticket.html?booking=\(booking.id)"
        let seats = booking.seats.map(\.seatNumber).joined(separator: ", ")
        let amount = Self.money(booking.totalAmount, booking.currency)
        let confirmed = kind == .bookingConfirmed
        let subject = confirmed ? "Your tickets: \(movieTitle), \(when)" : "Cancelled: \(movieTitle), \(when)"
        var lines = [
            "Hello \(facts.name),", "",
            confirmed ? "Your booking is confirmed." : "Your booking is cancelled; \(amount) is refunded to your payment method.", "",
            "Film: \(movieTitle)",
            "Theatre: \(theatre)",
            "Screen: \(screen)",
            "When: \(when)",
            "Seats: \(seats)",
            "Amount: \(amount)",
            "Booking: \(booking.id)",
        ]
        if confirmed {
            lines += ["Ticket code: \(booking.ticketCode ?? "-")", "", "Your ticket: \(link)", "Show the code or its QR code at the door."]
        }
        let rows: [(String, String)] = [
            ("Film", movieTitle), ("Theatre", theatre), ("Screen", screen),
            ("When", when), ("Seats", seats), ("Amount", amount), ("Booking", booking.id),
        ] + (confirmed ? [("Ticket code", booking.ticketCode ?? "-")] : [])
        let table = rows.map { "<tr><th align=\"left\">\(Self.escape($0.0))</th><td>\(Self.escape($0.1))</td></tr>" }.joined()
        let html = """
            <!doctype html><html><body>
            <p>Hello \(Self.escape(facts.name)),</p>
            <p>\(confirmed ? "Your booking is confirmed." : "Your booking is cancelled; \(Self.escape(amount)) is refunded to your payment method.")</p>
            <table>\(table)</table>
            \(confirmed ? "<p><a href=\"\(Self.escape(link))\">Open your ticket</a> and show the code or its QR code at the door.</p>" : "")
            </body></html>
            """
        return MailMessage(from: from, to: facts.email, subject: subject, text: lines.joined(separator: "\n"), html: html, id: id)
    }

    /// Minor units as a decimal amount with the currency's code: `250.00 INR`.
    static func money(_ minor: Int, _ currency: String) -> String {
        let cents = minor % 100
        return "\(minor / 100).\(cents < 10 ? "0" : "")\(cents) \(currency)"
    }

    static func escape(_ text: String) -> String {
        // Most text has nothing to escape: give it back as it is.
        guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else { return text }  // & < > " '
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
