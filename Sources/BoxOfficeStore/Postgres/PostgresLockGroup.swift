import Foundation
import PostgresNIO
import SeatEngine

/// A run of a batch's hot-path entries — locks, releases, expiries, and the idempotent answers that come with them —
/// written set-based: one or two statements for the whole run, whatever its length, instead of one or two per entry.
///
/// The journal's writer waits for each statement's answer before it sends the next, and on a loopback socket that wait
/// (not PostgreSQL's work, nor the commit) is most of a lock's time; a batch of *k* locks was 2 + *k* to 2*k* + 1 round
/// trips, and is now 4 or 5.
///
/// A run is written as: first every ended booking (released, expired or replaced) and its freed seats, with the run's
/// seat changes; then every new booking, its held seats and the answers. That equals writing the entries one by one as
/// long as no entry ends a booking the same run made — `add` refuses such an entry, and the caller writes the run so
/// far first. Seats freed in a run and taken again later in it (a hold replaced by the same user's new one) are deleted
/// by the first statement before the second inserts them, so the unique index on live seats sees what it would have.
struct PostgresLockGroup {
    private var changes: [SeatChange] = []
    /// Each change's effect as its row keeps it (`FollowedEffectText`), parallel to `changes`.
    private var effects: [String?] = []
    private var ended: [(id: BookingID, status: BookingStatus, at: Date)] = []
    private var bookings: [Booking] = []
    private var answers: [IdempotentAnswer] = []
    private var made: Set<BookingID> = []
    private var answered: Set<AnswerKey> = []

    private struct AnswerKey: Hashable {
        let userId: String
        let key: String
    }

    var isEmpty: Bool { changes.isEmpty }

    /// Whether `entry` is of a kind a run can hold: a seat change that locks or releases (or changes seats only), with no
    /// outbox event. The others (payments, bookings confirmed or cancelled, admissions…) are written on their own.
    static func holds(_ entry: JournalEntry) -> Bool {
        guard entry.events.isEmpty, case .seatChange(_, let booking) = entry.write else { return false }
        switch booking {
        case .locked, .released, nil: return true
        case .booked, .cancelled: return false
        }
    }

    /// Adds `entry` (one `holds` accepts) to the run; false when it ends a booking this run made, or answers a key this
    /// run answers already — write the run first, then start the next with it.
    mutating func add(_ entry: JournalEntry) -> Bool {
        guard case .seatChange(let change, let booking) = entry.write else { return false }
        var new: Booking?
        var ends: [(id: BookingID, status: BookingStatus)] = []
        switch booking {
        case .locked(let locked, let replaced):
            new = locked
            if let replaced { ends = [(replaced, .cancelled)] }
        case .released(let ids, let status):
            ends = ids.map { ($0, status) }
        default:
            break
        }
        guard ends.allSatisfy({ !made.contains($0.id) }) else { return false }
        if let answer = entry.answer {
            guard answered.insert(AnswerKey(userId: answer.userId, key: answer.key)).inserted else { return false }
            answers.append(answer)
        }
        changes.append(change)
        effects.append(FollowedEffectText.text(booking))
        ended += ends.map { ($0.id, $0.status, change.at) }
        if let new {
            bookings.append(new)
            made.insert(new.id)
        }
        return true
    }

