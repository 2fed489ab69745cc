import Foundation
import GRDB
import Histogram
import NIOCore
import NIOHTTP1

/// What webhooks cost the box office (issue #16: "with three webhooks registered and a receiver that answers slowly
/// (500 ms), the durable-locks and booking-flow scenarios stay within 10% of their rate without webhooks, in the same
/// run"). Rounds alternate (without, with; then with, without …), each on a fresh server and database: the admin
/// registers three webhooks for every event (`*`) on a receiver in this process that answers each POST after 500 ms,
/// then (b)'s durable locks and (c)'s booking flow run closed loop, as in the REST scenarios. Events pile up behind the
/// slow receiver (each webhook takes at most two a second, in order): what is measured is that they never slow a lock or
/// a booking.
enum WebhookCostScenario {
    static let key = "webhooks"
    static let title = "(b) locks and (c) booking flow with three webhooks on a slow receiver"

    struct Run {
        var webhooks: Bool
        var locks: LoadResult
        var flow: LoadResult
        var events = 0
    }

    static func run(_ context: BenchContext) async throws -> ScenarioResult {
        let receiver = try await SlowReceiver.start(group: context.loadGroup, delay: .milliseconds(500))
        var runs = [Run]()
        do {
            for round in 0..<max(1, context.sizes.webhookRounds) {
                for webhooks in AlternatingRuns.order(round) {
                    runs.append(try await measure(context, round: round, receiver: webhooks ? receiver : nil))
                }
            }
        } catch {
            await receiver.stop()
            throw error
        }
        let answered = receiver.requests
        await receiver.stop()
        return summary(runs, receiverAnswers: answered, context.sizes)
    }

    private static func measure(_ context: BenchContext, round: Int, receiver: SlowReceiver?) async throws -> Run {
        let sizes = context.sizes
        let name = "webhooks-\(round)-\(receiver == nil ? "plain" : "hooks")"
        var launch = context.launch(database: name + ".sqlite")
        launch.environment = BenchAdmin.environment
        context.log("webhooks: round \(round + 1), \(receiver == nil ? "without" : "with three") webhooks")
        let server = try await ServerProcess.start(launch)
        do {
            let setup = context.setup(server)
            if let receiver {
                let admin = try await setup.login(email: BenchAdmin.email, password: BenchAdmin.password)
                for index in 0..<3 {
                    let body = try JSONSerialization.data(withJSONObject: ["url": "http://127.0.0.1:\(receiver.port)/hook-\(index)", "events": ["*"]])
                    let (status, answer) = try await setup.send("/api/admin/webhooks", method: .POST, body: body, token: admin)
                    guard status == 201 else { throw BenchError("webhook registration answered \(status): \(String(decoding: answer.prefix(200), as: UTF8.self))") }
                }
            }
            let shows = try await setup.upcomingShows(startingAfter: 2 * 3600)
            let tag = "\(name)-\(UInt32.random(in: 0...UInt32.max))"
            let plan = LoadPlan(connections: sizes.connections, sources: context.loadSources, rate: nil, warmup: sizes.warmup, duration: sizes.duration)

            let lockShows = Array(shows.prefix(sizes.lockShows))
            let lockers = try await setup.registerUsers(count: sizes.lockUsers, prefix: "lock-\(tag)")
            let perConnection = LockCrowd(users: lockers, shows: lockShows, showsPerUser: sizes.showsPerLockUser).perConnection(sizes.connections)
            let maxSeats = sizes.maxSeatsPerLock
            let locks = try await LoadRunner.run(group: context.loadGroup, port: server.port, plan: plan, serverPid: server.pid) { index in
                LockUser(users: perConnection[index % perConnection.count], maxSeats: maxSeats, seed: UInt64(index) &+ 101)
            }

            let buyers = try await setup.registerUsers(count: sizes.flowConnections, prefix: "flow-\(tag)")
            let flowShows = shows.count > sizes.lockShows * 2 ? Array(shows.dropFirst(sizes.lockShows)) : shows
            var flowPlan = plan
            flowPlan.connections = sizes.flowConnections
            let flow = try await LoadRunner.run(group: context.loadGroup, port: server.port, plan: flowPlan, serverPid: server.pid) { index in
                FlowUser(token: buyers[index % buyers.count].token, shows: flowShows, maxSeats: 4, seed: UInt64(index) &+ 7_001)
            }
            var run = Run(webhooks: receiver != nil, locks: locks, flow: flow)
            run.events = try events(launch.database)
            await server.stop()
            return run
        } catch {
            await server.stop()
            throw error
        }
    }

