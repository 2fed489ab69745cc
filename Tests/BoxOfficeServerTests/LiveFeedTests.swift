import BoxOfficeServer
import Foundation
import Testing

/// The live seat feed over real WebSockets on a live server: order, completeness, every cause, resume.
@Suite("Live feed: snapshot, deltas, resume")
struct LiveFeedTests {
    @Test("subscribe sends a snapshot; then lock, replacing lock, release, book and cancel arrive as deltas v1…v6, each within a second of its REST answer")
    func snapshotThenEveryCause() async throws {
        try await TestServer.withLiveServer { api, port in
            let fixture = try await CatalogFixture.make(api)
            let show = fixture.showId
            let (token, _) = try await api.registerUser()
            try await withLiveClients(port: port, deflate: true) { clients in
                let client = clients[0]
                try await client.subscribe(show)
                await client.wait("the snapshot") { $0.version(of: show) == 0 }
                #expect(await client.maps[show]?.seats.count == 11)

                // Each REST call returns only after its delta was handed to the hub; the socket gets it moments later.
                let first = try await LiveREST.lock(api, token: token, show: show, seats: ["A1", "A2"])
                await client.wait("lock v1", timeout: .seconds(1)) { $0.version(of: show) == 1 }
                let second = try #require(try await LiveREST.lock(api, token: token, show: show, seats: ["A3"]))
                await client.wait("replacing lock v2", timeout: .seconds(1)) { $0.version(of: show) == 2 }
                try await LiveREST.cancel(api, token: token, booking: second)
                await client.wait("release v3", timeout: .seconds(1)) { $0.version(of: show) == 3 }
                let paid = try #require(try await LiveREST.lock(api, token: token, show: show, seats: ["C4"]))
                try await LiveREST.pay(api, token: token, booking: paid)
                await client.wait("book v5", timeout: .seconds(1)) { $0.version(of: show) == 5 }
                try await LiveREST.cancel(api, token: token, booking: paid)
                await client.wait("cancel v6", timeout: .seconds(1)) { $0.version(of: show) == 6 }
                _ = first

                let deltas = await client.deltas[show] ?? []
                #expect(deltas.map(\.version) == [1, 2, 3, 4, 5, 6])
                #expect(deltas.map(\.cause) == ["lock", "lock", "release", "lock", "book", "cancel"])
                #expect(deltas[0].changes == ["A1": "held", "A2": "held"])
                #expect(deltas[1].changes == ["A1": "available", "A2": "available", "A3": "held"], "one delta releases the replaced hold and holds the new seat")
                #expect(deltas[2].changes == ["A3": "available"])
                #expect(deltas[4].changes == ["C4": "booked"])
                #expect(deltas[5].changes == ["C4": "available"])
                #expect(await client.snapshots[show] == [0], "exactly one snapshot")
                await client.expectIntactChain()
                let server = try await LiveREST.seatMap(api, show: show)
                #expect(await client.maps[show] == server)
            }
        }
    }

    @Test("a hold that expires is released to subscribers as an expire delta")
    func expiry() async throws {
        try await TestServer.withLiveServer(TestServer.liveOptions(holdSeconds: 2)) { api, port in
            let fixture = try await CatalogFixture.make(api)
            let show = fixture.showId
            let (token, _) = try await api.registerUser()
            try await withLiveClients(port: port) { clients in
                let client = clients[0]
                try await client.subscribe(show)
                await client.wait("the snapshot") { $0.version(of: show) == 0 }
                try await LiveREST.lock(api, token: token, show: show, seats: ["B1", "B3"])
                await client.wait("lock v1") { $0.version(of: show) == 1 }
                await client.wait("expiry v2", timeout: .seconds(6)) { $0.version(of: show) == 2 }
                let deltas = await client.deltas[show] ?? []
                #expect(deltas.last?.cause == "expire")
                #expect(deltas.last?.changes == ["B1": "available", "B3": "available"])
                await client.expectIntactChain()
                #expect(await client.maps[show] == (try await LiveREST.seatMap(api, show: show)))
            }
        }
    }

