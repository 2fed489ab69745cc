import Foundation
import Histogram
import SeatEngine

/// Cross-node delivery on a cluster: subscribers spread evenly over every node (each show followed on every node),
/// locks at a fixed rate with each show's locks sent to one node (show k to node k mod n). A delivery on the node that
/// answered the lock is *same-node*; on any other node it is *cross-node*: the lock committed on node A, the notice
/// went through PostgreSQL to B, B's hub read the change from the seat-changes table and wrote the delta.
///
/// Deltas carry no timestamp (docs/PROTOCOL.md: show, version, cause, changes), so the two instants are read by the
/// bench from CLOCK_MONOTONIC, one clock for every process here: the lock's 201 answer received by the bench (node A
/// answers after its commit), and the delta frame with that show and version read by a worker from a socket on B.
enum ClusterDelivery {
    /// Locks a second offered and what came through, with the row.
    struct Outcome {
        var result: ScenarioResult
        var offered: Double
        var achieved: Double
    }

    /// `shows`: shows nothing else locks (the feed's users take seats 0–31 of each, so a second run needs others).
    static func run(_ context: BenchContext, nodes: ClusterNodes, shows: [BenchShow], rate: Double, key: String, title: String) async throws -> Outcome {
        var workers = [WorkerFleet]()
        do {
            let result = try await measure(context, nodes: nodes, shows: shows, rate: rate, key: key, title: title, workers: &workers)
            for fleet in workers { await fleet.finish() }
            return result
        } catch {
            for fleet in workers { await fleet.finish() }
            throw error
        }
    }

