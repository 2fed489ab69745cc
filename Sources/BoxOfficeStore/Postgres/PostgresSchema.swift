import PostgresNIO

/// The PostgreSQL schema's history: the same tables, columns and database-level guards as SQLite's `Migrations`,
/// under the same names, v1 to v6, then what only PostgreSQL needs. A PostgreSQL database starts empty under this
/// version, so the repairs of old data that SQLite's v4 and v5 carry have nothing to repair here.
///
/// Types: ids and local dates (`showDate`, `releaseDate`) `text`, instants `timestamptz`, counts and money `bigint`,
/// JSON `text` (written as built, by hand on the journal's path, and parsed by the reader; see docs/POSTGRES.md).
/// Names are written unquoted, as in SQLite's SQL, so PostgreSQL folds them to lower case: never quote them.
enum PostgresSchema {
    static let migrations: [PostgresMigration] = [
        PostgresMigration(
            name: "v1-accounts-catalog",
            statements: [
                """
                CREATE TABLE users (
                    id text PRIMARY KEY,
                    name text NOT NULL,
                    email text NOT NULL,
                    passwordHash text NOT NULL,
                    phone text,
                    role text NOT NULL,
                    isActive boolean NOT NULL DEFAULT true,
                    createdAt timestamptz NOT NULL,
                    updatedAt timestamptz NOT NULL
                )
                """,
                // SQLite's `UNIQUE COLLATE NOCASE`.
                "CREATE UNIQUE INDEX users_email ON users (lower(email))",
                """
                CREATE TABLE cities (
                    id text PRIMARY KEY,
                    name text NOT NULL,
                    state text NOT NULL,
                    timeZone text NOT NULL,
                    isActive boolean NOT NULL DEFAULT true,
                    createdAt timestamptz NOT NULL,
                    updatedAt timestamptz NOT NULL
                )
                """,
                "CREATE UNIQUE INDEX cities_name ON cities (lower(name))",
                """
                CREATE TABLE movies (
                    id text PRIMARY KEY,
                    title text NOT NULL,
                    description text NOT NULL,
                    genres text NOT NULL,
                    languages text NOT NULL,
                    durationMinutes bigint NOT NULL,
                    rating double precision NOT NULL,
                    releaseDate text NOT NULL,
                    posterUrl text,
                    cityIds text NOT NULL,
                    isActive boolean NOT NULL DEFAULT true,
                    createdAt timestamptz NOT NULL,
                    updatedAt timestamptz NOT NULL
                )
                """,
                "CREATE INDEX movies_title ON movies (title)",
                """
                CREATE TABLE theatres (
                    id text PRIMARY KEY,
                    name text NOT NULL,
                    cityId text NOT NULL REFERENCES cities,
                    address text NOT NULL,
                    amenities text NOT NULL,
                    isActive boolean NOT NULL DEFAULT true,
                    createdAt timestamptz NOT NULL,
                    updatedAt timestamptz NOT NULL
                )
                """,
                "CREATE INDEX theatres_city ON theatres (cityId, name)",
                """
                CREATE TABLE screens (
                    theatreId text NOT NULL REFERENCES theatres,
                    screenNumber bigint NOT NULL,
                    name text NOT NULL,
                    layout text NOT NULL,
                    totalSeats bigint NOT NULL,
                    PRIMARY KEY (theatreId, screenNumber)
                )
                """,
                """
                CREATE TABLE shows (
                    id text PRIMARY KEY,
                    movieId text NOT NULL REFERENCES movies,
                    theatreId text NOT NULL REFERENCES theatres,
                    screenNumber bigint NOT NULL,
                    cityId text NOT NULL REFERENCES cities,
                    startsAt timestamptz NOT NULL,
                    endsAt timestamptz NOT NULL,
                    showDate text NOT NULL,
                    showTime text NOT NULL,
                    language text NOT NULL,
                    format text NOT NULL,
                    isActive boolean NOT NULL DEFAULT true,
                    layout text NOT NULL,
                    totalSeats bigint NOT NULL,
                    createdAt timestamptz NOT NULL,
                    updatedAt timestamptz NOT NULL,
                    FOREIGN KEY (theatreId, screenNumber) REFERENCES screens
                )
                """,
                // Every list filter is an index range: by city and local date, by movie, by theatre; all ordered by start.
                "CREATE INDEX shows_city_start ON shows (cityId, startsAt)",
                "CREATE INDEX shows_city_date ON shows (cityId, showDate, startsAt)",
                "CREATE INDEX shows_movie_start ON shows (movieId, startsAt)",
                "CREATE INDEX shows_theatre_start ON shows (theatreId, startsAt)",
                "CREATE INDEX shows_start ON shows (startsAt)",
                "CREATE INDEX shows_screen_start ON shows (theatreId, screenNumber, startsAt)",
            ]),
        PostgresMigration(
            name: "v2-bookings",
            statements: [
                """
                CREATE TABLE bookings (
                    id text PRIMARY KEY,
                    userId text NOT NULL REFERENCES users,
                    showId text NOT NULL REFERENCES shows,
                    movieId text NOT NULL,
                    theatreId text NOT NULL,
                    seats text NOT NULL,
                    totalAmount bigint NOT NULL,
                    currency text NOT NULL,
                    bookingStatus text NOT NULL,
                    paymentStatus text NOT NULL,
                    paymentId text,
                    expiresAt timestamptz NOT NULL,
                    showDate text NOT NULL,
                    showTime text NOT NULL,
                    createdAt timestamptz NOT NULL,
                    updatedAt timestamptz NOT NULL
                )
                """,
                // History is "newest first" per user; ids are time-sortable.
                "CREATE INDEX bookings_user ON bookings (userId, id)",
                "CREATE INDEX bookings_show_status ON bookings (showId, bookingStatus)",
                "CREATE INDEX bookings_pending ON bookings (bookingStatus, showId) WHERE bookingStatus = 'pending'",
                // One row per seat of a live (held) or confirmed (booked) booking; released seats have no row.
                // The primary key, which SQLite's table lacks (it has a rowid), is implied by the live index below (a
                // booking is for one show) and gives the by-booking updates their index and the table a replica identity.
                """
                CREATE TABLE bookingSeats (
                    showId text NOT NULL,
                    seatNumber text NOT NULL,
                    bookingId text NOT NULL REFERENCES bookings,
                    state text NOT NULL,
                    PRIMARY KEY (bookingId, seatNumber)
                )
                """,
                // The database's own guard: even an engine bug cannot write a seat into two live bookings.
                "CREATE UNIQUE INDEX bookingSeats_live ON bookingSeats (showId, seatNumber) WHERE state IN ('held', 'booked')",
                """
                CREATE TABLE payments (
                    id text PRIMARY KEY,
                    bookingId text NOT NULL REFERENCES bookings,
                    userId text NOT NULL,
                    amount bigint NOT NULL,
                    currency text NOT NULL,
                    paymentMethod text NOT NULL,
                    paymentStatus text NOT NULL,
                    transactionId text UNIQUE,
                    failureCode text,
                    gatewayResponse text,
                    paidAt timestamptz,
                    refundedAt timestamptz,
                    createdAt timestamptz NOT NULL,
                    updatedAt timestamptz NOT NULL
                )
                """,
                "CREATE INDEX payments_booking ON payments (bookingId)",
                // Payment attempts are kept forever. TRUNCATE skips DELETE triggers, so it is refused too.
                """
                CREATE FUNCTION payments_kept() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'payments are never deleted' USING ERRCODE = 'restrict_violation';
                END
                $$
                """,
                "CREATE TRIGGER payments_kept BEFORE DELETE OR TRUNCATE ON payments FOR EACH STATEMENT EXECUTE FUNCTION payments_kept()",
                """
                CREATE TABLE idempotencyKeys (
                    userId text NOT NULL,
                    key text NOT NULL,
                    requestHash text NOT NULL,
                    status bigint NOT NULL,
                    body bytea NOT NULL,
                    createdAt timestamptz NOT NULL,
                    expiresAt timestamptz NOT NULL,
                    PRIMARY KEY (userId, key)
                )
                """,
                // The seat journal: every change to a show's seats, versioned, append-only.
                """
                CREATE TABLE seatChanges (
                    showId text NOT NULL,
                    version bigint NOT NULL,
                    cause text NOT NULL,
                    seats text NOT NULL,
                    at timestamptz NOT NULL,
                    PRIMARY KEY (showId, version)
                )
                """,
                """
                CREATE FUNCTION seatChanges_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'seatChanges is append-only' USING ERRCODE = 'restrict_violation';
                END
                $$
                """,
                // Per statement, not per row: an UPDATE or DELETE is refused even when it matches no row.
                """
                CREATE TRIGGER seatChanges_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON seatChanges
                FOR EACH STATEMENT EXECUTE FUNCTION seatChanges_append_only()
                """,
            ]),
        // Start-up voids payments a crash left processing; without an index that read scans every payment ever made.
        PostgresMigration(
            name: "v3-payments-processing",
            statements: ["CREATE INDEX payments_processing ON payments (paymentStatus) WHERE paymentStatus = 'processing'"]),
        // A booking is charged at most once: at most one completed (captured) attempt per booking.
        PostgresMigration(
            name: "v4-one-charge-per-booking",
            statements: ["CREATE UNIQUE INDEX payments_one_charge ON payments (bookingId) WHERE paymentStatus = 'completed'"]),
        // Emails are one identity after NFKC and case folding (`EmailIdentity`). Unlike SQLite's, the column has no
        // default: a user written without its identity key is refused instead of taking the key ''.
        PostgresMigration(
            name: "v5-email-identity",
            statements: [
                "ALTER TABLE users ADD COLUMN emailKey text NOT NULL",
                "CREATE UNIQUE INDEX users_emailKey ON users (emailKey)",
            ]),
        // Expired idempotent answers are deleted every minute: by index, not by a scan of a day's keys.
        PostgresMigration(
            name: "v6-idempotency-expiry",
            statements: ["CREATE INDEX idempotencyKeys_expiry ON idempotencyKeys (expiresAt)"]),
        // What the nodes share besides the data: the JWT signing secret (SQLite keeps it in a file beside the database).
        PostgresMigration(
            name: "v7-settings",
            statements: [
                """
                CREATE TABLE settings (
                    key text PRIMARY KEY,
                    value text NOT NULL
                )
                """
            ]),
        // The lists' order is SQLite's, whatever the database's collation (see PostgresCatalogStore): indexes in it.
        PostgresMigration(
            name: "v8-catalog-order",
            statements: [
                #"CREATE INDEX cities_order ON cities ((lower(name COLLATE "C")), id)"#,
                "DROP INDEX movies_title",
                #"CREATE INDEX movies_title ON movies ((title COLLATE "C"), id)"#,
                "DROP INDEX theatres_city",
                #"CREATE INDEX theatres_city ON theatres (cityId, (name COLLATE "C"), id)"#,
            ]),
        // Every node hears of every seat change when it commits (docs/CLUSTER.md): "<show> <version>" on one channel,
        // sent by the database itself, so the journal's writer spends no round trip on it.
        PostgresMigration(
            name: "v9-seat-change-notices",
            statements: [
                """
                CREATE FUNCTION seatChanges_notify() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('boxoffice_seat_changes', NEW.showId || ' ' || NEW.version);
                    RETURN NULL;
                END $$
                """,
                "CREATE TRIGGER seatChanges_notify AFTER INSERT ON seatChanges FOR EACH ROW EXECUTE FUNCTION seatChanges_notify()",
            ]),
        // A row per journal transaction, inserted first in it: after a `COMMIT` whose answer was lost, the row tells
        // whether it committed (PostgresBatchWriter). Rows older than an hour are deleted with the expired answers.
        PostgresMigration(
            name: "v10-journal-commits",
            statements: [
                """
                CREATE TABLE journalCommits (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    at timestamptz NOT NULL DEFAULT now()
                )
                """,
                "CREATE INDEX journalCommits_at ON journalCommits (at)",
            ]),
        // E-tickets: a code given at confirmation (unique, found by the door's scan), and when it was admitted.
        PostgresMigration(
            name: "v11-tickets",
            statements: [
                "ALTER TABLE bookings ADD COLUMN ticketCode text, ADD COLUMN admittedAt timestamptz",
                "CREATE UNIQUE INDEX bookings_ticketCode ON bookings (ticketCode) WHERE ticketCode IS NOT NULL",
            ]),
        // The outbox: events written with the change that caused them, and one delivery row per channel.
        PostgresMigration(
            name: "v12-outbox",
            statements: [
                """
                CREATE TABLE outbox (
                    id text PRIMARY KEY,
                    seq bigint GENERATED ALWAYS AS IDENTITY,
                    kind text NOT NULL,
                    bookingId text NOT NULL REFERENCES bookings(id),
                    createdAt timestamptz NOT NULL
                )
                """,
                """
                CREATE TABLE outboxDeliveries (
                    eventId text NOT NULL REFERENCES outbox(id),
                    channel text NOT NULL,
                    attempts integer NOT NULL DEFAULT 0,
                    nextAttemptAt timestamptz NOT NULL,
                    lastError text,
                    deliveredAt timestamptz,
                    PRIMARY KEY (eventId, channel)
                )
                """,
                "CREATE INDEX outboxDeliveries_due ON outboxDeliveries (channel, nextAttemptAt) WHERE deliveredAt IS NULL",
            ]),
        // Webhooks (their deliveries are outbox rows on channel "webhook:<id>") and their delivery log.
        PostgresMigration(
            name: "v13-webhooks",
            statements: [
                """
                CREATE TABLE webhooks (
                    id text PRIMARY KEY,
                    url text NOT NULL,
                    events text NOT NULL,
                    secret text NOT NULL,
                    isActive boolean NOT NULL DEFAULT true,
                    createdAt timestamptz NOT NULL,
                    deactivatedAt timestamptz
                )
                """,
                """
                CREATE TABLE webhookAttempts (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    webhookId text NOT NULL REFERENCES webhooks(id),
                    eventId text NOT NULL,
                    type text NOT NULL,
                    attemptedAt timestamptz NOT NULL,
                    statusCode integer,
                    error text
                )
                """,
                "CREATE INDEX webhookAttempts_webhook ON webhookAttempts (webhookId, id)",
            ]),
        // Honest holds: when a chain of holds started (a replacing lock keeps it), the cap of its extensions.
        PostgresMigration(name: "v14-hold-start", statements: ["ALTER TABLE bookings ADD COLUMN holdStartedAt timestamptz"]),
        // Each show's sales, kept by the journal with every booking and refund (the sales report reads one row per show),
        // filled from the bookings already there.
        PostgresMigration(
            name: "v15-show-sales",
            statements: [
                """
                CREATE TABLE showSales (
                    showId text PRIMARY KEY,
                    revenue bigint NOT NULL DEFAULT 0,
                    tickets bigint NOT NULL DEFAULT 0,
                    bookings bigint NOT NULL DEFAULT 0,
                    refunds bigint NOT NULL DEFAULT 0,
                    refundedBookings bigint NOT NULL DEFAULT 0
                )
                """,
                """
                INSERT INTO showSales (showId, revenue, tickets, bookings, refunds, refundedBookings)
                SELECT showId,
                       SUM(CASE WHEN bookingStatus = 'confirmed' THEN totalAmount ELSE 0 END),
                       SUM(CASE WHEN bookingStatus = 'confirmed' THEN (SELECT COUNT(*) FROM bookingSeats s WHERE s.bookingId = bookings.id AND s.state = 'booked') ELSE 0 END),
                       COUNT(*) FILTER (WHERE bookingStatus = 'confirmed'),
                       SUM(CASE WHEN paymentStatus = 'refunded' THEN totalAmount ELSE 0 END),
                       COUNT(*) FILTER (WHERE paymentStatus = 'refunded')
                FROM bookings WHERE (bookingStatus = 'confirmed' OR paymentStatus = 'refunded') GROUP BY showId
                """,
                "CREATE INDEX shows_report ON shows (showDate, theatreId, movieId) INCLUDE (isActive, totalSeats, id)",
            ]),
        // A channel's next delivery by an index seek, not a sort of its backlog: each delivery carries its event's seq.
        PostgresMigration(
            name: "v16-outbox-order",
            statements: [
                "ALTER TABLE outboxDeliveries ADD COLUMN seq bigint",
                "UPDATE outboxDeliveries d SET seq = o.seq FROM outbox o WHERE o.id = d.eventId",
                "ALTER TABLE outboxDeliveries ALTER COLUMN seq SET NOT NULL",
                "CREATE INDEX outboxDeliveries_pending ON outboxDeliveries (channel, seq) WHERE deliveredAt IS NULL",
                "CREATE INDEX outboxDeliveries_due_order ON outboxDeliveries (channel, nextAttemptAt, seq) WHERE deliveredAt IS NULL",
                "DROP INDEX outboxDeliveries_due",
            ]),
        // Every node hears of an admin's edit of a show (its time, its movie, deactivation) when it commits, on the seat
        // changes' channel as "edit <show>", and drops its cached copy: without it, another node kept selling a show
        // that had been deactivated, and wrote bookings with its old time.
        PostgresMigration(
            name: "v17-show-edit-notices",
            statements: [
                """
                CREATE FUNCTION shows_notify() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('boxoffice_seat_changes', 'edit ' || NEW.id);
                    RETURN NULL;
                END $$
                """,
                "CREATE TRIGGER shows_notify AFTER UPDATE ON shows FOR EACH ROW EXECUTE FUNCTION shows_notify()",
            ]),
        // A seat change's notice carries the change ("<show> <version> <cause> <at, µs since 1970> <seats JSON>"), so a
        // node whose sockets follow the show applies it as heard, instead of reading it back from the table — at 1,000
        // changes a second that read, one at a time in the listener, was what held cross-node delivery back. A change
        // too large for a notice's 8,000 bytes is announced as before ("<show> <version>") and read.
        PostgresMigration(
            name: "v18-seat-change-notices-carry-the-change",
            statements: [
                """
                CREATE OR REPLACE FUNCTION seatChanges_notify() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF octet_length(NEW.seats) + octet_length(NEW.showId) + octet_length(NEW.cause) <= 7800 THEN
                        PERFORM pg_notify('boxoffice_seat_changes', NEW.showId || ' ' || NEW.version || ' ' || NEW.cause || ' '
                            || (extract(epoch FROM NEW.at) * 1000000)::bigint || ' ' || NEW.seats);
                    ELSE
                        PERFORM pg_notify('boxoffice_seat_changes', NEW.showId || ' ' || NEW.version);
                    END IF;
                    RETURN NULL;
                END $$
                """,
            ]),
        // A seat change keeps what it did to the show's bookings (`FollowedEffectText`: the new hold, the holds ended, the
        // booking paid for or cancelled), and its notice carries it ("<show> <version> <cause> <at> <effect, or -> <seats
        // JSON>"): a node whose copy of the show is one version behind applies the change to it instead of loading the
        // show again on its next use — which, with requests spread over the nodes, was most requests.
        PostgresMigration(
            name: "v19-seat-change-effects",
            statements: [
                "ALTER TABLE seatChanges ADD COLUMN effect TEXT",
                """
                CREATE OR REPLACE FUNCTION seatChanges_notify() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF octet_length(NEW.seats) + octet_length(NEW.showId) + octet_length(NEW.cause) + COALESCE(octet_length(NEW.effect), 0) <= 7800 THEN
                        PERFORM pg_notify('boxoffice_seat_changes', NEW.showId || ' ' || NEW.version || ' ' || NEW.cause || ' '
                            || (extract(epoch FROM NEW.at) * 1000000)::bigint || ' ' || COALESCE(NEW.effect, '-') || ' ' || NEW.seats);
                    ELSE
                        PERFORM pg_notify('boxoffice_seat_changes', NEW.showId || ' ' || NEW.version);
                    END IF;
                    RETURN NULL;
                END $$
                """,
            ]),
        // A hold extended is heard by every node ("extend <show> <booking> <expires, µs>"): an extension changes no seat,
        // so no seat change tells another node's copy of the show, which would keep the hold's old expiry — refuse to
        // pay for it in its last second there, and try to expire it at its old time (refused, and loaded again).
        PostgresMigration(
            name: "v20-hold-extension-notices",
            statements: [
                """
                CREATE FUNCTION bookings_extension_notify() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('boxoffice_seat_changes', 'extend ' || NEW.showId || ' ' || NEW.id || ' '
                        || (extract(epoch FROM NEW.expiresAt) * 1000000)::bigint);
                    RETURN NULL;
                END $$
                """,
                """
                CREATE TRIGGER bookings_extension_notify AFTER UPDATE OF expiresAt ON bookings FOR EACH ROW
                WHEN (NEW.bookingStatus = 'pending' AND NEW.expiresAt > OLD.expiresAt) EXECUTE FUNCTION bookings_extension_notify()
                """,
            ]),
    ]
}
