import Foundation

/// The door while the box office sells (issue #15: "scanning answers p99 < 20 ms while the booking-flow scenario
/// runs"). On its own server, started with an admin: the admin makes an usher's account staff, enough bookings are
/// confirmed for every scan to admit a fresh ticket, then (c)'s booking flow runs closed loop and, at the same time,
/// the usher's scanners scan those tickets at a fixed open-loop rate (latency from each scan's scheduled start).
enum DoorScenario {
    static let key = "door"
    static let title = "Door: ticket scans during the booking flow"

    static func run(_ context: BenchContext) async throws -> ScenarioResult {
        var launch = context.launch(database: "door.sqlite")
        launch.environment = BenchAdmin.environment
        context.log("door: starting a server with an admin")
        let server = try await ServerProcess.start(launch)
        do {
            let result = try await measure(context, server: server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    private static func measure(_ context: BenchContext, server: ServerProcess) async throws -> ScenarioResult {
        let sizes = context.sizes
        let setup = context.setup(server)
        let shows = try await setup.upcomingShows(startingAfter: 2 * 3600)
        let tag = UInt32.random(in: 0...UInt32.max)
        let adminToken = try await setup.login(email: BenchAdmin.email, password: BenchAdmin.password)
        let usher = try await setup.staff(adminToken: adminToken, email: "usher-\(tag)@bench.example")

        // Every scan admits a ticket not scanned before: a quarter more codes than the window's scans.
        let window = Double((sizes.warmup + sizes.doorDuration).components.seconds) + 1
        let ticketCount = Int((sizes.scanRate * window * 1.25).rounded(.up)) + 10
        let ticketShows = Array(shows.prefix(max(1, min(20, shows.count / 2))))
        let flowShows = shows.count > ticketShows.count ? Array(shows.dropFirst(ticketShows.count)) : shows
        let buyers = try await setup.registerUsers(count: 16, prefix: "door-buyer-\(tag)")
        context.log("door: confirming \(ticketCount) bookings on \(ticketShows.count) shows")
        let preparing = Monotonic.now()
        let codes = try await setup.confirmedTickets(count: ticketCount, shows: ticketShows, users: buyers)
        let prepared = Double(Monotonic.now() - preparing) / 1e9
        let flowUsers = try await setup.registerUsers(count: sizes.flowConnections, prefix: "door-flow-\(tag)")

        context.log("door: booking flow on \(sizes.flowConnections) connections, and \(Int(sizes.scanRate)) scans/s")
        let flowPlan = LoadPlan(
            connections: sizes.flowConnections, sources: context.loadSources, rate: sizes.doorFlowRate, warmup: sizes.warmup, duration: sizes.doorDuration)
        // The scanners come from an address of their own, as the door's devices would.
        let scanPlan = LoadPlan(
            connections: sizes.scanConnections, sources: ["127.0.0.10"], rate: sizes.scanRate, warmup: sizes.warmup, duration: sizes.doorDuration)
        let tickets = TicketQueue(codes.shuffled())
        let token = usher.token
        let group = context.loadGroup
        let port = server.port
        async let flowRun = LoadRunner.run(group: group, port: port, plan: flowPlan, serverPid: server.pid) { index in
            FlowUser(token: flowUsers[index % flowUsers.count].token, shows: flowShows, maxSeats: 4, seed: UInt64(index) &+ 9_001)
        }
        async let scanRun = LoadRunner.run(group: group, port: port, plan: scanPlan, serverPid: nil) { _ in
            ScanUser(token: token, tickets: tickets)
        }
        let (flow, scans) = try await (flowRun, scanRun)

        var result = RESTScenarios.row(key, title, scans, unit: "scans/s")
        result.throughput = scans.okPerSecond
        result.usage = flow.usage
        result.seconds = flow.seconds
        result.notes.removeAll()
        result.notes.append(
            String(
                format: "%.0f scans/s offered, open loop from %d staff connections, latency from each scan's scheduled start; %d scans, each a ticket not scanned before (%d confirmed in %.1f s beforehand); %d dropped",
                sizes.scanRate, sizes.scanConnections, scans.ok, codes.count, prepared, scans.dropped))
        result.notes.append(
            "meanwhile (c) booking flow: \(Format.rate(flow.okPerSecond, "bookings/s")), flow p50 \(Format.millis(flow.latency.millis(at: 50))) ms, p99 \(Format.millis(flow.latency.millis(at: 99))) ms, \(flow.conflicts) locks refused (409), \(sizes.flowConnections) connections, "
                + (sizes.doorFlowRate.map { "open loop at \(Format.rate($0, "flows/s")) offered" } ?? "closed loop"))
        if let usage = flow.usage, flow.answered + scans.answered > 0 {
            result.notes.append(String(format: "server CPU %.0f µs per flow or scan", usage.cpuSeconds / Double(flow.answered + scans.answered) * 1e6))
        }
        if flow.connected == 0 { result.failures.append("no flow connection") }
        if flow.ok == 0 { result.failures.append("no booking completed during the scans") }
        for (label, count) in flow.outcomes where label != "ok" && label != "conflict" { result.failures.append("flow: \(count)× \(label)") }
        return result
    }
}
