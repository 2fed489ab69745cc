import BoxOfficeStore
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
}
