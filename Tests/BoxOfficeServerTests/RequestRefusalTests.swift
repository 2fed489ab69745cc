import NIOHTTP1
import Testing

@testable import BoxOfficeServer

@Suite("Requests refused below the router")
struct RequestRefusalTests {
    private func head(uri: String = "/api/shows", version: HTTPVersion = .http1_1, _ headers: [(String, String)] = [("Host", "x")])
        -> HTTPRequestHead
    {
        HTTPRequestHead(version: version, method: .POST, uri: uri, headers: HTTPHeaders(headers))
    }

    @Test("a sane head passes: Host, one Content-Length within the limit (repeated with the same value), HTTP/1.0 without Host")
    func passes() {
        let limit = AppRequestContext.maxBodyBytes
        #expect(RequestRefusal.check(head(), maxBodyBytes: limit) == nil)
        #expect(RequestRefusal.check(head([("Host", "x"), ("Content-Length", "\(limit)")]), maxBodyBytes: limit) == nil)
        #expect(RequestRefusal.check(head([("Host", "x"), ("Content-Length", "2"), ("Content-Length", "2")]), maxBodyBytes: limit) == nil)
        #expect(RequestRefusal.check(head(version: .http1_0, []), maxBodyBytes: limit) == nil)
        #expect(RequestRefusal.check(head(uri: "/api/movies?q=%00"), maxBodyBytes: limit) == nil)
    }

    @Test("refused: no Host, NUL in the path, two lengths, a length that is not a number, a body over the limit")
    func refused() {
        let limit = AppRequestContext.maxBodyBytes
        #expect(RequestRefusal.check(head([]), maxBodyBytes: limit) == .missingHost)
        #expect(RequestRefusal.check(head(uri: "/index.html%00.json"), maxBodyBytes: limit) == .nulInPath)
        #expect(RequestRefusal.check(head(uri: "/a\u{0}b"), maxBodyBytes: limit) == .nulInPath)
        #expect(
            RequestRefusal.check(head([("Host", "x"), ("Content-Length", "2"), ("Content-Length", "3")]), maxBodyBytes: limit)
                == .conflictingLength)
        #expect(
            RequestRefusal.check(head([("Host", "x"), ("Content-Length", "2"), ("Transfer-Encoding", "chunked")]), maxBodyBytes: limit)
                == .conflictingLength)
        #expect(RequestRefusal.check(head([("Host", "x"), ("Content-Length", "-1")]), maxBodyBytes: limit) == .conflictingLength)
        #expect(RequestRefusal.check(head([("Host", "x"), ("Content-Length", "10000000000")]), maxBodyBytes: limit) == .tooLarge)
    }

    @Test("parser errors: header overflow 431, the rest 400, in the contract's codes")
    func parserErrors() {
        #expect(RequestRefusal.unparsable(.headerOverflow).status.code == 431)
        #expect(RequestRefusal.unparsable(.headerOverflow).code == "headers_too_large")
        for error in [HTTPParserError.invalidVersion, .invalidMethod, .invalidURL, .invalidChunkSize, .lfExpected, .unknown] {
            #expect(RequestRefusal.unparsable(error).status.code == 400)
            #expect(RequestRefusal.unparsable(error).code == "malformed_request")
        }
        #expect(RequestRefusal.overloaded.retryAfterSeconds != nil)
        #expect(RequestRefusal.overloaded.parts.head.headers["Retry-After"] == ["\(RequestRefusal.overloadRetrySeconds)"])
    }
}
