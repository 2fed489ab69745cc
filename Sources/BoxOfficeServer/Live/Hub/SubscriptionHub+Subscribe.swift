import CoreMetrics
import Logging
import BoxOffice
import BoxOfficeStore
import SeatEngine

// Subscriptions: what a socket asks for, and how its first state (replay or snapshot) is made exactly once, in order.
//
// The ordering argument: a show's actor publishes a change in the same synchronous step in which the change becomes
// part of its durable state, so a snapshot at version V has already had every delta ≤ V published, and every later
// one is published after it. The hub sees them in that order. While a subscription waits for its snapshot it queues
// no deltas (they land in the ring regardless); once the snapshot V is in hand, the ring supplies any deltas > V the
// hub has already seen, and deltas the hub sees later that are ≤ V are skipped. So the client gets V, then V+1, V+2…
extension SubscriptionHub {
    /// A socket's message arrived: it is handled after the ones before it, and acknowledged to the socket once handled
    /// (which lets the socket read on; see `LiveSocketHandler.read`). Different sockets' messages do not wait for
    /// each other.
    func received(_ request: Result<LiveRequest, LiveProtocolError>, from id: SessionID) {
        guard let session = sessions[id] else { return }
        session.inbox.append(request)
        guard !session.reading else { return }
        session.reading = true
        Task { await self.readInbox(id) }
    }

    private func readInbox(_ id: SessionID) async {
        while let session = sessions[id], !session.inbox.isEmpty {
            let request = session.inbox.removeFirst()
            await receive(request, from: id)
            session.socket?.acknowledge()
        }
        sessions[id]?.reading = false
    }

    /// Handles one parsed client message.
    func receive(_ request: Result<LiveRequest, LiveProtocolError>, from id: SessionID) async {
        guard let session = sessions[id], session.isOpen else { return }
        defer { dispatchOutgoing() }
        switch request {
        case .failure(let error):
            reply(encoder.error(error), to: id)
        case .success(.ping):
            reply(pong, to: id)
        case .success(.subscribe(let show, let since)):
            subscribe(session, show: show, since: since)
        case .success(.unsubscribe(let show)):
            unsubscribe(session, show: show)
        case .success(.watch(let selector)):
            await watch(id, selector)
        case .success(.unwatch(let selector)):
            unwatch(session, selector)
        }
    }

    /// Starts (or restarts) a subscription: queues a marker that the drain resolves into a replay or a snapshot.
    func subscribe(_ session: HubSession, show: String, since: Int64?) {
        guard Identifier.looksValid(show) else {
            reply(encoder.error(LiveProtocolError("unknown_show", "No show has this id.", show: show)), to: session.id)
            return
        }
        if session.subscriptions[show] == nil, session.subscriptions.count >= options.maxSubscriptions {
            let message = "A socket may subscribe to at most \(options.maxSubscriptions) shows; unsubscribe from one first."
            reply(encoder.error(LiveProtocolError("too_many_subscriptions", message, show: show)), to: session.id)
            return
        }
        // A re-subscribe starts clean: frames queued for the old one would break the new one's order.
        dropQueuedSeatFrames(of: show, from: session)
        session.subscriptions[show] = .queued(since: since)
        let feed = feed(for: show)
        feed.subscribers.insert(session.id)
        feed.lastActivity = .now
        enqueue(.snapshot(show: show), to: session)
    }

    /// Ends a subscription; frames for it still queued are dropped (ones already being written may still arrive).
    func unsubscribe(_ session: HubSession, show: String) {
        guard session.subscriptions.removeValue(forKey: show) != nil else { return }
        shows[show]?.subscribers.remove(session.id)
        dropQueuedSeatFrames(of: show, from: session)
    }

    private func dropQueuedSeatFrames(of show: String, from session: HubSession) {
        session.removeItems { item in
            switch item {
            case .frame(let frame): frame.show == show && (frame.kind == .delta || frame.kind == .snapshot)
            case .snapshot(let other): other == show
            case .availability, .close: false
            }
        }
    }

    /// Resolves a `.snapshot` marker when the drain reaches it: the frames to write now (replay, or snapshot plus
    /// catch-up), after which the subscription is live. Empty when the marker went stale (unsubscribed, re-subscribed,
    /// folded again) or when `since` is already current.
    func resolveSnapshot(_ id: SessionID, show: String) async -> [LiveFrame] {
        guard let session = sessions[id], session.isOpen, case .queued(let since)? = session.subscriptions[show] else { return [] }
        let token = nextToken()
        session.subscriptions[show] = .resolving(since: since, token: token)
        func stillResolving() -> HubSession? {
            guard let session = sessions[id], session.isOpen, session.subscriptions[show] == .resolving(since: since, token: token) else { return nil }
            return session
        }

        if let since {
            if !feed(for: show).ring.holds(after: since), !feed(for: show).refilled {
                await refillRing(show)
                guard stillResolving() != nil else { return [] }
            }
            let feed = feed(for: show)
            if let replay = feed.ring.frames(after: since, encode: encoder.delta) {
                session.subscriptions[show] = .live(delivered: feed.ring.last ?? since)
                return replay
            }
        }

        let snapshot: SeatSnapshot?
        do {
            snapshot = try await source.snapshot(showId: show)
        } catch {
            guard let session = stillResolving() else { return [] }
            logger.error("live snapshot failed", metadata: ["show": "\(show)", "error": "\(error)"])
            unsubscribe(session, show: show)
            return [encoder.error(LiveProtocolError("unavailable", "The show's seats could not be read; subscribe again.", show: show))]
        }
        guard let session = stillResolving() else { return [] }
        guard let snapshot else {
            unsubscribe(session, show: show)
            return [encoder.error(LiveProtocolError("unknown_show", "No show has this id.", show: show))]
        }
        var frames: [LiveFrame] = []
        // `since` equal to the current version: the client is up to date, nothing to send.
        if since != snapshot.version { frames.append(encoder.snapshot(show: show, snapshot)) }
        var delivered = snapshot.version
        let feed = feed(for: show)
        if let last = feed.ring.last, last > delivered {
            guard let catchUp = feed.ring.frames(after: delivered, encode: encoder.delta) else {
                // More changes than the ring keeps went by while reading the snapshot: start over.
                requeueSnapshot(show, for: session)
                return []
            }
            frames += catchUp
            delivered = last
        }
        session.subscriptions[show] = .live(delivered: delivered)
        return frames
    }

    /// Refills a show's ring from the journal, once (after a restart, or after an idle ring was dropped), so a
    /// client's `since` from before still resumes with deltas.
    private func refillRing(_ show: String) async {
        let changes: [SeatChange]
        do {
            changes = try await source.recentChanges(showId: show, after: 0, limit: options.ringSize)
        } catch {
            logger.warning("live ring refill failed", metadata: ["show": "\(show)", "error": "\(error)"])
            return
        }
        // Two resumes may read concurrently; the first back fills the ring.
        guard let feed = shows[show], !feed.refilled else { return }
        feed.refilled = true
        feed.ring.prepend(changes)
    }
}
