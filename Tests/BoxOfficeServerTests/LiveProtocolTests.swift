import BoxOfficeServer
import Foundation
import NIOWebSocket
import Testing

/// The live protocol's edges over real WebSockets: errors keep the socket open, limits, close codes.
@Suite("Live protocol: errors, limits, close codes")
struct LiveProtocolTests {
    @Test("bad JSON, unknown ops, malformed fields, binary frames and unknown shows get an error message; the socket stays open")
    func errorsKeepTheSocketOpen() async throws {
        try await TestServer.withLiveServer { api, port in
            let fixture = try await CatalogFixture.make(api)
            try await withLiveClients(port: port) { clients in
                let client = clients[0]
                let cases: [(String, String)] = [
                    ("this is not json", "invalid_json"),
                    (#"{"op":"subscribe""#, "invalid_json"),
                    (#"[1,2]"#, "invalid_message"),
                    (#"{"show":"x"}"#, "invalid_message"),
                    (#"{"op":"dance"}"#, "unknown_op"),
                    (#"{"op":"subscribe"}"#, "invalid_message"),
                    (#"{"op":"subscribe","show":42}"#, "invalid_message"),
                    (#"{"op":"subscribe","show":"\#(fixture.showId)","since":-1}"#, "invalid_message"),
                    (#"{"op":"subscribe","show":"\#(fixture.showId)","since":"7"}"#, "invalid_message"),
                    (#"{"op":"subscribe","show":"shw_00000000000000000000000000"}"#, "unknown_show"),
                    (#"{"op":"subscribe","show":"../../etc/passwd"}"#, "unknown_show"),
                    (#"{"op":"watch"}"#, "invalid_message"),
                    (#"{"op":"watch","theatre":"\#(fixture.theatreId)","city":"\#(fixture.cityId)"}"#, "invalid_message"),
                    (#"{"op":"watch","city":"\#(fixture.cityId)","date":"27-11-2026"}"#, "invalid_message"),
                    (#"{"op":"watch","theatre":"thr_00000000000000000000000000"}"#, "unknown_theatre"),
                ]
                for (index, (message, code)) in cases.enumerated() {
                    try await client.send(message)
                    await client.wait("error \(code) for \(message)") { $0.errors.count == index + 1 }
                    #expect(await client.errors.last?.code == code, "\(message)")
                    #expect(await client.errors.last?.message?.isEmpty == false)
                }
                try await client.sendBinary([0x7B, 0x7D])
                await client.wait("error for a binary frame") { $0.errors.count == cases.count + 1 }
                #expect(await client.errors.last?.code == "invalid_message")
                #expect(await client.errors[9].show == "shw_00000000000000000000000000", "an unknown show's error names it")

                // Still open and serving.
                try await client.send(#"{"op":"ping"}"#)
                await client.wait("pong") { $0.pongs == 1 }
                try await client.subscribe(fixture.showId)
                await client.wait("a snapshot") { $0.version(of: fixture.showId) == 0 }
            }
        }
    }

    @Test("a message over 64 KiB closes the socket with 1009")
    func oversizedMessage() async throws {
        try await TestServer.withLiveServer { _, port in
            let client = LiveClient()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await client.run(port: port) }
                await client.wait("connection") { $0.isConnected }
                let padding = String(repeating: "x", count: 70_000)
                try await client.send(#"{"op":"ping","pad":"\#(padding)"}"#)
                await client.wait("the close", timeout: .seconds(10)) { $0.ended }
                #expect(await client.closeCode == .messageTooLarge)
                #expect(await client.pongs == 0)
                try await group.waitForAll()
            }
        }
    }

    @Test("subscriptions per socket are capped: one more is refused with too_many_subscriptions; re-subscribing is not one more")
    func subscriptionCap() async throws {
        #expect(LiveOptions().maxSubscriptions == 500, "the documented default")
        var options = TestServer.liveOptions()
        options.live.maxSubscriptions = 2
        try await TestServer.withLiveServer(options) { api, port in
            let fixture = try await CatalogFixture.make(api)
            let (_, other) = try await LiveREST.bigShow(api, fixture: fixture, rows: 1, columns: 2)
            let (_, third) = try await LiveREST.bigShow(api, fixture: fixture, rows: 1, columns: 3)
            try await withLiveClients(port: port) { clients in
                let client = clients[0]
                try await client.subscribe(fixture.showId)
                try await client.subscribe(other)
                try await client.subscribe(third)
                await client.wait("the refusal") { $0.errors.count == 1 }
                #expect(await client.errors.first?.code == "too_many_subscriptions")
                #expect(await client.errors.first?.show == third)
                try await client.subscribe(fixture.showId)
                try await client.send(#"{"op":"unsubscribe","show":"\#(other)"}"#)
                try await client.subscribe(third)
                try await client.send(#"{"op":"ping"}"#)
                await client.wait("pong") { $0.pongs == 1 }
                #expect(await client.errors.count == 1, "re-subscribing, and subscribing after an unsubscribe, stay within the cap")
                await client.wait("snapshots") { $0.maps[third] != nil && $0.maps[fixture.showId] != nil }
            }
        }
    }
}
