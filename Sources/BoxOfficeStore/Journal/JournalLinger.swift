/// How long a busy journal writer may wait for more entries before it commits a small batch: a group commit delay
/// (PostgreSQL's `commit_delay`, MySQL's `binlog_group_commit_sync_delay`).
///
/// A commit costs a fixed amount of CPU whatever its size — on PostgreSQL ~2.6 ms of it on the 2-core machine of
/// docs/BENCHMARKS.md (~1.6 ms in PostgreSQL: the batch's statements planned and run, the commit; ~1 ms in the node) —
/// against ~0.6 ms an entry. A writer that is busy all the time commits whatever waits when the previous commit ends;
/// when few requests are in flight per node (three nodes sharing one machine's cores: ~4.5 entries a batch) the fixed
/// cost is half of all the work. Waiting a little for more entries then costs each request a few milliseconds and
/// saves the machine whole commits (session 16: three nodes routed by show +15–20% locks/s at 6 ms and 8 entries).
///
/// The writer waits only when it is busy — entries were already waiting when its previous commit ended — and the
/// batch has fewer than `fewerThan` entries; it commits as soon as that many wait, an entry that goes first arrives,
/// or `wait` has passed. An idle writer commits a lone entry at once.
public struct JournalLinger: Sendable, Equatable {
    /// The longest a batch waits for more entries.
    public var wait: Duration
    /// A batch with fewer entries than this waits; one with this many is committed at once.
    public var fewerThan: Int

    public init(wait: Duration, fewerThan: Int) {
        self.wait = wait
        self.fewerThan = fewerThan
    }

    /// PostgreSQL's: 6 ms (a busy batch's commit takes 6–10 ms here), until 8 entries (the fixed cost then about a
    /// third of the batch's). SQLite's commit is an fsync, not CPU: no linger there by default.
    public static let postgres = JournalLinger(wait: .milliseconds(6), fewerThan: 8)
}
