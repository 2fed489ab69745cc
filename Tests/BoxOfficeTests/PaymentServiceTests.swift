import BoxOffice
import BoxOfficeStore
import SeatEngine
import TestDatabases
import Testing

@Suite("Payments: a paid hold is confirmed, a cancelled confirmation is refunded", .timeLimit(.minutes(1)))
struct PaymentServiceTests {
    @Test("lock, pay: the payment completes, the booking is confirmed naming it, its seats are booked for good",
        arguments: StoreKind.available)
    func lockThenPay(store kind: StoreKind) async throws {
        try await withServices(on: kind) { box in
            let kim = try await box.user("Kim")
            let held = try await box.lock(kim, ["B1", "B2"])
            let payment = try await box.pay(kim, held)
            #expect(payment.paymentStatus == .completed && payment.amount == 400 && payment.transactionId != nil)

            let confirmed = try await box.bookings.confirm(userId: kim, bookingId: held.id)
            #expect(confirmed.bookingStatus == .confirmed && confirmed.paymentStatus == .completed && confirmed.paymentId == payment.id)
            #expect(try await box.stores.payments.payment(id: payment.id)?.paymentStatus == .completed)
            let durable = try await box.durableSeats()
            #expect(durable.holds.isEmpty && durable.booked == [held.id: ["B1", "B2"]])

            // Booked seats have no expiry: the hold's end passes and they stay booked.
            box.clock.advance(by: Double(ServiceFixture.holdSeconds) * 2)
            #expect(try await box.bookings.ownBooking(userId: kim, bookingId: held.id).bookingStatus == .confirmed)
            #expect(try await box.durableSeats().booked == [held.id: ["B1", "B2"]])
        }
    }

    @Test("cancel a confirmed booking before the show: it is cancelled, its payment refunded, its seats free",
        arguments: StoreKind.available)
    func cancelRefunds(store kind: StoreKind) async throws {
        try await withServices(on: kind) { box in
            let kim = try await box.user("Kim")
            let held = try await box.lock(kim, ["A4"])
            let payment = try await box.pay(kim, held)

            let cancelled = try await box.bookings.cancel(userId: kim, bookingId: held.id)
            #expect(cancelled.bookingStatus == .cancelled && cancelled.paymentStatus == .refunded)
            #expect(try await box.stores.payments.payment(id: payment.id)?.paymentStatus == .refunded)
            #expect(await box.feed.next(.cancel)?.seats.map(\.seat) == ["A4"])
            let durable = try await box.durableSeats()
            #expect(durable.holds.isEmpty && durable.booked.isEmpty)
            #expect(try await box.lock(try await box.user("Lee"), ["A4"]).bookingStatus == .pending)
        }
    }

    @Test("a hold that ran out before the charge takes no money: 409 hold_expired, the attempt failed", arguments: StoreKind.available)
    func payAfterExpiry(store kind: StoreKind) async throws {
        try await withServices(on: kind) { box in
            let kim = try await box.user("Kim")
            let held = try await box.lock(kim, ["A1"])
            let payment = try await box.payments.initiate(userId: kim, InitiatePaymentInput(bookingId: held.id, paymentMethod: "upi"))
            box.clock.advance(by: Double(ServiceFixture.holdSeconds))
            _ = await box.feed.next(.expire)
            let refusal = await #expect(throws: BoxOfficeError.self) {
                try await box.payments.process(userId: kim, paymentId: payment.id, ProcessPaymentInput())
            }
            #expect(refusal?.code == "hold_expired")
            #expect(try await box.stores.payments.payment(id: payment.id)?.paymentStatus == .failed)
            #expect(try await box.bookings.ownBooking(userId: kim, bookingId: held.id).bookingStatus == .expired)
        }
    }
}
