import NIOCore
import NIOWebSocket

/// One live WebSocket, served entirely inside its channel pipeline: no Swift task and no async stream per socket, so
/// an idle kiosk costs its channel and this object. It sits last, after NIO's frame encoder, decoder and protocol
/// error handler, and lives on the channel's event loop.
///
/// - Inbound: it checks each frame (masked, no unknown RSV bits, whole control frames), joins fragments, inflates a
///   permessage-deflate message, checks its UTF-8, parses it (`LiveRequest.parse`) and hands it to the hub as a
///   `LiveSocketEvent`. It stops reading while 16 of its messages wait in the hub, so a client that sends faster than
///   the hub answers is held back by TCP instead of growing a queue.
/// - Outbound: `send` writes a frame the hub already encoded for the wire (`LiveFrame.wire`) from the encoder's own
///   context, so the bytes go straight to the socket: no per-socket framing, copy or task. Control frames (pong,
///   ping, close) go through the encoder. All writes happen on this loop in the order they are made, whole frames
///   each; once a close frame went out nothing more is sent (RFC 6455 §5.5.1).
/// - Closing: a client's close is answered with its code and the connection ends; a close from the server (the hub's
///   1008/1013, a shutdown's 1001, a protocol error's 1002/1007/1009) waits for the client's answer for the close
///   grace period, then the connection is closed whatever the client does. A FIN without a close frame closes it too.
/// - Keepalive: its loop's `LivePinger` pings it; a ping still unanswered at the next round closes it (1001).
final class LiveSocketHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    /// Messages of one socket the hub may hold unanswered before the socket stops being read.
    static let maxUnacknowledged = 16

    let id: SessionID
    private let events: AsyncStream<LiveSocketEvent>.Continuation
    private let maxMessageBytes: Int
    private let closeGrace: TimeAmount
    /// Whether permessage-deflate was negotiated: only then may a message arrive compressed (RSV1).
    private let deflate: Bool

    /// The encoder's context: a write from it goes to the next handler towards the socket, past the encoder.
    private var encoderContext: ChannelHandlerContext?
    /// This handler's own context: its writes go through the encoder.
    private var context: ChannelHandlerContext?
    private var phase = Phase.open
    private var needsFlush = false
    /// The pinger this socket is registered with, once `LivePinger.add` ran; nil again once removed.
    private var pinger: LivePinger?
    /// The payload of the ping not yet answered by a matching pong; nil when none is outstanding.
    private var unansweredPing: ByteBuffer?

    /// Where the connection is in its life.
    private enum Phase {
        /// Reading and sending.
        case open
        /// A close frame went out: nothing more is sent (RFC 6455 §5.5.1). `reading`: the client's frames are still
        /// handled; false once it closed or broke the protocol, when only its answering close matters. `deadline`
        /// closes the connection if the client has not answered by then (nil: it is being closed already); it is
        /// cancelled when the channel goes.
        case closing(reading: Bool, deadline: Scheduled<Void>?)
        /// Out of the pipeline: the channel is closed.
        case removed
    }

    /// Whether a close frame went out (or the channel is gone): nothing more may be sent.
    private var closeSent: Bool {
        if case .open = phase { false } else { true }
    }

    /// Whether the client's frames are still handled.
    private var reading: Bool {
        switch phase {
        case .open: true
        case .closing(let reading, _): reading
        case .removed: false
        }
    }

    /// A message arriving in fragments: what came so far, its opcode, and whether it is compressed.
    private var fragments: (payload: ByteBuffer, opcode: WebSocketOpcode, compressed: Bool)?
    /// Messages handed to the hub and not yet acknowledged, and whether a read waits for them to fall.
    private var unacknowledged = 0
    private var readHeld = false

    init(id: SessionID, events: AsyncStream<LiveSocketEvent>.Continuation, options: LiveOptions, deflate: Bool) {
        self.id = id
        self.events = events
        self.maxMessageBytes = options.maxMessageBytes
        self.closeGrace = TimeAmount(options.closeGrace)
        self.deflate = deflate
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        encoderContext = try? context.pipeline.syncOperations.context(handlerType: WebSocketFrameEncoder.self)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        if case .closing(_, let deadline?) = phase { deadline.cancel() }
        phase = .removed
        encoderContext = nil
        self.context = nil
        pinger?.remove(self)
        pinger = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        events.yield(.closed(id))
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        events.yield(.writability(id, writable: context.channel.isWritable))
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case is ChannelShouldQuiesceEvent:
            closeFromServer(code: 1001, reason: "Server shutting down")
        case ChannelEvent.inputClosed:
            // The client sent FIN without a close frame: nothing more will come, and nobody reads what we send.
            context.close(promise: nil)
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // NIO's protocol error handler, before this one, has already sent the close frame (1002, 1009) and closes
        // once it is written; the grace timer covers a client that never lets it be written.
        if error is NIOWebSocketError {
            closeWasSent(context: context, reading: false)
            return
        }
        context.close(promise: nil)
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        guard reading else {
            // After a failure only the client's answering close matters: it ends the connection at once.
            if frame.opcode == .connectionClose, closeSent { context.close(promise: nil) }
            return
        }
        guard frame.maskKey != nil else { return fail(.protocolError, "Client frames must be masked.") }
        guard !frame.rsv2, !frame.rsv3 else { return fail(.protocolError, "No extension uses RSV2 or RSV3.") }
        switch frame.opcode {
        case .ping, .pong, .connectionClose:
            guard frame.fin, frame.length <= 125, !frame.rsv1 else {
                return fail(.protocolError, "Control frames are whole, short and uncompressed.")
            }
            control(frame, context: context)
        case .text, .binary:
            guard fragments == nil else { return fail(.protocolError, "A message began before the last one ended.") }
            guard !frame.rsv1 || deflate else { return fail(.protocolError, "RSV1 without permessage-deflate.") }
            if frame.fin {
                message(frame.unmaskedData, opcode: frame.opcode, compressed: frame.rsv1)
            } else {
                fragments = (frame.unmaskedData, frame.opcode, frame.rsv1)
            }
        case .continuation:
            guard let (started, opcode, compressed) = fragments, !frame.rsv1 else {
                return fail(.protocolError, "A continuation frame needs a message to continue.")
            }
            fragments = nil
            var payload = started
            var more = frame.unmaskedData
            guard payload.readableBytes + more.readableBytes <= maxMessageBytes else {
                return fail(.messageTooLarge, "Messages are at most \(maxMessageBytes) bytes.")
            }
            payload.writeBuffer(&more)
            if frame.fin {
                message(payload, opcode: opcode, compressed: compressed)
            } else {
                fragments = (payload, opcode, compressed)
            }
        default:
            fail(.protocolError, "Unknown opcode.")
        }
    }

    private func control(_ frame: WebSocketFrame, context: ChannelHandlerContext) {
        switch frame.opcode {
        case .ping:
            guard !closeSent else { return }
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)), promise: nil)
        case .pong:
            if let unansweredPing, frame.unmaskedData == unansweredPing { self.unansweredPing = nil }
        default:
            if closeSent {
                stopReading()
                context.close(promise: nil)  // the answer to our close
                return
            }
            // Answer with the client's code (RFC 6455 §5.5.1), then end the connection.
            var payload = frame.unmaskedData
            var answer = context.channel.allocator.buffer(capacity: 2)
            switch payload.readableBytes {
            case 0: break
            case 1: answer.write(webSocketErrorCode: .protocolError)
            default:
                let code = payload.readInteger(as: UInt16.self) ?? 0
                answer.writeInteger(Self.isValidCloseCode(code) ? code : 1002)
            }
            closeWasSent(context: context, reading: false)
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: answer)))
                .whenComplete { _ in channel.close(promise: nil) }
        }
    }

    /// A whole data message: inflated if compressed, checked, parsed and handed to the hub.
    private func message(_ payload: ByteBuffer, opcode: WebSocketOpcode, compressed: Bool) {
        var payload = payload
        if compressed {
            do {
                payload = try PerMessageDeflate.inflate(payload, maxBytes: maxMessageBytes)
            } catch .tooLarge {
                return fail(.messageTooLarge, "Messages are at most \(maxMessageBytes) bytes.")
            } catch {
                return fail(.protocolError, "The message is not a deflate stream.")
            }
        }
        let request: Result<LiveRequest, LiveProtocolError>
        if opcode == .text {
            guard let text = String(validating: payload.readableBytesView, as: UTF8.self) else {
                return fail(.dataInconsistentWithMessage, "Text messages are UTF-8.")
            }
            request = LiveRequest.parse(text)
        } else {
            request = .failure(LiveProtocolError("invalid_message", "Messages are JSON in text frames."))
        }
        unacknowledged += 1
        events.yield(.received(id, request))
    }

    /// Close codes a peer may send (RFC 6455 §7.4).
    private static func isValidCloseCode(_ code: UInt16) -> Bool {
        switch code {
        case 1000...1003, 1007...1011, 3000...4999: true
        default: false
        }
    }

    /// Fails the connection: a close frame with the code, then our half of the connection ends (a full close while
    /// the client's bytes are still unread would reset the connection and could lose the frame); what the client
    /// still sends is read and ignored until it closes, or the close grace period ends.
    private func fail(_ code: WebSocketErrorCode, _ reason: String) {
        guard let context else { return }
        guard !closeSent else { return stopReading() }
        var payload = context.channel.allocator.buffer(capacity: 2 + reason.utf8.count)
        payload.write(webSocketErrorCode: code)
        payload.writeString(reason)
        closeWasSent(context: context, reading: false)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: payload)))
            .whenComplete { _ in channel.close(mode: .output, promise: nil) }
    }

    /// Every close frame the server sends goes with this: nothing is sent after it, and the connection is closed
    /// after the close grace period whatever happens (a client that stopped reading may never let the frame out).
    /// `reading`: whether the client's frames are still handled meanwhile. Once closing, the first deadline stands.
    private func closeWasSent(context: ChannelHandlerContext, reading: Bool) {
        guard case .open = phase else {
            if !reading { stopReading() }
            return
        }
        let channel = context.channel
        phase = .closing(reading: reading, deadline: context.eventLoop.scheduleTask(in: closeGrace) { channel.close(promise: nil) })
    }

    /// After our close frame: the client closed or broke the protocol, so only its answering close matters now.
    private func stopReading() {
        if case .closing(_, let deadline) = phase { phase = .closing(reading: false, deadline: deadline) }
    }

    // MARK: Read pacing

    func read(context: ChannelHandlerContext) {
        if unacknowledged >= Self.maxUnacknowledged {
            readHeld = true
            return
        }
        context.read()
    }

    /// The hub handled one of this socket's messages: a read held back for it goes ahead.
    func acknowledged() {
        unacknowledged -= 1
        if readHeld, unacknowledged < Self.maxUnacknowledged, let context {
            readHeld = false
            context.read()
        }
    }

    // MARK: Outbound

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

    /// Sends a close frame; the connection ends when the client answers, or after the close grace period.
    func closeFromServer(code: Int, reason: String) {
        guard let context, !closeSent else { return }
        var payload = context.channel.allocator.buffer(capacity: 2 + reason.utf8.count)
        payload.writeInteger(UInt16(code))
        payload.writeString(reason)
        closeWasSent(context: context, reading: true)
        context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: payload)), promise: nil)
    }

    /// Drops the connection without a close handshake.
    func abort() {
        context?.close(promise: nil)
    }

    // MARK: Keepalive

    /// Registers with the loop's pinger; false when the handler is already out of its pipeline (channel closed).
    func attach(to pinger: LivePinger) -> Bool {
        if case .removed = phase { return false }
        guard self.pinger == nil else { return false }
        self.pinger = pinger
        return true
    }

    /// The pinger's round: ping the peer, or close the connection if it never answered the previous ping.
    func ping(_ payload: ByteBuffer) {
        guard let context, !closeSent else { return }
        // While its reads are held back for the hub, the socket's pongs are not read either: not its fault.
        if unansweredPing != nil, !readHeld {
            var data = context.channel.allocator.buffer(capacity: 16)
            data.write(webSocketErrorCode: .goingAway)
            data.writeString("Ping timeout")
            phase = .closing(reading: true, deadline: nil)  // closed at once, below
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: data)), promise: nil)
            context.close(promise: nil)
            return
        }
        unansweredPing = payload
        context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .ping, data: payload)), promise: nil)
    }
}
