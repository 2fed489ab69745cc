import Foundation
import Logging
import ServiceLifecycle
import SeatEngine

/// The single writer of durable changes, with group commit, over any store's `BatchWriter`.
///
/// Callers `append` and wait. The writer takes every entry queued while the previous transaction was on
/// disk and commits them in one transaction, then resumes all their callers: one fsync per batch,
/// not per booking. A caller is resumed only after its entry is durable (or has failed).
///
/// Entries that go first (`JournalEntry.goesFirst`: the door's admissions) have a lane of their own: when any are
/// queued, the next transaction is theirs alone, so a scan waits for at most the batch in flight and one small
/// commit — not for the next batch of sales too.
///
/// With a `JournalLinger`, a busy writer waits a little for a small batch to grow before it commits it.
public actor GroupCommitJournal: Journal, Service {
    private struct Pending {
        var entry: JournalEntry
        var continuation: CheckedContinuation<Void, any Error>
    }

    private let writer: any BatchWriter
    private let logger: Logger
    private var queue: [Pending] = []
    /// Entries that go first, committed before `queue`.
    private var firstLane: [Pending] = []
    private var wakeUp: CheckedContinuation<Void, Never>?
    private let linger: JournalLinger?
    /// The writer waiting for its small batch to grow (`linger`): which wait it is (a timer ends only its own), and the
    /// timer.
    private var lingering: (continuation: CheckedContinuation<Void, Never>, id: Int, timer: Task<Void, Never>)?
    private var lingers = 0
    private var running = false
    private var stopping = false
    /// The highest durable version of each show this writer has seen, loaded from disk on first use; a show's goes with
    /// the copy that wrote it (`retire`), and is read again if the show is loaded again.
    private var durableVersion: [String: Int64] = [:]
    /// Each copy's (`ChangeLineage.writer`) last durable change: its next change must follow that one (or the version
    /// it was loaded at), never a version another node made durable after one of its own failed. A copy's entry goes
    /// when the copy does (`retire`): a node reloads copies for as long as it runs.
    private var lineageLast: [UUID: Int64] = [:]
    /// Called after each batch with its size and how long the commit took (metrics).
    private let onBatch: @Sendable (_ size: Int, _ seconds: Double) -> Void

    public init(
        writer: any BatchWriter, logger: Logger, linger: JournalLinger? = nil, onBatch: @escaping @Sendable (Int, Double) -> Void = { _, _ in }
    ) {
        self.writer = writer
        self.logger = logger
        self.linger = linger
        self.onBatch = onBatch
    }

    /// Makes `entry` durable; returns once it is on disk, throws if it is not.
    public func append(_ entry: JournalEntry) async throws {
        guard !stopping else { throw JournalError.stopped }
        if let refusal = writer.refusal { throw refusal }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            if entry.goesFirst {
                firstLane.append(Pending(entry: entry, continuation: continuation))
            } else {
                queue.append(Pending(entry: entry, continuation: continuation))
            }
            if let wakeUp {
                self.wakeUp = nil
                wakeUp.resume()
            }
            if let linger, entry.goesFirst || queue.count >= linger.fewerThan { endLinger() }
        }
    }

    /// The writer loop: runs until graceful shutdown, then drains what is queued and stops.
    public func run() async {
        running = true
        // While a batch is out (a lost commit's answer may take until the database is back to learn), entries queued
        // behind it are refused as soon as the store says it is unreachable, instead of waiting with it.
        let watcher = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: Self.refusalCheckInterval)
                await self?.refuseQueuedWhileUnreachable()
            }
        }
        defer { watcher.cancel() }
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                // Whether entries were waiting when the last commit ended (the writer is busy): only then may a small
                // batch wait to grow.
                var busy = false
                while true {
                    if !firstLane.isEmpty {
                        let batch = firstLane
                        firstLane.removeAll(keepingCapacity: true)
                        await commit(batch)
                        continue
                    }
                    if queue.isEmpty {
                        if stopping || Task.isCancelled { break }
                        busy = false
                        await withCheckedContinuation { wakeUp = $0 }
                        continue
                    }
                    // (A first-lane commit leaves `busy` as it was: sales that waited through it are not made to wait
                    // twice.)
                    if busy, let linger, queue.count < linger.fewerThan, !stopping {
                        await waitForMore(linger.wait)
                        busy = false  // a batch waits once
                        // Entries that go first came meanwhile, or the queued ones were refused: start again.
                        if !firstLane.isEmpty || queue.isEmpty { continue }
                    }
                    let batch = queue
                    queue.removeAll(keepingCapacity: true)
                    await commit(batch)
                    busy = !queue.isEmpty
                }
            } onGracefulShutdown: {
                Task { await self.stop() }
            }
        } onCancel: {
            Task { await self.stop() }
        }
        // Refuse what comes from now on: the loop may end (cancelled) before `stop` has run, and nobody would commit it.
        stopping = true
        running = false
        for pending in firstLane + queue { pending.continuation.resume(throwing: JournalError.stopped) }
        firstLane.removeAll()
        queue.removeAll()
    }

    static let refusalCheckInterval: Duration = .milliseconds(100)

    public func retire(_ writer: UUID, of show: ShowID) {
        lineageLast[writer] = nil
        durableVersion[show] = nil
    }

    /// The copies whose last durable change this journal keeps, and the shows whose durable version it keeps (tests).
    public var kept: (copies: Int, shows: Int) { (lineageLast.count, durableVersion.count) }

    /// Entries waiting for a transaction (tests).
    var waiting: Int { firstLane.count + queue.count }

    /// Whether the writer is waiting for a small batch to grow (tests).
    var isLingering: Bool { lingering != nil }

    /// Fails every queued entry (none of them has been sent) when the store is known to be unreachable.
    private func refuseQueuedWhileUnreachable() {
        guard !queue.isEmpty || !firstLane.isEmpty, let refusal = writer.refusal else { return }
        logger.notice("refusing queued journal entries: the store is unreachable", metadata: ["queued": "\(firstLane.count + queue.count)"])
        for pending in firstLane + queue { pending.continuation.resume(throwing: refusal) }
        firstLane.removeAll(keepingCapacity: true)
        queue.removeAll(keepingCapacity: true)
        endLinger()  // nothing left to wait for
    }

    private func stop() {
        stopping = true
        if let wakeUp {
            self.wakeUp = nil
            wakeUp.resume()
        }
        endLinger()
    }

    /// Waits until `linger.fewerThan` entries are queued, one that goes first is, the journal stops, or `wait` passes.
    private func waitForMore(_ wait: Duration) async {
        lingers &+= 1
        let this = lingers
        await withCheckedContinuation { continuation in
            let timer = Task { [weak self] in
                guard (try? await Task.sleep(for: wait)) != nil else { return }
                await self?.endLinger(this)
            }
            lingering = (continuation, this, timer)
        }
    }

    /// Ends the writer's wait for more entries (`only`: if it is still that wait).
    private func endLinger(_ only: Int? = nil) {
        guard let lingering, only == nil || only == lingering.id else { return }
        self.lingering = nil
        lingering.timer.cancel()
        lingering.continuation.resume()
    }

    /// Commits one batch through the store's writer; if the transaction itself fails (disk full, I/O error, a lost
    /// connection) every entry fails.
    private func commit(_ all: [Pending]) async {
        let started = ContinuousClock.now
        // A change that does not follow its copy's last durable change builds on one that failed: refuse it unsent.
        var batch: [Pending] = []
        var follows: [UUID: Int64] = [:]
        for pending in all {
            if let lineage = pending.entry.lineage, let version = pending.entry.version, let show = pending.entry.show {
                // (A copy that applied another node's later change since its last one of its own builds on that one.)
                let previous = follows[lineage.writer] ?? max(lineageLast[lineage.writer] ?? lineage.base, lineage.base)
                guard version == previous + 1 else {
                    pending.continuation.resume(throwing: JournalError.predecessorMissing(show: show, version: version))
                    continue
                }
                follows[lineage.writer] = version
            }
            batch.append(pending)
        }
        guard !batch.isEmpty else { return }
        let outcome: Result<BatchOutcome, any Error>
        do {
            outcome = .success(try await writer.write(batch.map(\.entry), knownVersions: durableVersion))
        } catch {
            outcome = .failure(error)
        }
        let elapsed = ContinuousClock.now - started
        onBatch(batch.count, elapsed.timeInterval)
        switch outcome {
        case .success(let written):
            // Only the batch's shows: the writer's map is built from the one it was given, and a show retired while the
            // batch was out must stay forgotten.
            for show in Set(batch.compactMap(\.entry.show)) { durableVersion[show] = written.versions[show] }
            for (pending, error) in zip(batch, written.results) {
                if let lineage = pending.entry.lineage, let version = pending.entry.version {
                    if error == nil {
                        lineageLast[lineage.writer] = version
                    } else if error is StaleShow {
                        lineageLast[lineage.writer] = nil  // that copy is replaced; its later changes fail above
                    }
                }
                if let error {
                    if error is StaleShow {
                        // Another node wrote the show first: expected with several nodes; the caller reloads and retries.
                        logger.debug("journal entry refused: the show's copy is out of date")
                    } else if error is HoldBeingPaid {
                        // Another node charges the hold this change would end: refused, as a pinned hold is.
                        logger.debug("journal entry refused: the hold it ends is being paid for on another node")
                    } else {
                        logger.warning("journal entry failed", metadata: ["error": "\(StorageFailure.reason(error))"])
                    }
                    pending.continuation.resume(throwing: error)
                } else {
                    pending.continuation.resume()
                }
            }
        case .failure(let error):
            // Nothing of this batch is durable; forget cached versions so they are read again from the store.
            durableVersion = [:]
            logger.error("journal commit failed", metadata: ["error": "\(StorageFailure.reason(error))", "batch": "\(batch.count)"])
            for pending in batch { pending.continuation.resume(throwing: error) }
        }
    }
}

/// Writes one batch of entries in one transaction of its store, each entry in its own savepoint so a failing one
/// fails alone, and refuses a show's version whose predecessor is not durable. What differs per store.
public protocol BatchWriter: Sendable {
    /// Each entry's error (nil: durable with the batch) and the shows' last durable versions after it; throws when
    /// the transaction as a whole failed. `knownVersions` is what earlier batches left (a show missing from it is
    /// read from the store).
    func write(_ batch: [JournalEntry], knownVersions: [String: Int64]) async throws -> BatchOutcome

    /// Why a write would fail now without trying (the database is known to be unreachable), or nil.
    var refusal: (any Error)? { get }
}

extension BatchWriter {
    public var refusal: (any Error)? { nil }
}

/// What a batch did: one result per entry, and each show's last durable version.
public struct BatchOutcome: Sendable {
    public var results: [(any Error)?]
    public var versions: [String: Int64]
}
