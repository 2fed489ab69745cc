import Foundation
import Logging
import PostgresNIO
import SeatEngine

/// How the PostgreSQL journal writes each kind of entry: the one place a `JournalWrite` becomes PostgreSQL's SQL.
/// The same rules as `SQLiteJournalWrites` (`BookingWrites`, `PaymentWrites`): every step moves a row only from the
/// state it leaves, and says so by the rows it returned, so a step that finds its row elsewhere fails its entry.
struct PostgresJournalWrites {
    let connection: PostgresConnection
    let logger: Logger

    func apply(_ entry: JournalEntry) async throws {
        try await apply(entry.write)
        if let answer = entry.answer { try await store(answer) }
        for event in entry.events where !event.channels.isEmpty {
            // The event and its deliveries in one statement (one round trip).
            try await run(
                """
                WITH event AS (
                    INSERT INTO outbox (id, kind, bookingId, createdAt)
                    VALUES (\(event.id), \(event.kind.rawValue), \(event.bookingId), \(event.createdAt)) RETURNING id, seq
                )
                INSERT INTO outboxDeliveries (eventId, channel, attempts, nextAttemptAt, seq)
                SELECT event.id, channel, 0, \(event.createdAt), event.seq FROM event, unnest(\(event.channels)::text[]) AS channel
                """)
        }
    }

    func apply(_ write: JournalWrite) async throws {
        switch write {
        case .seatChange(let change, let bookings):
            // The hot paths — a lock, a release, an expiry — in one or two statements (data-modifying CTEs on different
            // tables), since the journal's writer waits for each statement's answer before it sends the next.
            // Each change's row keeps its effect, which its notice carries to the other nodes (`FollowedEffectText`).
            let effect = FollowedEffectText.text(bookings)
            switch bookings {
            case .locked(let booking, let replaced?):
                try await recordAndEnd(change, effect: effect, [replaced], as: .cancelled)
                try await insert(booking, recording: nil)
            case .locked(let booking, nil):
                try await insert(booking, recording: change)
            case .released(let ids, let status):
                try await recordAndEnd(change, effect: effect, ids, as: status)
            case .booked(let booking, let charge, let ticketCode):
                try await book(booking, charge: charge, ticketCode: ticketCode, recording: change)
            case .cancelled(let booking):
                try await record(change, effect: effect)
                try await cancelConfirmed(booking, at: change.at)
            case nil:
                try await record(change, effect: nil)
            }
        case .payment(let step):
            try await apply(step)
        case .answer(let answer):
            try await store(answer)
        case .holdExtended(let booking, let expiresAt, let at):
            // The row as it is now, locked (another node's extension or charge committing meanwhile is waited for; NO KEY:
            // rows that reference the booking, such as a new payment, are not held up).
            var current: (status: String, expiresAt: Date)?
            for try await row in try await connection.query(
                "SELECT bookingStatus, expiresAt FROM bookings WHERE id = \(booking) FOR NO KEY UPDATE", logger: logger
            ).decode((String, Date).self) { current = (row.0, row.1) }
            guard let current, current.status == BookingStatus.pending.rawValue else { throw BookingWriteError.notPending(booking) }
            // An extension adds at least a second: an expiry already at (or past) this one was moved by another node
            // since this copy loaded the hold, and the copy computed from the old one.
            guard current.expiresAt < expiresAt.addingTimeInterval(-0.5) else { throw BookingWriteError.outOfDate(booking) }
            try await run("UPDATE bookings SET expiresAt = \(expiresAt), updatedAt = \(at) WHERE id = \(booking)")
        case .admission(let booking, let at):
            let admitted = try await count(
                """
                UPDATE bookings SET admittedAt = \(at), updatedAt = \(at)
                WHERE id = \(booking) AND bookingStatus = 'confirmed' AND admittedAt IS NULL RETURNING id
                """)
            guard admitted == 1 else { throw BookingWriteError.notAdmissible(booking) }
        case .purgeAnswers(let expiredBy):
            try await run("DELETE FROM idempotencyKeys WHERE expiresAt <= \(expiredBy)")
            // A commit marker is read only while its commit's lost answer is being resolved: seconds, not hours.
            try await run("DELETE FROM journalCommits WHERE at < now() - interval '1 hour'")
        }
    }

