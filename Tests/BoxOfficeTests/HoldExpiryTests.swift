import BoxOffice
import BoxOfficeStore
import SeatEngine
import TestDatabases
import Testing

/// Holds end on the service's clock: nothing here waits for real time.
@Suite("Booking: holds expire on the manual clock", .timeLimit(.minutes(1)))
struct HoldExpiryTests {
    @Test("lock, then the clock passes expiresAt: the booking expires, its seats are free on disk and for the next user",
        arguments: StoreKind.available)
    func lockThenExpire(store kind: StoreKind) async throws {
        try await withServices(on: kind) { box in
            let kim = try await box.user("Kim")
            let held = try await box.lock(kim, ["A1", "A2"])
            #expect(held.bookingStatus == .pending && held.expiresAt == box.clock.now.addingTimeInterval(Double(ServiceFixture.holdSeconds)))
            #expect(try await box.durableSeats().holds.map(\.seats) == [["A1", "A2"]])

            box.clock.advance(by: Double(ServiceFixture.holdSeconds) - 1)
            #expect(try await box.bookings.ownBooking(userId: kim, bookingId: held.id).bookingStatus == .pending, "a second before its end")

            box.clock.advance(by: 1)
            let expiry = try #require(await box.feed.next(.expire))
            #expect(expiry.show == box.show.id && expiry.seats.map(\.seat) == ["A1", "A2"])
            #expect(try await box.bookings.ownBooking(userId: kim, bookingId: held.id).bookingStatus == .expired)
            let durable = try await box.durableSeats()
            #expect(durable.holds.isEmpty && durable.booked.isEmpty && durable.version == expiry.version)

            let lee = try await box.user("Lee")
            #expect(try await box.lock(lee, ["A1", "A2"]).seats.map(\.seatNumber) == ["A1", "A2"])
        }
    }

    @Test("a held seat is refused to another user until its hold ends", arguments: StoreKind.available)
    func heldSeatRefused(store kind: StoreKind) async throws {
        try await withServices(on: kind) { box in
            _ = try await box.lock(try await box.user("Kim"), ["B2"])
            let lee = try await box.user("Lee")
            let refusal = await #expect(throws: BoxOfficeError.self) { try await box.lock(lee, ["B1", "B2"]) }
            #expect(refusal?.kind == .conflict)
            #expect(try await box.durableSeats().holds.count == 1, "the refused lock wrote nothing")
        }
    }

    @Test("cancelling a pending booking frees its seats at once", arguments: StoreKind.available)
    func cancelPending(store kind: StoreKind) async throws {
        try await withServices(on: kind) { box in
            let kim = try await box.user("Kim")
            let held = try await box.lock(kim, ["A3"])
            #expect(try await box.bookings.cancel(userId: kim, bookingId: held.id).bookingStatus == .cancelled)
            #expect(try await box.durableSeats().holds.isEmpty)
            #expect(await box.feed.next(.release)?.seats.map(\.seat) == ["A3"])
        }
    }
}
