#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Where an actor's changes go: made durable, then published.
///
/// Contract, per show: `commit` is called in version order, and a journal that fails a change must also fail every
/// change of that show queued after it (the actor has already undone them), until it sees a version at or below the
/// failed one again — the actor's next change after the rollback. A later version must never become durable after an
/// earlier one failed: a success for version v tells the actor that every version before v is durable too.
public protocol SeatJournal: Sendable {
    /// Make `change` (with its booking-level `effect`) durable. Called in version order per show. Throws when not durable.
    ///
    /// Throws only when the change will not be durable: once enqueued, a commit must not give up because its caller's
    /// task was cancelled, or the actor would undo a change that reaches the disk.
    ///
    /// `nonisolated(nonsending)`: it starts on the calling show actor, so an implementation that enqueues before its
    /// first suspension sees each show's changes in version order. A witness without `nonisolated(nonsending)` hops
    /// first and loses that ordering.
    ///
    /// `note` is what the operation's caller handed down for the journal (for BoxOffice: the show as the lock read
    /// it, and the idempotent answer to store with the change); the engine carries it and never reads it.
    nonisolated(nonsending) func commit(_ change: SeatChange, effect: SeatEffect, note: JournalNote?) async throws

    /// Called exactly once per durable change, in strictly increasing version order per show, before the causing call returns.
    ///
    /// Must not block (it enqueues): it runs on the show's actor.
    func published(_ change: SeatChange)

    /// Make a hold's new expiry, given `at`, durable (an extension: no seat changes, no version). Throws when not durable.
    nonisolated(nonsending) func extend(_ hold: Hold, at: Date) async throws

    /// The actor applied another writer's durable change of `version` (`ShowActor.follow`), with nothing of its own in
    /// flight: its next change builds on that version. Called on the actor; must not block.
    func followed(_ version: Int64)
}

extension SeatJournal {
    /// A journal with one writer per show never hears of another's change.
    public func followed(_ version: Int64) {}
}

/// What a caller hands down with an operation for its journal to write with the change. Opaque to the engine.
public typealias JournalNote = any Sendable

/// What a journal throws when another writer (another node on the same database) has already made a later version
/// of the show durable: the actor's state is out of date, the change is undone, and the show must be loaded again.
public struct StaleShow: Error, Sendable {
    public init() {}
}

/// What a journal throws when a change would end a hold whose payment another writer (another node) is charging: the
/// charging node's copy pinned the hold, this copy could not know. The change is undone and the caller told the
/// payment is in progress, as a pinned hold of its own copy would (`SeatEngineError.paymentInProgress`).
public struct HoldBeingPaid: Error, Sendable {
    public init() {}
}
