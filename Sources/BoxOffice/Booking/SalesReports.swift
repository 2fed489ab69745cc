import BoxOfficeStore
import Foundation
import SeatEngine

extension BookingService {
    /// The sales report for show dates `from`...`to`; by default the last 30 days and the next 7 (UTC dates).
    public func salesReport(from: String?, to: String?) async throws -> SalesReport {
        let start = from ?? LocalTime.dateAndTime(of: clock.now.addingTimeInterval(-30 * 86_400), in: TimeZone(identifier: "UTC")!).date
        let end = to ?? LocalTime.dateAndTime(of: clock.now.addingTimeInterval(7 * 86_400), in: TimeZone(identifier: "UTC")!).date
        guard start <= end else { throw BoxOfficeError.badParameter("from", "from must not be after to") }
        return try await bookings.salesReport(from: start, to: end, currency: Booking.defaultCurrency)
    }
}
