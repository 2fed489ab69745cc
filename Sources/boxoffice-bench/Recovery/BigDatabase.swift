import Foundation
import GRDB

/// Fills a migrated BoxOffice database with a large history fast, straight into the schema (never through
/// the REST API): shows cloned from the catalog's largest screen, fully booked in bookings of ten seats with
/// their payments, seat rows and journal, plus pending holds, live and overdue, that the server must restore.
struct BigDatabase {
    struct Summary: Sendable {
        var shows = 0
        var bookedSeats = 0
        var bookings = 0
        var liveHoldShows: [String] = []
        var overdueHoldShows: [String] = []
        var seconds = 0.0
    }

    var bookedSeats: Int
    var liveHolds: Int
    var overdueHolds: Int

    func generate(path: String) throws -> Summary {
        let started = Date()
        var summary = Summary()
        try BulkWrite.into(path) { db in
            let template = try Self.template(db)
            let now = Date()
            var ids = IdentifierMaker(seed: UInt64(now.timeIntervalSince1970 * 1000))
            // Users who own the bookings.
            let userCount = 1_000
            let users = (0..<userCount).map { _ in ids.make("usr") }
            let insertUser = try db.makeStatement(
                sql: """
                    INSERT INTO users (id, name, email, emailKey, passwordHash, phone, role, isActive, createdAt, updatedAt)
                    VALUES (?, ?, ?, ?, ?, NULL, 'user', 1, ?, ?)
                    """)
            for (index, user) in users.enumerated() {
                // Plain ASCII lower case: the address is its own identity key.
                let email = "bulk-\(index)-\(user.suffix(6))@bench.example".lowercased()
                try insertUser.execute(arguments: [user, "Bulk \(index)", email, email, "not-a-hash", now, now])
            }
            let perShow = template.bookedPerShow
            let holdShows = liveHolds + overdueHolds
            let showCount = max((bookedSeats + perShow - 1) / perShow, holdShows)
            let insertShow = try db.makeStatement(
                sql: """
                    INSERT INTO shows (id, movieId, theatreId, screenNumber, cityId, startsAt, endsAt, showDate, showTime, language, format,
                    isActive, layout, totalSeats, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)
                    """)
            let insertBooking = try db.makeStatement(
                sql: """
                    INSERT INTO bookings (id, userId, showId, movieId, theatreId, seats, totalAmount, currency, bookingStatus, paymentStatus,
                    paymentId, expiresAt, showDate, showTime, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?, ?, 'INR', ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            let insertSeat = try db.makeStatement(sql: "INSERT INTO bookingSeats (showId, seatNumber, bookingId, state) VALUES (?, ?, ?, ?)")
            let insertPayment = try db.makeStatement(
                sql: """
                    INSERT INTO payments (id, bookingId, userId, amount, currency, paymentMethod, paymentStatus, transactionId, paidAt, createdAt,
                    updatedAt) VALUES (?, ?, ?, ?, 'INR', 'upi', 'completed', ?, ?, ?, ?)
                    """)
            let insertChange = try db.makeStatement(sql: "INSERT INTO seatChanges (showId, version, cause, seats, at) VALUES (?, ?, ?, ?, ?)")
            let insertSales = try db.makeStatement(sql: "INSERT INTO showSales (showId, revenue, tickets, bookings) VALUES (?, ?, ?, ?)")
            let day = DateFormatter()
            day.locale = Locale(identifier: "en_US_POSIX")
            day.timeZone = TimeZone(identifier: "UTC")
            day.dateFormat = "yyyy-MM-dd"
            let time = DateFormatter()
            time.locale = day.locale
            time.timeZone = day.timeZone
            time.dateFormat = "HH:mm"
            let base = now.addingTimeInterval(8 * 86_400)
            var remaining = bookedSeats
            var userTurn = 0

            for showIndex in 0..<showCount {
                let showId = ids.make("shw")
                let startsAt = base.addingTimeInterval(Double(showIndex) * 300)
                let showDate = day.string(from: startsAt)
                let showTime = time.string(from: startsAt)
                try insertShow.execute(arguments: [
                    showId, template.movieId, template.theatreId, template.screenNumber, template.cityId, startsAt, startsAt.addingTimeInterval(3 * 3600),
                    showDate, showTime, template.language, template.format, template.layout, template.seats.count, now, now,
                ])
                summary.shows += 1
                var version: Int64 = 0
                let booked = min(remaining, perShow)
                remaining -= booked
                var offset = 0
                var revenue = 0
                var showBookings = 0
                while offset < booked {
                    let seats = template.seats[offset..<min(offset + 10, booked)]
                    offset += seats.count
                    let bookingId = ids.make("bkg")
                    let paymentId = ids.make("pay")
                    let user = users[userTurn % users.count]
                    userTurn += 1
                    let amount = seats.reduce(0) { $0 + $1.price }
                    try insertBooking.execute(arguments: [
                        bookingId, user, showId, template.movieId, template.theatreId, ShowTemplate.bookingJSON(seats), amount, "confirmed", "completed",
                        paymentId, now.addingTimeInterval(300), showDate, showTime, now, now,
                    ])
                    for seat in seats { try insertSeat.execute(arguments: [showId, seat.number, bookingId, "booked"]) }
                    try insertPayment.execute(arguments: [paymentId, bookingId, user, amount, "txn_" + paymentId, now, now, now])
                    version += 1
                    try insertChange.execute(arguments: [showId, version, "lock", ShowTemplate.changeJSON(seats, "held"), now])
                    version += 1
                    try insertChange.execute(arguments: [showId, version, "book", ShowTemplate.changeJSON(seats, "booked"), now])
                    summary.bookings += 1
                    summary.bookedSeats += seats.count
                    revenue += amount
                    showBookings += 1
                }
                // Each show's sales, as the journal keeps them.
                if showBookings > 0 { try insertSales.execute(arguments: [showId, revenue, booked, showBookings]) }
                // Pending holds on the first shows: two seats from the free tail, live or overdue.
                if showIndex < holdShows {
                    let live = showIndex < liveHolds
                    let seats = template.seats[booked..<min(booked + 2, template.seats.count)]
                    guard !seats.isEmpty else { continue }
                    let bookingId = ids.make("bkg")
                    let user = users[userTurn % users.count]
                    userTurn += 1
                    try insertBooking.execute(arguments: [
                        bookingId, user, showId, template.movieId, template.theatreId, ShowTemplate.bookingJSON(seats), seats.reduce(0) { $0 + $1.price },
                        "pending", "pending", nil, now.addingTimeInterval(live ? 3600 : -3600), showDate, showTime, now, now,
                    ])
                    for seat in seats { try insertSeat.execute(arguments: [showId, seat.number, bookingId, "held"]) }
                    version += 1
                    try insertChange.execute(arguments: [showId, version, "lock", ShowTemplate.changeJSON(seats, "held"), now])
                    if live { summary.liveHoldShows.append(showId) } else { summary.overdueHoldShows.append(showId) }
                }
            }
        }
        summary.seconds = Date().timeIntervalSince(started)
        return summary
    }

    /// The catalog's largest screen layout, from an existing show.
    private static func template(_ db: Database) throws -> ShowTemplate {
        guard let row = try Row.fetchOne(db, sql: ShowTemplate.query) else { throw ShowTemplate.noShow }
        return try ShowTemplate(
            movieId: row["movieId"], theatreId: row["theatreId"], screenNumber: row["screenNumber"], cityId: row["cityId"], language: row["language"],
            format: row["format"], layout: row["layout"])
    }
}

/// Time-sortable ids shaped like the server's (`bkg_` + 26 Crockford base32 characters), unique by counter.
struct IdentifierMaker {
    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)
    private var counter: UInt64 = 0
    private let millis: UInt64
    private let salt: UInt64

    init(seed: UInt64) {
        millis = seed
        salt = UInt64.random(in: 0...UInt64.max) & 0xFFFF_FFFF
    }

    mutating func make(_ prefix: String) -> String {
        counter += 1
        var bytes = [UInt8]()
        bytes.reserveCapacity(26)
        for shift in stride(from: 45, through: 0, by: -5) { bytes.append(Self.alphabet[Int((millis >> UInt64(shift)) & 0x1F)]) }
        // 80 bits: 32 of salt, 48 of counter.
        let high = salt
        let low = counter
        for shift in stride(from: 30, through: 0, by: -5) { bytes.append(Self.alphabet[Int((high >> UInt64(shift)) & 0x1F)]) }
        for shift in stride(from: 40, through: 0, by: -5) { bytes.append(Self.alphabet[Int((low >> UInt64(shift)) & 0x1F)]) }
        return prefix + "_" + String(decoding: bytes, as: UTF8.self)
    }
}
