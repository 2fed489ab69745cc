import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Prometheus
import Testing

@testable import BoxOfficeServer

@Suite("Operations endpoints")
struct OperationsTests {
    @Test("healthz and readyz answer 200 once the server runs; readyz checks the database")
    func health() async throws {
        try await TestServer.withRouter { api in
            #expect(try await api.get("/healthz").status == 200)
            // Readiness comes once start-up recovery has run; it may answer 503 "starting" for a moment.
            var ready = try await api.get("/readyz")
            for _ in 0..<50 where ready.status != 200 {
                #expect(ready.status == 503)
                #expect(ready.json.errorCode == "starting")
                try await Task.sleep(for: .milliseconds(100))
                ready = try await api.get("/readyz")
            }
            #expect(ready.status == 200)
            #expect(ready.json["status"]?.string == "ready")
        }
    }

    @Test("metrics are Prometheus text; on PostgreSQL they cover the connection pool")
    func metrics() async throws {
        try await TestServer.withRouter { api in
            _ = try await api.get("/api/shows")  // a read through the pool, so it has opened a connection
            let reply = try await api.get("/metrics")
            #expect(reply.status == 200)
            #expect(reply.headers[.contentType]?.hasPrefix("text/plain") == true)
            let values = Dictionary(
                reply.text.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line -> (String, String)? in
                    let parts = line.split(separator: " ")
                    return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
                },
                uniquingKeysWith: { first, _ in first })
            if TestServer.postgresCluster != nil {
                // The test servers' pool: 4 connections (TestServer.options), the database up, nothing refused.
                #expect(values["boxoffice_db_up"] == "1")
                #expect(values["boxoffice_db_pool_size"] == "4")
                #expect(values["boxoffice_db_refused_total"] == "0")
                #expect(values["boxoffice_db_outages_total"] == "0")
                for name in ["boxoffice_db_pool_in_use", "boxoffice_db_pool_waiting", "boxoffice_db_pool_waits_total", "boxoffice_db_errors_total"] {
                    #expect(values[name].flatMap { Int($0) } != nil, "\(name) is missing")
                }
            } else {
                // SQLite has no pool to report.
                #expect(values["boxoffice_db_pool_size"] == nil)
            }
        }
    }

    @Test(
        "the OpenAPI document is served, is OpenAPI 3, and describes every REST route the router has",
        .enabled(if: TestServer.postgresCluster == nil, "no store in it; its parts, built outside a server, would leave a PostgreSQL pool running"))
    func openAPI() async throws {
        let options = TestServer.options()
        let parts = try await buildParts(options, registry: PrometheusCollectorRegistry(), logger: Logger(label: "test"))
        let routes = buildRouter(parts, options: options).routes.map { ($0.method.rawValue.lowercased(), "\($0.path)") }
        #expect(routes.count >= 20)
        try await TestServer.withRouter(options) { api in
            let reply = try await api.get("/api/openapi.json")
            #expect(reply.status == 200)
            let document = reply.json
            #expect(document["openapi"]?.string?.hasPrefix("3.") == true)
            let paths = try #require(document["paths"]?.object)
            for (method, path) in routes {
                let openAPIPath = path.hasPrefix("/") ? path : "/" + path
                #expect(paths[openAPIPath]?[method] != nil, "\(method) \(openAPIPath) is missing from the OpenAPI document")
            }
        }
    }
}
