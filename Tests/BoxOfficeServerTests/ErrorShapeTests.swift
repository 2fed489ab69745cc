import Foundation
import HTTPTypes
import Hummingbird
import Testing

@Suite("Bad input gets the contract's error shape")
struct ErrorShapeTests {
    @Test("malformed JSON is 400 invalid_json", arguments: ["{", "not json", "[1,2", #"{"name": }"#, ""])
    func malformedJSON(body: String) async throws {
        try await TestServer.withRouter { api in
            let reply = try await api.post("/api/auth/register", body)
            #expect(reply.status == 400)
            #expect(reply.json.errorCode == "invalid_json")
            #expect(reply.json["error"]?["message"]?.string?.isEmpty == false)
        }
    }

    @Test("a body over 1 MiB is 413 payload_too_large")
    func tooLarge() async throws {
        try await TestServer.withRouter { api in
            let admin = try await api.adminToken()
            let huge = #"{"name":""# + String(repeating: "x", count: (1 << 20) + 10) + #"","state":"S"}"#
            let reply = try await api.post("/api/admin/cities", huge, token: admin)
            #expect(reply.status == 413)
            #expect(reply.json.errorCode == "payload_too_large")
            #expect(try await api.get("/api/cities").json["items"]?.array?.isEmpty == true)
        }
    }

    @Test("an unknown route is 404 not_found in the contract's shape")
    func unknownRoute() async throws {
        try await TestServer.withRouter { api in
            let reply = try await api.get("/api/nothing-here")
            #expect(reply.status == 404)
            #expect(reply.json.errorCode == "not_found")
            #expect(reply.headers[.contentType]?.hasPrefix("application/json") == true)
        }
    }

    @Test("wrong JSON types and nulls name the field", arguments: [
        (#"{"email":["a"],"password":"x"}"#, "email"), (#"{"email":null,"password":"x"}"#, "email"), (#"{"email":"a@b.co"}"#, "password"),
    ])
    func wrongTypes(body: String, field: String) async throws {
        try await TestServer.withRouter { api in
            let reply = try await api.post("/api/auth/login", body)
            #expect(reply.status == 422)
            #expect(reply.json.errorField == field)
        }
    }
}
