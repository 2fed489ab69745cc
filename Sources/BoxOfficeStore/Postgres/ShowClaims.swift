/// What a journal batch learned of its shows when its transaction began (`PostgresBatchWriter`): for each show it
/// changes and could write now, whether it holds the show's advisory lock for the rest of the transaction, and the
/// show's durable version.
///
/// A batch tries (`pg_try_advisory_xact_lock`, never waiting) to lock each show one of whose changes follows the show's
/// durable version as the statement read it. A show another node's batch holds is being written there now, so this
/// batch's changes to it are out of date before they are tried: they fail as `StaleShow` without a statement. A show
/// it holds, no other batch that claims shows writes until it ends, and its changes are checked against the version read.
/// A show whose changes are all out of date (or past `limit`) is not claimed — claiming it would keep a current writer
/// out for nothing — and its changes go the way they went before claims: checked against the database's version, and
/// refused by the unique indexes if another node got there first.
///
/// Before, two nodes' batches that wrote the same show's next version met on the primary key of `seatChanges`: the
/// later waited for the earlier to commit, then failed, voiding its whole transaction (written again entry by entry with
/// savepoints), and two batches that met on two shows in opposite orders waited on each other until PostgreSQL's
/// deadlock check (`deadlock_timeout`, 1 s) broke one — seen as lock p99s of 2 s with three nodes and 96 connections.
/// What claims do not cover still meets on the unique indexes as before: a batch that committed between this statement's
/// snapshot and its lock (its version then looks free: the insert fails, and the batch is written again entry by
/// entry), shows past `limit`, and rows that are not a show's seats (a booking's extension, a charge, an admission).
struct ShowClaims: Sendable {
    /// The first key of every BoxOffice show lock (`pg_try_advisory_xact_lock(int, int)`), so they share no key with
    /// advisory locks that other software on the same database takes; the second is `hashtext(showId)` (two shows on
    /// one key only make one of them look busy now and then).
    static let lockSpace: Int32 = 0x426F_5368  // "BoSh"

    /// The most shows one batch claims. Each claim is an entry in PostgreSQL's shared lock table
    /// (`max_locks_per_transaction` × connections: 6,400 by default), and a batch can be thousands of expiries after a
    /// restart; the shows past this are written unclaimed, as before claims (their versions asked, the unique indexes
    /// deciding a race).
    static let limit = 256

    /// Each show with a change of this batch, once, the first `limit` in order, and the versions of the batch's changes
    /// of them: what the claims statement is given.
    static func candidates(_ batch: [JournalEntry]) -> (shows: [String], versions: [Int64]) {
        let shows = Set(Set(batch.compactMap(\.show)).sorted().prefix(limit))
        var changes: (shows: [String], versions: [Int64]) = ([], [])
        for entry in batch {
            guard let show = entry.show, let version = entry.version, shows.contains(show) else { continue }
            changes.shows.append(show)
            changes.versions.append(version)
        }
        return changes
    }

    /// The durable version of each show this batch holds.
    private(set) var versions: [String: Int64] = [:]
    /// The shows another node's batch holds.
    private(set) var busy: Set<String> = []

    /// The durable version of each show not claimed because none of the batch's changes of it followed it: a version
    /// at or below it is taken (versions only grow), though the show may have moved on since.
    private(set) var taken: [String: Int64] = [:]

    /// What the claims statement said of `show`: claimed (true), held by another batch (false), or not tried (nil).
    mutating func add(_ show: String, claimed: Bool?, version: Int64) {
        switch claimed {
        case true?: versions[show] = version
        case false?: busy.insert(show)
        case nil: taken[show] = version
        }
    }
}
