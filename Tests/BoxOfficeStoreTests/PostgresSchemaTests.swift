import BoxOfficeStore
import Foundation
import Logging
import PostgresNIO
import TestDatabases
import Testing

private typealias Database = TestPostgres.Database

// MARK: - Schema

/// Every test runs on a new database of the cluster. Without `BOXOFFICE_TEST_POSTGRES_URL` the suite is reported
/// skipped, never passed: `scripts/test` always starts a cluster and sets it; by hand, run
/// `export BOXOFFICE_TEST_POSTGRES_URL=$(scripts/postgres-cluster start /tmp/pg)` first.
@Suite(
    "PostgreSQL schema: migrations once, and the database's own guards",
    .enabled(if: TestPostgres.isConfigured, "needs BOXOFFICE_TEST_POSTGRES_URL (scripts/test starts a cluster and sets it)"))
struct PostgresSchemaTests {
    static let allMigrations = [
        "v1-accounts-catalog", "v2-bookings", "v3-payments-processing", "v4-one-charge-per-booking", "v5-email-identity",
        "v6-idempotency-expiry", "v7-settings", "v8-catalog-order",
        "v9-seat-change-notices", "v10-journal-commits", "v11-tickets", "v12-outbox", "v13-webhooks", "v14-hold-start", "v15-show-sales", "v16-outbox-order", "v17-show-edit-notices",
        "v18-seat-change-notices-carry-the-change",
        "v19-seat-change-effects",
        "v20-hold-extension-notices",
    ]

    @Test("opening applies every migration once, in order; migrating again applies none")
    func migratesOnce() async throws {
        try await TestPostgres.withMigrated { database async throws in
            #expect(try await database.appliedMigrations() == Self.allMigrations)
            #expect(try await database.migrate() == [])
            #expect(try await database.appliedMigrations() == Self.allMigrations)
        }
    }

    @Test("three nodes migrating one empty database at once apply each migration exactly once")
    func concurrentMigration() async throws {
        try await TestPostgres.withFreshDatabase { url async throws in
            let nodes = try (0..<3).map { _ in try Database(url: url, poolSize: 2, logger: TestPostgres.logger) }
            try await TestPostgres.withRunning(nodes) { () async throws in
                let appliedByNode = try await withThrowingTaskGroup(of: [String].self) { group in
                    for node in nodes { group.addTask { try await node.migrate() } }
                    return try await group.reduce(into: [[String]]()) { $0.append($1) }
                }
                let applied = appliedByNode.flatMap { $0 }
                #expect(applied.sorted() == Self.allMigrations.sorted(), "each applied by exactly one node: \(appliedByNode)")
                #expect(try await nodes[0].appliedMigrations() == Self.allMigrations)
                let recorded = try await count("SELECT count(*) FROM migrations", on: nodes[1])
                #expect(recorded == Self.allMigrations.count)
            }
        }
    }

    @Test("a seat is in at most one live (held or booked) booking of a show")
    func oneLiveBookingPerSeat() async throws {
        try await TestPostgres.withMigrated { database async throws in
            let fixture = try await PostgresFixture.make(on: database)
            let first = try await fixture.booking(on: database)
            let second = try await fixture.booking(on: database)
            try await fixture.seat("A1", of: first, state: "held", on: database)
            for state in ["held", "booked"] {
                await expectRefused("23505", "A1 \(state) by a second booking") {
                    try await fixture.seat("A1", of: second, state: state, on: database)
                }
            }
            // Confirming the first booking keeps its seat; other seats are free for the second.
            try await execute("UPDATE bookingSeats SET state = 'booked' WHERE bookingId = \(first)", on: database)
            try await fixture.seat("A2", of: second, state: "held", on: database)
            // Released seats have no row: once the first booking's row is gone, its seat can be taken.
            try await execute("DELETE FROM bookingSeats WHERE bookingId = \(first)", on: database)
            try await fixture.seat("A1", of: second, state: "held", on: database)
            #expect(try await count("SELECT count(*) FROM bookingSeats", on: database) == 2)
        }
    }

