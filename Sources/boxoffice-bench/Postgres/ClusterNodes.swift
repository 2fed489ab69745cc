import Foundation
import NIOPosix

/// Several `boxoffice serve` nodes on one new database of the PostgreSQL cluster (docs/CLUSTER.md): started at once on
/// the empty database, as in `e2e/cluster`; one can be killed and started again (on a new port).
final class ClusterNodes: @unchecked Sendable {
    // @unchecked: `nodes` and `generations` are only touched by the task that runs the scenario.
    let cluster: PostgresCluster
    let database: String
    private let context: BenchContext
    private let name: String
    private(set) var nodes: [ServerProcess]
    private var generations: [Int]
    /// The PostgreSQL cluster's CPU, when it runs on this machine.
    let postgres: PostgresCPU?

    private init(context: BenchContext, cluster: PostgresCluster, name: String, database: String, nodes: [ServerProcess], postgres: PostgresCPU?) {
        self.context = context
        self.postgres = postgres
        self.cluster = cluster
        self.name = name
        self.database = database
        self.nodes = nodes
        self.generations = Array(repeating: 0, count: nodes.count)
    }

    var ports: [Int] { nodes.map(\.port) }
    var pids: [Int32] { nodes.map(\.pid) }

    /// `count` nodes on a new database `name`, all spawned at once and each waited for until ready.
    static func start(_ context: BenchContext, cluster: PostgresCluster, count: Int, name: String) async throws -> ClusterNodes {
        let database = cluster.scratchName(name)
        try await cluster.createDatabase(database)
        let url = cluster.url(database: database)
        var spawned = [ServerProcess]()
        do {
            for index in 0..<count {
                spawned.append(
                    try ServerProcess.spawn(
                        ServerLaunch(binary: context.serverBinary, database: url, logPath: context.file("\(name)-node\(index).server.log"))))
            }
            for node in spawned { _ = try await node.waitUntilReady(timeout: .seconds(120)) }
        } catch {
            for node in spawned { await node.stop() }
            try? await cluster.dropDatabase(database)
            throw error
        }
        let postgres = await PostgresCPU.find(cluster, database: database, on: context.loadGroup.next())
        return ClusterNodes(context: context, cluster: cluster, name: name, database: database, nodes: spawned, postgres: postgres)
    }

    func setup(_ index: Int) -> SetupClient { context.setup(nodes[index]) }

    /// kill -9 of node `index`; returns the monotonic time the signal was sent.
    func crash(_ index: Int) async -> UInt64 {
        let at = Monotonic.now()
        await nodes[index].crash()
        return at
    }

    /// Starts node `index` again on the same database (a new process, a new port); returns the seconds to /readyz.
    func restart(_ index: Int) async throws -> Double {
        await nodes[index].stop()
        generations[index] += 1
        var launch = nodes[index].launch
        launch.logPath = context.file("\(name)-node\(index)-\(generations[index]).server.log")
        let node = try ServerProcess.spawn(launch)
        nodes[index] = node
        let ready = try await node.waitUntilReady(timeout: .seconds(120))
        return Double(ready - node.spawnedAt) / 1e9
    }

    /// Every node's journal counters (`boxoffice_journal_batch_size`: sum = entries, count = batches), added up.
    func journal() async -> JournalCounters {
        var total = JournalCounters()
        for index in nodes.indices {
            guard let (status, body) = try? await setup(index).get("/metrics"), status == 200 else { continue }
            total = total + JournalCounters(metrics: String(decoding: body, as: UTF8.self))
        }
        return total
    }

    func stop() async {
        for node in nodes { await node.stop() }
        try? await cluster.dropDatabase(database)
    }
}

/// Journal entries and batches (each batch one PostgreSQL transaction, one WAL flush), and the seconds the writers spent
/// on them (`boxoffice_journal_commit_seconds`), from /metrics.
struct JournalCounters: Sendable {
    var entries = 0.0
    var batches = 0.0
    var seconds = 0.0

    init() {}

    init(metrics text: String) {
        for line in text.split(separator: "\n") where line.hasPrefix("boxoffice_journal_") {
            let parts = line.split(separator: " ")
            guard parts.count >= 2, let value = Double(parts[parts.count - 1]) else { continue }
            if parts[0].hasPrefix("boxoffice_journal_batch_size_sum") { entries = value }
            if parts[0].hasPrefix("boxoffice_journal_batch_size_count") { batches = value }
            if parts[0].hasPrefix("boxoffice_journal_commit_seconds_sum") { seconds = value }
        }
    }

    static func + (left: JournalCounters, right: JournalCounters) -> JournalCounters {
        var sum = JournalCounters()
        sum.entries = left.entries + right.entries
        sum.batches = left.batches + right.batches
        sum.seconds = left.seconds + right.seconds
        return sum
    }

    static func - (left: JournalCounters, right: JournalCounters) -> JournalCounters {
        var difference = JournalCounters()
        difference.entries = left.entries - right.entries
        difference.batches = left.batches - right.batches
        difference.seconds = left.seconds - right.seconds
        return difference
    }

    var meanBatch: Double { batches > 0 ? entries / batches : 0 }
    /// How long a batch took, on average, in ms.
    var millisPerBatch: Double { batches > 0 ? seconds / batches * 1000 : 0 }
}
