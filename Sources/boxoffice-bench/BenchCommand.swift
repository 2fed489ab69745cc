import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import PostgresNIO

#if canImport(Glibc)
import Glibc
#endif

/// `boxoffice-bench`: benchmarks of the BoxOffice server, over loopback, against a server it starts itself.
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "boxoffice-bench",
        abstract: "Benchmarks of the BoxOffice server: REST, live feed, recovery, and the floors they are compared with.",
        subcommands: [RunCommand.self, SmokeCommand.self, WorkerCommand.self, GenerateCommand.self],
        defaultSubcommand: RunCommand.self)
}

/// Every scenario on SQLite, in the order they run.
let allScenarios = ["sqlite", "seating"] + RESTScenarios.keys + [DoorScenario.key, OutboxCostScenario.key, WebhookCostScenario.key, SalesReportScenario.key, "fanout", "wsfloor", "kiosk", "recovery"]
/// The scenarios a PostgreSQL cluster (`--postgres`) adds: its commit floor, then the REST scenarios the store
/// changes and recovery, each run again on a server on PostgreSQL.
let postgresScenarios = ["pg-floor"] + (RESTScenarios.postgresKeys + ["recovery"]).map { BenchStore.postgresPrefix + $0 } + [ClusterScenario.key]

let scenarioTitles: [String: String] = [
    "sqlite": "SQLite commit floor", "seating": "Engine: best available", "healthz": "/healthz", "seatmap": "(a) seat map", "locks": "(b) locks", "locks-best": "(b) locks by best available", "locks-rate": "(b) locks at target rate",
    "flow": "(c) booking flow", "fanout": "(d) fan-out", "kiosk": "(e) kiosk", "wsfloor": "Idle WebSocket floor", "recovery": "(f) recovery",
    "pg-floor": "PostgreSQL commit floor", "pg-seatmap": "(a) seat map, on PostgreSQL", "pg-locks": "(b) locks, on PostgreSQL",
    "pg-flow": "(c) booking flow, on PostgreSQL", "pg-recovery": "(f) recovery, on PostgreSQL",
    "cluster": "Cluster: three nodes on one PostgreSQL database",
    DoorScenario.key: DoorScenario.title, OutboxCostScenario.key: OutboxCostScenario.title, SalesReportScenario.key: SalesReportScenario.title,
    WebhookCostScenario.key: WebhookCostScenario.title,
]

/// Options shared by `run` and `smoke`.
struct ServerOptionGroup: ParsableArguments {
    @Option(help: "The boxoffice server binary (default: `boxoffice` beside this executable).") var server: String?
    @Option(help: "Scratch directory for databases and logs (default: a new one in the temporary directory, removed after).") var dir: String?
    @Option(help: "Event-loop threads of the bench's own load.") var threads = 2
    @Option(
        help: """
            A PostgreSQL cluster, postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE, to run the scenarios again on: \
            \(postgresScenarios.joined(separator: ",")). Each server gets a new database, dropped afterwards \
            (smoke: default BOXOFFICE_TEST_POSTGRES_URL).
            """)
    var postgres: String?

    func serverBinary() -> String {
        if let server { return server }
        return (currentExecutable() as NSString).deletingLastPathComponent + "/boxoffice"
    }

    func cluster(orEnvironment: Bool) throws -> PostgresCluster? {
        let url = postgres ?? (orEnvironment ? ProcessInfo.processInfo.environment["BOXOFFICE_TEST_POSTGRES_URL"] : nil)
        return try url.map(PostgresCluster.init(url:))
    }
}

