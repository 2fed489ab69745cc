import Foundation
import GRDB

/// A `Date` as GRDB stores it — text `yyyy-MM-dd HH:mm:ss.SSS` in UTC — written without GRDB's `DateFormatter`.
///
/// GRDB's `Date.databaseValue` formats through an ICU `DateFormatter`, ~2% of a lock's server CPU (a lock binds
/// four dates). This writes the same characters with integer arithmetic, so the file's format does not change and
/// everything GRDB reads still reads. Like the formatter, it rounds to the nearest millisecond (`StorageDateTests`
/// checks the text against GRDB's on 140,000 dates, boundaries included).
/// Dates outside 1970–9999 go through GRDB's own formatter.
enum StorageDate {
    /// Whole milliseconds since 1970, as stored: computed from the reference-date interval and rounded, as
    /// CoreFoundation does before ICU formats.
    static func milliseconds(_ date: Date) -> Double {
        ((date.timeIntervalSinceReferenceDate + 978_307_200) * 1000).rounded()
    }

    /// The text GRDB would store for `date`.
    static func databaseValue(_ date: Date) -> DatabaseValue {
        let milliseconds = milliseconds(date)
        guard milliseconds >= 0, milliseconds < 253_402_300_800_000 else { return date.databaseValue }
        let total = Int64(milliseconds)
        let days = total / 86_400_000
        let inDay = Int(total % 86_400_000)
        let (year, month, day) = CivilDate.civil(daysSince1970: days)
        var bytes = [UInt8](repeating: 0, count: 23)
        bytes.withUnsafeMutableBufferPointer { out in
            func put(_ value: Int, at offset: Int, digits: Int) {
                var value = value
                for position in stride(from: offset + digits - 1, through: offset, by: -1) {
                    out[position] = UInt8(truncatingIfNeeded: 0x30 + value % 10)
                    value /= 10
                }
            }
            put(Int(year), at: 0, digits: 4)
            out[4] = 0x2D  // -
            put(month, at: 5, digits: 2)
            out[7] = 0x2D
            put(day, at: 8, digits: 2)
            out[10] = 0x20  // space
            put(inDay / 3_600_000, at: 11, digits: 2)
            out[13] = 0x3A  // :
            put(inDay / 60_000 % 60, at: 14, digits: 2)
            out[16] = 0x3A
            put(inDay / 1000 % 60, at: 17, digits: 2)
            out[19] = 0x2E  // .
            put(inDay % 1000, at: 20, digits: 3)
        }
        return String(decoding: bytes, as: UTF8.self).databaseValue
    }
}
