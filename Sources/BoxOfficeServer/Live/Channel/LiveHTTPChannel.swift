import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NIOWebSocket

/// One connection of the server's port: HTTP/1.1 for the REST API and the pages, or, when its first request is a
/// WebSocket upgrade of `/ws`, a live socket.
///
/// Hummingbird's own WebSocket upgrade runs a Swift task per socket around an async channel for as long as the socket
/// is open: ~18 KiB of task memory each (measured with heaptrack on 3,000 idle sockets), most of what an idle kiosk
/// cost. Here an upgraded connection is handed to a `LiveSocketHandler` in its pipeline and the connection's task
/// ends: an open socket is its NIO channel and that handler, nothing more.
struct LiveHTTPChannel: ServerChildChannel, HTTPChannelHandler {
    /// What the first request made of the connection.
    enum Connection: Sendable {
        case http(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
        /// An upgrade the server does not do (another path, a bad handshake): answered 400 (426 for a WebSocket
        /// version other than 13, 503 when every live socket's place is taken), then closed.
        case refusedUpgrade(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>, HandshakeRefusal)
        /// A live socket, served from now on by its `LiveSocketHandler`.
        case live
        /// A connection past `ConnectionLimits.connections`: its first request is answered 503 in its pipeline
        /// (`HTTPRequestGuard`), or it was closed at once.
        case refused
    }

    struct Value: ServerChildChannelValue {
        let connection: EventLoopFuture<Connection>
        let channel: any Channel
    }

    let responder: HTTPChannelHandler.Responder
    let http1: HTTP1Channel.Configuration
    let hub: SubscriptionHub
    let options: LiveOptions
    let counts: ConnectionCounts

    /// How long a connection past the bound of connections has to send its first request head before it is closed.
    static let refusalTimeout = TimeAmount.seconds(1)

    init(
        responder: @escaping HTTPChannelHandler.Responder, http1: HTTP1Channel.Configuration, hub: SubscriptionHub, options: LiveOptions,
        counts: ConnectionCounts
    ) {
        self.responder = Self.redirectingLateUpgrades(responder)
        self.http1 = http1
        self.hub = hub
        self.options = options
        self.counts = counts
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            switch counts.admit(channel) {
            case .serve:
                break
            case .refuse:
                try refusalPipeline(channel)
                return Value(connection: channel.eventLoop.makeSucceededFuture(.refused), channel: channel)
            case .drop:
                channel.close(promise: nil)
                return Value(connection: channel.eventLoop.makeSucceededFuture(.refused), channel: channel)
            }
            // Until the first request head is read; after it, HTTP's idle timeout or the live socket's pings take over.
            if let idleTimeout = http1.idleTimeout {
                try channel.pipeline.syncOperations.addHandler(FirstRequestTimeout(timeout: idleTimeout))
            }
            let upgradeRefused = NIOLoopBoundBox(HandshakeRefusal?.none, eventLoop: channel.eventLoop)
            let upgrader = CheckedWebSocketUpgrader(
                upgrader: NIOTypedWebSocketServerUpgrader<Connection>(
                    maxFrameSize: options.maxMessageBytes,
                    // The handshake and path were checked by `CheckedWebSocketUpgrader`; what is left is the answer.
                    shouldUpgrade: { channel, head in channel.eventLoop.makeSucceededFuture(Self.upgradeHeaders(for: head)) },
                    upgradePipelineHandler: { channel, head in
                        channel.eventLoop.makeCompletedFuture {
                            FirstRequestTimeout.remove(from: channel)
                            // Before the upgrade handler hands on what came after the handshake: frames are not HTTP.
                            let guardContext = try channel.pipeline.syncOperations.context(handlerType: HTTPRequestGuard.self)
                            channel.pipeline.syncOperations.removeHandler(context: guardContext, promise: nil)
                            try startSession(on: channel, deflate: Self.deflateAnswer(to: head) != nil)
                            return .live
                        }
                    }),
                counts: counts, refused: upgradeRefused)
            let upgrades = NIOTypedHTTPServerUpgradeConfiguration<Connection>(
                upgraders: [upgrader],
                notUpgradingCompletionHandler: { channel in
                    channel.eventLoop.makeCompletedFuture {
                        FirstRequestTimeout.remove(from: channel)
                        let http = try httpChannel(channel, logger: logger)
                        return upgradeRefused.value.map { .refusedUpgrade(http, $0) } ?? .http(http)
                    }
                })
            var configuration = NIOUpgradableHTTPServerPipelineConfiguration(upgradeConfiguration: upgrades)
            configuration.enablePipelining = false  // the async channel serves one request at a time
            configuration.enableErrorHandling = false  // Hummingbird answers parse errors
            configuration.enableResponseHeaderValidation = false  // HTTPTypes validated them
            configuration.decoderConfiguration = decoderLimits
            let connection = try channel.pipeline.syncOperations.configureUpgradableHTTPServerPipeline(configuration: configuration)
            let upgradeHandler = try channel.pipeline.syncOperations.handler(type: NIOTypedHTTPServerUpgradeHandler<Connection>.self)
            try channel.pipeline.syncOperations.addHandler(ForeignUpgradeFilter(), position: .before(upgradeHandler))
            // After the upgrade handler, which passes parse errors on untouched and, on an upgrade, drops the decoder
            // (whose leftover bytes it keeps) before the guard leaves.
            try channel.pipeline.syncOperations.addHandler(
                HTTPRequestGuard(maxBodyBytes: AppRequestContext.maxBodyBytes), position: .after(upgradeHandler))
            return Value(connection: connection, channel: channel)
        }
    }

