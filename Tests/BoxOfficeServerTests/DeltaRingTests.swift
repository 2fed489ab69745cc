import NIOCore
import Testing

@testable import BoxOfficeServer

/// The per-show ring of recent deltas that `since` resumes are served from.
@Suite("DeltaRing")
struct DeltaRingTests {
    static func frame(_ version: Int64) -> LiveFrame {
        LiveFrame(kind: .delta, show: "shw_A", bytes: ByteBuffer(string: "v\(version)"))
    }

    static func versions(_ frames: [LiveFrame]?) -> [String]? {
        frames?.map { String(buffer: $0.bytes) }
    }

    @Test("keeps the newest versions; serves exactly what follows since, nothing when current, nil when too old or ahead")
    func window() {
        var ring = DeltaRing(capacity: 4)
        #expect(ring.frames(after: 0) == nil, "an empty ring serves nothing")
        for version in Int64(1)...6 { ring.append(version: version, Self.frame(version)) }
        #expect(ring.first == 3 && ring.last == 6)
        #expect(Self.versions(ring.frames(after: 2)) == ["v3", "v4", "v5", "v6"])
        #expect(Self.versions(ring.frames(after: 4)) == ["v5", "v6"])
        #expect(Self.versions(ring.frames(after: 6)) == [])
        #expect(ring.frames(after: 1) == nil, "v2 fell off")
        #expect(ring.frames(after: 7) == nil, "ahead of the ring")
    }

    @Test("ignores versions it has; a gap restarts it rather than letting it claim versions it lacks")
    func duplicatesAndGaps() {
        var ring = DeltaRing(capacity: 8)
        for version in Int64(1)...3 { ring.append(version: version, Self.frame(version)) }
        ring.append(version: 2, Self.frame(2))
        #expect(ring.last == 3 && ring.count == 3)
        ring.append(version: 5, Self.frame(5))
        #expect(ring.first == 5 && ring.last == 5)
        #expect(ring.frames(after: 3) == nil)
    }

    @Test("a journal refill goes in front when it reaches the ring; a refill with a hole is refused")
    func prepend() {
        var ring = DeltaRing(capacity: 5)
        ring.append(version: 7, Self.frame(7))
        ring.append(version: 8, Self.frame(8))
        ring.prepend((3...7).map { (version: Int64($0), frame: Self.frame(Int64($0))) })
        #expect(ring.first == 4 && ring.last == 8, "the newest five of v3…v8")
        #expect(Self.versions(ring.frames(after: 3)) == ["v4", "v5", "v6", "v7", "v8"])

        var holey = DeltaRing(capacity: 5)
        holey.append(version: 9, Self.frame(9))
        holey.prepend([(version: 6, frame: Self.frame(6)), (version: 7, frame: Self.frame(7))])
        #expect(holey.first == 9, "v8 is missing: the refill does not reach the ring")

        var empty = DeltaRing(capacity: 5)
        empty.prepend([(version: 1, frame: Self.frame(1)), (version: 3, frame: Self.frame(3))])
        #expect(empty.isEmpty, "a refill with a hole is refused")
    }
}
