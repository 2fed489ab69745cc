import NIOCore

/// Keeps the live sockets of one event loop honest: every `interval` it pings each of them, and closes (1001,
/// "Ping timeout") one that has not answered the previous ping with a matching pong. One repeating timer per loop,
/// running only while the loop has sockets, instead of a sleeping task per socket; the sockets' `LiveSocketHandler`s
/// see their pongs in the pipeline. A peer that goes silent is closed at most two intervals later, as before.
final class LivePinger: Sendable {
    let eventLoop: any EventLoop
    private let interval: TimeAmount
    private let state: NIOLoopBoundBox<State>

    private struct State {
        var handlers: [ObjectIdentifier: LiveSocketHandler] = [:]
        var timer: RepeatedTask?
    }

    init(eventLoop: any EventLoop, interval: Duration) {
        self.eventLoop = eventLoop
        self.interval = TimeAmount(interval)
        self.state = .makeBoxSendingValue(State(), eventLoop: eventLoop)
    }

    /// Starts pinging a socket's handler (from any thread; it is done on the loop). A handler already removed from
    /// its pipeline is left alone.
    func add(_ handler: NIOLoopBound<LiveSocketHandler>) {
        eventLoop.execute {
            let handler = handler.value
            guard handler.attach(to: self) else { return }
            self.state.value.handlers[ObjectIdentifier(handler)] = handler
            if self.state.value.timer == nil {
                self.state.value.timer = self.eventLoop.scheduleRepeatedTask(initialDelay: self.interval, delay: self.interval) { _ in
                    self.tick()
                }
            }
        }
    }

    /// Stops pinging a handler (its channel closed); on the loop.
    func remove(_ handler: LiveSocketHandler) {
        state.value.handlers[ObjectIdentifier(handler)] = nil
        if state.value.handlers.isEmpty {
            state.value.timer?.cancel()
            state.value.timer = nil
        }
    }

    /// One round: a fresh random payload, shared by every socket of the loop, pinged to each that answered the last.
    private func tick() {
        var payload = ByteBuffer()
        payload.reserveCapacity(16)
        for _ in 0..<2 { payload.writeInteger(UInt64.random(in: .min ... .max)) }
        for handler in Array(state.value.handlers.values) { handler.ping(payload) }
    }
}