    func handle(value: Value, logger: Logger) async {
        do {
            switch try await value.connection.get() {
            case .http(let http):
                await handleHTTP(asyncChannel: http, logger: logger)
            case .refusedUpgrade(let http, let refusal):
                await refuse(http, refusal: refusal, logger: logger)
            case .live, .refused:
                // Nothing waits here: the socket lives on in its pipeline, and the server's shutdown reaches it there
                // (`ChannelShouldQuiesceEvent`), as it reaches HTTP connections.
                return
            }
        } catch {
            logger.debug("connection ended before its first request was handled", metadata: ["error": "\(error)"])
        }
    }

    private var decoderLimits: NIOHTTPDecoderLimitConfiguration {
        var limits = NIOHTTPDecoderLimitConfiguration()
        limits.maxHeaderFieldSize = http1.httpDecoder.maxHeaderFieldSize
        limits.maxHeaderListSize = http1.httpDecoder.maxHeaderListSize
        limits.maxHeaderFieldCount = http1.httpDecoder.maxHeaderFieldCount
        return limits
    }

    /// The pipeline of a connection past the bound of connections: its first request is read only to be answered 503
    /// `overloaded` with `Retry-After`, and it is closed; one that sends none within `refusalTimeout` is just closed.
    private func refusalPipeline(_ channel: any Channel) throws {
        let pipeline = channel.pipeline.syncOperations
        try pipeline.configureHTTPServerPipeline(
            withPipeliningAssistance: false, withServerUpgrade: nil, withErrorHandling: false, withOutboundHeaderValidation: false,
            withEncoderConfiguration: .init(), withDecoderLimitConfiguration: decoderLimits)
        try pipeline.addHandler(HTTPRequestGuard(maxBodyBytes: AppRequestContext.maxBodyBytes, refusing: .overloaded))
        try pipeline.addHandler(FirstRequestTimeout(timeout: Self.refusalTimeout))
    }

    // MARK: Live sockets

