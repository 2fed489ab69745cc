import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A webhook receiver on loopback that answers every request `200` only after `delay` (a slow integrator), and counts
/// them. For the webhooks' cost (`webhooks`).
final class SlowReceiver: Sendable {
    let port: Int
    private let channel: any Channel
    private let counter: EventCounter

    private init(channel: any Channel, port: Int, counter: EventCounter) {
        self.channel = channel
        self.port = port
        self.counter = counter
    }

    /// Requests answered so far.
    var requests: Int { counter.value.withLock { $0 } }

    static func start(group: any EventLoopGroup, delay: TimeAmount) async throws -> SlowReceiver {
        let counter = EventCounter()
        let (channel, port) = try await LoopbackListener.bind(group: group, what: "the webhook receiver") { channel in
            try channel.pipeline.syncOperations.configureHTTPServerPipeline()
            try channel.pipeline.syncOperations.addHandler(SlowAnswerHandler(delay: delay, onAnswer: counter.add))
        }
        return SlowReceiver(channel: channel, port: port, counter: counter)
    }

    func stop() async {
        try? await channel.close()
    }
}

/// Answers each request, once its body has arrived, after `delay`; keeps the connection open for the next.
private final class SlowAnswerHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let delay: TimeAmount
    private let onAnswer: @Sendable () -> Void

    init(delay: TimeAmount, onAnswer: @escaping @Sendable () -> Void) {
        self.delay = delay
        self.onAnswer = onAnswer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .end = unwrapInboundIn(data) else { return }
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        let onAnswer = self.onAnswer
        context.eventLoop.scheduleTask(in: delay) {
            let context = loopBound.value
            var headers = HTTPHeaders()
            headers.add(name: "Content-Length", value: "0")
            context.write(NIOAny(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
            context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)), promise: nil)
            onAnswer()
        }
    }
}
