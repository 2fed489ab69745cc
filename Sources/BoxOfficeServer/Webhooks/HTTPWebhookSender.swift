import AsyncHTTPClient
import BoxOffice
import Crypto
import Foundation
import NIOCore
import NIOHTTP1

/// `BoxOffice-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>` (Stripe's scheme):
/// the receiver recomputes it, compares in constant time, and refuses a `t` too far from its clock (replays).
enum WebhookSignature {
    static func header(secret: String, timestamp: Int, body: Data) -> String {
        var signed = Data("\(timestamp).".utf8)
        signed.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: Data(secret.utf8)))
        return "t=\(timestamp),v1=" + mac.map { String(format: "%02x", $0) }.joined()
    }
}

/// POSTs webhook events over HTTP(S) with AsyncHTTPClient: JSON, the event id, the signature; 3 s to connect (a dead
/// receiver is not waited for), 10 s per attempt; redirects are not followed (a receiver that moved must be registered
/// again).
struct HTTPWebhookSender: WebhookSender {
    static let timeout: TimeAmount = .seconds(10)
    /// One client for the process's life (its connections are reused between deliveries); never shut down.
    static let sharedClient = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(3), read: .seconds(10))))
    var client: HTTPClient { Self.sharedClient }

    func post(url: String, body: Data, eventId: String, secret: String, at: Date) async throws -> Int {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "BoxOffice-Webhooks/1")
        request.headers.add(name: "BoxOffice-Event-Id", value: eventId)
        request.headers.add(name: "BoxOffice-Signature", value: WebhookSignature.header(secret: secret, timestamp: Int(at.timeIntervalSince1970), body: body))
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await client.execute(request, timeout: Self.timeout)
        // The answer's body is not needed; read a little of it so the connection can be reused.
        _ = try? await response.body.collect(upTo: 64 * 1024)
        return Int(response.status.code)
    }
}
