import Logging
import PostgresNIO
import Synchronization

/// The connection pool every store of one PostgreSQL database goes through: postgres-nio's `PostgresClient`, with what
/// an outage needs on top of it.
///
/// - **An outage answers at once.** postgres-nio queues a request while it cannot connect (up to a minute, until its
///   circuit breaker trips). Here a request that gets no connection within `leaseTimeout`, or that fails because the
///   connection broke, marks the database *down*; while it is down every request fails at once with
///   `PostgresUnreachable`, which the edge answers 503 `unavailable`.
/// - **It ends by itself.** While down, `run()` probes the server with a fresh connection every `probeInterval`. When
///   it answers, the database is *up* again — on a new pool if the old one saw the server go away (postgres-nio's pool
///   backs off up to a minute between connection attempts; a new pool connects now). A replaced pool is closed
///   `retireAfter` later, once what it was doing is done.
/// - **It is measured:** connections in use, requests that found every connection busy, failures (`status`).
///
/// The state is a `Mutex` rather than an actor: every query of every request reads it synchronously, and an actor
/// hop per query would put a second queue in front of the pool's own. Nothing is awaited while it is held.
public final class PostgresConnections: Sendable {
    public let poolSize: Int
    let leaseTimeout: Duration
    /// How long a read may take to its first row (a prepared `read`: to its last) before it counts as an outage: longer
    /// than `leaseTimeout`, since it includes the query's own work (a sales report), which a connection lease does not.
    let readTimeout: Duration
    let probeInterval: Duration
    let retireAfter: Duration
    private let makeClient: @Sendable () -> PostgresClient
    private let probe: @Sendable () async throws -> Void
    private let logger: Logger
    private let state: Mutex<State>
    private let pools: AsyncStream<PostgresClient>
    private let newPool: AsyncStream<PostgresClient>.Continuation

    private struct State {
        var client: PostgresClient
        var downSince: ContinuousClock.Instant?
        var downReason = ""
        var inUse = 0
        /// When a request last finished well (or a probe answered): requests in flight with no progress for long
        /// make the watcher probe the server.
        var lastProgress = ContinuousClock.now
        var counters = ConnectionPoolStatus.Counters()
    }

    init(
        poolSize: Int, leaseTimeout: Duration = .seconds(5), readTimeout: Duration = .seconds(15), probeInterval: Duration = .milliseconds(250),
        retireAfter: Duration = .seconds(30), logger: Logger, makeClient: @escaping @Sendable () -> PostgresClient,
        probe: @escaping @Sendable () async throws -> Void
    ) {
        self.poolSize = poolSize
        self.leaseTimeout = leaseTimeout
        self.readTimeout = readTimeout
        self.probeInterval = probeInterval
        self.retireAfter = retireAfter
        self.logger = logger
        self.makeClient = makeClient
        self.probe = probe
        let first = makeClient()
        self.state = Mutex(State(client: first))
        (pools, newPool) = AsyncStream.makeStream(of: PostgresClient.self)
        newPool.yield(first)
    }

    // MARK: Queries

    /// A statement that writes, through the gate: like `withConnection`, it starts only if a connection came in time
    /// and is never abandoned once started, so a write refused as unavailable is never done later.
    public func execute(_ query: PostgresQuery, logger: Logger) async throws {
        try await withConnection { connection in
            for try await _ in try await connection.query(query, logger: logger) {}
        }
    }

