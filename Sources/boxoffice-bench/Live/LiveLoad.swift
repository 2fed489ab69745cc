import Foundation
import Histogram
import NIOCore

/// What one worker's live sockets measured, sent to the parent as one JSON line.
struct LiveReport: Codable, Sendable {
    var connected = 0
    var ready = 0
    var failed = 0
    /// Connect start to the first message (snapshot or availability), microseconds.
    var readyLatency = Latency.latency()
    /// Deltas received since `go`; `markedDeliveries` counts those received by `mark` (the end of the lock window).
    var deliveries = 0
    var markedDeliveries = 0
    var snapshots = 0
    var availabilities = 0
    /// Deltas whose version was not one more than the last one seen on that socket.
    var gaps = 0
    var errors: [String: Int] = [:]
    var closedByServer = 0
    /// Delivery time minus the lock's REST answer time (clamped at 0; `early` counts the negatives).
    var fromAnswer = Latency.latency()
    /// Delivery time minus the time the lock request was sent: an upper bound that includes the commit.
    var fromRequest = Latency.latency()
    var early = 0
    var matched = 0
    /// Subscriber deliveries that never came for a lock answered while measuring.
    var missing = 0
    /// On a cluster (`--node`): `fromAnswer` split by whether the lock was answered by this worker's node or another.
    var sameNode = Latency.latency()
    var otherNode = Latency.latency()
    var otherNodeEarly = 0
    /// Deltas no answer was announced for (locks answered before `go`, or not ours).
    var unmatched = 0

    /// Every worker's report added up: counts summed, latencies merged.
    static func total(_ reports: [LiveReport]) -> LiveReport {
        var total = LiveReport()
        for report in reports {
            total.connected += report.connected
            total.ready += report.ready
            total.failed += report.failed
            total.readyLatency.add(report.readyLatency)
            total.deliveries += report.deliveries
            total.markedDeliveries += report.markedDeliveries
            total.snapshots += report.snapshots
            total.availabilities += report.availabilities
            total.gaps += report.gaps
            for (code, count) in report.errors { total.errors[code, default: 0] += count }
            total.closedByServer += report.closedByServer
            total.fromAnswer.add(report.fromAnswer)
            total.fromRequest.add(report.fromRequest)
            total.early += report.early
            total.matched += report.matched
            total.missing += report.missing
            total.sameNode.add(report.sameNode)
            total.otherNode.add(report.otherNode)
            total.otherNodeEarly += report.otherNodeEarly
            total.unmatched += report.unmatched
        }
        return total
    }
}

/// The live sockets of one event loop and everything they measured. Touched only on that loop.
final class LiveLoad {
    var report = LiveReport()
    private var measuring = false
    private var marked = false
    let showIndex: [String: Int]
    /// Ready subscribers per show index: how many deliveries each lock on that show should produce here.
    var subscribers: [Int]

    /// The cluster node this worker's sockets are on (nil off a cluster).
    let node: Int?

    private struct Answer {
        var answered: UInt64
        var sent: UInt64
        var received: Int
        /// The node that answered the lock, when announced.
        var node: Int?
    }
    private var answers: [Int64: Answer] = [:]
    private var waiting: [Int64: [UInt64]] = [:]

    init(shows: [String], node: Int? = nil) {
        self.node = node
        var index = [String: Int]()
        for (position, show) in shows.enumerated() { index[show] = position }
        self.showIndex = index
        self.subscribers = Array(repeating: 0, count: shows.count)
    }

    private static func key(show: Int, version: Int64) -> Int64 { Int64(show) << 40 | version }

    func go() {
        report.deliveries = 0
        report.markedDeliveries = 0
        report.fromAnswer = .latency()
        report.fromRequest = .latency()
        report.early = 0
        report.matched = 0
        report.gaps = 0
        report.unmatched = 0
        report.sameNode = .latency()
        report.otherNode = .latency()
        report.otherNodeEarly = 0
        answers = [:]
        waiting = [:]
        measuring = true
        marked = false
    }

    func mark() {
        report.markedDeliveries = report.deliveries
        marked = true
    }

    /// The parent announces a lock's answer: show, version it made, answer and send times, and on a cluster the
    /// node that answered it.
    func answer(show: Int, version: Int64, answered: UInt64, sent: UInt64, node: Int? = nil) {
        guard measuring else { return }
        let key = Self.key(show: show, version: version)
        var entry = Answer(answered: answered, sent: sent, received: 0, node: node)
        if let times = waiting.removeValue(forKey: key) {
            for time in times { record(time, &entry) }
        }
        answers[key] = entry
    }

    func delta(show: Int, version: Int64, at time: UInt64) {
        guard measuring else { return }
        report.deliveries += 1
        let key = Self.key(show: show, version: version)
        if var entry = answers[key] {
            record(time, &entry)
            answers[key] = entry
        } else {
            waiting[key, default: []].append(time)
        }
    }

    private func record(_ time: UInt64, _ entry: inout Answer) {
        entry.received += 1
        report.matched += 1
        if time < entry.answered { report.early += 1 }
        let fromAnswer = Monotonic.micros(from: entry.answered, to: time)
        report.fromAnswer.recordMicros(fromAnswer)
        report.fromRequest.recordMicros(Monotonic.micros(from: entry.sent, to: time))
        if let node, let lockNode = entry.node {
            if lockNode == node {
                report.sameNode.recordMicros(fromAnswer)
            } else {
                report.otherNode.recordMicros(fromAnswer)
                if time < entry.answered { report.otherNodeEarly += 1 }
            }
        }
    }

    /// Ends the measurement: lock answers that some subscriber here never heard of count as missing.
    func finish() -> LiveReport {
        measuring = false
        var result = report
        for (key, entry) in answers {
            let show = Int(key >> 40)
            if show < subscribers.count { result.missing += max(0, subscribers[show] - entry.received) }
        }
        result.unmatched = waiting.values.reduce(0) { $0 + $1.count }
        return result
    }
}