    // MARK: Seats and bookings

    func lastVersion(of show: String) async throws -> Int64 {
        let read = DurableVersionRead(key: show)
        for try await version in try await connection.query(read.unprepared, logger: logger).decode(Int64.self) { return version }
        return 0
    }

    /// Appends the change, with its effect, to the show's journal (append-only; unique per version).
    func record(_ change: SeatChange, effect: String?) async throws {
        try await run(
            """
            INSERT INTO seatChanges (showId, version, cause, seats, at, effect)
            VALUES (\(change.show), \(change.version), \(change.cause.rawValue), \(JSONText.updates(change.seats)), \(change.at), \(effect))
            """)
    }

    /// A new pending booking and its held seats — with `change`, the seat change that makes them, in the same statement.
    /// Its film, date and time are the show's as committed now, not as the lock read them from the show cache: an admin's
    /// edit of the show (which rewrites its bookings' copies) is never undone by a lock that raced it. `FOR SHARE` orders
    /// the two: an edit not yet committed makes this wait and then read what it wrote; an edit after this waits for it,
    /// and then rewrites this booking too. (The booking's own values stand in only for a show row that is missing.)
    func insert(_ booking: Booking, recording change: SeatChange?) async throws {
        let seats = booking.seats.map(\.seatNumber)
        // One statement with or without the change: without one, its INSERT selects no row.
        try await run(
            """
            WITH change AS (
                INSERT INTO seatChanges (showId, version, cause, seats, at, effect)
                SELECT \(change?.show), \(change?.version), \(change?.cause.rawValue), \(change.map { JSONText.updates($0.seats) }), \(change?.at),
                       \(change.flatMap { _ in FollowedEffectText.text(.locked(booking, replacing: nil)) })
                WHERE \(change != nil)
            ), shown AS (
                SELECT movieId, showDate, showTime FROM shows WHERE id = \(booking.showId) FOR SHARE
            ), booking AS (
                INSERT INTO bookings (id, userId, showId, movieId, theatreId, seats, totalAmount, currency, bookingStatus, paymentStatus,
                                      paymentId, expiresAt, showDate, showTime, createdAt, updatedAt, holdStartedAt)
                SELECT \(booking.id), \(booking.userId), \(booking.showId), COALESCE(shown.movieId, \(booking.movieId)), \(booking.theatreId),
                       \(JSONText.seats(booking.seats)), \(booking.totalAmount), \(booking.currency), \(booking.bookingStatus.rawValue),
                       \(booking.paymentStatus.rawValue), \(booking.paymentId), \(booking.expiresAt), COALESCE(shown.showDate, \(booking.showDate)),
                       COALESCE(shown.showTime, \(booking.showTime)), \(booking.createdAt), \(booking.updatedAt), \(booking.holdStartedAt)
                FROM (VALUES (1)) AS one LEFT JOIN shown ON true
            )
            INSERT INTO bookingSeats (showId, seatNumber, bookingId, state)
            SELECT \(booking.showId), seat, \(booking.id), 'held' FROM unnest(\(seats)::text[]) AS seat
            """)
    }

