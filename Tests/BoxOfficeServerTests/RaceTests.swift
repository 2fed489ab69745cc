import Foundation
import Testing

@Suite("Many users racing for the same seats over real HTTP")
struct RaceTests {
    @Test("40 users lock overlapping seats at once: every seat goes to exactly one booking, the map agrees")
    func overlappingLocks() async throws {
        try await TestServer.withSocket { api in
            let fixture = try await CatalogFixture.make(api)
            var users = [(token: String, id: String)]()
            for index in 0..<40 { users.append(try await api.registerUser(name: "Racer \(index)")) }
            let seats = ["A1", "A2", "A3", "A4", "B1", "B3", "B4", "C1", "C2", "C3", "C4"]
            // A fixed (seeded) choice of 2–3 neighbouring seats per user, so the race is replayable.
            let requests = users.enumerated().map { index, user in
                let start = (index * 7) % (seats.count - 2)
                return (user: user, seats: Array(seats[start..<(start + 2 + index % 2)]))
            }
            let replies = try await withThrowingTaskGroup(of: (String, [String], Int, String?).self) { group in
                for request in requests {
                    group.addTask {
                        let reply = try await api.lock(fixture.showId, request.seats, token: request.user.token)
                        return (request.user.id, request.seats, reply.status, reply.json["id"]?.string)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(replies.count == 40)
            #expect(replies.allSatisfy { $0.2 == 201 || $0.2 == 409 }, "every answer is a win or seat_unavailable")
            let winners = replies.filter { $0.2 == 201 }
            #expect(!winners.isEmpty)
            var owner = [String: String]()
            for winner in winners {
                for seat in winner.1 {
                    #expect(owner[seat] == nil, "seat \(seat) won twice")
                    owner[seat] = winner.3
                }
            }
            let statuses = try await api.seatStatuses(fixture.showId)
            let held = Set(statuses.filter { $0.value == "held" }.map(\.key))
            #expect(held == Set(owner.keys), "the map shows exactly the winners' seats as held")
            #expect(try await api.get("/api/shows/\(fixture.showId)").json["version"]?.int == winners.count)
            // Every winner's booking holds exactly the seats it asked for.
            for winner in winners {
                let token = try #require(users.first { $0.id == winner.0 }?.token)
                let booking = try await api.get("/api/bookings/\(winner.3 ?? "")", token: token)
                #expect(booking.json["seats"]?.array?.compactMap { $0["seatNumber"]?.string } == winner.1)
            }
        }
    }

    @Test("30 users want the same seat and then pay: exactly one gets it, and it is booked once")
    func oneSeat() async throws {
        try await TestServer.withSocket { api in
            let fixture = try await CatalogFixture.make(api)
            var users = [(token: String, id: String)]()
            for index in 0..<30 { users.append(try await api.registerUser(name: "Fan \(index)")) }
            let results = try await withThrowingTaskGroup(of: (String, Int, String?).self) { group in
                for user in users {
                    group.addTask {
                        let reply = try await api.lock(fixture.showId, ["C2"], token: user.token)
                        return (user.token, reply.status, reply.json["id"]?.string)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let winners = results.filter { $0.1 == 201 }
            #expect(winners.count == 1)
            #expect(results.filter { $0.1 == 409 }.count == 29)
            let winner = try #require(winners.first)
            #expect(try await api.pay(winner.2 ?? "", token: winner.0, method: "upi", card: nil).status == 200)
            #expect(try await api.seatStatuses(fixture.showId)["C2"] == "booked")
        }
    }
}