    /// The 101's extra headers: the permessage-deflate answer, if any.
    private static func upgradeHeaders(for head: HTTPRequestHead) -> HTTPHeaders? {
        var headers = HTTPHeaders()
        if let answer = deflateAnswer(to: head) { headers.add(name: "Sec-WebSocket-Extensions", value: answer) }
        return headers
    }

    private static func deflateAnswer(to head: HTTPRequestHead) -> String? {
        PerMessageDeflate.negotiate(head.headers["Sec-WebSocket-Extensions"])
    }

    /// Puts the live session in the upgraded pipeline (after NIO's frame encoder, decoder and error handler) and
    /// tells the hub, on the channel's event loop.
    private func startSession(on channel: any Channel, deflate: Bool) throws {
        let handler = LiveSocketHandler(id: hub.sessionIDs.next(), events: hub.socketEvents, options: options, deflate: deflate)
        // The handler writes frames through the encoder's context; without one it would drop them all silently.
        _ = try channel.pipeline.syncOperations.context(handlerType: WebSocketFrameEncoder.self)
        try channel.pipeline.syncOperations.addHandler(handler)
        let channelOptions = try channel.syncOptions ?? { throw ChannelError.operationUnsupported }()
        if let sendBufferBytes = options.sendBufferBytes {
            // Bounds what a reader that stopped can pin in the kernel, and makes its backlog show up in the hub's queue.
            try channelOptions.setOption(ChannelOptions.socketOption(.so_sndbuf), value: SocketOptionValue(sendBufferBytes))
        }
        // Clients send short JSON messages: start small.
        try channelOptions.setOption(
            ChannelOptions.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 512, maximum: 64 * 1024))
        hub.socketEvents.yield(.opened(LiveSocket(id: handler.id, handler: NIOLoopBound(handler, eventLoop: channel.eventLoop))))
        // The hub assumes writable until told otherwise.
        if !channel.isWritable { hub.socketEvents.yield(.writability(handler.id, writable: false)) }
    }

    // MARK: HTTP

    /// The pipeline of a connection that stays HTTP, as Hummingbird's `HTTP1Channel` builds it.
    private func httpChannel(_ channel: any Channel, logger: Logger) throws -> NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart> {
        let pipeline = channel.pipeline.syncOperations
        try pipeline.addHandler(HTTP1ToHTTPServerCodec(secure: false))
        try pipeline.addHandlers(http1.additionalChannelHandlers())
        try pipeline.addHandler(HTTPConnectionStateHandler(idleTimeout: http1.idleTimeout.map { Duration($0) }, logger: logger))
        return try NIOAsyncChannel(wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
    }

    /// The refusal's answer in the contract's error shape, then close, for an upgrade the server does not do.
    private func refuse(_ http: NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>, refusal: HandshakeRefusal, logger: Logger) async {
        let (response, body) = refusal.answer
        do {
            try await http.executeThenClose { _, outbound in
                try await outbound.write(contentsOf: [.head(response), .body(body), .end(nil)])
            }
        } catch {
            logger.trace("could not answer a refused upgrade", metadata: ["error": "\(error)"])
        }
    }

    /// WebSocket upgrades that reach the HTTP side. NIO upgrades only a connection's first request, so a valid
    /// handshake that came later on a kept-alive connection is sent back to the same URL with `Connection: close`,
    /// and the client retries on a fresh one; an invalid one gets its `HandshakeRefusal`.
    private static func redirectingLateUpgrades(_ responder: @escaping HTTPChannelHandler.Responder) -> HTTPChannelHandler.Responder {
        struct CloseAfterAnswer: Error {}
        return { request, writer, channel in
            guard request.headers[.upgrade]?.lowercased() == "websocket" else {
                return try await responder(request, writer, channel)
            }
            let refusal = HandshakeRefusal.check(
                path: request.uri.path, version: request.headers[.secWebSocketVersion], key: request.headers[.secWebSocketKey],
                connection: request.headers[values: .connection].flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } })
            if let refusal {
                let (head, body) = refusal.answer
                try await writer.write(response: head, body: .init(byteBuffer: body))
            } else {
                let location = request.uri.query.map { "\(request.uri.path)?\($0)" } ?? request.uri.path
                try await writer.writeResponse(HTTPResponse(status: .temporaryRedirect, headerFields: [.connection: "close", .location: location]))
            }
            throw CloseAfterAnswer()
        }
    }
}

