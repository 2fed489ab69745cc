import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A `worker` child process: the bench re-executes itself, writes control lines to its stdin and reads its
/// JSON events from its stdout.
// @unchecked: `process` and `reader` are only read after init; stdin writes and events go through mutexes.
final class WorkerProcess: @unchecked Sendable {
    private let process: Process
    private let input: Mutex<FileHandle>
    private let events: EventLines
    private let reader: Thread

    init(executable: String, arguments: [String], logPath: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["worker"] + arguments
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        try process.run()
        self.process = process
        self.input = Mutex(stdin.fileHandleForWriting)
        let events = EventLines()
        self.events = events
        let output = stdout.fileHandleForReading
        reader = Thread {
            var pending = Data()
            while true {
                let chunk = output.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: 0x0A) {
                    let line = pending[pending.startIndex..<newline]
                    events.lines.withLock { $0.append(Data(line)) }
                    pending.removeSubrange(pending.startIndex...newline)
                }
            }
        }
        reader.start()
    }

    /// Writes one control line (from any thread, event loops included).
    func send(_ line: String) {
        input.withLock { handle in try? handle.write(contentsOf: Data((line + "\n").utf8)) }
    }

    /// Waits for the next event line and decodes it.
    func next<Event: Decodable>(_ type: Event.Type, timeout: Duration) async throws -> Event {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let line = events.lines.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) {
                return try JSONDecoder().decode(Event.self, from: line)
            }
            guard process.isRunning else { throw BenchError("a worker exited with status \(process.terminationStatus)") }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw BenchError("a worker did not answer within \(timeout)")
    }

    /// Asks the worker to close its sockets and exit; kills it if it has not after `grace`.
    func finish(grace: Duration = .seconds(20)) async {
        send("exit")
        input.withLock { try? $0.close() }
        let deadline = ContinuousClock.now + grace
        while process.isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

/// Several workers addressed as one.
struct WorkerFleet: Sendable {
    var workers: [WorkerProcess]

    func broadcast(_ line: String) {
        for worker in workers { worker.send(line) }
    }

    func ready(timeout: Duration) async throws -> [ReadyEvent] {
        var events = [ReadyEvent]()
        for worker in workers { events.append(try await worker.next(ReadyEvent.self, timeout: timeout)) }
        return events
    }

    /// Deltas received so far by all workers.
    func deliveries() async throws -> Int {
        broadcast("count")
        var total = 0
        for worker in workers { total += try await worker.next(CountEvent.self, timeout: .seconds(30)).deliveries }
        return total
    }

    /// Waits until deliveries stop coming (the server has drained its backlog), at most `limit`.
    func drain(limit: Duration) async throws -> Duration {
        let started = ContinuousClock.now
        var last = try await deliveries()
        while ContinuousClock.now - started < limit {
            try await Task.sleep(for: .milliseconds(500))
            let now = try await deliveries()
            if now == last { break }
            last = now
        }
        return ContinuousClock.now - started
    }

    func results(timeout: Duration) async throws -> [LiveReport] {
        broadcast("stop")
        var reports = [LiveReport]()
        for worker in workers { reports.append(try await worker.next(ResultEvent.self, timeout: timeout).report) }
        return reports
    }

    func finish() async {
        for worker in workers { await worker.finish() }
    }
}

/// The path of this executable, to start workers from.
func currentExecutable() -> String {
    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
}

/// Event lines read from a worker's stdout, shared by its reader thread and the bench.
final class EventLines: Sendable {
    let lines = Mutex<[Data]>([])
}
