@testable import BoxOfficeStore
import BoxOfficeTestSupport
import Foundation
import GRDB
import SeatEngine
import Testing

/// `Booking.init(row:)` is written by hand (GRDB's `Codable` decoding of it was 3–4% of the booking flow's CPU): it
/// must read every row exactly as the `Codable` decoding did, whichever way the row was written.
@Suite("A booking read from its row")
struct BookingRowTests {
    /// GRDB's `Codable` decoding of a booking, as it was before the hand-written `init(row:)`.
    struct CodableBooking: Decodable, FetchableRecord {
        let booking: Booking
        init(from decoder: any Decoder) throws { booking = try Booking(from: decoder) }
    }

    static let statuses: [(BookingStatus, BookingPaymentStatus)] = [
        (.pending, .pending), (.confirmed, .completed), (.cancelled, .refunded), (.expired, .pending), (.pending, .failed),
    ]

    /// A booking with every field drawn at random, optional ones present or not; dates to the millisecond (as stored).
    func randomBooking(_ index: Int, using random: inout SplitMix64) -> Booking {
        func date() -> Date { Date(timeIntervalSince1970: Double(Int64.random(in: 1_700_000_000_000...1_900_000_000_000, using: &random)) / 1000) }
        let seats = (0..<Int.random(in: 0...10, using: &random)).map { n in
            Seat(seatNumber: "R\(n)", row: ["A", "B", "Ü", "\"q\""].randomElement(using: &random)!, column: n + 1,
                 category: ["standard", "premium", "wheelchair"].randomElement(using: &random)!, price: Int.random(in: 0...100_000, using: &random))
        }
        var show = makeShow(city: "cty_\(index)", movie: "mov_\(index)", theatre: "thr_\(index)", startsAt: date(), date: "2030-01-0\(index % 9 + 1)")
        show.showTime = "1\(index % 10):30"
        var booking = Booking(id: "bkg_\(index)", userId: "usr_\(index)", show: show, seats: seats, expiresAt: date(), createdAt: date())
        (booking.bookingStatus, booking.paymentStatus) = Self.statuses.randomElement(using: &random)!
        booking.updatedAt = date()
        if random.chance(0.5) { booking.paymentId = "pay_\(index)" }
        if random.chance(0.5) { booking.ticketCode = "TKT\(index)" }
        if random.chance(0.3) { booking.admittedAt = date() }
        if random.chance(0.5) { booking.holdStartedAt = date() }
        return booking
    }

    @Test("200 random bookings, written by the journal's SQL or as records: the same booking as Codable read it")
    func sameAsCodable() async throws {
        let seed = UInt64.random(in: 0...UInt64.max)
        var random = SplitMix64(seed: seed)
        let bookings = (0..<200).map { randomBooking($0, using: &random) }
        let database = try temporaryDatabase()
        try await database.pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")  // the bookings' shows and users are beside the point
            for (index, booking) in bookings.enumerated() {
                if index % 2 == 0 {
                    try booking.insert(db)
                } else {
                    let change = SeatChange(show: booking.showId, version: Int64(index), cause: .lock, seats: [], at: booking.createdAt)
                    try BookingWrites.lock(booking, replacing: nil, change: change, in: db)
                    try db.execute(
                        sql: "UPDATE bookings SET bookingStatus = ?, paymentStatus = ?, paymentId = ?, ticketCode = ?, admittedAt = ? WHERE id = ?",
                        arguments: [booking.bookingStatus.rawValue, booking.paymentStatus.rawValue, booking.paymentId, booking.ticketCode,
                                    booking.admittedAt.map(StorageDate.databaseValue), booking.id])
                }
            }
        }
        let (read, codable) = try await database.pool.read { db in
            (try Booking.fetchAll(db, sql: "SELECT * FROM bookings ORDER BY rowid"),
             try CodableBooking.fetchAll(db, sql: "SELECT * FROM bookings ORDER BY rowid").map(\.booking))
        }
        #expect(read.count == bookings.count)
        #expect(read == codable, "seed \(seed)")
        for (index, (got, written)) in zip(read, bookings).enumerated() {
            var wrote = written
            // As a record, a booking is written by its `encode(to:)`, which leaves the never-shown holdStartedAt out.
            if index % 2 == 0 { wrote.holdStartedAt = nil }
            var expected = wrote
            // Dates come back to the millisecond they were stored at.
            for path in [\Booking.expiresAt, \.createdAt, \.updatedAt] { expected[keyPath: path] = got[keyPath: path] }
            #expect(abs(got.expiresAt.timeIntervalSince(wrote.expiresAt)) < 0.001 && abs(got.createdAt.timeIntervalSince(wrote.createdAt)) < 0.001)
            expected.admittedAt = got.admittedAt
            expected.holdStartedAt = got.holdStartedAt
            #expect((got.admittedAt == nil) == (wrote.admittedAt == nil) && (got.holdStartedAt == nil) == (wrote.holdStartedAt == nil))
            #expect(got == expected, "seed \(seed)")
        }
    }

    @Test("a value of the wrong kind throws, never traps: no id, a price that is text, seats that are not JSON")
    func wrongValuesThrow() async throws {
        let database = try temporaryDatabase()
        var random = SplitMix64(seed: 7)
        let booking = randomBooking(1, using: &random)
        try await database.pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            try booking.insert(db)
        }
        let fetched = try database.pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM bookings") }
        let row = try #require(fetched)
        #expect(try Booking(row: row) == CodableBooking(row: row).booking)
        for (column, value) in [("id", DatabaseValue.null), ("totalAmount", "many".databaseValue), ("seats", "[{".databaseValue),
                                ("bookingStatus", "lost".databaseValue), ("expiresAt", "soon".databaseValue)] {
            var fields: [String: (any DatabaseValueConvertible)?] = [:]
            for (name, stored) in row { fields[name] = stored }
            fields[column] = value
            #expect(throws: (any Error).self, "\(column) = \(value)") { try Booking(row: Row(fields)) }
        }
    }
}
