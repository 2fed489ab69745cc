import BoxOffice
import BoxOfficeStore
import Logging
import SeatEngine

// Changes committed by other nodes on the same database (docs/CLUSTER.md): they reach this node as notices, and the
// seat-changes table is their log, so subscribers here get them in the same order as on the node that made them.

extension SubscriptionHub {
    /// `version` of `show` was committed by another node: if sockets here follow the show and have not had that
    /// version, it is applied — as the notice carried it (`change`) when it follows the last one known here, else
    /// the changes after that one are read from the journal (usually one row) and applied in version order (more than
    /// a ring's worth missing sends a snapshot instead, as for any gap). Returns false when that read failed.
    @discardableResult
    func committedElsewhere(show: String, version: Int64, change carried: CarriedSeatChange? = nil) async -> Bool {
        guard let feed = shows[show] else { return true }
        if let last = feed.ring.last, last >= version { return true }
        guard !(feed.subscribers.isEmpty && feed.watchers.isEmpty) else {
            // Nobody here follows the show, so this change is not read into its ring, which is behind from now on: a
            // resume here with a `since` the ring still covers would replay up to its end and miss this change. Drop
            // the feed, as the idle sweep would; a resume then refills the ring from the journal.
            shows[show] = nil
            return true
        }
        if let carried, let last = feed.ring.last, carried.version == last + 1, let change = carried.change() {
            apply(change)
            return true
        }
        let changes: [SeatChange]
        do {
            changes = try await source.recentChanges(showId: show, after: feed.ring.last ?? 0, limit: options.ringSize)
        } catch {
            logger.warning("reading another node's changes failed", metadata: ["show": "\(show)", "error": "\(error)"])
            return false
        }
        // Read while suspended: local changes or another notice may have come in meanwhile.
        let known = shows[show]?.ring.last ?? 0
        for change in changes where change.version > known { apply(change) }
        return true
    }

    /// Notices may have been lost (the listener reconnected): every show followed here catches up from the journal.
    /// The listener can be back before the pool is (after an outage the pool refuses until a probe succeeds), and a
    /// quiet show may get no further notice to catch up on: so a failed read is tried again, every 250 ms, for up to
    /// a minute.
    func mayHaveMissedChanges() async {
        var behind = Array(shows.keys)
        var attempts = 0
        while !behind.isEmpty, attempts < 240, !Task.isCancelled {
            if attempts > 0 { try? await Task.sleep(for: .milliseconds(250)) }
            attempts += 1
            var failed: [String] = []
            for show in behind where !(await committedElsewhere(show: show, version: .max)) { failed.append(show) }
            behind = failed
        }
    }
}
