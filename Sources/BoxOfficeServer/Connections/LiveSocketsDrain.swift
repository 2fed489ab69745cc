import ServiceLifecycle

/// Keeps the process up, once the HTTP server has stopped, until every live socket has closed. When the server
/// quiesces each socket is sent its close frame (1001) from its own event loop, and closes once the client answers or
/// its close grace is over; without this wait the process could end first, and a socket whose loop had not yet
/// written its 1001 would see the connection drop with no close frame. Bounded by `limit`.
///
/// Listed after the other services, so it stops right after the server (a service group stops in reverse order).
struct LiveSocketsDrain: Service {
    let counts: ConnectionCounts
    let limit: Duration

    func run() async throws {
        // Until graceful shutdown (cancellation ends it at once: nothing to wait for then).
        guard (try? await gracefulShutdown()) != nil else { return }
        let deadline = ContinuousClock.now + limit
        while counts.liveSockets > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }
}
