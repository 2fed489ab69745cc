@testable import BoxOfficeServer
import Foundation
import NIOCore
import SeatEngine
import Testing

/// The delta frame is written by hand (it is made for every change on every node with subscribers): it must say what
/// `JSONEncoder` says of the same message, whatever the show's and seats' names hold.
@Suite("Live frames written by hand")
struct LiveFrameTests {
    @Test("a hand-written delta is the same JSON value as the encoded one, awkward names included")
    func deltaMatchesEncoder() throws {
        let encoder = LiveEncoder()
        let names = ["shw_01ABC", "A1", "VIP/1", "C\"3", "D\\4", "E\n5\t", "日本", "😀", "", "\u{01}\u{1F}", "</script>"]
        var random = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let seats = (0..<Int.random(in: 0...5, using: &random)).map { _ in
                SeatUpdate(seat: names.randomElement(using: &random)!, status: [SeatStatus.available, .held, .booked].randomElement(using: &random)!)
            }
            let change = SeatChange(
                show: names.randomElement(using: &random)!, version: Int64.random(in: 1...Int64.max, using: &random),
                cause: [ChangeCause.lock, .release, .expire, .book, .cancel].randomElement(using: &random)!, seats: seats, at: Date())
            let written = encoder.delta(change)
            let encoded = try JSONEncoder().encode(
                ReferenceDelta(show: change.show, version: change.version, cause: change.cause.rawValue, changes: change.seats))
            #expect(written.kind == .delta && written.show == change.show)
            let mine = try #require(try JSONSerialization.jsonObject(with: Data(written.bytes.readableBytesView)) as? NSDictionary)
            let theirs = try #require(try JSONSerialization.jsonObject(with: encoded) as? NSDictionary)
            #expect(mine == theirs, "\(String(buffer: written.bytes)) vs \(String(decoding: encoded, as: UTF8.self))")
            // And the frame around it: FIN + text, the payload's length.
            #expect(written.wire.getInteger(at: written.wire.readerIndex, as: UInt8.self) == 0x81)
            #expect(written.payloadLength == written.bytes.readableBytes)
        }
    }
}

/// The delta message of API.md's live protocol, for `JSONEncoder` to write.
private struct ReferenceDelta: Encodable {
    var type = "delta"
    let show: String
    let version: Int64
    let cause: String
    let changes: [SeatUpdate]
}
