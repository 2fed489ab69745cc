import BoxOffice
import BoxOfficeStore
import Foundation
import Logging
import NIOCore
import Prometheus
import SeatEngine
import Synchronization
import Testing

@testable import BoxOfficeServer

/// The hub's backpressure without sockets: a writer that stops taking is exactly a client that stopped reading.
@Suite("SubscriptionHub: bounded queues, folds, closes")
struct SubscriptionHubTests {
    /// A show of four seats whose version the test moves.
    actor FakeSeats: LiveSeatSource {
        var version: Int64 = 0
        /// What the journal holds, oldest first (`recentChanges`).
        var journal: [SeatChange] = []
        func advance(to version: Int64) { self.version = version }
        func record(_ changes: [SeatChange]) { journal += changes }
        func snapshot(showId: String) -> SeatSnapshot? {
            showId == "shw_A" ? SeatSnapshot(version: version, available: ["A1", "A2", "A3", "A4"], held: [], booked: []) : nil
        }
        func availability(showIds: [String]) -> [String: SeatCounts] { [:] }
        func runningShows(_ selector: WatchSelector, limit: Int) -> [String] { [] }
        /// How many of the next journal reads fail (the database still away).
        var failingReads = 0
        func failReads(_ count: Int) { failingReads = count }
        struct Unreachable: Error {}
        func recentChanges(showId: String, after: Int64, limit: Int) throws -> [SeatChange] {
            if failingReads > 0 {
                failingReads -= 1
                throw Unreachable()
            }
            return showId == "shw_A" ? Array(journal.filter { $0.version > after }.suffix(limit)) : []
        }
    }

    static func change(_ version: Int64) -> SeatChange {
        SeatChange(
            show: "shw_A", version: version, cause: version % 2 == 1 ? .lock : .release,
            seats: [SeatUpdate(seat: "A1", status: version % 2 == 1 ? .held : .available)], at: Date())
    }

    static func hub(_ source: FakeSeats, tune: (inout LiveOptions) -> Void = { _ in }) -> (SubscriptionHub, PrometheusCollectorRegistry) {
        var options = LiveOptions()
        tune(&options)
        let registry = PrometheusCollectorRegistry()
        let (changes, _) = AsyncStream.makeStream(of: SeatChange.self)
        let hub = SubscriptionHub(
            changes: changes, source: source, options: options, metrics: LiveMetrics(factory: PrometheusMetricsFactory(registry: registry)),
            logger: Logger(label: "hub-test"))
        return (hub, registry)
    }

    /// Subscribes and plays the writer once: takes the marker, resolves it; returns what it would have written.
    static func subscribe(_ hub: SubscriptionHub, _ id: SessionID) async -> [LiveFrame] {
        await hub.receive(.success(.subscribe(show: "shw_A", since: nil)), from: id)
        guard let batch = await hub.take(id), case .snapshot(let show)? = batch.first, batch.count == 1 else {
            Issue.record("expected one snapshot marker")
            return []
        }
        return await hub.resolveSnapshot(id, show: show)
    }

    static func text(_ frame: LiveFrame) -> String { String(buffer: frame.bytes) }

