import CoreMetrics
import NIOCore
import Synchronization

/// The connections open now, counted from accept to close against `ConnectionLimits`. The bounds are the whole
/// server's while connections live on every event loop, so each count is one atomic integer rather than state a loop
/// or an actor owns (a per-loop count would split the bound; an actor would put a hop on every accept).
final class ConnectionCounts: Sendable {
    /// What becomes of a connection just accepted.
    enum Admission: Equatable {
        /// Within the bound: served.
        case serve
        /// Past it: its first request is answered 503 `overloaded` (`OverloadAnswer`), then it is closed.
        case refuse
        /// Past even the room for refusals: closed at once, so that its descriptor is back before the next accept.
        case drop
    }

    let limits: ConnectionLimits
    private let open = Atomic<Int>(0)
    private let live = Atomic<Int>(0)
    /// `boxoffice_connections_refused_total{reason}`: `live_sockets` (an upgrade past the live cap), `connections`
    /// (answered 503 past the bound of connections), `dropped` (closed unanswered past the room for refusals).
    private let refusedLive: Counter
    private let refusedConnections: Counter
    private let dropped: Counter

    init(limits: ConnectionLimits, metrics: any MetricsFactory) {
        self.limits = limits
        let label = "boxoffice_connections_refused_total"
        refusedLive = Counter(label: label, dimensions: [("reason", "live_sockets")], factory: metrics)
        refusedConnections = Counter(label: label, dimensions: [("reason", "connections")], factory: metrics)
        dropped = Counter(label: label, dimensions: [("reason", "dropped")], factory: metrics)
    }

    /// Connections open now, live sockets included.
    var openConnections: Int { open.load(ordering: .relaxed) }
    /// Live sockets open now.
    var liveSockets: Int { live.load(ordering: .relaxed) }

    /// Counts a connection just accepted until it closes, and says what to do with it.
    func admit(_ channel: any Channel) -> Admission {
        let count = open.wrappingAdd(1, ordering: .relaxed).newValue
        channel.closeFuture.whenComplete { _ in self.open.wrappingSubtract(1, ordering: .relaxed) }
        if count <= limits.connections { return .serve }
        if count <= limits.answered {
            refusedConnections.increment()
            return .refuse
        }
        dropped.increment()
        return .drop
    }

    /// Takes one of the live sockets' places for this connection until it closes; false when every place is taken.
    func reserveLiveSocket(for channel: any Channel) -> Bool {
        var current = live.load(ordering: .relaxed)
        while current < limits.liveSockets {
            let (exchanged, original) = live.compareExchange(expected: current, desired: current + 1, ordering: .relaxed)
            if exchanged {
                channel.closeFuture.whenComplete { _ in self.live.wrappingSubtract(1, ordering: .relaxed) }
                return true
            }
            current = original
        }
        refusedLive.increment()
        return false
    }
}
