import Foundation
import HTTPTypes
import Testing

@Suite("Idempotency-Key")
struct IdempotencyTests {
    @Test("the same key returns the first answer and locks once, even after a restart; another body with the key is 422")
    func sameKey() async throws {
        let options = TestServer.options()
        let (showId, token, firstId) = try await TestServer.withRouter(options) { api in
            let fixture = try await CatalogFixture.make(api)
            let user = try await api.registerUser()
            let first = try await api.lock(fixture.showId, ["A1"], token: user.token, key: "key-1")
            let second = try await api.lock(fixture.showId, ["A1"], token: user.token, key: "key-1")
            #expect(first.status == 201)
            #expect(second.status == 201)
            #expect(first.json["id"] == second.json["id"])
            #expect(try await api.get("/api/shows/\(fixture.showId)").json["version"]?.int == 1, "one lock, not two")
            let reused = try await api.lock(fixture.showId, ["A2"], token: user.token, key: "key-1")
            #expect(reused.status == 422)
            #expect(reused.json.errorCode == "idempotency_key_reused")
            // Concurrent requests with one key run once.
            let replies = try await withThrowingTaskGroup(of: String?.self) { group in
                for _ in 0..<8 { group.addTask { try await api.lock(fixture.showId, ["B1"], token: user.token, key: "key-2").json["id"]?.string } }
                return try await group.reduce(into: Set<String?>()) { $0.insert($1) }
            }
            #expect(replies.count == 1)
            // Two different requests with one key at the same moment: one runs, the other is told the key is taken.
            async let one = api.lock(fixture.showId, ["B3"], token: user.token, key: "key-3")
            async let other = api.lock(fixture.showId, ["C4"], token: user.token, key: "key-3")
            let statuses = try await [one.status, other.status].sorted()
            #expect(statuses == [201, 422], "\(statuses)")
            return (fixture.showId, user.token, first.json["id"]?.string)
        }
        try await TestServer.withRouter(options) { api in
            let replay = try await api.lock(showId, ["A1"], token: token, key: "key-1")
            #expect(replay.status == 201)
            #expect(replay.json["id"]?.string == firstId)
            #expect(try await api.get("/api/shows/\(showId)").json["version"]?.int == 3)
        }
    }

    @Test("a payment processed twice with one key charges once")
    func payments() async throws {
        try await TestServer.withRouter { api in
            let fixture = try await CatalogFixture.make(api)
            let user = try await api.registerUser()
            let bookingId = try #require(try await api.lock(fixture.showId, ["C2"], token: user.token).json["id"]?.string)
            let body = #"{"bookingId":"\#(bookingId)","paymentMethod":"upi"}"#
            let key: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "pay-1"]
            let first = try await api.request(.post, "/api/payments/initiate", body: body, token: user.token, headers: key)
            let second = try await api.request(.post, "/api/payments/initiate", body: body, token: user.token, headers: key)
            #expect(first.json["id"] == second.json["id"])
            let paymentId = try #require(first.json["id"]?.string)
            let processKey: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "process-1"]
            let paid = try await api.request(.post, "/api/payments/\(paymentId)/process", body: "{}", token: user.token, headers: processKey)
            let again = try await api.request(.post, "/api/payments/\(paymentId)/process", body: "{}", token: user.token, headers: processKey)
            #expect(paid.json["transactionId"] == again.json["transactionId"])
            #expect(paid.json["paymentStatus"]?.string == "completed")
        }
    }

    @Test("the answer is stored in the same transaction as the work: when it cannot be stored, nothing is done")
    func answerWithTheWork() async throws {
        let options = TestServer.options()
        try await TestServer.withRouter(options) { api in
            let fixture = try await CatalogFixture.make(api)
            let user = try await api.registerUser()
            let bookingId = try #require(try await api.lock(fixture.showId, ["C3"], token: user.token).json["id"]?.string)
            // From now on the database refuses to store any answer (a stand-in for a crash between the two writes).
            let database = TestServer.database(options)
            try await database.refuseInserts(into: "idempotencyKeys")
            let version = try await api.get("/api/shows/\(fixture.showId)").json["version"]?.int
            let lock = try await api.lock(fixture.showId, ["A1", "A2"], token: user.token, key: "atomic-lock")
            #expect(lock.status == 503, "\(lock.text)")
            #expect(try await api.seatStatuses(fixture.showId)["A1"] == "available", "no hold without its answer")
            #expect(try await api.get("/api/shows/\(fixture.showId)").json["version"]?.int == version)
            let initiate = try await api.request(
                .post, "/api/payments/initiate", body: #"{"bookingId":"\#(bookingId)","paymentMethod":"upi"}"#, token: user.token,
                headers: [HTTPField.Name("Idempotency-Key")!: "atomic-initiate"])
            #expect(initiate.status == 503, "\(initiate.text)")
            let attempts = try await database.integers("SELECT COUNT(*) FROM payments WHERE bookingId = ?", [bookingId])
            #expect(attempts == [0], "no payment without its answer")
            // Without a key the same work goes through (another user: a lock of this one's would replace its hold).
            #expect(try await api.lock(fixture.showId, ["A1", "A2"], token: try await api.registerUser().token).status == 201)
            let paymentId = try #require(try await api.initiate(bookingId, token: user.token, method: "upi").json["id"]?.string)
            // A charge whose answer cannot be stored is not confirmed: the attempt is failed and the hold stays.
            let process = try await api.request(
                .post, "/api/payments/\(paymentId)/process", body: "{}", token: user.token,
                headers: [HTTPField.Name("Idempotency-Key")!: "atomic-process"])
            #expect(process.status == 503, "\(process.text)")
            #expect(try await api.get("/api/bookings/\(bookingId)", token: user.token).json["bookingStatus"]?.string == "pending")
        }
    }
}

