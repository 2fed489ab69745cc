import Foundation
import GRDB

/// The schema's history. Migrations are named and never edited once released: add a new one.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-accounts-catalog") { db in
            try db.create(table: "users") { t in
                t.primaryKey("id", .text)
                t.column("name", .text).notNull()
                t.column("email", .text).notNull().unique().collate(.nocase)
                t.column("passwordHash", .text).notNull()
                t.column("phone", .text)
                t.column("role", .text).notNull()
                t.column("isActive", .boolean).notNull().defaults(to: true)
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
            }
            try db.create(table: "cities") { t in
                t.primaryKey("id", .text)
                t.column("name", .text).notNull().unique().collate(.nocase)
                t.column("state", .text).notNull()
                t.column("timeZone", .text).notNull()
                t.column("isActive", .boolean).notNull().defaults(to: true)
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
            }
            try db.create(table: "movies") { t in
                t.primaryKey("id", .text)
                t.column("title", .text).notNull()
                t.column("description", .text).notNull()
                t.column("genres", .jsonText).notNull()
                t.column("languages", .jsonText).notNull()
                t.column("durationMinutes", .integer).notNull()
                t.column("rating", .double).notNull()
                t.column("releaseDate", .text).notNull()
                t.column("posterUrl", .text)
                t.column("cityIds", .jsonText).notNull()
                t.column("isActive", .boolean).notNull().defaults(to: true)
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
            }
            try db.create(index: "movies_title", on: "movies", columns: ["title"])
            try db.create(table: "theatres") { t in
                t.primaryKey("id", .text)
                t.column("name", .text).notNull()
                t.column("cityId", .text).notNull().references("cities")
                t.column("address", .text).notNull()
                t.column("amenities", .jsonText).notNull()
                t.column("isActive", .boolean).notNull().defaults(to: true)
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
            }
            try db.create(index: "theatres_city", on: "theatres", columns: ["cityId", "name"])
            try db.create(table: "screens") { t in
                t.column("theatreId", .text).notNull().references("theatres")
                t.column("screenNumber", .integer).notNull()
                t.column("name", .text).notNull()
                t.column("layout", .jsonText).notNull()
                t.column("totalSeats", .integer).notNull()
                t.primaryKey(["theatreId", "screenNumber"])
            }
            try db.create(table: "shows") { t in
                t.primaryKey("id", .text)
                t.column("movieId", .text).notNull().references("movies")
                t.column("theatreId", .text).notNull().references("theatres")
                t.column("screenNumber", .integer).notNull()
                t.column("cityId", .text).notNull().references("cities")
                t.column("startsAt", .datetime).notNull()
                t.column("endsAt", .datetime).notNull()
                t.column("showDate", .text).notNull()
                t.column("showTime", .text).notNull()
                t.column("language", .text).notNull()
                t.column("format", .text).notNull()
                t.column("isActive", .boolean).notNull().defaults(to: true)
                t.column("layout", .jsonText).notNull()
                t.column("totalSeats", .integer).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
                t.foreignKey(["theatreId", "screenNumber"], references: "screens")
            }
            // Every list filter is an index range: by city and local date, by movie, by theatre; all ordered by start.
            try db.create(index: "shows_city_start", on: "shows", columns: ["cityId", "startsAt"])
            try db.create(index: "shows_city_date", on: "shows", columns: ["cityId", "showDate", "startsAt"])
            try db.create(index: "shows_movie_start", on: "shows", columns: ["movieId", "startsAt"])
            try db.create(index: "shows_theatre_start", on: "shows", columns: ["theatreId", "startsAt"])
            try db.create(index: "shows_start", on: "shows", columns: ["startsAt"])
            try db.create(index: "shows_screen_start", on: "shows", columns: ["theatreId", "screenNumber", "startsAt"])
        }
        migrator.registerMigration("v2-bookings") { db in
            try db.create(table: "bookings") { t in
                t.primaryKey("id", .text)
                t.column("userId", .text).notNull().references("users")
                t.column("showId", .text).notNull().references("shows")
                t.column("movieId", .text).notNull()
                t.column("theatreId", .text).notNull()
                t.column("seats", .jsonText).notNull()
                t.column("totalAmount", .integer).notNull()
                t.column("currency", .text).notNull()
                t.column("bookingStatus", .text).notNull()
                t.column("paymentStatus", .text).notNull()
                t.column("paymentId", .text)
                t.column("expiresAt", .datetime).notNull()
                t.column("showDate", .text).notNull()
                t.column("showTime", .text).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
            }
            // History is "newest first" per user; ids are time-sortable.
            try db.create(index: "bookings_user", on: "bookings", columns: ["userId", "id"])
            try db.create(index: "bookings_show_status", on: "bookings", columns: ["showId", "bookingStatus"])
            try db.create(index: "bookings_pending", on: "bookings", columns: ["bookingStatus", "showId"], condition: Column("bookingStatus") == "pending")
            // One row per seat of a live (held) or confirmed (booked) booking. The partial unique index is the
            // database's own guard: even an engine bug cannot write a seat into two live bookings.
            try db.create(table: "bookingSeats") { t in
                t.column("showId", .text).notNull()
                t.column("seatNumber", .text).notNull()
                t.column("bookingId", .text).notNull().references("bookings")
                t.column("state", .text).notNull()
            }
            try db.execute(sql: "CREATE UNIQUE INDEX bookingSeats_live ON bookingSeats(showId, seatNumber) WHERE state IN ('held', 'booked')")
            try db.create(index: "bookingSeats_booking", on: "bookingSeats", columns: ["bookingId"])
            try db.create(table: "payments") { t in
                t.primaryKey("id", .text)
                t.column("bookingId", .text).notNull().references("bookings")
                t.column("userId", .text).notNull()
                t.column("amount", .integer).notNull()
                t.column("currency", .text).notNull()
                t.column("paymentMethod", .text).notNull()
                t.column("paymentStatus", .text).notNull()
                t.column("transactionId", .text).unique()
                t.column("failureCode", .text)
                t.column("gatewayResponse", .text)
                t.column("paidAt", .datetime)
                t.column("refundedAt", .datetime)
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
            }
            try db.create(index: "payments_booking", on: "payments", columns: ["bookingId"])
            // Payment attempts are kept forever.
            try db.execute(sql: "CREATE TRIGGER payments_kept BEFORE DELETE ON payments BEGIN SELECT RAISE(ABORT, 'payments are never deleted'); END")
            try db.create(table: "idempotencyKeys") { t in
                t.column("userId", .text).notNull()
                t.column("key", .text).notNull()
                t.column("requestHash", .text).notNull()
                t.column("status", .integer).notNull()
                t.column("body", .blob).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("expiresAt", .datetime).notNull()
                t.primaryKey(["userId", "key"])
            }
            // The seat journal: every change to a show's seats, versioned, append-only.
            try db.create(table: "seatChanges") { t in
                t.column("showId", .text).notNull()
                t.column("version", .integer).notNull()
                t.column("cause", .text).notNull()
                t.column("seats", .jsonText).notNull()
                t.column("at", .datetime).notNull()
                t.primaryKey(["showId", "version"])
            }
            try db.execute(sql: "CREATE TRIGGER seatChanges_no_update BEFORE UPDATE ON seatChanges BEGIN SELECT RAISE(ABORT, 'seatChanges is append-only'); END")
            try db.execute(sql: "CREATE TRIGGER seatChanges_no_delete BEFORE DELETE ON seatChanges BEGIN SELECT RAISE(ABORT, 'seatChanges is append-only'); END")
        }
        // An index only: checking foreign keys immediately spares the whole-database check GRDB runs after a deferred
        // migration, which on a large file would cost the first start after the upgrade a scan of every table.
        migrator.registerMigration("v3-payments-processing", foreignKeyChecks: .immediate) { db in
            // Start-up voids payments a crash left processing; without an index that read scans every payment ever made.
            try db.create(
                index: "payments_processing", on: "payments", columns: ["paymentStatus"],
                condition: Column("paymentStatus") == "processing")
        }
        // A booking is charged at most once: at most one completed (captured) attempt per booking. That two attempts are
        // never charged at once is the show actor's pin; a leftover `processing` row is failed by the next startCharge.
        // Earlier versions could charge a booking twice; repair that first, as a payments desk would.
        migrator.registerMigration("v4-one-charge-per-booking", foreignKeyChecks: .immediate) { db in
            let now = Date()
            // Attempts a crash left processing were never captured (start-up voids them too).
            try db.execute(
                sql: """
                    UPDATE payments SET paymentStatus = 'failed', failureCode = 'interrupted',
                        gatewayResponse = 'the server stopped before confirming', updatedAt = ?
                    WHERE paymentStatus = 'processing'
                    """, arguments: [now])
            // An attempt the processor approved (it has a transaction) that a confirmed booking names, but that a stale
            // overwrite marked otherwise, was charged: it is that booking's completed payment when it has no other.
            // Likewise a refunded booking's approved attempt was refunded.
            for (status, stamp, bookings) in [
                ("completed", "paidAt", "bookingStatus = 'confirmed'"), ("refunded", "refundedAt", "paymentStatus = 'refunded'"),
            ] {
                try db.execute(
                    sql: """
                        UPDATE payments SET paymentStatus = '\(status)', \(stamp) = COALESCE(\(stamp), updatedAt), updatedAt = ?
                        WHERE paymentStatus <> '\(status)' AND transactionId IS NOT NULL
                          AND id IN (SELECT paymentId FROM bookings WHERE \(bookings) AND paymentId IS NOT NULL)
                          AND NOT EXISTS (SELECT 1 FROM payments q WHERE q.bookingId = payments.bookingId AND q.paymentStatus = '\(status)')
                        """, arguments: [now])
            }
            // A confirmed booking that names an attempt which did not complete is paid by its earliest completed one.
            try db.execute(
                sql: """
                    UPDATE bookings SET paymentId = (
                        SELECT p.id FROM payments p WHERE p.bookingId = bookings.id AND p.paymentStatus = 'completed'
                        ORDER BY p.createdAt, p.id LIMIT 1)
                    WHERE bookingStatus = 'confirmed'
                      AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.id = bookings.paymentId AND p.paymentStatus = 'completed')
                      AND EXISTS (SELECT 1 FROM payments p WHERE p.bookingId = bookings.id AND p.paymentStatus = 'completed')
                    """)
            // Every other captured charge paid for nothing: refund it.
            try db.execute(
                sql: """
                    UPDATE payments SET paymentStatus = 'refunded', refundedAt = ?, updatedAt = ?,
                        gatewayResponse = 'duplicate charge refunded on upgrade'
                    WHERE paymentStatus = 'completed'
                      AND id NOT IN (SELECT paymentId FROM bookings WHERE bookingStatus = 'confirmed' AND paymentId IS NOT NULL)
                    """, arguments: [now, now])
            try db.execute(
                sql: "CREATE UNIQUE INDEX payments_one_charge ON payments(bookingId) WHERE paymentStatus = 'completed'")
        }
        // Emails are one identity after NFKC and case folding (`EmailIdentity`); SQLite's NOCASE folds ASCII only.
        migrator.registerMigration("v5-email-identity", foreignKeyChecks: .immediate) { db in
            try db.alter(table: "users") { t in t.add(column: "emailKey", .text).notNull().defaults(to: "") }
            // Lookalike spellings once made separate accounts. The address goes to the account that typed it plainly
            // (already trimmed and normalised), the earliest such; the others keep their rows but no longer match a
            // login (an admin can help their owners), so a squatter's fullwidth copy cannot take over the real one.
            let accounts = try Row.fetchAll(db, sql: "SELECT id, email FROM users ORDER BY createdAt, id").map { row in
                (id: row["id"] as String, email: row["email"] as String)
            }
            let plainFirst = accounts.filter { EmailIdentity.display($0.email) == $0.email } + accounts.filter { EmailIdentity.display($0.email) != $0.email }
            var taken = Set<String>()
            for account in plainFirst {
                var key = EmailIdentity.key(account.email)
                if !taken.insert(key).inserted { key = "duplicate:\(account.id):\(key)" }
                try db.execute(sql: "UPDATE users SET emailKey = ? WHERE id = ?", arguments: [key, account.id])
            }
            try db.create(index: "users_emailKey", on: "users", columns: ["emailKey"], unique: true)
        }
        // Expired idempotent answers are deleted every minute: by index, not by a scan of a day's keys.
        migrator.registerMigration("v6-idempotency-expiry", foreignKeyChecks: .immediate) { db in
            try db.create(index: "idempotencyKeys_expiry", on: "idempotencyKeys", columns: ["expiresAt"])
        }
        // E-tickets: a code given at confirmation (unique, found by the door's scan), and when it was admitted.
        migrator.registerMigration("v7-tickets", foreignKeyChecks: .immediate) { db in
            try db.alter(table: "bookings") { table in
                table.add(column: "ticketCode", .text)
                table.add(column: "admittedAt", .datetime)
            }
            try db.execute(sql: "CREATE UNIQUE INDEX bookings_ticketCode ON bookings (ticketCode) WHERE ticketCode IS NOT NULL")
        }
        // The outbox: events written with the change that caused them, and one delivery row per channel.
        migrator.registerMigration("v8-outbox", foreignKeyChecks: .immediate) { db in
            try db.execute(
                sql: """
                    CREATE TABLE outbox (
                        id TEXT PRIMARY KEY NOT NULL,
                        kind TEXT NOT NULL,
                        bookingId TEXT NOT NULL REFERENCES bookings(id),
                        createdAt DATETIME NOT NULL
                    );
                    CREATE TABLE outboxDeliveries (
                        eventId TEXT NOT NULL REFERENCES outbox(id),
                        channel TEXT NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        nextAttemptAt DATETIME NOT NULL,
                        lastError TEXT,
                        deliveredAt DATETIME,
                        PRIMARY KEY (eventId, channel)
                    );
                    CREATE INDEX outboxDeliveries_due ON outboxDeliveries (channel, nextAttemptAt) WHERE deliveredAt IS NULL;
                    """)
        }
        // Webhooks (their deliveries are outbox rows on channel "webhook:<id>") and their delivery log.
        migrator.registerMigration("v9-webhooks", foreignKeyChecks: .immediate) { db in
            try db.execute(
                sql: """
                    CREATE TABLE webhooks (
                        id TEXT PRIMARY KEY NOT NULL,
                        url TEXT NOT NULL,
                        events TEXT NOT NULL,
                        secret TEXT NOT NULL,
                        isActive BOOLEAN NOT NULL DEFAULT 1,
                        createdAt DATETIME NOT NULL,
                        deactivatedAt DATETIME
                    );
                    CREATE TABLE webhookAttempts (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        webhookId TEXT NOT NULL REFERENCES webhooks(id),
                        eventId TEXT NOT NULL,
                        type TEXT NOT NULL,
                        attemptedAt DATETIME NOT NULL,
                        statusCode INTEGER,
                        error TEXT
                    );
                    CREATE INDEX webhookAttempts_webhook ON webhookAttempts (webhookId, id);
                    """)
        }
        // Honest holds: when a chain of holds started (a replacing lock keeps it), the cap of its extensions.
        migrator.registerMigration("v10-hold-start", foreignKeyChecks: .immediate) { db in
            try db.alter(table: "bookings") { table in table.add(column: "holdStartedAt", .datetime) }
        }
        // Each show's sales, kept by the journal in the same transaction as every booking and refund, so the sales
        // report reads one row per show instead of every booking (its shows from a covering index, in the order it
        // groups them). Filled from the bookings already there.
        migrator.registerMigration("v11-show-sales", foreignKeyChecks: .immediate) { db in
            try db.execute(
                sql: """
                    CREATE TABLE showSales (
                        showId TEXT PRIMARY KEY NOT NULL,
                        revenue INTEGER NOT NULL DEFAULT 0,
                        tickets INTEGER NOT NULL DEFAULT 0,
                        bookings INTEGER NOT NULL DEFAULT 0,
                        refunds INTEGER NOT NULL DEFAULT 0,
                        refundedBookings INTEGER NOT NULL DEFAULT 0
                    );
                    INSERT INTO showSales (showId, revenue, tickets, bookings, refunds, refundedBookings)
                    SELECT showId,
                           SUM(CASE WHEN bookingStatus = 'confirmed' THEN totalAmount ELSE 0 END),
                           SUM(CASE WHEN bookingStatus = 'confirmed' THEN (SELECT COUNT(*) FROM bookingSeats s WHERE s.bookingId = bookings.id AND s.state = 'booked') ELSE 0 END),
                           SUM(bookingStatus = 'confirmed'),
                           SUM(CASE WHEN paymentStatus = 'refunded' THEN totalAmount ELSE 0 END),
                           SUM(paymentStatus = 'refunded')
                    FROM bookings WHERE (bookingStatus = 'confirmed' OR paymentStatus = 'refunded') GROUP BY showId;
                    CREATE INDEX shows_report ON shows (showDate, theatreId, movieId, isActive, totalSeats, id);
                    """)
        }
        // A channel's next delivery by an index seek, not a scan of its backlog: deliveries are inserted in the order of
        // their events (each right after its event, in the journal's one writer), so their rowid is that order, and
        // this partial index holds each channel's undelivered rows in it. The webhook loop's head of line and the
        // email loop's due rows were found by sorting every undelivered row of the channel, in the write lock.
        migrator.registerMigration("v12-outbox-order", foreignKeyChecks: .immediate) { db in
            try db.execute(sql: "CREATE INDEX outboxDeliveries_pending ON outboxDeliveries (channel) WHERE deliveredAt IS NULL")
        }
        return migrator
    }
}
