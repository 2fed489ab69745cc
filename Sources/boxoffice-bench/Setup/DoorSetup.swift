import Foundation
import NIOHTTP1

/// The admin every door server is started with (`BOXOFFICE_ADMIN_EMAIL`, `BOXOFFICE_ADMIN_PASSWORD`).
enum BenchAdmin {
    static let email = "admin@bench.example"
    static let password = "bench-admin-password-1"
    static var environment: [String: String] { ["BOXOFFICE_ADMIN_EMAIL": email, "BOXOFFICE_ADMIN_PASSWORD": password] }
}

/// What the door needs before it opens: an usher's account, and confirmed bookings to scan.
extension SetupClient {
    func login(email: String, password: String) async throws -> String {
        let body = try JSONSerialization.data(withJSONObject: ["email": email, "password": password])
        let (status, answer) = try await send("/api/auth/login", method: .POST, body: body, token: nil)
        guard status == 200, let token = try Self.object(answer)["token"] as? String else {
            throw BenchError("login \(email) answered \(status): \(String(decoding: answer.prefix(300), as: UTF8.self))")
        }
        return token
    }

    /// A new account made staff by the admin (`PATCH /api/admin/users/:id {"role":"staff"}`).
    func staff(adminToken: String, email: String) async throws -> BenchUser {
        let user = try await register(email: email)
        let (status, found) = try await send("/api/admin/users?email=" + email, method: .GET, body: nil, token: adminToken)
        guard status == 200, let items = try Self.object(found)["items"] as? [[String: Any]], let id = items.first?["id"] as? String else {
            throw BenchError("GET /api/admin/users?email= answered \(status): \(String(decoding: found.prefix(300), as: UTF8.self))")
        }
        let patch = try JSONSerialization.data(withJSONObject: ["role": "staff"])
        let (changed, answer) = try await send("/api/admin/users/\(id)", method: .PATCH, body: patch, token: adminToken)
        guard changed == 200 else { throw BenchError("PATCH /api/admin/users/\(id) answered \(changed): \(String(decoding: answer.prefix(300), as: UTF8.self))") }
        return user
    }

    /// `count` confirmed bookings of one seat each, and their ticket codes: booking k takes seat k / shows.count (in
    /// layout order) of show k mod shows.count, so none conflicts. Each user books one at a time, `users.count` at once.
    func confirmedTickets(count: Int, shows: [BenchShow], users: [BenchUser]) async throws -> [String] {
        guard !shows.isEmpty, !users.isEmpty else { throw BenchError("confirmed tickets need shows and users") }
        let capacity = shows.map(\.seats.count).min() ?? 0
        guard count <= capacity * shows.count else { throw BenchError("\(count) tickets do not fit \(shows.count) shows of \(capacity) seats") }
        return try await withThrowingTaskGroup(of: [String].self) { group in
            for (worker, user) in users.enumerated() {
                group.addTask {
                    var codes = [String]()
                    for k in stride(from: worker, to: count, by: users.count) {
                        let show = shows[k % shows.count]
                        codes.append(try await confirmedTicket(token: user.token, show: show.id, seat: show.seats[k / shows.count]))
                    }
                    return codes
                }
            }
            var codes = [String]()
            for try await some in group { codes += some }
            return codes
        }
    }

    /// Lock → initiate (upi) → process → the booking's `ticketCode`.
    func confirmedTicket(token: String, show: String, seat: String) async throws -> String {
        let lock = try JSONSerialization.data(withJSONObject: ["showId": show, "seats": [seat]] as [String: Any])
        let booking = try await created("/api/bookings/lock-seats", lock, token: token, expect: 201)
        guard let bookingId = booking["id"] as? String else { throw BenchError("lock-seats: no booking id") }
        let initiate = try JSONSerialization.data(withJSONObject: ["bookingId": bookingId, "paymentMethod": "upi"])
        let payment = try await created("/api/payments/initiate", initiate, token: token, expect: 201)
        guard let paymentId = payment["id"] as? String else { throw BenchError("initiate: no payment id") }
        _ = try await created("/api/payments/\(paymentId)/process", Data("{}".utf8), token: token, expect: 200)
        let (status, answer) = try await send("/api/bookings/\(bookingId)", method: .GET, body: nil, token: token)
        guard status == 200, let code = try Self.object(answer)["ticketCode"] as? String else {
            throw BenchError("GET /api/bookings/\(bookingId) answered \(status) without a ticket code")
        }
        return code
    }

    private func created(_ path: String, _ body: Data, token: String, expect: Int) async throws -> [String: Any] {
        let (status, answer) = try await send(path, method: .POST, body: body, token: token)
        guard status == expect else { throw BenchError("POST \(path) answered \(status): \(String(decoding: answer.prefix(300), as: UTF8.self))") }
        return try Self.object(answer)
    }

    static func object(_ data: Data) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw BenchError("not a JSON object") }
        return object
    }
}
