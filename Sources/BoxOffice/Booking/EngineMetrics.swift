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

    static func recordChange(_ cause: ChangeCause) { changes[cause]?.increment() }
    static func recordShowLoad() { showLoads.increment() }
    static func recordFollowed() { followed.increment() }
    static func recordConflict() { lockConflicts.increment() }
    static func recordUnavailable() { unavailable.increment() }

    /// The journal's per-batch hook.
    static func recordBatch(size: Int, seconds: Double) {
        batchSize.record(size)
        commitSeconds.recordNanoseconds(Int64(seconds * 1e9))
    }
}
