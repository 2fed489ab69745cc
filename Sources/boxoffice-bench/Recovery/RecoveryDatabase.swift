import Foundation
import PostgresNIO

/// The recovery scenario's database on either store: written once straight into the store, then copied for each
/// restart (a file copy; `CREATE DATABASE … TEMPLATE`), so that every restart finds the same holds to restore.
enum RecoveryDatabase {
    static func generate(_ context: BenchContext, store: BenchStore, launch: ServerLaunch) async throws -> BigDatabase.Summary {
        let sizes = context.sizes
        switch store {
        case .sqlite:
            let generator = BigDatabase(bookedSeats: sizes.bookedSeats, liveHolds: sizes.liveHolds, overdueHolds: sizes.overdueHolds)
            let path = launch.database
            return try await Task.detached { try generator.generate(path: path) }.value
        case .postgres(let cluster):
            let generator = PostgresBigDatabase(bookedSeats: sizes.bookedSeats, liveHolds: sizes.liveHolds, overdueHolds: sizes.overdueHolds)
            return try await generator.generate(on: cluster, database: cluster.scratchName("recovery"), eventLoop: context.loadGroup.next())
        }
    }

    /// Bytes on disk: the file, or `pg_database_size`.
    static func size(_ context: BenchContext, store: BenchStore, launch: ServerLaunch) async throws -> Int {
        switch store {
        case .sqlite:
            return (try? FileManager.default.attributesOfItem(atPath: launch.database)[.size] as? Int) ?? 0
        case .postgres(let cluster):
            return try await cluster.withConnection(to: cluster.scratchName("recovery"), on: context.loadGroup.next()) { connection in
                var size = 0
                for try await bytes in try await connection.query("SELECT pg_database_size(current_database())", logger: PostgresCluster.logger)
                    .decode(Int.self)
                {
                    size = bytes
                }
                return size
            }
        }
    }

    /// A copy of the generated database for restart `run`: what `--db` takes.
    static func copy(_ context: BenchContext, store: BenchStore, of launch: ServerLaunch, run: Int) async throws -> String {
        switch store {
        case .sqlite:
            let path = copyPath(context, run: run)
            removeFiles(path)
            try FileManager.default.copyItem(atPath: launch.database, toPath: path)
            return path
        case .postgres(let cluster):
            let name = cluster.scratchName("recovery_\(run)")
            try await cluster.createDatabase(name, template: cluster.scratchName("recovery"))
            return cluster.url(database: name)
        }
    }

    static func removeCopy(_ context: BenchContext, store: BenchStore, run: Int) async {
        switch store {
        case .sqlite: removeFiles(copyPath(context, run: run))
        case .postgres(let cluster): try? await cluster.dropDatabase(cluster.scratchName("recovery_\(run)"))
        }
    }

    private static func copyPath(_ context: BenchContext, run: Int) -> String { context.file("recovery-\(run).sqlite") }

    private static func removeFiles(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}
