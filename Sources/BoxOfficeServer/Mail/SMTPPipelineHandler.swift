import NIOCore

/// RFC 2920 on the channel's event loop, for a server that offers PIPELINING: added after EHLO (and STARTTLS, AUTH),
/// between the line decoder and the conversation's `NIOAsyncChannel`, it sends the batch and reads every reply itself,
/// so a message costs one round trip and no hop between the event loop and the outbox's task. A message's MAIL FROM,
/// RCPT TO and DATA go out in one write; once DATA has its 354, its content goes out in the same write as the next
/// message's three (QUIT after the last). After a refused MAIL, RCPT or DATA, RSET goes out in the content's place (an
/// empty content first, should DATA have been accepted all the same). Each message's outcome is set in `outcomes` from
/// its own replies; `done` succeeds at QUIT's reply, and fails if the connection ends or a reply makes no sense first.
final class SMTPPipelineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Each message's MAIL FROM, RCPT TO and DATA, in one buffer.
    private let commands: [ByteBuffer]
    /// Each message's DATA section (`MIMEMessage.writeDataSection`).
    private let contents: [ByteBuffer]
    /// Each message's RCPT TO line, for the text of its refusal.
    private let recipients: [String]
    private let outcomes: SMTPMailer.Outcomes
    private let done: EventLoopPromise<Void>

    /// Whether `done` is completed: nothing more is read or sent.
    private var finished = false
    /// What the replies still to come answer, in the order the commands went out.
    private var owed: [Owed] = []
    private var nextOwed = 0
    /// The lines of a reply read so far (a reply is `NNN-text` lines ending with `NNN text`).
    private var texts: [String] = []
    /// The replies to the current message's MAIL FROM and RCPT TO.
    private var mail: SMTPSession.Reply?
    private var recipient: SMTPSession.Reply?

    enum Owed {
        case mail(Int), recipient(Int), data(Int)
        /// Message `index`'s content: 250 when the server took it.
        case content(Int)
        /// The empty content that closes a DATA accepted after a refused MAIL or RCPT: whatever it says.
        case emptyContent
        /// RSET: 250, or the conversation cannot go on.
        case reset
        case quit
    }

    init(commands: [ByteBuffer], contents: [ByteBuffer], recipients: [String], outcomes: SMTPMailer.Outcomes, done: EventLoopPromise<Void>) {
        self.commands = commands
        self.contents = contents
        self.recipients = recipients
        self.outcomes = outcomes
        self.done = done
    }

    func handlerAdded(context: ChannelHandlerContext) {
        guard context.channel.isActive else { return fail(SMTPError("the server closed the connection"), context: context) }
        guard let first = commands.first else {
            send(ByteBuffer(string: "QUIT\r\n"), owing: [.quit], context: context)
            return
        }
        send(first, owing: [.mail(0), .recipient(0), .data(0)], context: context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !finished else { return }
        let buffer = unwrapInboundIn(data)
        guard let line = SMTPSession.ReplyLine(buffer) else {
            return fail(SMTPError("not an SMTP reply: \(String(buffer: buffer).prefix(80))"), context: context)
        }
        texts.append(line.text)
        guard line.isLast else { return }
        let reply = SMTPSession.Reply(code: line.code, texts: texts)
        texts = []
        guard nextOwed < owed.count else { return fail(SMTPError("a reply to no command: \(reply.code)"), context: context) }
        let item = owed[nextOwed]
        nextOwed += 1
        answer(item, reply, context: context)
    }

    private func answer(_ item: Owed, _ reply: SMTPSession.Reply, context: ChannelHandlerContext) {
        switch item {
        case .mail: mail = reply
        case .recipient: recipient = reply
        case .data(let index): answerData(index, reply, context: context)
        case .content(let index): outcomes.set(index, reply.code == 250 ? nil : SMTPError.refusal(reply, after: "DATA"))
        case .emptyContent: break
        case .reset: if reply.code != 250 { fail(SMTPError.refusal(reply, after: "RSET"), context: context) }
        case .quit:
            finished = true
            done.succeed()
        }
    }

    /// The message's three replies are in: its content, or RSET, goes out with the next message's commands (or QUIT).
    private func answerData(_ index: Int, _ data: SMTPSession.Reply, context: ChannelHandlerContext) {
        guard let mail, let recipient else { return fail(SMTPError("DATA answered before MAIL and RCPT"), context: context) }
        self.mail = nil
        self.recipient = nil
        var out = context.channel.allocator.buffer(capacity: contents[index].readableBytes + 128)
        var owing: [Owed] = []
        if mail.code == 250, recipient.code == 250 || recipient.code == 251, data.code == 354 {
            out.writeImmutableBuffer(contents[index])
            owing.append(.content(index))
        } else {
            outcomes.set(
                index,
                mail.code != 250
                    ? SMTPError.refusal(mail, after: "MAIL FROM")
                    : recipient.code != 250 && recipient.code != 251
                        ? SMTPError.refusal(recipient, after: recipients[index]) : SMTPError.refusal(data, after: "DATA"))
            if data.code == 354 {
                out.writeString(".\r\n")
                owing.append(.emptyContent)
            }
            out.writeString("RSET\r\n")
            owing.append(.reset)
        }
        if index + 1 < commands.count {
            out.writeImmutableBuffer(commands[index + 1])
            owing += [.mail(index + 1), .recipient(index + 1), .data(index + 1)]
        } else {
            out.writeString("QUIT\r\n")
            owing.append(.quit)
        }
        send(out, owing: owing, context: context)
    }

    private func send(_ bytes: ByteBuffer, owing: [Owed], context: ChannelHandlerContext) {
        owed.removeFirst(nextOwed)
        nextOwed = 0
        owed += owing
        context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !finished {
            finished = true
            done.fail(SMTPError("the server closed the connection"))
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error, context: context)
    }

    /// Ends the conversation with `error`, unless it has ended already (`done` is completed once).
    private func fail(_ error: any Error, context: ChannelHandlerContext) {
        guard !finished else { return }
        finished = true
        done.fail(error)
        context.close(promise: nil)
    }
}