    /// The seat change that ends pending bookings (cancelled by their user, replaced, or expired) and frees their
    /// seats, in one statement.
    func recordAndEnd(_ change: SeatChange, effect: String?, _ bookingIds: [String], as status: BookingStatus) async throws {
        if status == .expired { try await ensureDue(bookingIds.map { ($0, change.at) }) }
        // Another node may be charging one of these holds (this node's own copy refuses to end a hold it pinned before
        // it gets here): then the entry fails, and the caller (its savepoint, or the whole batch) undoes the statement.
        let paying = try await count(
            """
            WITH change AS (
                INSERT INTO seatChanges (showId, version, cause, seats, at, effect)
                VALUES (\(change.show), \(change.version), \(change.cause.rawValue), \(JSONText.updates(change.seats)), \(change.at), \(effect))
            ), ended AS (
                UPDATE bookings SET bookingStatus = \(status.rawValue), updatedAt = \(change.at)
                WHERE id = ANY(\(bookingIds)::text[]) AND bookingStatus = 'pending'
            ), freed AS (
                DELETE FROM bookingSeats WHERE bookingId = ANY(\(bookingIds)::text[])
            )
            SELECT p.bookingId FROM payments p WHERE p.bookingId = ANY(\(bookingIds)::text[]) AND p.paymentStatus = 'processing'
              AND p.updatedAt > \(change.at.addingTimeInterval(-Self.chargeLeftoverSeconds))
            LIMIT 1
            """)
        if paying > 0 { throw BookingWriteError.beingPaid(bookingIds.joined(separator: ",")) }
    }

    /// Throws `BookingWriteError.outOfDate` unless every hold of `holds` is due to expire at its time by the database's
    /// account: still pending, its `expiresAt` at or before that time, and no payment of it being charged. A node's copy
    /// of a show knows its own extensions and charges, not another node's: another node may have extended the hold
    /// (an extension changes no seat, so no version tells this copy) or be charging it (its copy pinned the hold, and a
    /// pinned hold does not expire). Then this copy is out of date, and the batch writer answers the entry as a stale
    /// show: the copy is loaded again, with the hold as the database has it. The rows are locked first, so an extension
    /// or a charge's start committing meanwhile is seen by the check (a statement's snapshot is taken after the lock); `NO KEY
    /// UPDATE`, so inserts that only reference the booking (a payment, an outbox event) do not wait on it.
    /// A charge left `processing` past `chargeLeftoverSeconds` (its node stopped mid-charge) no longer holds a hold.
    func ensureDue(_ holds: [(booking: String, at: Date)]) async throws {
        let ids = holds.map(\.booking)
        _ = try await count("SELECT id FROM bookings WHERE id = ANY(\(ids)::text[]) ORDER BY id FOR NO KEY UPDATE")
        let leftoverBefore = (holds.map(\.at).min() ?? Date()).addingTimeInterval(-Self.chargeLeftoverSeconds)
        let rows = try await connection.query(
            """
            SELECT b.id FROM unnest(\(ids)::text[], \(holds.map(\.at))::timestamptz[]) AS e(id, at) JOIN bookings b ON b.id = e.id
            WHERE b.bookingStatus <> 'pending' OR b.expiresAt > e.at
               OR EXISTS (SELECT 1 FROM payments p WHERE p.bookingId = b.id AND p.paymentStatus = 'processing'
                          AND p.updatedAt > \(leftoverBefore))
            LIMIT 1
            """,
            logger: logger)
        for try await id in rows.decode(String.self) { throw BookingWriteError.outOfDate(id) }
    }

