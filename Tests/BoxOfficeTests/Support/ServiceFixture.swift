import BoxOffice
import BoxOfficeStore
import BoxOfficeTestSupport
import Foundation
import Logging
import SeatEngine
import TestDatabases
import Synchronization
import Testing

/// The services over fresh stores of one kind, on a manual clock, with one show on sale tomorrow: a screen of rows A
/// (Silver, 100) and B (Gold, 200), four seats each.
struct ServiceFixture: Sendable {
    static let holdSeconds = 300

    let stores: Stores
    let clock: ManualClock
    let feed: RecordedFeed
    let accounts: AccountService
    let bookings: BookingService
    let payments: PaymentService
    let show: Show

    /// A newly registered user's id.
    func user(_ name: String) async throws -> String {
        let input = RegisterInput(name: name, email: "\(name.lowercased())-\(UUID().uuidString.prefix(8))@example.com", password: "password-123")
        return try await accounts.register(input).id
    }

    /// Holds `seats` of the show for `user`.
    func lock(_ user: String, _ seats: [String], answer: AnswerRecipe<Booking>? = nil) async throws -> Booking {
        try await bookings.lock(userId: user, LockSeatsInput(showId: show.id, seats: seats), answer: answer)
    }

    /// Pays for `booking` by UPI (no card, always approved by the simulated gateway): the completed payment.
    func pay(_ user: String, _ booking: Booking, answer: AnswerRecipe<Payment>? = nil) async throws -> Payment {
        let payment = try await payments.initiate(userId: user, InitiatePaymentInput(bookingId: booking.id, paymentMethod: "upi"))
        return try await payments.process(userId: user, paymentId: payment.id, ProcessPaymentInput(), answer: answer)
    }

    /// The booking's status as the database has it.
    func status(of booking: String) async throws -> BookingStatus? {
        try await stores.bookings.booking(id: booking)?.bookingStatus
    }

    /// The show's seats as the store has them durably (what a restarted server would rebuild the show from).
    func durableSeats() async throws -> SeatMapState {
        try await stores.bookings.seatState(showId: show.id)
    }
}

let logger: Logger = {
    var logger = Logger(label: "service-tests")
    logger.logLevel = .warning
    return logger
}()

/// Runs `body` with the services over fresh stores of `kind` (a new SQLite file, or a new PostgreSQL database of the
/// test cluster), then checks the money rules (`LedgerCheck`) over what it left.
func withServices(on kind: StoreKind, routing: OutboxRouting = .none, _ body: (ServiceFixture) async throws -> Void) async throws {
    switch kind {
    case .sqlite:
        let path = temporaryDatabasePath()
        try await run(try Stores.sqlite(path: path, logger: logger), routing: routing, body)
        #expect(try await LedgerCheck.violations(in: BoxOfficeDatabase(path: path)) == [])
    case .postgres:
        try await TestPostgres.withFreshDatabase { url in
            try await run(try await Stores.postgres(url: url, logger: logger), routing: routing, body)
            let violations = try await PostgresDatabase.withOpened(url: url, logger: logger) { try await LedgerCheck.violations(in: $0) }
            #expect(violations == [])
        }
    }
}

/// `count` nodes on one fresh PostgreSQL database: each with its own stores (pool, journal), services and clock, all
/// selling the same show (the first node writes it). Then the money rules over what they left.
/// `following: false`: no node hears of another's changes (no listener), as if every notice came late; a copy then
/// finds another node's change only when the journal refuses its own as out of date.
func withNodes(_ count: Int, following: Bool = true, _ body: ([ServiceFixture]) async throws -> Void) async throws {
    try await TestPostgres.withFreshDatabase { url in
        var stores: [Stores] = []
        for _ in 0..<count { stores.append(try await Stores.postgres(url: url, logger: logger)) }
        func nest(_ fixtures: [ServiceFixture]) async throws {
            guard fixtures.count < count else { return try await body(fixtures) }
            try await run(stores[fixtures.count], show: fixtures.first?.show, following: following) { try await nest(fixtures + [$0]) }
        }
        try await nest([])
        let violations = try await PostgresDatabase.withOpened(url: url, logger: logger) { try await LedgerCheck.violations(in: $0) }
        #expect(violations == [])
    }
}

