import BoxOffice
import Foundation
import NIOCore
import NIOExtras

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
                try await session.command(Self.mailFrom(message), expect: 250)
                try await session.command(Self.rcptTo(message), expect: 250, 251)
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

    /// RFC 2920, for a server that offers PIPELINING: the contents are written here, on the outbox's task, and
    /// `SMTPPipelineHandler`, on the channel's event loop, sends them and reads every reply (one round trip a message,
    /// no hop back here until the batch is done). Cancelled (the conversation's timeout), it closes the connection.
    func pipelined(on channel: any Channel) async throws {
        var commands: [ByteBuffer] = []
        var contents: [ByteBuffer] = []
        var recipients: [String] = []
        for message in messages {
            commands.append(ByteBuffer(string: "\(Self.mailFrom(message))\r\n\(Self.rcptTo(message))\r\nDATA\r\n"))
            contents.append(content(message))
            recipients.append(Self.rcptTo(message))
        }
        let finished = try await channel.eventLoop.submit { [commands, contents, recipients, outcomes] in
            let done = channel.eventLoop.makePromise(of: Void.self)
            do {
                // Between the line decoder and the NIOAsyncChannel's handler: the replies are its from now on.
                let lines = try channel.pipeline.syncOperations.handler(type: ByteToMessageHandler<LineBasedFrameDecoder>.self)
                let handler = SMTPPipelineHandler(commands: commands, contents: contents, recipients: recipients, outcomes: outcomes, done: done)
                try channel.pipeline.syncOperations.addHandler(handler, position: .after(lines))
            } catch {
                done.fail(error)
            }
            return done.futureResult
        }.get()
        try await withTaskCancellationHandler {
            try await finished.get()
        } onCancel: {
            channel.close(promise: nil)
        }
    }

    static func mailFrom(_ message: MailMessage) -> String { "MAIL FROM:<\(MIMEMessage.address(message.from))>" }
    static func rcptTo(_ message: MailMessage) -> String { "RCPT TO:<\(message.to)>" }

    /// A message's DATA section, ready to go out.
    private func content(_ message: MailMessage) -> ByteBuffer {
        var buffer = ByteBuffer()
        write(message, into: &buffer)
        return buffer
    }

    private func write(_ message: MailMessage, into buffer: inout ByteBuffer) {
        MIMEMessage.writeDataSection(message, date: Date(), id: message.id ?? UUID().uuidString.lowercased(), host: host, into: &buffer)
    }
}
