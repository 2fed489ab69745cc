import BoxOffice
import Foundation
import NIOCore

/// The messages of one SMTP conversation, after EHLO (and STARTTLS, AUTH): each gets its own MAIL FROM, RCPT TO and
/// DATA, and its own outcome in `outcomes` (nil once the server accepted it, the server's refusal if it refused it; a
/// refused message is followed by RSET so the next starts clean). A broken connection or a reply that makes no sense
/// throws, leaving the messages without an outcome to the caller.
struct SMTPTransfer {
    let messages: [MailMessage]
    /// The name this host gives in EHLO, after the `@` of each Message-ID.
    let host: String
    let outcomes: SMTPMailer.Outcomes

    /// One command, one reply at a time: for a server that does not offer PIPELINING.
    func oneByOne(_ session: inout SMTPSession) async throws {
        for (index, message) in messages.enumerated() {
            do {
                try await session.command("MAIL FROM:<\(MIMEMessage.address(message.from))>", expect: 250)
                try await session.command("RCPT TO:<\(message.to)>", expect: 250, 251)
                try await session.command("DATA", expect: 354)
                try await session.write(content(message))
                try await session.expect(250)
                outcomes.set(index, nil)
            } catch let refusal as SMTPError where refusal.refused {
                // This message was refused; the conversation goes on with the next one.
                outcomes.set(index, refusal)
                try await session.command("RSET", expect: 250)
            }
        }
        _ = try? await session.command("QUIT", expect: 221)
    }

    /// RFC 2920, for a server that offers PIPELINING: a message's MAIL FROM, RCPT TO and DATA go out in one write, and
    /// once they are answered (354 to DATA) its content goes out in the same write as the next message's three (or QUIT
    /// after the last), so a message costs one round trip instead of four. After a refused MAIL, RCPT or DATA, RSET goes
    /// out in the content's place (an empty content first, should DATA have been accepted all the same). The replies come
    /// in the order of the commands; each message's outcome is set from its own.
    func pipelined(_ session: inout SMTPSession) async throws {
        /// Replies still to read for what went out before a message's three commands.
        var owed: [Owed] = []
        var out = ByteBuffer()
        for (index, message) in messages.enumerated() {
            out.writeString("MAIL FROM:<\(MIMEMessage.address(message.from))>\r\nRCPT TO:<\(message.to)>\r\nDATA\r\n")
            try await session.write(out)
            out = ByteBuffer()
            try await settle(owed, &session)
            owed = []
            let mail = try await session.reply()
            let recipient = try await session.reply()
            let data = try await session.reply()
            if mail.code == 250, recipient.code == 250 || recipient.code == 251, data.code == 354 {
                write(message, into: &out)
                owed = [.content(index)]
                continue
            }
            outcomes.set(
                index,
                mail.code != 250
                    ? SMTPError.refusal(mail, after: "MAIL FROM")
                    : recipient.code != 250 && recipient.code != 251
                        ? SMTPError.refusal(recipient, after: "RCPT TO:<\(message.to)>") : SMTPError.refusal(data, after: "DATA"))
            if data.code == 354 {
                out.writeString(".\r\n")
                owed.append(.emptyContent)
            }
            out.writeString("RSET\r\n")
            owed.append(.reset)
        }
        out.writeString("QUIT\r\n")
        try await session.write(out)
        try await settle(owed, &session)
        _ = try? await session.reply()
    }

    /// What a reply owed answers.
    enum Owed {
        /// Message `index`'s content: 250 when the server took it.
        case content(Int)
        /// The empty content sent to close a DATA accepted after a refused MAIL or RCPT: whatever it says.
        case emptyContent
        /// RSET: 250, or the conversation cannot go on.
        case reset
    }

    /// Reads the replies `owed`, in order, and sets the outcomes they carry.
    private func settle(_ owed: [Owed], _ session: inout SMTPSession) async throws {
        for item in owed {
            let reply = try await session.reply()
            switch item {
            case .content(let index): outcomes.set(index, reply.code == 250 ? nil : SMTPError.refusal(reply, after: "DATA"))
            case .emptyContent: break
            case .reset: if reply.code != 250 { throw SMTPError.refusal(reply, after: "RSET") }
            }
        }
    }

    /// A message's DATA section, ready to go out.
    private func content(_ message: MailMessage) -> ByteBuffer {
        var buffer = ByteBuffer()
        write(message, into: &buffer)
        return buffer
    }

    private func write(_ message: MailMessage, into buffer: inout ByteBuffer) {
        MIMEMessage.writeDataSection(message, date: Date(), id: UUID().uuidString.lowercased(), host: host, into: &buffer)
    }
}
