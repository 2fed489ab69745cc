import BoxOffice
import Foundation
import Logging
import NIOCore
import NIOEmbedded
import NIOWebSocket
import Prometheus
import SeatEngine
import Testing

@testable import BoxOfficeServer

/// The hub's drain against a real `LiveSocketHandler` in a test channel, with snapshots the test holds back: what the
/// socket receives, frame by frame, when the client acts while the drain waits.
@Suite("SubscriptionHub: a drain that waits on a snapshot")
struct HubDrainTests {
    /// Shows at fixed versions; a snapshot of a gated show waits until the test opens its gate.
    actor GatedSeats: LiveSeatSource {
        let versions: [String: Int64]
        private var gated: Set<String>
        private var waiting: [String: CheckedContinuation<Void, Never>] = [:]
        private var asked: [String: CheckedContinuation<Void, Never>] = [:]
        private var askedShows: Set<String> = []

        init(versions: [String: Int64], gated: Set<String>) {
            self.versions = versions
            self.gated = gated
        }

        func snapshot(showId: String) async -> SeatSnapshot? {
            askedShows.insert(showId)
            asked.removeValue(forKey: showId)?.resume()
            if gated.contains(showId) { await withCheckedContinuation { waiting[showId] = $0 } }
            return versions[showId].map { SeatSnapshot(version: $0, available: ["A1", "A2"], held: [], booked: []) }
        }

        /// Returns once the hub has asked for the show's snapshot.
        func waitUntilAsked(_ show: String) async {
            if askedShows.contains(show) { return }
            await withCheckedContinuation { asked[show] = $0 }
        }

        func open(_ show: String) {
            gated.remove(show)
            waiting.removeValue(forKey: show)?.resume()
        }

        func availability(showIds: [String]) -> [String: SeatCounts] { [:] }
        func runningShows(_ selector: WatchSelector, limit: Int) -> [String] { [] }
        func recentChanges(showId: String, after: Int64, limit: Int) -> [SeatChange] { [] }
    }

    /// A hub and one socket of it, whose written frames the test reads from the channel.
    static func setUp(_ source: GatedSeats) async throws -> (SubscriptionHub, SessionID, NIOAsyncTestingChannel) {
        let (changes, _) = AsyncStream.makeStream(of: SeatChange.self)
        let hub = SubscriptionHub(
            changes: changes, source: source, options: LiveOptions(),
            metrics: LiveMetrics(factory: PrometheusMetricsFactory(registry: PrometheusCollectorRegistry())), logger: Logger(label: "drain-test"))
        let channel = NIOAsyncTestingChannel()
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).get()
        let events = hub.socketEvents
        let id = hub.sessionIDs.next()
        let socket = try await channel.eventLoop.submit {
            let handler = LiveSocketHandler(id: id, events: events, options: LiveOptions(), deflate: false)
            try channel.pipeline.syncOperations.addHandler(WebSocketFrameEncoder())
            try channel.pipeline.syncOperations.addHandler(handler)
            return LiveSocket(id: id, handler: NIOLoopBound(handler, eventLoop: channel.eventLoop))
        }.get()
        await hub.open(socket)
        return (hub, id, channel)
    }

    /// The JSON messages written to the channel so far (server frames: FIN + text, unmasked).
    static func messages(_ channel: NIOAsyncTestingChannel) async throws -> [[String: Any]] {
        var messages: [[String: Any]] = []
        while var frame = try await channel.readOutbound(as: ByteBuffer.self) {
            guard let first = frame.readInteger(as: UInt8.self), first == 0x81, let short = frame.readInteger(as: UInt8.self) else { continue }
            if short == 126 { _ = frame.readInteger(as: UInt16.self) } else if short == 127 { _ = frame.readInteger(as: UInt64.self) }
            let object = try JSONSerialization.jsonObject(with: Data(frame.readableBytesView))
            if let object = object as? [String: Any] { messages.append(object) }
        }
        return messages
    }

    static func delta(_ show: String, _ version: Int64) -> SeatChange {
        SeatChange(show: show, version: version, cause: .lock, seats: [SeatUpdate(seat: "A1", status: .held)], at: Date())
    }

    @Test(
        "a resubscribe with since while the drain waits on another show's snapshot: the queued delta is sent once, not twice",
        .timeLimit(.minutes(1)))
    func resubscribeDuringSlowSnapshot() async throws {
        let seats = GatedSeats(versions: ["shw_A": 1, "shw_B": 4, "shw_C": 1], gated: ["shw_A", "shw_C"])
        let (hub, id, channel) = try await Self.setUp(seats)
        await hub.receive(.success(.subscribe(show: "shw_B", since: nil)), from: id)  // B's snapshot at v4, at once
        await hub.receive(.success(.subscribe(show: "shw_C", since: nil)), from: id)
        await seats.waitUntilAsked("shw_C")  // the drain now waits on C
        await hub.receive(.success(.subscribe(show: "shw_A", since: nil)), from: id)
        await hub.apply(Self.delta("shw_B", 5))  // queued behind A's marker: the next batch is [A's snapshot, B v5]
        await seats.open("shw_C")
        await seats.waitUntilAsked("shw_A")  // the drain took that batch and waits on A
        await hub.receive(.success(.subscribe(show: "shw_B", since: 4)), from: id)  // the client resumes B from v4
        await seats.open("shw_A")

        var received: [[String: Any]] = []
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            received += try await Self.messages(channel)
            if received.contains(where: { $0["show"] as? String == "shw_A" }), await hub.queueDepth(id)?.items == 0 { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        try await Task.sleep(for: .milliseconds(100))
        received += try await Self.messages(channel)

        let forB = received.filter { $0["show"] as? String == "shw_B" }.map { "\($0["type"] ?? "")@\($0["version"] ?? "")" }
        #expect(forB == ["snapshot@4", "delta@5"], "B's messages in order; v5 exactly once")
        #expect(received.contains { $0["show"] as? String == "shw_A" && $0["type"] as? String == "snapshot" })
        #expect(received.contains { $0["show"] as? String == "shw_C" && $0["type"] as? String == "snapshot" })
        try await channel.close()
    }
}
