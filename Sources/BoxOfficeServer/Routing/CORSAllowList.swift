import HTTPTypes
import Hummingbird

/// CORS with an allow-list of origins. With an empty list (the default) no CORS headers are sent, so
/// browsers allow only same-origin calls; a listed origin may call the API with credentials in headers.
struct CORSAllowList<Context: RequestContext>: RouterMiddleware {
    let origins: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin], origins.contains(origin) else {
            return try await next(request, context)
        }
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            return Response(
                status: .noContent,
                headers: [
                    .accessControlAllowOrigin: origin, .vary: "Origin",
                    .accessControlAllowMethods: "GET, POST, PATCH, OPTIONS",
                    .accessControlAllowHeaders: "Authorization, Content-Type, Idempotency-Key, X-Request-Id",
                    .accessControlMaxAge: "600",
                ])
        }
        var response = try await next(request, context)
        response.headers[.accessControlAllowOrigin] = origin
        response.headers[.vary] = "Origin"
        response.headers[.accessControlExposeHeaders] = "Retry-After, X-Request-Id"
        return response
    }
}
