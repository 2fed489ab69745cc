import BoxOfficeServer
import Foundation
import Prometheus
import Testing

/// Fan-out at scale over real WebSockets: many subscribers, and a subscriber that stops reading.
@Suite("Live feed: fan-out and slow readers")
struct LiveFanOutTests {
    @Test("200 subscribers each see every change, in version order, and end with the server's map")
    func twoHundredSubscribers() async throws {
        try await TestServer.withLiveServer { api, port in
            let fixture = try await CatalogFixture.make(api)
            let show = fixture.showId
            var tokens: [String] = []
            for index in 0..<5 { tokens.append(try await api.registerUser(name: "Fan \(index)").token) }
            let users = tokens
            let seats = ["A1", "A2", "A3", "A4", "B1", "B3", "B4", "C1", "C2", "C3"]
            let changes = 50
            try await withLiveClients(port: port, count: 200) { clients in
                for client in clients { try await client.subscribe(show) }
                for client in clients { await client.wait("a snapshot") { $0.version(of: show) == 0 } }

                let started = ContinuousClock.now
                // 5 users in parallel, each alternating between its own two seats: every lock replaces the last.
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for (index, token) in users.enumerated() {
                        group.addTask {
                            let rest = RESTConnection(port: port)
                            for step in 0..<(changes / users.count) {
                                let seat = seats[index * 2 + step % 2]
                                let reply = try await rest.post(
                                    "/api/bookings/lock-seats", #"{"showId":"\#(show)","seats":["\#(seat)"]}"#, token: token)
                                #expect(reply.status == 201, "\(reply.text)")
                            }
                            await rest.shutdown()
                        }
                    }
                    try await group.waitForAll()
                }
                for client in clients { await client.wait("every change", timeout: .seconds(20)) { $0.version(of: show) == Int64(changes) } }
                let elapsed = ContinuousClock.now - started

                let server = try await LiveREST.seatMap(api, show: show)
                #expect(server.version == Int64(changes))
                for client in clients {
                    await client.expectIntactChain()
                    #expect(await client.deltas[show]?.map(\.version) == Array(1...Int64(changes)))
                    #expect(await client.snapshots[show] == [0])
                    #expect(await client.maps[show] == server)
                }
                print("live fan-out: 200 subscribers × \(changes) changes delivered in \(elapsed)")
            }
        }
    }

    @Test("deflate and plain clients that ping while 40 deltas stream get every pong and every delta, in order")
    func pingsInterleaveWithDeltas() async throws {
        // Deltas are written as shared, uncompressed frames straight into each channel; pongs are replies the hub
        // queues per socket, and the deflate clients compress their pings. Both must reach every client, whole and in order.
        try await TestServer.withLiveServer { api, port in
            let fixture = try await CatalogFixture.make(api)
            let show = fixture.showId
            let (token, _) = try await api.registerUser()
            let changes = 40
            try await withLiveClients(port: port, count: 2, deflate: true) { deflated in
                try await withLiveClients(port: port, count: 2) { plain in
                    let clients = deflated + plain
                    for client in clients { try await client.subscribe(show) }
                    for client in clients { await client.wait("a snapshot") { $0.version(of: show) == 0 } }
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            // One user alternating between two seats: every lock replaces the last, one delta each.
                            for step in 0..<changes { try await LiveREST.lock(api, token: token, show: show, seats: [step % 2 == 0 ? "A1" : "A2"]) }
                        }
                        group.addTask {
                            for _ in 0..<changes {
                                for client in clients { try await client.send(#"{"op":"ping"}"#) }
                                try await Task.sleep(for: .milliseconds(3))
                            }
                        }
                        try await group.waitForAll()
                    }
                    for client in clients {
                        await client.wait("every delta and pong", timeout: .seconds(10)) {
                            $0.version(of: show) == Int64(changes) && $0.pongs == changes
                        }
                        await client.expectIntactChain()
                        #expect(await client.deltas[show]?.map(\.version) == Array(1...Int64(changes)))
                        #expect(await client.pongs == changes)
                        #expect(await client.snapshots[show] == [0])
                    }
                }
            }
        }
    }

