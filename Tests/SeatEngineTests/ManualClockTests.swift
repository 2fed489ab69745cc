import BoxOfficeTestSupport
import SeatEngine
import Testing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

@Suite("ManualClock", .timeLimit(.minutes(1)))
struct ManualClockTests {
    @Test("sleepers wake only when time reaches their deadline; a past deadline returns at once")
    func wakesAtDeadline() async throws {
        let clock = ManualClock(now: t0)
        try await clock.sleep(until: t0)
        let (woken, sink) = AsyncStream<Int>.makeStream()
        let sleepers = Task {
            await withThrowingTaskGroup { group in
                for (tag, delay) in [(3, 30.0), (1, 10.0), (2, 20.0)] {
                    group.addTask {
                        try await clock.sleep(until: t0.addingTimeInterval(delay))
                        sink.yield(tag)
                    }
                }
            }
        }
        #expect(await eventually { clock.sleeperCount == 3 })
        #expect(clock.nextDeadline == t0.addingTimeInterval(10))
        clock.advance(by: 15)
        var iterator = woken.makeAsyncIterator()
        #expect(await iterator.next() == 1)
        #expect(clock.sleeperCount == 2)
        clock.advance(to: t0.addingTimeInterval(30))
        let rest = [await iterator.next(), await iterator.next()].compactMap { $0 }
        #expect(Set(rest) == [2, 3])
        #expect(clock.now == t0.addingTimeInterval(30))
        clock.advance(to: t0)
        #expect(clock.now == t0.addingTimeInterval(30), "time never runs backwards")
        await sleepers.value
    }

    @Test("cancelling a sleeper throws CancellationError and removes it")
    func cancellation() async throws {
        let clock = ManualClock(now: t0)
        let sleeper = Task { try await clock.sleep(until: t0.addingTimeInterval(60)) }
        #expect(await eventually { clock.sleeperCount == 1 })
        sleeper.cancel()
        await #expect(throws: CancellationError.self) { try await sleeper.value }
        #expect(clock.sleeperCount == 0)

        let early = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await clock.sleep(until: t0.addingTimeInterval(60))
        }
        await #expect(throws: CancellationError.self) { try await early.value }
        #expect(clock.sleeperCount == 0)
    }
}
