import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Gives every request an id: the client's `X-Request-Id` when it sends a sane one, else a new one.
/// The id is in every log line of the request (`request_id`) and echoed in the response.
struct RequestIDMiddleware<Context: RequestContext>: RouterMiddleware {
    static var header: HTTPField.Name { HTTPField.Name("X-Request-Id")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let given = request.headers[Self.header].flatMap { value in
            value.utf8.count <= 64 && value.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F } ? value : nil
        }
        let id = given ?? UUID().uuidString.lowercased()
        var context = context
        context.logger[metadataKey: "request_id"] = .string(id)
        var response = try await next(request, context)
        response.headers[Self.header] = id
        return response
    }
}
