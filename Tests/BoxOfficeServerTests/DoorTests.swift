import Foundation
import Testing

/// Tickets at the door: a confirmed booking's code, staff who scan it once, and what staff may not do.
@Suite("Tickets and the door")
struct DoorTests {
    /// A user with a confirmed booking of `seats`; returns the user, the booking id and its ticket code.
    func confirmedBooking(_ api: APIClient, _ show: String, _ seats: [String]) async throws -> (user: (token: String, id: String), booking: String, code: String) {
        let user = try await api.registerUser()
        let booking = try #require(try await api.lock(show, seats, token: user.token).json["id"]?.string)
        #expect(try await api.pay(booking, token: user.token).status == 200)
        let code = try #require(try await api.get("/api/bookings/\(booking)", token: user.token).json["ticketCode"]?.string)
        return (user, booking, code)
    }

    /// An account made staff by the admin; returns its token.
    func staffToken(_ api: APIClient, admin: String) async throws -> String {
        let staff = try await api.registerUser(name: "Usher")
        let made = try await api.patch("/api/admin/users/\(staff.id)", #"{"role":"staff"}"#, token: admin)
        #expect(made.status == 200 && made.json["role"]?.string == "staff", "\(made.text)")
        return staff.token
    }

    @Test("a confirmed booking has a ticket code (80 bits, Crockford base32 in groups), unique; a pending one has none")
    func ticketCode() async throws {
        try await TestServer.withRouter { api in
            let fixture = try await CatalogFixture.make(api)
            let user = try await api.registerUser()
            let pending = try await api.lock(fixture.showId, ["A1"], token: user.token)
            #expect(pending.json["ticketCode"] == .null && pending.json["admittedAt"] == .null)
            var codes = Set<String>()
            for seat in ["B1", "B3", "B4", "C1"] {
                let (_, _, code) = try await confirmedBooking(api, fixture.showId, [seat])
                #expect(code.wholeMatch(of: /[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}/) != nil, "\(code)")
                codes.insert(code)
            }
            #expect(codes.count == 4)
        }
    }

    @Test("the e-ticket of an own confirmed booking: its code, film, theatre, seats and the QR code as SVG; else 409 or 404")
    func ticket() async throws {
        try await TestServer.withRouter { api in
            let fixture = try await CatalogFixture.make(api)
            let (user, booking, code) = try await confirmedBooking(api, fixture.showId, ["B3", "B4"])
            let ticket = try await api.get("/api/bookings/\(booking)/ticket", token: user.token)
            #expect(ticket.status == 200, "\(ticket.text.prefix(300))")
            #expect(ticket.json["ticketCode"]?.string == code && ticket.json["bookingId"]?.string == booking)
            #expect(ticket.json["movie"]?["title"]?.string == "Test Film" && ticket.json["theatre"]?["name"]?.string == "Test Talkies")
            #expect(ticket.json["screenNumber"]?.int == 1 && ticket.json["seats"]?.array?.compactMap { $0["seatNumber"]?.string } == ["B3", "B4"])
            let svg = try #require(ticket.json["qr"]?.string)
            #expect(svg.hasPrefix("<svg") && svg.contains(code), "the SVG names its code for screen readers")
            let other = try await api.registerUser()
            #expect(try await api.get("/api/bookings/\(booking)/ticket", token: other.token).status == 404)
            let pending = try #require(try await api.lock(fixture.showId, ["C1"], token: user.token).json["id"]?.string)
            let notYet = try await api.get("/api/bookings/\(pending)/ticket", token: user.token)
            #expect(notYet.status == 409 && notYet.json.errorCode == "not_confirmed")
        }
    }

    @Test("staff scan a ticket once: admitted, then already_admitted with when; any case, spaces or dashes")
    func scanOnce() async throws {
        try await TestServer.withRouter { api in
            let fixture = try await CatalogFixture.make(api)
            let staff = try await staffToken(api, admin: fixture.adminToken)
            let (user, booking, code) = try await confirmedBooking(api, fixture.showId, ["A1", "A2"])
            let typed = code.lowercased().replacingOccurrences(of: "-", with: " ")
            let first = try await api.post("/api/admin/tickets/scan", #"{"ticketCode":"\#(typed)"}"#, token: staff)
            #expect(first.status == 200, "\(first.text)")
            #expect(first.json["outcome"]?.string == "admitted")
            #expect(first.json["booking"]?["id"]?.string == booking)
            let admittedAt = try #require(first.json["booking"]?["admittedAt"]?.string)
            let again = try await api.post("/api/admin/tickets/scan", #"{"ticketCode":"\#(code)"}"#, token: staff)
            #expect(again.status == 409 && again.json.errorCode == "already_admitted")
            #expect(again.json["error"]?["details"]?["admittedAt"]?.string == admittedAt)
            // Durable, and the owner sees it; an admitted ticket is not refunded.
            #expect(try await api.get("/api/bookings/\(booking)", token: user.token).json["admittedAt"]?.string == admittedAt)
            let cancel = try await api.post("/api/bookings/\(booking)/cancel", "{}", token: user.token)
            #expect(cancel.status == 409 && cancel.json.errorCode == "already_admitted")
        }
    }

    @Test("two doors scanning one code at the same moment admit it once")
    func concurrentScans() async throws {
        try await TestServer.withRouter { api in
            let fixture = try await CatalogFixture.make(api)
            let staff = try await staffToken(api, admin: fixture.adminToken)
            for seat in ["A1", "B3", "C3"] {
                let (_, _, code) = try await confirmedBooking(api, fixture.showId, [seat])
                let answers = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                    for _ in 0..<8 {
                        group.addTask {
                            let reply = try await api.post("/api/admin/tickets/scan", #"{"ticketCode":"\#(code)"}"#, token: staff)
                            return (reply.status, reply.json.errorCode)
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(answers.filter { $0.0 == 200 }.count == 1, "\(answers)")
                #expect(answers.filter { $0.0 == 409 && $0.1 == "already_admitted" }.count == 7, "\(answers)")
            }
        }
    }

    @Test("a cancelled booking's ticket is void; an unknown, garbage, huge or SQL code is unknown_ticket")
    func voidAndUnknown() async throws {
        try await TestServer.withRouter { api in
            let fixture = try await CatalogFixture.make(api)
            let staff = try await staffToken(api, admin: fixture.adminToken)
            let (user, booking, code) = try await confirmedBooking(api, fixture.showId, ["C4"])
            #expect(try await api.post("/api/bookings/\(booking)/cancel", "{}", token: user.token).status == 200)
            let void = try await api.post("/api/admin/tickets/scan", #"{"ticketCode":"\#(code)"}"#, token: staff)
            #expect(void.status == 409 && void.json.errorCode == "ticket_void", "\(void.text)")
            let huge = String(repeating: "7", count: 10_000)
            for garbage in ["0000-0000-0000-0000", "nonsense", "", huge, "' OR 1=1 --", "7KQ2-M9XD-4TZR-8BW\u{0}"] {
                let body = try String(decoding: JSONSerialization.data(withJSONObject: ["ticketCode": garbage]), as: UTF8.self)
                let reply = try await api.post("/api/admin/tickets/scan", body, token: staff)
                #expect(reply.status == 404 && reply.json.errorCode == "unknown_ticket", "\(garbage.prefix(20)): \(reply.status) \(reply.text.prefix(200))")
            }
        }
    }

    @Test("staff may scan and look bookings up, nothing else of the admin; users may do neither")
    func staffRights() async throws {
        try await TestServer.withRouter { api in
            let fixture = try await CatalogFixture.make(api)
            let staff = try await staffToken(api, admin: fixture.adminToken)
            let (user, booking, code) = try await confirmedBooking(api, fixture.showId, ["A4"])
            let byCode = try await api.get("/api/admin/bookings?ticketCode=\(code.lowercased())", token: staff)
            #expect(byCode.status == 200 && byCode.json["items"]?.array?.compactMap { $0["id"]?.string } == [booking], "\(byCode.text)")
            let byShow = try await api.get("/api/admin/bookings?show=\(fixture.showId)", token: staff)
            #expect(byShow.json["items"]?.array?.contains { $0["id"]?.string == booking } == true)
            for (method, path, body) in [
                ("POST", "/api/admin/cities", #"{"name":"X","state":"Y"}"#), ("GET", "/api/admin/users", nil),
                ("PATCH", "/api/admin/users/\(user.id)", #"{"role":"admin"}"#), ("GET", "/api/admin/reports/sales", nil),
            ] {
                let reply = try await api.request(method == "GET" ? .get : method == "POST" ? .post : .patch, path, body: body, token: staff)
                #expect(reply.status == 403 && reply.json.errorCode == "forbidden", "\(method) \(path): \(reply.status)")
            }
            for (method, path) in [("POST", "/api/admin/tickets/scan"), ("GET", "/api/admin/bookings")] {
                let reply = try await api.request(method == "GET" ? .get : .post, path, body: method == "POST" ? #"{"ticketCode":"\#(code)"}"# : nil, token: user.token)
                #expect(reply.status == 403, "\(path) for a user: \(reply.status)")
                let anonymous = try await api.request(method == "GET" ? .get : .post, path, body: method == "POST" ? "{}" : nil)
                #expect(anonymous.status == 401)
            }
        }
    }

    @Test("the admin finds users by email and sets roles; a deactivated account's token stops at once; no self-demotion")
    func users() async throws {
        try await TestServer.withRouter { api in
            let admin = try await api.adminToken()
            let user = try await api.registerUser()
            let profile = try await api.get("/api/auth/profile", token: user.token)
            let email = try #require(profile.json["user"]?["email"]?.string)
            let found = try await api.get("/api/admin/users?email=\(email.uppercased())", token: admin)
            #expect(found.json["items"]?.array?.map { $0["id"]?.string } == [user.id])
            #expect(found.json["items"]?[0]?["isActive"]?.bool == true && found.json["items"]?[0]?["passwordHash"] == nil)
            #expect(try await api.get("/api/admin/users", token: admin).json["items"]?.array?.count ?? 0 >= 2)
            let bad = try await api.patch("/api/admin/users/\(user.id)", #"{"role":"owner"}"#, token: admin)
            #expect(bad.status == 422)
            #expect(try await api.patch("/api/admin/users/usr_01NOSUCHUSER000000000000", #"{"role":"staff"}"#, token: admin).status == 404)
            #expect(try await api.patch("/api/admin/users/\(user.id)", #"{"isActive":false}"#, token: admin).status == 200)
            #expect(try await api.get("/api/bookings", token: user.token).status == 401)
            let adminId = try #require(try await api.get("/api/auth/profile", token: admin).json["user"]?["id"]?.string)
            let selfDemotion = try await api.patch("/api/admin/users/\(adminId)", #"{"role":"user"}"#, token: admin)
            #expect(selfDemotion.status == 409 && selfDemotion.json.errorCode == "own_account")
        }
    }
}
