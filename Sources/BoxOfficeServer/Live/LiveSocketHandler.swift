import NIOCore
import NIOWebSocket

/// The live feed's hook in one WebSocket's channel pipeline, right after (on the application side of) NIO's
/// `WebSocketFrameEncoder`. It lives on the channel's event loop and is only touched there.
///
/// - `send` writes a frame the hub already encoded for the wire (`LiveFrame.wire`) from the encoder's own
///   context, so the bytes go straight to the socket: no per-socket framing, copy or Swift task. Hummingbird's own
///   frames (pong, ping, close) still go through the encoder; all writes happen on this one loop in the order they
///   are made, whole frames each, so they interleave only at frame boundaries.
/// - It sees every frame Hummingbird writes: once a close frame went out, nothing more is sent (RFC 6455 §5.5.1).
/// - It reports the channel's writability changes to the hub, in order, so a socket whose kernel and NIO buffers
///   are full gets its frames queued (and folded) in the hub instead of piling up in NIO.
final class LiveSocketHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias InboundOut = WebSocketFrame
    typealias OutboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    let id: SessionID
    private let writability: AsyncStream<SubscriptionHub.WritabilityEvent>.Continuation
    /// The encoder's context: a write from it goes to the next handler towards the socket, past the encoder.
    private var encoderContext: ChannelHandlerContext?
    private var closeSent = false
    private var needsFlush = false

    init(id: SessionID, writability: AsyncStream<SubscriptionHub.WritabilityEvent>.Continuation) {
        self.id = id
        self.writability = writability
    }

    func handlerAdded(context: ChannelHandlerContext) {
        encoderContext = try? context.pipeline.syncOperations.context(handlerType: WebSocketFrameEncoder.self)
        // The hub assumes writable until told otherwise; say so if that is already wrong.
        if !context.channel.isWritable { writability.yield(.init(session: id, writable: false)) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        encoderContext = nil
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
