/// A map that keeps about `capacity` entries, favouring the ones asked for lately, at O(1) a call.
///
/// Entries live in two generations. New ones go into the current generation; when it holds half the capacity it
/// becomes the previous one, and what was previous is dropped. A hit in the previous generation moves the entry back
/// into the current one. So a full cache forgets at most the half that nobody asked for since the last turnover,
/// instead of emptying at once and making every caller miss together (what the show cache, the rendered seat maps
/// and the verified tokens did before).
public struct BoundedCache<Key: Hashable, Value> {
    private var current: [Key: Value] = [:]
    private var previous: [Key: Value] = [:]
    private let generationSize: Int

    public init(capacity: Int) {
        generationSize = max(1, capacity / 2)
    }

    /// How many entries are kept now (never more than the capacity).
    public var count: Int { current.count + previous.count }

    /// The value for `key`, if kept; a hit in the previous generation makes it current again.
    public mutating func value(for key: Key) -> Value? {
        if let value = current[key] { return value }
        guard let value = previous.removeValue(forKey: key) else { return nil }
        insert(value, for: key)
        return value
    }

    /// Keeps `value` for `key`, replacing what was kept for it.
    public mutating func set(_ value: Value, for key: Key) {
        previous[key] = nil
        if current[key] != nil {
            current[key] = value
        } else {
            insert(value, for: key)
        }
    }

    /// Forgets `key`.
    public mutating func removeValue(for key: Key) {
        current[key] = nil
        previous[key] = nil
    }

    private mutating func insert(_ value: Value, for key: Key) {
        if current.count >= generationSize {
            previous = current
            current = [:]
            current.reserveCapacity(generationSize)
        }
        current[key] = value
    }
}

extension BoundedCache: Sendable where Key: Sendable, Value: Sendable {}
