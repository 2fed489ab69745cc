import Foundation
import GRDB
import Histogram

/// What the confirmation email costs a booking (issue #15: "the outbox adds no more than 10% to the cost of a
/// confirmed booking"): (c)'s booking flow on servers without `BOXOFFICE_SMTP_URL` and with it, pointed at an SMTP
/// sink in this process that accepts everything at once. Rounds alternate (without, with; then with, without …), each
/// on a fresh server and database, so a machine that gets busier or quieter during the run favours neither side. After
/// each run with email, the outbox is given `mailDrain` to deliver every confirmation: the sink's count must reach the
/// confirmed bookings in the database, and no delivery may be left undelivered.
enum OutboxCostScenario {
    static let key = "outbox"
    static let title = "(c) booking flow with the email outbox"

    /// One flow run on one server.
    struct Run {
        var mail: Bool
        var load: LoadResult
        var confirmed = 0
        var emails = 0
        var undelivered = 0
        /// Seconds from the end of the load until every email was at the sink (nil: it never was).
        var drained: Double?
        /// Server CPU seconds from the load's start (warm-up included) until its flows settled, and, with email, until
        /// the outbox was drained: every confirmed booking's whole cost, its email included.
        var cpuSeconds = 0.0

        /// Server CPU per confirmed booking, all in, µs.
        var cpuPerConfirmed: Double? { confirmed > 0 && cpuSeconds > 0 ? cpuSeconds / Double(confirmed) * 1e6 : nil }
    }

    static func run(_ context: BenchContext) async throws -> ScenarioResult {
        let sink = try await SMTPSink.start(group: context.loadGroup, pipelining: context.sizes.sinkPipelining)
        defer { Task { await sink.stop() } }
        var runs = [Run]()
        for round in 0..<max(1, context.sizes.outboxRounds) {
            for mail in AlternatingRuns.order(round) {
                runs.append(try await flow(context, round: round, smtpPort: mail ? sink.port : nil, sink: sink))
            }
        }
        await sink.stop()
        return summary(runs, context.sizes)
    }

