// Following another writer (another node on the same database): its durable change applied to this copy, so the copy
// stays current instead of being loaded again on its next use.

extension ShowActor {
    /// Applies another writer's durable change of version `version` (`SeatMap.follow`) when it is this copy's next
    /// version and nothing made here is still being written (or undone); returns false, changing nothing, otherwise —
    /// the caller then marks the copy out of date. The journal hears of it (`SeatJournal.followed`): this copy's next
    /// change builds on that version.
    public func follow(version: Int64, effect: FollowedEffect) -> Bool {
        guard !isStale, inFlight.isEmpty, rolledBack.isEmpty, map.follow(version: version, effect: effect) else { return false }
        journal.followed(version)
        rearmTimer()
        return true
    }
}
