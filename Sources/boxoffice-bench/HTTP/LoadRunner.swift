import Histogram
import NIOCore
import NIOHTTP1
import NIOPosix

/// How to drive a load: how many connections from which addresses, closed loop or at a fixed rate, how long.
struct LoadPlan: Sendable {
    var connections: Int
    /// Source addresses (127.0.0.x) the connections bind to, round robin.
    var sources: [String]
    /// Transactions a second (open loop, latency measured from each one's scheduled start, so queueing in the
    /// bench counts against the server as it would for real users); nil drives each connection back to back.
    var rate: Double?
    var warmup: Duration
    var duration: Duration
}

/// What a load measured.
struct LoadResult: Sendable {
    var latency: Latency
    var steps: [String: Latency]
    var outcomes: [String: Int]
    var seconds: Double
    var ok: Int
    var conflicts: Int
    var failures: Int
    /// Open loop: arrivals dropped because the bench's own queue was full (the server far behind).
    var dropped: Int
    var connected: Int
    var usage: ServerUsage?

    var answered: Int { ok + conflicts }
    var okPerSecond: Double { seconds > 0 ? Double(ok) / seconds : 0 }
    /// The servers' CPU for each answer, in µs (nil: not measured, or nothing answered).
    var cpuMicrosPerAnswer: Double? {
        guard let usage, answered > 0 else { return nil }
        return usage.cpuSeconds / Double(answered) * 1e6
    }
    var answersPerSecond: Double { seconds > 0 ? Double(answered) / seconds : 0 }
    /// The share of answers that were 409s, in percent.
    var conflictPercent: Double { answered > 0 ? Double(conflicts) / Double(answered) * 100 : 0 }
}

/// Drives HTTP/1.1 keep-alive connections straight on NIO event loops: one request in flight per connection,
/// no task hop per request, so the bench spends as little as possible of the core it shares with the server.
enum LoadRunner {
    static func run(
        group: any EventLoopGroup, port: Int, plan: LoadPlan, serverPid: Int32?,
        makeUser: @escaping @Sendable (Int) -> any VirtualUser
    ) async throws -> LoadResult {
        try await run(group: group, ports: [port], plan: plan, serverPids: serverPid.map { [$0] } ?? [], makeUser: makeUser)
    }

