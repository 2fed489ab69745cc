import Foundation
import GRDB

/// A year of a cinema chain's sales, written straight into a migrated SQLite database (made by `serve --demo`): ten
/// theatres of four 150-seat screens in the demo's first city, four shows a screen a day for `days` days up to today,
/// each with 0–12 bookings of 1–6 seats (one in twenty cancelled and refunded), their payments and seats, and each
/// show's `showSales` row as the journal keeps it. What the sales report reads, at a chain's real size.
struct SalesHistory {
    struct Summary: Sendable {
        var from = ""
        var to = ""
        var shows = 0
        var bookings = 0
        var tickets = 0
        var revenue = 0
        var refunds = 0
        var seconds = 0.0
    }

    var days: Int
    var theatres = 10
    var screens = 4
    var showsPerScreen = 4

    /// 10 rows × 15 seats, aisle after 4 and 11; rows A–C Silver, D–H Gold, I–J Platinum.
    static let layout =
        #"{"rows":["A","B","C","D","E","F","G","H","I","J"],"columns":15,"aisles":[4,11],"blocked":[],"categories":[{"name":"Silver","price":15000,"rows":["A","B","C"]},{"name":"Gold","price":25000,"rows":["D","E","F","G","H"]},{"name":"Platinum","price":40000,"rows":["I","J"]}]}"#
    static let seatsPerRow = 15
    static let rows = Array("ABCDEFGHIJ").map(String.init)

    static func price(row: Int) -> Int { row < 3 ? 15_000 : row < 8 ? 25_000 : 40_000 }

