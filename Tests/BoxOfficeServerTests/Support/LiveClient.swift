import Foundation
import HummingbirdTesting
import Logging
import NIOCore
import NIOWebSocket
import Testing
import WSClient
import WSCompression

/// A show's seats as a browser rebuilds them: from a `snapshot`, then each `delta` after it.
struct RebuiltSeatMap: Sendable, Equatable, CustomStringConvertible {
    var version: Int64
    var seats: [String: String]

    var description: String {
        "v\(version) " + seats.filter { $0.value != "available" }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }
}

/// One real WebSocket client of `/ws` on 127.0.0.1, for tests. It records every message, rebuilds each subscribed
/// show's map, and notes every break of the contract's version chain (a delta that is not exactly one more than the
/// map it applies to, or a delta before any snapshot). It can stop reading, to play a slow reader.
actor LiveClient {
    /// What one delta said, as received.
    struct Delta: Sendable, Equatable {
        var version: Int64
        var cause: String
        var changes: [String: String]
    }

    private(set) var maps: [String: RebuiltSeatMap]
    private(set) var chainBreaks: [String] = []
    private(set) var snapshots: [String: [Int64]] = [:]
    private(set) var deltas: [String: [Delta]] = [:]
    private(set) var availability: [String: [ServerMessage]] = [:]
    private(set) var errors: [ServerMessage] = []
    private(set) var types: [String] = []
    private(set) var pongs = 0
    private(set) var closeCode: WebSocketErrorCode?
    private(set) var ended = false
    private(set) var failure: String?
    private var outbound: WebSocketOutboundWriter?
    private var paused = false
    private var resumeReading: CheckedContinuation<Void, Never>?

    /// A client that already holds `maps` (to resume with `since`).
    init(maps: [String: RebuiltSeatMap] = [:]) {
        self.maps = maps
    }

    // MARK: Connection

    /// Connects and reads until the socket closes. Run it in a child task; `close()` ends it.
    func run(port: Int, deflate: Bool = false) async {
        let configuration = WebSocketClientConfiguration(maxFrameSize: 1 << 20, extensions: deflate ? [.perMessageDeflate(minFrameSizeToCompress: 0)] : [])
        do {
            let close = try await WebSocketClient.connect(
                url: "ws://127.0.0.1:\(port)/ws", configuration: configuration, logger: Logger(label: "live-test-client")
            ) { inbound, outbound, _ in
                await self.attach(outbound)
                var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                while true {
                    await self.waitWhilePaused()
                    guard let message = try await messages.next() else { break }
                    if case .text(let text) = message { await self.record(text) }
                }
            }
            closeCode = close?.closeCode
        } catch {
            failure = "\(error)"
        }
        ended = true
        outbound = nil
    }

    private func attach(_ outbound: WebSocketOutboundWriter) {
        self.outbound = outbound
    }

    var isConnected: Bool { outbound != nil }

    /// Sends one text message.
    func send(_ text: String) async throws {
        guard let outbound else { throw LiveClientError.notConnected }
        try await outbound.write(.text(text))
    }

    /// Sends one binary message (the protocol is text only).
    func sendBinary(_ bytes: [UInt8]) async throws {
        guard let outbound else { throw LiveClientError.notConnected }
        try await outbound.write(.binary(ByteBuffer(bytes: bytes)))
    }

    func subscribe(_ show: String, since: Int64? = nil) async throws {
        try await send(since.map { #"{"op":"subscribe","show":"\#(show)","since":\#($0)}"# } ?? #"{"op":"subscribe","show":"\#(show)"}"#)
    }

    /// Closes the socket normally (reading again, to see the server's answer); `run` returns once it comes.
    func close() async {
        resume()
        try? await outbound?.close(.normalClosure, reason: nil)
    }

    /// Stops reading: frames pile up in the client's buffers, then the kernel's, then the server's queue.
    func pause() { paused = true }

    func resume() {
        paused = false
        resumeReading?.resume()
        resumeReading = nil
    }

    private func waitWhilePaused() async {
        if paused { await withCheckedContinuation { resumeReading = $0 } }
    }

    // MARK: Recording

    private func record(_ text: String) {
        // A typed decode: no thrown errors on the way (each one costs a backtrace under the test runner).
        guard let message = try? JSONDecoder().decode(ServerMessage.self, from: Data(text.utf8)) else {
            chainBreaks.append("unreadable message: \(text.prefix(200))")
            return
        }
        types.append(message.type)
        let show = message.show ?? ""
        switch message.type {
        case "snapshot":
            guard let version = message.version, let seats = message.seats else {
                chainBreaks.append("bad snapshot: \(text.prefix(200))")
                return
            }
            var map = RebuiltSeatMap(version: version, seats: [:])
            for seat in seats.available { map.seats[seat] = "available" }
            for seat in seats.held { map.seats[seat] = "held" }
            for seat in seats.booked { map.seats[seat] = "booked" }
            maps[show] = map
            snapshots[show, default: []].append(version)
        case "delta":
            guard let version = message.version, let cause = message.cause, let changes = message.changes else {
                chainBreaks.append("bad delta: \(text.prefix(200))")
                return
            }
            var delta = Delta(version: version, cause: cause, changes: [:])
            for change in changes { delta.changes[change.seat] = change.status }
            deltas[show, default: []].append(delta)
            guard var map = maps[show] else {
                chainBreaks.append("\(show): delta v\(version) before any snapshot")
                return
            }
            if version != map.version + 1 { chainBreaks.append("\(show): delta v\(version) applied to v\(map.version)") }
            for (seat, status) in delta.changes { map.seats[seat] = status }
            map.version = version
            maps[show] = map
        case "availability":
            availability[show, default: []].append(message)
        case "pong":
            pongs += 1
        case "error":
            errors.append(message)
        default:
            chainBreaks.append("unknown message type \(message.type)")
        }
    }

    // MARK: Waiting

    /// Waits until `condition` holds, polling; records an issue and returns false after `timeout`.
    @discardableResult
    func wait(
        _ what: String, timeout: Duration = .seconds(10), sourceLocation: SourceLocation = #_sourceLocation,
        until condition: @Sendable (isolated LiveClient) -> Bool
    ) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !condition(self) {
            if ContinuousClock.now > deadline {
                Issue.record("timed out waiting for \(what)", sourceLocation: sourceLocation)
                return false
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return true
    }

    func version(of show: String) -> Int64? { maps[show]?.version }

    /// Expects the version chain unbroken: every delta exactly one more than the map it applied to.
    func expectIntactChain(sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(chainBreaks.isEmpty, "\(chainBreaks.prefix(10))", sourceLocation: sourceLocation)
    }
    func deltaCount(of show: String) -> Int { deltas[show]?.count ?? 0 }
}

/// Any server → client message of the live protocol; each type fills its own fields.
struct ServerMessage: Decodable, Sendable, Equatable {
    /// A snapshot's seats by status.
    struct Seats: Decodable, Sendable, Equatable {
        var available: [String]
        var held: [String]
        var booked: [String]
    }

    /// One seat's new status in a delta.
    struct Change: Decodable, Sendable, Equatable {
        var seat: String
        var status: String
    }

    var type: String
    var show: String?
    var version: Int64?
    var cause: String?
    var changes: [Change]?
    var seats: Seats?
    var available: Int?
    var held: Int?
    var booked: Int?
    var total: Int?
    var code: String?
    var message: String?
}

/// A test client used before it connected.
enum LiveClientError: Error {
    case notConnected
}

/// Runs `body` with `count` live clients connected to the server on `port`, then closes them all. Every client's
/// reading task is bounded: if one has not ended 10 s after being closed, the test fails instead of hanging.
func withLiveClients<Value: Sendable>(
    port: Int, count: Int = 1, deflate: Bool = false, maps: [String: RebuiltSeatMap] = [:],
    _ body: @Sendable ([LiveClient]) async throws -> Value
) async throws -> Value {
    let clients = (0..<count).map { _ in LiveClient(maps: maps) }
    return try await withThrowingTaskGroup(of: Void.self) { group in
        for client in clients { group.addTask { await client.run(port: port, deflate: deflate) } }
        for client in clients {
            await client.wait("connection", timeout: .seconds(20)) { $0.isConnected || $0.ended }
        }
        let value: Value
        do {
            value = try await body(clients)
        } catch {
            for client in clients { await client.close() }
            group.cancelAll()
            throw error
        }
        for client in clients { await client.close() }
        for client in clients { await client.wait("close", timeout: .seconds(10)) { $0.ended } }
        group.cancelAll()
        return value
    }
}
