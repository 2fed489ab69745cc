import Foundation
import PostgresNIO

/// PostgreSQL's floor, the same shape as `SQLiteFloor`: single-row INSERT transactions, one at a time, on one
/// connection with `synchronous_commit = on` (as the server's), into a scratch database of the cluster, no server
/// running. One WAL flush and one loopback round trip a commit: what a journal without group commit could do.
enum PostgresFloor {
    static func run(_ context: BenchContext, cluster: PostgresCluster) async throws -> ScenarioResult {
        let database = cluster.scratchName("floor")
        let duration = context.sizes.sqliteSeconds
        context.log("postgres floor: \(duration) of single-row commits")
        try await cluster.createDatabase(database)
        let measured: (latency: Latency, commits: Int, seconds: Double)
        do {
            measured = try await cluster.withConnection(to: database, on: context.loadGroup.next()) { connection in
                try await connection.run("SET synchronous_commit = on")
                try await connection.run("CREATE TABLE floor (id bigserial PRIMARY KEY, payload text NOT NULL)")
                var latency = Latency.latency()
                var commits = 0
                let payload = String(repeating: "x", count: 200)
                let started = Monotonic.now()
                let end = ContinuousClock.now + duration
                while ContinuousClock.now < end {
                    let before = Monotonic.now()
                    try await connection.run("INSERT INTO floor (payload) VALUES (\(payload))")
                    latency.recordMicros(Monotonic.micros(from: before, to: Monotonic.now()))
                    commits += 1
                }
                return (latency, commits, Double(Monotonic.now() - started) / 1e9)
            }
        } catch {
            try? await cluster.dropDatabase(database)
            throw error
        }
        try await cluster.dropDatabase(database)
        var result = ScenarioResult(key: "pg-floor", title: "PostgreSQL commit floor (synchronous_commit=on)", unit: "commits/s")
        result.throughput = measured.seconds > 0 ? Double(measured.commits) / measured.seconds : 0
        result.latency = measured.latency
        result.seconds = measured.seconds
        result.notes.append(
            "one single-row INSERT transaction at a time on one postgres-nio connection over loopback, one WAL flush each; no server running")
        if measured.commits == 0 { result.failures.append("no commit") }
        return result
    }
}