/// Runs the scenarios and prints a markdown report.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run the benchmark suite (quick sizes by default).")

    @OptionGroup var common: ServerOptionGroup
    @Option(help: "Comma-separated scenarios: \((allScenarios + postgresScenarios).joined(separator: ",")) (default: all, the pg- ones with --postgres).")
    var scenarios: String?
    @Option(help: "Also write the markdown report to this file.") var out: String?
    @Option(help: "Seconds each REST scenario measures.") var duration: Double = 4
    @Option(help: "HTTP connections of the REST scenarios.") var connections = 32
    @Option(help: "Durable locks a second the rate run aims at.") var lockRate: Double = 5_000
    @Option(help: "Fan-out subscribers.") var subscribers = 10_000
    @Option(help: "Fan-out shows.") var fanoutShows = 100
    @Option(help: "Fan-out locks a second.") var fanoutRate: Double = 1_000
    @Option(help: "Idle kiosk sockets.") var kiosks = 15_000
    @Option(help: "Booked seats in the recovery database.") var bookedSeats = 1_000_000
    @Option(help: "Sockets per worker process.") var socketsPerWorker = 5_000
    @Option(help: "Cluster: subscribers, spread evenly over the nodes.") var clusterSubscribers = 3_000
    @Option(help: "Cluster: locks a second offered while measuring cross-node delivery.") var clusterRate: Double = 1_000
    @Option(help: "Cluster: kill -9 rounds.") var failovers = 3
    @Option(help: "Door: ticket scans a second while the booking flow runs.") var scanRate: Double = 20
    @Option(help: "Door: seconds the scans and the flow are measured.") var doorDuration: Double = 10
    @Option(help: "Door: run the flow at this many flows a second (open loop) instead of at full speed.") var doorFlowRate: Double?
    @Option(help: "Outbox: rounds of the booking flow without and with email.") var outboxRounds = 2
    @Option(help: "Outbox: run both sides' flow at this many flows a second (open loop) instead of at full speed.") var outboxFlowRate: Double?
    @Flag(help: "Outbox: the SMTP sink does not offer PIPELINING (the mailer then waits for each reply).") var sinkWithoutPipelining = false

    func run() async throws {
        var sizes = BenchSizes.quick
        sizes.duration = .milliseconds(Int(duration * 1000))
        sizes.connections = connections
        sizes.flowConnections = connections
        sizes.lockTargetRate = lockRate
        sizes.subscribers = subscribers
        sizes.fanoutShows = fanoutShows
        sizes.fanoutLockRate = fanoutRate
        sizes.kiosks = kiosks
        sizes.bookedSeats = bookedSeats
        sizes.socketsPerWorker = socketsPerWorker
        sizes.clusterSubscribers = clusterSubscribers
        sizes.clusterLockRate = clusterRate
        sizes.failovers = failovers
        sizes.scanRate = scanRate
        sizes.doorDuration = .milliseconds(Int(doorDuration * 1000))
        sizes.outboxRounds = outboxRounds
        sizes.outboxFlowRate = outboxFlowRate
        sizes.sinkPipelining = !sinkWithoutPipelining
        sizes.doorFlowRate = doorFlowRate
        let cluster = try common.cluster(orEnvironment: false)
        let selected = scenarios?.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
            ?? allScenarios + (cluster == nil ? [] : postgresScenarios)
        for name in selected where !(allScenarios + postgresScenarios).contains(name) { throw ValidationError("unknown scenario \(name)") }
        if cluster == nil, let name = selected.first(where: postgresScenarios.contains) { throw ValidationError("\(name) needs --postgres") }
        let started = Date()
        let machine = Markdown.machine(directory: common.dir ?? FileManager.default.temporaryDirectory.path)
        let suite = try await Suite.run(common: common, cluster: cluster, sizes: sizes, selected: Set(selected), verbose: true)
        var report = """
            # BoxOffice benchmarks

            \(machine)
            - Command: `\(CommandLine.arguments.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " "))`
            - Run at \(ISO8601DateFormatter().string(from: started)), took \(Format.seconds(Date().timeIntervalSince(started)))

            \(Markdown.table(suite.results))

            \(Markdown.targets(Targets.check(suite.results, sizes: sizes)))

            """
        if !suite.errors.isEmpty { report += "\nErrors: " + suite.errors.joined(separator: "; ") + "\n" }
        print(report)
        if let out {
            try FileManager.default.createDirectory(atPath: (out as NSString).deletingLastPathComponent.isEmpty ? "." : (out as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try report.write(toFile: out, atomically: true, encoding: .utf8)
        }
    }
}

/// A seconds-long run of every scenario with tiny sizes, for the test suite.
struct SmokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smoke", abstract: "Run every scenario for a second or two with tiny sizes; exit non-zero if any errors.")

    @OptionGroup var common: ServerOptionGroup

    func run() async throws {
        let cluster = try common.cluster(orEnvironment: true)
        // Not the cluster: three nodes started, killed and restarted take far longer than a smoke's seconds.
        let keys = allScenarios + (cluster == nil ? [] : postgresScenarios.filter { $0 != ClusterScenario.key })
        let suite = try await Suite.run(common: common, cluster: cluster, sizes: .smoke, selected: Set(keys), verbose: false)
        var passed = 0
        var failed = 0
        var skipped = 0
        for key in keys {
            let name = key
            guard let result = suite.results.first(where: { $0.key == key }) else {
                failed += 1
                print("bench-smoke: \(name) FAILED: did not run (\(suite.errors.joined(separator: "; ")))")
                continue
            }
            if let reason = result.skipped {
                skipped += 1
                print("bench-smoke: \(name) skipped: \(reason)")
            } else if result.failures.isEmpty {
                passed += 1
                let throughput = result.throughputText ?? Format.rate(result.throughput, result.unit)
                print("bench-smoke: \(name) ok (\(throughput), p99 \(Format.millis(result.latency?.millis(at: 99))) ms)")
            } else {
                failed += 1
                print("bench-smoke: \(name) FAILED: \(result.failures.joined(separator: "; "))")
            }
        }
        print("bench-smoke: \(passed) passed, \(failed) failed" + (skipped > 0 ? ", \(skipped) skipped" : ""))
        if failed > 0 { throw ExitCode(1) }
    }
}

