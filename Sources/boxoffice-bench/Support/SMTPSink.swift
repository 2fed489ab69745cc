import NIOCore
import NIOExtras
import NIOPosix
import Synchronization

/// A mail server on loopback that accepts everything at once and keeps only a count: 220 on connect, 250 to EHLO,
/// HELO, MAIL, RCPT, RSET and NOOP, 354 to DATA, 250 after the line `.`, 221 to QUIT. It offers neither STARTTLS nor
/// AUTH, so a client without a user in its URL talks plain SMTP to it; it offers PIPELINING (RFC 2920: it answers each
/// line in turn, however many come at once) unless told not to, and — as RFC 2920 asks of a server, and as Postfix's
/// smtpd does — sends the replies to what one read brought in together, once that input is used up, not one by one.
/// For the outbox's cost (`outbox`).
final class SMTPSink: Sendable {
    let port: Int
    private let channel: any Channel
    private let counter: EventCounter

    private init(channel: any Channel, port: Int, counter: EventCounter) {
        self.channel = channel
        self.port = port
        self.counter = counter
    }

    /// Messages accepted so far (each ended its DATA with `.` and was answered 250).
    var messages: Int { counter.value.withLock { $0 } }

    /// Listens on 127.0.0.1, on a port of the kernel's choosing.
    static func start(group: any EventLoopGroup, pipelining: Bool = true) async throws -> SMTPSink {
        let counter = EventCounter()
        let (channel, port) = try await LoopbackListener.bind(group: group, what: "the SMTP sink") { channel in
            try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineBasedFrameDecoder()))
            try channel.pipeline.syncOperations.addHandler(SMTPSinkHandler(pipelining: pipelining, onMessage: counter.add))
        }
        return SMTPSink(channel: channel, port: port, counter: counter)
    }

    func stop() async {
        try? await channel.close()
    }
}

/// One SMTP connection of the sink, on its event loop.
private final class SMTPSinkHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let pipelining: Bool
    private let onMessage: @Sendable () -> Void
    private var inData = false

    init(pipelining: Bool, onMessage: @escaping @Sendable () -> Void) {
        self.pipelining = pipelining
        self.onMessage = onMessage
    }

    func channelActive(context: ChannelHandlerContext) {
        reply("220 sink.localhost ESMTP", context: context)
        context.flush()
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var line = String(buffer: unwrapInboundIn(data))
        if line.hasSuffix("\r") { line.removeLast() }
        if inData {
            guard line == "." else { return }
            inData = false
            onMessage()
            reply("250 2.0.0 accepted", context: context)
            return
        }
        switch line.prefix(4).uppercased() {
        case "EHLO": reply(pipelining ? "250-sink.localhost\r\n250 PIPELINING" : "250 sink.localhost", context: context)
        case "HELO": reply("250 sink.localhost", context: context)
        case "MAIL", "RCPT", "RSET", "NOOP": reply("250 2.0.0 ok", context: context)
        case "DATA":
            inData = true
            reply("354 end with <CRLF>.<CRLF>", context: context)
        case "QUIT":
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "221 2.0.0 bye\r\n"))).whenComplete { _ in channel.close(promise: nil) }
        default: reply("502 5.5.2 not implemented", context: context)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    /// Queues a reply; `channelReadComplete` sends what the read's lines were answered, together.
    private func reply(_ text: String, context: ChannelHandlerContext) {
        context.write(wrapOutboundOut(ByteBuffer(string: text + "\r\n")), promise: nil)
    }
}
