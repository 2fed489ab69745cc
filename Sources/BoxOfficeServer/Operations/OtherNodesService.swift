import BoxOffice
import BoxOfficeStore
import Logging
import ServiceLifecycle

/// With several nodes on one database (docs/CLUSTER.md), until the service group shuts down:
/// - hears each seat change any node commits: this node's copy of that show applies it (or, when it cannot, is loaded
///   again on its next use), and the sockets here that follow the show get it;
/// - hears each hold extended by any node, so this node's copy of the show holds it as long;
/// - hears each edit of a show by any node's admin, and drops the cached show (its next read is the row as edited);
/// - once a second, expires the holds still pending a second after they ran out: holds taken on a node that is gone,
///   or whose copy of the show is out of date (a stale copy keeps no timers). Every node sweeps; one wins each show.
struct OtherNodesService: Service {
    let listener: any SeatChangeListener
    let bookings: BookingService
    let shows: CachingCatalogStore
    let hub: SubscriptionHub
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask {
                    await listener.run { show, version, change in
                        let elsewhere = await bookings.committedElsewhere(show: show, version: version, effect: change?.followedEffect()) {
                            // This node's change of that version failed: the notice was another node's after all.
                            await hub.committedElsewhere(show: show, version: version)
                        }
                        if elsewhere { await hub.committedElsewhere(show: show, version: version, change: change) }
                    } onExtension: { show, booking, expiresAt in
                        await bookings.extendedElsewhere(show: show, booking: booking, expiresAt: expiresAt)
                    } onShowEdit: { show in
                        await shows.forget(showId: show)
                    } onGap: {
                        await shows.forgetAllShows()
                        await bookings.mayHaveMissedChanges()
                        await hub.mayHaveMissedChanges()
                    }
                }
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(1))
                        do {
                            try await bookings.sweepOverdueHolds()
                        } catch {
                            // The database is away: the next sweep tries again.
                            logger.debug("sweeping overdue holds failed", metadata: ["reason": "\(StorageFailure.reason(error))"])
                        }
                    }
                }
            }
        }
    }
}
