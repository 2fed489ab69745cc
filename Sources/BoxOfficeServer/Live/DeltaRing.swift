/// A show's most recent delta frames, by version, so a client that reconnects with `since` gets exactly what it
/// missed. Holds a contiguous run of versions, at most `capacity` of them; the oldest fall off.
struct DeltaRing {
    private(set) var capacity: Int
    /// Frames of versions `first ... last`, oldest first, stored circularly from `head`.
    private var storage: [LiveFrame] = []
    private var head = 0
    /// The version of the oldest frame kept; meaningless while empty.
    private(set) var first: Int64 = 0

    init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    var isEmpty: Bool { storage.isEmpty }
    var count: Int { storage.count }
    /// The newest version kept, nil while empty.
    var last: Int64? { storage.isEmpty ? nil : first + Int64(storage.count) - 1 }

    /// Adds the next version. Versions already kept are ignored (a refill may have read them from the journal first);
    /// a gap, which the engine's ordering rules out, restarts the ring so it never claims versions it lacks.
    mutating func append(version: Int64, _ frame: LiveFrame) {
        if let last {
            if version <= last { return }
            if version != last + 1 { removeAll() }
        }
        if storage.isEmpty { first = version }
        if storage.count < capacity {
            storage.append(frame)
        } else {
            storage[head] = frame
            head = (head + 1) % capacity
            first += 1
        }
    }

    /// The frames after `since` through `last`, in order: empty when `since` is the newest version, nil when the
    /// ring does not hold every version after `since` (too old, or ahead of what this ring has seen).
    func frames(after since: Int64) -> [LiveFrame]? {
        guard let last else { return nil }
        guard since >= first - 1, since <= last else { return nil }
        let skip = Int(since - (first - 1))
        return (skip..<storage.count).map { storage[(head + $0) % storage.count] }
    }

    /// Puts older frames (from the journal) in front of what is kept: `older` must be contiguous and reach at least
    /// the version before `first`; otherwise nothing changes. Keeps the newest `capacity`.
    mutating func prepend(_ older: [(version: Int64, frame: LiveFrame)]) {
        guard let oldestOlder = older.first?.version else { return }
        let current = (0..<storage.count).map { (version: first + Int64($0), frame: storage[(head + $0) % storage.count]) }
        var merged: [(version: Int64, frame: LiveFrame)]
        if let currentFirst = current.first?.version {
            guard let newestOlder = older.last?.version, newestOlder >= currentFirst - 1 else { return }
            merged = older.filter { $0.version < currentFirst } + current
        } else {
            merged = older
        }
        // Contiguity of `older` itself: a hole in the journal read would make the ring lie.
        for (offset, entry) in merged.enumerated() where entry.version != oldestOlder + Int64(offset) { return }
        let kept = merged.suffix(capacity)
        storage = kept.map(\.frame)
        head = 0
        first = kept.first?.version ?? 0
    }

    mutating func removeAll() {
        storage.removeAll()
        head = 0
        first = 0
    }
}