    @Test("a show's seat-change versions are unique; seat changes are never updated, deleted or truncated")
    func seatChangesAppendOnly() async throws {
        try await TestPostgres.withMigrated { database async throws in
            let now = Date()
            for version in 1...2 {
                try await execute(
                    "INSERT INTO seatChanges (showId, version, cause, seats, at) VALUES ('shw1', \(version), 'lock', '[]', \(now))", on: database)
            }
            await expectRefused("23505", "a second version 2 of one show") {
                try await execute(
                    "INSERT INTO seatChanges (showId, version, cause, seats, at) VALUES ('shw1', 2, 'lock', '[]', \(now))", on: database)
            }
            // Another show has its own versions.
            try await execute("INSERT INTO seatChanges (showId, version, cause, seats, at) VALUES ('shw2', 2, 'lock', '[]', \(now))", on: database)
            await expectRefused("23001", "UPDATE") {
                try await execute("UPDATE seatChanges SET cause = 'release' WHERE showId = 'shw1' AND version = 1", on: database)
            }
            await expectRefused("23001", "UPDATE matching no row") {
                try await execute("UPDATE seatChanges SET cause = 'release' WHERE showId = 'none'", on: database)
            }
            await expectRefused("23001", "DELETE") {
                try await execute("DELETE FROM seatChanges WHERE showId = 'shw1' AND version = 2", on: database)
            }
            await expectRefused("23001", "TRUNCATE") { try await execute("TRUNCATE seatChanges", on: database) }
            #expect(try await count("SELECT count(*) FROM seatChanges", on: database) == 3)
            #expect(try await count("SELECT count(*) FROM seatChanges WHERE cause = 'lock'", on: database) == 3)
        }
    }

    @Test("payments are never deleted, and a booking has at most one completed payment")
    func paymentsGuarded() async throws {
        try await TestPostgres.withMigrated { database async throws in
            let fixture = try await PostgresFixture.make(on: database)
            let booking = try await fixture.booking(on: database)
            let other = try await fixture.booking(on: database)
            try await fixture.payment(for: booking, status: "failed", on: database)
            try await fixture.payment(for: booking, status: "completed", on: database)
            await expectRefused("23505", "a second completed payment of one booking") {
                try await fixture.payment(for: booking, status: "completed", on: database)
            }
            let processing = try await fixture.payment(for: booking, status: "processing", on: database)
            await expectRefused("23505", "an attempt completing when the booking already has a completed one") {
                try await execute("UPDATE payments SET paymentStatus = 'completed' WHERE id = \(processing)", on: database)
            }
            try await fixture.payment(for: other, status: "completed", on: database)
            await expectRefused("23001", "DELETE of one payment") {
                try await execute("DELETE FROM payments WHERE id = \(processing)", on: database)
            }
            await expectRefused("23001", "TRUNCATE") { try await execute("TRUNCATE payments", on: database) }
            #expect(try await count("SELECT count(*) FROM payments", on: database) == 4)
        }
    }

    @Test("two users cannot share one email identity key (nor one email in another case)")
    func oneUserPerEmail() async throws {
        try await TestPostgres.withMigrated { database async throws in
            try await PostgresFixture.user(email: "Asha@Example.com", key: "asha@example.com", on: database)
            await expectRefused("23505", "the same emailKey") {
                try await PostgresFixture.user(email: "ａｓｈａ@example.com", key: "asha@example.com", on: database)
            }
            await expectRefused("23505", "the same email in another case") {
                try await PostgresFixture.user(email: "asha@example.com", key: "other", on: database)
            }
            await expectRefused("23502", "a user without an emailKey") {
                try await execute(
                    """
                    INSERT INTO users (id, name, email, passwordHash, role, createdAt, updatedAt)
                    VALUES ('usr-nokey', 'N', 'n@example.com', 'x', 'user', now(), now())
                    """, on: database)
            }
            #expect(try await count("SELECT count(*) FROM users", on: database) == 1)
        }
    }

