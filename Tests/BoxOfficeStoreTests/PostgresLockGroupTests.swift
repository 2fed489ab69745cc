@testable import BoxOfficeStore
import Foundation
import PostgresNIO
import SeatEngine
import TestDatabases
import Testing

/// A batch's locks and releases written set-based (`PostgresLockGroup`) leave exactly the rows that writing them one
/// by one leaves — also when the batch ends a booking it made, re-takes seats it freed, or answers one key twice — and
/// a refused entry still fails alone.
@Suite(
    "Locks and releases written set-based on PostgreSQL",
    .enabled(if: TestPostgres.isConfigured, "needs BOXOFFICE_TEST_POSTGRES_URL (scripts/test starts a cluster and sets it)"))
struct PostgresLockGroupTests {
    let journalTests = PostgresJournalTests()
    let now = Date(timeIntervalSince1970: 1_900_000_000.25)

    func lock(_ id: String, _ fixture: PostgresFixture, _ seats: [String], version: Int64, replacing: String? = nil, freed: [String] = [],
              holdStarted: Date? = nil, answer key: String? = nil) -> JournalEntry {
        var booking = journalTests.booking(id, fixture, seats: seats, at: now)
        booking.holdStartedAt = holdStarted
        var updates = Dictionary(uniqueKeysWithValues: seats.map { ($0, SeatStatus.held) })
        for seat in freed where updates[seat] == nil { updates[seat] = .available }
        var entry = JournalEntry(.seatChange(journalTests.change(version, .lock, updates, at: now), .locked(booking, replacing: replacing)))
        if let key { entry.answer = answer(key, fixture, body: id) }
        return entry
    }

    /// An expiry is dated when the holds' 300 s have run out (the journal ends only holds that are due).
    func release(_ ids: [String], _ seats: [String], version: Int64, as status: BookingStatus, answer key: String? = nil, _ fixture: PostgresFixture) -> JournalEntry {
        let at = status == .expired ? now.addingTimeInterval(300) : now
        let change = journalTests.change(version, status == .expired ? .expire : .release, Dictionary(uniqueKeysWithValues: seats.map { ($0, .available) }), at: at)
        var entry = JournalEntry(.seatChange(change, .released(ids, as: status)))
        if let key { entry.answer = answer(key, fixture, body: "released " + ids.joined()) }
        return entry
    }

    func answer(_ key: String, _ fixture: PostgresFixture, body: String) -> IdempotentAnswer {
        IdempotencyClaim(userId: fixture.user, key: key, requestHash: "h", createdAt: now).answer(status: 201, body: Data(body.utf8))
    }

    func rows(_ query: PostgresQuery, in database: TestPostgres.Database) async throws -> [String] {
        var out: [String] = []
        for try await row in try await database.connections.query(query, logger: TestPostgres.logger).decode(String.self) { out.append(row) }
        return out
    }

