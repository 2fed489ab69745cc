import BoxOffice
import BoxOfficeStore
import ServiceLifecycle

/// With several nodes on one database: hears each seat change any node commits, so this node's copy of that show is
/// loaded again on its next use (docs/CLUSTER.md). Runs until the service group shuts down.
struct OtherNodesService: Service {
    let listener: any SeatChangeListener
    let bookings: BookingService

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await listener.run { show, version in await bookings.committedElsewhere(show: show, version: version) }
        }
    }
}
