import CoreMetrics

/// The live feed's metrics (swift-metrics), exported at `/metrics` through the server's Prometheus registry.
struct LiveMetrics: Sendable {
    /// Open WebSockets.
    let connections: Gauge
    /// `delta` messages written to sockets (one per socket per delta).
    let deltasSent: Counter
    /// Changes the hub received from the engine (each encoded once, whatever the number of subscribers).
    let changesPublished: Counter
    /// Backlogs of slow readers folded into fresh snapshots.
    let slowResnapshotted: Counter
    /// Sockets the server closed because they stopped reading (1013) or flooded without reading (1008).
    let slowClosed: Counter

    init(factory: any MetricsFactory) {
        connections = Gauge(label: "boxoffice_ws_connections", factory: factory)
        deltasSent = Counter(label: "boxoffice_ws_deltas_sent_total", factory: factory)
        changesPublished = Counter(label: "boxoffice_ws_changes_published_total", factory: factory)
        slowResnapshotted = Counter(label: "boxoffice_ws_slow_resnapshots_total", factory: factory)
        slowClosed = Counter(label: "boxoffice_ws_slow_closed_total", factory: factory)
    }
}
