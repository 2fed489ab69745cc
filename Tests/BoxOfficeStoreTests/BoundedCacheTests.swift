import BoxOfficeStore
import Testing

@Suite("BoundedCache: about `capacity` entries, the recently used ones kept")
struct BoundedCacheTests {
    @Test("it never holds more than its capacity, and a full cache still keeps what was asked for lately")
    func keepsRecentlyUsed() {
        var cache = BoundedCache<Int, String>(capacity: 100)
        for key in 0..<100 { cache.set("v\(key)", for: key) }
        for round in 0..<50 {
            // Key 7 is read all the time; everything else is written once and never read again.
            #expect(cache.value(for: 7) == "v7", "round \(round)")
            for key in (1_000 + round * 40)..<(1_000 + round * 40 + 40) { cache.set("v\(key)", for: key) }
            #expect(cache.count <= 100)
        }
        #expect(cache.value(for: 7) == "v7")
        #expect(cache.value(for: 0) == nil, "an old entry nobody read is gone")
        let newest = 1_000 + 49 * 40 + 39
        #expect(cache.value(for: newest) == "v\(newest)")
        #expect(cache.count >= 50, "a turnover drops at most one generation, never everything")
    }

    @Test("set replaces, removeValue forgets, in either generation")
    func replaceAndRemove() {
        var cache = BoundedCache<String, Int>(capacity: 4)
        cache.set(1, for: "a")
        cache.set(2, for: "b")
        cache.set(3, for: "c")  // "a" and "b" are now the previous generation
        cache.set(10, for: "a")
        #expect(cache.value(for: "a") == 10)
        cache.removeValue(for: "b")
        cache.removeValue(for: "c")
        #expect(cache.value(for: "b") == nil)
        #expect(cache.value(for: "c") == nil)
        #expect(cache.count == 1)
    }
}
