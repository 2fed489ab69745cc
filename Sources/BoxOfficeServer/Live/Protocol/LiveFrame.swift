import BoxOfficeStore
import Foundation
import NIOCore
import SeatEngine

/// One server → client text frame, encoded once; the same bytes go to every socket that gets it.
struct LiveFrame: Sendable {
    /// What the frame is: a slow reader's fold drops seat state (it sends fresh state instead) but never replies.
    enum Kind: Sendable, Equatable {
        case delta
        case snapshot
        case availability
        /// `pong` and `error`: answers to the client's own messages.
        case reply
    }

    let kind: Kind
    /// The show the frame is about; unsubscribing drops queued frames of that show.
    let show: String?
    /// The whole WebSocket frame as it goes on the wire: FIN, text opcode, unmasked length, then the JSON. Server
    /// frames are never masked, so these same bytes are written, unchanged and uncopied, to every socket.
    let wire: ByteBuffer
    /// The length of the frame's header in `wire` (2, 4 or 10 bytes).
    private let headerLength: Int

    init(kind: Kind, show: String?, bytes: ByteBuffer) {
        self.kind = kind
        self.show = show
        (wire, headerLength) = Self.wireFrame(bytes)
    }

    /// The JSON message: a view into `wire`, not a second copy.
    var bytes: ByteBuffer {
        wire.getSlice(at: wire.readerIndex + headerLength, length: payloadLength)!
    }

    /// The JSON message's length in bytes.
    var payloadLength: Int { wire.readableBytes - headerLength }

    /// RFC 6455 §5.2 framing of one unfragmented, unmasked text message, and its header's length. RSV1 stays 0, so
    /// on a connection that negotiated permessage-deflate it is an uncompressed message, which RFC 7692 §6 allows.
    private static func wireFrame(_ payload: ByteBuffer) -> (ByteBuffer, headerLength: Int) {
        let length = payload.readableBytes
        var wire = ByteBuffer()
        wire.reserveCapacity(length + 10)
        wire.writeInteger(UInt8(0x81))  // FIN | text
        if length < 126 {
            wire.writeInteger(UInt8(length))
        } else if length <= Int(UInt16.max) {
            wire.writeInteger(UInt8(126))
            wire.writeInteger(UInt16(length))
        } else {
            wire.writeInteger(UInt8(127))
            wire.writeInteger(UInt64(length))
        }
        let headerLength = wire.readableBytes
        var payload = payload
        wire.writeBuffer(&payload)
        return (wire, headerLength)
    }
}

/// Encodes the server → client messages of the live protocol (API.md, "WebSocket: GET /ws").
struct LiveEncoder {
    private let encoder = JSONEncoder()

    /// `{"type":"delta","show":…,"version":…,"cause":…,"changes":[{"seat":…,"status":…}]}`, written by hand (once per
    /// change on every node that has subscribers to the show) without `JSONEncoder`'s cost; `LiveFrameTests` checks it
    /// against what `JSONEncoder` makes of the same message.
    func delta(_ change: SeatChange) -> LiveFrame {
        var json = "{\"type\":\"delta\",\"show\":"
        JSONText.append(change.show, to: &json)
        json += ",\"version\":\(change.version),\"cause\":\"\(change.cause.rawValue)\",\"changes\":"
        json += JSONText.updates(change.seats)
        json += "}"
        return LiveFrame(kind: .delta, show: change.show, bytes: ByteBuffer(string: json))
    }


    func snapshot(show: String, _ snapshot: SeatSnapshot) -> LiveFrame {
        let seats = SnapshotMessage.Seats(available: snapshot.available, held: snapshot.held, booked: snapshot.booked)
        return frame(.snapshot, show: show, SnapshotMessage(show: show, version: snapshot.version, seats: seats))
    }

    func availability(show: String, _ counts: SeatCounts) -> LiveFrame {
        frame(
            .availability, show: show,
            AvailabilityMessage(
                show: show, version: counts.version, available: counts.available, held: counts.held, booked: counts.booked, total: counts.total))
    }

    func pong() -> LiveFrame {
        frame(.reply, show: nil, PongMessage())
    }

    func error(_ error: LiveProtocolError) -> LiveFrame {
        frame(.reply, show: error.show, ErrorMessage(code: error.code, message: error.message, show: error.show))
    }

    private func frame(_ kind: LiveFrame.Kind, show: String?, _ message: some Encodable) -> LiveFrame {
        // Encoding our own plain structs cannot fail; a failure here is a programming error worth crashing tests on.
        let data = try! encoder.encode(message)
        return LiveFrame(kind: kind, show: show, bytes: ByteBuffer(bytes: data))
    }
}

// MARK: - Messages

/// `{"type":"snapshot","show":…,"version":…,"seats":{"available":[…],"held":[…],"booked":[…]}}`
private struct SnapshotMessage: Encodable {
    struct Seats: Encodable {
        let available: [String]
        let held: [String]
        let booked: [String]
    }

    let type = "snapshot"
    let show: String
    let version: Int64
    let seats: Seats
}

/// `{"type":"availability","show":…,"version":…,"available":…,"held":…,"booked":…,"total":…}`
private struct AvailabilityMessage: Encodable {
    let type = "availability"
    let show: String
    let version: Int64
    let available: Int
    let held: Int
    let booked: Int
    let total: Int
}

/// `{"type":"pong"}`
private struct PongMessage: Encodable {
    let type = "pong"
}

/// `{"type":"error","code":…,"message":…}`, with the `show` the request named when there was one.
private struct ErrorMessage: Encodable {
    let type = "error"
    let code: String
    let message: String
    let show: String?
}
