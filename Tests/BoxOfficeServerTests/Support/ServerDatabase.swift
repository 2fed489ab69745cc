import BoxOfficeServer
import BoxOfficeStore
import Foundation
import GRDB
import Logging
import PostgresNIO
import TestDatabases

/// The test server's database, reached behind the server's back, whichever store it uses: the SQLite file through
/// GRDB, or the PostgreSQL database on a connection of its own. The SQL is shared — both stores have the same table
/// and column names (PostgreSQL folds the unquoted names to lower case) — with `?` for each argument.
struct ServerDatabase: Sendable {
    let options: ServerOptions

    /// Runs one statement.
    func execute(_ sql: String, _ arguments: [String] = []) async throws {
        if let url = options.postgres {
            try await TestPostgres.withConnection(url) { connection in
                for try await _ in try await connection.query(Self.postgresQuery(sql, arguments), logger: Self.logger) {}
            }
        } else {
            try await queue().write { db in try db.execute(sql: sql, arguments: StatementArguments(arguments)) }
        }
    }

    /// The first column of every row, as integers.
    func integers(_ sql: String, _ arguments: [String] = []) async throws -> [Int] {
        if let url = options.postgres {
            return try await TestPostgres.withConnection(url) { connection in
                var values: [Int] = []
                for try await value in try await connection.query(Self.postgresQuery(sql, arguments), logger: Self.logger).decode(Int.self) {
                    values.append(value)
                }
                return values
            }
        }
        return try await queue().read { db in try Int.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)) }
    }

    /// From now on every insert into `table` fails with the database's own error, as a full or broken disk would make
    /// it fail, until `allowInserts(into:)`: a trigger that raises (SQLite's `RAISE(ABORT)`, PostgreSQL's `RAISE EXCEPTION`).
    func refuseInserts(into table: String) async throws {
        if options.postgres != nil {
            try await execute("CREATE FUNCTION refuse_\(table)() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$")
            try await execute("CREATE TRIGGER refuse_\(table) BEFORE INSERT ON \(table) FOR EACH ROW EXECUTE FUNCTION refuse_\(table)()")
        } else {
            try await execute("CREATE TRIGGER refuse_\(table) BEFORE INSERT ON \(table) BEGIN SELECT RAISE(ABORT, 'refused'); END")
        }
    }

    func allowInserts(into table: String) async throws {
        if options.postgres != nil {
            try await execute("DROP TRIGGER refuse_\(table) ON \(table)")
            try await execute("DROP FUNCTION refuse_\(table)()")
        } else {
            try await execute("DROP TRIGGER refuse_\(table)")
        }
    }

    // MARK: SQLite

    private func queue() throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)  // the server may be committing at that moment
        return try DatabaseQueue(path: options.databasePath, configuration: configuration)
    }

    // MARK: PostgreSQL

    static let logger = Logger(label: "test-database")

    /// `?` becomes `$1`, `$2`, … (none of the shared statements has a `?` of its own).
    private static func postgresQuery(_ sql: String, _ arguments: [String]) -> PostgresQuery {
        var text = ""
        var number = 0
        for character in sql {
            if character == "?" {
                number += 1
                text += "$\(number)"
            } else {
                text.append(character)
            }
        }
        precondition(number == arguments.count, "\(number) placeholders, \(arguments.count) arguments: \(sql)")
        var binds = PostgresBindings(capacity: arguments.count)
        for argument in arguments { binds.append(argument) }
        return PostgresQuery(unsafeSQL: text, binds: binds)
    }
}

extension TestServer {
    /// The database of a test server started with `options`.
    static func database(_ options: ServerOptions) -> ServerDatabase { ServerDatabase(options: options) }

    /// Makes the PostgreSQL database `options` names, unless it exists (a restart on the same options); nothing on
    /// SQLite. Awaited on a connection of its own, a few at a time: dozens of test servers start at once, and psql
    /// waited for on threads of the cooperative pool starved the servers already running, whose watch then took their
    /// database for dead ("requests stalled and the server does not answer a new connection").
    static func createDatabase(for options: ServerOptions) async throws {
        guard let url = options.postgres, let cluster = postgresCluster else { return }
        let server = try PostgresURL(parsing: cluster)
        await creations.enter()
        do {
            try await TestPostgres.withConnection(server) { connection in
                do {
                    // An identifier cannot be a bound parameter; the name is ours, of letters, digits and '_' only.
                    for try await _ in try await connection.query("CREATE DATABASE \(unescaped: url.database)", logger: ServerDatabase.logger) {}
                } catch where PostgresFailure.sqlState(error) == "42P04" {}  // duplicate_database
            }
            await creations.leave()
        } catch {
            await creations.leave()
            throw error
        }
    }

    private static let creations = Admission(width: 4)
}

/// At most `width` callers between `enter()` and `leave()` at once; the others wait their turn, in order.
private actor Admission {
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(width: Int) { free = width }

    func enter() async {
        if free > 0 {
            free -= 1
        } else {
            await withCheckedContinuation { waiting.append($0) }  // `leave()` hands its place over
        }
    }

    func leave() {
        if waiting.isEmpty { free += 1 } else { waiting.removeFirst().resume() }
    }
}
