import Foundation
import NIOCore
import PostgresNIO

/// The recovery database on PostgreSQL: the history `BigDatabase` writes into SQLite (shows cloned from the catalog's
/// largest screen, fully booked in bookings of ten with their payments, seat rows and two journal rows each, then
/// pending holds, live and overdue), made by the database itself with INSERT … SELECT over generate_series, in one
/// transaction, then vacuumed and analyzed as autovacuum would have left a database that old.
///
/// Booking b is group b % G of show b / G, G bookings a show; a group's seats and JSON are computed here once and
/// joined in. Ids are the server's shape: prefix, 16 characters of time and salt, then the row's number in 10 digits.
struct PostgresBigDatabase {
    var bookedSeats: Int
    var liveHolds: Int
    var overdueHolds: Int

    func generate(on cluster: PostgresCluster, database: String, eventLoop: any EventLoop) async throws -> BigDatabase.Summary {
        let started = Date()
        var summary = try await cluster.withConnection(to: database, on: eventLoop) { connection in
            try await connection.run("SET synchronous_commit = off")
            try await connection.run("BEGIN")
            do {
                let summary = try await write(connection)
                try await connection.run("COMMIT")
                return summary
            } catch {
                try? await connection.run("ROLLBACK")
                throw error
            }
        }
        try await cluster.withConnection(to: database, on: eventLoop) { connection in
            try await connection.run("VACUUM (ANALYZE) users, shows, bookings, bookingSeats, payments, seatChanges")
        }
        summary.seconds = Date().timeIntervalSince(started)
        return summary
    }

