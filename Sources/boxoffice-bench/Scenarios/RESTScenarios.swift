import Foundation

/// The REST scenarios on one server: /healthz (the framework's ceiling), (a) seat maps, (b) durable locks under
/// contention, at full speed and at the target rate, and (c) the full booking flow.
enum RESTScenarios {
    static let keys = ["healthz", "seatmap", "locks", "locks-best", "locks-rate", "flow"]
    /// The ones run again on PostgreSQL: what the store changes. /healthz does not touch it, and the rate run only
    /// measures a queue when the server cannot carry the rate (see docs/BENCHMARKS.md).
    static let postgresKeys = ["seatmap", "locks", "flow"]

    /// Runs the scenarios `selection` asks of `store` on one server of that store.
    static func run(_ context: BenchContext, store: BenchStore, only selection: Set<String>) async throws -> [ScenarioResult] {
        let selected = store.selected(keys, in: selection)
        guard !selected.isEmpty else { return [] }
        context.log("rest: starting a server on \(store.name)")
        let launch = try await store.launch(context, name: "rest")
        do {
            let server = try await ServerProcess.start(launch)
            do {
                let results = try await runAll(context, server: server, selected: selected)
                await server.stop()
                await store.discard(name: "rest")
                return results.map(store.relabel)
            } catch {
                await server.stop()
                throw error
            }
        } catch {
            await store.discard(name: "rest")
            throw error
        }
    }