    /// `PostgresClient.query`, through the gate: for reads only (one that waits too long for a connection is abandoned,
    /// and may still run later; writes use `execute`, `withConnection` or `withTransaction`).
    public func query(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence {
        try await perform { client in
            // A read may safely be abandoned: when the lease takes too long, the query is cancelled and dropped.
            try await Self.race(self.readTimeout) { _ in try await client.query(query, logger: logger) }
        }
    }

    /// A read as a prepared statement, through the gate, with its rows: parsed and planned once on each connection (a
    /// generic plan, once PostgreSQL finds it no dearer than planning each call), then only bound and run. For the
    /// reads every request makes, whose planning cost PostgreSQL more than running them (docs/BENCHMARKS.md,
    /// session 17). Like `query`, a read that takes longer than `readTimeout` is abandoned (here, to its last row).
    ///
    /// postgres-nio keeps a failed preparation for its connection's life, answering every later use with the same
    /// error; so a connection on which the server refused the statement is closed, and the pool opens another.
    public func read<Statement: PostgresPreparedStatement>(_ statement: Statement, logger: Logger) async throws -> [Statement.Row]
    where Statement.Row: Sendable {
        try await perform { client in
            try await Self.race(self.readTimeout) { _ in
                try await client.withConnection { connection in
                    do {
                        var rows = [Statement.Row]()
                        for try await row in try await connection.execute(statement, logger: logger) { rows.append(row) }
                        return rows
                    } catch let error as PSQLError where error.code == .server {
                        try? await connection.close()
                        throw error
                    }
                }
            }
        }
    }

    /// Runs `body` on one connection of the pool, through the gate. `body` starts only if the connection came within
    /// `leaseTimeout`.
    ///
    /// A connection whose server went away does not always fail what is waiting on it: with postgres-nio 1.33 a query
    /// sent on a connection that is already closed is never answered (seen when the server is stopped under load, and
    /// when it ends a session that sat idle in a transaction past `idle_in_transaction_session_timeout`). So the caller
    /// gets `overrun()` at once — the error to report for work that may or may not have happened
    /// (`PostgresBatchWriter` makes that exact: it never sends `COMMIT` once overrun, and resolves a `COMMIT` already
    /// sent) — when `body`'s connection is found closed under it (looked at every `watchInterval`), or when `body` has
    /// run for `workLimit` and the server does not answer a new connection (while it does, the work is only slow and
    /// goes on; when it does not, the connection is closed).
    public func withConnection<Result: Sendable>(
        workLimit: Duration = .seconds(30), overrun: @escaping @Sendable () -> any Error = { WorkOverran() },
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await perform { client in
            let lease = LeaseRace()
            return try await Self.race(self.leaseTimeout, unlessStarted: lease) { outcome in
                try await client.withConnection { connection in
                    guard lease.start() else { throw LeaseTimedOut() }
                    let watchdog = Task {
                        var ran = Duration.zero
                        var closedAtLastLook = false
                        while true {
                            try await Task.sleep(for: Self.watchInterval)
                            ran += Self.watchInterval
                            // Closed under the work (found closed twice, so work that was ending anyway had its chance).
                            if connection.isClosed {
                                if closedAtLastLook {
                                    self.logger.error("a database connection closed under a request; failing it")
                                    outcome.settle(.failure(overrun()))
                                    return
                                }
                                closedAtLastLook = true
                                continue
                            }
                            guard ran >= workLimit else { continue }
                            // Slow is not stuck: while the server answers a new connection, the work may go on.
                            if (try? await Self.bounded(.seconds(3)) { try await self.probe() }) != nil {
                                ran = .zero
                                continue
                            }
                            self.logger.error("a database request ran past its limit; closing its connection", metadata: ["limit": "\(workLimit)"])
                            try? await connection.close()
                            outcome.settle(.failure(overrun()))
                            return
                        }
                    }
                    defer { watchdog.cancel() }
                    return try await body(connection)
                }
            }
        }
    }

    /// `BEGIN`, `body`, `COMMIT` on one connection (`ROLLBACK` when `body` throws), through the gate.
    public func withTransaction<Result: Sendable>(
        logger: Logger, workLimit: Duration = .seconds(30), _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await withConnection(workLimit: workLimit) { connection in
            try await connection.withTransaction(logger: logger) { try await body($0) }
        }
    }

    /// The pool in use now, outside the gate: for tests and one-off tools only.
    public var client: PostgresClient { state.withLock { $0.client } }

    // MARK: The gate

    /// What the pool is doing, for `/readyz` and `/metrics`.
    public var status: ConnectionPoolStatus {
        state.withLock { state in
            ConnectionPoolStatus(
                isUp: state.downSince == nil, poolSize: poolSize, connectionsInUse: min(state.inUse, poolSize),
                waiting: max(0, state.inUse - poolSize), counters: state.counters)
        }
    }

    /// False while the database is known to be unreachable.
    public var isUp: Bool { state.withLock { $0.downSince == nil } }

    /// The error every request gets now without trying, while the database is known to be unreachable; else nil.
    var refusal: PostgresUnreachable? {
        state.withLock { state in
            guard state.downSince != nil else { return nil }
            state.counters.refused += 1
            return PostgresUnreachable(reason: state.downReason)
        }
    }

    private func perform<Result>(_ operation: (PostgresClient) async throws -> Result) async throws -> Result {
        let client = try state.withLock { state throws(PostgresUnreachable) -> PostgresClient in
            if state.downSince != nil {
                state.counters.refused += 1
                throw PostgresUnreachable(reason: state.downReason)
            }
            state.inUse += 1
            if state.inUse > poolSize { state.counters.waits += 1 }
            return state.client
        }
        defer { state.withLock { $0.inUse -= 1 } }
        do {
            let result = try await operation(client)
            state.withLock { $0.lastProgress = .now }
            return result
        } catch {
            if error is LeaseTimedOut {
                markDown("no answer in time")
                throw PostgresUnreachable(reason: "no answer in time")
            }
            if error is CommitOutcomeUnknown || error is WorkOverran || PostgresFailure.isUnavailable(error) {
                markDown(PostgresFailure.reason(error))
            } else {
                state.withLock { $0.counters.failed += 1 }
            }
            throw error
        }
    }

    /// Refuses every request from now until a probe reaches the server.
    func markDown(_ reason: String) {
        let wasUp = state.withLock { state in
            state.counters.failed += 1
            guard state.downSince == nil else { return false }
            state.downSince = .now
            state.downReason = reason
            state.counters.outages += 1
            return true
        }
        if wasUp { logger.error("PostgreSQL unreachable; refusing requests until it answers", metadata: ["reason": "\(reason)"]) }
    }

    // MARK: Running

    /// Runs the pools (the first, and each that replaces one after an outage) and the probe, until cancelled or the
    /// service group shuts down.
    public func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.watch() }
            for await client in pools {
                group.addTask { await self.runPool(client) }
            }
        }
    }

    /// Runs one pool until it has been replaced for `retireAfter` (or the process stops).
    private func runPool(_ client: PostgresClient) async {
        await withDiscardingTaskGroup { group in
            group.addTask { await client.run() }
            while !Task.isCancelled {
                try? await Task.sleep(for: retireAfter)
                if state.withLock({ $0.client !== client }) { break }
            }
            group.cancelAll()
        }
    }

    /// While the database is down, probes it; when it answers, lets requests through again. While it is up but
    /// requests are in flight and none has finished for `stallLimit`, probes it too: a server that died without
    /// closing its connections leaves queries waiting with nothing to fail them.
    private func watch() async {
        var probeFailed = false
        while !Task.isCancelled {
            try? await Task.sleep(for: probeInterval)
            guard !isUp else {
                probeFailed = false
                let stalled = state.withLock { $0.inUse > 0 && ContinuousClock.now - $0.lastProgress > Self.stallLimit }
                if stalled {
                    do {
                        try await Self.bounded(.seconds(3)) { try await self.probe() }
                        state.withLock { $0.lastProgress = .now }
                    } catch {
                        let why = error is LeaseTimedOut ? "no answer in 3 s" : PostgresFailure.reason(error)
                        markDown("requests stalled, and a new connection failed: \(why)")
                    }
                }
                continue
            }
            do {
                // Bounded: a probe can hang like any request on a server that is going away.
                try await Self.bounded(.seconds(3)) { try await self.probe() }
            } catch {
                probeFailed = true
                continue
            }
            // The server answered. If it had been away, the old pool may be backing off for up to a minute: use a new
            // one. If it never was (the pool was only slow), keep the pool.
            let replacement = probeFailed ? makeClient() : nil
            let downFor = state.withLock { state -> Duration in
                if let replacement { state.client = replacement }
                let since = state.downSince ?? .now
                state.downSince = nil
                return ContinuousClock.now - since
            }
            if let replacement { newPool.yield(replacement) }
            logger.notice("PostgreSQL answers again; serving", metadata: ["down": "\(downFor)", "newPool": "\(probeFailed)"])
            probeFailed = false
        }
        newPool.finish()
    }

    static let stallLimit: Duration = .seconds(2)

    /// How often a request's watchdog looks at its connection (see `withConnection`).
    static let watchInterval: Duration = .milliseconds(250)

    // MARK: Lease deadlines

    /// Runs `operation`; if it has not finished within `timeout` (and, given `lease`, has not started its work),
    /// throws `LeaseTimedOut` at once and leaves it behind.
    ///
    /// The operation runs in a task of its own rather than a child task because a child must be awaited, and a request
    /// queued in postgres-nio's pool while it cannot connect is not always let go when cancelled: awaiting it would
    /// wait for the pool, which is what the deadline is for. A task left behind is bounded: its lease either arrives
    /// (then `LeaseRace` makes the body return at once and the connection goes back) or fails when the pool gives up.
    /// `operation`, or `LeaseTimedOut` once `timeout` has passed (the operation is left behind).
    static func bounded<Result: Sendable>(_ timeout: Duration, _ operation: @escaping @Sendable () async throws -> Result) async throws -> Result {
        try await race(timeout) { _ in try await operation() }
    }

    private static func race<Result: Sendable>(
        _ timeout: Duration, unlessStarted lease: LeaseRace? = nil,
        _ operation: @escaping @Sendable (FirstOutcome<Result>) async throws -> Result
    ) async throws -> Result {
        let outcome = FirstOutcome<Result>()
        let work = Task {
            do {
                outcome.settle(.success(try await operation(outcome)))
            } catch {
                outcome.settle(.failure(error))
            }
        }
        let timer = Task {
            try await Task.sleep(for: timeout)
            if lease?.expire() ?? true { outcome.settle(.failure(LeaseTimedOut())) }
        }
        defer { timer.cancel() }
        return try await withTaskCancellationHandler {
            try await outcome.value()
        } onCancel: {
            work.cancel()
        }
    }
}

