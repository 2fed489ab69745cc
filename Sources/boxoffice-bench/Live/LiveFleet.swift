import NIOCore

/// Opens a worker's sockets with at most `window` upgrades in flight (a burst of thousands of SYNs would
/// overflow the server's accept backlog and measure TCP retransmission instead), and closes them at the end.
final class LiveFleet {
    private let loop: any EventLoop
    private let load: NIOLoopBound<LiveLoad>
    private let port: Int
    private let sources: [String]
    private let operations: [String]
    private let count: Int
    private let firstIndex: Int
    private let window: Int
    private var next = 0
    private var inFlight = 0
    private var channels: [any Channel] = []
    private(set) var settled = 0

    init(loop: any EventLoop, load: NIOLoopBound<LiveLoad>, port: Int, sources: [String], operations: [String], count: Int, firstIndex: Int, window: Int) {
        self.loop = loop
        self.load = load
        self.port = port
        self.sources = sources
        self.operations = operations
        self.count = count
        self.firstIndex = firstIndex
        self.window = max(1, window)
    }

    var isSettled: Bool { settled >= count }

    func start() {
        while inFlight < window && next < count { open(next) }
    }

    private func open(_ index: Int) {
        next += 1
        inFlight += 1
        let global = firstIndex + index
        let operation = operations[global % operations.count]
        let source = sources[index % sources.count]
        let me = NIOLoopBound(self, eventLoop: loop)
        // Settles once: at the first message, or when the socket fails or closes before it.
        let done = NIOLoopBoundBox(false, eventLoop: loop)
        let settle: @Sendable () -> Void = {
            guard !done.value else { return }
            done.value = true
            me.value.inFlight -= 1
            me.value.settled += 1
            me.value.start()
        }
        LiveConnector.connect(loop: loop, load: load, source: source, port: port, operation: operation, onReady: settle)
            .whenComplete { result in
                switch result {
                case .success(let channel):
                    me.value.channels.append(channel)
                    channel.closeFuture.whenComplete { _ in
                        if !done.value {
                            me.value.load.value.report.failed += 1
                            me.value.load.value.report.errors["closed before its first message", default: 0] += 1
                        }
                        settle()
                    }
                case .failure(let error):
                    me.value.load.value.report.failed += 1
                    me.value.load.value.report.errors["connect: \(error)", default: 0] += 1
                    settle()
                }
            }
    }

    func closeAll() -> EventLoopFuture<Void> {
        let closes = channels.map { $0.close() }
        channels = []
        return EventLoopFuture.whenAllComplete(closes, on: loop).map { _ in () }
    }
}
