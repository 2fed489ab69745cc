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

extension ShowActor {
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