/// The first of several results to arrive, handed to the one caller waiting for it; later ones are dropped.
final class FirstOutcome<Value: Sendable>: Sendable {
    private enum State {
        case waiting(CheckedContinuation<Value, any Error>?)
        case settled(Result<Value, any Error>)
    }

    private let state = Mutex<State>(.waiting(nil))

    func settle(_ result: Result<Value, any Error>) {
        let waiter = state.withLock { state -> CheckedContinuation<Value, any Error>? in
            guard case .waiting(let continuation) = state else { return nil }
            state = .settled(result)
            return continuation
        }
        waiter?.resume(with: result)
    }

    func value() async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            let settled = state.withLock { state -> Result<Value, any Error>? in
                switch state {
                case .settled(let result): return result
                case .waiting: state = .waiting(continuation); return nil
                }
            }
            if let settled { continuation.resume(with: settled) }
        }
    }
}

/// Who won between a connection arriving and the deadline: exactly one of `start` and `expire` returns true.
private final class LeaseRace: Sendable {
    private let state = Atomic<UInt8>(0)  // 0 waiting, 1 started, 2 expired

    func start() -> Bool { state.compareExchange(expected: 0, desired: 1, ordering: .acquiringAndReleasing).exchanged }
    func expire() -> Bool { state.compareExchange(expected: 0, desired: 2, ordering: .acquiringAndReleasing).exchanged }
}

/// No connection came within the lease timeout.
struct LeaseTimedOut: Error {}

/// A request still ran when its time was up; its connection was closed.
public struct WorkOverran: Error {
    public init() {}
}
