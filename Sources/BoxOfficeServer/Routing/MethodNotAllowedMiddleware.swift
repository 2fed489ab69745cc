import BoxOffice
import HTTPTypes
import Hummingbird

/// Answers a request for a known path with a method that path does not have: 405 `method_not_allowed` in the
/// contract's error shape with an `Allow` header, and OPTIONS with 204 and `Allow` (RFC 9110). Unknown paths
/// pass on (404).
///
/// Add it to the router after every route: Hummingbird gives each route the middleware added before it, and
/// builds its not-found responder from all of them, so this runs only when the router found no endpoint and
/// costs nothing on a matched request.
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: RouteMethods

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let matched = routes.match(request.uri.path), !matched.methods.contains(request.method) else {
            return try await next(request, context)
        }
        // Metrics label the answer with its route, as they do a matched request, not with "NotFound".
        context.coreContext.endpointPath.value = matched.route.description
        let route = matched.route.description.hasPrefix("/") ? matched.route.description : "/" + matched.route.description
        let allowed = RouteMethods.allowed(matched.methods)
        let allow = allowed.joined(separator: ", ")
        if request.method == .options {
            return Response(status: .noContent, headers: [.allow: allow])
        }
        return ErrorResponse.response(
            status: .methodNotAllowed, code: "method_not_allowed",
            message: "\(request.method.rawValue.prefix(20)) is not allowed on \(route); use \(allow).",
            details: ["allowed": .strings(allowed)],
            headers: [.allow: allow])
    }
}
