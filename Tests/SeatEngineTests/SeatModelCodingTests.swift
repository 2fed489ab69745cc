import SeatEngine
import Testing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

@Suite("Seat model encoding")
struct SeatModelCodingTests {
    @Test("a seat update encodes as {\"seat\":\"A1\",\"status\":\"held\"}")
    func seatUpdateShape() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = try encoder.encode(SeatUpdate(seat: "A1", status: .held))
        #expect(String(decoding: json, as: UTF8.self) == #"{"seat":"A1","status":"held"}"#)
    }

    @Test("statuses and causes use the contract's words")
    func rawValues() {
        #expect(SeatStatus.allCases.map(\.rawValue) == ["available", "held", "booked"])
        #expect([ChangeCause.lock, .release, .expire, .book, .cancel].map(\.rawValue) == ["lock", "release", "expire", "book", "cancel"])
    }

    @Test("a change survives a JSON round trip")
    func changeRoundTrip() throws {
        let change = SeatChange(
            show: "s1", version: 43, cause: .lock,
            seats: [.init(seat: "A1", status: .held), .init(seat: "A2", status: .available)], at: t0)
        let decoded = try JSONDecoder().decode(SeatChange.self, from: JSONEncoder().encode(change))
        #expect(decoded == change)
    }
}
