import CoreMetrics
import Hummingbird
import HummingbirdWebSocket
import NIOCore
import NIOWebSocket

/// One `/ws` connection: a reader that turns client messages into hub calls, and a writer task that drains the
/// socket's queue in the hub. Only the writer ever waits on the socket, so a client that stops reading holds up
/// nothing but its own writer.
struct LiveSession {
    let hub: SubscriptionHub
    let options: LiveOptions
    let metrics: LiveMetrics
    let channel: any Channel

    /// Serves the connection until either side closes it.
    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        if let bytes = options.sendBufferBytes {
            // Bounds what a reader that stopped can pin in the kernel, and makes its backlog show up in our queue.
            try? await channel.setOption(ChannelOptions.socketOption(.so_sndbuf), value: SocketOptionValue(bytes)).get()
        }
        let channel = self.channel
        let id = await hub.connect(abort: { channel.close(promise: nil) })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await write(id, to: outbound) }
            do {
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
                group.cancelAll()
                throw error
            }
            await hub.disconnect(id)
            // A writer stuck on a client that stopped reading must not keep this handler alive.
            group.cancelAll()
        }
    }

    /// The writer task: takes whole batches from the hub and writes them, resolving markers at write time.
    private func write(_ id: SessionID, to outbound: WebSocketOutboundWriter) async {
        do {
            while let batch = await hub.take(id) {
                var deltas = 0
                for item in batch {
                    switch item {
                    case .frame(let frame):
                        try await send(frame, outbound, counting: &deltas)
                    case .snapshot(let show):
                        for frame in await hub.resolveSnapshot(id, show: show) { try await send(frame, outbound, counting: &deltas) }
                    case .availability(let show):
                        for frame in await hub.resolveAvailability(id, show: show) { try await send(frame, outbound, counting: &deltas) }
                    case .close(let code, let reason):
                        metrics.deltasSent.increment(by: deltas)
                        try await outbound.close(WebSocketErrorCode(codeNumber: code), reason: reason)
                        return
                    }
                }
                metrics.deltasSent.increment(by: deltas)
            }
        } catch {
            // The connection failed or closed under us; the reader sees that too and ends the session.
            await hub.disconnect(id)
        }
    }

    private func send(_ frame: LiveFrame, _ outbound: WebSocketOutboundWriter, counting deltas: inout Int) async throws {
        // `.custom` writes the shared buffer itself: no copy per socket (deflate, when negotiated, compresses per socket).
        try await outbound.write(.custom(WebSocketFrame(fin: true, opcode: .text, data: frame.bytes)))
        if frame.kind == .delta { deltas += 1 }
    }
}

/// The `/ws` router: the live seat protocol (docs/PROTOCOL.md).
func buildLiveRouter(hub: SubscriptionHub, options: LiveOptions, metrics: LiveMetrics) -> Router<LiveRequestContext> {
    let router = Router(context: LiveRequestContext.self)
    router.ws("/ws") { inbound, outbound, context in
        try await LiveSession(hub: hub, options: options, metrics: metrics, channel: context.requestContext.channel)
            .run(inbound: inbound, outbound: outbound)
    }
    return router
}