/// Runs the stores' own services (the journal's writer, connection pools) for the length of `body`, and the
/// services over them on a manual clock, selling `show` (nil: a new one, written here); `following`: listening to other
/// nodes' changes.
private func run(
    _ stores: Stores, show: Show? = nil, routing: OutboxRouting = .none, following: Bool = true, _ body: (ServiceFixture) async throws -> Void
) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        for service in stores.services { group.addTask { try await service.run() } }
        defer { group.cancelAll() }
        let clock = ManualClock()
        let feed = RecordedFeed()
        let bookings = BookingService(
            catalog: stores.catalog, bookings: stores.bookings, journal: stores.journal, feed: feed, clock: clock,
            holdSeconds: ServiceFixture.holdSeconds, sharedWriters: stores.sharedWriters, routing: routing, logger: logger)
        let listening = Mutex(false)
        if following, let listener = stores.seatChanges {
            group.addTask {
                await listener.run { show, version, change in
                    // As the server does (`OtherNodesService`): a copy one version behind applies the change it carries.
                    await bookings.committedElsewhere(show: show, version: version, effect: change?.followedEffect())
                } onExtension: { show, booking, expiresAt in
                    await bookings.extendedElsewhere(show: show, booking: booking, expiresAt: expiresAt)
                } onShowEdit: { _ in
                    // The fixture's services read the catalog without a cache.
                } onGap: {
                    await bookings.mayHaveMissedChanges()
                    listening.withLock { $0 = true }
                }
            }
            // As a node's first requests may: the test begins once the node hears other nodes' changes.
            _ = await eventually(timeout: .seconds(10)) { listening.withLock { $0 } }
        }
        let selling: Show
        if let show { selling = show } else { selling = try await onSale(in: stores.catalog, at: clock.now) }
        let fixture = ServiceFixture(
            stores: stores, clock: clock, feed: feed, accounts: AccountService(users: stores.accounts, hasher: PlainHasher(), clock: clock),
            bookings: bookings,
            payments: PaymentService(booking: bookings, payments: stores.payments, journal: stores.journal, gateway: SimulatedGateway(), clock: clock),
            show: selling)
        do {
            try await body(fixture)
        } catch {
            await bookings.shutdown()
            throw error
        }
        await bookings.shutdown()
    }
}

/// Writes a city, a movie, a theatre with one screen and a show starting a day after `now`; returns the show.
func onSale(in catalog: any CatalogStore, at now: Date) async throws -> Show {
    let layout = SeatLayout(
        rows: ["A", "B"], columns: 4, categories: [.init(name: "Silver", price: 100, rows: ["A"]), .init(name: "Gold", price: 200, rows: ["B"])])
    let city = City(id: Identifier.make("cty", at: now), name: "Pune", state: "MH", timeZone: "Asia/Kolkata", createdAt: now, updatedAt: now)
    let movie = Movie(
        id: Identifier.make("mov", at: now), title: "Film", description: "About", genres: ["Drama"], languages: ["Hindi"], durationMinutes: 120,
        rating: 8.1, releaseDate: "2026-12-01", posterUrl: nil, cityIds: [city.id], createdAt: now, updatedAt: now)
    let theatre = Theatre(
        id: Identifier.make("thr", at: now), name: "Screen One", cityId: city.id, address: "MG Road", amenities: [], createdAt: now, updatedAt: now)
    let startsAt = now.addingTimeInterval(24 * 3600)
    let show = Show(
        id: Identifier.make("shw", at: now), movieId: movie.id, theatreId: theatre.id, screenNumber: 1, cityId: city.id, startsAt: startsAt,
        endsAt: startsAt.addingTimeInterval(120 * 60), showDate: "2027-01-16", showTime: "13:30", language: "Hindi", format: "2D",
        layout: layout, createdAt: now, updatedAt: now)
    try await catalog.insert(city)
    try await catalog.insert(movie)
    try await catalog.insert(TheatreDetail(theatre: theatre, screens: [Screen(theatreId: theatre.id, screenNumber: 1, name: "Audi 1", layout: layout)]))
    try await catalog.insert(show)
    return show
}
