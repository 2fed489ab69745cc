import BoxOffice
import BoxOfficeStore
import Foundation
import NIOCore
import SeatEngine

/// The parts of a show's `GET /api/shows/:id` body that do not depend on seat statuses, encoded once per
/// loaded show: the show's own fields, and each seat's fields up to its status. Rendering a version then only
/// writes these bytes, a few numbers and one status word per seat.
///
/// The body is the same JSON `ShowView` encodes through `JSONCoding.encoder` (same keys, order and values):
/// the fixed parts *are* that encoder's output, for the show and for each `Seat` (whose fields are
/// `SeatView`'s first five, in the same order), then the status and the kind.
struct SeatMapTemplate: Sendable {
    /// The loaded show this was made from.
    let revision: UInt64
    /// `{"id":…,…,"updatedAt":"…"` — the show's fields without the closing brace.
    let head: [UInt8]
    /// Each seat's `{"seatNumber":…,"price":…,"status":"` back to back; seat i ends at `seatEnds[i]`.
    let seatBytes: [UInt8]
    let seatEnds: [Int]
    /// Each seat's kind, written after its status (`SeatView`'s last field).
    let kinds: [SeatKind]

    init(_ show: LoadedShow) throws {
        let encoder = JSONCoding.encoder
        var head = [UInt8](try encoder.encode(show.show))
        guard head.last == UInt8(ascii: "}") else { throw TemplateError.unexpectedEncoding }
        head.removeLast()
        var seatBytes = [UInt8]()
        seatBytes.reserveCapacity(show.seats.count * 96)
        var seatEnds = [Int]()
        seatEnds.reserveCapacity(show.seats.count)
        let statusKey = Array(#","status":""#.utf8)
        for seat in show.seats {
            let encoded = try encoder.encode(seat)
            guard encoded.last == UInt8(ascii: "}") else { throw TemplateError.unexpectedEncoding }
            seatBytes.append(contentsOf: encoded.dropLast())
            seatBytes.append(contentsOf: statusKey)
            seatEnds.append(seatBytes.count)
        }
        self.revision = show.revision
        self.head = head
        self.seatBytes = seatBytes
        self.seatEnds = seatEnds
        self.kinds = show.seats.indices.map { show.plan.kind(at: $0) }
    }

    enum TemplateError: Error { case unexpectedEncoding }

    /// The whole body at one version: `statuses` in the show's seat order, `counts` their counts at that version.
    func render(statuses: [SeatStatus], counts: SeatCounts) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: head.count + seatBytes.count + statuses.count * 14 + 160)
        buffer.writeBytes(head)
        buffer.writeString(#","version":"#)
        buffer.writeString(String(counts.version))
        buffer.writeString(#","availability":{"available":"#)
        buffer.writeString(String(counts.available))
        buffer.writeString(#","held":"#)
        buffer.writeString(String(counts.held))
        buffer.writeString(#","booked":"#)
        buffer.writeString(String(counts.booked))
        buffer.writeString(#","total":"#)
        buffer.writeString(String(counts.total))
        buffer.writeString(#"},"seats":["#)
        seatBytes.withUnsafeBytes { all in
            var start = 0
            for (index, end) in seatEnds.enumerated() {
                if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
                buffer.writeBytes(UnsafeRawBufferPointer(rebasing: all[start..<end]))
                switch statuses[index] {
                case .available: buffer.writeStaticString(#"available","kind":""#)
                case .held: buffer.writeStaticString(#"held","kind":""#)
                case .booked: buffer.writeStaticString(#"booked","kind":""#)
                }
                switch kinds[index] {
                case .standard: buffer.writeStaticString(#"standard"}"#)
                case .wheelchair: buffer.writeStaticString(#"wheelchair"}"#)
                case .companion: buffer.writeStaticString(#"companion"}"#)
                }
                start = end
            }
        }
        buffer.writeStaticString("]}")
        return buffer
    }
}
