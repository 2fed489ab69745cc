import BoxOfficeServer
import Foundation
import HTTPTypes
import Testing

/// Behind nginx every request's peer is nginx: the per-IP limits must count the client that nginx names in
/// `X-Forwarded-For`, and believe that header only from a trusted proxy.
@Suite("Trusted proxies and the client's address")
struct TrustedProxiesTests {
    @Test("the client is the rightmost address that is not a trusted proxy, and only when the peer is one")
    func whoIsTheClient() throws {
        let loopback = TrustedProxies.loopback
        #expect(loopback.client(peer: "127.0.0.1", forwardedFor: ["203.0.113.7"]) == "203.0.113.7")
        #expect(loopback.client(peer: "::1", forwardedFor: ["2001:db8::5"]) == "2001:db8::5")
        #expect(loopback.client(peer: "::ffff:127.0.0.1", forwardedFor: ["203.0.113.7"]) == "203.0.113.7")
        // Not from a trusted peer: the header is anyone's to write, and ignored.
        #expect(loopback.client(peer: "198.51.100.1", forwardedFor: ["203.0.113.7"]) == "198.51.100.1")
        #expect(TrustedProxies.none.client(peer: "127.0.0.1", forwardedFor: ["203.0.113.7"]) == "127.0.0.1")
        // No header: the proxy itself.
        #expect(loopback.client(peer: "127.0.0.1", forwardedFor: []) == "127.0.0.1")
        // A client that sends its own header before a proxy that appends: the proxy's entry (the rightmost) counts.
        #expect(loopback.client(peer: "127.0.0.1", forwardedFor: ["1.1.1.1, 203.0.113.7"]) == "203.0.113.7")
        let chain = try TrustedProxies(parsing: "127.0.0.1, 10.0.0.0/8")
        #expect(chain.client(peer: "127.0.0.1", forwardedFor: ["1.1.1.1, 203.0.113.7", "10.1.2.3"]) == "203.0.113.7")
        #expect(chain.client(peer: "127.0.0.1", forwardedFor: ["10.9.9.9, 10.1.2.3"]) == "10.9.9.9", "all proxies: the farthest")
        // An entry that is not an address: nothing left of it is believed; the hop that added it is the client.
        #expect(chain.client(peer: "127.0.0.1", forwardedFor: ["203.0.113.7, not-an-ip, 10.1.2.3"]) == "10.1.2.3")
        #expect(loopback.client(peer: "127.0.0.1", forwardedFor: ["'; DROP TABLE users; --"]) == "127.0.0.1")
        #expect(loopback.client(peer: "127.0.0.1", forwardedFor: [String(repeating: "9", count: 10_000)]) == "127.0.0.1")
    }

    @Test("BOXOFFICE_TRUSTED_PROXIES: none, addresses and CIDR ranges; anything else is refused with the entry named")
    func parsing() throws {
        let ranges = try TrustedProxies(parsing: " 192.168.0.0/16 ,fd00::/8, 10.0.0.7 ")
        #expect(ranges.contains("192.168.44.1"))
        #expect(!ranges.contains("192.169.0.1"))
        #expect(ranges.contains("fd12:3456::1"))
        #expect(ranges.contains("10.0.0.7") && !ranges.contains("10.0.0.8"))
        #expect(!ranges.contains("127.0.0.1"))
        #expect(try TrustedProxies(parsing: "NONE") == .none)
        #expect(try TrustedProxies(parsing: " ") == .none, "set but empty: nobody")
        for bad in ["localhost", "10.0.0.0/33", "::1/129", "10.0.0.1,", "1.2.3.4/x"] {
            #expect(throws: OptionsError.self, "\(bad)") { try TrustedProxies(parsing: bad) }
        }
        var options = ServerOptions()
        try options.apply(environment: ["BOXOFFICE_TRUSTED_PROXIES": "10.0.0.0/8"])
        #expect(options.trustedProxies.contains("10.20.30.40") && !options.trustedProxies.contains("127.0.0.1"))
    }

    @Test("behind a proxy on the loopback, 30 registrations a minute per client it names; the header ignored when nobody is trusted")
    func limitsCountTheNamedClient() async throws {
        @Sendable func register(_ api: APIClient, _ name: String, from client: String?) async throws -> Int {
            var headers = HTTPFields()
            if let client { headers[HTTPField.Name("X-Forwarded-For")!] = client }
            let body = #"{"name":"R","email":"\#(name)-\#(UUID().uuidString.prefix(8))@example.com","password":"password-123"}"#
            return try await api.request(.post, "/api/auth/register", body: body, headers: headers).status
        }
        var options = TestServer.liveOptions()
        options.rateLimits = true
        try await TestServer.withLiveServer(options) { api, _ in
            for index in 0..<30 {
                let status = try await register(api, "a\(index)", from: "203.0.113.7")
                #expect(status == 201)
            }
            let refused = try await register(api, "a-last", from: "203.0.113.7")
            #expect(refused == 429)
            let other = try await register(api, "b", from: "203.0.113.8")
            #expect(other == 201, "another client behind the same proxy")
            let proxy = try await register(api, "proxy", from: nil)
            #expect(proxy == 201, "the proxy's own address is a third one")
        }
        options.trustedProxies = .none
        try await TestServer.withLiveServer(options) { api, _ in
            for index in 0..<30 {
                let status = try await register(api, "c\(index)", from: "203.0.113.\(index)")
                #expect(status == 201)
            }
            let refused = try await register(api, "c-last", from: "203.0.113.99")
            #expect(refused == 429, "one peer, whatever the header says")
        }
    }
}
