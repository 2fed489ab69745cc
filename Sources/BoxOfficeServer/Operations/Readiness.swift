import Synchronization

/// Whether start-up work (migrations, restoring holds) is done, for `/readyz`.
public final class Readiness: Sendable {
    private let ready = Atomic<Bool>(false)

    public init() {}

    public var isReady: Bool { ready.load(ordering: .acquiring) }

    public func markReady() { ready.store(true, ordering: .releasing) }
}
