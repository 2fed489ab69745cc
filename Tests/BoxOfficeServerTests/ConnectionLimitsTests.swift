import Testing

@testable import BoxOfficeServer

@Suite("Connection limits")
struct ConnectionLimitsTests {
    @Test("made from the open-file limit: live sockets L − R, connections L − R/2, refusals to L − R/4; R = min(max(L/10, 256), L/2)")
    func fromOpenFiles() {
        let small = ConnectionLimits(openFiles: 1024)
        #expect((small.liveSockets, small.connections, small.answered) == (768, 896, 960))
        let large = ConnectionLimits(openFiles: 20_000)
        #expect((large.liveSockets, large.connections, large.answered) == (18_000, 19_000, 19_500))
        let tiny = ConnectionLimits(openFiles: 256)
        #expect((tiny.liveSockets, tiny.connections, tiny.answered) == (128, 192, 224))
        #expect(small.asked == nil && large.asked == nil)
    }

    @Test("BOXOFFICE_MAX_CONNECTIONS sets the live cap only; more than the limit leaves room for is cut to that room")
    func explicitCap() throws {
        let fifty = ConnectionLimits(openFiles: 1024, maxLiveSockets: 50)
        #expect((fifty.liveSockets, fifty.connections, fifty.asked) == (50, 896, nil))
        let tooMany = ConnectionLimits(openFiles: 1024, maxLiveSockets: 5000)
        #expect((tooMany.liveSockets, tooMany.asked) == (768, 5000))

        var options = ServerOptions()
        try options.apply(environment: ["BOXOFFICE_MAX_CONNECTIONS": "50"])
        #expect(options.maxConnections == 50)
        for bad in ["0", "-1", "many", "20000000"] {
            var other = ServerOptions()
            #expect(throws: OptionsError.self) { try other.apply(environment: ["BOXOFFICE_MAX_CONNECTIONS": bad]) }
        }
    }
}