    @Test("resume with since: the missed deltas in order; since = current sends nothing; since ahead or too old sends a snapshot")
    func resume() async throws {
        var options = TestServer.liveOptions()
        options.live.ringSize = 4
        try await TestServer.withLiveServer(options) { api, port in
            let fixture = try await CatalogFixture.make(api)
            let show = fixture.showId
            let (token, _) = try await api.registerUser()
            let seats = ["A1", "A2", "A3", "A4", "B1", "B3", "B4", "C1"]
            // v1…v3 while a first client watches; it leaves with its map at v3.
            let held = try await withLiveClients(port: port) { clients in
                let client = clients[0]
                try await client.subscribe(show)
                await client.wait("the snapshot") { $0.version(of: show) == 0 }
                for seat in seats.prefix(3) { try await LiveREST.lock(api, token: token, show: show, seats: [seat]) }
                await client.wait("v3") { $0.version(of: show) == 3 }
                return try #require(await client.maps[show])
            }
            // v4, v5 while nobody listens.
            for seat in seats[3..<5] { try await LiveREST.lock(api, token: token, show: show, seats: [seat]) }

            // since 3: exactly v4 and v5, no snapshot.
            try await withLiveClients(port: port, maps: [show: held]) { clients in
                let client = clients[0]
                try await client.subscribe(show, since: 3)
                await client.wait("v5") { $0.version(of: show) == 5 }
                #expect(await client.snapshots[show] == nil, "a resume the ring covers sends no snapshot")
                #expect(await client.deltas[show]?.map(\.version) == [4, 5])
                await client.expectIntactChain()
                #expect(await client.maps[show] == (try await LiveREST.seatMap(api, show: show)))
            }

            // since = current: nothing, then live deltas continue from there.
            let current = try await LiveREST.seatMap(api, show: show)
            try await withLiveClients(port: port, maps: [show: current]) { clients in
                let client = clients[0]
                try await client.subscribe(show, since: 5)
                try await client.send(#"{"op":"ping"}"#)
                await client.wait("pong") { $0.pongs == 1 }
                #expect(await client.types == ["pong"], "nothing before the pong: the client was current")
                try await LiveREST.lock(api, token: token, show: show, seats: [seats[5]])
                await client.wait("v6") { $0.version(of: show) == 6 }
                #expect(await client.types == ["pong", "delta"])
            }

            // since ahead of the show, and since older than the ring (4 deltas: v3…v6), both get a snapshot.
            for since in [Int64(99), 1] {
                try await withLiveClients(port: port) { clients in
                    let client = clients[0]
                    try await client.subscribe(show, since: since)
                    await client.wait("a snapshot for since \(since)") { $0.snapshots[show] == [6] }
                    #expect(await client.deltas[show] == nil)
                    #expect(await client.maps[show] == (try await LiveREST.seatMap(api, show: show)))
                }
            }
        }
    }

    @Test("after a restart the ring is refilled from the journal: since resumes with deltas")
    func resumeAfterRestart() async throws {
        let options = TestServer.liveOptions()
        let (show, token) = try await TestServer.withLiveServer(options) { api, _ in
            let fixture = try await CatalogFixture.make(api)
            let (token, _) = try await api.registerUser()
            for seat in ["A1", "A2", "A3", "A4"] { try await LiveREST.lock(api, token: token, show: fixture.showId, seats: [seat]) }
            return (fixture.showId, token)
        }
        // A new process on the same database: its hub has seen nothing.
        try await TestServer.withLiveServer(options) { api, port in
            try await withLiveClients(port: port, maps: [show: RebuiltSeatMap(version: 2, seats: [:])]) { clients in
                let client = clients[0]
                try await client.subscribe(show, since: 2)
                await client.wait("v4") { $0.version(of: show) == 4 }
                #expect(await client.snapshots[show] == nil)
                let deltas = await client.deltas[show] ?? []
                #expect(deltas.map(\.version) == [3, 4])
                #expect(deltas.map(\.cause) == ["lock", "lock"])
                #expect(deltas.last?.changes == ["A3": "available", "A4": "held"])
                // And it stays live on the new server.
                try await LiveREST.lock(api, token: token, show: show, seats: ["C1"])
                await client.wait("v5") { $0.version(of: show) == 5 }
                await client.expectIntactChain()
            }
        }
    }
}
