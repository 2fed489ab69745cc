import BoxOffice
import CoreMetrics
import Logging
import SeatEngine
import ServiceLifecycle

/// Maps shows to the WebSocket sessions that listen to them, and fans each durable change out to them.
///
/// One actor owns every piece of live state: the per-show rings of recent deltas, each socket's subscriptions and its
/// bounded outbound queue. Changes arrive in version order on one stream; each is encoded to JSON once and the same
/// bytes are appended to every subscriber's queue, which that socket's own writer task drains (`take`). Nothing the
/// hub does per change waits on a socket, so a slow reader cannot slow a show, the REST path or other readers: when
/// its queue passes the limits, its backlog is folded into one fresh snapshot per show (resolved when its writer
/// gets to it), and a socket that cannot even take that is closed.
public actor SubscriptionHub: Service {
    let source: any LiveSeatSource
    let options: LiveOptions
    let metrics: LiveMetrics
    let logger: Logger
    let encoder = LiveEncoder()
    private let changes: AsyncStream<SeatChange>
    /// `{"type":"pong"}`, made once.
    let pong: LiveFrame

    var sessions: [SessionID: HubSession] = [:]
    var shows: [String: ShowFeed] = [:]
    /// Watched shows whose counts changed since the last availability round.
    var dirtyAvailability: Set<String> = []
    private var lastSession: SessionID = 0
    private var lastToken: UInt64 = 0

    init(changes: AsyncStream<SeatChange>, source: any LiveSeatSource, options: LiveOptions, metrics: LiveMetrics, logger: Logger) {
        self.changes = changes
        self.source = source
        self.options = options
        self.metrics = metrics
        self.logger = logger
        self.pong = encoder.pong()
    }

    // MARK: - Running

    /// Drains the engine's changes, sends coalesced availability and watches for stalled sockets until shutdown.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.consumeChanges() }
                group.addTask { await self.every(self.options.availabilityInterval) { await $0.publishAvailability() } }
                group.addTask { await self.every(.milliseconds(250)) { await $0.sweep() } }
                await group.next()
                group.cancelAll()
            }
        }
    }

    private func consumeChanges() async {
        for await change in changes { apply(change) }
    }

    /// Runs `work` on this hub every `interval` until cancelled.
    private nonisolated func every(_ interval: Duration, _ work: @Sendable (SubscriptionHub) async -> Void) async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            await work(self)
        }
    }

    // MARK: - Fan-out

    /// One durable change: into the show's ring, then the same frame to every subscriber that is up to date.
    func apply(_ change: SeatChange) {
        let frame = encoder.delta(change)
        let feed = feed(for: change.show)
        feed.ring.append(version: change.version, frame)
        feed.lastActivity = .now
        metrics.changesPublished.increment()
        for id in feed.subscribers {
            guard let session = sessions[id], case .live(let delivered)? = session.subscriptions[change.show] else { continue }
            if change.version <= delivered { continue }  // already covered by the snapshot or replay it got
            if change.version == delivered + 1 {
                session.subscriptions[change.show] = .live(delivered: change.version)
                enqueue(.frame(frame), to: session)
            } else {
                // A hole would break the version chain; the engine's ordering rules it out, but never send one.
                logger.error("live feed saw a version gap", metadata: ["show": "\(change.show)", "version": "\(change.version)"])
                requeueSnapshot(change.show, for: session)
            }
        }
        if !feed.watchers.isEmpty { dirtyAvailability.insert(change.show) }
    }

    /// The show's feed, made on first use.
    func feed(for show: String) -> ShowFeed {
        if let feed = shows[show] { return feed }
        let feed = ShowFeed(ringSize: options.ringSize, now: .now)
        shows[show] = feed
        return feed
    }

    // MARK: - Sessions

    /// Registers a new socket; `abort` drops its connection if it cannot even take a close frame.
    func connect(abort: @escaping @Sendable () -> Void) -> SessionID {
        lastSession += 1
        sessions[lastSession] = HubSession(id: lastSession, abort: abort)
        metrics.connections.record(sessions.count)
        return lastSession
    }

    /// Forgets a socket (it closed): it stops receiving anything, and its writer, if waiting, ends.
    func disconnect(_ id: SessionID) {
        guard let session = sessions.removeValue(forKey: id) else { return }
        for show in session.subscriptions.keys { shows[show]?.subscribers.remove(id) }
        for show in session.watched.keys { shows[show]?.watchers.remove(id) }
        session.items = []
        session.waiter?.resume(returning: nil)
        session.waiter = nil
        metrics.connections.record(sessions.count)
    }

    /// The writer's next batch: everything queued, waiting until something is; nil once the socket is gone.
    /// (No cancellation handler: the session always disconnects before it cancels its writer, which resumes it.)
    func take(_ id: SessionID) async -> [OutboundItem]? {
        guard let session = sessions[id] else { return nil }
        session.busySince = nil
        if session.items.isEmpty {
            return await withCheckedContinuation { session.waiter = $0 }
        }
        let batch = session.items
        session.removeItems { _ in true }
        session.busySince = .now
        return batch
    }

    /// Queues an item for a socket, folding its backlog when the queue passes its limits.
    func enqueue(_ item: OutboundItem, to session: HubSession) {
        guard session.isOpen || isClose(item) else { return }
        if let waiter = session.waiter {
            // The writer is idle: hand the item straight over.
            session.waiter = nil
            session.busySince = .now
            waiter.resume(returning: [item])
            return
        }
        session.items.append(item)
        session.count(item)
        if session.queuedFrames > options.queueFrames || session.queuedBytes > options.queueBytes {
            fold(session)
        }
    }

    private func isClose(_ item: OutboundItem) -> Bool {
        if case .close = item { return true }
        return false
    }

    /// Queues a reply (`pong`, `error`) for a socket.
    func reply(_ frame: LiveFrame, to id: SessionID) {
        guard let session = sessions[id] else { return }
        enqueue(.frame(frame), to: session)
    }

    /// A reader too slow for its backlog: drop the queued seat state and queue one marker per show instead, so the
    /// writer sends a fresh snapshot (and current counts) when it next gets to write. Replies stay; if they alone
    /// overflow, the client sends without reading, and it is closed with 1008.
    func fold(_ session: HubSession) {
        metrics.slowResnapshotted.increment()
        logger.debug("slow live reader folded into snapshots", metadata: ["session": "\(session.id)", "frames": "\(session.queuedFrames)"])
        session.removeItems { item in
            switch item {
            case .frame(let frame): frame.kind != .reply
            case .snapshot, .availability: true
            case .close: false
            }
        }
        for show in session.subscriptions.keys.sorted() {
            session.subscriptions[show] = .queued(since: nil)
            session.items.append(.snapshot(show: show))
        }
        for show in session.watched.keys.sorted() {
            session.watched[show] = .markerQueued
            session.items.append(.availability(show: show))
        }
        if session.queuedFrames > options.queueFrames || session.queuedBytes > options.queueBytes {
            terminate(session, code: 1008, reason: "Too many unanswered messages; read what the server sends.")
        }
    }

    /// Makes one subscription start over from a fresh snapshot.
    func requeueSnapshot(_ show: String, for session: HubSession) {
        session.removeItems { item in
            switch item {
            case .frame(let frame): frame.show == show && (frame.kind == .delta || frame.kind == .snapshot)
            case .snapshot(let other): other == show
            case .availability, .close: false
            }
        }
        session.subscriptions[show] = .queued(since: nil)
        enqueue(.snapshot(show: show), to: session)
    }

    /// What a socket has queued (frames, their bytes, and all items including markers); nil once it is gone.
    /// For diagnostics and the tests that prove the queue stays bounded.
    func queueDepth(_ id: SessionID) -> (frames: Int, bytes: Int, items: Int)? {
        sessions[id].map { ($0.queuedFrames, $0.queuedBytes, $0.items.count) }
    }

    /// A fresh token to tell one marker resolution from a later one.
    func nextToken() -> UInt64 {
        lastToken += 1
        return lastToken
    }
}
