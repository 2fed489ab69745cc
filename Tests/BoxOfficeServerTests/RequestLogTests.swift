@testable import BoxOfficeServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing

/// Keeps every line logged through it, with the metadata the provider adds.
final class CapturedLines: Sendable {
    let lines = Mutex<[Logger.Metadata]>([])
}

struct CapturingHandler: LogHandler {
    let captured: CapturedLines
    var metadataProvider: Logger.MetadataProvider?
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(metadataProvider?.get() ?? [:]) { $1 }.merging(event.metadata ?? [:]) { $1 }
        captured.lines.withLock { $0.append(merged) }
    }
}

@Suite("Request ids in log lines")
struct RequestLogTests {
    @Test("a line logged while serving a request carries its request_id: the client's, or the one echoed back")
    func lineCarriesRequestID() async throws {
        let captured = CapturedLines()
        let logger = Logger(label: "test") { _ in CapturingHandler(captured: captured, metadataProvider: RequestLog.metadata) }
        let router = Router()
        router.add(middleware: RequestIDMiddleware())
        router.get("/work") { _, context -> HTTPResponse.Status in
            context.logger.info("working")
            return .ok
        }
        let app = Application(router: router, logger: logger)
        try await app.test(.router) { client in
            try await client.execute(uri: "/work", method: .get, headers: [RequestIDMiddleware<BasicRequestContext>.header: "client-42"]) { reply in
                #expect(reply.headers[RequestIDMiddleware<BasicRequestContext>.header] == "client-42")
            }
            let fresh = try await client.execute(uri: "/work", method: .get) { $0.headers[RequestIDMiddleware<BasicRequestContext>.header] }
            let lines = captured.lines.withLock { $0 }
            #expect(lines.compactMap { $0["request_id"]?.description } == ["client-42", try #require(fresh)])
        }
        // Outside a request there is no id.
        #expect(RequestLog.metadata.get()["request_id"] == nil)
    }
}
