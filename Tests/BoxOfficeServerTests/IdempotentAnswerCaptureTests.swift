@testable import BoxOfficeServer
import BoxOffice
import Foundation
import GRDB
import Testing

/// What a request that goes through `IdempotentRequests` answers when its service throws something that is not the
/// contract's error.
@Suite("Idempotent requests: answers captured from failures")
struct IdempotentAnswerCaptureTests {
    @Test("a storage failure (a full disk, PostgreSQL restarting) is 503 unavailable, as on every other route; anything else is 500 internal")
    func storageFailureIs503() async throws {
        let full = await IdempotentRequests.capture(status: 201) { () async throws -> [String] in throw DatabaseError(resultCode: .SQLITE_FULL) }
        #expect(full.status == 503)
        #expect(String(decoding: full.body, as: UTF8.self).contains(#""code":"unavailable""#))
        struct Surprise: Error {}
        let other = await IdempotentRequests.capture(status: 201) { () async throws -> [String] in throw Surprise() }
        #expect(other.status == 500)
        #expect(String(decoding: other.body, as: UTF8.self).contains(#""code":"internal""#))
    }

    @Test("a contract error is answered as on every other route: the same status, body and headers (Retry-After, WWW-Authenticate)")
    func contractErrorAsElsewhere() async throws {
        let errors = [
            BoxOfficeError(.rateLimited(retryAfterSeconds: 0), "rate_limited", "Slow down.", details: ["retryAfter": .int(0)]),
            BoxOfficeError(.unauthorized, "unauthorized", "Log in first."),
            BoxOfficeError.invalid("seats", "Pick at least one seat."),
        ]
        for error in errors {
            let captured = await IdempotentRequests.capture(status: 201) { () async throws -> [String] in throw error }
            let elsewhere = ErrorResponse.response(for: error)
            #expect(captured.status == Int(elsewhere.status.code))
            let body = try JSONSerialization.jsonObject(with: captured.body) as? NSDictionary
            #expect(body == (try JSONSerialization.jsonObject(with: ErrorResponse.json(for: error)) as? NSDictionary))
            #expect((body?["error"] as? NSDictionary)?["code"] as? String == error.code)
            #expect(captured.headers[.retryAfter] == elsewhere.headers[.retryAfter])
            #expect(captured.headers[.wwwAuthenticate] == elsewhere.headers[.wwwAuthenticate])
        }
        let limited = await IdempotentRequests.capture(status: 201) { () async throws -> [String] in throw errors[0] }
        #expect(limited.headers[.retryAfter] == "1", "never \"try again in 0 seconds\"")
    }
}