    /// Writes the run (one statement, or two when it ends bookings and makes others) and empties it.
    mutating func write(with writes: PostgresJournalWrites) async throws {
        defer { self = PostgresLockGroup() }
        guard !isEmpty else { return }
        var statement = Statement()
        // The seat changes go with the first statement; each one's row is appended, never updated.
        let changesCTE = """
            INSERT INTO seatChanges (showId, version, cause, seats, at, effect)
            SELECT showId, version, cause, seats, at, NULLIF(effect, '')
            FROM unnest(\(statement.bind(changes.map(\.show)))::text[], \(statement.bind(changes.map(\.version)))::bigint[],
                        \(statement.bind(changes.map(\.cause.rawValue)))::text[],
                        \(statement.bind(changes.map { JSONText.updates($0.seats) }))::text[],
                        \(statement.bind(changes.map(\.at)))::timestamptz[],
                        \(statement.bind(effects.map { $0 ?? "" }))::text[]) AS c(showId, version, cause, seats, at, effect)
            """
        var ctes = changes.isEmpty ? [] : [changesCTE]
        if !ended.isEmpty {
            let expiring = ended.filter { $0.status == .expired }
            if !expiring.isEmpty { try await writes.ensureDue(expiring.map { ($0.id, $0.at) }) }
            let ids = statement.bind(ended.map(\.id))
            ctes.append("""
                UPDATE bookings b SET bookingStatus = e.status, updatedAt = e.at
                FROM unnest(\(ids)::text[], \(statement.bind(ended.map(\.status.rawValue)))::text[],
                            \(statement.bind(ended.map(\.at)))::timestamptz[]) AS e(id, status, at)
                WHERE b.id = e.id AND b.bookingStatus = 'pending'
                """)
            ctes.append("DELETE FROM bookingSeats WHERE bookingId = ANY(\(ids)::text[])")
            // A hold another node is charging is not ended here (`PostgresJournalWrites.recordAndEnd`): the run fails, and
            // is written again entry by entry, where that entry alone is refused.
            let leftoverBefore = statement.bind(one: (ended.map(\.at).min() ?? Date()).addingTimeInterval(-PostgresJournalWrites.chargeLeftoverSeconds))
            let paying = try await writes.count(statement.query(ctes, main: """
                SELECT p.bookingId FROM payments p WHERE p.bookingId = ANY(\(ids)::text[]) AND p.paymentStatus = 'processing'
                  AND p.updatedAt > \(leftoverBefore)::timestamptz
                LIMIT 1
                """))
            if paying > 0 { throw BookingWriteError.beingPaid(ended.map(\.id).joined(separator: ",")) }
            statement = Statement()
            ctes = []
        }
        if !answers.isEmpty { ctes.append(answersCTE(&statement)) }
        guard !bookings.isEmpty else {
            if let last = ctes.popLast() { try await writes.run(statement.query(ctes, main: last)) }
            return
        }
        ctes.append(bookingsCTE(&statement))
        let seats = bookings.flatMap { booking in booking.seats.map { (booking.showId, $0.seatNumber, booking.id) } }
        // (Bound before `query` is called: its receiver is copied before its arguments are evaluated.)
        let heldSeats = """
            INSERT INTO bookingSeats (showId, seatNumber, bookingId, state)
            SELECT showId, seat, bookingId, 'held'
            FROM unnest(\(statement.bind(seats.map(\.0)))::text[], \(statement.bind(seats.map(\.1)))::text[],
                        \(statement.bind(seats.map(\.2)))::text[]) AS s(showId, seat, bookingId)
            """
        try await writes.run(statement.query(ctes, main: heldSeats))
    }

