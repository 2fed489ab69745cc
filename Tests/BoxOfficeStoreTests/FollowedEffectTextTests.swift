@testable import BoxOfficeStore
import Foundation
import SeatEngine
import Testing

/// A seat change's effect as its row and notice keep it: what another node's copy reads back is what was written.
struct FollowedEffectTextTests {
    static let at = Date(timeIntervalSince1970: 1_900_000_000.123)

    static func booking(_ id: String, seats: [String], startedAt: Date? = nil) -> Booking {
        let show = makeShow(city: "cty_1", movie: "mov_1", theatre: "thr_1", startsAt: at.addingTimeInterval(86_400), date: "2030-03-17")
        let seats = seats.enumerated().map { Seat(seatNumber: $1, row: "A", column: $0 + 1, category: "standard", price: 900) }
        var booking = Booking(id: id, userId: "usr;1 %x", show: show, seats: seats, expiresAt: at.addingTimeInterval(300), createdAt: at)
        booking.holdStartedAt = startedAt
        return booking
    }

    @Test("every kind of effect reads back as written, seat names and ids with spaces, ; | and % included; no space in the text")
    func roundTrip() throws {
        let started = Self.at.addingTimeInterval(-42.5)
        let lock = Self.booking("bkg_2", seats: ["A1", "Box 7", "R|9", "50%;x"], startedAt: started)
        let cases: [(BookingChange, FollowedEffect)] = [
            (.locked(lock, replacing: "bkg 1"), .locked(
                Hold(booking: "bkg_2", user: "usr;1 %x", seats: ["A1", "Box 7", "R|9", "50%;x"], expiresAt: Self.at.addingTimeInterval(300), startedAt: started),
                replacing: "bkg 1")),
            (.locked(Self.booking("bkg_3", seats: ["C4"]), replacing: nil), .locked(
                Hold(booking: "bkg_3", user: "usr;1 %x", seats: ["C4"], expiresAt: Self.at.addingTimeInterval(300), startedAt: Self.at), replacing: nil)),
            (.released(["bkg_4", "bkg|5"], as: .expired), .ended(["bkg_4", "bkg|5"])),
            (.released(["bkg_6"], as: .cancelled), .ended(["bkg_6"])),
            (.booked("bkg_7", Charge(payment: "pay_1", transaction: "txn_1"), ticketCode: "ABCD-EFGH"), .booked("bkg_7")),
            (.cancelled("bkg_8"), .cancelled("bkg_8")),
        ]
        for (change, expected) in cases {
            let text = try #require(FollowedEffectText.text(change))
            #expect(!text.contains(" "), "the notice splits on spaces: \(text)")
            let read = try #require(FollowedEffectText.effect(text[...]), "\(text)")
            if case .locked(let hold, let replacing) = read, case .locked(let want, let wantReplacing) = expected {
                #expect(hold.booking == want.booking && hold.user == want.user && hold.seats == want.seats && replacing == wantReplacing)
                #expect(abs(hold.expiresAt.timeIntervalSince(want.expiresAt)) < 0.000_002)
                #expect(abs((hold.startedAt ?? .distantPast).timeIntervalSince(want.startedAt ?? .distantFuture)) < 0.000_002)
            } else {
                #expect(read == expected)
            }
        }
        #expect(FollowedEffectText.text(nil) == nil)
    }

    @Test("text that is not an effect reads as none: the copy is loaded again instead")
    func nonsense() {
        for text in ["", "L", "L;a;b;1;2;", "L;a;b;x;2;;A1", "L;;b;1;2;;A1", "E;", "E", "B;", "Q;a", "C;a;b", "L;a;b;1;2;;A1|%zz", "E;a|%zz"] {
            #expect(FollowedEffectText.effect(text[...]) == nil, "\(text)")
        }
    }
}
