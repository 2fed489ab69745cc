import Foundation
import PostgresNIO

#if canImport(Glibc)
import Glibc
#endif

/// CPU seconds used by one PostgreSQL cluster on this machine: its postmaster and every process it forked (backends,
/// WAL writer, checkpointer…), from /proc. Found through a backend of ours, whose parent is the postmaster, so other
/// clusters on the machine are not counted. Backends that exited take their CPU with them (the nodes' pools keep
/// theirs open, so over a window this misses little).
struct PostgresCPU: Sendable {
    let postmaster: Int32

    /// nil when the cluster is not on this machine (its backend's process is not ours to see).
    static func find(_ cluster: PostgresCluster, database: String, on eventLoop: any EventLoop) async -> PostgresCPU? {
        let backend = try? await cluster.withConnection(to: database, on: eventLoop) { connection -> Int32? in
            for try await (pid,) in try await connection.query("SELECT pg_backend_pid()", logger: PostgresCluster.logger).decode(Int32.self) {
                return pid
            }
            return nil
        }
        guard let backend = backend ?? nil, let parent = Self.parent(of: backend) else { return nil }
        return PostgresCPU(postmaster: parent)
    }

    /// The cluster's CPU seconds so far.
    func seconds() -> Double {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return 0 }
        var total = 0.0
        for entry in entries {
            guard let pid = Int32(entry), let fields = Self.fields(of: pid) else { continue }
            if pid == postmaster || Int32(fields[1]) == postmaster, let user = Double(fields[11]), let system = Double(fields[12]) {
                total += user + system
            }
        }
        return total / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Fields of /proc/<pid>/stat after the command name: [0] state, [1] parent, … [11] utime, [12] stime.
    private static func fields(of pid: Int32) -> [Substring]? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 12 ? fields : nil
    }

    private static func parent(of pid: Int32) -> Int32? {
        fields(of: pid).flatMap { Int32($0[1]) }
    }
}
