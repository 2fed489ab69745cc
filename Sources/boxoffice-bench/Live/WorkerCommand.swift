import ArgumentParser
import Foundation
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// `boxoffice-bench worker`: one process of live sockets. A process may hold at most 20,000 open files here,
/// so the bench spreads tens of thousands of sockets over several of these.
///
/// Protocol: the worker prints one JSON line `{"event":"ready",...}` once every socket has its first message
/// (or failed); then reads lines on stdin: `go` (start measuring), `a <show> <version> <answerNs> <sentNs> [<node>]`
/// (a lock's answer, for commit-to-delivery latency; on a cluster, the node that answered it), `mark` (end of the
/// lock window), `stop` (prints `{"event":"result",...}`), `exit` or end of input (closes the sockets and exits).
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Internal: a process of live WebSockets driven by `run` or `smoke`.", shouldDisplay: false)

    @Option(help: "Server port on 127.0.0.1.") var port: Int
    @Option(help: "Comma-separated source addresses to bind.") var sources: String
    @Option(help: "Sockets to open.") var count: Int
    @Option(help: "Index of this worker's first socket among all workers' (picks its op).") var firstIndex = 0
    @Option(help: "File with the show ids, one a line; deltas are matched by position.") var shows: String
    @Option(help: "File with the op each socket sends, one JSON a line; socket i sends line i mod lines.") var ops: String
    @Option(help: "Upgrades in flight at once.") var window = 256
    @Option(help: "Seconds to wait for every socket's first message.") var readyTimeout: Double = 120
    @Option(help: "On a cluster: the index of the node `--port` is, to tell same-node from cross-node deliveries.") var node: Int?

    func run() async throws {
        FileLimit.raiseToHard()
        signal(SIGPIPE, SIG_IGN)
        let showIds = try lines(of: shows)
        let operations = try lines(of: ops)
        guard !operations.isEmpty else { throw BenchError("no ops in \(ops)") }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let node = self.node
        let load = try await loop.submit { NIOLoopBound(LiveLoad(shows: showIds, node: node), eventLoop: loop) }.get()
        let addresses = sources.split(separator: ",").map(String.init)
        let port = self.port
        let count = self.count
        let firstIndex = self.firstIndex
        let window = self.window
        let fleet = try await loop.submit {
            let fleet = LiveFleet(
                loop: loop, load: load, port: port, sources: addresses, operations: operations, count: count, firstIndex: firstIndex, window: window)
            fleet.start()
            return NIOLoopBound(fleet, eventLoop: loop)
        }.get()
        let started = Monotonic.now()
        let deadline = ContinuousClock.now + .seconds(readyTimeout)
        while ContinuousClock.now < deadline {
            if try await loop.submit({ fleet.value.isSettled }).get() { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let seconds = Double(Monotonic.now() - started) / 1e9
        let ready = try await loop.submit { load.value.report }.get()
        emit(ReadyEvent(connected: ready.connected, ready: ready.ready, failed: ready.failed, seconds: seconds, errors: ready.errors))

        // Control lines, read on a thread of their own (stdin is blocking).
        await withCheckedContinuation { (finished: CheckedContinuation<Void, Never>) in
            let thread = Thread {
                while let line = readLine() {
                    if line.hasPrefix("a ") {
                        let parts = line.split(separator: " ")
                        guard parts.count == 5 || parts.count == 6, let show = Int(parts[1]), let version = Int64(parts[2]),
                            let answered = UInt64(parts[3]), let sent = UInt64(parts[4])
                        else { continue }
                        let lockNode = parts.count == 6 ? Int(parts[5]) : nil
                        loop.execute { load.value.answer(show: show, version: version, answered: answered, sent: sent, node: lockNode) }
                    } else if line == "go" {
                        loop.execute { load.value.go() }
                    } else if line == "count" {
                        if let report = try? loop.submit({ load.value.report }).wait() {
                            emit(CountEvent(deliveries: report.deliveries))
                        }
                    } else if line == "mark" {
                        loop.execute { load.value.mark() }
                    } else if line == "stop" {
                        if let report = try? loop.submit({ load.value.finish() }).wait() { emit(ResultEvent(report: report)) }
                    } else if line == "exit" {
                        break
                    }
                }
                _ = try? loop.flatSubmit { fleet.value.closeAll() }.wait()
                finished.resume()
            }
            thread.start()
        }
        try await group.shutdownGracefully()
    }

    private func lines(of path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    }
}

struct ReadyEvent: Codable {
    var event = "ready"
    var connected: Int
    var ready: Int
    var failed: Int
    var seconds: Double
    var errors: [String: Int]
}

struct CountEvent: Codable {
    var event = "count"
    var deliveries: Int
}

struct ResultEvent: Codable {
    var event = "result"
    var report: LiveReport
}

/// Prints one JSON line on stdout, flushed: the parent reads it.
func emit<Event: Encodable>(_ event: Event) {
    guard let data = try? JSONEncoder().encode(event) else { return }
    var line = data
    line.append(0x0A)
    FileHandle.standardOutput.write(line)
}