    /// `charge` succeeded: its payment completes, the booking is confirmed naming it, its seats are booked and its
    /// show's sales move — with `change`, in one statement. Each step moves its row only from the state it leaves; when
    /// the payment or the booking is elsewhere the entry fails, and its savepoint (or the whole batch) undoes the rest.
    func book(_ bookingId: String, charge: Charge, ticketCode: String, recording change: SeatChange) async throws {
        let rows = try await connection.query(
            """
            WITH change AS (
                INSERT INTO seatChanges (showId, version, cause, seats, at, effect)
                VALUES (\(change.show), \(change.version), \(change.cause.rawValue), \(JSONText.updates(change.seats)), \(change.at),
                        \(FollowedEffectText.text(.booked(bookingId, charge, ticketCode: ticketCode))))
            ), paid AS (
                UPDATE payments SET paymentStatus = 'completed', transactionId = \(charge.transaction), gatewayResponse = 'approved',
                    paidAt = \(change.at), updatedAt = \(change.at)
                WHERE id = \(charge.payment) AND bookingId = \(bookingId) AND paymentStatus = 'processing' RETURNING id
            ), confirmed AS (
                UPDATE bookings SET bookingStatus = 'confirmed', paymentStatus = 'completed', paymentId = \(charge.payment),
                    ticketCode = \(ticketCode), updatedAt = \(change.at)
                WHERE id = \(bookingId) AND bookingStatus = 'pending' AND EXISTS (SELECT 1 FROM paid)
                RETURNING showId, totalAmount, seats
            ), sale AS (
                INSERT INTO showSales AS s (showId, revenue, tickets, bookings)
                SELECT showId, totalAmount, json_array_length(seats::json), 1 FROM confirmed
                ON CONFLICT (showId) DO UPDATE SET revenue = s.revenue + EXCLUDED.revenue, tickets = s.tickets + EXCLUDED.tickets,
                    bookings = s.bookings + 1
            ), booked AS (
                UPDATE bookingSeats SET state = 'booked' WHERE bookingId = \(bookingId) AND EXISTS (SELECT 1 FROM confirmed)
            )
            SELECT (SELECT COUNT(*) FROM paid), (SELECT COUNT(*) FROM confirmed)
            """, logger: logger)
        var paid = 0, confirmed = 0
        for try await (p, c) in rows.decode((Int, Int).self) { (paid, confirmed) = (p, c) }
        guard paid == 1 else { throw BookingWriteError.paymentNotProcessing(charge.payment) }
        guard confirmed == 1 else { throw BookingWriteError.notPending(bookingId) }
    }

    /// A confirmed booking is cancelled: the payment that paid for it is refunded, and its seats freed.
    func cancelConfirmed(_ bookingId: String, at: Date) async throws {
        let refunded = try await count(
            """
            UPDATE payments SET paymentStatus = 'refunded', refundedAt = \(at), updatedAt = \(at)
            WHERE id = (SELECT paymentId FROM bookings WHERE id = \(bookingId) AND bookingStatus = 'confirmed')
              AND paymentStatus = 'completed' RETURNING id
            """)
        guard refunded == 1 else { throw BookingWriteError.noCompletedPayment(bookingId) }
        let cancelled = try await count(
            """
            UPDATE bookings SET bookingStatus = 'cancelled', paymentStatus = 'refunded', updatedAt = \(at)
            WHERE id = \(bookingId) AND bookingStatus = 'confirmed' RETURNING id
            """)
        guard cancelled == 1 else { throw BookingWriteError.notConfirmed(bookingId) }
        try await run(
            """
            WITH refund AS (
                UPDATE showSales s SET revenue = s.revenue - b.totalAmount, tickets = s.tickets - json_array_length(b.seats::json),
                    bookings = s.bookings - 1, refunds = s.refunds + b.totalAmount, refundedBookings = s.refundedBookings + 1
                FROM bookings b WHERE b.id = \(bookingId) AND s.showId = b.showId
            )
            DELETE FROM bookingSeats WHERE bookingId = \(bookingId)
            """)
    }

    // MARK: Payments

