import BoxOffice
import BoxOfficeTestSupport
import Foundation
import NIOCore
import Testing

@testable import BoxOfficeServer

/// An email as it goes out in DATA: the date written by hand, the headers, both parts in base64, the dot rule.
@Suite("Emails as MIME text")
struct MIMEMessageTests {
    @Test("the Date header matches a DateFormatter's: around 1970, leap days, century years, year ends, random times")
    func dates() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        var random = SplitMix64(seed: 5322)
        let chosen: [Int] = [
            0, -1, 86_399, 86_400, -86_400, -86_401, 951_782_400, 951_868_799, 4_107_542_399, 4_107_542_400, 1_798_761_599,
            1_798_761_600, 946_684_799, -2_208_988_800,
        ]
        let seconds = chosen + (0..<3000).map { _ in Int.random(in: -3_000_000_000...6_000_000_000, using: &random) }
        for second in seconds {
            let date = Date(timeIntervalSince1970: TimeInterval(second))
            #expect(MIMEMessage.rfc5322(date) == formatter.string(from: date), "\(second)")
        }
        let late = Date(timeIntervalSince1970: 1_796_000_000.75)
        #expect(MIMEMessage.rfc5322(late) == formatter.string(from: late), "a fraction of a second is dropped")
    }

    @Test("the DATA section: headers, an encoded-word subject, both parts back from base64, short CRLF lines, the end mark")
    func dataSection() throws {
        let message = MailMessage(
            from: "Cinéma <tickets@cinema.example>", to: "asha@example.com", subject: "Your tickets: Dune – Part Two",
            text: "Hello Asha,\n\n.a line that starts with a dot\nSeats: A1, A2", html: "<p>Hello Asha,</p><p>Seats: A1, A2 €</p>")
        var buffer = ByteBuffer(string: "DATA-BEFORE")
        MIMEMessage.writeDataSection(message, date: Date(timeIntervalSince1970: 0), id: "abc-123", host: "box.example", into: &buffer)
        let written = String(buffer: buffer)
        #expect(written.hasPrefix("DATA-BEFOREFrom: =?UTF-8?B?"), "the bytes before it are left alone")
        let section = String(written.dropFirst("DATA-BEFORE".count))
        #expect(section.hasSuffix("--boxoffice-abc-123--\r\n.\r\n"))
        let lines = section.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 78 && !$0.contains("\n") && !$0.contains("\r") })
        #expect(lines.dropLast(2).allSatisfy { !$0.hasPrefix(".") }, "nothing to dot-stuff but the end mark")
        #expect(lines.contains("To: <asha@example.com>"))
        #expect(lines.contains("Subject: =?UTF-8?B?\(Data(message.subject.utf8).base64EncodedString())?="))
        #expect(lines.contains("Date: Thu, 01 Jan 1970 00:00:00 +0000"))
        #expect(lines.contains("Message-ID: <abc-123@box.example>"))
        #expect(lines.contains("Content-Type: multipart/alternative; boundary=\"boxoffice-abc-123\""))
        let parts = section.components(separatedBy: "--boxoffice-abc-123\r\n").dropFirst()
        #expect(parts.count == 2)
        let bodies = try parts.map { part -> String in
            let body = try #require(part.components(separatedBy: "\r\n\r\n").dropFirst().first)
            let base64 = body.components(separatedBy: "\r\n").prefix { !$0.hasPrefix("--") }.joined()
            return String(decoding: try #require(Data(base64Encoded: base64)), as: UTF8.self)
        }
        #expect(bodies == [message.text, message.html])
        #expect(parts.first?.contains("Content-Type: text/plain; charset=utf-8") == true)
    }

    @Test("a line that starts with a dot gets a second one, wherever it is, and only the text after `start`")
    func dotStuffing() {
        var buffer = ByteBuffer(string: ".kept\r\n")
        let start = buffer.writerIndex
        buffer.writeString(".one\r\ntwo\r\n..three\r\nfo.ur\r\n.")
        MIMEMessage.dotStuff(&buffer, from: start)
        #expect(String(buffer: buffer) == ".kept\r\n..one\r\ntwo\r\n...three\r\nfo.ur\r\n..")
        var plain = ByteBuffer(string: "no dots\r\nhere.\r\n")
        MIMEMessage.dotStuff(&plain, from: 0)
        #expect(String(buffer: plain) == "no dots\r\nhere.\r\n")
    }
}
