import Foundation
import GRDB

/// The disk's floor: single-row INSERT transactions into a scratch WAL database with synchronous=FULL in the
/// directory the server's database lives in: one fsync a commit, what a journal without group commit could do.
enum SQLiteFloor {
    static func run(_ context: BenchContext) async throws -> ScenarioResult {
        let path = context.file("floor.sqlite")
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let duration = context.sizes.sqliteSeconds
        context.log("sqlite floor: \(duration) of single-row commits")
        let (latency, commits, seconds) = try await Task.detached { () throws -> (Latency, Int, Double) in
            var configuration = Configuration()
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA journal_mode = WAL")
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.write { db in try db.execute(sql: "CREATE TABLE IF NOT EXISTS floor (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)") }
            var latency = Latency.latency()
            var commits = 0
            let payload = String(repeating: "x", count: 200)
            let started = Monotonic.now()
            let end = ContinuousClock.now + duration
            while ContinuousClock.now < end {
                let before = Monotonic.now()
                try queue.write { db in try db.execute(sql: "INSERT INTO floor (payload) VALUES (?)", arguments: [payload]) }
                latency.recordMicros(Monotonic.micros(from: before, to: Monotonic.now()))
                commits += 1
            }
            let seconds = Double(Monotonic.now() - started) / 1e9
            try queue.close()
            return (latency, commits, seconds)
        }.value
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        var result = ScenarioResult(key: "sqlite", title: "SQLite commit floor (synchronous=FULL, WAL)", unit: "commits/s")
        result.throughput = seconds > 0 ? Double(commits) / seconds : 0
        result.latency = latency
        result.seconds = seconds
        result.notes.append("one single-row INSERT transaction at a time, one fsync each, same directory as the server's database; no server running")
        if commits == 0 { result.failures.append("no commit") }
        return result
    }
}