    /// The same over several servers (nodes of one cluster): connection `i` goes to `ports[i % ports.count]`, and
    /// the usage sums the CPU of every process in `serverPids`.
    static func run(
        group: any EventLoopGroup, ports: [Int], plan: LoadPlan, serverPids: [Int32],
        makeUser: @escaping @Sendable (Int) -> any VirtualUser
    ) async throws -> LoadResult {
        precondition(!ports.isEmpty, "a load needs a server")
        var loops = [any EventLoop]()
        for loop in group.makeIterator() { loops.append(loop) }
        var states = [NIOLoopBound<LoopLoad>]()
        for loop in loops {
            states.append(try await loop.submit { NIOLoopBound(LoopLoad(), eventLoop: loop) }.get())
        }
        // Connect, 64 at a time.
        var connected = 0
        try await withThrowingTaskGroup(of: Bool.self) { tasks in
            var next = 0
            func add() {
                let index = next
                next += 1
                let state = states[index % states.count]
                let source = plan.sources[index % plan.sources.count]
                let port = ports[index % ports.count]
                let host = "127.0.0.1:\(port)"
                tasks.addTask {
                    let bootstrap = ClientBootstrap(group: state.eventLoop)
                        .channelOption(.socketOption(.so_reuseaddr), value: 1)
                        .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                        .bind(to: try SocketAddress(ipAddress: source, port: 0))
                        .channelInitializer { channel in
                            channel.eventLoop.makeCompletedFuture {
                                let connection = LoadConnection(user: makeUser(index), load: state.value, host: host)
                                try channel.pipeline.syncOperations.addHTTPClientHandlers()
                                try channel.pipeline.syncOperations.addHandler(connection)
                                state.value.connections.append(connection)
                            }
                        }
                    _ = try await bootstrap.connect(host: "127.0.0.1", port: port).get()
                    return true
                }
            }
            while next < min(plan.connections, 64) { add() }
            while let ok = try await tasks.next() {
                if ok { connected += 1 }
                if next < plan.connections { add() }
            }
        }
        let perLoopRate = plan.rate.map { $0 / Double(states.count) }
        for state in states {
            try await state.eventLoop.submit { state.value.start(rate: perLoopRate) }.get()
        }
        try await Task.sleep(for: plan.warmup)
        for state in states {
            try await state.eventLoop.submit { state.value.measure() }.get()
        }
        let window = serverPids.isEmpty ? nil : ServerUsage.Window(pids: serverPids)
        let started = Monotonic.now()
        try await Task.sleep(for: plan.duration)
        var snapshots = [LoopSnapshot]()
        for state in states {
            snapshots.append(try await state.eventLoop.submit { state.value.snapshot() }.get())
        }
        let seconds = Double(Monotonic.now() - started) / 1e9
        let usage = window?.finish()
        for state in states {
            try await state.eventLoop.submit { state.value.stop() }.get()
        }
        var result = LoadResult(
            latency: .latency(), steps: [:], outcomes: [:], seconds: seconds, ok: 0, conflicts: 0, failures: 0, dropped: 0,
            connected: connected, usage: usage)
        for snapshot in snapshots {
            result.latency.add(snapshot.latency)
            for (step, histogram) in snapshot.steps { result.steps[step, default: .latency()].add(histogram) }
            for (label, count) in snapshot.outcomes { result.outcomes[label, default: 0] += count }
            result.dropped += snapshot.dropped
        }
        result.ok = result.outcomes["ok"] ?? 0
        result.conflicts = result.outcomes["conflict"] ?? 0
        result.failures = result.outcomes.filter { $0.key != "ok" && $0.key != "conflict" }.values.reduce(0, +)
        return result
    }
}

/// What one event loop measured.
struct LoopSnapshot: Sendable {
    var latency: Latency
    var steps: [String: Latency]
    var outcomes: [String: Int]
    var dropped: Int
}

/// The connections of one event loop and what they measured. Touched only on that loop.
final class LoopLoad {
    var connections: [LoadConnection] = []
    private var latency = Latency.latency()
    private var steps: [String: Latency] = [:]
    private var outcomes: [String: Int] = [:]
    private var measuring = false
    private var running = false
    // Open loop.
    private var rate: Double?
    /// Idle connections, oldest first: arrivals rotate over all of them (and so over their users and shows).
    private var idle = CircularBuffer<LoadConnection>()
    private var pending = CircularBuffer<UInt64>()
    private var pacer: RepeatedTask?
    private var pacerStart: UInt64 = 0
    private var issued: UInt64 = 0
    private var dropped = 0
    private let maxPending = 100_000

    func start(rate: Double?) {
        running = true
        self.rate = rate
        let now = Monotonic.now()
        guard let rate, rate > 0, let loop = connections.first?.eventLoop else {
            for connection in connections { connection.start(at: now) }
            return
        }
        idle = CircularBuffer(connections)
        pacerStart = now
        issued = 0
        let bound = NIOLoopBound(self, eventLoop: loop)
        pacer = loop.scheduleRepeatedTask(initialDelay: .zero, delay: .microseconds(500)) { _ in
            bound.value.tick(rate: rate)
        }
    }

    /// Starts every arrival that is due; arrivals find an idle connection or wait in order.
    private func tick(rate: Double) {
        guard running else { return }
        let now = Monotonic.now()
        // Arrival k is due at pacerStart + k / rate: at time t, arrivals 0 … ⌊t·rate⌋ are due (without the + 1, each
        // arrival was started one interval after the time it is measured from, adding 1 / rate to every latency).
        let due = UInt64(Double(now - pacerStart) * rate / 1e9) + 1
        while issued < due {
            let scheduled = pacerStart + UInt64(Double(issued) * 1e9 / rate)
            issued += 1
            if let connection = idle.popFirst() {
                connection.start(at: scheduled)
            } else if pending.count < maxPending {
                pending.append(scheduled)
            } else {
                dropped += 1
            }
        }
    }

