import CoreMetrics
import Logging
import BoxOffice
import SeatEngine

// Kiosk boards: `watch` sends one `availability` per matching show at once, then a fresh one when counts change,
// at most once per `availabilityInterval` per show. Changes only mark a show dirty; one round per interval reads
// the counts of every dirty show in one query and sends each show's frame, encoded once, to its watchers.
extension SubscriptionHub {
    /// Starts (or refreshes) a watch: resolves the shows it covers now and sends their counts.
    func watch(_ id: SessionID, _ selector: WatchSelector) async {
        guard let session = sessions[id] else { return }
        if session.watches[selector] == nil, session.watches.count >= options.maxWatches {
            reply(encoder.error(LiveProtocolError("too_many_watches", "A socket may hold at most \(options.maxWatches) watches.")), to: id)
            return
        }
        let matched: [String]
        do {
            matched = try await source.runningShows(selector, limit: options.maxSubscriptions)
        } catch LiveSourceError.unknownPlace(let place) {
            let error = switch place {
            case .theatre: LiveProtocolError("unknown_theatre", "No theatre has this id.")
            case .city: LiveProtocolError("unknown_city", "No city has this id.")
            }
            reply(encoder.error(error), to: id)
            return
        } catch {
            logger.error("live watch failed", metadata: ["watch": "\(selector)", "error": "\(error)"])
            reply(encoder.error(LiveProtocolError("unavailable", "The shows could not be read; watch again.")), to: id)
            return
        }
        guard let session = sessions[id], session.isOpen else { return }
        let added = Set(matched).subtracting(session.watched.keys)
        if session.watched.count + added.count > options.maxSubscriptions {
            let message = "A socket may watch at most \(options.maxSubscriptions) shows; narrow the watch to a date."
            reply(encoder.error(LiveProtocolError("too_many_subscriptions", message)), to: id)
            return
        }
        // Register before reading counts: a change after the read then marks the show dirty for the next round.
        session.watches[selector] = matched
        for show in matched {
            // A repeated watch re-sends current counts, as a first one does.
            if session.watched[show] != .markerQueued { session.watched[show] = .active(lastSent: -1) }
            let feed = feed(for: show)
            feed.watchers.insert(id)
            feed.lastActivity = .now
        }
        pruneWatched(session)
        let counts: [String: SeatCounts]
        do {
            counts = try await source.availability(showIds: matched)
        } catch {
            logger.error("live availability failed", metadata: ["watch": "\(selector)", "error": "\(error)"])
            dirtyAvailability.formUnion(matched)
            return
        }
        guard let session = sessions[id], session.isOpen else { return }
        for show in matched {
            guard let show = counts[show].map({ (show, $0) }) else { continue }
            send(availability: show.1, of: show.0, to: [session])
        }
    }

    /// Ends a watch; shows no other watch of the socket covers stop updating.
    func unwatch(_ session: HubSession, _ selector: WatchSelector) {
        guard session.watches.removeValue(forKey: selector) != nil else { return }
        pruneWatched(session)
    }

    /// Drops the socket's interest in shows that none of its watches covers any more.
    private func pruneWatched(_ session: HubSession) {
        let covered = Set(session.watches.values.joined())
        for show in session.watched.keys where !covered.contains(show) {
            session.watched[show] = nil
            shows[show]?.watchers.remove(session.id)
            session.removeItems { item in
                switch item {
                case .frame(let frame): frame.show == show && frame.kind == .availability
                case .availability(let other): other == show
                case .snapshot, .close: false
                }
            }
        }
    }

    /// One round: the counts of every dirty watched show, read together, sent to each show's watchers.
    func publishAvailability() async {
        defer { dispatchOutgoing() }
        let dirty = dirtyAvailability.filter { shows[$0]?.watchers.isEmpty == false }
        dirtyAvailability = []
        guard !dirty.isEmpty else { return }
        let counts: [String: SeatCounts]
        do {
            counts = try await source.availability(showIds: Array(dirty))
        } catch {
            logger.error("live availability failed", metadata: ["error": "\(error)"])
            dirtyAvailability.formUnion(dirty)
            return
        }
        for (show, showCounts) in counts {
            guard let feed = shows[show] else { continue }
            send(availability: showCounts, of: show, to: feed.watchers.compactMap { sessions[$0] })
        }
    }

    /// Sends a show's counts to the given watchers that have not had this version; one frame for all of them.
    private func send(availability counts: SeatCounts, of show: String, to sessions: [HubSession]) {
        let feed = feed(for: show)
        // Reads may finish out of order: never send counts older than the newest already made.
        if feed.latestAvailability.map({ $0.version < counts.version }) ?? true {
            feed.latestAvailability = (counts.version, encoder.availability(show: show, counts))
        }
        guard let latest = feed.latestAvailability else { return }
        for session in sessions {
            guard case .active(let lastSent)? = session.watched[show], latest.version > lastSent else { continue }
            session.watched[show] = .active(lastSent: latest.version)
            enqueue(.frame(latest.frame), to: session)
        }
    }

    /// Resolves an `.availability` marker left by a fold: the show's newest counts, if this socket still watches it.
    func resolveAvailability(_ id: SessionID, show: String) -> [LiveFrame] {
        guard let session = sessions[id], session.isOpen, session.watched[show] == .markerQueued else { return [] }
        guard let latest = shows[show]?.latestAvailability else {
            // Nothing made yet: the next round sends it.
            session.watched[show] = .active(lastSent: -1)
            dirtyAvailability.insert(show)
            return []
        }
        session.watched[show] = .active(lastSent: latest.version)
        return [latest.frame]
    }
}
