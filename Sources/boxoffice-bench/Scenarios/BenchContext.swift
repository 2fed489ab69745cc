import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix

/// Sizes and durations of one bench run. `quick` (the default of `scripts/bench`) fits in three minutes;
/// `smoke` shrinks everything to a second or two per scenario.
struct BenchSizes: Sendable {
    var warmup: Duration = .seconds(1)
    var duration: Duration = .seconds(4)
    /// HTTP connections of the REST scenarios, and how many 127.0.0.x addresses they come from.
    var connections = 32
    var sources = 4
    // (b) locks
    var lockUsers = 400
    var lockShows = 200
    var showsPerLockUser = 6
    var maxSeatsPerLock = 4
    var lockTargetRate = 5_000.0
    // (c) flow
    var flowConnections = 32
    // (d) fan-out
    var subscribers = 10_000
    var fanoutShows = 100
    var fanoutLockRate = 1_000.0
    var fanoutDuration: Duration = .seconds(8)
    var probes = 8
    // (e) kiosk
    var kiosks = 15_000
    var kioskIdle: Duration = .seconds(3)
    /// Sockets of the idle WebSocket floor (its cost per socket is flat in the count).
    var floorSockets = 5_000
    var deflateKiosks = 1_000
    /// Sockets per worker process (a process may hold at most 20,000 files here).
    var socketsPerWorker = 5_000
    // (f) recovery
    var bookedSeats = 1_000_000
    var liveHolds = 200
    var overdueHolds = 100
    /// Restarts, each on its own copy of the recovery database; the row gives the median.
    var recoveryRuns = 3
    // floors
    var sqliteSeconds: Duration = .seconds(3)
    // cluster (PostgreSQL): nodes on one database; its lock loads use (b)'s sizes
    var clusterNodes = 3
    var clusterSubscribers = 3_000
    var clusterShows = 100
    var clusterLockRate = 1_000.0
    var clusterDeliveryDuration: Duration = .seconds(8)
    /// kill -9 rounds, each of the next node, under a lock load lasting `failoverLoad` (the kill a third of the way in).
    var failovers = 3
    var failoverLoad: Duration = .seconds(3)
    // the seat engine alone (issue #14)
    /// Best-available decisions timed at each occupancy.
    var seatingDecisions = 20_000
    // the door: scans at a fixed rate while (c) runs
    var scanRate = 20.0
    var scanConnections = 4
    var doorDuration: Duration = .seconds(10)
    /// The flow beside the scans: closed loop at full speed (nil), or this many flows a second, open loop.
    var doorFlowRate: Double?
    // the outbox's cost: (c) without and with email, alternating; how long the outbox may take to deliver after a run
    var outboxRounds = 2
    /// Outbox: the flow's pace in flows a second on both sides (open loop); nil runs it at full speed (closed loop).
    var outboxFlowRate: Double?
    /// Whether the outbox's SMTP sink offers PIPELINING (RFC 2920), as Postfix and most mail servers do.
    var sinkPipelining = true
    var mailDrain: Duration = .seconds(120)
    // the sales report: days of a 10-theatre chain's history, and requests timed
    var reportDays = 365
    var reportRequests = 30
    // the webhooks' cost: (b) and (c) without and with three webhooks on a slow receiver, alternating
    var webhookRounds = 2

    static let quick = BenchSizes()

    static let smoke: BenchSizes = {
        var sizes = BenchSizes(
            warmup: .milliseconds(200), duration: .seconds(1), connections: 4, sources: 2, lockUsers: 12, lockShows: 6, showsPerLockUser: 3,
            maxSeatsPerLock: 4, lockTargetRate: 50, flowConnections: 4, subscribers: 40, fanoutShows: 4, fanoutLockRate: 40,
            fanoutDuration: .seconds(1), probes: 2, kiosks: 40, kioskIdle: .milliseconds(500), floorSockets: 40, deflateKiosks: 4, socketsPerWorker: 20,
            bookedSeats: 20_000, liveHolds: 5, overdueHolds: 5, recoveryRuns: 1, sqliteSeconds: .milliseconds(500))
        sizes.seatingDecisions = 500
        sizes.scanRate = 10
        sizes.scanConnections = 2
        sizes.doorDuration = .seconds(1)
        sizes.outboxRounds = 1
        sizes.mailDrain = .seconds(20)
        sizes.reportDays = 7
        sizes.reportRequests = 3
        sizes.webhookRounds = 1
        return sizes
    }()
}

/// What every scenario shares: the server binary, a scratch directory, the load's event loops, an HTTP client.
struct BenchContext: Sendable {
    var serverBinary: String
    var directory: String
    var sizes: BenchSizes
    var loadGroup: MultiThreadedEventLoopGroup
    var http: HTTPClient
    var log: @Sendable (String) -> Void

    /// Source addresses 127.0.0.2 … for the REST load.
    var loadSources: [String] { (0..<max(1, sizes.sources)).map { "127.0.0.\(2 + $0)" } }

    /// Source addresses for worker `index`: four of its own, from 127.0.0.20 up.
    func workerSources(_ index: Int) -> [String] { (0..<4).map { "127.0.0.\(20 + index * 4 + $0)" } }

    /// Starts enough worker processes for `sockets` sockets (at most `sizes.socketsPerWorker` each, from their own
    /// source addresses), each opening its share against `port` and sending the operations in `opsFile`.
    /// On a cluster, `node` is the index of the node `port` is (workers then tell same-node from cross-node
    /// deliveries); `firstWorker` numbers this fleet's workers after another fleet's, for source addresses and logs,
    /// and `firstSocket` its sockets (which op each sends).
    func spawnWorkers(
        sockets: Int, port: Int, showsFile: String, opsFile: String, logName: String, node: Int? = nil, firstWorker: Int = 0, firstSocket: Int = 0
    ) throws -> WorkerFleet {
        let workerCount = max(1, (sockets + sizes.socketsPerWorker - 1) / sizes.socketsPerWorker)
        var spawned = [WorkerProcess]()
        var first = firstSocket
        for index in 0..<workerCount {
            let count = sockets / workerCount + (index < sockets % workerCount ? 1 : 0)
            var arguments = [
                "--port", "\(port)", "--sources", workerSources(firstWorker + index).joined(separator: ","), "--count", "\(count)",
                "--first-index", "\(first)", "--shows", showsFile, "--ops", opsFile,
            ]
            if let node { arguments += ["--node", "\(node)"] }
            spawned.append(
                try WorkerProcess(executable: currentExecutable(), arguments: arguments, logPath: file("\(logName)-worker-\(firstWorker + index).log")))
            first += count
        }
        return WorkerFleet(workers: spawned)
    }

    func launch(database name: String, demo: Bool = true) -> ServerLaunch {
        let path = file(name)
        return ServerLaunch(binary: serverBinary, database: path, logPath: path + ".server.log", demo: demo)
    }

    func setup(_ server: ServerProcess) -> SetupClient {
        SetupClient(client: http, baseURL: server.baseURL)
    }

    func file(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }
}
