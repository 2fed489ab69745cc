import NIOCore
import NIOHTTP1

/// `GET /healthz`: the framework's ceiling on this machine, the floor every other read is compared with.
final class HealthUser: VirtualUser {
    let keepsBody = false
    func begin() -> BenchRequest { BenchRequest(method: .GET, uri: "/healthz") }
    func answered(status: Int, body: ByteBuffer?) -> Step { .done(status == 200 ? .ok : .failed("http \(status)")) }
}

/// `GET /api/shows/:id` of a random show: the seat map a picker loads.
final class SeatMapUser: VirtualUser {
    let keepsBody = false
    private let shows: [String]
    private var random: SplitMix

    init(shows: [String], seed: UInt64) {
        self.shows = shows
        self.random = SplitMix(seed: seed)
    }

    func begin() -> BenchRequest { BenchRequest(method: .GET, uri: "/api/shows/" + shows[random.below(shows.count)]) }
    func answered(status: Int, body: ByteBuffer?) -> Step { .done(status == 200 ? .ok : .failed("http \(status)")) }
}

/// Which shows a user locks on. Each user plays a few shows, so each show has a bounded crowd and its seats
/// neither stay empty nor fill up for good: a user's new lock on a show replaces its earlier one there.
struct LockAssignment: Sendable {
    var token: String
    var shows: [BenchShow]
}

/// Picks `count` adjacent seats (in layout order) starting at a random place.
func randomSeats(of show: BenchShow, count: Int, random: inout SplitMix) -> [String] {
    let count = max(1, min(count, show.seats.count))
    let start = random.below(show.seats.count - count + 1)
    return Array(show.seats[start..<(start + count)])
}

func lockBody(show: String, seats: [String]) -> ByteBuffer {
    var text = #"{"showId":""# + show + #"","seats":["#
    for (index, seat) in seats.enumerated() {
        if index > 0 { text += "," }
        text += "\"" + seat + "\""
    }
    text += "]}"
    return ByteBuffer(string: text)
}

/// `POST /api/bookings/lock-seats` by many users on many shows, with conflicts: a 409 `seat_unavailable` is a
/// valid answer (counted as a conflict), anything else but 201 is an error.
final class LockUser: VirtualUser {
    let keepsBody = true
    private let users: [LockAssignment]
    private let maxSeats: Int
    /// Best available (`{showId, count}`) instead of seats chosen at random.
    private let best: Bool
    private var random: SplitMix

    init(users: [LockAssignment], maxSeats: Int, seed: UInt64, best: Bool = false) {
        self.users = users
        self.maxSeats = maxSeats
        self.best = best
        self.random = SplitMix(seed: seed)
    }

    func begin() -> BenchRequest {
        let user = users[random.below(users.count)]
        let show = user.shows[random.below(user.shows.count)]
        let count = 1 + random.below(maxSeats)
        if best {
            return BenchRequest(
                method: .POST, uri: "/api/bookings/lock-seats", token: user.token,
                body: ByteBuffer(string: #"{"showId":""# + show.id + #"","count":\#(count)}"#))
        }
        let seats = randomSeats(of: show, count: count, random: &random)
        return BenchRequest(method: .POST, uri: "/api/bookings/lock-seats", token: user.token, body: lockBody(show: show.id, seats: seats))
    }

    func answered(status: Int, body: ByteBuffer?) -> Step {
        .done(lockOutcome(status: status, body: body))
    }
}

func lockOutcome(status: Int, body: ByteBuffer?) -> Outcome {
    switch status {
    case 201: .ok
    case 409 where body?.contains("seat_unavailable") ?? false: .conflict
    case 409 where body?.contains("seats_not_together") ?? false: .conflict
    default: .failed("http \(status) \(errorCode(body))")
    }
}

/// The whole purchase: lock → `POST /api/payments/initiate` (upi) → `POST /api/payments/:id/process`.
/// A lock refused with 409 `seat_unavailable` ends the transaction as a conflict.
final class FlowUser: VirtualUser {
    let keepsBody = true
    private let token: String
    private let shows: [BenchShow]
    private let maxSeats: Int
    private var random: SplitMix
    private enum Stage { case lock, initiate, process }
    private var stage = Stage.lock

    init(token: String, shows: [BenchShow], maxSeats: Int, seed: UInt64) {
        self.token = token
        self.shows = shows
        self.maxSeats = maxSeats
        self.random = SplitMix(seed: seed)
    }

    func begin() -> BenchRequest {
        stage = .lock
        let show = shows[random.below(shows.count)]
        let seats = randomSeats(of: show, count: 1 + random.below(maxSeats), random: &random)
        return BenchRequest(method: .POST, uri: "/api/bookings/lock-seats", token: token, body: lockBody(show: show.id, seats: seats), step: "lock")
    }

    func answered(status: Int, body: ByteBuffer?) -> Step {
        switch stage {
        case .lock:
            guard status == 201 else { return .done(lockOutcome(status: status, body: body)) }
            guard let booking = body?.jsonString("id") else { return .done(.failed("lock: no booking id")) }
            stage = .initiate
            return .send(
                BenchRequest(
                    method: .POST, uri: "/api/payments/initiate", token: token,
                    body: ByteBuffer(string: #"{"bookingId":""# + booking + #"","paymentMethod":"upi"}"#), step: "initiate"))
        case .initiate:
            guard status == 201 else { return .done(.failed("initiate: http \(status) \(errorCode(body))")) }
            guard let payment = body?.jsonString("id") else { return .done(.failed("initiate: no payment id")) }
            stage = .process
            return .send(
                BenchRequest(method: .POST, uri: "/api/payments/\(payment)/process", token: token, body: ByteBuffer(string: "{}"), step: "process"))
        case .process:
            guard status == 200 else { return .done(.failed("process: http \(status) \(errorCode(body))")) }
            guard body?.contains("\"completed\"") ?? false else { return .done(.failed("process: payment not completed")) }
            return .done(.ok)
        }
    }
}
