import NIOCore
import NIOHTTP1
import Synchronization

/// Ticket codes for the doors to scan, each handed out once across every connection (and event loop).
final class TicketQueue: Sendable {
    private let codes: [String]
    private let next = Mutex(0)

    init(_ codes: [String]) { self.codes = codes }

    /// The next unscanned code; when all are used, they come round again (and are answered 409 `already_admitted`).
    func take() -> String {
        let index = next.withLock { value in
            defer { value += 1 }
            return value
        }
        return codes[index % codes.count]
    }

    var handedOut: Int { next.withLock { $0 } }
}

/// An usher's scanner: `POST /api/admin/tickets/scan {ticketCode}` with a staff token. 200 `admitted` is the answer
/// wanted; anything else (a 409 `already_admitted` when the codes ran out included) is an error.
final class ScanUser: VirtualUser {
    let keepsBody = true
    private let token: String
    private let tickets: TicketQueue

    init(token: String, tickets: TicketQueue) {
        self.token = token
        self.tickets = tickets
    }

    func begin() -> BenchRequest {
        BenchRequest(
            method: .POST, uri: "/api/admin/tickets/scan", token: token, body: ByteBuffer(string: #"{"ticketCode":""# + tickets.take() + #""}"#))
    }

    func answered(status: Int, body: ByteBuffer?) -> Step {
        guard status == 200 else { return .done(.failed("scan: http \(status) \(errorCode(body))")) }
        guard body?.contains("\"admitted\"") ?? false else { return .done(.failed("scan: not admitted")) }
        return .done(.ok)
    }
}
