import HTTPTypes
import Hummingbird

/// Adds the pages' security headers to every response: a strict Content-Security-Policy (scripts and styles only
/// from this origin, so an injected `<script>` or inline handler never runs), `nosniff` and `no-referrer`.
///
/// Added first in `buildRouter`, outside `ContractErrorMiddleware`, so error answers carry the headers too.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] = pagesContentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[referrerPolicyField] = "no-referrer"
        return response
    }
}

/// What the pages in `public/` need and no more: same-origin scripts, styles, fetches and the `/ws` socket.
private let pagesContentSecurityPolicy = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self' ws: wss:",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
].joined(separator: "; ")

/// swift-http-types names no `Referrer-Policy` field.
private let referrerPolicyField = HTTPField.Name("Referrer-Policy")!