    @Test("every connection commits synchronously, even on a database whose default is synchronous_commit = off")
    func synchronousCommit() async throws {
        try await TestPostgres.withFreshDatabase { url async throws in
            try await Database.withOpened(url: url, logger: TestPostgres.logger) { database async throws in
                try await execute("ALTER DATABASE \(unescaped: url.database) SET synchronous_commit = off", on: database)
            }
            // New connections, which read the database's new default.
            try await Database.withOpened(url: url, logger: TestPostgres.logger) { database async throws in
                var seen: [String] = []
                let rows = try await database.connections.query("SELECT current_setting('synchronous_commit'), current_setting('application_name')", logger: TestPostgres.logger)
                for try await (synchronous, application) in rows.decode((String, String).self) { seen += [synchronous, application] }
                #expect(seen == ["on", "boxoffice"])
                var defaults: [String] = []
                // This database's own (other tests' databases, on the same cluster at the same time, have theirs).
                let settings = try await database.connections.query(
                    """
                    SELECT setting FROM pg_db_role_setting, unnest(setconfig) AS setting
                    WHERE setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
                    """, logger: TestPostgres.logger)
                for try await setting in settings.decode(String.self) { defaults.append(setting) }
                #expect(defaults == ["synchronous_commit=off"], "the database's own default, which the connection overrides")
            }
        }
    }

    @Test("a database that does not exist fails the check with the server's reason")
    func missingDatabase() async throws {
        var url = try PostgresURL(parsing: try #require(TestPostgres.urlText))
        url.database = "boxoffice_missing_database"
        let database = try Database(url: url, logger: TestPostgres.logger)
        let error = await #expect(throws: PostgresUnreachable.self) { try await database.checkReachable() }
        #expect("\(error.map { "\($0)" } ?? "")".contains("database \"boxoffice_missing_database\" does not exist (SQLSTATE 3D000)"))
    }

    @Test("five nodes asking for the JWT secret at once get one secret, stored once")
    func oneJWTSecret() async throws {
        try await TestPostgres.withMigrated { database async throws in
            let url = database.url
            let nodes = try (0..<5).map { _ in try Database(url: url, poolSize: 1, logger: TestPostgres.logger) }
            try await TestPostgres.withRunning(nodes) { () async throws in
                let secrets = try await withThrowingTaskGroup(of: String.self) { group in
                    for node in nodes { group.addTask { try await node.jwtSecret() } }
                    return try await group.reduce(into: [String]()) { $0.append($1) }
                }
                #expect(secrets.count == 5)
                #expect(Set(secrets).count == 1, "\(secrets)")
                #expect((secrets.first?.utf8.count ?? 0) >= 32, "jwt-kit needs at least 32 bytes")
                #expect(try await database.jwtSecret() == secrets.first, "a later start reads the stored secret")
                #expect(try await count("SELECT count(*) FROM settings", on: database) == 1)
            }
        }
    }
}

// MARK: - Helpers

/// Rows the guards' tests hang bookings and payments on.
struct PostgresFixture {
    let show: String
    let user: String

    static func make(on database: TestPostgres.Database) async throws -> PostgresFixture {
        let now = Date()
        let user = try await user(email: "fixture@example.com", key: "fixture@example.com", on: database)
        try await execute(
            "INSERT INTO cities (id, name, state, timeZone, createdAt, updatedAt) VALUES ('cty1', 'Pune', 'MH', 'Asia/Kolkata', \(now), \(now))",
            on: database)
        try await execute(
            """
            INSERT INTO theatres (id, name, cityId, address, amenities, createdAt, updatedAt)
            VALUES ('thr1', 'Screen One', 'cty1', 'MG Road', '[]', \(now), \(now))
            """, on: database)
        try await execute(
            "INSERT INTO screens (theatreId, screenNumber, name, layout, totalSeats) VALUES ('thr1', 1, 'Audi 1', '{}', 6)", on: database)
        try await execute(
            """
            INSERT INTO movies (id, title, description, genres, languages, durationMinutes, rating, releaseDate, cityIds, createdAt, updatedAt)
            VALUES ('mov1', 'Film', 'About', '["Drama"]', '["Hindi"]', 120, 8.1, '2030-01-01', '["cty1"]', \(now), \(now))
            """, on: database)
        try await execute(
            """
            INSERT INTO shows (id, movieId, theatreId, screenNumber, cityId, startsAt, endsAt, showDate, showTime, language, format,
                layout, totalSeats, createdAt, updatedAt)
            VALUES ('shw1', 'mov1', 'thr1', 1, 'cty1', \(now), \(now.addingTimeInterval(7200)), '2030-01-01', '10:00', 'Hindi', '2D',
                '{}', 6, \(now), \(now))
            """, on: database)
        return PostgresFixture(show: "shw1", user: user)
    }

