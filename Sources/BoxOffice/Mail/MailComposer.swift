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

    /// What a booking's email says: the film, the theatre and screen, the local date and time, seats, amount, code, link.
    public struct Facts: Sendable {
        public var booking: Booking
        public var email: String
        public var name: String
        public var movieTitle: String
        public var theatreName: String
        public var theatreAddress: String
        public var screenNumber: Int

        public init(booking: Booking, email: String, name: String, movieTitle: String, theatreName: String, theatreAddress: String, screenNumber: Int) {
            self.booking = booking
            self.email = email
            self.name = name
            self.movieTitle = movieTitle
            self.theatreName = theatreName
            self.theatreAddress = theatreAddress
            self.screenNumber = screenNumber
        }

        /// What a batch's read gave (`BookingStore.mailFacts`), with plain words for a film, theatre or show that is gone.
        public init(_ facts: BookingMailFacts) {
            self.init(
                booking: facts.booking, email: facts.email, name: facts.name, movieTitle: facts.movieTitle ?? "your film",
                theatreName: facts.theatreName ?? "the theatre", theatreAddress: facts.theatreAddress ?? "", screenNumber: facts.screenNumber ?? 0)
        }
    }

    public func message(_ kind: OutboxEvent.Kind, _ facts: Facts) -> MailMessage {
        let booking = facts.booking
        let when = "\(booking.showDate) \(booking.showTime)"
        let link = "\(publicURL)/ticket.html?booking=\(booking.id)"
        let seats = booking.seats.map(\.seatNumber).joined(separator: ", ")
        let amount = Self.money(booking.totalAmount, booking.currency)
        let confirmed = kind == .bookingConfirmed
        let subject = confirmed ? "Your tickets: \(facts.movieTitle), \(when)" : "Cancelled: \(facts.movieTitle), \(when)"
        var lines = [
            "Hello \(facts.name),", "",
            confirmed ? "Your booking is confirmed." : "Your booking is cancelled; \(amount) is refunded to your payment method.", "",
            "Film: \(facts.movieTitle)",
            "Theatre: \(facts.theatreName), \(facts.theatreAddress)",
            "Screen: \(facts.screenNumber)",
            "When: \(when)",
            "Seats: \(seats)",
            "Amount: \(amount)",
            "Booking: \(booking.id)",
        ]
        if confirmed {
            lines += ["Ticket code: \(booking.ticketCode ?? "-")", "", "Your ticket: \(link)", "Show the code or its QR code at the door."]
        }
        let rows: [(String, String)] = [
            ("Film", facts.movieTitle), ("Theatre", "\(facts.theatreName), \(facts.theatreAddress)"), ("Screen", "\(facts.screenNumber)"),
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
        return MailMessage(from: from, to: facts.email, subject: subject, text: lines.joined(separator: "\n"), html: html)
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