    func measure() {
        latency = .latency()
        steps = [:]
        outcomes = [:]
        dropped = 0
        measuring = true
    }

    func snapshot() -> LoopSnapshot {
        measuring = false
        return LoopSnapshot(latency: latency, steps: steps, outcomes: outcomes, dropped: dropped)
    }

    func stop() {
        running = false
        pacer?.cancel()
        pacer = nil
        for connection in connections { connection.close() }
        idle.removeAll()
        pending.removeAll()
    }

    func stepAnswered(_ step: String, micros: UInt64) {
        guard measuring else { return }
        steps[step, default: .latency()].recordMicros(micros)
    }

    /// A transaction ended: record it, and give the connection its next one.
    func finished(_ connection: LoadConnection, startedAt: UInt64, outcome: Outcome) {
        if measuring {
            if case .failed = outcome {} else { latency.recordMicros(Monotonic.micros(from: startedAt, to: Monotonic.now())) }
            outcomes[outcome.label, default: 0] += 1
        }
        guard running else { return }
        if rate == nil {
            connection.start(at: Monotonic.now())
        } else if let scheduled = pending.popFirst() {
            connection.start(at: scheduled)
        } else {
            idle.append(connection)
        }
    }

    func lost(_ connection: LoadConnection, inFlight: Bool) {
        if measuring, inFlight { outcomes["io", default: 0] += 1 }
        idle.removeAll { $0 === connection }
        connections.removeAll { $0 === connection }
    }
}

/// One keep-alive connection running its virtual user's transactions.
final class LoadConnection: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private let user: any VirtualUser
    private unowned let load: LoopLoad
    private let host: String
    private var context: ChannelHandlerContext?
    private var inFlight = false
    private var startedAt: UInt64 = 0
    private var requestAt: UInt64 = 0
    private var step: String?
    private var status = 0
    private var body: ByteBuffer?
    private var keepsBody: Bool

    init(user: any VirtualUser, load: LoopLoad, host: String) {
        self.user = user
        self.load = load
        self.host = host
        self.keepsBody = user.keepsBody
    }

    var eventLoop: (any EventLoop)? { context?.eventLoop }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    /// Starts a transaction; `scheduled` is when it was due (open loop) or now (closed loop).
    func start(at scheduled: UInt64) {
        // A closed connection has left the load (`lost`); it starts nothing.
        guard context != nil else { return }
        inFlight = true
        startedAt = scheduled
        send(user.begin())
    }

    private func send(_ request: BenchRequest) {
        guard let context else { return }
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: host)
        if let token = request.token { headers.add(name: "Authorization", value: "Bearer " + token) }
        if let body = request.body {
            headers.add(name: "Content-Type", value: "application/json")
            headers.add(name: "Content-Length", value: String(body.readableBytes))
        } else if request.method != .GET {
            headers.add(name: "Content-Length", value: "0")
        }
        step = request.step
        requestAt = Monotonic.now()
        context.write(wrapOutboundOut(.head(HTTPRequestHead(version: .http1_1, method: request.method, uri: request.uri, headers: headers))), promise: nil)
        if let body = request.body { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = Int(head.status.code)
            body = nil
        case .body(let part):
            guard keepsBody else { return }
            if body == nil {
                body = part
            } else {
                var part = part
                body!.writeBuffer(&part)
            }
        case .end:
            guard inFlight else { return }
            if let step { load.stepAnswered(step, micros: Monotonic.micros(from: requestAt, to: Monotonic.now())) }
            switch user.answered(status: status, body: body) {
            case .send(let next):
                send(next)
            case .done(let outcome):
                inFlight = false
                body = nil
                load.finished(self, startedAt: startedAt, outcome: outcome)
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        let wasInFlight = inFlight
        inFlight = false
        load.lost(self, inFlight: wasInFlight)
        context.fireChannelInactive()
    }

    func close() {
        context?.close(promise: nil)
    }
}
