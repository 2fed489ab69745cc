import BoxOfficeServer
import Foundation
import NIOWebSocket
import Prometheus
import Testing

/// The server's keepalive pings over real WebSockets: a peer that stops answering is closed, one that answers is not.
@Suite("Live keepalive: server pings")
struct LiveKeepaliveTests {
    @Test("a socket that stops answering pings is closed with 1001 about two ping periods later; a socket that answers stays open")
    func silentPeerIsClosed() async throws {
        var options = TestServer.liveOptions()
        // Short enough for a quick test, long enough that a reading client on a loaded machine answers in time.
        options.live.pingInterval = .seconds(1)
        let registry = PrometheusCollectorRegistry()
        try await TestServer.withLiveServer(options, registry: registry) { _, port in
            try await withLiveClients(port: port, count: 2) { clients in
                let (silent, answering) = (clients[0], clients[1])
                // The client answers pings only while it reads: let it read one pong, then stop reading.
                await silent.pause()
                try await silent.send(#"{"op":"ping"}"#)
                await silent.wait("the pong read before pausing") { $0.pongs == 1 }
                let paused = ContinuousClock.now

                await answering.wait("the silent socket to be dropped", timeout: .seconds(10)) { _ in
                    registry.value(of: "boxoffice_ws_connections") == 1
                }
                let closedAfter = ContinuousClock.now - paused
                #expect(closedAfter < .seconds(4), "at most two ping periods, with slack for a loaded machine (\(closedAfter))")

                // More periods later, the socket that answers its pings is still served.
                try await Task.sleep(for: .seconds(2.5))
                #expect(registry.value(of: "boxoffice_ws_connections") == 1)
                try await answering.send(#"{"op":"ping"}"#)
                await answering.wait("a pong on the answering socket") { $0.pongs == 1 }
                #expect(await answering.ended == false)

                await silent.resume()
                await silent.wait("the silent client to read the close", timeout: .seconds(5)) { $0.ended }
                #expect(await silent.closeCode == .goingAway)
            }
        }
    }
}
