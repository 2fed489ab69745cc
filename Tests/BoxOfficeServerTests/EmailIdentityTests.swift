import BoxOfficeServer
import BoxOfficeStore
import Foundation
import Testing

/// One address is one account: surrounding white space, Unicode compatibility forms and case never make another
/// identity — not at registration, not at login, and not for the failed-login lockout.
@Suite("Emails are one identity")
struct EmailIdentityTests {
    static let address = "kim.victim@example.com"

    /// JSON string escapes for the spellings, so the request bodies carry exactly these characters.
    static let spellings: [(name: String, json: String)] = [
        ("leading space", #"" kim.victim@example.com""#),
        ("trailing space", #""kim.victim@example.com ""#),
        ("tab", #""\tkim.victim@example.com""#),
        ("newline", #""kim.victim@example.com\n""#),
        ("upper case", #""KIM.VICTIM@EXAMPLE.COM""#),
        ("Kelvin sign", #""\u212Aim.victim@example.com""#),
        ("fullwidth", #""\uFF4Bim.victim@\uFF45xample.com""#),
        ("ideographic space", #""\u3000kim.victim@example.com""#),
    ]

    @Test("every lookalike spelling of a registered address is 409 email_taken")
    func registerLookalikes() async throws {
        try await TestServer.withRouter { api in
            let first = try await api.post("/api/auth/register", #"{"name":"Kim","email":"\#(Self.address)","password":"password-123"}"#)
            #expect(first.status == 201)
            for spelling in Self.spellings {
                let again = try await api.post("/api/auth/register", #"{"name":"Mallory","email":\#(spelling.json),"password":"password-456"}"#)
                #expect(again.status == 409 && again.json.errorCode == "email_taken", "\(spelling.name): \(again.status) \(again.text)")
            }
            // A zero-width space would make an address that looks the same: refused as not an address at all.
            for hidden in [#"kim.victim\u200B@example.com"#, #"kim.vic\u034Ftim@example.com"#, #"\u3164kim.victim@example.com"#, #"\u0301kim@example.com"#] {
                let invisible = try await api.post("/api/auth/register", #"{"name":"M","email":"\#(hidden)","password":"password-456"}"#)
                #expect(invisible.status == 422 && invisible.json.errorField == "email", "\(hidden): \(invisible.text)")
            }
        }
    }

    @Test("every spelling logs in to the one account")
    func loginSpellings() async throws {
        try await TestServer.withRouter { api in
            let first = try await api.post("/api/auth/register", #"{"name":"Kim","email":"\#(Self.address)","password":"password-123"}"#)
            let id = try #require(first.json["user"]?["id"]?.string)
            for spelling in Self.spellings {
                let login = try await api.post("/api/auth/login", #"{"email":\#(spelling.json),"password":"password-123"}"#)
                #expect(login.status == 200 && login.json["user"]?["id"]?.string == id, "\(spelling.name): \(login.text)")
            }
        }
    }

    @Test("failed logins under any spelling count against one lockout, and no spelling gets past it")
    func oneLockout() async throws {
        var options = TestServer.options()
        options.rateLimits = false  // the failed-login lockout stays on regardless
        try await TestServer.withRouter(options) { api in
            _ = try await api.post("/api/auth/register", #"{"name":"Kim","email":"\#(Self.address)","password":"password-123"}"#)
            // Ten guesses, each under another spelling: together they lock the account.
            for attempt in 0..<10 {
                let spelling = Self.spellings[attempt % Self.spellings.count]
                let guess = try await api.post("/api/auth/login", #"{"email":\#(spelling.json),"password":"guess-\#(attempt)-guess"}"#)
                #expect(guess.status == 401, "\(spelling.name): \(guess.status)")
            }
            for spelling in Self.spellings + [("plain", #""\#(Self.address)""#)] {
                let locked = try await api.post("/api/auth/login", #"{"email":\#(spelling.1),"password":"password-123"}"#)
                #expect(locked.status == 429, "\(spelling.0) got past the lockout: \(locked.status)")
            }
        }
    }

    @Test("the key: trimmed, NFKC, case-folded")
    func key() {
        #expect(EmailIdentity.key(" \tKim@Example.COM\n") == "kim@example.com")
        #expect(EmailIdentity.key("\u{212A}im@example.com") == "kim@example.com")
        #expect(EmailIdentity.key("\u{FF2B}\u{FF49}m@example.com") == "kim@example.com")
        #expect(EmailIdentity.key("Stra\u{DF}e@example.de") == EmailIdentity.key("STRASSE@example.de"))
        #expect(EmailIdentity.key("e\u{301}lise@example.com") == EmailIdentity.key("\u{E9}lise@example.com"))
        #expect(EmailIdentity.key("kim@example.com") != EmailIdentity.key("kim2@example.com"))
    }
}

@Suite("Roles take effect at once")
struct RoleChangeTests {
    @Test("a demoted admin's token loses admin rights on the next request; a promoted user's gains them")
    func demotion() async throws {
        let options = TestServer.options()
        try await TestServer.withRouter(options) { api in
            let admin = try await api.adminToken()
            let city = #"{"name":"Nashik","state":"Maharashtra"}"#
            #expect(try await api.post("/api/admin/cities", city, token: admin).status == 201)
            let database = TestServer.database(options)
            try await database.execute("UPDATE users SET role = 'user' WHERE email = ?", [TestServer.adminEmail])
            let refused = try await api.post("/api/admin/cities", #"{"name":"Nagpur","state":"Maharashtra"}"#, token: admin)
            #expect(refused.status == 403, "the token still said admin: \(refused.text)")
            #expect(try await api.get("/api/auth/profile", token: admin).json["user"]?["role"]?.string == "user")

            let user = try await api.registerUser()
            #expect(try await api.get("/api/admin/reports/sales", token: user.token).status == 403)
            try await database.execute("UPDATE users SET role = 'admin' WHERE id = ?", [user.id])
            #expect(try await api.get("/api/admin/reports/sales", token: user.token).status == 200)
        }
    }
}
