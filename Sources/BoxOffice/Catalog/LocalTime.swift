import Foundation

/// Converts instants to a city's local date and time, the way shows are listed.
public enum LocalTime {
    /// `YYYY-MM-DD` and `HH:mm` of `instant` in `timeZone`.
    public static func dateAndTime(of instant: Date, in timeZone: TimeZone) -> (date: String, time: String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: instant)
        let date = String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
        let time = String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
        return (date, time)
    }

    /// Parses a strict `YYYY-MM-DD` (a real calendar day) into its components.
    public static func date(from text: String) -> DateComponents? {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == 0x2D, bytes[7] == 0x2D else { return nil }
        let digits = [0, 1, 2, 3, 5, 6, 8, 9]
        guard digits.allSatisfy({ bytes[$0] >= 0x30 && bytes[$0] <= 0x39 }) else { return nil }
        guard let year = Int(text.prefix(4)), let month = Int(text.dropFirst(5).prefix(2)), let day = Int(text.suffix(2)),
            year >= 1900, year <= 2200, (1...12).contains(month), day >= 1
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let components = DateComponents(year: year, month: month, day: day)
        guard let instant = calendar.date(from: components), calendar.component(.day, from: instant) == day else { return nil }
        return components
    }

    /// The instant `time` (`HH:mm`) on local `date` in `timeZone`.
    public static func instant(date: String, time: String, in timeZone: TimeZone) -> Date? {
        guard var components = Self.date(from: date) else { return nil }
        let parts = time.split(separator: ":")
        guard parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]) else { return nil }
        components.hour = hour
        components.minute = minute
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar.date(from: components)
    }

    /// Parses an RFC 3339 instant (`2026-11-27T18:30:00Z`, fractional seconds and offsets allowed).
    public static func instant(rfc3339 text: String) -> Date? {
        guard text.utf8.count <= 40 else { return nil }
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }
}
