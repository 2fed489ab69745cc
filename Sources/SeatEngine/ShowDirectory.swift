#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The directory of loaded show actors: loads each show once, on demand, and drops idle ones.
public actor ShowDirectory {
    private enum Entry {
        case loading(Task<ShowActor?, any Error>, token: UInt64)
        case loaded(ShowActor, lastUsed: Date)
    }

    private let load: @Sendable (ShowID) async throws -> ShowActor?
    private let clock: any EngineClock
    private var entries: [ShowID: Entry] = [:]
    private var nextToken: UInt64 = 0
    private var isShutDown = false

    /// A directory that builds a show's actor with `load` (nil for an unknown show) the first time it is asked for.
    public init(clock: any EngineClock = SystemClock(), load: @escaping @Sendable (ShowID) async throws -> ShowActor?) {
        self.clock = clock
        self.load = load
    }

    /// How many actors are loaded.
    public var loaded: Int {
        entries.values.count { if case .loaded = $0 { true } else { false } }
    }

    /// The actor of `show`, loading it on first use; concurrent first requests share one load. Nil for an unknown show.
    public func actor(for show: ShowID) async throws -> ShowActor? {
        if isShutDown { throw CancellationError() }
        switch entries[show] {
        case .loaded(let actor, _) where actor.isStale:
            // Another node moved the show on: drop this copy (its timers stop) and load the show as it is now.
            entries[show] = nil
            await actor.shutdown()
            return try await self.actor(for: show)
        case .loaded(let actor, _):
            entries[show] = .loaded(actor, lastUsed: clock.now)
            return actor
        case .loading(let task, _):
            return try await task.value
        case nil:
            nextToken += 1
            let token = nextToken
            let load = self.load
            // Unstructured so that one caller's cancellation does not fail the load the others wait for.
            let task = Task { try await load(show) }
            entries[show] = .loading(task, token: token)
            let result: Result<ShowActor?, any Error> = await task.result
            guard case .loading(_, token)? = entries[show] else {
                // Shut down while loading: nobody will own this actor's timer.
                if case .success(let actor?) = result { await actor.shutdown() }
                throw CancellationError()
            }
            if case .success(let actor?) = result {
                entries[show] = .loaded(actor, lastUsed: clock.now)
            } else {
                // Unknown shows and failures are not cached: the show may be created, the store may recover.
                entries[show] = nil
            }
            return try result.get()
        }
    }

    /// Declares every loaded copy out of date: each is loaded again on its next use.
    public func markAllStale() {
        for case .loaded(let actor, _) in entries.values { actor.markStale() }
    }

    /// The actor of `show` if it is loaded (never loads it).
    public func loadedActor(for show: ShowID) -> ShowActor? {
        if case .loaded(let actor, _)? = entries[show] { return actor }
        return nil
    }

    /// The actor of `show` if it is loaded, or once it is if a load is under way (never starts one): a change made to
    /// "every copy" then reaches the one whose load read the state before the change, too.
    public func currentActor(for show: ShowID) async -> ShowActor? {
        switch entries[show] {
        case .loaded(let actor, _)?: return actor
        case .loading(let task, _)?: return try? await task.value
        case nil: return nil
        }
    }

    /// Drops and shuts down the actors with no live holds and nothing in flight that nobody used for `idleFor`.
    @discardableResult
    public func evictIdle(idleFor: Duration) async -> [ShowID] {
        let cutoff = clock.now.addingTimeInterval(-idleFor.timeInterval)
        var evicted: [ShowID] = []
        for (show, entry) in entries {
            guard case .loaded(let actor, let lastUsed) = entry, lastUsed <= cutoff else { continue }
            guard await actor.isIdle(since: cutoff) else { continue }
            // Someone may have asked for it while we asked it: only drop it if it is still untouched.
            guard case .loaded(let current, let used)? = entries[show], current === actor, used <= cutoff else { continue }
            entries[show] = nil
            await actor.shutdown()
            evicted.append(show)
        }
        return evicted.sorted()
    }

    /// Shuts down every loaded actor and refuses further requests.
    public func shutdown() async {
        isShutDown = true
        let current = entries
        entries = [:]
        for case .loaded(let actor, _) in current.values { await actor.shutdown() }
    }
}
