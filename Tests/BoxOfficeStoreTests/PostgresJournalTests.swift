@testable import BoxOfficeStore
import Foundation
import Logging
import PostgresNIO
import SeatEngine
import Synchronization
import TestDatabases
import Testing

/// The group-commit journal on PostgreSQL: the same entries, the same rules as on SQLite (`JournalTests`,
/// `PaymentWritesTests`), against a real cluster.
@Suite(
    "The journal on PostgreSQL",
    .enabled(if: TestPostgres.isConfigured, "needs BOXOFFICE_TEST_POSTGRES_URL (scripts/test starts a cluster and sets it)"))
struct PostgresJournalTests {
    /// Runs `body` with a migrated fresh database, its fixture rows, and a running journal over it.
    func withJournal(
        onBatch: @escaping @Sendable (Int, Double) -> Void = { _, _ in },
        _ body: (TestPostgres.Database, PostgresFixture, GroupCommitJournal) async throws -> Void
    ) async throws {
        try await TestPostgres.withMigrated { database in
            let fixture = try await PostgresFixture.make(on: database)
            let journal = GroupCommitJournal(postgres: database, logger: TestPostgres.logger, onBatch: onBatch)
            let runner = Task { await journal.run() }
            defer { runner.cancel() }
            try await body(database, fixture, journal)
        }
    }

    func booking(_ id: String, _ fixture: PostgresFixture, seats: [String], at: Date) -> Booking {
        let show = Show(
            id: fixture.show, movieId: "mov1", theatreId: "thr1", screenNumber: 1, cityId: "cty1", startsAt: at.addingTimeInterval(3600),
            endsAt: at.addingTimeInterval(7200), showDate: "2030-01-01", showTime: "10:00", language: "Hindi", format: "2D",
            isActive: true, layout: SeatLayout(rows: ["A"], columns: 6, categories: [.init(name: "Gold", price: 100, rows: ["A"])]),
            createdAt: at, updatedAt: at)
        let placed = seats.map { Seat(seatNumber: $0, row: "A", column: Int($0.dropFirst()) ?? 1, category: "Gold", price: 100) }
        return Booking(id: id, userId: fixture.user, show: show, seats: placed, expiresAt: at.addingTimeInterval(300), createdAt: at)
    }

    func change(_ version: Int64, _ cause: ChangeCause, _ seats: [String: SeatStatus], at: Date) -> SeatChange {
        SeatChange(show: "shw1", version: version, cause: cause, seats: seats.map { SeatUpdate(seat: $0.key, status: $0.value) }, at: at)
    }

    func value<T: PostgresDecodable & Sendable>(_ query: PostgresQuery, _ type: T.Type, in database: TestPostgres.Database) async throws -> T? {
        for try await row in try await database.connections.query(query, logger: TestPostgres.logger).decode(T.self) { return row }
        return nil
    }

