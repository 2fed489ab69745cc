import SeatEngine

/// A show's most recent deltas, by version, so a client that reconnects with `since` gets exactly what it
/// missed. Holds a contiguous run of versions, at most `capacity` of them; the oldest fall off.
///
/// A delta nobody received live is kept as the change itself and encoded only if a resume asks for it (then the
/// frame replaces it), so a show without live subscribers costs no JSON encoding per change.
struct DeltaRing {
    /// One kept version: its frame, or the change still to encode.
    enum Entry {
        case frame(LiveFrame)
        case change(SeatChange)
    }

    private(set) var capacity: Int
    /// Entries of versions `first ... last`, oldest first, stored circularly from `head`.
    private var storage: [Entry] = []
    private var head = 0
    /// The version of the oldest entry kept; meaningless while empty.
    private(set) var first: Int64 = 0

    init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    var isEmpty: Bool { storage.isEmpty }
    var count: Int { storage.count }
    /// The newest version kept, nil while empty.
    var last: Int64? { storage.isEmpty ? nil : first + Int64(storage.count) - 1 }

    /// Adds the next version as an encoded frame.
    mutating func append(version: Int64, _ frame: LiveFrame) {
        append(version: version, entry: .frame(frame))
    }

    /// Adds the next version as the change, to be encoded if a resume ever needs it.
    mutating func append(_ change: SeatChange) {
        append(version: change.version, entry: .change(change))
    }

    /// Versions already kept are ignored (a refill may have read them from the journal first); a gap, which the
    /// engine's ordering rules out, restarts the ring so it never claims versions it lacks.
    private mutating func append(version: Int64, entry: Entry) {
        if let last {
            if version <= last { return }
            if version != last + 1 { removeAll() }
        }
        if storage.isEmpty { first = version }
        if storage.count < capacity {
            storage.append(entry)
        } else {
            storage[head] = entry
            head = (head + 1) % capacity
            first += 1
        }
    }

    /// Whether the ring holds every version after `since` (what `frames(after:encode:)` would serve).
    func holds(after since: Int64) -> Bool {
        guard let last else { return false }
        return since >= first - 1 && since <= last
    }

    /// The frames after `since` through `last`, in order: empty when `since` is the newest version, nil when the
    /// ring does not hold every version after `since` (too old, or ahead of what this ring has seen). Changes not
    /// yet encoded are encoded with `encode` and kept as frames, so the next resume reuses them.
    mutating func frames(after since: Int64, encode: (SeatChange) -> LiveFrame) -> [LiveFrame]? {
        guard holds(after: since) else { return nil }
        let skip = Int(since - (first - 1))
        return (skip..<storage.count).map { offset in
            let index = (head + offset) % storage.count
            switch storage[index] {
            case .frame(let frame):
                return frame
            case .change(let change):
                let frame = encode(change)
                storage[index] = .frame(frame)
                return frame
            }
        }
    }

    /// Puts older changes (from the journal) in front of what is kept, unencoded: `changes` must be contiguous and
    /// reach at least the version before `first`; otherwise nothing changes. Keeps the newest `capacity`.
    mutating func prepend(_ changes: [SeatChange]) {
        let older = changes.map { (version: $0.version, entry: Entry.change($0)) }
        guard let oldestOlder = older.first?.version else { return }
        let current = (0..<storage.count).map { (version: first + Int64($0), entry: storage[(head + $0) % storage.count]) }
        var merged: [(version: Int64, entry: Entry)]
        if let currentFirst = current.first?.version {
            guard let newestOlder = older.last?.version, newestOlder >= currentFirst - 1 else { return }
            merged = older.filter { $0.version < currentFirst } + current
        } else {
            merged = older
        }
        // Contiguity of `older` itself: a hole in the journal read would make the ring lie.
        for (offset, entry) in merged.enumerated() where entry.version != oldestOlder + Int64(offset) { return }
        let kept = merged.suffix(capacity)
        storage = kept.map(\.entry)
        head = 0
        first = kept.first?.version ?? 0
    }

    mutating func removeAll() {
        storage.removeAll()
        head = 0
        first = 0
    }
}
