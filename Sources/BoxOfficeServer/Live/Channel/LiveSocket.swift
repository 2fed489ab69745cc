import NIOCore

/// What the hub holds of one WebSocket: its id, its event loop and its pipeline handler (usable only on that loop).
/// Made once per connection when `/ws` is upgraded (`LiveHTTPChannel`).
final class LiveSocket: Sendable {
    let id: SessionID
    let eventLoop: any EventLoop
    let handler: NIOLoopBound<LiveSocketHandler>

    init(id: SessionID, handler: NIOLoopBound<LiveSocketHandler>) {
        self.id = id
        self.eventLoop = handler.eventLoop
        self.handler = handler
    }

    /// Sends a close frame with this code and reason; the connection ends when the client answers it, or after
    /// the close grace period.
    func close(_ code: Int, _ reason: String) {
        eventLoop.execute { self.handler.value.closeFromServer(code: code, reason: reason) }
    }

    /// Drops the connection without a close handshake: for a socket that cannot even take its close frame.
    func abort() {
        eventLoop.execute { self.handler.value.abort() }
    }

    /// The hub has handled one of this socket's messages (see `LiveSocketHandler.read`).
    func acknowledge() {
        eventLoop.execute { self.handler.value.acknowledged() }
    }
}

/// What the event loops tell the hub about the live sockets, in the order it happened on each socket.
enum LiveSocketEvent: Sendable {
    /// A `/ws` upgrade finished: from now on the socket's frames can be written to it.
    case opened(LiveSocket)
    /// One client message, parsed (or what was wrong with it).
    case received(SessionID, Result<LiveRequest, LiveProtocolError>)
    /// The channel became writable, or stopped being writable.
    case writability(SessionID, writable: Bool)
    /// The connection closed.
    case closed(SessionID)
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
