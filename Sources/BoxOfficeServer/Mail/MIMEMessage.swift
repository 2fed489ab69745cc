import BoxOffice
import Foundation

/// A `MailMessage` as RFC 5322 text with MIME: multipart/alternative, plain text then HTML, each UTF-8 in base64
/// (every line short and 7-bit, so nothing needs dot-stuffing but the rule is kept anyway), CRLF line ends.
enum MIMEMessage {
    static func render(_ message: MailMessage, date: Date, messageID: String) -> String {
        let boundary = "boxoffice-\(UUID().uuidString)"
        var lines = [
            "From: \(header(message.from))",
            "To: <\(message.to)>",
            "Subject: \(header(message.subject))",
            "Date: \(rfc5322(date))",
            "Message-ID: <\(messageID)>",
            "MIME-Version: 1.0",
            "Content-Type: multipart/alternative; boundary=\"\(boundary)\"",
            "",
        ]
        for (type, body) in [("text/plain", message.text), ("text/html", message.html)] {
            lines += [
                "--\(boundary)", "Content-Type: \(type); charset=utf-8", "Content-Transfer-Encoding: base64", "",
                Data(body.utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed]),
            ]
        }
        lines.append("--\(boundary)--")
        return lines.joined(separator: "\r\n")
    }

    /// The DATA section: lines starting with "." doubled (RFC 5321 4.5.2), ended by CRLF.CRLF.
    static func dataSection(_ text: String) -> String {
        text.components(separatedBy: "\r\n").map { $0.hasPrefix(".") ? "." + $0 : $0 }.joined(separator: "\r\n") + "\r\n.\r\n"
    }

    /// A header value: as is when printable ASCII, else an RFC 2047 encoded word (UTF-8, base64).
    static func header(_ value: String) -> String {
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

    static func rfc5322(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