    @discardableResult
    static func user(email: String, key: String, on database: TestPostgres.Database) async throws -> String {
        let id = Identifier.make("usr")
        let now = Date()
        try await execute(
            """
            INSERT INTO users (id, name, email, emailKey, passwordHash, role, createdAt, updatedAt)
            VALUES (\(id), 'Asha', \(email), \(key), 'hash', 'user', \(now), \(now))
            """, on: database)
        return id
    }

    func booking(on database: TestPostgres.Database) async throws -> String {
        let id = Identifier.make("bkg")
        let now = Date()
        try await execute(
            """
            INSERT INTO bookings (id, userId, showId, movieId, theatreId, seats, totalAmount, currency, bookingStatus, paymentStatus,
                expiresAt, showDate, showTime, createdAt, updatedAt)
            VALUES (\(id), \(user), \(show), 'mov1', 'thr1', '[]', 100, 'INR', 'pending', 'pending', \(now), '2030-01-01', '10:00',
                \(now), \(now))
            """, on: database)
        return id
    }

    func seat(_ seat: String, of booking: String, state: String, on database: TestPostgres.Database) async throws {
        try await execute(
            "INSERT INTO bookingSeats (showId, seatNumber, bookingId, state) VALUES (\(show), \(seat), \(booking), \(state))", on: database)
    }

    @discardableResult
    func payment(for booking: String, status: String, on database: TestPostgres.Database) async throws -> String {
        let id = Identifier.make("pay")
        let now = Date()
        try await execute(
            """
            INSERT INTO payments (id, bookingId, userId, amount, currency, paymentMethod, paymentStatus, createdAt, updatedAt)
            VALUES (\(id), \(booking), \(user), 100, 'INR', 'card', \(status), \(now), \(now))
            """, on: database)
        return id
    }
}

/// Runs a statement through the pool and reads its rows, so that an error the server sends late still throws here.
func execute(_ statement: PostgresQuery, on database: TestPostgres.Database) async throws {
    for try await _ in try await database.connections.query(statement, logger: TestPostgres.logger) {}
}

func count(_ statement: PostgresQuery, on database: TestPostgres.Database) async throws -> Int {
    for try await value in try await database.connections.query(statement, logger: TestPostgres.logger).decode(Int.self) { return value }
    throw CountMissing()
}

struct CountMissing: Error {}

/// Expects `work` to be refused by the database with SQLSTATE `state` (23505 unique, 23001 restrict, 23502 not null).
private func expectRefused(
    _ state: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation, _ work: () async throws -> Void
) async {
    do {
        try await work()
        Issue.record("the database accepted \(what)", sourceLocation: sourceLocation)
    } catch {
        #expect(PostgresFailure.sqlState(error) == state, "\(what): \(String(reflecting: error))", sourceLocation: sourceLocation)
    }
}

// MARK: - The URL

@Suite("PostgresURL: postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE, strictly")
struct PostgresURLTests {
    @Test(
        "accepted forms, percent-decoded",
        arguments: [
            ("postgres://postgres@127.0.0.1:5433/boxoffice",
                PostgresURL(user: "postgres", password: nil, host: "127.0.0.1", port: 5433, database: "boxoffice")),
            ("postgres://box:secret@db.example.com:5432/cinema",
                PostgresURL(user: "box", password: "secret", host: "db.example.com", port: 5432, database: "cinema")),
            ("postgresql://box@db/cinema", PostgresURL(user: "box", password: nil, host: "db", port: 5432, database: "cinema")),
            ("POSTGRES://box@db:1/cinema", PostgresURL(user: "box", password: nil, host: "db", port: 1, database: "cinema")),
            ("postgres://b%40x:p%3Aa%2Fs%40s%25@h:65535/my%20db",
                PostgresURL(user: "b@x", password: "p:a/s@s%", host: "h", port: 65535, database: "my db")),
            ("postgres://box:@db:5432/cinema", PostgresURL(user: "box", password: nil, host: "db", port: 5432, database: "cinema")),
            ("postgres://box:%C3%A9t%C3%A9@[::1]:5432/cinema",
                PostgresURL(user: "box", password: "été", host: "::1", port: 5432, database: "cinema")),
            ("postgres://box@[::1]/cinema", PostgresURL(user: "box", password: nil, host: "::1", port: 5432, database: "cinema")),
        ])
    func accepts(text: String, expected: PostgresURL) throws {
        #expect(try PostgresURL(parsing: text) == expected)
        #expect(PostgresURL.isPostgresURL(text))
    }

