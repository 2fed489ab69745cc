import BoxOffice
import BoxOfficeStore
import Foundation
import Hummingbird
import QRCode

/// `/api/bookings`: lock seats, list and read one's bookings, confirm, cancel.
struct BookingController {
    let bookings: BookingService
    let idempotency: IdempotentRequests
    let limits: RateLimits

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("lock-seats", use: lock)
        group.get("", use: list)
        group.get(":id", use: get)
        group.get(":id/ticket", use: ticket)
        group.post(":id/confirm", use: confirm)
        group.post(":id/cancel", use: cancel)
        group.post(":id/extend", use: extend)
    }

    /// `POST /api/bookings/lock-seats` → 201 pending booking (idempotent with `Idempotency-Key`).
    @Sendable func lock(_ request: Request, context: AppRequestContext) async throws -> Response {
        let user = try context.requireUser()
        try await limits.lockSeats(user: user.id)
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        let data = Data(body.readableBytesView)
        let input = try Request.decodeJSON(LockSeatsInput.self, from: data)
        let bookings = self.bookings
        return try await idempotency.run(request, body: data, user: user.id) { claim in
            await IdempotentRequests.capture(status: 201, claim: claim, render: { (booking: Booking) in booking.jsonBody }) { recipe in
                try await bookings.lock(userId: user.id, input, answer: recipe)
            }
        }
    }

    /// `GET /api/bookings`: the caller's bookings, newest first.
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Page<Booking> {
        let user = try context.requireUser()
        return try await bookings.history(userId: user.id, page: request.pageRequest())
    }

    /// `GET /api/bookings/:id`: one of the caller's bookings (another user's is 404).
    @Sendable func get(_ request: Request, context: AppRequestContext) async throws -> Booking {
        let user = try context.requireUser()
        return try await bookings.ownBooking(userId: user.id, bookingId: context.id(of: "booking"))
    }

    /// `GET /api/bookings/:id/ticket`: the e-ticket of the caller's confirmed booking, with its QR code as SVG.
    @Sendable func ticket(_ request: Request, context: AppRequestContext) async throws -> TicketView {
        let user = try context.requireUser()
        var ticket = try await bookings.ticket(userId: user.id, bookingId: context.id(of: "booking"))
        // Only ever a code the server issued (read from the booking), never text from the request.
        ticket.qr = try QRSVG.document(for: QREncoder.encode(ticket.ticketCode).matrix, label: ticket.ticketCode)
        return ticket
    }

    /// `POST /api/bookings/:id/confirm`: the confirmed booking, or 409 `payment_required`.
    @Sendable func confirm(_ request: Request, context: AppRequestContext) async throws -> Booking {
        let user = try context.requireUser()
        return try await bookings.confirm(userId: user.id, bookingId: context.id(of: "booking"))
    }

    /// `POST /api/bookings/:id/cancel`: release a pending booking, or cancel and refund a confirmed one.
    @Sendable func cancel(_ request: Request, context: AppRequestContext) async throws -> Booking {
        let user = try context.requireUser()
        return try await bookings.cancel(userId: user.id, bookingId: context.id(of: "booking"))
    }

    /// `POST /api/bookings/:id/extend`: more time on a pending hold, up to its cap; then 409 `extension_limit`.
    @Sendable func extend(_ request: Request, context: AppRequestContext) async throws -> Booking {
        let user = try context.requireUser()
        return try await bookings.extend(userId: user.id, bookingId: context.id(of: "booking"))
    }
}