    @Test("one batch that locks, ends two of its own locks and answers a key twice")
    func runsSplitWhereOrderMatters() async throws {
        try await TestPostgres.withMigrated { database in
            let fixture = try await PostgresFixture.make(on: database)
            let writer = PostgresBatchWriter(database: database, logger: TestPostgres.logger)
            let started = now.addingTimeInterval(-30)
            let batch = [
                lock("bkg_1", fixture, ["A1", "A2"], version: 1, answer: "k1"),
                lock("bkg_2", fixture, ["A3"], version: 2, holdStarted: started),
                // Ends a booking this batch made: written after it, not before.
                release(["bkg_1"], ["A1", "A2"], version: 3, as: .expired, fixture),
                lock("bkg_3", fixture, ["A4"], version: 4, answer: "k2"),
                // The same key answered again: the later answer is the one kept.
                release(["bkg_3"], ["A4"], version: 5, as: .cancelled, answer: "k2", fixture),
            ]
            let outcome = try await writer.write(batch, knownVersions: [:])
            #expect(outcome.results.allSatisfy { $0 == nil }, "\(outcome.results)")
            #expect(outcome.versions[fixture.show] == 5)

            let store = PostgresBookingStore(database: database, logger: TestPostgres.logger)
            let second = try await store.booking(id: "bkg_2")
            let expectedSecond = journalTests.booking("bkg_2", fixture, seats: ["A3"], at: now)
            #expect(second == expectedSecond, "every column as written: \(String(describing: second)) vs \(expectedSecond)")
            #expect(try await rows("SELECT id FROM bookings WHERE holdStartedAt = \(started)", in: database) == ["bkg_2"])
            #expect(try await rows("SELECT id FROM bookings WHERE holdStartedAt IS NULL AND paymentId IS NULL ORDER BY id", in: database)
                == ["bkg_1", "bkg_3"], "the optional columns: NULL where nothing was given")
            #expect(try await store.booking(id: "bkg_1")?.bookingStatus == .expired)
            #expect(try await store.booking(id: "bkg_3")?.bookingStatus == .cancelled)
            #expect(try await rows("SELECT bookingId || ':' || seatNumber || ':' || state FROM bookingSeats ORDER BY 1", in: database) == ["bkg_2:A3:held"])
            #expect(try await rows("SELECT version::text || cause FROM seatChanges ORDER BY version", in: database)
                == ["1lock", "2lock", "3expire", "4lock", "5release"])
            #expect(try await rows("SELECT key || '=' || convert_from(body, 'UTF8') FROM idempotencyKeys ORDER BY key", in: database)
                == ["k1=bkg_1", "k2=released bkg_3"])
        }
    }

    @Test("a replacing lock re-holds the replaced hold's seat in the same batch; a refused lock fails alone")
    func replacingAndRefused() async throws {
        try await TestPostgres.withMigrated { database in
            let fixture = try await PostgresFixture.make(on: database)
            let writer = PostgresBatchWriter(database: database, logger: TestPostgres.logger)
            _ = try await writer.write([lock("bkg_1", fixture, ["A1"], version: 1), lock("bkg_2", fixture, ["A2"], version: 2)], knownVersions: [:])
            let outcome = try await writer.write([
                // The same user's new hold keeps A2 and adds A3: A2 is freed and held again within the batch.
                lock("bkg_3", fixture, ["A2", "A3"], version: 3, replacing: "bkg_2", answer: "k3"),
                // A1 is held by bkg_1: the database's guard refuses this one, and only this one.
                lock("bkg_4", fixture, ["A1", "A4"], version: 4, answer: "k4"),
            ], knownVersions: [fixture.show: 2])
            #expect(outcome.results[0] == nil)
            #expect(outcome.results[1] is StaleShow, "\(String(describing: outcome.results[1]))")
            #expect(try await rows("SELECT bookingId || ':' || seatNumber FROM bookingSeats ORDER BY 1", in: database)
                == ["bkg_1:A1", "bkg_3:A2", "bkg_3:A3"])
            #expect(try await rows("SELECT id || ':' || bookingStatus FROM bookings ORDER BY id", in: database)
                == ["bkg_1:pending", "bkg_2:cancelled", "bkg_3:pending"])
            #expect(try await rows("SELECT key FROM idempotencyKeys ORDER BY key", in: database) == ["k3"], "no answer for the refused lock")
            #expect(try await rows("SELECT MAX(version)::text FROM seatChanges", in: database) == ["3"])
            // Nothing refused: the whole batch in the set-based statements.
            let next = try await writer.write([
                lock("bkg_5", fixture, ["A2", "A5"], version: 4, replacing: "bkg_3", freed: ["A3"]),
                lock("bkg_6", fixture, ["A3"], version: 5),
            ], knownVersions: [fixture.show: 3])
            #expect(next.results.allSatisfy { $0 == nil }, "\(next.results)")
            #expect(try await rows("SELECT bookingId || ':' || seatNumber FROM bookingSeats ORDER BY 1", in: database)
                == ["bkg_1:A1", "bkg_5:A2", "bkg_5:A5", "bkg_6:A3"])
        }
    }

    @Test("an expiry of a hold that is not due, or is being charged, is refused as a stale copy and changes nothing; a due one goes through")
    func expiryOnlyWhenDue() async throws {
        try await TestPostgres.withMigrated { database in
            let fixture = try await PostgresFixture.make(on: database)
            let writer = PostgresBatchWriter(database: database, logger: TestPostgres.logger)
            _ = try await writer.write([lock("bkg_1", fixture, ["A1"], version: 1), lock("bkg_2", fixture, ["A2"], version: 2)], knownVersions: [:])
            // Another node extended bkg_1 (its copy's expiry is the old one): the expiry at the old time is refused.
            _ = try await journalTests.value("UPDATE bookings SET expiresAt = \(now.addingTimeInterval(600)) WHERE id = 'bkg_1' RETURNING id", String.self, in: database)
            // And charges bkg_2 (a payment processing for it).
            let payment = Payment(id: "pay_2", bookingId: "bkg_2", userId: fixture.user, amount: 100, currency: "INR", paymentMethod: .upi, createdAt: now)
            _ = try await writer.write([JournalEntry(.payment(.created(payment)))], knownVersions: [:])
            _ = try await writer.write([JournalEntry(.payment(.chargeStarted(payment: "pay_2", at: now.addingTimeInterval(290))))], knownVersions: [:])
            for (id, seat) in [("bkg_1", "A1"), ("bkg_2", "A2")] {
                let outcome = try await writer.write([release([id], [seat], version: 3, as: .expired, fixture)], knownVersions: [fixture.show: 2])
                #expect(outcome.results[0] is StaleShow, "\(id): \(String(describing: outcome.results[0]))")
            }
            #expect(try await rows("SELECT id || ':' || bookingStatus FROM bookings ORDER BY id", in: database) == ["bkg_1:pending", "bkg_2:pending"])
            #expect(try await rows("SELECT bookingId || ':' || seatNumber FROM bookingSeats ORDER BY 1", in: database) == ["bkg_1:A1", "bkg_2:A2"])
            #expect(try await rows("SELECT MAX(version)::text FROM seatChanges", in: database) == ["2"])
            // Once its new time has come, bkg_1 expires (set-based, with a lock in the same batch).
            var due = release(["bkg_1"], ["A1"], version: 3, as: .expired, fixture)
            if case .seatChange(var change, let ended) = due.write {
                change.at = now.addingTimeInterval(600)
                due = JournalEntry(.seatChange(change, ended))
            }
            let outcome = try await writer.write([due, lock("bkg_3", fixture, ["A3"], version: 4)], knownVersions: [fixture.show: 2])
            #expect(outcome.results.allSatisfy { $0 == nil }, "\(outcome.results)")
            #expect(try await rows("SELECT id || ':' || bookingStatus FROM bookings ORDER BY id", in: database)
                == ["bkg_1:expired", "bkg_2:pending", "bkg_3:pending"])
        }
    }

    @Test("a lock made from a show cache older than an admin's edit writes the show's film, date and time as edited, set-based and one by one")
    func lockAfterShowEdit() async throws {
        try await TestPostgres.withMigrated { database in
            let fixture = try await PostgresFixture.make(on: database)
            let writer = PostgresBatchWriter(database: database, logger: TestPostgres.logger)
            // The edit commits after the locks below read the show (their bookings still say mov1, 2030-01-01 10:00).
            try await execute(
                """
                INSERT INTO movies (id, title, description, genres, languages, durationMinutes, rating, releaseDate, cityIds, createdAt, updatedAt)
                VALUES ('mov2', 'Other film', 'About', '["Drama"]', '["Hindi"]', 120, 8.1, '2030-01-01', '["cty1"]', now(), now())
                """, on: database)
            try await execute("UPDATE shows SET movieId = 'mov2', showDate = '2030-02-02', showTime = '21:15' WHERE id = 'shw1'", on: database)
            let stale = lock("bkg_1", fixture, ["A1"], version: 1)
            if case .seatChange(_, .locked(let booking, _)) = stale.write { #expect(booking.showDate == "2030-01-01") }
            let setBased = try await writer.write([stale, lock("bkg_2", fixture, ["A2"], version: 2)], knownVersions: [:])
            #expect(setBased.results.allSatisfy { $0 == nil }, "\(setBased.results)")
            // A refused lock sends the batch one entry at a time: bkg_3 is written by the single-lock statement.
            let oneByOne = try await writer.write([lock("bkg_3", fixture, ["A3"], version: 3), lock("bkg_4", fixture, ["A1"], version: 4)],
                                                  knownVersions: [fixture.show: 2])
            #expect(oneByOne.results[0] == nil && oneByOne.results[1] is StaleShow, "\(oneByOne.results)")
            #expect(try await rows("SELECT id || ' ' || movieId || ' ' || showDate || ' ' || showTime FROM bookings ORDER BY id", in: database)
                == ["bkg_1 mov2 2030-02-02 21:15", "bkg_2 mov2 2030-02-02 21:15", "bkg_3 mov2 2030-02-02 21:15"])
        }
    }

    @Test("an edit of a show that deadlocks with a batch (which ended one of its bookings, then reads the show for a lock) still succeeds")
    func editDeadlockedWithBatch() async throws {
        try await TestPostgres.withMigrated { database in
            let fixture = try await PostgresFixture.make(on: database)
            let writer = PostgresBatchWriter(database: database, logger: TestPostgres.logger)
            _ = try await writer.write([lock("bkg_1", fixture, ["A1"], version: 1)], knownVersions: [:])
            let catalog = PostgresCatalogStore(database: database, logger: TestPostgres.logger)
            let startsAt = Date().addingTimeInterval(86_400)
            let edited = Show(
                id: fixture.show, movieId: "mov1", theatreId: "thr1", screenNumber: 1, cityId: "cty1", startsAt: startsAt,
                endsAt: startsAt.addingTimeInterval(7200), showDate: "2030-03-03", showTime: "22:30", language: "Hindi", format: "2D",
                isActive: true, layout: SeatLayout(rows: ["A"], columns: 6, categories: [.init(name: "Gold", price: 100, rows: ["A"])]),
                createdAt: now, updatedAt: now)
            // As a journal batch does: a booking of the show ended (its row locked), then the show read FOR SHARE.
            try await database.withProbeConnection { batch in
                try await send("BEGIN", on: batch)
                try await send("UPDATE bookings SET bookingStatus = 'cancelled' WHERE id = 'bkg_1'", on: batch)
                // The edit locks the show, then waits for bkg_1's row.
                let edit = Task { try await catalog.update(edited) }
                try await Task.sleep(for: .milliseconds(300))
                // Now the batch waits for the show: a deadlock, which PostgreSQL breaks after deadlock_timeout.
                let batchSurvived = (try? await send("SELECT 1 FROM shows WHERE id = 'shw1' FOR SHARE", on: batch)) != nil
                try await send(batchSurvived ? "COMMIT" : "ROLLBACK", on: batch)
                try await edit.value
            }
            #expect(try await rows("SELECT showDate || ' ' || showTime FROM shows", in: database) == ["2030-03-03 22:30"])
            #expect(try await rows("SELECT showDate || ' ' || showTime FROM bookings", in: database) == ["2030-03-03 22:30"])
        }
    }

    func send(_ sql: String, on connection: PostgresConnection) async throws {
        for try await _ in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: TestPostgres.logger) {}
    }
}
