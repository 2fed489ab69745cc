import BoxOfficeStore
import Foundation

/// Checks for admin and account input. Each throws `BoxOfficeError.invalid` naming the field.
enum Validate {
    /// Trimmed text of `range` characters.
    static func text(_ value: String, field: String, length range: ClosedRange<Int>) throws -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard range.contains(trimmed.count) else {
            throw BoxOfficeError.invalid(field, "\(field) must be \(range.lowerBound) to \(range.upperBound) characters")
        }
        return trimmed
    }

    /// A list of short names (genres, languages, amenities): trimmed, non-empty, no duplicates.
    static func names(_ values: [String], field: String, allowEmpty: Bool = false, max: Int = 20) throws -> [String] {
        if values.isEmpty && !allowEmpty { throw BoxOfficeError.invalid(field, "\(field) needs at least one entry") }
        guard values.count <= max else { throw BoxOfficeError.invalid(field, "\(field) takes at most \(max) entries") }
        var seen = Set<String>()
        var result = [String]()
        for (index, value) in values.enumerated() {
            let name = try text(value, field: "\(field)[\(index)]", length: 1...60)
            if seen.insert(name.lowercased()).inserted { result.append(name) }
        }
        return result
    }

    /// A calendar date `YYYY-MM-DD`.
    static func isDate(_ value: String) -> Bool {
        LocalTime.date(from: value) != nil
    }

    /// An IANA time zone name known to this system.
    static func timeZone(_ value: String, field: String) throws -> String {
        guard value.utf8.count <= 64, TimeZone(identifier: value) != nil else {
            throw BoxOfficeError.invalid(field, "\(field) must be an IANA time zone such as Asia/Kolkata")
        }
        return value
    }

    /// A plausible email address: one `@`, something before it, a dot in the domain, no spaces.
    /// Marks that combine with what comes before them: an address may not start with one.
    static let combiningMarks: Set<Unicode.GeneralCategory> = [.nonspacingMark, .spacingMark, .enclosingMark]

    static func email(_ value: String) throws -> String {
        let email = EmailIdentity.display(value)
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        // No white space, control or invisible format characters (a zero-width space would make a lookalike address).
        let invisible: Set<Unicode.GeneralCategory> = [.control, .format, .unassigned, .privateUse, .surrogate, .lineSeparator, .paragraphSeparator]
        guard email.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
            !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
            !email.contains(where: { $0.isWhitespace || $0.isNewline }),
            !email.unicodeScalars.contains(where: { invisible.contains($0.properties.generalCategory) || $0.properties.isDefaultIgnorableCodePoint }),
            email.unicodeScalars.first.map({ !Self.combiningMarks.contains($0.properties.generalCategory) }) ?? false
        else {
            throw BoxOfficeError.invalid("email", "email must look like name@example.com")
        }
        return email
    }

    /// An id that can be looked up; junk is reported as the field being invalid.
    static func id(_ value: String, field: String) throws -> String {
        guard Identifier.looksValid(value) else { throw BoxOfficeError.invalid(field, "\(field) is not a valid id") }
        return value
    }
}