    @Test("a hold, its payment, the confirmation and the refund: every row moves as on SQLite, and the money agrees")
    func bookingLife() async throws {
        try await withJournal { database, fixture, journal in
            let now = Date()
            let held = booking("bkg_1", fixture, seats: ["A1", "A2"], at: now)
            try await journal.append(JournalEntry(.seatChange(change(1, .lock, ["A1": .held, "A2": .held], at: now), .locked(held, replacing: nil))))
            #expect(try await value("SELECT COUNT(*) FROM bookingSeats WHERE bookingId = 'bkg_1' AND state = 'held'", Int.self, in: database) == 2)
            let payment = Payment(id: "pay_1", bookingId: "bkg_1", userId: fixture.user, amount: 200, currency: "INR", paymentMethod: .upi, createdAt: now)
            try await journal.append(JournalEntry(.payment(.created(payment))))
            // Completing an attempt that is not being charged fails that entry alone, and changes nothing.
            await #expect(throws: BookingWriteError.paymentNotProcessing("pay_1")) {
                try await journal.append(JournalEntry(.seatChange(
                    change(2, .book, ["A1": .booked, "A2": .booked], at: now), .booked("bkg_1", Charge(payment: "pay_1", transaction: "txn_1"), ticketCode: "AAAA-BBBB-CCCC-0001"))))
            }
            try await journal.append(JournalEntry(.payment(.chargeStarted(payment: "pay_1", at: now))))
            await #expect(throws: PaymentWriteError.alreadySettled("pay_1")) {
                try await journal.append(JournalEntry(.payment(.refused(payment: "pay_1", code: "hold_expired", at: now))))
            }
            try await journal.append(JournalEntry(.seatChange(
                change(2, .book, ["A1": .booked, "A2": .booked], at: now), .booked("bkg_1", Charge(payment: "pay_1", transaction: "txn_1"), ticketCode: "AAAA-BBBB-CCCC-0001"))))
            #expect(try await value("SELECT paymentId FROM bookings WHERE id = 'bkg_1' AND bookingStatus = 'confirmed'", String.self, in: database) == "pay_1")
            #expect(try await value("SELECT transactionId FROM payments WHERE id = 'pay_1' AND paymentStatus = 'completed'", String.self, in: database) == "txn_1")
            try await journal.append(JournalEntry(.seatChange(change(3, .cancel, ["A1": .available, "A2": .available], at: now), .cancelled("bkg_1"))))
            #expect(try await value("SELECT paymentStatus FROM bookings WHERE id = 'bkg_1' AND bookingStatus = 'cancelled'", String.self, in: database) == "refunded")
            #expect(try await value("SELECT paymentStatus FROM payments WHERE id = 'pay_1'", String.self, in: database) == "refunded")
            #expect(try await value("SELECT COUNT(*) FROM bookingSeats WHERE bookingId = 'bkg_1'", Int.self, in: database) == 0)
            // A replacing lock cancels the earlier hold; an expiry ends the new one once its 300 s have run out.
            try await journal.append(JournalEntry(.seatChange(change(4, .lock, ["A3": .held], at: now), .locked(booking("bkg_2", fixture, seats: ["A3"], at: now), replacing: nil))))
            try await journal.append(JournalEntry(.seatChange(
                change(5, .lock, ["A3": .available, "A4": .held], at: now), .locked(booking("bkg_3", fixture, seats: ["A4"], at: now), replacing: "bkg_2"))))
            try await journal.append(JournalEntry(.seatChange(change(6, .expire, ["A4": .available], at: now.addingTimeInterval(300)), .released(["bkg_3"], as: .expired))))
            #expect(try await value("SELECT bookingStatus FROM bookings WHERE id = 'bkg_2'", String.self, in: database) == "cancelled")
            #expect(try await value("SELECT bookingStatus FROM bookings WHERE id = 'bkg_3'", String.self, in: database) == "expired")
            #expect(try await value("SELECT MAX(version) FROM seatChanges WHERE showId = 'shw1'", Int64.self, in: database) == 6)
        }
    }

    @Test("a version whose predecessor is not durable is refused; a failed entry rolls back with its answer")
    func orderingAndAnswers() async throws {
        try await withJournal { database, fixture, journal in
            let now = Date()
            await #expect(throws: JournalError.predecessorMissing(show: "shw1", version: 2)) {
                try await journal.append(JournalEntry(.seatChange(change(2, .lock, ["A1": .held], at: now), nil)))
            }
            let claim = IdempotencyClaim(userId: fixture.user, key: "k1", requestHash: "h", createdAt: now)
            // The lock and its answer are one: a lock that fails (its seat is taken by another live booking) stores no answer.
            // The database's own guard refused it, so the copy that made it did not know the seat was taken: another
            // writer took it, and the journal says the copy is stale (`StaleShow`), not that the database failed.
            try await journal.append(JournalEntry(
                .seatChange(change(1, .lock, ["A1": .held], at: now), .locked(booking("bkg_1", fixture, seats: ["A1"], at: now), replacing: nil)),
                answer: claim.answer(status: 201, body: Data("{\"id\":\"bkg_1\"}".utf8))))
            let refusedClaim = IdempotencyClaim(userId: fixture.user, key: "k2", requestHash: "h", createdAt: now)
            await #expect(throws: StaleShow.self) {
                try await journal.append(JournalEntry(
                    .seatChange(change(2, .lock, ["A1": .held], at: now), .locked(booking("bkg_2", fixture, seats: ["A1"], at: now), replacing: nil)),
                    answer: refusedClaim.answer(status: 201, body: Data("{}".utf8))))
            }
            #expect(try await value("SELECT key FROM idempotencyKeys ORDER BY key", String.self, in: database) == "k1")
            #expect(try await value("SELECT COUNT(*) FROM idempotencyKeys", Int.self, in: database) == 1)
            #expect(try await value("SELECT COUNT(*) FROM bookings WHERE id = 'bkg_2'", Int.self, in: database) == 0)
            // The failed version is free again for the next change.
            try await journal.append(JournalEntry(.seatChange(change(2, .release, ["A1": .available], at: now), .released(["bkg_1"], as: .cancelled))))
            let stored = try await SQLBody.answer(in: database)
            #expect(stored == Data("{\"id\":\"bkg_1\"}".utf8))
            // Answers whose 24 h are over are deleted, younger ones kept.
            try await journal.append(JournalEntry(.purgeAnswers(expiredBy: now.addingTimeInterval(25 * 3600))))
            #expect(try await value("SELECT COUNT(*) FROM idempotencyKeys", Int.self, in: database) == 0)
        }
    }

    @Test("payments and idempotent answers read back exactly as they were written")
    func reads() async throws {
        try await withJournal { database, fixture, journal in
            let now = Date(timeIntervalSince1970: 1_900_000_000.125)
            let payments = PostgresPaymentStore(database: database, logger: TestPostgres.logger)
            try await journal.append(JournalEntry(.seatChange(change(1, .lock, ["A1": .held], at: now), .locked(booking("bkg_1", fixture, seats: ["A1"], at: now), replacing: nil))))
            let payment = Payment(id: "pay_1", bookingId: "bkg_1", userId: fixture.user, amount: 100, currency: "INR", paymentMethod: .creditCard, createdAt: now)
            try await journal.append(JournalEntry(.payment(.created(payment))))
            #expect(try await payments.payment(id: "pay_1") == payment)
            #expect(try await payments.payment(id: "nope") == nil)
            try await journal.append(JournalEntry(.payment(.chargeStarted(payment: "pay_1", at: now))))
            #expect(try await payments.interruptedPayments(before: now.addingTimeInterval(1)).map(\.id) == ["pay_1"])
            #expect(try await payments.interruptedPayments(before: now).isEmpty, "only those last touched before the cutoff")
            try await journal.append(JournalEntry(.payment(.chargeFailed(payment: "pay_1", code: "card_declined", response: "no", transactionId: nil, at: now))))
            let failed = try #require(try await payments.payment(id: "pay_1"))
            #expect(failed.paymentStatus == .failed && failed.failureCode == "card_declined" && failed.gatewayResponse == "no")

            let answers = PostgresIdempotencyStore(database: database, logger: TestPostgres.logger)
            let claim = IdempotencyClaim(userId: fixture.user, key: "k", requestHash: "h1", createdAt: now)
            let body = Data([0, 1, 2, 255] + Array("{\"id\":1}".utf8))
            try await journal.append(JournalEntry(.answer(claim.answer(status: 201, body: body))))
            let stored = try #require(try await answers.idempotentAnswer(userId: fixture.user, key: "k", now: now))
            #expect(stored.status == 201 && stored.body == body && stored.requestHash == "h1")
            #expect(try await answers.idempotentAnswer(userId: fixture.user, key: "k", now: now.addingTimeInterval(24 * 3600)) == nil, "expired")
            #expect(try await answers.idempotentAnswer(userId: "someone-else", key: "k", now: now) == nil)
        }
    }

    @Test("bookings, a show's durable seat state and the sales report read back as written")
    func bookingReads() async throws {
        try await withJournal { database, fixture, journal in
            let now = Date(timeIntervalSince1970: 1_900_000_000.5)
            let store = PostgresBookingStore(database: database, logger: TestPostgres.logger)
            let held = booking("bkg_1", fixture, seats: ["A1", "A2"], at: now)
            let paid = booking("bkg_2", fixture, seats: ["A3"], at: now)
            try await journal.append(JournalEntry(.seatChange(change(1, .lock, ["A1": .held, "A2": .held], at: now), .locked(held, replacing: nil))))
            try await journal.append(JournalEntry(.seatChange(change(2, .lock, ["A3": .held], at: now), .locked(paid, replacing: nil))))
            let payment = Payment(id: "pay_2", bookingId: "bkg_2", userId: fixture.user, amount: 100, currency: "INR", paymentMethod: .upi, createdAt: now)
            try await journal.append(JournalEntry(.payment(.created(payment))))
            try await journal.append(JournalEntry(.payment(.chargeStarted(payment: "pay_2", at: now))))
            try await journal.append(JournalEntry(.seatChange(change(3, .book, ["A3": .booked], at: now), .booked("bkg_2", Charge(payment: "pay_2", transaction: "t2"), ticketCode: "AAAA-BBBB-CCCC-0002"))))

            #expect(try await store.booking(id: "bkg_1") == held)
            #expect(try await store.booking(id: "nope") == nil)
            let first = try await store.bookings(userId: fixture.user, page: PageRequest(limit: 1, after: nil))
            #expect(first.items.map(\.id) == ["bkg_2"], "newest first")
            let cursor = try #require(first.nextCursor.flatMap(Cursor.init(encoded:)))
            let second = try await store.bookings(userId: fixture.user, page: PageRequest(limit: 1, after: cursor))
            #expect(second.items.map(\.id) == ["bkg_1"] && second.nextCursor == nil)

            let state = try await store.seatState(showId: fixture.show)
            #expect(state.version == 3)
            #expect(state.holds == [Hold(booking: "bkg_1", user: fixture.user, seats: ["A1", "A2"], expiresAt: held.expiresAt, startedAt: held.createdAt)], "a hold without its start kept starts when its booking was made")
            #expect(state.booked == ["bkg_2": ["A3"]])
            #expect(try await store.showsWithLiveHolds() == [fixture.show])

            let report = try await store.salesReport(from: "2030-01-01", to: "2030-01-01", currency: "INR")
            #expect(report.totals.revenue == 100 && report.totals.tickets == 1 && report.totals.bookings == 1)
            #expect(report.byDay.map(\.date) == ["2030-01-01"] && report.byMovie.first?.title == "Film")
            #expect(report.byTheatre.first?.occupancy == 1.0 / 6.0, "one ticket of the show's six seats")
        }
    }

    @Test("accounts: one identity per address, duplicates refused, the role read as stored")
    func accounts() async throws {
        try await withJournal { database, _, _ in
            let store = PostgresAccountStore(database: database, logger: TestPostgres.logger)
            let now = Date(timeIntervalSince1970: 1_900_000_000)
            let user = UserRecord(
                id: "usr_kim", name: "Kim", email: "Kim@Example.com", passwordHash: "x", phone: nil, role: .user, createdAt: now, updatedAt: now)
            try await store.insert(user)
            #expect(try await store.user(id: "usr_kim") == user)
            #expect(try await store.user(email: " \u{212A}IM@example.COM\t")?.id == "usr_kim", "any spelling of the address")
            var twin = user
            twin.id = "usr_twin"
            twin.email = "\u{FF4B}im@example.com"
            twin.emailKey = EmailIdentity.key(twin.email)
            await #expect(throws: StoreError.duplicate(field: "email")) { try await store.insert(twin) }
            #expect(try await store.activeRole(id: "usr_kim") == .user)
            var promoted = user
            promoted.role = .admin
            try await store.update(promoted)
            #expect(try await store.activeRole(id: "usr_kim") == .admin)
            promoted.isActive = false
            try await store.update(promoted)
            #expect(try await store.activeRole(id: "usr_kim") == nil, "a deactivated account has no role")
        }
    }

    @Test("the live feed's reads: running shows, counts in one snapshot, recent changes in order")
    func liveReads() async throws {
        try await withJournal { database, fixture, journal in
            let store = PostgresLiveStore(database: database, logger: TestPostgres.logger)
            let now = Date()
            #expect(try await store.runningShows(theatreId: "thr1", cityId: nil, date: nil, now: now, limit: 10) == [fixture.show])
            #expect(try await store.runningShows(theatreId: nil, cityId: "cty1", date: "2030-01-01", now: now, limit: 10) == [fixture.show])
            #expect(try await store.runningShows(theatreId: nil, cityId: "cty1", date: "2030-01-02", now: now, limit: 10).isEmpty)
            #expect(try await store.runningShows(theatreId: "thr1", cityId: nil, date: nil, now: now.addingTimeInterval(3 * 3600), limit: 10).isEmpty, "ended")
            try await journal.append(JournalEntry(.seatChange(change(1, .lock, ["A1": .held, "A2": .held], at: now), .locked(booking("bkg_1", fixture, seats: ["A1", "A2"], at: now), replacing: nil))))
            try await journal.append(JournalEntry(.seatChange(change(2, .release, ["A1": .available, "A2": .available], at: now), .released(["bkg_1"], as: .cancelled))))
            try await journal.append(JournalEntry(.seatChange(change(3, .lock, ["A5": .held], at: now), .locked(booking("bkg_2", fixture, seats: ["A5"], at: now), replacing: nil))))
            let counts = try await store.availability(showIds: [fixture.show, "shw_unknown"])
            #expect(counts == [fixture.show: SeatCounts(version: 3, available: 5, held: 1, booked: 0, total: 6)])
            let recent = try await store.recentChanges(showId: fixture.show, after: 0, limit: 2)
            #expect(recent.map(\.version) == [2, 3] && recent.first?.cause == .release && recent.first?.seats.count == 2)
            #expect(try await store.recentChanges(showId: fixture.show, after: 2, limit: 1024).map(\.version) == [3], "only what is new after 2")
            #expect(try await store.recentChanges(showId: fixture.show, after: 3, limit: 1024).isEmpty)
        }
    }

    @Test("200 concurrent appends are group-committed in far fewer transactions, and every one is durable")
    func groupCommit() async throws {
        let batches = Atomic<Int>(0)
        let entries = Atomic<Int>(0)
        try await withJournal(onBatch: { size, _ in
            batches.add(1, ordering: .relaxed)
            entries.add(size, ordering: .relaxed)
        }) { database, _, journal in
            let now = Date()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<200 {
                    let version = Int64(index + 1)
                    group.addTask {
                        while true {
                            do {
                                try await journal.append(JournalEntry(.seatChange(
                                    SeatChange(show: "shw1", version: version, cause: .lock, seats: [], at: now), nil)))
                                return
                            } catch JournalError.predecessorMissing {
                                try await Task.sleep(for: .milliseconds(1))
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await value("SELECT COUNT(*) FROM seatChanges", Int.self, in: database) == 200)
            let (used, written) = (batches.load(ordering: .relaxed), entries.load(ordering: .relaxed))
            #expect(used * 4 <= written, "group commit: \(used) transactions for \(written) entries (refused early ones included)")
        }
    }
}

/// Reads the stored answer's body (bytea).
private enum SQLBody {
    static func answer(in database: TestPostgres.Database) async throws -> Data? {
        for try await body in try await database.connections.query("SELECT body FROM idempotencyKeys", logger: TestPostgres.logger).decode(Data.self) {
            return body
        }
        return nil
    }
}
