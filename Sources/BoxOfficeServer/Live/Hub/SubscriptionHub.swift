import BoxOffice
import CoreMetrics
import Logging
import NIOCore
import SeatEngine
import ServiceLifecycle

/// Maps shows to the WebSocket sessions that listen to them, and fans each durable change out to them.
///
/// One actor owns every piece of live state: the per-show rings of recent deltas, each socket's subscriptions and its
/// bounded outbound queue. Changes arrive in version order on one stream; each is encoded to JSON once and the same
/// bytes go to every subscriber that is up to date: straight into its channel when the socket is writable and has
/// nothing queued (one `EventLoop.execute` per loop per change writes them all, see `LiveOutgoing`), else onto its
/// bounded queue in the hub, which a drain works through once the socket can take it (`drain`). Nothing the hub
/// does per change waits on a socket, so a slow reader cannot slow a show, the REST path or other readers: when
/// its queue passes the limits, its backlog is folded into one fresh snapshot per show (resolved when the drain
/// gets to it), and a socket that cannot even take that is closed.
public actor SubscriptionHub: Service {
    let source: any LiveSeatSource
    let options: LiveOptions
    let metrics: LiveMetrics
    let logger: Logger
    let encoder = LiveEncoder()
    private let changes: AsyncStream<SeatChange>
    /// What the sockets' event loops report (opened, a message, writability, closed), in order per socket.
    private let socketEventStream: AsyncStream<LiveSocketEvent>
    nonisolated let socketEvents: AsyncStream<LiveSocketEvent>.Continuation
    /// Ids of new sockets, handed out on their event loops.
    nonisolated let sessionIDs = SessionIDs()
    /// Frames decided on in this turn of the actor, written at its end (`dispatchOutgoing`).
    var outgoing = LiveOutgoing()
    /// `{"type":"pong"}`, made once.
    let pong: LiveFrame
    /// The keepalive timer of each event loop that has had a socket.
    private var pingers: [ObjectIdentifier: LivePinger] = [:]

    var sessions: [SessionID: HubSession] = [:]
    var shows: [String: ShowFeed] = [:]
    /// Watched shows whose counts changed since the last availability round.
    var dirtyAvailability: Set<String> = []
    private var lastToken: UInt64 = 0
    /// Deltas added to `outgoing` and not yet counted in the metric.
    private var deltasPushed = 0

    init(changes: AsyncStream<SeatChange>, source: any LiveSeatSource, options: LiveOptions, metrics: LiveMetrics, logger: Logger) {
        self.changes = changes
        self.source = source
        self.options = options
        self.metrics = metrics
        self.logger = logger
        self.pong = encoder.pong()
        (socketEventStream, socketEvents) = AsyncStream.makeStream(of: LiveSocketEvent.self)
    }

    // MARK: - Running

    /// Drains the engine's changes, sends coalesced availability and watches for stalled sockets until shutdown.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.consumeChanges() }
                group.addTask { await self.consumeSocketEvents() }
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

    private func consumeSocketEvents() async {
        for await event in socketEventStream {
            switch event {
            case .opened(let socket): open(socket)
            case .received(let id, let request): received(request, from: id)
            case .writability(let id, let writable): writabilityChanged(id, writable: writable)
            case .closed(let id): disconnect(id)
            }
        }
    }

    /// Runs `work` on this hub every `interval` until cancelled.
    private nonisolated func every(_ interval: Duration, _ work: @Sendable (SubscriptionHub) async -> Void) async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            await work(self)
        }
    }

    // MARK: - Fan-out

    /// One durable change: into the show's ring, then the same frame to every subscriber that is up to date. The
    /// frame is made only when some subscriber takes it live; otherwise the ring keeps the change, unencoded.
    func apply(_ change: SeatChange) {
        let feed = feed(for: change.show)
        feed.lastActivity = .now
        metrics.changesPublished.increment()
        var frame: LiveFrame?
        defer {
            if let frame { feed.ring.append(version: change.version, frame) } else { feed.ring.append(change) }
            dispatchOutgoing()
        }
        for id in feed.subscribers {
            guard let session = sessions[id], case .live(let delivered)? = session.subscriptions[change.show] else { continue }
            if change.version <= delivered { continue }  // already covered by the snapshot or replay it got
            if change.version == delivered + 1 {
                session.subscriptions[change.show] = .live(delivered: change.version)
                let encoded = frame ?? encoder.delta(change)
                frame = encoded
                enqueue(.frame(encoded), to: session)
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

    /// Registers a socket that has just been upgraded: its frames are written to its channel, and its loop's pinger
    /// keeps it alive.
    func open(_ socket: LiveSocket) {
        let session = register(HubSession(id: socket.id, abort: { socket.abort() }))
        session.socket = socket
        pinger(for: socket.eventLoop).add(socket.handler)
    }

    /// Registers a session with no channel (the hub's tests play its drain with `take`); `abort` drops its
    /// connection if it cannot even take a close frame.
    func connect(abort: @escaping @Sendable () -> Void) -> SessionID {
        register(HubSession(id: sessionIDs.next(), abort: abort)).id
    }

    private func register(_ session: HubSession) -> HubSession {
        sessions[session.id] = session
        metrics.connections.record(sessions.count)
        return session
    }

    /// The loop's keepalive timer, made on first use.
    private func pinger(for loop: any EventLoop) -> LivePinger {
        let key = ObjectIdentifier(loop)
        if let pinger = pingers[key] { return pinger }
        let pinger = LivePinger(eventLoop: loop, interval: options.pingInterval)
        pingers[key] = pinger
        return pinger
    }

    /// Forgets a socket (it closed): it stops receiving anything, and a drain working for it stops.
    func disconnect(_ id: SessionID) {
        guard let session = sessions.removeValue(forKey: id) else { return }
        for show in session.subscriptions.keys { shows[show]?.subscribers.remove(id) }
        for show in session.watched.keys { shows[show]?.watchers.remove(id) }
        session.items = []
        metrics.connections.record(sessions.count)
    }

    /// The next batch to write: everything queued (empty when nothing is); nil once the socket is gone.
    func take(_ id: SessionID) -> [OutboundItem]? {
        guard let session = sessions[id] else { return nil }
        let batch = session.items
        session.removeItems { _ in true }
        session.busySince = batch.isEmpty ? (session.writable ? nil : session.busySince) : .now
        return batch
    }

    /// Queues an item for a socket, folding its backlog when the queue passes its limits. A frame for a socket
    /// that is writable and has nothing queued skips the queue: it is written at the end of this actor turn.
    func enqueue(_ item: OutboundItem, to session: HubSession) {
        guard session.isOpen || isClose(item) else { return }
        if let socket = session.socket, session.writable, !session.draining, session.items.isEmpty, case .frame(let frame) = item {
            push(frame, to: socket)
            return
        }
        session.items.append(item)
        session.count(item)
        if session.queuedFrames > options.queueFrames || session.queuedBytes > options.queueBytes {
            fold(session)
        }
        startDrainIfNeeded(session)
    }

    /// Adds a frame to this turn's writes (and to the delivery count).
    private func push(_ frame: LiveFrame, to socket: LiveSocket) {
        outgoing.add(frame, to: socket)
        if frame.kind == .delta { deltasPushed += 1 }
    }

    /// Writes this turn's frames: one task per event loop, whatever the number of sockets.
    func dispatchOutgoing() {
        guard !outgoing.isEmpty else { return }
        outgoing.dispatch()
        if deltasPushed > 0 {
            metrics.deltasSent.increment(by: deltasPushed)
            deltasPushed = 0
        }
    }

    /// The channel's writability changed: a socket that can take data again gets its queue drained; one that
    /// cannot starts its stall clock, and what comes for it meanwhile queues (and folds) here.
    func writabilityChanged(_ id: SessionID, writable: Bool) {
        guard let session = sessions[id] else { return }
        session.writable = writable
        if writable {
            if session.items.isEmpty { session.busySince = nil }
            startDrainIfNeeded(session)
        } else if session.busySince == nil {
            session.busySince = .now
        }
    }

    /// Starts working through a socket's queue if it has one, can take it, and nobody is at it yet.
    private func startDrainIfNeeded(_ session: HubSession) {
        guard session.socket != nil, session.writable, !session.draining, !session.items.isEmpty else { return }
        session.draining = true
        let id = session.id
        Task { await self.drain(id) }
    }

    /// Works through one socket's queue in order, resolving markers (replays, snapshots, counts) as it reaches
    /// them; stops when the queue is empty, the socket stops being writable, or a close was sent.
    func drain(_ id: SessionID) async {
        defer { dispatchOutgoing() }
        while let session = sessions[id], let socket = session.socket, session.writable, let batch = take(id), !batch.isEmpty {
            items: for (index, item) in batch.enumerated() {
                switch item {
                case .frame(let frame):
                    push(frame, to: socket)
                case .snapshot(let show):
                    // Resolving may wait (journal, show actor): what is decided so far goes out first, and what follows
                    // goes back to the front of the queue, so that whatever the client does meanwhile (unsubscribe,
                    // subscribe again with `since`) and a fold apply to it too. Its frames are written after the
                    // resolved ones: they are taken again on the next round.
                    dispatchOutgoing()
                    session.putBack(batch[(index + 1)...])
                    for frame in await resolveSnapshot(id, show: show) { push(frame, to: socket) }
                    break items
                case .availability(let show):
                    for frame in resolveAvailability(id, show: show) { push(frame, to: socket) }
                case .close(let code, let reason):
                    dispatchOutgoing()
                    socket.close(code, reason)
                    return
                }
            }
            dispatchOutgoing()
        }
        sessions[id]?.draining = false
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
