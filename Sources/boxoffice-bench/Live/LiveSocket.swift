import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// One raw WebSocket of a worker: sends its one `subscribe` or `watch` op on upgrade, then reads frames on
/// the event loop (no task per socket, no decode of whole messages), checking version order per show.
final class LiveSocket: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private unowned let load: LiveLoad
    private let operation: String
    private let connectStarted: UInt64
    private let onReady: () -> Void
    private var context: ChannelHandlerContext?
    private var fragments: ByteBuffer?
    private var isReady = false
    /// The subscribed show (subscribe sockets), and the last version applied.
    private var show = -1
    private var version: Int64 = -1

    init(load: LiveLoad, operation: String, connectStarted: UInt64, onReady: @escaping () -> Void) {
        self.load = load
        self.operation = operation
        self.connectStarted = connectStarted
        self.onReady = onReady
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        load.report.connected += 1
        send(text: operation, context: context)
    }

    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    private func send(text: String, context: ChannelHandlerContext) {
        let frame = WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: ByteBuffer(string: text))
        context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text, .binary, .continuation:
            var data = frame.unmaskedData
            if frame.fin && fragments == nil {
                message(data)
            } else {
                if fragments == nil { fragments = context.channel.allocator.buffer(capacity: data.readableBytes * 2) }
                fragments!.writeBuffer(&data)
                if frame.fin, let whole = fragments {
                    fragments = nil
                    message(whole)
                }
            }
        case .ping:
            let pong = WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: frame.unmaskedData)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        case .connectionClose:
            load.report.closedByServer += 1
            context.close(promise: nil)
        default:
            break
        }
    }

    private func message(_ buffer: ByteBuffer) {
        let now = Monotonic.now()
        buffer.withUnsafeReadableBytes { bytes in
            guard let type = JSONScan.string("type", in: bytes) else {
                load.report.errors["unparsed", default: 0] += 1
                return
            }
            switch type {
            case "delta":
                guard let showId = JSONScan.string("show", in: bytes), let index = load.showIndex[showId],
                    let version = JSONScan.integer("version", in: bytes)
                else {
                    load.report.errors["bad delta", default: 0] += 1
                    return
                }
                if index == show {
                    if version != self.version + 1 { load.report.gaps += 1 }
                    self.version = version
                }
                load.delta(show: index, version: version, at: now)
            case "snapshot":
                load.report.snapshots += 1
                if let showId = JSONScan.string("show", in: bytes), let index = load.showIndex[showId],
                    let version = JSONScan.integer("version", in: bytes)
                {
                    if show != index {
                        show = index
                        load.subscribers[index] += 1
                    }
                    self.version = version
                }
                becomeReady(now)
            case "availability":
                load.report.availabilities += 1
                becomeReady(now)
            case "pong":
                becomeReady(now)
            case "error":
                let code = JSONScan.string("code", in: bytes) ?? "?"
                load.report.errors[code, default: 0] += 1
            default:
                load.report.errors["type \(type)", default: 0] += 1
            }
        }
    }

    private func becomeReady(_ now: UInt64) {
        guard !isReady else { return }
        isReady = true
        load.report.ready += 1
        load.report.readyLatency.recordMicros(Monotonic.micros(from: connectStarted, to: now))
        onReady()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        load.report.errors["io", default: 0] += 1
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if show >= 0, load.subscribers[show] > 0 { load.subscribers[show] -= 1 }
        show = -1
        context.fireChannelInactive()
    }

    func close() { context?.close(promise: nil) }
}

/// Opens raw WebSockets from chosen 127.0.0.x addresses: TCP connect, HTTP/1.1 upgrade, then a `LiveSocket`.
enum LiveConnector {
    /// Connects one socket; `onReady` runs on its loop at its first message, `onFailed` if it never upgrades.
    static func connect(
        loop: any EventLoop, load: NIOLoopBound<LiveLoad>, source: String, port: Int, operation: String,
        onReady: @escaping @Sendable () -> Void
    ) -> EventLoopFuture<any Channel> {
        let started = Monotonic.now()
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(.seconds(60))
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let upgrader = NIOWebSocketClientUpgrader(maxFrameSize: 1 << 20, automaticErrorHandling: true) { channel, _ in
                        channel.eventLoop.makeCompletedFuture {
                            let socket = LiveSocket(load: load.value, operation: operation, connectStarted: started, onReady: onReady)
                            try channel.pipeline.syncOperations.addHandler(socket)
                        }
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers(
                        leftOverBytesStrategy: .forwardBytes,
                        withClientUpgrade: (upgraders: [upgrader], completionHandler: { _ in }))
                }
            }
        let address: SocketAddress
        do {
            address = try SocketAddress(ipAddress: source, port: 0)
        } catch {
            return loop.makeFailedFuture(error)
        }
        return bootstrap.bind(to: address).connect(host: "127.0.0.1", port: port).flatMap { channel in
            var headers = HTTPHeaders()
            headers.add(name: "Host", value: "127.0.0.1:\(port)")
            headers.add(name: "Content-Length", value: "0")
            let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/ws", headers: headers)
            channel.write(HTTPClientRequestPart.head(head), promise: nil)
            return channel.writeAndFlush(HTTPClientRequestPart.end(nil)).map { channel }
        }
    }
}
