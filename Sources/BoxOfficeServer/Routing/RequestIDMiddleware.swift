import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Gives every request an id: the client's `X-Request-Id` when it sends a sane one, else a new one.
/// The id is in every log line of the request (`request_id`) and echoed in the response.
///
/// The id reaches the log lines through a task-local read by `requestLogMetadata`, the metadata provider the
/// process's logging is bootstrapped with: it is only looked at when a line is written. Setting it on
/// `context.logger` instead copied the logger's storage and its handler's metadata on every request (2–3% of a
/// lock's server CPU) for log lines that are almost never written.
struct RequestIDMiddleware<Context: RequestContext>: RouterMiddleware {
    static var header: HTTPField.Name { HTTPField.Name("X-Request-Id")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let given = request.headers[Self.header].flatMap { value in
            value.utf8.count <= 64 && value.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F } ? value : nil
        }
        let id = given ?? UUID().uuidString.lowercased()
        var response = try await RequestLog.$id.withValue(id) { try await next(request, context) }
        response.headers[Self.header] = id
        return response
    }
}