    private static func flow(_ context: BenchContext, round: Int, smtpPort: Int?, sink: SMTPSink) async throws -> Run {
        let name = "outbox-\(round)-\(smtpPort == nil ? "plain" : "mail")"
        var launch = context.launch(database: name + ".sqlite")
        if let smtpPort { launch.environment = ["BOXOFFICE_SMTP_URL": "smtp://127.0.0.1:\(smtpPort)"] }
        context.log("outbox: round \(round + 1), \(smtpPort == nil ? "without" : "with") BOXOFFICE_SMTP_URL")
        let server = try await ServerProcess.start(launch)
        do {
            let setup = context.setup(server)
            let shows = try await setup.upcomingShows(startingAfter: 2 * 3600)
            let users = try await setup.registerUsers(count: context.sizes.flowConnections, prefix: "\(name)-\(UInt32.random(in: 0...UInt32.max))")
            let before = sink.messages
            let cpuBefore = server.stats()?.cpuSeconds ?? 0
            let plan = LoadPlan(
                connections: context.sizes.flowConnections, sources: context.loadSources, rate: context.sizes.outboxFlowRate, warmup: context.sizes.warmup,
                duration: context.sizes.duration)
            let load = try await LoadRunner.run(group: context.loadGroup, port: server.port, plan: plan, serverPid: server.pid) { index in
                FlowUser(token: users[index % users.count].token, shows: shows, maxSeats: 4, seed: UInt64(index) &+ 17_001)
            }
            var run = Run(mail: smtpPort != nil, load: load)
            // Flows cut off by the end of the load may still confirm: let them land before counting.
            let ended = Monotonic.now()
            try await Task.sleep(for: .milliseconds(300))
            (run.confirmed, run.undelivered) = try counts(launch.database)
            if smtpPort != nil {
                let deadline = ContinuousClock.now + context.sizes.mailDrain
                while true {
                    (run.confirmed, run.undelivered) = try counts(launch.database)
                    run.emails = sink.messages - before
                    if run.undelivered == 0 && run.emails >= run.confirmed {
                        run.drained = Double(Monotonic.now() - ended) / 1e9
                        break
                    }
                    if ContinuousClock.now >= deadline { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            run.cpuSeconds = (server.stats()?.cpuSeconds ?? 0) - cpuBefore
            await server.stop()
            return run
        } catch {
            await server.stop()
            throw error
        }
    }

    /// Confirmed bookings, and email deliveries not yet delivered, read from the server's database while it runs.
    private static func counts(_ path: String) throws -> (confirmed: Int, undelivered: Int) {
        var configuration = Configuration()
        configuration.readonly = true
        let database = try DatabaseQueue(path: path, configuration: configuration)
        return try database.read { db in
            let confirmed = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM bookings WHERE bookingStatus = 'confirmed'") ?? 0
            let undelivered = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outboxDeliveries WHERE deliveredAt IS NULL") ?? 0
            return (confirmed, undelivered)
        }
    }

    private static func summary(_ runs: [Run], _ sizes: BenchSizes) -> ScenarioResult {
        let plain = runs.filter { !$0.mail }
        let mail = runs.filter(\.mail)
        func rate(_ runs: [Run]) -> Double {
            let seconds = runs.map(\.load.seconds).reduce(0, +)
            return seconds > 0 ? Double(runs.map(\.load.ok).reduce(0, +)) / seconds : 0
        }
        func cpuPerBooking(_ runs: [Run]) -> Double? {
            let ok = runs.map(\.load.ok).reduce(0, +)
            let cpu = runs.compactMap(\.load.usage?.cpuSeconds).reduce(0, +)
            return ok > 0 && cpu > 0 ? cpu / Double(ok) * 1e6 : nil
        }
        var result = ScenarioResult(key: key, title: title)
        result.unit = "bookings/s"
        result.throughput = rate(mail)
        var latency = Latency.latency()
        for run in mail { latency.add(run.load.latency) }
        result.latency = latency
        result.seconds = mail.map(\.load.seconds).reduce(0, +)
        result.usage = mail.last?.load.usage
        let withRate = rate(mail)
        let withoutRate = rate(plain)
        result.baseline = withoutRate
        var plainLatency = Latency.latency()
        for run in plain { plainLatency.add(run.load.latency) }
        let ratio = withoutRate > 0 ? String(format: "%.1f%%", withRate / withoutRate * 100) : "–"
        result.notes.append(
            "with email \(Format.rate(withRate, "bookings/s")) vs without \(Format.rate(withoutRate, "bookings/s")) "
                + "(p99 without \(Format.millis(plainLatency.millis(at: 99))) ms): **\(ratio)**; each round's ratio \(AlternatingRuns.roundRatios(runs, isWith: \.mail, rate: \.load.okPerSecond))")
        if let with = cpuPerBooking(mail), let without = cpuPerBooking(plain) {
            result.notes.append(String(format: "server CPU per booking in the window %.0f µs with, %.0f µs without (%.0f%%)", with, without, with / without * 100))
        }
        func allIn(_ runs: [Run]) -> Double? {
            let confirmed = runs.map(\.confirmed).reduce(0, +)
            let cpu = runs.map(\.cpuSeconds).reduce(0, +)
            return confirmed > 0 && cpu > 0 ? cpu / Double(confirmed) * 1e6 : nil
        }
        if let with = allIn(mail), let without = allIn(plain) {
            result.notes.append(
                String(
                    format: "server CPU per confirmed booking all in (load, settling and, with email, the outbox's drain) %.0f µs with, %.0f µs without (%.0f%%)",
                    with, without, with / without * 100))
        }
        // The same per round (its two runs one after the other, so a machine getting busier or quieter moves both): the
        // cost the target speaks of, compared within a round, its median quoted.
        result.roundCostRatios = stride(from: 0, to: runs.count - 1, by: 2).compactMap { index in
            let pair = runs[index...(index + 1)]
            guard let with = pair.first(where: \.mail)?.cpuPerConfirmed, let without = pair.first(where: { !$0.mail })?.cpuPerConfirmed else { return nil }
            return with / without
        }
        if let median = median(result.roundCostRatios) {
            result.notes.append(
                "CPU per confirmed booking, with ÷ without, each round: "
                    + result.roundCostRatios.map { String(format: "%.0f%%", $0 * 100) }.joined(separator: ", ")
                    + String(format: " (median **%.0f%%**)", median * 100))
        }
        result.notes.append(
            "runs in order: "
                + runs.map { run in
                    "\(run.mail ? "with" : "without") \(Format.rate(run.load.okPerSecond, "bookings/s"))"
                        + (run.cpuPerConfirmed.map { String(format: " (%.0f µs CPU a booking)", $0) } ?? "")
                }.joined(separator: ", "))
        let confirmed = mail.map(\.confirmed).reduce(0, +)
        let emails = mail.map(\.emails).reduce(0, +)
        let drains = mail.compactMap { run in
            run.drained.map { String(format: "%.1f s (%.0f emails/s over the load and the drain)", $0, Double(run.emails) / max($0 + run.load.seconds + 1, 0.001)) }
        }
        result.notes.append(
            "\(emails) emails reached the sink for \(confirmed) confirmed bookings; outbox drained \(drains.isEmpty ? "–" : drains.joined(separator: ", ")) after the load")
        result.notes.append(
            "\(runs.count) runs alternating, each on its own server, \(sizes.flowConnections) connections \(sizes.outboxFlowRate.map { "open loop at \(Format.rate($0, "flows/s")) offered" } ?? "closed loop"), \(Format.seconds(Double(sizes.duration.components.seconds))) each; "
                + "the SMTP sink \(sizes.sinkPipelining ? "offers" : "does not offer") PIPELINING")
        for run in mail where run.drained == nil {
            result.failures.append(
                "\(run.emails) emails for \(run.confirmed) confirmed bookings, \(run.undelivered) undelivered \(sizes.mailDrain) after the load")
        }
        for run in mail where run.emails > run.confirmed { result.failures.append("\(run.emails - run.confirmed) emails more than bookings (sent twice)") }
        for run in runs {
            if run.load.ok == 0 { result.failures.append("no booking completed") }
            for (label, count) in run.load.outcomes where label != "ok" && label != "conflict" {
                result.failures.append("\(run.mail ? "with" : "without") email: \(count)× \(label)")
            }
        }
        return result
    }
}
