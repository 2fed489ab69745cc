import Metrics
import SeatEngine

/// The seat engine's counters, exported at /metrics: changes by cause, lock conflicts, journal batches; with several
/// nodes, how often a show's copy was loaded from the database and how many other nodes' changes copies applied.
enum EngineMetrics {
    static let changes: [ChangeCause: Counter] = Dictionary(
        uniqueKeysWithValues: [ChangeCause.lock, .release, .expire, .book, .cancel].map {
            ($0, Counter(label: "boxoffice_seat_changes_total", dimensions: [("cause", $0.rawValue)]))
        })
    static let lockConflicts = Counter(label: "boxoffice_lock_conflicts_total")
    static let unavailable = Counter(label: "boxoffice_journal_failures_total")
    static let batchSize = Recorder(label: "boxoffice_journal_batch_size", aggregate: true)
    static let commitSeconds = Metrics.Timer(label: "boxoffice_journal_commit_seconds")

    static let showLoads = Counter(label: "boxoffice_show_loads_total")
    static let followed = Counter(label: "boxoffice_show_changes_followed_total")
    /// Why a loaded copy was found out of date (and is loaded again on its next use).
    enum StaleReason: String, CaseIterable {
        /// The journal refused its change: another node had made that version durable.
        case commit
        /// It refused a request while the database had a version it had not seen.
        case refusal
        /// A notice of another node's change it could not apply (not its next version, or no effect carried).
        case notice
        /// A notice of a version its own change in flight had, which another node won.
        case lostVersion = "lost_version"
    }

    static let stale: [StaleReason: Counter] = Dictionary(
        uniqueKeysWithValues: StaleReason.allCases.map { ($0, Counter(label: "boxoffice_show_copies_stale_total", dimensions: [("reason", $0.rawValue)])) })

    static func recordChange(_ cause: ChangeCause) { changes[cause]?.increment() }
    static func recordShowLoad() { showLoads.increment() }
    static func recordFollowed() { followed.increment() }
    static func recordStale(_ reason: StaleReason) { stale[reason]?.increment() }
    static func recordConflict() { lockConflicts.increment() }
    static func recordUnavailable() { unavailable.increment() }

    /// The journal's per-batch hook.
    static func recordBatch(size: Int, seconds: Double) {
        batchSize.record(size)
        commitSeconds.recordNanoseconds(Int64(seconds * 1e9))
    }
}
