import Foundation
import Histogram
import SeatEngine
import NIOCore
import NIOHTTP1
import Synchronization

/// Locks one show at a time per connection, each time by the next of a few users on seats that user does not
/// hold, so every lock succeeds and makes exactly one delta: version n+1 of its show. The answer time of each
/// lock is announced to the workers, which subtract it from each subscriber's delta receive time.
final class FeedLockUser: VirtualUser {
    let keepsBody = true
    private let show: BenchShow
    private let showIndex: Int
    private var version: Int64
    private let tokens: [String]
    private var turn = 0
    private var secondSet: [Bool]
    private var sentAt: UInt64 = 0
    private let announce: @Sendable (Int, Int64, UInt64, UInt64) -> Void

    init(show: BenchShow, showIndex: Int, version: Int64, tokens: [String], announce: @escaping @Sendable (Int, Int64, UInt64, UInt64) -> Void) {
        self.show = show
        self.showIndex = showIndex
        self.version = version
        self.tokens = tokens
        self.secondSet = Array(repeating: false, count: tokens.count)
        self.announce = announce
    }

    func begin() -> BenchRequest {
        let user = turn % tokens.count
        turn += 1
        // User u alternates between seats 4u, 4u+1 and 4u+2, 4u+3: its new lock replaces its old one.
        let base = user * 4 + (secondSet[user] ? 2 : 0)
        secondSet[user].toggle()
        let seats = Array(show.seats[(base % show.seats.count)..<min(base % show.seats.count + 2, show.seats.count)])
        sentAt = Monotonic.now()
        return BenchRequest(method: .POST, uri: "/api/bookings/lock-seats", token: tokens[user], body: lockBody(show: show.id, seats: seats))
    }

    func answered(status: Int, body: ByteBuffer?) -> Step {
        guard status == 201 else { return .done(.failed("lock: http \(status) \(errorCode(body))")) }
        version += 1
        announce(showIndex, version, Monotonic.now(), sentAt)
        return .done(.ok)
    }
}

/// (d) Fan-out: N subscribers over M shows in worker processes, locks at a fixed rate from the parent.
enum FanOutScenario {
    static func run(_ context: BenchContext) async throws -> ScenarioResult {
        context.log("fanout: starting a server")
        let server = try await ServerProcess.start(context.launch(database: "fanout.sqlite"))
        var workers = WorkerFleet(workers: [])
        let probes = BrowserProbes()
        do {
            let result = try await measure(context, server: server, workers: &workers, probes: probes)
            await finish(server, workers, probes)
            return result
        } catch {
            await finish(server, workers, probes)
            throw error
        }
    }

    private static func finish(_ server: ServerProcess, _ workers: WorkerFleet, _ probes: BrowserProbes) async {
        await workers.finish()
        await server.stop()
        await probes.close()
    }