    /// Webhook deliveries written to the outbox (delivered or waiting), read from the server's database.
    private static func events(_ path: String) throws -> Int {
        var configuration = Configuration()
        configuration.readonly = true
        let database = try DatabaseQueue(path: path, configuration: configuration)
        return try database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outboxDeliveries WHERE channel LIKE 'webhook:%'") ?? 0 }
    }

    private static func summary(_ runs: [Run], receiverAnswers: Int, _ sizes: BenchSizes) -> ScenarioResult {
        func rate(_ runs: [Run], _ load: KeyPath<Run, LoadResult>) -> Double {
            let seconds = runs.map { $0[keyPath: load].seconds }.reduce(0, +)
            return seconds > 0 ? Double(runs.map { $0[keyPath: load].ok }.reduce(0, +)) / seconds : 0
        }
        let with = runs.filter(\.webhooks)
        let without = runs.filter { !$0.webhooks }
        var result = ScenarioResult(key: key, title: title)
        result.unit = "bookings/s"
        result.throughput = rate(with, \.flow)
        result.baseline = rate(without, \.flow)
        var latency = Latency.latency()
        for run in with { latency.add(run.flow.latency) }
        result.latency = latency
        result.seconds = with.map(\.flow.seconds).reduce(0, +)
        result.usage = with.last?.flow.usage
        for (label, load) in [("(b) locks", \Run.locks), ("(c) flow", \Run.flow)] as [(String, KeyPath<Run, LoadResult>)] {
            let plain = rate(without, load)
            let hooked = rate(with, load)
            var plainLatency = Latency.latency()
            var hookedLatency = Latency.latency()
            for run in without { plainLatency.add(run[keyPath: load].latency) }
            for run in with { hookedLatency.add(run[keyPath: load].latency) }
            let ratio = plain > 0 ? String(format: "%.1f%%", hooked / plain * 100) : "–"
            func cpuPerOK(_ runs: [Run]) -> String {
                let ok = runs.map { $0[keyPath: load].ok }.reduce(0, +)
                let cpu = runs.compactMap { $0[keyPath: load].usage?.cpuSeconds }.reduce(0, +)
                return ok > 0 && cpu > 0 ? String(format: "%.0f µs", cpu / Double(ok) * 1e6) : "–"
            }
            result.notes.append(
                "\(label): with webhooks \(Format.rate(hooked, label.hasPrefix("(b)") ? "locks/s" : "bookings/s")) (p99 \(Format.millis(hookedLatency.millis(at: 99))) ms) "
                    + "vs without \(Format.rate(plain, label.hasPrefix("(b)") ? "locks/s" : "bookings/s")) (p99 \(Format.millis(plainLatency.millis(at: 99))) ms): **\(ratio)**; "
                    + "each round \(AlternatingRuns.roundRatios(runs, isWith: \.webhooks, rate: { $0[keyPath: load].okPerSecond })); server CPU per success \(cpuPerOK(with)) with, \(cpuPerOK(without)) without")
        }
        result.notes.append(
            "\(with.map(\.events).reduce(0, +)) webhook deliveries written in the runs with webhooks (three per event), \(receiverAnswers) answered by the 500 ms receiver meanwhile")
        result.notes.append(
            "\(runs.count) runs alternating, each on its own server; \(sizes.connections) connections for (b), \(sizes.flowConnections) for (c), closed loop, "
                + "\(sizes.duration) each")
        for run in with where run.events == 0 { result.failures.append("no webhook event was written in a run with webhooks") }
        for run in runs {
            for (label, load) in [("locks", run.locks), ("flow", run.flow)] {
                if load.ok == 0 { result.failures.append("\(label): nothing succeeded") }
                for (outcome, count) in load.outcomes where outcome != "ok" && outcome != "conflict" {
                    result.failures.append("\(run.webhooks ? "with" : "without") webhooks, \(label): \(count)× \(outcome)")
                }
            }
        }
        return result
    }
}
