import Foundation
import Testing

@Suite("Accounts: register, login, profile")
struct AuthTests {
    @Test("register answers 201 with the user and a token, never the password hash")
    func register() async throws {
        try await TestServer.withRouter { api in
            let reply = try await api.post("/api/auth/register", #"{"name":"Asha Rao","email":"asha@example.com","password":"secret-123","phone":"+91 98765 43210"}"#)
            #expect(reply.status == 201)
            #expect(reply.json["user"]?["email"]?.string == "asha@example.com")
            #expect(reply.json["user"]?["role"]?.string == "user")
            #expect(reply.json["user"]?["phone"]?.string == "+91 98765 43210")
            #expect(reply.json["token"]?.string?.split(separator: ".").count == 3)
            #expect(!reply.text.contains("passwordHash"))
            #expect(!reply.text.contains("secret-123"))
        }
    }

    @Test("the same email twice, in any case, is 409 email_taken")
    func duplicateEmail() async throws {
        try await TestServer.withRouter { api in
            _ = try await api.post("/api/auth/register", #"{"name":"A","email":"dup@example.com","password":"secret-123"}"#)
            let again = try await api.post("/api/auth/register", #"{"name":"B","email":"DUP@example.com","password":"secret-456"}"#)
            #expect(again.status == 409)
            #expect(again.json.errorCode == "email_taken")
        }
    }

    @Test(
        "register validates each field and names it",
        arguments: [
            (#"{"name":"A","email":"not-an-email","password":"secret-123"}"#, "email"),
            (#"{"name":"A","email":"a@example.com","password":"short"}"#, "password"),
            (#"{"name":"","email":"a@example.com","password":"secret-123"}"#, "name"),
            (#"{"name":"A","email":"a@example.com"}"#, "password"),
            (#"{"name":42,"email":"a@example.com","password":"secret-123"}"#, "name"),
            (#"{"name":"A","email":"a@example.com","password":"secret-123","phone":"call me"}"#, "phone"),
        ])
    func registerValidation(body: String, field: String) async throws {
        try await TestServer.withRouter { api in
            let reply = try await api.post("/api/auth/register", body)
            #expect(reply.status == 422, "\(reply.text)")
            #expect(reply.json.errorCode == "validation_failed")
            #expect(reply.json.errorField == field)
            // Nothing was created: the email is still free.
            let retry = try await api.post("/api/auth/register", #"{"name":"A","email":"a@example.com","password":"secret-123"}"#)
            #expect(retry.status == 201)
        }
    }

    @Test("login with the right password gives a token that opens the profile")
    func loginAndProfile() async throws {
        try await TestServer.withRouter { api in
            _ = try await api.post("/api/auth/register", #"{"name":"Ravi","email":"ravi@example.com","password":"secret-123"}"#)
            let login = try await api.post("/api/auth/login", #"{"email":"Ravi@Example.com","password":"secret-123"}"#)
            #expect(login.status == 200)
            let token = try #require(login.json["token"]?.string)
            let profile = try await api.get("/api/auth/profile", token: token)
            #expect(profile.status == 200)
            #expect(profile.json["user"]?["name"]?.string == "Ravi")
            #expect(profile.json["user"]?["passwordHash"] == nil)
        }
    }

    @Test("a wrong password and an unknown email get the same 401 invalid_credentials")
    func badLogin() async throws {
        try await TestServer.withRouter { api in
            _ = try await api.post("/api/auth/register", #"{"name":"Ravi","email":"ravi@example.com","password":"secret-123"}"#)
            let wrong = try await api.post("/api/auth/login", #"{"email":"ravi@example.com","password":"secret-999"}"#)
            let unknown = try await api.post("/api/auth/login", #"{"email":"nobody@example.com","password":"secret-123"}"#)
            #expect(wrong.status == 401)
            #expect(unknown.status == 401)
            #expect(wrong.json.errorCode == "invalid_credentials")
            #expect(wrong.json == unknown.json)
        }
    }

    @Test("BOXOFFICE_ADMIN_EMAIL/PASSWORD make an admin at start")
    func adminEnsured() async throws {
        try await TestServer.withRouter { api in
            let token = try await api.adminToken()
            let profile = try await api.get("/api/auth/profile", token: token)
            #expect(profile.json["user"]?["role"]?.string == "admin")
        }
    }
}
