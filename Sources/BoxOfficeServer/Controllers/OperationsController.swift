import BoxOfficeStore
import Foundation
import Hummingbird
import NIOCore
import Prometheus

/// Liveness, readiness, metrics and the API description.
struct OperationsController {
    let health: any StoreHealth
    let readiness: Readiness
    let registry: PrometheusCollectorRegistry
    let openAPI: Data

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("healthz", use: health)
        router.get("readyz", use: ready)
        router.get("metrics", use: metrics)
        router.get("api/openapi.json", use: openAPIDocument)
    }

    /// The process is up and answering.
    @Sendable func health(_ request: Request, context: AppRequestContext) async throws -> Response {
        Self.json(#"{"status":"ok"}"#)
    }

    /// 200 once start-up work is done and the database answers; 503 before.
    @Sendable func ready(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard readiness.isReady else {
            return ErrorResponse.response(status: .serviceUnavailable, code: "starting", message: "Still starting up.")
        }
        guard await health.isReachable() else {
            return ErrorResponse.response(status: .serviceUnavailable, code: "unavailable", message: "The database does not answer.")
        }
        return Self.json(#"{"status":"ready"}"#)
    }

    /// Prometheus text format.
    @Sendable func metrics(_ request: Request, context: AppRequestContext) async throws -> Response {
        var bytes = [UInt8]()
        registry.emit(into: &bytes)
        if let pool = health.connectionPool { bytes += Array(pool.prometheusText.utf8) }
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    @Sendable func openAPIDocument(_ request: Request, context: AppRequestContext) async throws -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: openAPI)))
    }

    static func json(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
