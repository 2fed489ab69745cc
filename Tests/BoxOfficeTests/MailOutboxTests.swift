import BoxOffice
import BoxOfficeStore
import Foundation
import Logging
import Synchronization
import TestDatabases
import Testing

/// A `Mailer` that keeps what it is given, or fails while told to. The real one (`SMTPMailer`) is tested against a real
/// SMTP server by e2e/mail/mail_test.py; this one lets the outbox's own rules be tested on both stores.
final class RecordingMailer: Mailer {
    private let state = Mutex<(sent: [MailMessage], failing: Bool)>(([], false))

    var sent: [MailMessage] { state.withLock { $0.sent } }
    func fail(_ failing: Bool) { state.withLock { $0.failing = failing } }

    func send(_ message: MailMessage) async throws {
        try state.withLock { state in
            if state.failing { throw MailRefused() }
            state.sent.append(message)
        }
    }

    struct MailRefused: Error {}
}

@Suite("The outbox's emails")
struct MailOutboxTests {
    func mail(_ fixture: ServiceFixture, _ mailer: RecordingMailer) -> MailOutbox {
        var logger = Logger(label: "mail-tests")
        logger.logLevel = .critical
        return MailOutbox(
            outbox: fixture.stores.outbox, bookings: fixture.stores.bookings,
            composer: MailComposer(from: "Cinema <tickets@cinema.example>", publicURL: "https://cinema.example/"), mailer: mailer,
            clock: fixture.clock, logger: logger)
    }

    @Test("a confirmation is written with its event and sent once: the code, the seats, the link", arguments: StoreKind.available)
    func confirmation(kind: StoreKind) async throws {
        try await withServices(on: kind, routing: OutboxRouting(email: true)) { fixture in
            let user = try await fixture.user("Asha")
            let held = try await fixture.lock(user, ["B1", "B2"])
            #expect(try await fixture.stores.outbox.undelivered(channel: OutboxChannel.email) == 0, "a hold tells no one")
            _ = try await fixture.pay(user, held)
            #expect(try await fixture.stores.outbox.undelivered(channel: OutboxChannel.email) == 1)
            let mailer = RecordingMailer()
            #expect(await mail(fixture, mailer).deliverDue() == 1)
            let booking = try #require(try await fixture.stores.bookings.booking(id: held.id))
            let message = try #require(mailer.sent.first)
            let code = try #require(booking.ticketCode)
            #expect(message.to.hasPrefix("asha-") && message.subject.contains("Film") && message.subject.contains(booking.showTime))
            #expect(message.text.contains(code) && message.text.contains("B1, B2") && message.text.contains("https://cinema.example/ticket.html?booking=\(held.id)"))
            #expect(message.html.contains(code))
            #expect(try await fixture.stores.outbox.undelivered(channel: OutboxChannel.email) == 0)
            #expect(await mail(fixture, mailer).deliverDue() == 0, "sent once")
            #expect(mailer.sent.count == 1)
        }
    }

    @Test("a refused email is kept and tried again after a growing delay until it is sent", arguments: StoreKind.available)
    func retries(kind: StoreKind) async throws {
        try await withServices(on: kind, routing: OutboxRouting(email: true)) { fixture in
            let user = try await fixture.user("Ravi")
            _ = try await fixture.pay(user, try await fixture.lock(user, ["A1"]))
            let mailer = RecordingMailer()
            mailer.fail(true)
            let outbox = mail(fixture, mailer)
            #expect(await outbox.deliverDue() == 1)
            #expect(await outbox.deliverDue() == 0, "not due again at once")
            fixture.clock.advance(by: 1)
            #expect(await outbox.deliverDue() == 1, "due again a second later")
            fixture.clock.advance(by: 1)
            #expect(await outbox.deliverDue() == 0, "then two seconds after the second failure")
            mailer.fail(false)
            fixture.clock.advance(by: 1)
            #expect(await outbox.deliverDue() == 1)
            #expect(mailer.sent.count == 1)
            #expect(try await fixture.stores.outbox.undelivered(channel: OutboxChannel.email) == 0)
        }
    }

    @Test("cancelling a confirmed booking sends a cancellation; without a channel nothing is written", arguments: StoreKind.available)
    func cancellation(kind: StoreKind) async throws {
        try await withServices(on: kind, routing: OutboxRouting(email: true)) { fixture in
            let user = try await fixture.user("Meera")
            let held = try await fixture.lock(user, ["A2"])
            _ = try await fixture.pay(user, held)
            _ = try await fixture.bookings.cancel(userId: user, bookingId: held.id)
            let mailer = RecordingMailer()
            #expect(await mail(fixture, mailer).deliverDue() == 2)
            #expect(mailer.sent.map { $0.subject.hasPrefix("Cancelled") } == [false, true])
        }
        try await withServices(on: kind) { fixture in
            let user = try await fixture.user("Kiran")
            _ = try await fixture.pay(user, try await fixture.lock(user, ["A3"]))
            #expect(try await fixture.stores.outbox.undelivered(channel: OutboxChannel.email) == 0)
        }
    }
}
