import BoxOffice
import BoxOfficeStore
import Hummingbird

/// The two admin routes staff may use: scanning tickets at the door and looking bookings up. The group is guarded by
/// `RequireRoleMiddleware([.staff, .admin])`.
struct DoorController {
    let door: DoorService

    func addRoutes(to staff: RouterGroup<AppRequestContext>) {
        staff.post("tickets/scan", use: scan)
        staff.get("bookings", use: find)
    }

    /// `POST /api/admin/tickets/scan {ticketCode}`: 200 `{outcome: "admitted", booking}` once; then 409.
    @Sendable func scan(_ request: Request, context: AppRequestContext) async throws -> ScanAnswer {
        let input = try await request.decodeJSON(ScanInput.self, context: context)
        return ScanAnswer(outcome: "admitted", booking: try await door.scan(input.ticketCode))
    }

    /// `GET /api/admin/bookings?email=&ticketCode=&show=`: bookings for the box office, newest first.
    @Sendable func find(_ request: Request, context: AppRequestContext) async throws -> Page<Booking> {
        try await door.find(
            email: request.textParameter("email", maxLength: 320), ticketCode: request.textParameter("ticketCode", maxLength: 64),
            showId: request.textParameter("show"), page: request.pageRequest())
    }
}

struct ScanInput: Decodable, Sendable {
    var ticketCode: String
}

struct ScanAnswer: ResponseEncodable, Sendable {
    var outcome: String
    var booking: Booking
}
