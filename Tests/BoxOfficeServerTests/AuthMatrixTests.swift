import Foundation
import HTTPTypes
import JWTKit
import Testing

/// Claims shaped like the server's, so forged tokens differ only in what each test changes.
private struct ForgedClaims: JWTPayload {
    var sub: SubjectClaim
    var role: String
    var iat: IssuedAtClaim
    var exp: ExpirationClaim
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

private func forge(secret: String, userId: String, role: String, expires: Date) async throws -> String {
    let keys = JWTKeyCollection()
    await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
    return try await keys.sign(ForgedClaims(sub: .init(value: userId), role: role, iat: .init(value: Date()), exp: .init(value: expires)))
}

private func base64url(_ text: String) -> String {
    Data(text.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        .replacingOccurrences(of: "=", with: "")
}

@Suite("Auth matrix: who may call what")
struct AuthMatrixTests {
    static let cityBody = #"{"name":"Nagpur","state":"Maharashtra"}"#

    @Test("no token: 401 on user and admin routes, with WWW-Authenticate")
    func noToken() async throws {
        try await TestServer.withRouter { api in
            let profile = try await api.get("/api/auth/profile")
            #expect(profile.status == 401)
            #expect(profile.json.errorCode == "unauthorized")
            #expect(profile.headers[.wwwAuthenticate] == "Bearer")
            let admin = try await api.post("/api/admin/cities", Self.cityBody)
            #expect(admin.status == 401)
        }
    }

    @Test("a malformed Authorization header or token: 401 invalid_token", arguments: ["Basic YWRtaW46YWRtaW4=", "Bearer", "Bearer not-a-jwt", "Bearer a.b.c"])
    func malformed(header: String) async throws {
        try await TestServer.withRouter { api in
            let reply = try await api.request(.get, "/api/auth/profile", headers: [.authorization: header])
            #expect(reply.status == 401)
            #expect(reply.json.errorCode == "invalid_token")
        }
    }

    @Test("a token signed with another key is refused, even claiming admin")
    func wrongSignature() async throws {
        try await TestServer.withRouter { api in
            let user = try await api.registerUser()
            let forged = try await forge(
                secret: "another-secret-that-is-long-enough-0123456789", userId: user.id, role: "admin", expires: Date().addingTimeInterval(3600))
            #expect(try await api.get("/api/auth/profile", token: forged).status == 401)
            #expect(try await api.post("/api/admin/cities", Self.cityBody, token: forged).status == 401)
        }
    }

    @Test("an expired token is refused")
    func expired() async throws {
        try await TestServer.withRouter { api in
            let user = try await api.registerUser()
            let stale = try await forge(secret: TestServer.jwtSecret, userId: user.id, role: "user", expires: Date().addingTimeInterval(-60))
            let reply = try await api.get("/api/auth/profile", token: stale)
            #expect(reply.status == 401)
            #expect(reply.json.errorCode == "invalid_token")
            // The same claims, not expired, are accepted: the expiry is what was refused.
            let fresh = try await forge(secret: TestServer.jwtSecret, userId: user.id, role: "user", expires: Date().addingTimeInterval(60))
            #expect(try await api.get("/api/auth/profile", token: fresh).status == 200)
        }
    }

    @Test("an unsigned token (alg: none) is refused")
    func algNone() async throws {
        try await TestServer.withRouter { api in
            let user = try await api.registerUser()
            let header = base64url(#"{"alg":"none","typ":"JWT"}"#)
            let exp = Int(Date().addingTimeInterval(3600).timeIntervalSince1970)
            let payload = base64url(#"{"sub":"\#(user.id)","role":"admin","iat":\#(exp - 3600),"exp":\#(exp)}"#)
            let token = "\(header).\(payload)."
            #expect(try await api.get("/api/auth/profile", token: token).status == 401)
            #expect(try await api.post("/api/admin/cities", Self.cityBody, token: token).status == 401)
        }
    }

    @Test("a token for an account that does not exist is refused")
    func unknownAccount() async throws {
        try await TestServer.withRouter { api in
            let ghost = try await forge(
                secret: TestServer.jwtSecret, userId: "usr_01JZZZZZZZZZZZZZZZZZZZZZZZ", role: "admin", expires: Date().addingTimeInterval(60))
            #expect(try await api.get("/api/auth/profile", token: ghost).status == 401)
        }
    }

    @Test("a user on an admin route: 403 forbidden; an admin: 201")
    func roles() async throws {
        try await TestServer.withRouter { api in
            let user = try await api.registerUser()
            let asUser = try await api.post("/api/admin/cities", Self.cityBody, token: user.token)
            #expect(asUser.status == 403)
            #expect(asUser.json.errorCode == "forbidden")
            // A correctly signed token whose role claim says admin is an admin: the role comes only from the verified token.
            let admin = try await api.adminToken()
            let asAdmin = try await api.post("/api/admin/cities", Self.cityBody, token: admin)
            #expect(asAdmin.status == 201)
            // The user's attempt created nothing: the admin's create of the same name was the first.
            let cities = try await api.get("/api/cities")
            #expect(cities.json["items"]?.array?.count == 1)
        }
    }

    @Test("every admin route is closed to users", arguments: [
        ("POST", "/api/admin/cities"), ("PATCH", "/api/admin/cities/cty_x"), ("POST", "/api/admin/movies"), ("PATCH", "/api/admin/movies/mov_x"),
        ("POST", "/api/admin/theatres"), ("PATCH", "/api/admin/theatres/thr_x"), ("POST", "/api/admin/shows"), ("PATCH", "/api/admin/shows/shw_x"),
    ])
    func adminRoutesClosed(method: String, path: String) async throws {
        try await TestServer.withRouter { api in
            let user = try await api.registerUser()
            let reply = try await api.request(HTTPRequest.Method(method)!, path, body: "{}", token: user.token)
            #expect(reply.status == 403)
            let anonymous = try await api.request(HTTPRequest.Method(method)!, path, body: "{}")
            #expect(anonymous.status == 401)
        }
    }

    /// Every route under /api/admin (API.md's Admin table).
    static let adminRoutes: [(String, String)] = [
        ("POST", "/api/admin/cities"), ("PATCH", "/api/admin/cities/cty_x"), ("GET", "/api/admin/cities"),
        ("POST", "/api/admin/movies"), ("PATCH", "/api/admin/movies/mov_x"), ("GET", "/api/admin/movies"),
        ("POST", "/api/admin/theatres"), ("PATCH", "/api/admin/theatres/thr_x"), ("GET", "/api/admin/theatres"),
        ("POST", "/api/admin/shows"), ("PATCH", "/api/admin/shows/shw_x"), ("GET", "/api/admin/shows"),
        ("GET", "/api/admin/reports/sales"), ("GET", "/api/admin/users"), ("PATCH", "/api/admin/users/usr_x"),
        ("POST", "/api/admin/webhooks"), ("GET", "/api/admin/webhooks"), ("DELETE", "/api/admin/webhooks/whk_x"),
        ("GET", "/api/admin/webhooks/whk_x/deliveries"), ("GET", "/api/admin/bookings"), ("POST", "/api/admin/tickets/scan"),
    ]

    @Test("every admin route: 401 without a token, 403 for a user; for staff 403 but the door's two (bookings, scan)")
    func adminRoutesByRole() async throws {
        try await TestServer.withRouter { api in
            let admin = try await api.adminToken()
            let user = try await api.registerUser()
            let usher = try await api.registerUser(name: "Usher")
            #expect(try await api.patch("/api/admin/users/\(usher.id)", #"{"role":"staff"}"#, token: admin).status == 200)
            for (method, path) in Self.adminRoutes {
                let body: String? = method == "GET" || method == "DELETE" ? nil : "{}"
                let anonymous = try await api.request(HTTPRequest.Method(method)!, path, body: body)
                #expect(anonymous.status == 401, "\(method) \(path) anonymous: \(anonymous.status)")
                let asUser = try await api.request(HTTPRequest.Method(method)!, path, body: body, token: user.token)
                #expect(asUser.status == 403 && asUser.json.errorCode == "forbidden", "\(method) \(path) as a user: \(asUser.status) \(asUser.text)")
                let asStaff = try await api.request(HTTPRequest.Method(method)!, path, body: body, token: usher.token)
                let door = path == "/api/admin/bookings" || path == "/api/admin/tickets/scan"
                if door {
                    #expect(asStaff.status != 403 && asStaff.status != 401, "\(method) \(path) is the door's: staff may call it (\(asStaff.status))")
                } else {
                    #expect(asStaff.status == 403, "\(method) \(path) as staff: \(asStaff.status) \(asStaff.text)")
                }
            }
        }
    }

    @Test("a deactivated account's token stops working at once, and it cannot log in")
    func deactivated() async throws {
        let options = TestServer.options()
        try await TestServer.withRouter(options) { api in
            let user = try await api.registerUser()
            #expect(try await api.get("/api/auth/profile", token: user.token).status == 200)
            try await TestServer.database(options).execute("UPDATE users SET isActive = false WHERE id = ?", [user.id])
            let refused = try await api.get("/api/auth/profile", token: user.token)
            #expect(refused.status == 401)
            #expect(refused.json.errorCode == "invalid_token")
        }
    }
}