    @Test("a writer that stops taking while 10,000 changes happen: its queue never passes the limit, and it then gets one fresh snapshot")
    func stoppedWriterStaysBounded() async throws {
        let seats = FakeSeats()
        let (hub, registry) = Self.hub(seats) { $0.queueFrames = 32 }
        let id = await hub.connect(abort: {})
        let first = await Self.subscribe(hub, id)
        #expect(first.map(Self.text).first?.contains(#""type":"snapshot""#) == true)

        var deepest = 0
        for version in Int64(1)...10_000 {
            await hub.apply(Self.change(version))
            let depth = try #require(await hub.queueDepth(id))
            deepest = max(deepest, depth.items)
            #expect(depth.frames <= 32, "v\(version): \(depth.frames) frames queued")
        }
        await seats.advance(to: 10_000)
        #expect(deepest <= 33, "at most the limit plus the marker that replaced them")
        #expect(registry.value(of: "boxoffice_ws_slow_resnapshots_total") == 1, "one fold: after it, deltas wait for the snapshot")

        // The writer comes back: exactly one marker, resolved to a snapshot of the current version; then live again.
        let batch = try #require(await hub.take(id))
        #expect(batch.count == 1)
        guard case .snapshot(let show) = batch[0] else { Issue.record("expected the snapshot marker, got \(batch[0])"); return }
        let frames = await hub.resolveSnapshot(id, show: show)
        #expect(frames.count == 1)
        #expect(frames.map(Self.text).first?.contains(#""version":10000"#) == true)
        await hub.apply(Self.change(10_001))
        let next = try #require(await hub.take(id))
        guard case .frame(let delta)? = next.first, next.count == 1 else { Issue.record("expected one delta, got \(next)"); return }
        #expect(Self.text(delta).contains(#""version":10001"#))
    }

    @Test("a writer stuck in one batch past the stall timeout is sent 1013, and dropped when even that cannot be written")
    func stalledWriterIsClosed() async throws {
        let seats = FakeSeats()
        let (hub, registry) = Self.hub(seats) {
            $0.stallTimeout = .milliseconds(100)
            $0.closeGrace = .milliseconds(100)
        }
        let aborted = Mutex(false)
        let id = await hub.connect(abort: { aborted.withLock { $0 = true } })
        _ = await Self.subscribe(hub, id)
        await hub.apply(Self.change(1))
        _ = await hub.take(id)  // the writer takes v1 and never comes back: stuck writing it
        await hub.apply(Self.change(2))

        await hub.sweep()
        #expect(await hub.queueDepth(id)?.items == 1, "not yet: still within the stall timeout")
        try await Task.sleep(for: .milliseconds(150))
        await hub.sweep()
        #expect(registry.value(of: "boxoffice_ws_slow_closed_total") == 1)
        #expect(aborted.withLock { $0 } == false, "first the close frame")
        try await Task.sleep(for: .milliseconds(150))
        await hub.sweep()
        #expect(aborted.withLock { $0 }, "then the connection is dropped")

        let batch = try #require(await hub.take(id))
        guard case .close(let code, _)? = batch.first, batch.count == 1 else { Issue.record("expected only the close, got \(batch)"); return }
        #expect(code == 1013)
        await hub.apply(Self.change(3))
        #expect(await hub.queueDepth(id)?.items == 0, "a closing socket gets nothing more")
    }

    @Test("a client that keeps sending pings without reading is closed with 1008 once its replies alone pass the limit")
    func floodingClientIsClosed() async throws {
        let (hub, _) = Self.hub(FakeSeats()) { $0.queueFrames = 8 }
        let id = await hub.connect(abort: {})
        await hub.receive(.success(.ping), from: id)
        _ = await hub.take(id)  // stuck writing the first pong
        for _ in 0..<9 { await hub.receive(.success(.ping), from: id) }
        let batch = try #require(await hub.take(id))
        guard case .close(let code, _)? = batch.first, batch.count == 1 else { Issue.record("expected only the close, got \(batch)"); return }
        #expect(code == 1008)
    }

    @Test("a change another node made while nobody here followed the show reaches a later resume here with since")
    func resumeAfterUnfollowedChangeElsewhere() async throws {
        let source = FakeSeats()
        let (hub, _) = Self.hub(source)
        // Versions 1-3 made here, with a subscriber, who then leaves: the ring holds 1-3.
        let first = await hub.connect(abort: {})
        _ = await Self.subscribe(hub, first)
        for version in Int64(1)...3 {
            await source.record([Self.change(version)])
            await source.advance(to: version)
            await hub.apply(Self.change(version))
        }
        await hub.disconnect(first)
        // Version 4 made by another node while nobody here follows the show.
        await source.record([Self.change(4)])
        await source.advance(to: 4)
        await hub.committedElsewhere(show: "shw_A", version: 4)
        // A client that had 2 resumes here: it must get 3 and 4.
        let second = await hub.connect(abort: {})
        await hub.receive(.success(.subscribe(show: "shw_A", since: 2)), from: second)
        let batch = try #require(await hub.take(second))
        guard case .snapshot(let show)? = batch.first else { Issue.record("expected a marker"); return }
        let frames = await hub.resolveSnapshot(second, show: show).map(Self.text)
        #expect(frames.count == 2)
        #expect(frames.first?.contains(#""version":3"#) == true)
        #expect(frames.last?.contains(#""version":4"#) == true)
    }

