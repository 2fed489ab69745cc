import BoxOffice
import BoxOfficeStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `Idempotency-Key` on writes: the same key from the same user within 24 h returns the first answer and
/// does nothing twice, also after a restart (answers are journaled). Two concurrent requests with one key run once.
///
/// A success is stored by the service in the same transaction as its work (the work gets the key's claim and an
/// `AnswerRecipe`), so a crash can never keep the work and forget the key. Refusals (4xx), which did nothing, are
/// stored here after the fact; 5xx and 429 are not remembered. Expired answers are deleted by `purgeExpired`.
actor IdempotentRequests {
    private let answers: any IdempotencyStore
    private let journal: any Journal
    private var inFlight: [String: Task<Result<Outcome, any Error>, Never>] = [:]

    struct Answer: Sendable {
        var status: Int
        var body: Data
        var headers: HTTPFields
        /// Already stored by the service, with the work it answers.
        var recorded = false
    }

    init(answers: any IdempotencyStore, journal: any Journal) {
        self.answers = answers
        self.journal = journal
    }

    /// Runs `work` once per (user, key), handing it the key's claim; without a key it just runs (with no claim).
    nonisolated func run(
        _ request: Request, body: Data, user: String, work: @escaping @Sendable (IdempotencyClaim?) async -> Answer
    ) async throws -> Response {
        guard let key = request.headers[HTTPField.Name("Idempotency-Key")!] else { return Self.response(await work(nil)) }
        guard (1...255).contains(key.utf8.count) else {
            throw BoxOfficeError.badParameter("Idempotency-Key", "Idempotency-Key must be 1 to 255 characters")
        }
        let hash = Self.fingerprint(method: request.method.rawValue, path: request.uri.path, body: body)
        return Self.response(try await answer(user: user, key: key, hash: hash, work: work))
    }

    /// One task per (user, key) at a time, and that task reads the stored answer before it works: every request
    /// with the key either joins the running task or starts one after the last has made its answer durable, so no
    /// request can slip between a task's end and its answer's read.
    private func answer(
        user: String, key: String, hash: String, work: @escaping @Sendable (IdempotencyClaim?) async -> Answer
    ) async throws -> Answer {
        let slot = user + "\n" + key
        let task: Task<Result<Outcome, any Error>, Never>
        let started: Bool
        if let running = inFlight[slot] {
            task = running
            started = false
        } else {
            let (answers, journal) = (self.answers, self.journal)
            task = Task {
                do {
                    if let stored = try await answers.idempotentAnswer(userId: user, key: key, now: Date()) {
                        return .success(Outcome(answer: Answer(status: stored.status, body: stored.body, headers: [:]), requestHash: stored.requestHash))
                    }
                    let claim = IdempotencyClaim(userId: user, key: key, requestHash: hash, createdAt: Date())
                    let answer = await work(claim)
                    // 5xx and 429 mean "nothing happened, try again": those are not remembered.
                    if !answer.recorded && answer.status < 500 && answer.status != 429 {
                        try? await journal.append(JournalEntry(.answer(claim.answer(status: answer.status, body: answer.body))))
                    }
                    return .success(Outcome(answer: answer, requestHash: hash))
                } catch {
                    return .failure(error)
                }
            }
            inFlight[slot] = task
            started = true
        }
        let outcome = await task.value
        if started { inFlight[slot] = nil }
        let done = try outcome.get()
        return try check(done.answer, hash: hash, stored: done.requestHash)
    }

    /// What a key's task answered, and for which request.
    struct Outcome: Sendable {
        var answer: Answer
        var requestHash: String
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

    /// Deletes the answers whose 24 h are over.
    func purgeExpired(now: Date = Date()) async throws {
        try await journal.append(JournalEntry(.purgeAnswers(expiredBy: now)))
    }

    /// Runs a service call that stores its own success answer (from `render` of what it made) with its work, and
    /// captures its answer (success or the contract's error) as bytes.
    static func capture<Value: Sendable, Shown: Encodable & Sendable>(
        status: Int, claim: IdempotencyClaim?, render: @escaping @Sendable (Value) -> Data,
        _ call: (AnswerRecipe<Value>?) async throws -> Shown
    ) async -> Answer {
        let recipe = claim.map { AnswerRecipe(claim: $0, status: status, render: render) }
        var answer = await capture(status: status) { try await call(recipe) }
        answer.recorded = recipe?.isRecorded ?? false
        return answer
    }

    /// Runs a service call and captures its answer (success or the contract's error) as bytes.
    static func capture<Value: Encodable & Sendable>(status: Int, _ call: () async throws -> Value) async -> Answer {
        do {
            let value = try await call()
            let body = (value as? any PreEncodedJSON)?.jsonBody ?? (try? JSONCoding.encoder.encode(value)) ?? Data()
            return Answer(status: status, body: body, headers: [:])
        } catch {
            // A storage failure (the database did not answer, or refused the write) is 503, as `ContractErrorMiddleware`
            // says it for the other routes: nothing was done that this answer claims, and a retry may succeed.
            guard let error = error as? BoxOfficeError ?? (StorageFailure.isStorageFailure(error) ? .changeNotSaved : nil) else {
                return Answer(status: 500, body: ErrorResponse.json(code: ErrorResponse.internalCode, message: ErrorResponse.internalMessage), headers: [:])
            }
            // The same body and headers as `ContractErrorMiddleware` gives the routes that are not idempotent.
            return Answer(status: Int(ErrorResponse.status(of: error.kind).code), body: ErrorResponse.json(for: error), headers: ErrorResponse.headers(for: error))
        }
    }
}
