import Foundation
import Testing

@Suite("When the disk refuses a write")
struct JournalFailureTests {
    @Test("a failing journal write answers 503, changes nothing in memory or on disk, and the next write succeeds")
    func failingWrite() async throws {
        let options = TestServer.options()
        try await TestServer.withRouter(options) { api in
            let fixture = try await CatalogFixture.make(api)
            let user = try await api.registerUser()
            // A second connection to the same database makes every seat-change insert fail, as a full or broken disk would.
            let saboteur = TestServer.database(options)
            try await saboteur.refuseInserts(into: "seatChanges")
            let refused = try await api.lock(fixture.showId, ["A1", "A2"], token: user.token)
            #expect(refused.status == 503)
            #expect(refused.json.errorCode == "unavailable")
            let statuses = try await api.seatStatuses(fixture.showId)
            #expect(statuses["A1"] == "available" && statuses["A2"] == "available", "memory was rolled back")
            #expect(try await api.get("/api/shows/\(fixture.showId)").json["version"]?.int == 0)
            #expect(try await api.get("/api/bookings", token: user.token).json["items"]?.array?.isEmpty == true, "nothing on disk")

            try await saboteur.allowInserts(into: "seatChanges")
            let accepted = try await api.lock(fixture.showId, ["A1", "A2"], token: user.token)
            #expect(accepted.status == 201)
            #expect(try await api.get("/api/shows/\(fixture.showId)").json["version"]?.int == 1, "the failed version number is reused")
            let versions = try await saboteur.integers("SELECT version FROM seatChanges WHERE showId = ? ORDER BY version", [fixture.showId])
            #expect(versions == [1])
        }
    }
}