    @Test("another node's change carried by its notice is applied as heard; one that does not follow is read from the journal")
    func changeCarriedByNotice() async throws {
        let source = FakeSeats()
        let (hub, _) = Self.hub(source)
        let id = await hub.connect(abort: {})
        _ = await Self.subscribe(hub, id)
        await hub.apply(Self.change(1))
        _ = await hub.take(id)
        // Version 2 is not in the journal the hub could read: only the notice's copy can deliver it.
        await hub.committedElsewhere(show: "shw_A", version: 2, change: CarriedSeatChange(Self.change(2)))
        let carried = try #require(await hub.take(id))
        guard case .frame(let delta)? = carried.first, carried.count == 1 else { Issue.record("expected one delta, got \(carried)"); return }
        #expect(Self.text(delta).contains(#""version":2"#))
        // Version 5 after 2: 3 and 4 were missed (a notice lost), so the journal is read and all three arrive in order.
        await source.record([Self.change(3), Self.change(4), Self.change(5)])
        await hub.committedElsewhere(show: "shw_A", version: 5, change: CarriedSeatChange(Self.change(5)))
        let read = try #require(await hub.take(id))
        let versions = read.compactMap { item -> String? in
            guard case .frame(let frame) = item else { return nil }
            return Self.text(frame).contains(#""version":3"#) ? "3" : Self.text(frame).contains(#""version":4"#) ? "4"
                : Self.text(frame).contains(#""version":5"#) ? "5" : "?"
        }
        #expect(versions == ["3", "4", "5"])
    }

    @Test("after lost notices, a journal read that fails (the database not back yet) is tried again until it succeeds")
    func catchUpRetriesFailedReads() async throws {
        let source = FakeSeats()
        let (hub, _) = Self.hub(source)
        let id = await hub.connect(abort: {})
        _ = await Self.subscribe(hub, id)
        await source.record([Self.change(1), Self.change(2)])
        await source.failReads(3)
        await hub.mayHaveMissedChanges()
        let batch = try #require(await hub.take(id))
        let frames = batch.compactMap { item -> String? in
            guard case .frame(let frame) = item else { return nil }
            return Self.text(frame)
        }
        #expect(frames.count == 2 && frames.first?.contains(#""version":1"#) == true && frames.last?.contains(#""version":2"#) == true, "\(frames)")
    }

    @Test("an unknown show resolves to an unknown_show error and no subscription")
    func unknownShow() async throws {
        let (hub, _) = Self.hub(FakeSeats())
        let id = await hub.connect(abort: {})
        await hub.receive(.success(.subscribe(show: "shw_B", since: nil)), from: id)
        let batch = try #require(await hub.take(id))
        guard case .snapshot(let show)? = batch.first else { Issue.record("expected a marker"); return }
        let frames = await hub.resolveSnapshot(id, show: show)
        #expect(frames.map(Self.text).first?.contains(#""code":"unknown_show""#) == true)
        await hub.apply(SeatChange(show: "shw_B", version: 1, cause: .lock, seats: [], at: Date()))
        #expect(await hub.queueDepth(id)?.items == 0)
    }
}

extension PrometheusCollectorRegistry {
    /// The value of one unlabelled metric in the Prometheus text, 0 when absent.
    func value(of name: String) -> Double {
        for line in emitToString().split(separator: "\n") where line.hasPrefix(name + " ") {
            return Double(line.split(separator: " ").last ?? "") ?? 0
        }
        return 0
    }
}
