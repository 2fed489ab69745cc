@testable import BoxOffice
import Testing

@Suite("Charges under way on a node")
struct ChargesUnderwayTests {
    @Test("a charge's entry is its own: a second payment of the booking neither replaces it nor removes it")
    func entriesAreTheirPayments() async {
        let charges = ChargesUnderway()
        await charges.begin(show: "s1", booking: "b1", payment: "p1")
        await charges.begin(show: "s1", booking: "b1", payment: "p2")  // refused by the database; must not replace p1
        await charges.begin(show: "s1", booking: "b2", payment: "p3")
        await charges.begin(show: "s2", booking: "b4", payment: "p4")
        #expect(await charges.pinned(on: "s1") == ["b1": "p1", "b2": "p3"])
        await charges.end(show: "s1", booking: "b1", payment: "p2")  // the refused one ends: p1's entry stays
        #expect(await charges.pinned(on: "s1") == ["b1": "p1", "b2": "p3"])
        await charges.end(show: "s1", booking: "b1", payment: "p1")
        await charges.end(show: "s1", booking: "b2", payment: "p3")
        #expect(await charges.pinned(on: "s1").isEmpty)
        #expect(await charges.pinned(on: "s2") == ["b4": "p4"])
    }
}