/// Writes the recovery scenario's large database, for runs by hand.
struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate-db",
        abstract: "Fill a migrated database (made by `boxoffice serve --demo`) with booked seats, straight into SQLite or PostgreSQL.")

    @Option(help: "The database file, or postgres://USER@HOST:PORT/DATABASE (stop its server first).") var db: String
    @Option(help: "Booked seats to write.") var bookedSeats = 1_000_000
    @Option(help: "Pending holds that are still live.") var liveHolds = 200
    @Option(help: "Pending holds already past their expiry.") var overdueHolds = 100

    func run() async throws {
        let summary: BigDatabase.Summary
        if db.hasPrefix("postgres://") || db.hasPrefix("postgresql://") {
            let cluster = try PostgresCluster(url: db)
            summary = try await PostgresBigDatabase(bookedSeats: bookedSeats, liveHolds: liveHolds, overdueHolds: overdueHolds)
                .generate(on: cluster, database: cluster.database, eventLoop: PostgresConnection.defaultEventLoopGroup.any())
        } else {
            summary = try BigDatabase(bookedSeats: bookedSeats, liveHolds: liveHolds, overdueHolds: overdueHolds).generate(path: db)
        }
        print("wrote \(summary.bookedSeats) booked seats in \(summary.bookings) bookings on \(summary.shows) shows in \(Format.seconds(summary.seconds))")
    }
}

/// One run of the selected scenarios, each group on its own server.
struct Suite {
    var results: [ScenarioResult] = []
    var errors: [String] = []
    var directory: String

    static func run(common: ServerOptionGroup, cluster: PostgresCluster?, sizes: BenchSizes, selected: Set<String>, verbose: Bool) async throws -> Suite {
        signal(SIGPIPE, SIG_IGN)
        let files = FileLimit.raiseToHard()
        let directory: String
        let removeAfter: Bool
        if let dir = common.dir {
            directory = dir
            removeAfter = false
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } else {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("boxoffice-bench-\(getpid())").path
            removeAfter = true
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, common.threads))
        let http = HTTPClient(eventLoopGroup: group)
        let log: @Sendable (String) -> Void = { line in
            if verbose { FileHandle.standardError.write(Data(("[bench] " + line + "\n").utf8)) }
        }
        log("open-file limit \(files); scratch directory \(directory)")
        let context = BenchContext(serverBinary: common.serverBinary(), directory: directory, sizes: sizes, loadGroup: group, http: http, log: log)
        var suite = Suite(directory: directory)

        func attempt(_ keys: [String], _ body: () async throws -> [ScenarioResult]) async {
            let wanted = keys.filter(selected.contains)
            guard !wanted.isEmpty else { return }
            do {
                suite.results += try await body()
            } catch {
                log("\(wanted.joined(separator: ",")) failed: \(error)")
                suite.errors.append("\(wanted.joined(separator: ",")): \(error)")
                for key in wanted {
                    var failed = ScenarioResult(key: key, title: scenarioTitles[key] ?? key)
                    failed.failures.append("\(error)")
                    suite.results.append(failed)
                }
            }
        }
        // The floors first, with no server running; then each group on SQLite and, given a cluster, on PostgreSQL.
        let postgres = cluster.map(BenchStore.postgres)
        await attempt(["sqlite"]) { [try await SQLiteFloor.run(context)] }
        await attempt(["seating"]) { try await SeatingScenario.run(context) }
        if let cluster { await attempt(["pg-floor"]) { [try await PostgresFloor.run(context, cluster: cluster)] } }
        await attempt(RESTScenarios.keys) { try await RESTScenarios.run(context, store: .sqlite, only: selected) }
        if let postgres {
            await attempt(RESTScenarios.postgresKeys.map(postgres.key)) { try await RESTScenarios.run(context, store: postgres, only: selected) }
        }
        await attempt([DoorScenario.key]) { [try await DoorScenario.run(context)] }
        await attempt([OutboxCostScenario.key]) { [try await OutboxCostScenario.run(context)] }
        await attempt([WebhookCostScenario.key]) { [try await WebhookCostScenario.run(context)] }
        await attempt([SalesReportScenario.key]) { [try await SalesReportScenario.run(context)] }
        await attempt(["fanout"]) { [try await FanOutScenario.run(context)] }
        await attempt(["wsfloor"]) { [try await KioskScenario.run(context, floor: true)] }
        await attempt(["kiosk"]) { [try await KioskScenario.run(context)] }
        await attempt(["recovery"]) { [try await RecoveryScenario.run(context, store: .sqlite)] }
        if let postgres { await attempt(["pg-recovery"]) { [try await RecoveryScenario.run(context, store: postgres)] } }
        if let cluster { await attempt([ClusterScenario.key]) { try await ClusterScenario.run(context, cluster: cluster) } }

