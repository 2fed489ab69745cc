import NIOCore

/// What the hub holds of one WebSocket: its event loop, its pipeline hook (usable only on that loop), and how to
/// close it. Made once per connection by `LiveSession`.
final class LiveSocket: Sendable {
    let eventLoop: any EventLoop
    let handler: NIOLoopBound<LiveSocketHandler>
    /// Sends a close frame with this code and reason through Hummingbird (which then runs the close handshake).
    let close: @Sendable (_ code: Int, _ reason: String) -> Void

    init(eventLoop: any EventLoop, handler: NIOLoopBound<LiveSocketHandler>, close: @escaping @Sendable (Int, String) -> Void) {
        self.eventLoop = eventLoop
        self.handler = handler
        self.close = close
    }
}

/// Frames the hub has decided to write, grouped by event loop: one `execute` per loop writes them all into their
/// channels and then flushes each channel once. Per socket the order is the order of `add`, and successive
/// batches run on a loop in the order they were handed over, so the hub's per-socket order holds on the wire.
struct LiveOutgoing {
    private struct LoopBatch {
        let loop: any EventLoop
        var writes: [(handler: NIOLoopBound<LiveSocketHandler>, wire: ByteBuffer)] = []
    }

    private var batches: [ObjectIdentifier: LoopBatch] = [:]

    var isEmpty: Bool { batches.isEmpty }

    mutating func add(_ frame: LiveFrame, to socket: LiveSocket) {
        let key = ObjectIdentifier(socket.eventLoop)
        batches[key, default: LoopBatch(loop: socket.eventLoop)].writes.append((socket.handler, frame.wire))
    }

    /// Hands every batch to its loop and starts over.
    mutating func dispatch() {
        guard !batches.isEmpty else { return }
        for batch in batches.values {
            let writes = batch.writes
            batch.loop.execute {
                for write in writes { write.handler.value.send(write.wire) }
                for write in writes { write.handler.value.flush() }
            }
        }
        batches.removeAll(keepingCapacity: true)
    }
}
