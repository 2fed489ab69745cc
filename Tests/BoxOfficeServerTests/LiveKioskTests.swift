import BoxOfficeServer
import Foundation
import Testing

/// Kiosk boards over real WebSockets: `watch` by theatre, theatre and date, city and date; coalesced updates.
@Suite("Live feed: kiosk availability")
struct LiveKioskTests {
    @Test("watch sends one availability per matching show at once, then coalesced updates (≤ 4/s per show); unwatch stops them")
    func watchAvailability() async throws {
        try await TestServer.withLiveServer { api, port in
            let fixture = try await CatalogFixture.make(api)
            let today = fixture.showId
            // The same screen, 30 hours on: always another local date.
            let later = try await api.post(
                "/api/admin/shows",
                #"{"movieId":"\#(fixture.movieId)","theatreId":"\#(fixture.theatreId)","screenNumber":1,"startsAt":"\#(CatalogFixture.startsAt(hoursFromNow: 30))","language":"Hindi","format":"2D"}"#,
                token: fixture.adminToken)
            #expect(later.status == 201, "\(later.text)")
            let tomorrow = try #require(later.json["id"]?.string)
            let todayDate = try #require(try await api.get("/api/shows/\(today)").json["showDate"]?.string)
            let tomorrowDate = try #require(later.json["showDate"]?.string)
            #expect(todayDate != tomorrowDate)
            var tokens: [String] = []
            for index in 0..<4 { tokens.append(try await api.registerUser(name: "Kiosk \(index)").token) }
            let users = tokens

            try await withLiveClients(port: port, count: 3) { clients in
                let (theatre, theatreToday, cityTomorrow) = (clients[0], clients[1], clients[2])
                try await theatre.send(#"{"op":"watch","theatre":"\#(fixture.theatreId)"}"#)
                try await theatreToday.send(#"{"op":"watch","theatre":"\#(fixture.theatreId)","date":"\#(todayDate)"}"#)
                try await cityTomorrow.send(#"{"op":"watch","city":"\#(fixture.cityId)","date":"\#(tomorrowDate)"}"#)
                await theatre.wait("both shows") { $0.availability.count == 2 }
                await theatreToday.wait("today's show") { $0.availability[today] != nil }
                await cityTomorrow.wait("tomorrow's show") { $0.availability[tomorrow] != nil }
                let first = try #require(await theatre.availability[today]?.first)
                #expect(first.version == 0 && first.available == 11 && first.held == 0 && first.booked == 0 && first.total == 11)
                #expect(await theatre.availability[tomorrow]?.count == 1)
                #expect(await theatreToday.availability.keys.sorted() == [today], "the date narrows the theatre's shows")
                #expect(await cityTomorrow.availability.keys.sorted() == [tomorrow], "the city's shows on that date")

                // One change: counts follow within a round.
                try await LiveREST.lock(api, token: users[0], show: today, seats: ["A1", "A2"])
                await theatre.wait("held 2", timeout: .seconds(2)) { $0.availability[today]?.last?.held == 2 }
                await theatreToday.wait("held 2", timeout: .seconds(2)) { $0.availability[today]?.last?.held == 2 }
                #expect(await theatre.availability[today]?.last?.version == 1)

                // 60 changes spread over about 1.5 s: coalesced, never more than one update per 250 ms round (plus one
                // for the round in flight when they start), yet updates keep flowing while they happen.
                let before = await theatre.availability[today]?.count ?? 0
                let started = ContinuousClock.now
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for (index, token) in users.enumerated() {
                        group.addTask {
                            let rest = RESTConnection(port: port)
                            let mine = [["B1", "B3"], ["B4", "C1"], ["C2", "C3"], ["C4", "A3"]][index]
                            for step in 0..<15 {
                                let reply = try await rest.post(
                                    "/api/bookings/lock-seats", #"{"showId":"\#(today)","seats":["\#(mine[step % 2])"]}"#, token: token)
                                #expect(reply.status == 201, "\(reply.text)")
                                try await Task.sleep(for: .milliseconds(100))
                            }
                            await rest.shutdown()
                        }
                    }
                    try await group.waitForAll()
                }
                let server = try await api.get("/api/shows/\(today)/availability").json
                let finalVersion = Int64(try #require(server["version"]?.int))
                #expect(finalVersion == 61)
                await theatre.wait("the burst's last counts", timeout: .seconds(3)) { $0.availability[today]?.last?.version == finalVersion }
                let elapsed = ContinuousClock.now - started
                let updates = (await theatre.availability[today]?.count ?? 0) - before
                let allowed = Int((elapsed / .milliseconds(250)).rounded(.up)) + 1
                #expect(updates >= 3 && updates <= allowed, "\(updates) updates in \(elapsed); at most \(allowed) allowed")
                #expect(updates < 30, "changes were coalesced")
                let last = try #require(await theatre.availability[today]?.last)
                #expect(last.available == server["available"]?.int && last.held == server["held"]?.int)
                #expect(last.booked == server["booked"]?.int && last.total == server["total"]?.int)
                let versions = await theatre.availability[today]?.compactMap(\.version) ?? []
                #expect(versions == versions.sorted(), "availability never goes back in version")
                #expect(await cityTomorrow.availability[today] == nil, "another date's board heard nothing")
                print("live kiosk: 60 changes in \(elapsed) → \(updates) availability updates")

                // Unwatch: no more updates for that board; the other board still gets them.
                try await theatre.send(#"{"op":"unwatch","theatre":"\#(fixture.theatreId)"}"#)
                try await theatre.send(#"{"op":"ping"}"#)
                await theatre.wait("pong") { $0.pongs == 1 }
                let seen = await theatre.availability[today]?.count ?? 0
                try await LiveREST.lock(api, token: users[0], show: today, seats: ["A4"])
                await theatreToday.wait("the next counts", timeout: .seconds(2)) { $0.availability[today]?.last?.version == finalVersion + 1 }
                try await Task.sleep(for: .milliseconds(400))
                #expect(await theatre.availability[today]?.count == seen, "an unwatched board gets nothing more")
            }
        }
    }

    @Test("watching a city or a theatre that does not exist is answered with unknown_city or unknown_theatre")
    func unknownPlace() async throws {
        try await TestServer.withLiveServer { _, port in
            try await withLiveClients(port: port) { clients in
                try await clients[0].send(#"{"op":"watch","city":"cty_00000000000000000000000000","date":"2026-11-27"}"#)
                await clients[0].wait("the error") { $0.errors.count == 1 }
                #expect(await clients[0].errors.first?.code == "unknown_city")
                try await clients[0].send(#"{"op":"watch","theatre":"thr_00000000000000000000000000"}"#)
                await clients[0].wait("the second error") { $0.errors.count == 2 }
                #expect(await clients[0].errors.last?.code == "unknown_theatre")
            }
        }
    }
}
