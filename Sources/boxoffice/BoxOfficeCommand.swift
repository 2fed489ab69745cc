import ArgumentParser
import BoxOfficeServer
import BoxOfficeStore
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus

/// `boxoffice`: the box-office server's command line.
@main
struct BoxOfficeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "boxoffice",
        abstract: "A self-hosted box-office server: live seat maps, holds, bookings and payments over HTTP and WebSocket.",
        subcommands: [Serve.self, Backup.self, Check.self, QR.self],
        defaultSubcommand: Serve.self)
}

/// `boxoffice serve`: run the server.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the HTTP and WebSocket server on one port.")

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free one).") var port = 8080
    @Option(
        name: .customLong("db"),
        help: "The SQLite database file (created if missing), or postgres://USER[:PASSWORD]@HOST:PORT/DATABASE (default: BOXOFFICE_DB, else ./data/boxoffice.sqlite).")
    var database: String?
    @Flag(help: "Fill an empty database with a demo catalog.") var demo = false
    @Option(help: "How long a lock holds seats, in seconds.") var holdSeconds = 300
    @Option(help: "This node's name in a cluster, in every log line (default: HOST:PORT).") var nodeId: String?

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
        guard (5...3600).contains(holdSeconds) else { throw ValidationError("--hold-seconds must be from 5 to 3600") }
        if let nodeId, nodeId.isEmpty || nodeId.count > 100 || nodeId.contains(where: { $0.isWhitespace || $0.isNewline }) {
            throw ValidationError("--node-id must be 1 to 100 characters without spaces")
        }
    }

    func run() async throws {
        var options = ServerOptions()
        options.host = host
        options.port = port
        let environment = ProcessInfo.processInfo.environment
        try options.useDatabase(database ?? environment["BOXOFFICE_DB"] ?? options.databasePath)
        options.demo = demo
        options.holdSeconds = holdSeconds
        options.nodeId = nodeId
        try options.apply(environment: environment)

        let level = options.logLevel
        // The provider adds each request's `request_id` to the lines logged while serving it.
        LoggingSystem.bootstrap(
            { label, metadataProvider in
                var handler = StreamLogHandler.standardError(label: label, metadataProvider: metadataProvider)
                handler.logLevel = level
                return handler
            }, metadataProvider: RequestLog.metadata)
        // Once per process, here and never in buildApplication: tests build many applications.
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))

        // Every connection is a file descriptor: take all the hard limit allows (ConnectionLimits is made from it).
        OpenFileLimit.raiseToHard()
        let app = try await buildApplication(options, registry: registry)
        try await app.runService()
    }
}

/// `boxoffice backup <file>`: an online copy of the database, safe while the server runs.
struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Copy the database to a new file with SQLite's online backup.")

    @Option(name: .customLong("db"), help: "The SQLite database file to back up.") var database = "./data/boxoffice.sqlite"
    @Argument(help: "The backup file to create (must not exist).") var file: String

    func run() throws {
        guard FileManager.default.fileExists(atPath: database) else { throw ValidationError("no database at \(database)") }
        let source = try BoxOfficeDatabase(path: database)
        try source.backup(to: file)
        print("backed up \(database) to \(file)")
    }
}

/// `boxoffice check`: the money rules over the database (every confirmed booking paid exactly once, refunds matched);
/// prints what breaks them and exits 1, or prints `ok`. Read-only and never migrates: safe while the server runs.
struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check that bookings and payments agree (exit 1 if not).")

    @Option(name: .customLong("db"), help: "The SQLite database file, or postgres://USER[:PASSWORD]@HOST:PORT/DATABASE, to check.")
    var database = "./data/boxoffice.sqlite"

    func run() async throws {
        let violations: [String]
        if PostgresURL.isPostgresURL(database) {
            let url = try PostgresURL(parsing: database)
            violations = try await PostgresDatabase.withOpened(url: url, poolSize: 2, migrate: false, logger: Logger(label: "boxoffice.check")) {
                try await LedgerCheck.violations(in: $0)
            }
        } else {
            guard FileManager.default.fileExists(atPath: database) else { throw ValidationError("no database at \(database)") }
            violations = try await LedgerCheck.violations(in: BoxOfficeDatabase(readingExisting: database))
        }
        guard violations.isEmpty else {
            for line in violations { print(line) }
            throw ExitCode(1)
        }
        print("ok")
    }
}
