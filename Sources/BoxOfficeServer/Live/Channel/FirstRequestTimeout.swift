import NIOCore

/// Closes a connection that has not sent a whole first request head within the timeout: one that connects and says
/// nothing, or sends half a request and stops, would otherwise hold its socket (and a file descriptor) for good,
/// since HTTP's idle timeout starts only once a request has been read. Removed as soon as the first head decides what
/// the connection is (`LiveHTTPChannel`).
final class FirstRequestTimeout: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private let timeout: TimeAmount
    private var scheduled: Scheduled<Void>?

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        scheduled?.cancel()
        scheduled = nil
    }

    private func start(_ context: ChannelHandlerContext) {
        guard scheduled == nil else { return }
        let channel = context.channel
        scheduled = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
    }

    /// Takes the timeout out of a channel's pipeline (on its event loop); nothing when it is not there.
    static func remove(from channel: any Channel) {
        let pipeline = channel.pipeline.syncOperations
        guard let context = try? pipeline.context(handlerType: FirstRequestTimeout.self) else { return }
        pipeline.removeHandler(context: context, promise: nil)
    }
}
