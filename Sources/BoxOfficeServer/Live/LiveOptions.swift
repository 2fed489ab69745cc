/// Limits and timings of the live seat feed (`/ws`). Defaults suit production; tests shrink them to reach the
/// slow-reader and timeout paths quickly.
public struct LiveOptions: Sendable {
    /// Largest inbound message; a bigger one closes the socket with 1009.
    public var maxMessageBytes: Int = 1 << 16
    /// Shows one socket may subscribe to; kiosk-watched shows count separately against the same number.
    public var maxSubscriptions: Int = 500
    /// Watch selectors one socket may hold.
    public var maxWatches: Int = 20
    /// Recent deltas kept per show for `since` resumes.
    public var ringSize: Int = 1024
    /// Frames one socket's outbound queue may hold before its backlog is folded into fresh snapshots.
    public var queueFrames: Int = 2048
    /// Bytes one socket's outbound queue may hold before its backlog is folded into fresh snapshots.
    public var queueBytes: Int = 1 << 20
    /// A socket whose writer has not finished a batch for this long is closed with 1013.
    public var stallTimeout: Duration = .seconds(30)
    /// How long a socket being closed by the server gets to send its close frame before the connection is dropped.
    public var closeGrace: Duration = .seconds(2)
    /// Kiosk `availability` for one show goes out at most once per this interval.
    public var availabilityInterval: Duration = .milliseconds(250)
    /// Kernel send buffer of each WebSocket (SO_SNDBUF); bounds what a reader that stopped can pin in the kernel.
    /// Nil leaves the system's autotuning (which may reach megabytes per socket).
    public var sendBufferBytes: Int? = 64 * 1024
    /// The server pings every socket this often; one that does not answer by the next ping is closed.
    public var pingInterval: Duration = .seconds(30)
    /// A show's ring is dropped after this long without changes or listeners (a resume then reads the journal).
    public var idleShowRetention: Duration = .seconds(600)

    public init() {}
}
