/// What a journal batch learned of its shows when its transaction began (`PostgresBatchWriter`): for each show it
/// changes, whether it holds the show's advisory lock for the rest of the transaction, and the show's durable version.
///
/// Every batch tries (`pg_try_advisory_xact_lock`, never waiting) to lock each show it changes. A show another node's
/// batch holds is being written there now, so this batch's changes to it are out of date before they are tried: they
/// fail as `StaleShow` without a statement. The shows it holds, no other batch writes until it ends, and their versions
/// as read are the versions its changes must follow — so a change is refused before it is written, not by a unique
/// index it waits on.
///
/// Before, two nodes' batches that wrote the same show's next version met on the primary key of `seatChanges`: the
/// later waited for the earlier to commit, then failed, voiding its whole transaction (written again entry by entry with
/// savepoints), and two batches that met on two shows in opposite orders waited on each other until PostgreSQL's
/// deadlock check (`deadlock_timeout`, 1 s) broke one — seen as lock p99s of 2 s with three nodes and 96 connections.
/// The unique indexes still decide in the one case the claim cannot see: a batch that committed between this
/// statement's snapshot and its lock.
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

    /// The durable version of each show this batch holds.
    private(set) var versions: [String: Int64] = [:]
    /// The shows another node's batch holds.
    private(set) var busy: Set<String> = []

    mutating func add(_ show: String, claimed: Bool, version: Int64) {
        if claimed {
            versions[show] = version
        } else {
            busy.insert(show)
        }
    }
}
