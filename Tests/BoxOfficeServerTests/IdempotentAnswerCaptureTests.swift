@testable import BoxOfficeServer
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
}