    func apply(_ step: PaymentStep) async throws {
        switch step {
        case .created(let payment):
            try await run(
                """
                INSERT INTO payments (id, bookingId, userId, amount, currency, paymentMethod, paymentStatus, transactionId, failureCode,
                                      gatewayResponse, paidAt, refundedAt, createdAt, updatedAt)
                VALUES (\(payment.id), \(payment.bookingId), \(payment.userId), \(payment.amount), \(payment.currency),
                        \(payment.paymentMethod.rawValue), \(payment.paymentStatus.rawValue), \(payment.transactionId), \(payment.failureCode),
                        \(payment.gatewayResponse), \(payment.paidAt), \(payment.refundedAt), \(payment.createdAt), \(payment.updatedAt))
                """)
        case .chargeStarted(let payment, let at):
            // Several nodes may each pin the hold in their own memory, so the database decides who charges: the
            // booking's row is locked, and one attempt of a pending booking at a time may be processing. An attempt
            // left processing for longer than a charge may take (a node stopped mid-charge) is a leftover, failed here.
            var bookingStatus: String?
            for try await status in try await connection.query(
                "SELECT bookingStatus FROM bookings WHERE id = (SELECT bookingId FROM payments WHERE id = \(payment)) FOR UPDATE",
                logger: logger
            ).decode(String.self) { bookingStatus = status }
            guard bookingStatus == BookingStatus.pending.rawValue else { throw PaymentWriteError.bookingNotPending(payment) }
            let leftoverBefore = at.addingTimeInterval(-Self.chargeLeftoverSeconds)
            // Under the booking's lock, one statement (a snapshot taken after the lock, so it sees what the attempt
            // that held it committed): refused while another attempt is charging; else this one starts, and the
            // leftovers are failed.
            var charging = 0, started = 0
            for try await (busy, moved) in try await connection.query(
                """
                WITH charging AS (
                    SELECT id FROM payments WHERE bookingId = (SELECT bookingId FROM payments WHERE id = \(payment))
                      AND paymentStatus = 'processing' AND id <> \(payment) AND updatedAt > \(leftoverBefore)
                ), started AS (
                    UPDATE payments SET paymentStatus = 'processing', updatedAt = \(at)
                    WHERE id = \(payment) AND paymentStatus = 'initiated' AND NOT EXISTS (SELECT 1 FROM charging) RETURNING bookingId
                ), interrupted AS (
                    UPDATE payments SET paymentStatus = 'failed', failureCode = 'interrupted', updatedAt = \(at)
                    WHERE bookingId = (SELECT bookingId FROM started) AND paymentStatus = 'processing' AND id <> \(payment)
                )
                SELECT (SELECT COUNT(*) FROM charging), (SELECT COUNT(*) FROM started)
                """, logger: logger
            ).decode((Int, Int).self) { (charging, started) = (busy, moved) }
            guard charging == 0 else { throw PaymentWriteError.anotherInProgress(payment) }
            guard started == 1 else { throw PaymentWriteError.notInitiated(payment) }
        case .refused(let payment, let code, let at):
            let refused = try await count(
                """
                UPDATE payments SET paymentStatus = 'failed', failureCode = \(code), updatedAt = \(at)
                WHERE id = \(payment) AND paymentStatus = 'initiated' RETURNING id
                """)
            guard refused == 1 else { throw PaymentWriteError.alreadySettled(payment) }
        case .chargeFailed(let payment, let code, let response, let transactionId, let at):
            let failed = try await count(
                """
                UPDATE payments SET paymentStatus = 'failed', failureCode = \(code), gatewayResponse = \(response),
                    transactionId = \(transactionId), updatedAt = \(at)
                WHERE id = \(payment) AND paymentStatus = 'processing' RETURNING id
                """)
            guard failed == 1 else { throw PaymentWriteError.alreadySettled(payment) }
        }
    }

    // MARK: Idempotent answers

    /// Stores (or replaces) the answer for its user and key.
    func store(_ answer: IdempotentAnswer) async throws {
        try await run(
            """
            INSERT INTO idempotencyKeys (userId, key, requestHash, status, body, createdAt, expiresAt)
            VALUES (\(answer.userId), \(answer.key), \(answer.requestHash), \(answer.status), \(answer.body), \(answer.createdAt),
                    \(answer.expiresAt))
            ON CONFLICT (userId, key) DO UPDATE SET requestHash = EXCLUDED.requestHash, status = EXCLUDED.status, body = EXCLUDED.body,
                createdAt = EXCLUDED.createdAt, expiresAt = EXCLUDED.expiresAt
            """)
    }

    /// `Payment.chargeLeftoverSeconds`: an attempt processing for longer no longer keeps its hold.
    static let chargeLeftoverSeconds = Payment.chargeLeftoverSeconds

    // MARK: Running statements

    func run(_ statement: PostgresQuery) async throws {
        for try await _ in try await connection.query(statement, logger: logger) {}
    }

    /// How many rows a statement returned (`RETURNING`): how many it changed.
    func count(_ statement: PostgresQuery) async throws -> Int {
        var rows = 0
        for try await _ in try await connection.query(statement, logger: logger) { rows += 1 }
        return rows
    }
}
