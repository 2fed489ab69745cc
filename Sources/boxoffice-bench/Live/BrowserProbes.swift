import Foundation
import Logging
import NIOCore
import NIOPosix
import Synchronization
import WSClient
import WSCompression

/// A few browser-like sockets through swift-websocket's `WebSocketClient`, offering permessage-deflate as
/// browsers do. They cross-check the raw sockets against a real client library (compression included) and
/// measure what a deflate socket costs the server. WSClient cannot bind a source address, so they leave from
/// 127.0.0.1.
final class BrowserProbes: Sendable {
    struct Seen: Sendable {
        var ready = 0
        var messages = 0
        var deltas = 0
        var errors: [String: Int] = [:]
        var fromAnswer = Latency.latency()
    }

    let seen = Mutex(Seen())
    private let tasks = Mutex<[Task<Void, Never>]>([])
    private let finished = Mutex(0)
    /// Lock answer times by "show version", for the probes' own commit-to-delivery latency.
    let answers = Mutex<[String: UInt64]>([:])

    /// Opens `count` sockets; socket i sends `operations[i % count]` and then reads until cancelled.
    func open(count: Int, port: Int, operations: [String], deflate: Bool) {
        let logger = Logger(label: "bench.probe")
        for index in 0..<count {
            let operation = operations[index % operations.count]
            let task = Task { [self] in
                defer { self.finished.withLock { $0 += 1 } }
                let configuration = WebSocketClientConfiguration(
                    maxFrameSize: 1 << 20, extensions: deflate ? [.perMessageDeflate(maxDecompressedFrameSize: 1 << 20)] : [])
                let client = WebSocketClient(url: "ws://127.0.0.1:\(port)/ws", configuration: configuration, logger: logger) { inbound, outbound, _ in
                    try await outbound.write(.text(operation))
                    var first = true
                    for try await message in inbound.messages(maxSize: 1 << 20) {
                        guard case .text(let text) = message else { continue }
                        let now = Monotonic.now()
                        var bytes = ByteBuffer(string: text)
                        let fields = bytes.withUnsafeReadableBytes {
                            (JSONScan.string("type", in: $0), JSONScan.string("show", in: $0), JSONScan.integer("version", in: $0))
                        }
                        bytes.clear()
                        let answered = fields.0 == "delta" ? self.answers.withLock { $0["\(fields.1 ?? "") \(fields.2 ?? -1)"] } : nil
                        self.seen.withLock { seen in
                            seen.messages += 1
                            if first {
                                seen.ready += 1
                                first = false
                            }
                            if fields.0 == "delta" { seen.deltas += 1 }
                            if fields.0 == "error" { seen.errors[text, default: 0] += 1 }
                            if let answered { seen.fromAnswer.recordMicros(Monotonic.micros(from: answered, to: now)) }
                        }
                    }
                }
                do {
                    try await client.run()
                } catch is CancellationError {
                } catch {
                    if !Task.isCancelled { self.seen.withLock { $0.errors["\(error)", default: 0] += 1 } }
                }
            }
            tasks.withLock { $0.append(task) }
        }
    }

    /// Waits until every probe has its first message, or `timeout`.
    func waitReady(_ count: Int, timeout: Duration) async {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline, seen.withLock({ $0.ready }) < count {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    func close() async {
        let all = tasks.withLock { tasks in
            defer { tasks = [] }
            return tasks
        }
        for task in all { task.cancel() }
        // A socket that ignores cancellation ends when its server stops; don't wait on it for long.
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline, finished.withLock({ $0 }) < all.count {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}
