import Logging
import BoxOffice
import SeatEngine

// Changes committed by other nodes on the same database (docs/CLUSTER.md): they reach this node as notices, and the
// seat-changes table is their log, so subscribers here get them in the same order as on the node that made them.

extension SubscriptionHub {
    /// `version` of `show` was committed by another node: if sockets here follow the show and have not had that
    /// version, the show's recent changes are read from the journal and the new ones applied in version order (a gap
    /// longer than the ring sends a snapshot instead, as for any gap).
    func committedElsewhere(show: String, version: Int64) async {
        guard let feed = shows[show], !(feed.subscribers.isEmpty && feed.watchers.isEmpty) else { return }
        if let last = feed.ring.last, last >= version { return }
        let changes: [SeatChange]
        do {
            changes = try await source.recentChanges(showId: show, limit: options.ringSize)
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
