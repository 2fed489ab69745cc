import Hummingbird
import HummingbirdWebSocket
import NIOCore
import NIOWebSocket

/// One `/ws` connection: a reader that turns client messages into hub calls. There is no writer task: the hub
/// writes frames into the channel on its event loop through a `LiveSocketHandler` added to the pipeline, and only
/// a socket with something queued in the hub (a marker to resolve, a backlog) gets a short-lived drain.
struct LiveSession {
    let hub: SubscriptionHub
    let options: LiveOptions
    let channel: any Channel

    /// Serves the connection until either side closes it.
    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        let channel = self.channel
        let id = await hub.connect(abort: { channel.close(promise: nil) })
        do {
            let socket = try await install(id, close: { code, reason in
                // Through Hummingbird, so its close handshake (and its state) know about it.
                Task { try? await outbound.close(WebSocketErrorCode(codeNumber: code), reason: reason) }
            })
            await hub.attach(socket, to: id)
            for try await message in inbound.messages(maxSize: options.maxMessageBytes) {
                switch message {
                case .text(let text):
                    await hub.receive(LiveRequest.parse(text), from: id)
                case .binary:
                    await hub.receive(.failure(LiveProtocolError("invalid_message", "Messages are JSON in text frames.")), from: id)
                }
            }
        } catch {
            // Too large a message, a protocol error: rethrown so the socket closes with its code (1009, …).
            await hub.disconnect(id)
            throw error
        }
        await hub.disconnect(id)
    }

    /// Sets the channel up for the live feed, on its event loop: the pipeline hook, a small receive buffer (clients
    /// send short JSON messages) and a bounded kernel send buffer.
    private func install(_ id: SessionID, close: @escaping @Sendable (Int, String) -> Void) async throws -> LiveSocket {
        let channel = self.channel
        let reports = hub.writabilityReports
        let sendBufferBytes = options.sendBufferBytes
        return try await channel.eventLoop.submit {
            let options = channel.pipeline.syncOperations
            let handler = LiveSocketHandler(id: id, writability: reports)
            // After NIO's frame decoder (which follows the encoder): it sees inbound frames decoded (pongs), and
            // its writes still pass the encoder.
            let decoder = try options.handler(type: ByteToMessageHandler<WebSocketFrameDecoder>.self)
            // The handler writes through the frame encoder's context; without one it would drop every frame
            // silently, so a pipeline without it fails the session here instead.
            _ = try options.context(handlerType: WebSocketFrameEncoder.self)
            try options.addHandler(handler, position: .after(decoder))
            let channelOptions = try channel.syncOptions ?? { throw ChannelError.operationUnsupported }()
            if let sendBufferBytes {
                // Bounds what a reader that stopped can pin in the kernel, and makes its backlog show up in our queue.
                try channelOptions.setOption(ChannelOptions.socketOption(.so_sndbuf), value: SocketOptionValue(sendBufferBytes))
            }
            try channelOptions.setOption(
                ChannelOptions.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 512, maximum: 64 * 1024))
            return LiveSocket(eventLoop: channel.eventLoop, handler: NIOLoopBound(handler, eventLoop: channel.eventLoop), close: close)
        }.get()
    }
}

/// The `/ws` router: the live seat protocol (docs/PROTOCOL.md).
func buildLiveRouter(hub: SubscriptionHub, options: LiveOptions) -> Router<LiveRequestContext> {
    let router = Router(context: LiveRequestContext.self)
    router.ws("/ws") { inbound, outbound, context in
        try await LiveSession(hub: hub, options: options, channel: context.requestContext.channel)
            .run(inbound: inbound, outbound: outbound)
    }
    return router
}
