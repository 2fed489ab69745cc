import BoxOffice
import BoxOfficeStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `Idempotency-Key` on writes: the same key from the same user within 24 h returns the first answer and
/// does nothing twice, also after a restart (answers are journaled). Two concurrent requests with one key run once.
actor IdempotentRequests {
    static let lifetime: TimeInterval = 24 * 3600
    private let bookings: BookingRepository
    private let journal: any Journal
    private var inFlight: [String: Task<Answer, Never>] = [:]

    struct Answer: Sendable {
        var status: Int
        var body: Data
        var headers: HTTPFields
    }

    init(bookings: BookingRepository, journal: any Journal) {
        self.bookings = bookings
        self.journal = journal
    }

    /// Runs `work` once per (user, key); without a key it just runs.
    nonisolated func run(
        _ request: Request, body: Data, user: String, work: @escaping @Sendable () async -> Answer
    ) async throws -> Response {
        guard let key = request.headers[HTTPField.Name("Idempotency-Key")!] else { return Self.response(await work()) }
        guard (1...255).contains(key.utf8.count) else {
            throw BoxOfficeError.badParameter("Idempotency-Key", "Idempotency-Key must be 1 to 255 characters")
        }
        let hash = Self.fingerprint(method: request.method.rawValue, path: request.uri.path, body: body)
        return Self.response(try await answer(user: user, key: key, hash: hash, work: work))
    }

    private func answer(user: String, key: String, hash: String, work: @escaping @Sendable () async -> Answer) async throws -> Answer {
        let slot = user + "\n" + key
        if let running = inFlight[slot] { return try check(await running.value, hash: hash, stored: hash) }
        if let stored = try await bookings.idempotentAnswer(userId: user, key: key, now: Date()) {
            return try check(Answer(status: stored.status, body: stored.body, headers: [:]), hash: hash, stored: stored.requestHash)
        }
        if let running = inFlight[slot] { return try check(await running.value, hash: hash, stored: hash) }
        let journal = self.journal
        let task = Task<Answer, Never> {
            let answer = await work()
            // 5xx and 429 mean "nothing happened, try again": those are not remembered.
            if answer.status < 500 && answer.status != 429 {
                let now = Date()
                try? await journal.append(
                    JournalEntry(.answer(IdempotentAnswer(
                        userId: user, key: key, requestHash: hash, status: answer.status, body: answer.body, createdAt: now,
                        expiresAt: now.addingTimeInterval(Self.lifetime)))))
            }
            return answer
        }
        inFlight[slot] = task
        let answer = await task.value
        inFlight[slot] = nil
        return answer
    }

    private func check(_ answer: Answer, hash: String, stored: String) throws -> Answer {
        guard hash == stored else {
            throw BoxOfficeError(
                .unprocessable, "idempotency_key_reused", "This Idempotency-Key was used with a different request.",
                details: ["field": .string("Idempotency-Key")])
        }
        return answer
    }

    static func response(_ answer: Answer) -> Response {
        var headers = answer.headers
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.contentLength] = String(answer.body.count)
        return Response(
            status: HTTPResponse.Status(code: answer.status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
    }

    /// A stable fingerprint of the request (FNV-1a, 64 bit): the same request always hashes the same, across restarts.
    static func fingerprint(method: String, path: String, body: Data) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in Data((method + " " + path + "\n").utf8) + body {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return String(hash, radix: 16)
    }

    /// Runs a service call and captures its answer (success or the contract's error) as bytes.
    static func capture<Value: Encodable & Sendable>(status: Int, _ call: () async throws -> Value) async -> Answer {
        do {
            let value = try await call()
            let body = (value as? any PreEncodedJSON)?.jsonBody ?? (try? JSONCoding.encoder.encode(value)) ?? Data()
            return Answer(status: status, body: body, headers: [:])
        } catch let error as BoxOfficeError {
            let body = (try? JSONCoding.encoder.encode(ErrorResponse(error: .init(code: error.code, message: error.message, details: error.details.isEmpty ? nil : error.details)))) ?? Data()
            var headers = HTTPFields()
            if case .rateLimited(let seconds) = error.kind { headers[.retryAfter] = String(seconds) }
            return Answer(status: Int(ErrorResponse.status(of: error.kind).code), body: body, headers: headers)
        } catch {
            let body = (try? JSONCoding.encoder.encode(ErrorResponse(error: .init(code: "internal", message: "Something went wrong on our side.", details: nil)))) ?? Data()
            return Answer(status: 500, body: body, headers: [:])
        }
    }
}