    /// The run's new pending bookings. Arrays cannot carry NULL through postgres-nio's encoders, so the two optional
    /// columns travel as a text with '' for none (`paymentId`) and a date with a flag (`holdStartedAt`). Film, date and
    /// time are the shows' as committed now, read `FOR SHARE` (see `PostgresJournalWrites.insert`).
    private func bookingsCTE(_ statement: inout Statement) -> String {
        """
        INSERT INTO bookings (id, userId, showId, movieId, theatreId, seats, totalAmount, currency, bookingStatus, paymentStatus,
                              paymentId, expiresAt, showDate, showTime, createdAt, updatedAt, holdStartedAt)
        SELECT n.id, n.userId, n.showId, COALESCE(shown.movieId, n.movieId), n.theatreId, n.seats, n.totalAmount, n.currency,
               n.bookingStatus, n.paymentStatus, NULLIF(n.paymentId, ''), n.expiresAt, COALESCE(shown.showDate, n.showDate),
               COALESCE(shown.showTime, n.showTime), n.createdAt, n.updatedAt, CASE WHEN n.holdStarted THEN n.holdStartedAt END
        FROM unnest(\(statement.bind(bookings.map(\.id)))::text[], \(statement.bind(bookings.map(\.userId)))::text[],
                    \(statement.bind(bookings.map(\.showId)))::text[], \(statement.bind(bookings.map(\.movieId)))::text[],
                    \(statement.bind(bookings.map(\.theatreId)))::text[], \(statement.bind(bookings.map { JSONText.seats($0.seats) }))::text[],
                    \(statement.bind(bookings.map(\.totalAmount)))::bigint[], \(statement.bind(bookings.map(\.currency)))::text[],
                    \(statement.bind(bookings.map(\.bookingStatus.rawValue)))::text[],
                    \(statement.bind(bookings.map(\.paymentStatus.rawValue)))::text[],
                    \(statement.bind(bookings.map { $0.paymentId ?? "" }))::text[], \(statement.bind(bookings.map(\.expiresAt)))::timestamptz[],
                    \(statement.bind(bookings.map(\.showDate)))::text[], \(statement.bind(bookings.map(\.showTime)))::text[],
                    \(statement.bind(bookings.map(\.createdAt)))::timestamptz[], \(statement.bind(bookings.map(\.updatedAt)))::timestamptz[],
                    \(statement.bind(bookings.map { $0.holdStartedAt != nil }))::boolean[],
                    \(statement.bind(bookings.map { $0.holdStartedAt ?? $0.createdAt }))::timestamptz[])
             AS n(id, userId, showId, movieId, theatreId, seats, totalAmount, currency, bookingStatus, paymentStatus,
                  paymentId, expiresAt, showDate, showTime, createdAt, updatedAt, holdStarted, holdStartedAt)
        LEFT JOIN (SELECT id, movieId, showDate, showTime FROM shows WHERE id = ANY(\(statement.bind(Array(Set(bookings.map(\.showId)))))::text[])
                   FOR SHARE) AS shown ON shown.id = n.showId
        """
    }

    /// The run's idempotent answers, each stored (or replacing the one before) for its user and key.
    private func answersCTE(_ statement: inout Statement) -> String {
        """
        INSERT INTO idempotencyKeys (userId, key, requestHash, status, body, createdAt, expiresAt)
        SELECT * FROM unnest(\(statement.bind(answers.map(\.userId)))::text[], \(statement.bind(answers.map(\.key)))::text[],
                             \(statement.bind(answers.map(\.requestHash)))::text[], \(statement.bind(answers.map { Int64($0.status) }))::bigint[],
                             \(statement.bind(answers.map { ByteBuffer(bytes: $0.body) }))::bytea[],
                             \(statement.bind(answers.map(\.createdAt)))::timestamptz[], \(statement.bind(answers.map(\.expiresAt)))::timestamptz[])
        ON CONFLICT (userId, key) DO UPDATE SET requestHash = EXCLUDED.requestHash, status = EXCLUDED.status, body = EXCLUDED.body,
            createdAt = EXCLUDED.createdAt, expiresAt = EXCLUDED.expiresAt
        """
    }

    /// A statement's text built from parts, with its parameters numbered as they are bound.
    private struct Statement {
        var binds = PostgresBindings()

        /// Binds `values` as the next parameter; returns its placeholder (`$n`).
        mutating func bind<Value: PostgresArrayEncodable & PostgresNonThrowingEncodable>(_ values: [Value]) -> String {
            binds.append(values)
            return "$\(binds.count)"
        }

        /// Binds one value as the next parameter; returns its placeholder (`$n`).
        mutating func bind<Value: PostgresNonThrowingEncodable>(one value: Value) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }

        /// `WITH` the data-modifying `ctes` (each runs to completion, whether or not `main` reads it), then `main`.
        func query(_ ctes: [String], main: String) -> PostgresQuery {
            let with = ctes.enumerated().map { "step\($0.offset) AS (\($0.element))" }.joined(separator: ",\n")
            return PostgresQuery(unsafeSQL: ctes.isEmpty ? main : "WITH \(with)\n\(main)", binds: binds)
        }
    }
}