    private func write(_ connection: PostgresConnection) async throws -> BigDatabase.Summary {
        let rows = try await connection.query(PostgresQuery(unsafeSQL: ShowTemplate.query), logger: PostgresCluster.logger)
        var template: ShowTemplate?
        for try await (movieId, theatreId, screenNumber, cityId, language, format, layout) in rows.decode(
            (String, String, Int, String, String, String, String).self)
        {
            template = try ShowTemplate(
                movieId: movieId, theatreId: theatreId, screenNumber: screenNumber, cityId: cityId, language: language, format: format, layout: layout)
        }
        guard let template else { throw ShowTemplate.noShow }

        let now = Date()
        var ids = IdentifierMaker(seed: UInt64(now.timeIntervalSince1970 * 1000))
        // "shw_" and 16 characters; a row's id appends its number in 10 digits (digits are base32 characters too).
        func stem(_ prefix: String) -> String { String(ids.make(prefix).prefix(prefix.count + 17)) }
        let (user, show, booking, payment) = (stem("usr"), stem("shw"), stem("bkg"), stem("pay"))
        let perShow = template.bookedPerShow
        let groups = perShow / 10
        let holdShows = liveHolds + overdueHolds
        let bookings = (bookedSeats + 9) / 10
        let showCount = max((bookedSeats + perShow - 1) / perShow, holdShows)
        let users = 1_000
        let base = now.addingTimeInterval(8 * 86_400)

        // Group k of n seats (the last booking may have fewer than ten): its JSON, price and seat numbers.
        var (ks, ns, seatsJSON, heldJSON, bookedJSON, amounts) = ([Int](), [Int](), [String](), [String](), [String](), [Int]())
        var (seatKs, seatJs, seatNumbers) = ([Int](), [Int](), [String]())
        for k in 0..<groups {
            let all = template.seats[k * 10..<k * 10 + 10]
            for n in 1...10 {
                let seats = all.prefix(n)
                ks.append(k)
                ns.append(n)
                seatsJSON.append(ShowTemplate.bookingJSON(seats))
                heldJSON.append(ShowTemplate.changeJSON(seats, "held"))
                bookedJSON.append(ShowTemplate.changeJSON(seats, "booked"))
                amounts.append(seats.reduce(0) { $0 + $1.price })
            }
            for (j, seat) in all.enumerated() {
                seatKs.append(k)
                seatJs.append(j)
                seatNumbers.append(seat.number)
            }
        }
        // Pending holds take two seats of the free tail, past every booked one.
        let held = template.seats[perShow..<min(perShow + 2, template.seats.count)]

        let statements: [PostgresQuery] = [
            "CREATE TEMP TABLE bench_groups (k bigint, n bigint, seats text, held text, booked text, amount bigint, PRIMARY KEY (k, n)) ON COMMIT DROP",
            """
            INSERT INTO bench_groups SELECT * FROM unnest(\(ks)::bigint[], \(ns)::bigint[], \(seatsJSON)::text[], \(heldJSON)::text[],
                \(bookedJSON)::text[], \(amounts)::bigint[])
            """,
            "CREATE TEMP TABLE bench_group_seats (k bigint, j bigint, seatNumber text, PRIMARY KEY (k, j)) ON COMMIT DROP",
            "INSERT INTO bench_group_seats SELECT * FROM unnest(\(seatKs)::bigint[], \(seatJs)::bigint[], \(seatNumbers)::text[])",
            "ANALYZE bench_groups",
            "ANALYZE bench_group_seats",
            """
            INSERT INTO users (id, name, email, emailKey, passwordHash, phone, role, isActive, createdAt, updatedAt)
            SELECT \(user) || lpad(u::text, 10, '0'), 'Bulk ' || u, 'bulk-' || u || '@bench.example', 'bulk-' || u || '@bench.example',
                'not-a-hash', NULL, 'user', true, \(now), \(now)
            FROM generate_series(0, \(users - 1)) u
            """,
            """
            INSERT INTO shows (id, movieId, theatreId, screenNumber, cityId, startsAt, endsAt, showDate, showTime, language, format, isActive,
                layout, totalSeats, createdAt, updatedAt)
            SELECT \(show) || lpad(g::text, 10, '0'), \(template.movieId), \(template.theatreId), \(template.screenNumber), \(template.cityId),
                t, t + interval '3 hours', to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD'), to_char(t AT TIME ZONE 'UTC', 'HH24:MI'),
                \(template.language), \(template.format), true, \(template.layout), \(template.seats.count), \(now), \(now)
            FROM generate_series(0, \(showCount - 1)) g, LATERAL (SELECT \(base)::timestamptz + g * interval '300 seconds' AS t) starts
            """,
            """
            INSERT INTO bookings (id, userId, showId, movieId, theatreId, seats, totalAmount, currency, bookingStatus, paymentStatus, paymentId,
                expiresAt, showDate, showTime, createdAt, updatedAt)
            SELECT \(booking) || lpad(b::text, 10, '0'), \(user) || lpad((b % \(users))::text, 10, '0'), s.id, s.movieId, s.theatreId, gr.seats,
                gr.amount, 'INR', 'confirmed', 'completed', \(payment) || lpad(b::text, 10, '0'), \(now.addingTimeInterval(300)), s.showDate,
                s.showTime, \(now), \(now)
            FROM generate_series(0, \(bookings - 1)) b
            JOIN shows s ON s.id = \(show) || lpad((b / \(groups))::text, 10, '0')
            JOIN bench_groups gr ON gr.k = b % \(groups) AND gr.n = least(10, \(bookedSeats) - b * 10)
            """,
            """
            INSERT INTO bookingSeats (showId, seatNumber, bookingId, state)
            SELECT \(show) || lpad((b / \(groups))::text, 10, '0'), gs.seatNumber, \(booking) || lpad(b::text, 10, '0'), 'booked'
            FROM generate_series(0, \(bookings - 1)) b
            JOIN bench_group_seats gs ON gs.k = b % \(groups) AND gs.j < least(10, \(bookedSeats) - b * 10)
            """,
            """
            INSERT INTO payments (id, bookingId, userId, amount, currency, paymentMethod, paymentStatus, transactionId, paidAt, createdAt, updatedAt)
            SELECT paymentId, id, userId, totalAmount, 'INR', 'upi', 'completed', 'txn_' || paymentId, \(now), \(now), \(now)
            FROM bookings WHERE id LIKE \(booking + "%") AND paymentId IS NOT NULL
            """,
            // Each show's sales, as the journal keeps them.
            """
            INSERT INTO showSales (showId, revenue, tickets, bookings)
            SELECT showId, SUM(totalAmount), SUM(json_array_length(seats::json)), COUNT(*)
            FROM bookings WHERE id LIKE \(booking + "%") AND bookingStatus = 'confirmed' GROUP BY showId
            """,
            // Per booking, version 2k+1 locked its seats and 2k+2 booked them.
            """
            INSERT INTO seatChanges (showId, version, cause, seats, at)
            SELECT \(show) || lpad((b / \(groups))::text, 10, '0'), 2 * (b % \(groups)) + v, CASE v WHEN 1 THEN 'lock' ELSE 'book' END,
                CASE v WHEN 1 THEN gr.held ELSE gr.booked END, \(now)
            FROM generate_series(0, \(bookings - 1)) b CROSS JOIN (VALUES (1), (2)) AS step(v)
            JOIN bench_groups gr ON gr.k = b % \(groups) AND gr.n = least(10, \(bookedSeats) - b * 10)
            """,
            // Holds on the first shows: the first `liveHolds` expire in an hour, the others expired an hour ago.
            """
            INSERT INTO bookings (id, userId, showId, movieId, theatreId, seats, totalAmount, currency, bookingStatus, paymentStatus, paymentId,
                expiresAt, showDate, showTime, createdAt, updatedAt)
            SELECT \(booking) || lpad((\(bookings) + h)::text, 10, '0'), \(user) || lpad((h % \(users))::text, 10, '0'), s.id, s.movieId,
                s.theatreId, \(ShowTemplate.bookingJSON(held)), \(held.reduce(0) { $0 + $1.price }), 'INR', 'pending', 'pending', NULL,
                CASE WHEN h < \(liveHolds) THEN \(now.addingTimeInterval(3600)) ELSE \(now.addingTimeInterval(-3600)) END, s.showDate, s.showTime,
                \(now), \(now)
            FROM generate_series(0, \(holdShows - 1)) h JOIN shows s ON s.id = \(show) || lpad(h::text, 10, '0')
            """,
            """
            INSERT INTO bookingSeats (showId, seatNumber, bookingId, state)
            SELECT \(show) || lpad(h::text, 10, '0'), seat, \(booking) || lpad((\(bookings) + h)::text, 10, '0'), 'held'
            FROM generate_series(0, \(holdShows - 1)) h, unnest(\(held.map(\.number))::text[]) seat
            """,
            // The hold's lock follows the show's last booking: version 2 × (bookings of the show) + 1.
            """
            INSERT INTO seatChanges (showId, version, cause, seats, at)
            SELECT \(show) || lpad(h::text, 10, '0'), 2 * least(\(groups), greatest(0, \(bookings) - h * \(groups))) + 1, 'lock',
                \(ShowTemplate.changeJSON(held, "held")), \(now)
            FROM generate_series(0, \(holdShows - 1)) h
            """,
        ]
        for statement in statements { try await connection.run(statement) }

        let showId = { (index: Int) in show + String(repeating: "0", count: 10 - String(index).count) + String(index) }
        var summary = BigDatabase.Summary()
        summary.shows = showCount
        summary.bookings = bookings
        summary.bookedSeats = bookedSeats
        summary.liveHoldShows = (0..<liveHolds).map(showId)
        summary.overdueHoldShows = (liveHolds..<holdShows).map(showId)
        return summary
    }
}