    private static func runAll(_ context: BenchContext, server: ServerProcess, selected: Set<String>) async throws -> [ScenarioResult] {
        let sizes = context.sizes
        let setup = context.setup(server)
        let shows = try await setup.upcomingShows(startingAfter: 2 * 3600)
        context.log("rest: \(shows.count) upcoming shows")
        var results = [ScenarioResult]()
        let plan = LoadPlan(connections: sizes.connections, sources: context.loadSources, rate: nil, warmup: sizes.warmup, duration: sizes.duration)

        var healthz: LoadResult?
        if selected.contains("healthz") {
            context.log("rest: /healthz")
            let load = try await LoadRunner.run(group: context.loadGroup, port: server.port, plan: plan, serverPid: server.pid) { _ in HealthUser() }
            healthz = load
            var result = row("healthz", "/healthz (framework floor)", load, unit: "req/s")
            result.notes.append("\(sizes.connections) connections, closed loop")
            results.append(result)
        }

        if selected.contains("seatmap") {
            context.log("rest: (a) seat maps")
            let ids = shows.map(\.id)
            let load = try await LoadRunner.run(group: context.loadGroup, port: server.port, plan: plan, serverPid: server.pid) { index in
                SeatMapUser(shows: ids, seed: UInt64(index) &+ 11)
            }
            var result = row("seatmap", "(a) seat map GET /api/shows/:id", load, unit: "req/s")
            result.notes.append("\(ids.count) shows, \(sizes.connections) connections, closed loop")
            if let healthz, healthz.answersPerSecond > 0 {
                result.notes.append(String(format: "%.0f%% of /healthz", load.answersPerSecond / healthz.answersPerSecond * 100))
            }
            results.append(result)
        }

        if selected.contains("locks") || selected.contains("locks-best") || selected.contains("locks-rate") {
            let lockShows = Array(shows.prefix(sizes.lockShows))
            context.log("rest: registering \(sizes.lockUsers) users")
            let users = try await setup.registerUsers(count: sizes.lockUsers, prefix: "lock-\(UInt32.random(in: 0...UInt32.max))")
            let lockCrowd = LockCrowd(users: users, shows: lockShows, showsPerUser: sizes.showsPerLockUser)
            let perConnection = lockCrowd.perConnection(sizes.connections)
            let maxSeats = sizes.maxSeatsPerLock
            let crowd = lockCrowd.crowd
            var okFraction = 0.7
            var explicitLocks: LoadResult?
            if selected.contains("locks") {
                context.log("rest: (b) locks, closed loop")
                let load = try await LoadRunner.run(group: context.loadGroup, port: server.port, plan: plan, serverPid: server.pid) { index in
                    LockUser(users: perConnection[index % perConnection.count], maxSeats: maxSeats, seed: UInt64(index) &+ 101)
                }
                explicitLocks = load
                var result = row("locks", "(b) durable locks, contention, full speed", load, unit: "locks/s")
                result.throughput = load.okPerSecond
                result.notes.append(
                    String(
                        format: "%.0f answers/s, %.0f%% 409 seat_unavailable; %d users on %d shows (~%.0f per show), 1–%d seats; %d connections, closed loop",
                        load.answersPerSecond, load.conflictPercent, sizes.lockUsers,
                        lockShows.count, crowd, maxSeats, sizes.connections))
                if load.answered > 0 { okFraction = max(0.2, Double(load.ok) / Double(load.answered)) }
                results.append(result)
            }
            if selected.contains("locks-best") {
                // The same crowd asking for best available ({showId, count}) instead of seats at random (issue #14).
                context.log("rest: (b) locks by best available, closed loop")
                let load = try await LoadRunner.run(group: context.loadGroup, port: server.port, plan: plan, serverPid: server.pid) { index in
                    LockUser(users: perConnection[index % perConnection.count], maxSeats: maxSeats, seed: UInt64(index) &+ 101, best: true)
                }
                var result = row("locks-best", "(b) durable locks by best available, full speed", load, unit: "locks/s")
                result.throughput = load.okPerSecond
                result.notes.append(
                    String(
                        format: "%.0f answers/s, %.0f%% 409; the same users and shows as (b), {showId, count: 1–%d}; %d connections, closed loop",
                        load.answersPerSecond, load.conflictPercent, maxSeats, sizes.connections))
                if let explicit = explicitLocks, explicit.okPerSecond > 0, explicit.ok > 0, explicit.answered > 0, load.ok > 0, load.answered > 0,
                    let explicitCPU = explicit.usage?.cpuSeconds, let bestCPU = load.usage?.cpuSeconds
                {
                    // A 409 costs no commit: per durable lock is what a lock costs; per answer is given too.
                    let perLock = (best: bestCPU / Double(load.ok) * 1e6, explicit: explicitCPU / Double(explicit.ok) * 1e6)
                    let perAnswer = (best: bestCPU / Double(load.answered) * 1e6, explicit: explicitCPU / Double(explicit.answered) * 1e6)
                    result.notes.append(
                        String(
                            format: "beside (b) in this run: durable locks/s **%.0f%%** of explicit locks' (%.0f vs %.0f); server CPU per durable lock **%.0f%%** (%.0f vs %.0f µs), per answer %.0f%% (%.0f vs %.0f µs)",
                            load.okPerSecond / explicit.okPerSecond * 100, load.okPerSecond, explicit.okPerSecond,
                            perLock.best / perLock.explicit * 100, perLock.best, perLock.explicit,
                            perAnswer.best / perAnswer.explicit * 100, perAnswer.best, perAnswer.explicit))
                }
                results.append(result)
            }
            if selected.contains("locks-rate") {
                let rate = sizes.lockTargetRate / okFraction
                context.log("rest: (b) locks at \(Int(rate)) requests/s")
                var ratePlan = plan
                ratePlan.rate = rate
                ratePlan.connections = max(sizes.connections, 64)
                let load = try await LoadRunner.run(group: context.loadGroup, port: server.port, plan: ratePlan, serverPid: server.pid) { index in
                    LockUser(users: perConnection[index % perConnection.count], maxSeats: maxSeats, seed: UInt64(index) &+ 1_001)
                }
                var result = row("locks-rate", "(b) durable locks at the target rate", load, unit: "locks/s")
                result.throughput = load.okPerSecond
                result.notes.append(
                    String(
                        format: "open loop at %.0f requests/s (for %.0f 201s/s), latency from each request's scheduled start; %.0f%% 409; %d dropped",
                        rate, sizes.lockTargetRate, load.conflictPercent, load.dropped))
                results.append(result)
            }
        }

        if selected.contains("flow") {
            context.log("rest: registering \(sizes.flowConnections) flow users")
            let users = try await setup.registerUsers(count: sizes.flowConnections, prefix: "flow-\(UInt32.random(in: 0...UInt32.max))")
            // Shows the lock scenario did not crowd.
            let flowShows = shows.count > sizes.lockShows * 2 ? Array(shows.dropFirst(sizes.lockShows)) : shows
            context.log("rest: (c) booking flow")
            var flowPlan = plan
            flowPlan.connections = sizes.flowConnections
            let load = try await LoadRunner.run(group: context.loadGroup, port: server.port, plan: flowPlan, serverPid: server.pid) { index in
                FlowUser(token: users[index % users.count].token, shows: flowShows, maxSeats: 4, seed: UInt64(index) &+ 7_001)
            }
            var result = row("flow", "(c) booking flow lock → initiate → process (upi)", load, unit: "bookings/s")
            result.throughput = load.okPerSecond
            let steps = ["lock", "initiate", "process"].compactMap { step in
                load.steps[step].map { "\(step) p99 \(Format.millis($0.millis(at: 99))) ms" }
            }
            result.notes.append("latency of the whole flow; " + steps.joined(separator: ", "))
            result.notes.append("\(load.conflicts) locks refused (409); \(sizes.flowConnections) connections, closed loop")
            results.append(result)
        }
        return results
    }

    /// A row from a load: answers per second, latency, server usage, and its failures.
    static func row(_ key: String, _ title: String, _ load: LoadResult, unit: String) -> ScenarioResult {
        var result = ScenarioResult(key: key, title: title)
        result.throughput = load.answersPerSecond
        result.unit = unit
        result.latency = load.latency
        result.seconds = load.seconds
        result.usage = load.usage
        if let cpu = load.cpuMicrosPerAnswer {
            result.notes.append(String(format: "server CPU %.0f µs per answer", cpu))
        }
        if load.connected == 0 { result.failures.append("no connection") }
        let failures = load.outcomes.filter { $0.key != "ok" && $0.key != "conflict" }
        for (label, count) in failures.sorted(by: { $0.value > $1.value }) { result.failures.append("\(count)× \(label)") }
        if load.answered == 0 { result.failures.append("no answer in the window") }
        return result
    }
}
