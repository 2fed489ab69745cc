import BoxOffice
import NIOCore
import Synchronization

// The hub's bookkeeping: one `HubSession` per socket and one `ShowFeed` per show. Both are reference types owned
// by the `SubscriptionHub` actor alone (never handed out), so they need no synchronisation of their own.

/// Identifies one WebSocket inside the hub.
typealias SessionID = UInt64

/// Hands out session ids from any thread: a socket's event loop names it before the hub hears of it.
final class SessionIDs: Sendable {
    private let last = Atomic<SessionID>(0)

    func next() -> SessionID {
        last.wrappingAdd(1, ordering: .relaxed).newValue
    }
}

/// What a socket's queue holds: frames to write, or work to do at the moment of writing.
enum OutboundItem: Sendable {
    /// Bytes to write as they are (shared with every other socket that gets them).
    case frame(LiveFrame)
    /// Make this show's subscription current: the drain asks the hub, at write time, for the replay from the ring
    /// or a fresh snapshot. This is how a first subscribe and a slow reader's folded backlog both get their state.
    case snapshot(show: String)
    /// Send this watched show's latest counts (after a slow reader's backlog was folded).
    case availability(show: String)
    /// Close the socket with this code (1008, 1013) and stop writing.
    case close(code: Int, reason: String)
}

/// Where one socket's subscription to one show stands.
enum SubscriptionState: Equatable {
    /// A `.snapshot` marker is queued; deltas are not queued meanwhile (the marker's resolution covers them).
    case queued(since: Int64?)
    /// The writer is resolving the marker (reading the journal or a snapshot); `token` tells a stale resolution.
    case resolving(since: Int64?, token: UInt64)
    /// Up to date through `delivered`; the next delta queued is `delivered + 1`.
    case live(delivered: Int64)
}

/// Where one socket's kiosk view of one show stands.
enum WatchState: Equatable {
    /// The last availability version queued for this socket (-1: none yet).
    case active(lastSent: Int64)
    /// An `.availability` marker is queued after a fold; updates wait for it.
    case markerQueued
}

/// One socket as the hub sees it: its bounded outbound queue and what it listens to.
final class HubSession {
    let id: SessionID
    /// Drops the connection without a close handshake: for a socket that cannot even take its close frame.
    let abort: @Sendable () -> Void

    /// The socket's channel, once attached. Frames go straight to it while the queue is empty and it is writable.
    var socket: LiveSocket?
    /// The channel's writability as last reported from its event loop.
    var writable = true
    /// A drain (`SubscriptionHub.drain`) is working through `items`; new items queue behind it.
    var draining = false
    /// Client messages not yet handled, oldest first, and whether a task is handling them (one at a time, in order).
    var inbox: [Result<LiveRequest, LiveProtocolError>] = []
    var reading = false

    /// The outbound queue: what cannot go straight to the socket (markers to resolve, a backlog while the socket
    /// is not writable, a close). Drained whole by `take`.
    var items: [OutboundItem] = []
    /// Frames (not markers) in `items`, and their bytes: what the queue limits count.
    var queuedFrames = 0
    var queuedBytes = 0
    /// Since when the socket has had frames it has not taken: set when a batch is taken or the channel stops
    /// being writable, cleared when the queue is drained. Longer than the stall timeout means the client stopped
    /// reading.
    var busySince: ContinuousClock.Instant?
    /// Set once the server decided to close this socket.
    var closingSince: ContinuousClock.Instant?
    var aborted = false

    var subscriptions: [String: SubscriptionState] = [:]
    /// Each watch selector and the shows it matched when it was sent.
    var watches: [WatchSelector: [String]] = [:]
    /// Every show some selector of this socket covers.
    var watched: [String: WatchState] = [:]

    init(id: SessionID, abort: @escaping @Sendable () -> Void) {
        self.id = id
        self.abort = abort
    }

    var isOpen: Bool { closingSince == nil }

    /// Adds a frame's or marker's weight to the queue counters.
    func count(_ item: OutboundItem) {
        if case .frame(let frame) = item {
            queuedFrames += 1
            queuedBytes += frame.payloadLength
        }
    }

    /// Puts items taken from the queue back at its front, in their order (a drain that has to wait returns the rest
    /// of its batch, so that what happens meanwhile applies to it).
    func putBack(_ rest: ArraySlice<OutboundItem>) {
        guard !rest.isEmpty else { return }
        items.insert(contentsOf: rest, at: 0)
        for item in rest { count(item) }
    }

    /// Removes queued items and recounts what stays.
    func removeItems(where shouldRemove: (OutboundItem) -> Bool) {
        items.removeAll(where: shouldRemove)
        queuedFrames = 0
        queuedBytes = 0
        for item in items { count(item) }
    }
}

/// One show as the hub sees it: its recent deltas and who listens.
final class ShowFeed {
    var ring: DeltaRing
    var subscribers: Set<SessionID> = []
    var watchers: Set<SessionID> = []
    /// Whether the ring was refilled from the journal (done once, on the first resume it cannot serve).
    var refilled = false
    /// The newest availability frame made for this show, shared by every watcher that gets it.
    var latestAvailability: (version: Int64, frame: LiveFrame)?
    /// When a change or a listener last touched this show; idle feeds are dropped to bound memory.
    var lastActivity: ContinuousClock.Instant

    init(ringSize: Int, now: ContinuousClock.Instant) {
        self.ring = DeltaRing(capacity: ringSize)
        self.lastActivity = now
    }

    var isIdle: Bool { subscribers.isEmpty && watchers.isEmpty }
}
