import BoxOffice
import BoxOfficeStore
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1

/// Turns every failure into the contract's error shape, so no client ever sees a bare status or a dropped connection.
struct ContractErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as BoxOfficeError {
            return ErrorResponse.response(for: error)
        } catch PagingError.badCursor {
            return ErrorResponse.response(for: .badParameter("cursor", "cursor was not made by this list"))
        } catch let error as NIOTooManyBytesError {
            _ = error
            return Self.tooLarge
        } catch let error as HTTPParserError {
            // The body broke off mid-request (a bad chunk size, say): the connection ends after this answer
            // (HTTPRequestGuard).
            return RequestRefusal.unparsable(error).response
        } catch let error as any HTTPResponseError {
            return Self.response(for: error, request: request)
        } catch where StorageFailure.isStorageFailure(error) {
            // A full, read-only or failing disk: nothing was written, and a retry may succeed once the disk recovers.
            context.logger.error("storage refused a write", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            return ErrorResponse.response(for: .changeNotSaved)
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))", "path": "\(request.uri.path)"])
            return ErrorResponse.response(status: .internalServerError, code: ErrorResponse.internalCode, message: ErrorResponse.internalMessage)
        }
    }

    static var tooLarge: Response {
        ErrorResponse.response(
            status: .contentTooLarge, code: "payload_too_large", message: "The body is larger than \(AppRequestContext.maxBodyBytes) bytes.")
    }

    /// Framework errors (no route, bad method, too large) in the contract's words.
    static func response(for error: any HTTPResponseError, request: Request) -> Response {
        let status = error.status
        let (code, message): (String, String) =
            switch status.code {
            case 404: ("not_found", "No such endpoint: \(request.method.rawValue) \(request.uri.path.prefix(200)).")
            case 405: ("method_not_allowed", "\(request.method.rawValue) is not allowed here.")
            case 413: ("payload_too_large", "The body is larger than \(AppRequestContext.maxBodyBytes) bytes.")
            case 401: ("unauthorized", "Log in first: send `Authorization: Bearer <token>`.")
            case 403: ("forbidden", "Not allowed.")
            case 400..<500: ("bad_request", (error as? HTTPError)?.body ?? status.reasonPhrase)
            default: (ErrorResponse.internalCode, ErrorResponse.internalMessage)
            }
        return ErrorResponse.response(status: status.code < 400 ? .internalServerError : status, code: code, message: message)
    }
}
