import NIOCore
import NIOWebSocket

/// The live feed's hook in one WebSocket's channel pipeline, right after (on the application side of) NIO's
/// `WebSocketFrameEncoder` and `WebSocketFrameDecoder`. It lives on the channel's event loop and is only touched there.
///
/// - `send` writes a frame the hub already encoded for the wire (`LiveFrame.wire`) from the encoder's own
///   context, so the bytes go straight to the socket: no per-socket framing, copy or Swift task. Hummingbird's own
///   frames (pong, ping, close) still go through the encoder; all writes happen on this one loop in the order they
///   are made, whole frames each, so they interleave only at frame boundaries.
/// - It sees every frame Hummingbird writes: once a close frame went out, nothing more is sent (RFC 6455 §5.5.1).
/// - It reports the channel's writability changes to the hub, in order, so a socket whose kernel and NIO buffers
///   are full gets its frames queued (and folded) in the hub instead of piling up in NIO.
/// - It keeps the peer honest for its loop's `LivePinger`: it sends the pings, checks the pongs going by, and closes
///   the connection (1001, "Ping timeout") when a ping went unanswered until the next one.
final class LiveSocketHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias InboundOut = WebSocketFrame
    typealias OutboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    let id: SessionID
    private let writability: AsyncStream<SubscriptionHub.WritabilityEvent>.Continuation
    /// The encoder's context: a write from it goes to the next handler towards the socket, past the encoder.
    private var encoderContext: ChannelHandlerContext?
    /// This handler's own context: its writes go through the encoder (pings, the ping-timeout close).
    private var context: ChannelHandlerContext?
    private var closeSent = false
    private var needsFlush = false
    /// The pinger this socket is registered with, once `LivePinger.add` ran; nil again once removed.
    private var pinger: LivePinger?
    /// The payload of the ping not yet answered by a matching pong; nil when none is outstanding.
    private var unansweredPing: ByteBuffer?
    private var removed = false

    init(id: SessionID, writability: AsyncStream<SubscriptionHub.WritabilityEvent>.Continuation) {
        self.id = id
        self.writability = writability
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        encoderContext = try? context.pipeline.syncOperations.context(handlerType: WebSocketFrameEncoder.self)
        // The hub assumes writable until told otherwise; say so if that is already wrong.
        if !context.channel.isWritable { writability.yield(.init(session: id, writable: false)) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        encoderContext = nil
        self.context = nil
        removed = true
        pinger?.remove(self)
        pinger = nil
    }

    // MARK: Keepalive

    /// Registers with the loop's pinger; false when the handler is already out of its pipeline (channel closed).
    func attach(to pinger: LivePinger) -> Bool {
        guard !removed, self.pinger == nil else { return false }
        self.pinger = pinger
        return true
    }

    /// The pinger's round: ping the peer, or close the connection if it never answered the previous ping.
    func ping(_ payload: ByteBuffer) {
        guard let context, !closeSent else { return }
        if unansweredPing != nil {
            var data = context.channel.allocator.buffer(capacity: 16)
            data.write(webSocketErrorCode: .goingAway)
            data.writeString("Ping timeout")
            closeSent = true
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: data)), promise: nil)
            context.close(promise: nil)
            return
        }
        unansweredPing = payload
        context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .ping, data: payload)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        if frame.opcode == .pong, let unansweredPing, frame.unmaskedData == unansweredPing { self.unansweredPing = nil }
        context.fireChannelRead(data)
    }

    /// Queues one pre-encoded frame on the channel (flushed by `flush`).
    func send(_ wire: ByteBuffer) {
        guard !closeSent, let encoderContext else { return }
        encoderContext.write(NIOAny(wire), promise: nil)
        needsFlush = true
    }

    /// Flushes what `send` queued, once however many frames it was.
    func flush() {
        guard needsFlush else { return }
        needsFlush = false
        encoderContext?.flush()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if unwrapOutboundIn(data).opcode == .connectionClose { closeSent = true }
        context.write(data, promise: promise)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        writability.yield(.init(session: id, writable: context.channel.isWritable))
        context.fireChannelWritabilityChanged()
    }
}
