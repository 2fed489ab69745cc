import Foundation
import NIOCore
import SeatEngine
import Testing

@testable import BoxOfficeServer

/// The per-show ring of recent deltas that `since` resumes are served from.
@Suite("DeltaRing")
struct DeltaRingTests {
    static func frame(_ version: Int64) -> LiveFrame {
        LiveFrame(kind: .delta, show: "shw_A", bytes: ByteBuffer(string: "v\(version)"))
    }

    /// Stands in for the JSON encoder: a change becomes "c<version>".
    static func encode(_ change: SeatChange) -> LiveFrame {
        LiveFrame(kind: .delta, show: change.show, bytes: ByteBuffer(string: "c\(change.version)"))
    }

    static func change(_ version: Int64) -> SeatChange {
        SeatChange(show: "shw_A", version: version, cause: .lock, seats: [SeatUpdate(seat: "A1", status: .held)], at: Date())
    }

    static func versions(_ frames: [LiveFrame]?) -> [String]? {
        frames?.map { String(buffer: $0.bytes) }
    }

    @Test("keeps the newest versions; serves exactly what follows since, nothing when current, nil when too old or ahead")
    func window() {
        var ring = DeltaRing(capacity: 4)
        #expect(ring.frames(after: 0, encode: Self.encode) == nil, "an empty ring serves nothing")
        for version in Int64(1)...6 { ring.append(version: version, Self.frame(version)) }
        #expect(ring.first == 3 && ring.last == 6)
        #expect(Self.versions(ring.frames(after: 2, encode: Self.encode)) == ["v3", "v4", "v5", "v6"])
        #expect(Self.versions(ring.frames(after: 4, encode: Self.encode)) == ["v5", "v6"])
        #expect(Self.versions(ring.frames(after: 6, encode: Self.encode)) == [])
        #expect(ring.frames(after: 1, encode: Self.encode) == nil, "v2 fell off")
        #expect(ring.frames(after: 7, encode: Self.encode) == nil, "ahead of the ring")
    }

    @Test("ignores versions it has; a gap restarts it rather than letting it claim versions it lacks")
    func duplicatesAndGaps() {
        var ring = DeltaRing(capacity: 8)
        for version in Int64(1)...3 { ring.append(version: version, Self.frame(version)) }
        ring.append(version: 2, Self.frame(2))
        #expect(ring.last == 3 && ring.count == 3)
        ring.append(version: 5, Self.frame(5))
        #expect(ring.first == 5 && ring.last == 5)
        #expect(ring.frames(after: 3, encode: Self.encode) == nil)
    }

    @Test("a journal refill goes in front when it reaches the ring; a refill with a hole is refused")
    func prepend() {
        var ring = DeltaRing(capacity: 5)
        ring.append(version: 7, Self.frame(7))
        ring.append(version: 8, Self.frame(8))
        ring.prepend((3...7).map { Self.change(Int64($0)) })
        #expect(ring.first == 4 && ring.last == 8, "the newest five of v3…v8")
        // The refilled changes encode as the appended frames do ("v<version>"), so one list shows the order.
        #expect(Self.versions(ring.frames(after: 3, encode: { Self.frame($0.version) })) == ["v4", "v5", "v6", "v7", "v8"])

        var holey = DeltaRing(capacity: 5)
        holey.append(version: 9, Self.frame(9))
        holey.prepend([Self.change(6), Self.change(7)])
        #expect(holey.first == 9, "v8 is missing: the refill does not reach the ring")

        var empty = DeltaRing(capacity: 5)
        empty.prepend([Self.change(1), Self.change(3)])
        #expect(empty.isEmpty, "a refill with a hole is refused")
    }

    @Test("changes kept unencoded are encoded once, on the first resume that needs them, in order with frames")
    func lazyChanges() {
        var ring = DeltaRing(capacity: 4)
        ring.append(version: 1, Self.frame(1))
        for version in Int64(2)...3 { ring.append(Self.change(version)) }
        ring.append(version: 4, Self.frame(4))
        var encoded = 0
        let counting: (SeatChange) -> LiveFrame = { encoded += 1; return Self.encode($0) }
        #expect(Self.versions(ring.frames(after: 0, encode: counting)) == ["v1", "c2", "c3", "v4"])
        #expect(encoded == 2)
        #expect(Self.versions(ring.frames(after: 1, encode: counting)) == ["c2", "c3", "v4"])
        #expect(encoded == 2, "the second resume reuses the frames made by the first")

        var refilled = DeltaRing(capacity: 3)
        refilled.append(Self.change(5))
        refilled.prepend((2...5).map { Self.change(Int64($0)) })
        #expect(refilled.first == 3 && refilled.last == 5)
        #expect(Self.versions(refilled.frames(after: 2, encode: Self.encode)) == ["c3", "c4", "c5"])
    }
}
