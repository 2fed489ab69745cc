import NIOCore
import NIOPosix
import Synchronization

/// A listening socket on 127.0.0.1, at a port of the kernel's choosing, for the bench's own servers (`SMTPSink`,
/// `SlowReceiver`): `configure` sets up each accepted connection's pipeline, on its event loop.
enum LoopbackListener {
    static func bind(
        group: any EventLoopGroup, what: String, configure: @escaping @Sendable (any Channel) throws -> Void
    ) async throws -> (channel: any Channel, port: Int) {
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in channel.eventLoop.makeCompletedFuture { try configure(channel) } }
            .bind(host: "127.0.0.1", port: 0).get()
        guard let port = channel.localAddress?.port else { throw BenchError("\(what) has no port") }
        return (channel, port)
    }
}

/// What a bench server has handled so far (messages accepted, requests answered), counted from its event loops.
final class EventCounter: Sendable {
    let value = Mutex(0)
    @Sendable func add() { value.withLock { $0 += 1 } }
}