    @Test("a subscriber that stops reading while 1,000 changes happen does not delay the others, and converges once it reads again")
    func slowReader() async throws {
        var options = TestServer.liveOptions()
        // Small queues so the stopped reader's backlog overflows well within 1,000 changes of ~0.8 KB each.
        options.live.queueBytes = 64 * 1024
        options.live.queueFrames = 256
        options.live.sendBufferBytes = 16 * 1024
        let registry = PrometheusCollectorRegistry()
        try await TestServer.withLiveServer(options, registry: registry) { api, port in
            let fixture = try await CatalogFixture.make(api)
            let (_, show) = try await LiveREST.bigShow(api, fixture: fixture, rows: 10, columns: 20)
            var tokens: [String] = []
            for index in 0..<10 { tokens.append(try await api.registerUser(name: "Busy \(index)").token) }
            let users = tokens
            let changes = 1000
            try await withLiveClients(port: port, count: 3) { clients in
                let (slow, fast) = (clients[0], Array(clients[1...]))
                for client in clients { try await client.subscribe(show) }
                for client in clients { await client.wait("a snapshot") { $0.version(of: show) == 0 } }
                await slow.pause()

                // 10 users in parallel; each alternates between two blocks of 10 seats of its own row, so every lock
                // releases 10 seats and holds 10: one delta of 20 seat changes.
                let started = ContinuousClock.now
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for (index, token) in users.enumerated() {
                        group.addTask {
                            let rest = RESTConnection(port: port)
                            let row = String(UnicodeScalar(UInt8(65 + index)))
                            for step in 0..<(changes / users.count) {
                                let first = step % 2 == 0 ? 1 : 11
                                let seats = (first..<(first + 10)).map { "\"\(row)\($0)\"" }.joined(separator: ",")
                                let reply = try await rest.post("/api/bookings/lock-seats", #"{"showId":"\#(show)","seats":[\#(seats)]}"#, token: token)
                                #expect(reply.status == 201, "\(reply.text)")
                            }
                            await rest.shutdown()
                        }
                    }
                    try await group.waitForAll()
                }
                let restDone = ContinuousClock.now
                for client in fast { await client.wait("every change on a reading client", timeout: .seconds(5)) { $0.version(of: show) == Int64(changes) } }
                let lag = ContinuousClock.now - restDone
                #expect(lag < .seconds(2), "reading clients trail the REST answers by \(lag)")
                for client in fast {
                    await client.expectIntactChain()
                    #expect(await client.deltaCount(of: show) == changes, "a reading client gets every delta, not a fold")
                    #expect(await client.snapshots[show]?.count == 1)
                }
                #expect(registry.value(of: "boxoffice_ws_slow_resnapshots_total") >= 1, "the stopped reader's backlog was folded")
                #expect(await slow.deltaCount(of: show) < changes, "the stopped reader did not get its whole backlog")

                await slow.resume()
                await slow.wait("the stopped reader to converge", timeout: .seconds(10)) { $0.version(of: show) == Int64(changes) }
                await slow.expectIntactChain()
                #expect((await slow.snapshots[show]?.count ?? 0) >= 2, "a fresh snapshot replaced the backlog")
                let server = try await LiveREST.seatMap(api, show: show)
                #expect(server.version == Int64(changes))
                for client in clients { #expect(await client.maps[show] == server) }
                print(
                    "live slow reader: \(changes) changes in \(restDone - started); readers trailed by \(lag); "
                        + "stopped reader got \(await slow.deltaCount(of: show)) deltas and \(await slow.snapshots[show]?.count ?? 0) snapshots; "
                        + "folds \(registry.value(of: "boxoffice_ws_slow_resnapshots_total"))")
            }
        }
    }

    @Test("a reader that stops for longer than the stall timeout is closed (1013, then dropped); a reading client is unaffected")
    func stalledReaderIsClosed() async throws {
        var options = TestServer.liveOptions()
        options.live.sendBufferBytes = 16 * 1024
        options.live.stallTimeout = .seconds(1)
        options.live.closeGrace = .milliseconds(500)
        let registry = PrometheusCollectorRegistry()
        try await TestServer.withLiveServer(options, registry: registry) { api, port in
            let fixture = try await CatalogFixture.make(api)
            // 26 rows × 40: each snapshot is about 8 KB, so re-subscribing fills a stopped reader's buffers fast.
            let (_, show) = try await LiveREST.bigShow(api, fixture: fixture, rows: 26, columns: 40)
            let (token, _) = try await api.registerUser()
            try await withLiveClients(port: port, count: 2) { clients in
                let (stalled, reader) = (clients[0], clients[1])
                for client in clients { try await client.subscribe(show) }
                for client in clients { await client.wait("a snapshot") { $0.version(of: show) == 0 } }
                await stalled.pause()
                // Each re-subscribe is answered with a fresh snapshot when the writer gets to it (a newer one replaces
                // one still queued). Paced, and kept up until the socket's buffers are full, the writer is stuck for
                // the stall timeout and the server gives up on the socket; bounded in time.
                let deadline = ContinuousClock.now + .seconds(20)
                while registry.value(of: "boxoffice_ws_slow_closed_total") == 0, ContinuousClock.now < deadline {
                    try await stalled.subscribe(show)
                    try await Task.sleep(for: .milliseconds(5))
                }

                #expect(registry.value(of: "boxoffice_ws_slow_closed_total") == 1, "the stalled socket was closed")
                try await LiveREST.lock(api, token: token, show: show, seats: ["A1", "A2"])
                await reader.wait("the reading client's delta", timeout: .seconds(2)) { $0.version(of: show) == 1 }
                await reader.expectIntactChain()

                await stalled.resume()
                await stalled.wait("the stalled client to see its connection end", timeout: .seconds(10)) { $0.ended }
                #expect(await stalled.deltaCount(of: show) == 0, "it got nothing after it stopped")
                await reader.wait("one socket left", timeout: .seconds(2)) { _ in registry.value(of: "boxoffice_ws_connections") == 1 }
            }
        }
    }
}
