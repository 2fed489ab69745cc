import NIOCore
import NIOHTTP1

/// One HTTP request a virtual user sends.
struct BenchRequest {
    var method: HTTPMethod
    var uri: String
    var token: String?
    var body: ByteBuffer?
    /// Names the step in a multi-request transaction (a flow's "lock", "initiate", "process"), for per-step latency.
    var step: String?
}

/// What one transaction (a request, or a flow of them) came to.
enum Outcome: Sendable {
    /// The answer the scenario wants (200, 201).
    case ok
    /// A valid refusal the scenario expects under contention (409 `seat_unavailable`): counted, not an error.
    case conflict
    /// Anything else: the label says what (`http 500`, `409 show_closed`, `io`).
    case failed(String)

    var label: String {
        switch self {
        case .ok: "ok"
        case .conflict: "conflict"
        case .failed(let why): why
        }
    }
}

/// A virtual user's next move after an answer.
enum Step {
    case send(BenchRequest)
    case done(Outcome)
}

/// Decides what one connection sends: the first request of each transaction and what follows each answer.
/// Lives on its connection's event loop, so it needs no locks.
protocol VirtualUser: AnyObject {
    /// Whether answer bodies are kept for `answered` (flows read ids from them; seat maps need not be copied).
    var keepsBody: Bool { get }
    func begin() -> BenchRequest
    func answered(status: Int, body: ByteBuffer?) -> Step
}

extension ByteBuffer {
    /// The string value of a top-level-unique key, e.g. the `"id"` of a booking.
    func jsonString(_ key: String) -> String? {
        withUnsafeReadableBytes { JSONScan.string(key, in: $0) }
    }

    func contains(_ text: String) -> Bool {
        withUnsafeReadableBytes { JSONScan.contains(text, in: $0) }
    }
}

/// The contract's error code in an error body, for labels.
func errorCode(_ body: ByteBuffer?) -> String {
    body?.jsonString("code") ?? "?"
}
