import BoxOfficeStore
import Foundation
import SeatEngine
import Testing

@Suite("Seat layouts")
struct SeatLayoutTests {
    @Test("seats come row by row, blocked places left out, each with its category's price")
    func seats() {
        let seats = smallLayout.seats()
        #expect(seats.map(\.seatNumber) == ["A1", "A2", "A3", "B1", "B2"])
        #expect(seats.map(\.price) == [100, 100, 100, 200, 200])
        #expect(seats[3].row == "B" && seats[3].column == 1 && seats[3].category == "Gold")
        #expect(smallLayout.problem() == nil)
    }

    @Test("seat names split into row and column, and junk does not")
    func split() {
        #expect(SeatLayout.split("AB12")! == ("AB", 12))
        for junk in ["", "A", "12", "a1", "A01", "A1B", "A1234", "Ä1"] { #expect(SeatLayout.split(junk) == nil, "\(junk)") }
    }

    @Test("every broken layout names its problem's field")
    func problems() {
        var layout = smallLayout
        layout.categories[1].rows = []
        #expect(layout.problem()?.field == "categories[1].rows")
        layout = smallLayout
        layout.blocked = ["A1", "A2", "A3", "B1", "B2", "B3"]
        #expect(layout.problem()?.field == "blocked", "a layout of only blocked places has no seats")
        layout = smallLayout
        layout.rows = []
        #expect(layout.problem()?.field == "rows")
    }

    @Test("a layout stored before wheelchair, companion and singleSeatGaps existed decodes, and encodes as it did")
    func oldLayoutsDecode() throws {
        let old = #"{"rows":["A","B"],"columns":3,"aisles":[1],"blocked":["B3"],"categories":[{"name":"Silver","price":100,"rows":["A"]},{"name":"Gold","price":200,"rows":["B"]}]}"#
        let layout = try JSONDecoder().decode(SeatLayout.self, from: Data(old.utf8))
        #expect(layout == smallLayout)
        #expect(layout.wheelchair.isEmpty && layout.companion.isEmpty && layout.singleSeatGaps == .allow)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let written = String(decoding: try encoder.encode(layout), as: UTF8.self)
        #expect(!written.contains("wheelchair") && !written.contains("companion") && !written.contains("singleSeatGaps"))

        var accessible = smallLayout
        accessible.wheelchair = ["A2"]
        accessible.companion = ["A3"]
        accessible.singleSeatGaps = .refuse
        let again = try JSONDecoder().decode(SeatLayout.self, from: try encoder.encode(accessible))
        #expect(again == accessible)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(SeatLayout.self, from: Data(old.replacingOccurrences(of: "\"columns\"", with: "\"singleSeatGaps\":\"maybe\",\"columns\"").utf8))
        }
    }

    @Test("wheelchair and companion name seats once each, and every companion seat sits beside a wheelchair space")
    func kindProblems() {
        let broken: [(wheelchair: [String], companion: [String], field: String)] = [
            (["B3"], [], "wheelchair"),
            (["A9"], [], "wheelchair"),
            (["A2", "A2"], [], "wheelchair"),
            (["A2"], ["A2"], "companion"),
            (["A2"], ["B1"], "companion"),
            (["A1"], ["A2"], "companion"),
        ]
        for (wheelchair, companion, field) in broken {
            var layout = smallLayout
            layout.wheelchair = wheelchair
            layout.companion = companion
            #expect(layout.problem()?.field == field, "\(wheelchair) \(companion)")
        }
        var layout = smallLayout
        layout.wheelchair = ["A2", "B1"]
        layout.companion = ["A3"]
        #expect(layout.problem() == nil, "B1 is a wheelchair space without a companion seat")
    }

    @Test("the seating plan has the layout's seats in the same order, with rows, aisles, blocked places and kinds")
    func seatingPlan() {
        var layout = smallLayout
        layout.wheelchair = ["A2"]
        layout.companion = ["A3"]
        layout.singleSeatGaps = .refuse
        let plan = layout.seatingPlan()
        #expect(plan.seats == layout.seats().map(\.seatNumber))
        #expect(plan.rows.map(\.name) == ["A", "B"])
        #expect(plan.rows[0].places == [.seat("A1", .standard), .aisle, .seat("A2", .wheelchair), .seat("A3", .companion)])
        #expect(plan.rows[1].places == [.seat("B1", .standard), .aisle, .seat("B2", .standard), .blocked])
        #expect(plan.category(at: 3) == "Gold" && plan.wheelchair(ofCompanion: 2) == 1)
        #expect(plan.singleSeatGaps == .refuse)
        #expect(!plan.areNeighbours(0, 1), "the aisle after column 1")
    }
}