/// NIO's WebSocket upgrader with the handshake checked first (`HandshakeRefusal`) and a live socket's place taken
/// (`ConnectionCounts`). When NIO's own checks refuse an upgrade (a missing key, another version), the request is lost
/// to the HTTP side and the connection just closes; checked here, the refusal is noted (`refused`) and answered
/// (`LiveHTTPChannel.refuse`).
private struct CheckedWebSocketUpgrader: NIOTypedHTTPServerProtocolUpgrader {
    let upgrader: NIOTypedWebSocketServerUpgrader<LiveHTTPChannel.Connection>
    let counts: ConnectionCounts
    /// Why this connection's upgrade was refused, once it was.
    let refused: NIOLoopBoundBox<HandshakeRefusal?>

    var supportedProtocol: String { upgrader.supportedProtocol }
    /// None: every `Upgrade: websocket` request reaches `buildUpgradeResponse`, so that it can be answered.
    var requiredUpgradeHeaders: [String] { [] }

    func buildUpgradeResponse(channel: any Channel, upgradeRequest: HTTPRequestHead, initialResponseHeaders: HTTPHeaders) -> EventLoopFuture<HTTPHeaders> {
        if let refusal = Self.refusal(of: upgradeRequest) ?? (counts.reserveLiveSocket(for: channel) ? nil : .overloaded) {
            refused.value = refusal
            return channel.eventLoop.makeFailedFuture(refusal)
        }
        // Should NIO refuse what passed the check, the client still gets an answer.
        refused.value = .invalidHandshake
        return upgrader.buildUpgradeResponse(channel: channel, upgradeRequest: upgradeRequest, initialResponseHeaders: initialResponseHeaders)
    }

    static func refusal(of head: HTTPRequestHead) -> HandshakeRefusal? {
        HandshakeRefusal.check(
            path: head.uri, version: head.headers.first(name: "Sec-WebSocket-Version"), key: head.headers.first(name: "Sec-WebSocket-Key"),
            connection: head.headers[canonicalForm: "Connection"].map(String.init))
    }

    func upgrade(channel: any Channel, upgradeRequest: HTTPRequestHead) -> EventLoopFuture<LiveHTTPChannel.Connection> {
        upgrader.upgrade(channel: channel, upgradeRequest: upgradeRequest)
    }
}

/// NIO's upgrade handler loses the request head of an upgrade to a protocol it has no upgrader for (`Upgrade: h2c`
/// from `curl --http2`, say; swift-nio#2632), and the client gets no answer at all. A server may ignore `Upgrade`
/// (RFC 9110 §7.8), so for any protocol but WebSocket this strips it from the first request, which is then served as
/// plain HTTP/1.1. It sits just before the upgrade handler and leaves after the first head.
final class ForeignUpgradeFilter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var head) = unwrapInboundIn(data) else {
            context.fireChannelRead(data)
            return
        }
        let protocols = head.headers[canonicalForm: "Upgrade"].map { $0.lowercased() }
        if !protocols.isEmpty, !protocols.contains(where: { $0 == "websocket" || $0.hasPrefix("websocket/") }) {
            head.headers.remove(name: "Upgrade")
            let connection = head.headers[canonicalForm: "Connection"].filter { $0.lowercased() != "upgrade" }
            head.headers.remove(name: "Connection")
            if !connection.isEmpty { head.headers.add(name: "Connection", value: connection.joined(separator: ", ")) }
        }
        context.fireChannelRead(wrapInboundOut(.head(head)))
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}
