import Foundation
import Logging
import NIOCore
import PostgresNIO

#if canImport(Glibc)
import Glibc
#endif

/// The PostgreSQL cluster given with `--postgres`. Each server the bench starts on it gets a new, empty database of
/// its own (`boxoffice_bench_<pid>_<name>`), dropped afterwards; the bench also connects to it itself, for the commit
/// floor and to write the recovery database. The database named in the URL is only where it connects to do that.
struct PostgresCluster: Sendable {
    var host: String
    var port: Int
    var user: String
    var password: String?
    var database: String

    static let logger: Logger = {
        var logger = Logger(label: "boxoffice-bench.postgres")
        logger.logLevel = .warning
        return logger
    }()

    /// Parses `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE`; the server parses what it is given strictly itself.
    init(url: String) throws {
        guard let parts = URLComponents(string: url), ["postgres", "postgresql"].contains(parts.scheme?.lowercased() ?? ""),
            let host = parts.host, !host.isEmpty, let user = parts.user, !user.isEmpty, parts.path.count > 1
        else { throw BenchError("--postgres wants postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE") }
        self.host = host
        self.port = parts.port ?? 5432
        self.user = user
        self.password = parts.password
        self.database = String(parts.path.dropFirst())
    }

    /// The URL of database `name` on this cluster, for `boxoffice serve --db`.
    func url(database name: String) -> String {
        var parts = URLComponents()
        parts.scheme = "postgres"
        parts.user = user
        parts.password = password
        parts.host = host
        parts.port = port
        parts.path = "/" + name
        return parts.string ?? "postgres://\(user)@\(host):\(port)/\(name)"
    }

    /// This bench process's name for its database `name`: letters, digits and `_` only, so it can be written into SQL.
    func scratchName(_ name: String) -> String {
        let safe = name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "_" }
        return "boxoffice_bench_\(getpid())_" + String(safe)
    }

    /// A new, empty database (one left by an earlier run of the same name is dropped first).
    func createDatabase(_ name: String, template: String? = nil) async throws {
        try await administer("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        // FILE_COPY copies the template's files after a checkpoint; the default (WAL_LOG) writes all of it to the WAL.
        try await administer("CREATE DATABASE \(name)" + (template.map { " TEMPLATE \($0) STRATEGY FILE_COPY" } ?? ""))
    }

    func dropDatabase(_ name: String) async throws {
        try await administer("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// Runs `body` on a connection of its own to database `name` (plain TCP: the cluster is on this machine's loopback).
    func withConnection<Value: Sendable>(
        to name: String, on eventLoop: any EventLoop, _ body: (PostgresConnection) async throws -> Value
    ) async throws -> Value {
        let configuration = PostgresConnection.Configuration(host: host, port: port, username: user, password: password, database: name, tls: .disable)
        let connection = try await PostgresConnection.connect(on: eventLoop, configuration: configuration, id: 1, logger: Self.logger)
        do {
            let value = try await body(connection)
            try await connection.close()
            return value
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// CREATE and DROP DATABASE run outside any transaction, on a connection to the URL's database.
    private func administer(_ statement: String) async throws {
        try await withConnection(to: database, on: PostgresConnection.defaultEventLoopGroup.any()) { connection in
            // The names in these statements are the bench's own (`scratchName`), not input.
            try await connection.run(PostgresQuery(unsafeSQL: statement))
        }
    }
}

extension PostgresConnection {
    /// Runs a statement and waits until the server has completed it (for an INSERT outside a transaction: committed).
    func run(_ query: PostgresQuery) async throws {
        for try await _ in try await self.query(query, logger: PostgresCluster.logger) {}
    }
}
