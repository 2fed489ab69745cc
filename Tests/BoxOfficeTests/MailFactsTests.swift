import BoxOffice
import BoxOfficeStore
import Foundation
import TestDatabases
import Testing

/// `BookingStore.mailFacts`: the one read behind a batch of emails, on both stores.
@Suite("A batch of emails' facts in one read")
struct MailFactsTests {
    @Test("each booking asked for, with its user's address and name, the film, theatre and screen; unknown ids left out", arguments: StoreKind.available)
    func facts(kind: StoreKind) async throws {
        try await withServices(on: kind) { fixture in
            let asha = try await fixture.user("Asha")
            let ravi = try await fixture.user("Ravi")
            let paid = try await fixture.lock(asha, ["A1", "A2"])
            _ = try await fixture.pay(asha, paid)
            let held = try await fixture.lock(ravi, ["B1"])
            let stores = fixture.stores
            let facts = try await stores.bookings.mailFacts(bookingIds: [paid.id, "bkg_none", held.id, paid.id])
            #expect(Set(facts.keys) == [paid.id, held.id])
            let movie = try #require(try await stores.catalog.movie(id: fixture.show.movieId))
            let theatre = try #require(try await stores.catalog.theatre(id: fixture.show.theatreId)).theatre
            for (bookingId, userId) in [(paid.id, asha), (held.id, ravi)] {
                let fact = try #require(facts[bookingId])
                let user = try #require(try await stores.accounts.user(id: userId))
                #expect(fact.booking == (try await stores.bookings.booking(id: bookingId)), "the booking as `booking(id:)` reads it")
                #expect(fact.email == user.email && fact.name == user.name)
                #expect(fact.movieTitle == movie.title && fact.theatreName == theatre.name && fact.theatreAddress == theatre.address)
                #expect(fact.screenNumber == fixture.show.screenNumber)
            }
            #expect(facts[paid.id]?.booking.ticketCode != nil && facts[paid.id]?.booking.seats.map(\.seatNumber) == ["A1", "A2"])
            #expect(try await stores.bookings.mailFacts(bookingIds: []).isEmpty)
        }
    }

    @Test("a batch as large as the outbox claims (and larger) is read whole", arguments: StoreKind.available)
    func largeBatch(kind: StoreKind) async throws {
        try await withServices(on: kind) { fixture in
            var ids: [String] = []
            for seat in ["A1", "A2", "A3", "A4", "B1", "B2", "B3"] {
                let user = try await fixture.user("Guest")
                ids.append(try await fixture.lock(user, [seat]).id)
            }
            let asked = ids + (0..<30).map { "bkg_missing_\($0)" }
            #expect(Set(try await fixture.stores.bookings.mailFacts(bookingIds: asked).keys) == Set(ids))
        }
    }
}
