import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Prometheus
import Testing

@testable import BoxOfficeServer

/// Every route of the router as (method, a concrete path), grouped by path: captures become `x`.
private func routesByPath() async throws -> [(path: String, methods: Set<HTTPRequest.Method>)] {
    let options = TestServer.options()
    try await TestServer.createDatabase(for: options)
    let parts = try await buildParts(options, registry: PrometheusCollectorRegistry(), logger: Logger(label: "test"))
    var byPath: [String: Set<HTTPRequest.Method>] = [:]
    var order: [String] = []
    for route in buildRouter(parts, options: options).routes {
        let path = "/" + route.path.components.map { $0 == $0.description ? $0.description : "x" }.joined(separator: "/")
        if byPath[path] == nil { order.append(path) }
        byPath[path, default: []].insert(route.method)
    }
    return order.map { ($0, byPath[$0]!) }
}

@Suite("Methods: 405 with Allow on known paths, 404 on unknown ones, HEAD and OPTIONS")
struct MethodTests {
    static let probed: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete]

    @Test("a wrong method on every route is 405 method_not_allowed with the route's Allow; its own methods are never 405")
    func wrongMethod() async throws {
        let routes = try await routesByPath()
        #expect(routes.count >= 20)
        try await TestServer.withRouter { api in
            for (path, methods) in routes {
                let allowed = methods.union(methods.contains(.get) ? [.head, .options] : [.options])
                for method in Self.probed {
                    let body: String? = method == .get || method == .delete ? nil : "{}"
                    let reply = try await api.request(method, path, body: body)
                    if methods.contains(method) {
                        #expect(reply.status != 405 && reply.status != 500, "\(method) \(path) is a route but answered \(reply.status)")
                        continue
                    }
                    #expect(reply.status == 405, "\(method) \(path) answered \(reply.status)")
                    #expect(reply.json.errorCode == "method_not_allowed", "\(method) \(path): \(reply.text)")
                    #expect(reply.json["error"]?["message"]?.string?.isEmpty == false)
                    let allow = Set(reply.headers[.allow]?.components(separatedBy: ", ").compactMap { HTTPRequest.Method($0) } ?? [])
                    #expect(allow == allowed, "\(method) \(path): Allow \(reply.headers[.allow] ?? "none")")
                    #expect(reply.headers[.contentType]?.hasPrefix("application/json") == true)
                }
            }
        }
    }

    @Test("OPTIONS on every route is 204 with Allow; HEAD on every GET route answers as GET does, without a body")
    func optionsAndHead() async throws {
        let routes = try await routesByPath()
        try await TestServer.withRouter { api in
            try await api.waitForReady()
            for (path, methods) in routes {
                let options = try await api.request(.options, path)
                #expect(options.status == 204, "OPTIONS \(path) answered \(options.status)")
                let allow = Set(options.headers[.allow]?.components(separatedBy: ", ") ?? [])
                #expect(allow.isSuperset(of: methods.map(\.rawValue)) && allow.contains("OPTIONS"), "OPTIONS \(path): \(allow)")
                #expect(options.headers[.accessControlAllowOrigin] == nil, "no CORS grant without an allowed origin")
                guard methods.contains(.get) else { continue }
                let get = try await api.request(.get, path)
                let head = try await api.request(.head, path)
                #expect(head.status == get.status, "HEAD \(path) answered \(head.status), GET \(get.status)")
                #expect(head.body.isEmpty, "HEAD \(path) sent a body")
            }
        }
    }

    @Test("unknown paths stay 404 not_found for every method, OPTIONS included")
    func unknownPaths() async throws {
        try await TestServer.withRouter { api in
            for path in ["/api/nothing-here", "/api/shows/x/nothing", "/api", "/api/bookings/x/confirm/again"] {
                for method in Self.probed + [.options, .head] {
                    let reply = try await api.request(method, path)
                    #expect(reply.status == 404, "\(method) \(path) answered \(reply.status)")
                    if method != .head && method != .options {
                        #expect(reply.json.errorCode == "not_found", "\(method) \(path): \(reply.text)")
                    }
                }
            }
        }
    }

    @Test("a route's literal beats a parameter: GET /api/bookings/lock-seats is 405 (POST only), not a booking lookup")
    func literalBeatsParameter() async throws {
        try await TestServer.withRouter { api in
            let user = try await api.registerUser()
            let reply = try await api.request(.get, "/api/bookings/lock-seats", token: user.token)
            #expect(reply.status == 405)
            #expect(reply.headers[.allow] == "POST, OPTIONS")
        }
    }

    @Test("an allowed origin's preflight is still answered by CORS, with its grant")
    func preflightStillCORS() async throws {
        var options = TestServer.options()
        options.corsOrigins = ["https://partner.example"]
        try await TestServer.withRouter(options) { api in
            let preflight = try await api.request(
                .options, "/api/shows/x", headers: [.origin: "https://partner.example", .accessControlRequestMethod: "GET"])
            #expect(preflight.status == 204)
            #expect(preflight.headers[.accessControlAllowOrigin] == "https://partner.example")
        }
    }
}
