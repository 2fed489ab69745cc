import NIOCore
import NIOHTTP1

/// Answers, in the contract's error shape, what the HTTP decoder cannot parse and the requests the server will not
/// read (`RequestRefusal`), then closes the connection. NIO's decoder reports a parse error only as `errorCaught`;
/// before a connection's first request is decided nothing in the pipeline took it, and the connection sat silent until
/// the idle timeout. Also closes a connection whose request did not ask to keep it (HTTP/1.0 without keep-alive) after
/// its answer, and says `100 Continue` to a client that waits for it.
///
/// It sits right after NIO's upgrade handler, so it sees every request of a connection that stays HTTP, and leaves the
/// pipeline when a connection becomes a live socket (`LiveHTTPChannel`). With `refusal` set it answers every request
/// with it: the pipeline of a connection past `ConnectionLimits.connections`.
final class HTTPRequestGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// How long a closing connection may still send (what it sent is dropped) before it is closed outright: closing at
    /// once with unread bytes would reset the connection, and the client could lose the answer.
    static let linger = TimeAmount.seconds(1)

    private let maxBodyBytes: Int
    private let refusal: RequestRefusal?

    /// A request was passed on and its body has not all come.
    private var requestOpen = false
    /// A request was passed on and its answer has not ended.
    private var answerOpen = false
    /// The connection ends with the answer now being written.
    private var closeAfterAnswer = false
    /// A refusal of the request after the one being answered, written when that answer ends.
    private var refusalAfterAnswer: RequestRefusal?
    /// Answered for good: what comes in is dropped and nothing more goes out.
    private var closing = false

    init(maxBodyBytes: Int, refusing refusal: RequestRefusal? = nil) {
        self.maxBodyBytes = maxBodyBytes
        self.refusal = refusal
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        let part = unwrapInboundIn(data)
        switch part {
        case .head(let head):
            if let refusal = refusal ?? RequestRefusal.check(head, maxBodyBytes: maxBodyBytes) {
                refuse(refusal, context: context)
                return
            }
            requestOpen = true
            answerOpen = true
            if !head.isKeepAlive { closeAfterAnswer = true }
            if head.headers["Expect"].contains(where: { $0.lowercased() == "100-continue" }) {
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .continue))), promise: nil)
            }
        case .body:
            break
        case .end:
            requestOpen = false
        }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parseError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        guard !closing else { return }
        if requestOpen && answerOpen {
            // The route may be reading this body: it learns of the error there and answers it (ContractErrorMiddleware);
            // the connection ends with that answer.
            closeAfterAnswer = true
            context.fireErrorCaught(error)
        } else {
            refuse(.unparsable(parseError), context: context)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard !closing else {
            promise?.fail(ChannelError.outputClosed)
            return
        }
        switch unwrapOutboundIn(data) {
        case .head(var head) where closeAfterAnswer && head.status.code >= 200:
            head.headers.replaceOrAdd(name: "Connection", value: "close")
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .end:
            answerOpen = false
            context.write(data, promise: promise)
            if let refusal = refusalAfterAnswer {
                refuse(refusal, context: context)
            } else if closeAfterAnswer {
                context.flush()
                close(context: context)
            }
        default:
            context.write(data, promise: promise)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if closing, let event = event as? ChannelEvent, event == .inputClosed {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// Answers with the refusal and closes, or, while another answer is being written, right after it.
    private func refuse(_ refusal: RequestRefusal, context: ChannelHandlerContext) {
        if answerOpen {
            refusalAfterAnswer = refusalAfterAnswer ?? refusal
            closeAfterAnswer = true
            return
        }
        let (head, body) = refusal.parts
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        close(context: context)
    }

    /// Ends the output once what was written is out, drops whatever still comes in, and closes when the client does
    /// or after `linger`.
    private func close(context: ChannelHandlerContext) {
        closing = true
        let channel = context.channel
        context.close(mode: .output, promise: nil)
        context.eventLoop.scheduleTask(in: Self.linger) { channel.close(promise: nil) }
    }
}
