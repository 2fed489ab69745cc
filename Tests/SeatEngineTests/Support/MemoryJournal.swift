// An in-memory journal modelled on the real writer: commits queue synchronously in call order, and one writer
// concludes them in that order, failing every later queued change of the show once one fails.

import BoxOfficeTestSupport
import Foundation
import SeatEngine

/// A commit waiting for the writer.
struct PendingCommit: Sendable {
    let change: SeatChange
    let effect: SeatEffect
    let continuation: CheckedContinuation<Void, any Error>
}

/// The journal's refusal.
struct JournalDown: Error {}

/// The test journal the actor talks to; its state lives in `book`.
final class MemoryJournal: SeatJournal {
    /// Automatic: each commit concluded as it arrives. Gated: commits wait for `book.write()` and `book.resume(...)`.
    enum Mode: Sendable {
        case automatic
        case gated
    }

    let book: JournalBook
    /// Every published change, in the order `published` was called.
    let publishedChanges: AsyncStream<SeatChange>
    private let inbox: AsyncStream<PendingCommit>.Continuation
    private let publishedSink: AsyncStream<SeatChange>.Continuation

    init(mode: Mode = .automatic, failureRate: Double = 0, seed: UInt64 = 0) {
        let book = JournalBook(mode: mode, failureRate: failureRate, seed: seed)
        let (commits, inbox) = AsyncStream<PendingCommit>.makeStream()
        (publishedChanges, publishedSink) = AsyncStream<SeatChange>.makeStream()
        self.book = book
        self.inbox = inbox
        // The single writer; it ends when the journal goes away and finishes the inbox.
        Task {
            for await pending in commits { await book.receive(pending) }
        }
    }

    deinit {
        inbox.finish()
        publishedSink.finish()
    }

    nonisolated(nonsending) func commit(_ change: SeatChange, effect: SeatEffect, note: JournalNote?) async throws {
        try await withCheckedThrowingContinuation { continuation in
            inbox.yield(PendingCommit(change: change, effect: effect, continuation: continuation))
        }
    }

    func published(_ change: SeatChange) {
        publishedSink.yield(change)
    }

    nonisolated(nonsending) func extend(_ hold: Hold, at: Date) async throws {
        try await book.extend(hold)
    }
}

/// The journal's state: the durable log, the failure policy, and (gated) the queue of commits to write.
actor JournalBook {
    private let mode: MemoryJournal.Mode
    private let failureRate: Double
    private var random: SplitMix64
    private var failNextCount = 0
    /// With `failNext(refusing: true)`: the failures to come are refusals (`HoldBeingPaid`: a hold another node is
    /// charging), not the journal being down; the versions so refused.
    private var refusing = false
    private var refusedVersions: Set<Int64> = []
    /// After version v failed, later versions fail until the actor starts again at or below v.
    private var poisonedAbove: Int64?
    private var lastVersion: Int64?
    private var queued: [PendingCommit] = []
    private var written: [(commit: PendingCommit, durable: Bool)] = []
    private var queueWaiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []

    /// Changes made durable, in commit order.
    private(set) var durable: [SeatChange] = []
    /// The booking-level effect of each durable change (parallel to `durable`).
    private(set) var durableEffects: [SeatEffect] = []
    private(set) var attempts = 0
    private(set) var failures = 0
    /// Failures of changes queued behind an earlier failure (the actor rolled them back while they were in flight).
    private(set) var poisonedFailures = 0
    /// Commits that arrived out of version order (the protocol forbids it).
    private(set) var orderViolations: [String] = []

    init(mode: MemoryJournal.Mode, failureRate: Double, seed: UInt64) {
        self.mode = mode
        self.failureRate = failureRate
        self.random = SplitMix64(seed: seed)
    }

    /// Makes the next `count` commits fail.
    /// Hold extensions made durable, in order.
    private(set) var extensions: [Hold] = []

    /// An extension: durable, unless a failure was asked for (`failNext`).
    func extend(_ hold: Hold) throws {
        if failNextCount > 0 {
            failNextCount -= 1
            throw JournalDown()
        }
        extensions.append(hold)
    }

    func failNext(_ count: Int = 1, refusing: Bool = false) {
        failNextCount += count
        self.refusing = refusing
    }

    func receive(_ pending: PendingCommit) {
        let version = pending.change.version
        if let last = lastVersion, version > last + 1 {
            orderViolations.append("v\(version) after v\(last)")
        }
        lastVersion = version
        switch mode {
        case .automatic:
            let durable = decide(pending)
            resumeCommit(pending, durable: durable)
        case .gated:
            queued.append(pending)
            let ready = queueWaiters.filter { $0.count <= queued.count }
            queueWaiters.removeAll { $0.count <= queued.count }
            for waiter in ready { waiter.continuation.resume() }
        }
    }

    private func decide(_ pending: PendingCommit) -> Bool {
        let change = pending.change
        attempts += 1
        if let poisoned = poisonedAbove {
            if change.version > poisoned {
                failures += 1
                poisonedFailures += 1
                return false
            }
            poisonedAbove = nil
        }
        var fail = false
        if failNextCount > 0 {
            failNextCount -= 1
            fail = true
        } else if failureRate > 0 {
            fail = random.chance(failureRate)
        }
        if fail {
            poisonedAbove = change.version
            failures += 1
            if refusing { refusedVersions.insert(change.version) }
            return false
        }
        durable.append(change)
        durableEffects.append(pending.effect)
        return true
    }

    private func resumeCommit(_ pending: PendingCommit, durable: Bool) {
        if durable {
            pending.continuation.resume()
        } else if refusedVersions.contains(pending.change.version) {
            pending.continuation.resume(throwing: HoldBeingPaid())
        } else {
            pending.continuation.resume(throwing: JournalDown())
        }
    }

    // MARK: - Gated mode

    /// Waits until at least `count` commits are queued.
    func waitForQueued(_ count: Int) async {
        guard queued.count < count else { return }
        await withCheckedContinuation { queueWaiters.append((count, $0)) }
    }

    /// Writes every queued commit in order (deciding which are durable) without resuming their callers yet.
    func write() {
        for pending in queued { written.append((pending, decide(pending))) }
        queued.removeAll()
    }

    /// Writes only the oldest queued commit: a group commit that caught just that one.
    func writeFirst() {
        guard !queued.isEmpty else { return }
        let pending = queued.removeFirst()
        written.append((pending, decide(pending)))
    }

    /// Resumes every written commit's caller, oldest first.
    func resumeAll() {
        resume(versions: written.map(\.commit.change.version))
    }

    /// Resumes the written commits' callers in the given version order (any order: the actor must cope).
    func resume(versions: [Int64]) {
        for version in versions {
            guard let position = written.firstIndex(where: { $0.commit.change.version == version }) else { continue }
            let entry = written.remove(at: position)
            resumeCommit(entry.commit, durable: entry.durable)
        }
    }
}
