import Foundation
import GRDB
import Logging
import ServiceLifecycle

/// The single writer of durable changes to the SQLite file, with group commit.
///
/// Callers `append` and wait. The writer takes every entry queued while the previous transaction was on
/// disk and commits them in one SQLite transaction, then resumes all their callers: one fsync per batch,
/// not per booking. A caller is resumed only after its entry is durable (or has failed).
public actor SQLiteJournal: Journal, Service {
    private struct Pending {
        var entry: JournalEntry
        var continuation: CheckedContinuation<Void, any Error>
    }

    private let database: BoxOfficeDatabase
    private let logger: Logger
    private var queue: [Pending] = []
    private var wakeUp: CheckedContinuation<Void, Never>?
    private var running = false
    private var stopping = false
    /// The highest durable version of each show this writer has seen, loaded from disk on first use.
    private var durableVersion: [String: Int64] = [:]
    /// Called after each batch with its size and how long the commit took (metrics).
    private let onBatch: @Sendable (_ size: Int, _ seconds: Double) -> Void

    public init(database: BoxOfficeDatabase, logger: Logger, onBatch: @escaping @Sendable (Int, Double) -> Void = { _, _ in }) {
        self.database = database
        self.logger = logger
        self.onBatch = onBatch
    }

    /// Makes `entry` durable; returns once it is on disk, throws if it is not.
    public func append(_ entry: JournalEntry) async throws {
        guard !stopping else { throw JournalError.stopped }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            queue.append(Pending(entry: entry, continuation: continuation))
            if let wakeUp {
                self.wakeUp = nil
                wakeUp.resume()
            }
        }
    }

    /// The writer loop: runs until graceful shutdown, then drains what is queued and stops.
    public func run() async {
        running = true
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                while true {
                    if queue.isEmpty {
                        if stopping || Task.isCancelled { break }
                        await withCheckedContinuation { wakeUp = $0 }
                        continue
                    }
                    let batch = queue
                    queue.removeAll(keepingCapacity: true)
                    await commit(batch)
                }
            } onGracefulShutdown: {
                Task { await self.stop() }
            }
        } onCancel: {
            Task { await self.stop() }
        }
        running = false
        for pending in queue { pending.continuation.resume(throwing: JournalError.stopped) }
        queue.removeAll()
    }

    private func stop() {
        stopping = true
        if let wakeUp {
            self.wakeUp = nil
            wakeUp.resume()
        }
    }

    /// Commits one batch. Each entry runs in a savepoint: a failing entry, and every later entry of its show,
    /// is rolled back and failed alone; if the commit itself fails (disk full, I/O error) every entry fails.
    private func commit(_ batch: [Pending]) async {
        let started = ContinuousClock.now
        let known = durableVersion
        let outcome: Result<(results: [(any Error)?], versions: [String: Int64]), any Error>
        do {
            let result = try await database.pool.write { db -> (results: [(any Error)?], versions: [String: Int64]) in
                var versions = known
                var results = [(any Error)?]()
                results.reserveCapacity(batch.count)
                for pending in batch {
                    let entry = pending.entry
                    if let show = entry.show, let version = entry.version {
                        let last = try versions[show] ?? Self.lastVersion(of: show, in: db)
                        guard version == last + 1 else {
                            versions[show] = last
                            results.append(JournalError.predecessorMissing(show: show, version: version))
                            continue
                        }
                        do {
                            try db.inSavepoint {
                                try SQLiteJournalWrites.apply(entry, in: db)
                                return .commit
                            }
                            versions[show] = version
                            results.append(nil)
                        } catch {
                            versions[show] = last
                            results.append(error)
                        }
                    } else {
                        do {
                            try db.inSavepoint {
                                try SQLiteJournalWrites.apply(entry, in: db)
                                return .commit
                            }
                            results.append(nil)
                        } catch {
                            results.append(error)
                        }
                    }
                }
                return (results, versions)
            }
            outcome = .success(result)
        } catch {
            outcome = .failure(error)
        }
        let elapsed = ContinuousClock.now - started
        onBatch(batch.count, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        switch outcome {
        case .success(let (results, versions)):
            durableVersion = versions
            for (pending, error) in zip(batch, results) {
                if let error {
                    logger.warning("journal entry failed", metadata: ["error": "\(error)"])
                    pending.continuation.resume(throwing: error)
                } else {
                    pending.continuation.resume()
                }
            }
        case .failure(let error):
            // Nothing of this batch is on disk; forget cached versions so they are read again from disk.
            durableVersion = [:]
            logger.error("journal commit failed", metadata: ["error": "\(error)", "batch": "\(batch.count)"])
            for pending in batch { pending.continuation.resume(throwing: error) }
        }
    }

    static func lastVersion(of show: String, in db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT MAX(version) FROM seatChanges WHERE showId = ?", arguments: [show]) ?? 0
    }
}