    func generate(path: String) throws -> Summary {
        let started = Date()
        var summary = Summary()
        try BulkWrite.into(path) { db in
            guard let city = try String.fetchOne(db, sql: "SELECT id FROM cities ORDER BY id LIMIT 1") else { throw BenchError("no city (start with --demo)") }
            let movies = try Row.fetchAll(db, sql: "SELECT id, languages FROM movies ORDER BY id").map { row -> (id: String, language: String) in
                let languages = (try? JSONSerialization.jsonObject(with: Data((row["languages"] as String).utf8))) as? [String]
                return (row["id"], languages?.first ?? "Hindi")
            }
            guard !movies.isEmpty else { throw BenchError("no movie (start with --demo)") }
            let now = Date()
            var ids = IdentifierMaker(seed: UInt64(now.timeIntervalSince1970 * 1000))
            var random = SplitMix(seed: 2026_12_05)
            let users = (0..<500).map { _ in ids.make("usr") }
            let insertUser = try db.makeStatement(
                sql: "INSERT INTO users (id, name, email, emailKey, passwordHash, phone, role, isActive, createdAt, updatedAt) VALUES (?, ?, ?, ?, 'x', NULL, 'user', 1, ?, ?)")
            for (index, user) in users.enumerated() {
                let email = "chain-\(index)-\(user.suffix(6))@bench.example".lowercased()
                try insertUser.execute(arguments: [user, "Chain \(index)", email, email, now, now])
            }
            var theatreIds = [String]()
            for index in 0..<theatres {
                let theatre = ids.make("thr")
                theatreIds.append(theatre)
                try db.execute(
                    sql: "INSERT INTO theatres (id, name, cityId, address, amenities, isActive, createdAt, updatedAt) VALUES (?, ?, ?, ?, '[]', 1, ?, ?)",
                    arguments: [theatre, "Chain Cinema \(index + 1)", city, "\(index + 1) Chain Road", now, now])
                for screen in 1...screens {
                    try db.execute(
                        sql: "INSERT INTO screens (theatreId, screenNumber, name, layout, totalSeats) VALUES (?, ?, ?, ?, ?)",
                        arguments: [theatre, screen, "Audi \(screen)", Self.layout, Self.rows.count * Self.seatsPerRow])
                }
            }
            let insertShow = try db.makeStatement(
                sql: """
                    INSERT INTO shows (id, movieId, theatreId, screenNumber, cityId, startsAt, endsAt, showDate, showTime, language, format,
                    isActive, layout, totalSeats, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '2D', 1, ?, ?, ?, ?)
                    """)
            let insertBooking = try db.makeStatement(
                sql: """
                    INSERT INTO bookings (id, userId, showId, movieId, theatreId, seats, totalAmount, currency, bookingStatus, paymentStatus,
                    paymentId, expiresAt, showDate, showTime, createdAt, updatedAt, ticketCode) VALUES (?, ?, ?, ?, ?, ?, ?, 'INR', ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            let insertSeat = try db.makeStatement(sql: "INSERT INTO bookingSeats (showId, seatNumber, bookingId, state) VALUES (?, ?, ?, 'booked')")
            let insertPayment = try db.makeStatement(
                sql: """
                    INSERT INTO payments (id, bookingId, userId, amount, currency, paymentMethod, paymentStatus, transactionId, paidAt, refundedAt,
                    createdAt, updatedAt) VALUES (?, ?, ?, ?, 'INR', 'upi', ?, ?, ?, ?, ?, ?)
                    """)
            let insertSales = try db.makeStatement(
                sql: "INSERT INTO showSales (showId, revenue, tickets, bookings, refunds, refundedBookings) VALUES (?, ?, ?, ?, ?, ?)")
            let day = DateFormatter()
            day.locale = Locale(identifier: "en_US_POSIX")
            day.timeZone = TimeZone(identifier: "UTC")
            day.dateFormat = "yyyy-MM-dd"
            let today = Calendar(identifier: .gregorian).startOfDay(for: now)
            let seatCount = Self.rows.count * Self.seatsPerRow
            for dayIndex in 0..<days {
                let date = today.addingTimeInterval(Double(dayIndex - days + 1) * 86_400)
                let showDate = day.string(from: date)
                if dayIndex == 0 { summary.from = showDate }
                summary.to = showDate
                for theatre in theatreIds {
                    for screen in 1...screens {
                        for slot in 0..<showsPerScreen {
                            let movie = movies[Int(random.next() % UInt64(movies.count))]
                            let startsAt = date.addingTimeInterval(Double(4 * 3600 + slot * 4 * 3600))
                            let hour = 9 + slot * 4
                            let showTime = String(format: "%02d:30", hour)
                            let showId = ids.make("shw")
                            try insertShow.execute(arguments: [
                                showId, movie.id, theatre, screen, city, startsAt, startsAt.addingTimeInterval(3 * 3600), showDate, showTime, movie.language,
                                Self.layout, seatCount, now, now,
                            ])
                            summary.shows += 1
                            var revenue = 0, tickets = 0, bookings = 0, refunds = 0, refunded = 0
                            var next = 0
                            for _ in 0..<Int(random.next() % 13) {
                                let size = 1 + Int(random.next() % 6)
                                guard next + size <= seatCount else { break }
                                let seats = (next..<(next + size)).map { position -> (number: String, row: Int, column: Int) in
                                    (Self.rows[position / Self.seatsPerRow] + String(position % Self.seatsPerRow + 1), position / Self.seatsPerRow,
                                     position % Self.seatsPerRow + 1)
                                }
                                next += size
                                let amount = seats.reduce(0) { $0 + Self.price(row: $1.row) }
                                let json = "[" + seats.map {
                                    #"{"seatNumber":"\#($0.number)","row":"\#(Self.rows[$0.row])","column":\#($0.column),"category":"\#($0.row < 3 ? "Silver" : $0.row < 8 ? "Gold" : "Platinum")","price":\#(Self.price(row: $0.row))}"#
                                }.joined(separator: ",") + "]"
                                let bookingId = ids.make("bkg")
                                let paymentId = ids.make("pay")
                                let user = users[Int(random.next() % UInt64(users.count))]
                                let cancelled = random.next() % 20 == 0
                                try insertBooking.execute(arguments: [
                                    bookingId, user, showId, movie.id, theatre, json, amount, cancelled ? "cancelled" : "confirmed",
                                    cancelled ? "refunded" : "completed", paymentId, startsAt, showDate, showTime, now, now,
                                    "C" + bookingId.suffix(15),
                                ])
                                try insertPayment.execute(arguments: [
                                    paymentId, bookingId, user, amount, cancelled ? "refunded" : "completed", "txn_" + paymentId, now, cancelled ? now : nil, now,
                                    now,
                                ])
                                if cancelled {
                                    refunds += amount
                                    refunded += 1
                                } else {
                                    for seat in seats { try insertSeat.execute(arguments: [showId, seat.number, bookingId]) }
                                    revenue += amount
                                    tickets += size
                                    bookings += 1
                                }
                            }
                            if bookings + refunded > 0 { try insertSales.execute(arguments: [showId, revenue, tickets, bookings, refunds, refunded]) }
                            summary.bookings += bookings
                            summary.tickets += tickets
                            summary.revenue += revenue
                            summary.refunds += refunds
                        }
                    }
                }
            }
        }
        summary.seconds = Date().timeIntervalSince(started)
        return summary
    }
}
