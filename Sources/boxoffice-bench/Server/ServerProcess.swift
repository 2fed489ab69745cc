import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// How to start a `boxoffice serve` for one scenario.
struct ServerLaunch: Sendable {
    var binary: String
    /// A SQLite file, or a PostgreSQL URL (`--db` takes either).
    var database: String
    /// Where the server's output goes.
    var logPath: String
    var demo = true
    var holdSeconds = 300
    /// `full` (one fsync per group commit, the default) or `normal`.
    var durability = "full"
    var environment: [String: String] = [:]

    /// The environment every bench server gets: cheap registrations, no rate limits, quiet logs.
    var fullEnvironment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["BOXOFFICE_RATE_LIMITS"] = "off"
        env["BOXOFFICE_BCRYPT_COST"] = "4"
        env["BOXOFFICE_JWT_SECRET"] = "bench-secret-bench-secret-bench-secret-bench-secret-0123456789"
        env["BOXOFFICE_LOG_LEVEL"] = env["BOXOFFICE_LOG_LEVEL"] ?? "warning"
        env["BOXOFFICE_DURABILITY"] = durability
        for (key, value) in environment { env[key] = value }
        return env
    }
}

/// A server process the bench started, and must stop.
final class ServerProcess: @unchecked Sendable {
    // @unchecked: `process` is only touched by the task that owns this object (start, stop).
    let port: Int
    let launch: ServerLaunch
    let logPath: String
    private let process: Process
    /// Monotonic nanoseconds at spawn.
    let spawnedAt: UInt64

    var pid: Int32 { process.processIdentifier }
    var baseURL: String { "http://127.0.0.1:\(port)" }

    private init(process: Process, port: Int, launch: ServerLaunch, logPath: String, spawnedAt: UInt64) {
        self.process = process
        self.port = port
        self.launch = launch
        self.logPath = logPath
        self.spawnedAt = spawnedAt
    }

    /// Spawns the server. It is not ready yet: call `waitUntilReady`.
    static func spawn(_ launch: ServerLaunch) throws -> ServerProcess {
        guard FileManager.default.isExecutableFile(atPath: launch.binary) else {
            throw BenchError("no server binary at \(launch.binary) (build it, or pass --server)")
        }
        let port = try RawProbe.freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: launch.binary)
        var arguments = ["serve", "--host", "127.0.0.1", "--port", "\(port)", "--db", launch.database, "--hold-seconds", "\(launch.holdSeconds)"]
        if launch.demo { arguments.append("--demo") }
        process.arguments = arguments
        process.environment = launch.fullEnvironment
        let logPath = launch.logPath
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        let spawnedAt = Monotonic.now()
        try process.run()
        return ServerProcess(process: process, port: port, launch: launch, logPath: logPath, spawnedAt: spawnedAt)
    }

    /// Starts the server and waits for /readyz.
    static func start(_ launch: ServerLaunch, timeout: Duration = .seconds(120)) async throws -> ServerProcess {
        let server = try spawn(launch)
        do {
            _ = try await server.waitUntilReady(timeout: timeout)
        } catch {
            await server.stop()
            throw error
        }
        return server
    }

    /// Polls /readyz every `interval` until it answers 200; returns the monotonic time it did.
    func waitUntilReady(timeout: Duration, interval: Duration = .milliseconds(5)) async throws -> UInt64 {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard process.isRunning else {
                throw BenchError("the server exited with status \(process.terminationStatus) before it was ready; log: \(tail(of: logPath))")
            }
            if RawProbe.status(port: port, path: "/readyz") == 200 { return Monotonic.now() }
            try await Task.sleep(for: interval)
        }
        throw BenchError("the server was not ready within \(timeout); log: \(tail(of: logPath))")
    }

    var isRunning: Bool { process.isRunning }

    /// SIGTERM, then SIGKILL if it has not exited after `grace`.
    func stop(grace: Duration = .seconds(15)) async {
        guard process.isRunning else { return }
        kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + grace
        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if process.isRunning {
            kill(pid, SIGKILL)
            while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
        }
    }

    /// `kill -9`, a crash: no shutdown of any kind. Returns once the process is gone.
    func crash() async {
        guard process.isRunning else { return }
        kill(pid, SIGKILL)
        while process.isRunning { try? await Task.sleep(for: .milliseconds(2)) }
    }

    func stats() -> ProcessStats? { ProcessStats.read(pid: pid) }
}

/// The last lines of a log, for error messages.
func tail(of path: String, lines: Int = 15) -> String {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return "(no log)" }
    return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
}