    private static func measure(
        _ context: BenchContext, nodes: ClusterNodes, shows: [BenchShow], rate: Double, key: String, title: String, workers: inout [WorkerFleet]
    ) async throws -> Outcome {
        let sizes = context.sizes
        let nodeCount = nodes.nodes.count
        var result = ScenarioResult(key: key, title: title, unit: "deliveries/s")
        let setup = nodes.setup(0)
        guard !shows.isEmpty else { throw BenchError("no free show with 32 seats") }
        let users = try await setup.registerUsers(count: 8, prefix: "cluster-feed-\(UInt32.random(in: 0...UInt32.max))")
        let showsFile = context.file("cluster-shows.txt")
        let opsFile = context.file("cluster-ops.txt")
        try shows.map(\.id).joined(separator: "\n").write(toFile: showsFile, atomically: true, encoding: .utf8)
        try shows.map { #"{"op":"subscribe","show":""# + $0.id + #""}"# }.joined(separator: "\n").write(toFile: opsFile, atomically: true, encoding: .utf8)

        // Node k's sockets are numbered from k × perNode, so every node has every show's share of subscribers.
        let perNode = sizes.clusterSubscribers / nodeCount
        let workersPerNode = max(1, (perNode + sizes.socketsPerWorker - 1) / sizes.socketsPerWorker)
        for node in 0..<nodeCount {
            workers.append(
                try context.spawnWorkers(
                    sockets: perNode, port: nodes.ports[node], showsFile: showsFile, opsFile: opsFile, logName: "cluster", node: node,
                    firstWorker: node * workersPerNode, firstSocket: node * perNode))
        }
        let fleet = WorkerFleet(workers: workers.flatMap(\.workers))
        context.log("cluster: \(perNode * nodeCount) subscribers on \(shows.count) shows, \(perNode) on each node")
        let connectStarted = Monotonic.now()
        let ready = try await fleet.ready(timeout: .seconds(180))
        let connectSeconds = Double(Monotonic.now() - connectStarted) / 1e9
        let subscribed = ready.reduce(0) { $0 + $1.ready }
        let failedSockets = ready.reduce(0) { $0 + $1.failed }
        if failedSockets > 0 { result.failures.append("\(failedSockets) sockets failed to subscribe") }
        for event in ready { for (code, count) in event.errors { result.failures.append("\(count)× \(code) while subscribing") } }

        // Each show is locked through its own node only, so its versions go up by one a lock from here on.
        var versions = [Int64]()
        for (index, show) in shows.enumerated() { versions.append(try await nodes.setup(index % nodeCount).version(ofShow: show.id)) }
        let startVersions = versions
        let tokens = users.map(\.token)
        fleet.broadcast("go")
        let postgresBefore = nodes.postgres?.seconds()
        context.log("cluster: locking at \(Int(rate))/s for \(sizes.clusterDeliveryDuration), show k through node k mod \(nodeCount)")
        let plan = LoadPlan(
            connections: shows.count, sources: [context.loadSources[0]], rate: rate, warmup: .zero, duration: sizes.clusterDeliveryDuration)
        let locks = try await LoadRunner.run(group: context.loadGroup, ports: nodes.ports, plan: plan, serverPids: nodes.pids) { index in
            // Connection i goes to node i mod n (LoadRunner) and locks show i.
            let show = index % shows.count
            let node = index % nodeCount
            return FeedLockUser(show: shows[show], showIndex: show, version: startVersions[show], tokens: tokens) { show, version, answered, sent in
                fleet.broadcast("a \(show) \(version) \(answered) \(sent) \(node)")
            }
        }
        fleet.broadcast("mark")
        let postgresSeconds = nodes.postgres.flatMap { cpu in postgresBefore.map { cpu.seconds() - $0 } }
        let drainedFor = try await fleet.drain(limit: .seconds(15))
        let drained = Format.seconds(drainedFor.timeInterval)
        let reports = try await fleet.results(timeout: .seconds(60))

        let total = LiveReport.total(reports)
        result.throughput = locks.seconds > 0 ? Double(total.markedDeliveries) / locks.seconds : 0
        result.latency = total.otherNode
        result.seconds = locks.seconds
        result.usage = locks.usage
        let cross = total.otherNode.totalCount
        result.notes.append(
            "\(subscribed) subscribers on \(shows.count) shows, \(perNode) on each of \(nodeCount) nodes (\(fleet.workers.count) worker processes, connected in \(Format.seconds(connectSeconds)))")
        result.notes.append(
            String(format: "%.0f locks/s of %.0f offered", locks.okPerSecond, rate)
                + " (lock p50 \(Format.millis(locks.latency.millis(at: 50))) ms, p99 \(Format.millis(locks.latency.millis(at: 99))) ms), show k's locks through node k mod \(nodeCount)")
        result.notes.append(
            "latency = delta read from a socket on node B − the lock's 201 read from node A (A ≠ B), both CLOCK_MONOTONIC; "
                + String(format: "%.0f%%", cross > 0 ? Double(total.otherNodeEarly) / Double(cross) * 100 : 0)
                + " arrived before the answer (counted as 0)")
        result.notes.append(
            "same node: p50 \(Format.millis(total.sameNode.millis(at: 50))) ms, p99 \(Format.millis(total.sameNode.millis(at: 99))) ms; "
                + "\(cross) cross-node and \(total.sameNode.totalCount) same-node deliveries; from the lock's request (any node): p99 \(Format.millis(total.fromRequest.millis(at: 99))) ms")
        if let postgresSeconds, let usage = locks.usage {
            result.notes.append(
                String(
                    format: "all nodes' CPU %.0f%% of a core, PostgreSQL's %.0f%%, over the window (warm-up none)", usage.cpuSeconds / max(locks.seconds, 0.001) * 100,
                    postgresSeconds / max(locks.seconds, 0.001) * 100))
        }
        if total.gaps > 0 { result.failures.append("\(total.gaps) version gaps") }
        if total.missing > 0 { result.failures.append("\(total.missing) deliveries missing \(drained) after the last lock") }
        if drainedFor > .seconds(2) { result.notes.append("deliveries still arrived \(drained) after the last lock (backlog)") }
        if total.closedByServer > 0 { result.failures.append("\(total.closedByServer) sockets closed by the server") }
        for (code, count) in total.errors { result.failures.append("\(count)× \(code)") }
        for (label, count) in locks.outcomes where label != "ok" { result.failures.append("\(count)× \(label) (locks)") }
        if cross == 0 { result.failures.append("no cross-node delivery") }
        return Outcome(result: result, offered: rate, achieved: locks.okPerSecond)
    }
}
