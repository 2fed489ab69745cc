import CoreMetrics
import Logging
// Housekeeping, a few times a second: sockets that stopped reading are closed, and feeds nobody has needed for a
// while are dropped so the rings' memory stays bounded by the shows in use.
extension SubscriptionHub {
    func sweep() {
        let now = ContinuousClock.now
        for session in sessions.values {
            if let closingSince = session.closingSince {
                // It could not even take its close frame in time: drop the connection.
                if !session.aborted, now - closingSince > options.closeGrace {
                    session.aborted = true
                    session.abort()
                }
            } else if let busySince = session.busySince, now - busySince > options.stallTimeout {
                logger.info("closing a live socket that stopped reading", metadata: ["session": "\(session.id)"])
                terminate(session, code: 1013, reason: "Too slow to read; reconnect and subscribe with since.")
            }
        }
        for (show, feed) in shows where feed.isIdle && now - feed.lastActivity > options.idleShowRetention {
            shows[show] = nil
        }
    }

    /// Closes a socket from the server's side: it stops receiving, its queue is replaced by the close frame, and if
    /// that cannot be written within the grace period the connection is dropped.
    func terminate(_ session: HubSession, code: Int, reason: String) {
        guard session.isOpen else { return }
        metrics.slowClosed.increment()
        session.closingSince = .now
        for show in session.subscriptions.keys { shows[show]?.subscribers.remove(session.id) }
        for show in session.watched.keys { shows[show]?.watchers.remove(session.id) }
        session.subscriptions = [:]
        session.watches = [:]
        session.watched = [:]
        session.removeItems { _ in true }
        enqueue(.close(code: code, reason: reason), to: session)
    }
}
