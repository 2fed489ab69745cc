@testable import BoxOfficeStore
import Foundation
import SeatEngine
import Testing

/// A change's seats as the journal writes them and every node reads them back (a notice carries them): the hand
/// reader gives what `JSONDecoder` gives, and leaves everything it does not expect to `JSONDecoder`.
@Suite("The seats of a change, written and read by hand")
struct JSONTextTests {
    static let awkward = ["A1", "B12", "Z-9", "VIP/1", "C\"3", "D\\4", "E\n5", "日本1", "😀2", "", "\u{01}x"]

    @Test("every update written is read back as written, by the hand reader whenever no seat needs an escape")
    func roundTrip() throws {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let count = Int.random(in: 0...6, using: &random)
            let updates = (0..<count).map { _ in
                SeatUpdate(seat: Self.awkward.randomElement(using: &random)!, status: [SeatStatus.available, .held, .booked].randomElement(using: &random)!)
            }
            let text = JSONText.updates(updates)
            #expect(try JSONText.updates(from: text) == updates, "\(text)")
            #expect(try JSONDecoder().decode([SeatUpdate].self, from: Data(text.utf8)) == updates, "valid JSON: \(text)")
            let needsEscape = updates.contains { $0.seat.utf8.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") } }
            #expect((JSONText.plainUpdates(text) != nil) == !needsEscape, "\(text)")
        }
    }

    @Test("other spellings of the same JSON are read by JSONDecoder; what is not a list of updates is refused")
    func otherSpellings() throws {
        let expected = [SeatUpdate(seat: "A1", status: .held), SeatUpdate(seat: "A2", status: .available)]
        for text in [
            #"[ {"seat":"A1","status":"held"}, {"seat":"A2","status":"available"} ]"#,
            #"[{"status":"held","seat":"A1"},{"status":"available","seat":"A2"}]"#,
            #"[{"seat":"A\u0031","status":"held"},{"seat":"A2","status":"available"}]"#,
        ] {
            #expect(JSONText.plainUpdates(text) == nil, "\(text)")
            #expect(try JSONText.updates(from: text) == expected, "\(text)")
        }
        for text in ["", "[", "[{", #"[{"seat":"A1","status":"gone"}]"#, #"[{"seat":"A1","status":"held"}"#,
                     #"[{"seat":"A1","status":"held"}]x"#, "{}", "null"] {
            #expect(JSONText.plainUpdates(text) == nil, "\(text)")
            #expect(throws: (any Error).self, "\(text)") { _ = try JSONText.updates(from: text) }
        }
        // A trailing comma is not what the journal writes: the hand reader leaves it to JSONDecoder (which takes it).
        #expect(JSONText.plainUpdates(#"[{"seat":"A1","status":"held"},]"#) == nil)
        #expect(JSONText.plainUpdates("[]") == [])
    }
}
