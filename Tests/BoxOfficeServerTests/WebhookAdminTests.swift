import Foundation
import Testing

/// Registering webhooks: what is refused, what is shown once, who may.
@Suite("Webhooks: registration")
struct WebhookAdminTests {
    @Test("a webhook is registered with its secret shown once; bad urls and event lists are 422; only admins may")
    func registration() async throws {
        try await TestServer.withRouter { api in
            let admin = try await api.adminToken()
            let created = try await api.post("/api/admin/webhooks", #"{"url":"https://hooks.example.com/boxoffice","events":["booking.confirmed","booking.expired"]}"#, token: admin)
            #expect(created.status == 201, "\(created.text)")
            let id = try #require(created.json["id"]?.string)
            #expect(created.json["secret"]?.string?.hasPrefix("whsec_") == true)
            #expect(created.json["events"]?.array?.compactMap(\.string) == ["booking.confirmed", "booking.expired"])
            let listed = try await api.get("/api/admin/webhooks", token: admin)
            #expect(listed.json["items"]?.array?.first?["id"]?.string == id && listed.json["items"]?.array?.first?["secret"] == nil, "the secret is shown once")
            for body in [
                #"{"url":"ftp://example.com/x","events":["*"]}"#, #"{"url":"not a url","events":["*"]}"#,
                #"{"url":"https://example.com/x","events":[]}"#, #"{"url":"https://example.com/x","events":["booking.exploded"]}"#,
                #"{"url":"https://user:pass@example.com/x","events":["*"]}"#,
            ] {
                let refused = try await api.post("/api/admin/webhooks", body, token: admin)
                #expect(refused.status == 422, "\(body): \(refused.status)")
            }
            let user = try await api.registerUser()
            #expect(try await api.post("/api/admin/webhooks", #"{"url":"https://example.com/x","events":["*"]}"#, token: user.token).status == 403)
            #expect(try await api.get("/api/admin/webhooks/\(id)/deliveries", token: admin).json["items"]?.array?.isEmpty == true)
            #expect(try await api.request(.delete, "/api/admin/webhooks/\(id)", token: admin).status == 204)
            #expect(try await api.get("/api/admin/webhooks", token: admin).json["items"]?.array?.first?["isActive"]?.bool == false)
            #expect(try await api.request(.delete, "/api/admin/webhooks/whk_01NOSUCHHOOK000000000000000", token: admin).status == 404)
        }
    }
}
