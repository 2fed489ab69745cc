/// Decoded shows kept in memory, so a seat map or a lock reads no `shows` row and decodes no layout JSON.
///
/// Staleness: every write of a show goes through `CachingCatalogStore`, which drops the entry after the
/// write; with several nodes, another node's write is heard as a notice (`SeatChangeListener`'s `onShowEdit`) and drops
/// it here too. A read that missed records the cache's generation before reading the row and stores its result only
/// if no write happened since — so a read racing an admin edit can never put the old row back.
actor ShowCache {
    private var entries: BoundedCache<String, LoadedShow>
    private let capacity: Int
    private var generation: UInt64 = 0
    private var nextRevision: UInt64 = 0

    init(capacity: Int) {
        self.capacity = capacity
        entries = BoundedCache(capacity: capacity)
    }

    /// The cached show, or the generation a miss must present to `store`.
    func lookup(_ id: String) -> (show: LoadedShow?, generation: UInt64) {
        (entries.value(for: id), generation)
    }

    /// Keeps `show` (read from disk after `lookup` answered `generation`) unless a write happened since;
    /// returns the cached value to use.
    func store(_ show: Show, readAt generation: UInt64) -> LoadedShow {
        if let current = entries.value(for: show.id) { return current }
        nextRevision += 1
        let loaded = LoadedShow(show: show, revision: nextRevision)
        guard generation == self.generation else { return loaded }
        entries.set(loaded, for: show.id)
        return loaded
    }

    /// Forgets a show after its row changed on disk.
    func invalidate(_ id: String) {
        generation += 1
        entries.removeValue(for: id)
    }

    /// Forgets every show (edits by other nodes may have gone unheard).
    func invalidateAll() {
        generation += 1
        entries = BoundedCache(capacity: capacity)
    }
}
