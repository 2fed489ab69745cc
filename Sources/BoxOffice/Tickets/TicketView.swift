import BoxOfficeStore
import Foundation

/// `GET /api/bookings/:id/ticket`: what an e-ticket shows. The QR code (`qr`) is added by the transport, which owns
/// the encoder; it encodes `ticketCode` exactly.
public struct TicketView: Encodable, Sendable {
    public struct MovieRef: Encodable, Sendable {
        public var id: String
        public var title: String
    }

    public struct TheatreRef: Encodable, Sendable {
        public var id: String
        public var name: String
        public var address: String
    }

    public var bookingId: String
    public var ticketCode: String
    public var movie: MovieRef
    public var theatre: TheatreRef
    public var screenNumber: Int
    public var showDate: String
    public var showTime: String
    public var startsAt: Date
    public var seats: [Seat]
    public var admittedAt: Date?
    public var qr: String = ""

    enum CodingKeys: String, CodingKey {
        case bookingId, ticketCode, movie, theatre, screenNumber, showDate, showTime, startsAt, seats, admittedAt, qr
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(bookingId, forKey: .bookingId)
        try container.encode(ticketCode, forKey: .ticketCode)
        try container.encode(movie, forKey: .movie)
        try container.encode(theatre, forKey: .theatre)
        try container.encode(screenNumber, forKey: .screenNumber)
        try container.encode(showDate, forKey: .showDate)
        try container.encode(showTime, forKey: .showTime)
        try container.encode(startsAt, forKey: .startsAt)
        try container.encode(seats, forKey: .seats)
        try container.encode(admittedAt, forKey: .admittedAt)
        try container.encode(qr, forKey: .qr)
    }
}

extension BookingService {
    /// The e-ticket of the user's own confirmed booking; 404 for another user's, 409 `not_confirmed` otherwise.
    public func ticket(userId: String, bookingId: String) async throws -> TicketView {
        let booking = try await ownBooking(userId: userId, bookingId: bookingId)
        guard booking.bookingStatus == .confirmed, let code = booking.ticketCode else {
            throw BoxOfficeError(
                .conflict, "not_confirmed", "This booking is \(booking.bookingStatus.rawValue): only a confirmed booking has a ticket.")
        }
        let movie = try await catalog.movie(id: booking.movieId)
        let theatre = try await catalog.theatre(id: booking.theatreId)
        let show = try await catalog.show(id: booking.showId)
        return TicketView(
            bookingId: booking.id, ticketCode: code, movie: .init(id: booking.movieId, title: movie?.title ?? ""),
            theatre: .init(id: booking.theatreId, name: theatre?.theatre.name ?? "", address: theatre?.theatre.address ?? ""),
            screenNumber: show?.screenNumber ?? 0, showDate: booking.showDate, showTime: booking.showTime, startsAt: show?.startsAt ?? booking.expiresAt,
            seats: booking.seats, admittedAt: booking.admittedAt)
    }
}
