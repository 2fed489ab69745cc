import Foundation

/// Where the server of a group of scenarios keeps its data: a SQLite file in the scratch directory, or a new database
/// on the PostgreSQL cluster given with `--postgres`. The rows of a PostgreSQL run take the key prefix `pg-` and say
/// so in their title, so one report holds both stores side by side.
enum BenchStore: Sendable {
    case sqlite
    case postgres(PostgresCluster)

    static let postgresPrefix = "pg-"

    var name: String {
        switch self {
        case .sqlite: "SQLite"
        case .postgres: "PostgreSQL"
        }
    }

    /// A scenario's key in this store's run: `locks`, `pg-locks`.
    func key(_ scenario: String) -> String {
        switch self {
        case .sqlite: scenario
        case .postgres: Self.postgresPrefix + scenario
        }
    }

    func title(_ title: String) -> String {
        switch self {
        case .sqlite: title
        case .postgres: title + ", on PostgreSQL"
        }
    }

    /// A row measured on this store, under this store's key and title.
    func relabel(_ result: ScenarioResult) -> ScenarioResult {
        var result = result
        result.key = key(result.key)
        result.title = title(result.title)
        return result
    }

    /// Which of `scenarios` (keys without a prefix) the selection asks of this store.
    func selected(_ scenarios: [String], in selection: Set<String>) -> Set<String> {
        Set(scenarios.filter { selection.contains(key($0)) })
    }

    /// A server on a new, empty store named `name`: a file in the scratch directory, or a new database.
    func launch(_ context: BenchContext, name: String) async throws -> ServerLaunch {
        switch self {
        case .sqlite:
            return context.launch(database: name + ".sqlite")
        case .postgres(let cluster):
            let database = cluster.scratchName(name)
            try await cluster.createDatabase(database)
            return ServerLaunch(
                binary: context.serverBinary, database: cluster.url(database: database), logPath: context.file(name + ".postgres.server.log"))
        }
    }

    /// Drops what `launch(_:name:)` made on PostgreSQL (SQLite files go with the scratch directory).
    func discard(name: String) async {
        if case .postgres(let cluster) = self { try? await cluster.dropDatabase(cluster.scratchName(name)) }
    }
}
