#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// Following another writer (another node on the same database): its durable change applied to this copy, so the copy
// stays current instead of being loaded again on its next use.

/// Another writer's durable change, heard while this copy still had changes of its own being written.
struct AwaitedFollow: Sendable {
    let version: Int64
    let effect: FollowedEffect
}

/// What a notice of a durable version meant to a copy of its show (`ShowActor.hear`).
public enum HeardNotice: Sendable, Equatable {
    /// Another writer's change, applied to this copy (or kept until the copy's own changes in flight conclude).
    case followed
    /// The copy is out of date: it was already, or is now (`markedStale`: by this notice) — loaded again on its next use.
    case outOfDate(markedStale: Bool)
    /// A change of that version made here is still being written: the notice is its own, unless that change fails (then
    /// another writer took the version first, and the copy is out of date).
    case ownInFlight
    /// A version this copy has made durable itself.
    case known
}

extension ShowActor {
    /// What the notice of another writer's (or this copy's own) durable `version` means here, decided in one step on the
    /// actor: applied when it is this copy's next version (`follow`; `effect` is read only then), the copy marked out of
    /// date when it is past what the copy has, or this copy's own.
    public func hear(version: Int64, effect: @Sendable () -> FollowedEffect?) -> HeardNotice {
        guard !isStale else { return .outOfDate(markedStale: false) }
        if version == (awaitedFollows.last?.version ?? map.version) + 1, let effect = effect(), follow(version: version, effect: effect) {
            return .followed
        }
        guard map.version >= version else {
            markStale()
            return .outOfDate(markedStale: true)
        }
        return self.version < version ? .ownInFlight : .known
    }

    /// Applies another writer's durable change of version `version` (`SeatMap.follow`) when it is this copy's next
    /// version; returns false, changing nothing, when it cannot — the caller then marks the copy out of date. The
    /// journal hears of it (`SeatJournal.followed`): this copy's next change builds on that version.
    ///
    /// A change heard while changes made here are still being written (its notice can come before their commits'
    /// answers) comes after them: it is kept, and applied once they have concluded (`followAwaited`) — or, if one of
    /// them failed, the copy is out of date then.
    public func follow(version: Int64, effect: FollowedEffect) -> Bool {
        guard !isStale else { return false }
        if !inFlight.isEmpty || !rolledBack.isEmpty || !awaitedFollows.isEmpty {
            guard version == (awaitedFollows.last?.version ?? map.version) + 1 else { return false }
            awaitedFollows.append(AwaitedFollow(version: version, effect: effect))
            return true
        }
        guard map.follow(version: version, effect: effect) else { return false }
        journal.followed(version)
        followedThrough = version
        rearmTimer()
        return true
    }

    /// Another writer extended a hold to `expiresAt` (no version: heard apart from the seat changes): the copy's hold,
    /// if it has it, runs until then, and its timer with it. An extension this copy made itself changes nothing.
    public func followExtension(of booking: BookingID, to expiresAt: Date) {
        guard !isStale, map.followExtension(of: booking, to: expiresAt) else { return }
        rearmTimer()
    }

    /// Once nothing made here is being written or undone: applies the changes heard meanwhile, in order; marks the copy
    /// out of date if one does not follow (a change of its own failed, so the version it builds on is another's).
    func followAwaited() {
        guard !awaitedFollows.isEmpty, inFlight.isEmpty, rolledBack.isEmpty else { return }
        let awaited = awaitedFollows
        awaitedFollows = []
        for change in awaited {
            guard !isStale, map.follow(version: change.version, effect: change.effect) else {
                markStale()
                return
            }
            journal.followed(change.version)
            followedThrough = change.version
        }
        rearmTimer()
    }
}
