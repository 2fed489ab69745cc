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
    /// a ring's worth missing sends a snapshot instead, as for any gap).
    func committedElsewhere(show: String, version: Int64, change carried: CarriedSeatChange? = nil) async {
        guard let feed = shows[show] else { return }
        if let last = feed.ring.last, last >= version { return }
        guard !(feed.subscribers.isEmpty && feed.watchers.isEmpty) else {
            // Nobody here follows the show, so this change is not read into its ring, which is behind from now on: a
            // resume here with a `since` the ring still covers would replay up to its end and miss this change. Drop
            // the feed, as the idle sweep would; a resume then refills the ring from the journal.
            shows[show] = nil
            return
        }
        if let carried, let last = feed.ring.last, carried.version == last + 1, let change = carried.change() {
            apply(change)
            return
        }
        let changes: [SeatChange]
        do {
            changes = try await source.recentChanges(showId: show, after: feed.ring.last ?? 0, limit: options.ringSize)
        } catch {
            logger.warning("reading another node's changes failed", metadata: ["show": "\(show)", "error": "\(error)"])
            return
        }
        // Read while suspended: local changes or another notice may have come in meanwhile.
        let known = shows[show]?.ring.last ?? 0
        for change in changes where change.version > known { apply(change) }
    }

    /// Notices may have been lost (the listener reconnected): every show followed here catches up from the journal.
    func mayHaveMissedChanges() async {
        for show in shows.keys { await committedElsewhere(show: show, version: .max) }
    }
}