        try? await http.shutdown()
        try? await group.shutdownGracefully()
        if removeAfter { try? FileManager.default.removeItem(atPath: directory) }
        return suite
    }
}

/// Issue #6's targets (and #12's, for PostgreSQL: `Targets.postgres`) against this run's rows.
enum Targets {
    static func check(_ results: [ScenarioResult], sizes: BenchSizes) -> [TargetCheck] {
        func row(_ key: String) -> ScenarioResult? { results.first { $0.key == key && $0.skipped == nil } }
        var checks = [TargetCheck]()
        if let seatmap = row("seatmap"), let healthz = row("healthz"), let a = seatmap.throughput, let h = healthz.throughput, h > 0 {
            checks.append(TargetCheck(target: "seat-map GET ≥ 50% of /healthz", measured: String(format: "%.0f%%", a / h * 100) + " (\(Format.rate(a, "req/s")) vs \(Format.rate(h, "req/s")))", met: a / h >= 0.5))
        } else {
            checks.append(TargetCheck(target: "seat-map GET ≥ 50% of /healthz", measured: "–", met: nil))
        }
        if let locks = row("locks-rate"), let rate = locks.throughput, let p99 = locks.latency?.millis(at: 99) {
            let capacity = row("locks")?.throughput.map { " (full speed: \(Format.rate($0, "locks/s")))" } ?? ""
            checks.append(TargetCheck(target: "≥ 5,000 durable locks/s with p99 < 20 ms", measured: "\(Format.rate(rate, "locks/s")), p99 \(Format.millis(p99)) ms\(capacity)", met: rate >= 0.97 * 5_000 && p99 < 20 && locks.failures.isEmpty))
        } else {
            checks.append(TargetCheck(target: "≥ 5,000 durable locks/s with p99 < 20 ms", measured: "–", met: nil))
        }
        if let fanout = row("fanout"), let rate = fanout.throughput, let p99 = fanout.latency?.millis(at: 99) {
            let subscribers = fanout.notes.first.map { String($0.prefix(while: { $0 != " " })) } ?? "?"
            checks.append(TargetCheck(target: "≥ 10,000 subscribers, ≥ 100,000 deliveries/s, p99 commit-to-delivery < 50 ms", measured: "\(subscribers) subscribers, \(Format.rate(rate, "deliveries/s")), p99 \(Format.millis(p99)) ms", met: (Int(subscribers) ?? 0) >= 10_000 && rate >= 100_000 && p99 < 50 && fanout.failures.isEmpty))
        } else {
            checks.append(TargetCheck(target: "≥ 10,000 subscribers, ≥ 100,000 deliveries/s, p99 commit-to-delivery < 50 ms", measured: "not measured", met: nil))
        }
        if let kiosk = row("kiosk"), let perSocket = kiosk.perConnection {
            let sockets = kiosk.notes.first.map { String($0.prefix(while: { $0 != " " })) } ?? "?"
            checks.append(TargetCheck(target: "≥ 15,000 idle kiosk sockets at < 20 KiB each", measured: "\(sockets) sockets, \(Format.bytes(perSocket)) each", met: (Int(sockets) ?? 0) >= 15_000 && perSocket < 20 * 1024 && kiosk.failures.isEmpty))
        } else {
            checks.append(TargetCheck(target: "≥ 15,000 idle kiosk sockets at < 20 KiB each", measured: "not measured", met: nil))
        }
        if let recovery = row("recovery"), recovery.seconds > 0 {
            checks.append(TargetCheck(target: "restart with 1,000,000 booked seats ready in < 5 s", measured: "\(Format.seconds(recovery.seconds)) with \(sizes.bookedSeats.formatted()) seats", met: recovery.seconds < 5 && sizes.bookedSeats >= 1_000_000 && recovery.failures.isEmpty))
        } else {
            checks.append(TargetCheck(target: "restart with 1,000,000 booked seats ready in < 5 s", measured: "–", met: nil))
        }
        checks.append(seating(results))
        checks += doorChecks(results)
        if results.contains(where: { $0.key.hasPrefix(BenchStore.postgresPrefix) }) { checks += postgres(results, sizes: sizes) }
        if results.contains(where: { $0.key.hasPrefix(ClusterScenario.key) }) { checks += clusterChecks(results, sizes: sizes) }
        return checks
    }
}