    private static func measure(_ context: BenchContext, server: ServerProcess, workers: inout WorkerFleet, probes: BrowserProbes) async throws
        -> ScenarioResult
    {
        let sizes = context.sizes
        var result = ScenarioResult(key: "fanout", title: "(d) fan-out: deltas to subscribers while locking", unit: "deliveries/s")
        let setup = context.setup(server)
        let shows = Array(try await setup.upcomingShows(startingAfter: 2 * 3600).filter { $0.seats.count >= 32 }.prefix(sizes.fanoutShows))
        guard !shows.isEmpty else { throw BenchError("no show with 32 seats") }
        let users = try await setup.registerUsers(count: 8, prefix: "feed-\(UInt32.random(in: 0...UInt32.max))")
        if let unsupported = try await LiveSupport.check(port: server.port, show: shows[0].id) {
            return .skipped("fanout", result.title, because: unsupported)
        }
        let showsFile = context.file("fanout-shows.txt")
        let opsFile = context.file("fanout-ops.txt")
        try shows.map(\.id).joined(separator: "\n").write(toFile: showsFile, atomically: true, encoding: .utf8)
        try shows.map { #"{"op":"subscribe","show":""# + $0.id + #""}"# }.joined(separator: "\n").write(toFile: opsFile, atomically: true, encoding: .utf8)

        let baseline = server.stats()
        workers = try context.spawnWorkers(sockets: sizes.subscribers, port: server.port, showsFile: showsFile, opsFile: opsFile, logName: "fanout")
        context.log("fanout: \(sizes.subscribers) subscribers on \(shows.count) shows from \(workers.workers.count) worker processes")
        let connectStarted = Monotonic.now()
        let ready = try await workers.ready(timeout: .seconds(180))
        let connectSeconds = Double(Monotonic.now() - connectStarted) / 1e9
        let subscribed = ready.reduce(0) { $0 + $1.ready }
        let failedSockets = ready.reduce(0) { $0 + $1.failed }
        let afterSubscribe = server.stats()
        if let baseline, let afterSubscribe, subscribed > 0 {
            result.perConnection = (afterSubscribe.residentBytes - baseline.residentBytes) / subscribed
        }
        if failedSockets > 0 { result.failures.append("\(failedSockets) sockets failed to subscribe") }
        for event in ready { for (code, count) in event.errors { result.failures.append("\(count)× \(code) while subscribing") } }

        // Browser-like probes through WSClient, with permessage-deflate.
        if sizes.probes > 0 {
            probes.open(
                count: sizes.probes, port: server.port, operations: shows.prefix(sizes.probes).map { #"{"op":"subscribe","show":""# + $0.id + #""}"# },
                deflate: true)
            await probes.waitReady(sizes.probes, timeout: .seconds(30))
        }

        // Versions now (nothing changes them but our locks from here on).
        var versions = [Int64]()
        for show in shows { versions.append(try await setup.version(ofShow: show.id)) }
        let fleet = workers
        let startVersions = versions
        let showIds = shows.map(\.id)
        let announce: @Sendable (Int, Int64, UInt64, UInt64) -> Void = { show, version, answered, sent in
            fleet.broadcast("a \(show) \(version) \(answered) \(sent)")
            probes.answers.withLock { $0["\(showIds[show]) \(version)"] = answered }
        }
        workers.broadcast("go")
        let tokens = users.map(\.token)
        context.log("fanout: locking at \(Int(sizes.fanoutLockRate))/s for \(sizes.fanoutDuration)")
        let plan = LoadPlan(
            connections: shows.count, sources: [context.loadSources[0]], rate: sizes.fanoutLockRate, warmup: .zero, duration: sizes.fanoutDuration)
        let locks = try await LoadRunner.run(group: context.loadGroup, port: server.port, plan: plan, serverPid: server.pid) { index in
            FeedLockUser(show: shows[index % shows.count], showIndex: index % shows.count, version: startVersions[index % shows.count], tokens: tokens, announce: announce)
        }
        workers.broadcast("mark")
        let drainedFor = try await workers.drain(limit: .seconds(15))
        let drained = Format.seconds(drainedFor.timeInterval)
        let reports = try await workers.results(timeout: .seconds(60))

        let total = LiveReport.total(reports)
        result.throughput = locks.seconds > 0 ? Double(total.markedDeliveries) / locks.seconds : 0
        result.latency = total.fromAnswer
        result.seconds = locks.seconds
        result.usage = locks.usage
        let probe = probes.seen.withLock { $0 }
        result.notes.append(
            "\(subscribed) subscribers on \(shows.count) shows (\(workers.workers.count) worker processes, connected in \(Format.seconds(connectSeconds)))")
        result.notes.append(
            String(format: "%.0f locks/s", locks.okPerSecond) + " (lock p99 \(Format.millis(locks.latency.millis(at: 99))) ms); "
                + "latency = delta received − the lock's REST answer received; "
                + String(format: "%.0f%%", total.matched > 0 ? Double(total.early) / Double(total.matched) * 100 : 0)
                + " arrived before the answer (counted as 0); from the lock's request: p99 \(Format.millis(total.fromRequest.millis(at: 99))) ms")
        if sizes.probes > 0 {
            result.notes.append("\(probe.ready)/\(sizes.probes) WSClient deflate probes, \(probe.deltas) deltas, p99 \(Format.millis(probe.fromAnswer.millis(at: 99))) ms")
        }
        if total.gaps > 0 { result.failures.append("\(total.gaps) version gaps") }
        if total.missing > 0 { result.failures.append("\(total.missing) deliveries missing \(drained) after the last lock") }
        if drainedFor > .seconds(2) { result.notes.append("deliveries still arrived \(drained) after the last lock (backlog)") }
        if total.closedByServer > 0 { result.failures.append("\(total.closedByServer) sockets closed by the server") }
        for (code, count) in total.errors { result.failures.append("\(count)× \(code)") }
        for (label, count) in locks.outcomes where label != "ok" { result.failures.append("\(count)× \(label) (locks)") }
        if total.markedDeliveries == 0 { result.failures.append("no delivery") }
        if !probe.errors.isEmpty { result.failures.append("probes: " + probe.errors.map { "\($0.value)× \($0.key)" }.joined(separator: ", ")) }
        if sizes.probes > 0 && probe.ready < sizes.probes { result.failures.append("only \(probe.ready)/\(sizes.probes) probes got a first message") }
        return result
    }
}

/// Whether the server speaks the live protocol yet: it answers `subscribe` with a snapshot.
enum LiveSupport {
    /// nil when it does; else why the live scenarios cannot run.
    static func check(port: Int, show: String) async throws -> String? {
        let probes = BrowserProbes()
        probes.open(count: 1, port: port, operations: [#"{"op":"subscribe","show":""# + show + #""}"#], deflate: false)
        await probes.waitReady(1, timeout: .seconds(10))
        await probes.close()
        let seen = probes.seen.withLock { $0 }
        if seen.ready == 0 { return "no answer on /ws to subscribe (\(seen.errors.keys.joined(separator: ", ")))" }
        if let error = seen.errors.keys.first(where: { $0.contains("unknown_op") || $0.contains("\"error\"") }) {
            return "the server has no live feed yet (/ws answered \(error))"
        }
        return nil
    }
}
