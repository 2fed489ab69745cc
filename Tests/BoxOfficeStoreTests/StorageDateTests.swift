@testable import BoxOfficeStore
import Foundation
import GRDB
import SeatEngine
import Testing

@Suite("Dates bound without GRDB's DateFormatter")
struct StorageDateTests {
    @Test("StorageDate writes exactly the text GRDB's Date writes, and GRDB reads it back to the same millisecond")
    func sameTextAsGRDB() throws {
        var generator = SystemRandomNumberGenerator()
        var dates: [Date] = [
            Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 0.0009), Date(timeIntervalSince1970: 951_782_400),  // 2000-02-29
            Date(timeIntervalSince1970: 4_107_542_399.9999), Date(timeIntervalSince1970: 1_800_000_000.75),
            Date(timeIntervalSince1970: 1_799_999_999.999), Date(timeIntervalSince1970: 253_402_300_799.999), Date(),
        ]
        for _ in 0..<20_000 {
            dates.append(Date(timeIntervalSince1970: Double.random(in: 0..<4_200_000_000, using: &generator)))
            // Whole milliseconds and the values just around them.
            let whole = Double(Int64.random(in: 1_700_000_000_000..<1_900_000_000_000, using: &generator)) / 1000
            dates.append(Date(timeIntervalSince1970: whole))
            dates.append(Date(timeIntervalSince1970: whole.nextDown))
            dates.append(Date(timeIntervalSince1970: whole.nextUp))
            // Half milliseconds, where the rounding rule shows.
            let half = whole + 0.0005
            dates.append(contentsOf: [half, half.nextDown, half.nextUp].map { Date(timeIntervalSince1970: $0) })
        }
        var mismatches: [String] = []
        for date in dates where StorageDate.databaseValue(date) != date.databaseValue {
            mismatches.append("\(date.timeIntervalSince1970): \(StorageDate.databaseValue(date)) vs \(date.databaseValue)")
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(dates.count) differ, e.g. \(mismatches.prefix(5))")
        let sample = Date(timeIntervalSince1970: 1_800_000_000.75)
        #expect(StorageDate.databaseValue(sample) == "2027-01-15 08:00:00.750".databaseValue)
        #expect(Date.fromDatabaseValue(StorageDate.databaseValue(sample)) == sample)
        // Outside the fast range it is GRDB's own text.
        let early = Date(timeIntervalSince1970: -86_400.5)
        #expect(StorageDate.databaseValue(early) == early.databaseValue)
    }

    @Test("a date rounded to the millisecond (as the system clock gives them) formats, to the second, as the date read back from its row; the raw one need not")
    func storedPrecisionFormatsAsStored() throws {
        var generator = SystemRandomNumberGenerator()
        // Within half a millisecond of a second's end: stored, it rounds up into the next second.
        let edge = Date(timeIntervalSince1970: 1_800_000_000.9996)
        let stored = try #require(Date.fromDatabaseValue(StorageDate.databaseValue(edge)))
        #expect(edge.formatted(.iso8601) != stored.formatted(.iso8601), "the raw date says the second before")
        var mismatches: [Double] = []
        for _ in 0..<20_000 {
            let second = Double(Int64.random(in: 1_700_000_000...1_900_000_000, using: &generator))
            for date in [second - 0.0004, second - 0.0005, second - 0.0006, second, second + 0.0004, Double.random(in: second..<second + 1, using: &generator)]
                .map({ Date(timeIntervalSince1970: $0) }) {
                let read = try #require(Date.fromDatabaseValue(StorageDate.databaseValue(date)))
                if date.roundedToMilliseconds.formatted(.iso8601) != read.formatted(.iso8601) || StorageDate.databaseValue(date.roundedToMilliseconds) != StorageDate.databaseValue(date) {
                    mismatches.append(date.timeIntervalSince1970)
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) differ, e.g. \(mismatches.prefix(5))")
        // The server's clock gives such dates: rounding them again changes nothing, and they are stored as they are.
        let now = SystemClock().now
        #expect(now == now.roundedToMilliseconds)
        let read = try #require(Date.fromDatabaseValue(StorageDate.databaseValue(now)))
        #expect(abs(read.timeIntervalSince(now)) < 0.000_001, "\(read) vs \(now)")
    }
}