    @Test(
        "refused forms, each with its reason",
        arguments: [
            ("./data/boxoffice.sqlite", PostgresURLError.notPostgres),
            ("mysql://box@db:3306/cinema", .notPostgres),
            ("postgres:/box@db/cinema", .notPostgres),
            ("postgres://db:5432/cinema", .missingUser),
            ("postgres://@db:5432/cinema", .missingUser),
            ("postgres://:secret@db:5432/cinema", .missingUser),
            ("postgres://box@:5432/cinema", .missingHost),
            ("postgres://box@db:5432", .missingDatabase),
            ("postgres://box@db:5432/", .missingDatabase),
            ("postgres://box@db:5432/cinema/extra", .badDatabase),
            ("postgres://box@db:0/cinema", .badPort),
            ("postgres://box@db:65536/cinema", .badPort),
            ("postgres://box@db:54x/cinema", .badPort),
            ("postgres://box@db:/cinema", .badPort),
            ("postgres://box@db:-1/cinema", .badPort),
            ("postgres://box@d b:5432/cinema", .badHost),
            ("postgres://box@[::1:5432/cinema", .badHost),
            ("postgres://box@[::1]x/cinema", .badHost),
            ("postgres://box:p%zz@db:5432/cinema", .badEscape(part: "password")),
            ("postgres://b%4@db:5432/cinema", .badEscape(part: "user")),
            ("postgres://box@db:5432/cin%ff", .badEscape(part: "database")),
            ("postgres://box@db:5432/cinema?sslmode=require", .optionsNotSupported),
            ("postgres://box@db:5432/cinema#x", .optionsNotSupported),
        ])
    func refuses(text: String, expected: PostgresURLError) {
        #expect(throws: expected) { try PostgresURL(parsing: text) }
    }

    @Test("neither the description nor an error shows the password")
    func passwordNeverShown() {
        let url = PostgresURL(user: "box", password: "hunter2-very-secret", host: "::1", port: 5432, database: "cinema")
        #expect(url.description == "postgres://box:***@[::1]:5432/cinema")
        #expect(throws: PostgresURLError.badPort) { try PostgresURL(parsing: "postgres://box:hunter2@db:99999/cinema") }
        #expect(!PostgresURLError.badPort.description.contains("hunter2"))
    }

    @Test("an unreachable server fails the check with one line naming where, without the password")
    func unreachable() async throws {
        // A port nobody listens on: bind one, then close it.
        let port = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let free = try #require(port.localAddress?.port)
        try await port.close()
        let url = PostgresURL(user: "box", password: "hunter2-very-secret", host: "127.0.0.1", port: free, database: "cinema")
        let database = try TestPostgres.Database(url: url, logger: TestPostgres.logger)
        let error = await #expect(throws: PostgresUnreachable.self) { try await database.checkReachable() }
        let line = "\(error.map { "\($0)" } ?? "")"
        #expect(line.hasPrefix("cannot use PostgreSQL at postgres://box:***@127.0.0.1:\(free)/cinema: "), "\(line)")
        #expect(!line.contains("hunter2") && !line.contains("\n"), "\(line)")
    }
}
