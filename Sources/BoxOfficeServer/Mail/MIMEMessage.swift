import BoxOffice
import BoxOfficeStore
import Foundation
import NIOCore

/// A `MailMessage` as RFC 5322 text with MIME: multipart/alternative, plain text then HTML, each UTF-8 in base64
/// (every line short and 7-bit, so nothing needs dot-stuffing but the rule is kept anyway), CRLF line ends. Written
/// straight into the bytes that go out: an email is a few kilobytes, sent hundreds of times a second under load.
enum MIMEMessage {
    /// The DATA section of `message` (dot-stuffed, ended by CRLF.CRLF) appended to `buffer`. `id` makes the
    /// Message-ID (`<id@host>`) and the parts' boundary.
    static func writeDataSection(_ message: MailMessage, date: Date, id: String, host: String, into buffer: inout ByteBuffer) {
        let start = buffer.writerIndex
        let boundary = "boxoffice-\(id)"
        buffer.writeString("From: \(header(message.from))\r\nTo: <\(message.to)>\r\nSubject: \(header(message.subject))\r\n")
        buffer.writeString("Date: \(rfc5322(date))\r\nMessage-ID: <\(id)@\(host)>\r\nMIME-Version: 1.0\r\n")
        buffer.writeString("Content-Type: multipart/alternative; boundary=\"\(boundary)\"\r\n\r\n")
        for (type, body) in [("text/plain", message.text), ("text/html", message.html)] {
            buffer.writeString("--\(boundary)\r\nContent-Type: \(type); charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n")
            buffer.writeBytes(Data(body.utf8).base64EncodedData(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed]))
            buffer.writeString("\r\n")
        }
        buffer.writeString("--\(boundary)--\r\n")
        dotStuff(&buffer, from: start)
        buffer.writeString(".\r\n")
    }

    /// Doubles the "." that starts a line of the text written from `start` on (RFC 5321 4.5.2). The text above never
    /// has one (header names, base64, boundaries), so this only looks, unless something changes that.
    static func dotStuff(_ buffer: inout ByteBuffer, from start: Int) {
        let base = start - buffer.readerIndex
        let lineStarts = buffer.withUnsafeReadableBytes { bytes -> [Int] in
            var starts: [Int] = []
            for index in base..<bytes.count where bytes[index] == UInt8(ascii: ".") && (index == base || bytes[index - 1] == UInt8(ascii: "\n")) {
                starts.append(index - base)
            }
            return starts
        }
        guard !lineStarts.isEmpty else { return }
        var text = buffer.getBytes(at: start, length: buffer.writerIndex - start) ?? []
        for offset in lineStarts.reversed() { text.insert(UInt8(ascii: "."), at: offset) }
        buffer.moveWriterIndex(to: start)
        buffer.writeBytes(text)
    }

    /// A header value: as is when printable ASCII, else an RFC 2047 encoded word (UTF-8, base64).
    static func header(_ value: String) -> String {
        if value.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return value }
        let clean = value.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        if clean.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) { return clean }
        return "=?UTF-8?B?\(Data(clean.utf8).base64EncodedString())?="
    }

    /// The bare address of `Name <address>` or of a bare address.
    static func address(_ mailbox: String) -> String {
        if let open = mailbox.lastIndex(of: "<"), let close = mailbox.lastIndex(of: ">"), open < close {
            return String(mailbox[mailbox.index(after: open)..<close])
        }
        return mailbox.trimmingCharacters(in: .whitespaces)
    }

    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Sat, 05 Dec 2026 10:18:06 +0000`: the date in UTC, with the English names RFC 5322 asks for, worked out by hand
    /// (`CivilDate`) rather than by a `DateFormatter` made per email.
    static func rfc5322(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let (dayNumber, second) = seconds.quotientAndRemainder(dividingBy: 86_400)
        let (day, time) = second < 0 ? (dayNumber - 1, second + 86_400) : (dayNumber, second)
        let (year, month, dayOfMonth) = CivilDate.civil(daysSince1970: Int64(day))
        let weekday = ((day % 7) + 11) % 7  // 1970-01-01 was a Thursday (4)
        return "\(days[weekday]), \(two(dayOfMonth)) \(months[month - 1]) \(year) \(two(time / 3600)):\(two(time / 60 % 60)):\(two(time % 60)) +0000"
    }

    private static func two(_ number: Int) -> String { number < 10 ? "0\(number)" : "\(number)" }
}
