import Foundation
import Histogram
import NIOHTTP1

/// Failover on a cluster: kill -9 of a node while it serves a busy show, then the time until a lock on that show
/// succeeds through another node.
///
/// There is no show ownership in this design (docs/CLUSTER.md): every node may write every show, so nothing waits
/// for a lease to lapse. What a kill leaves is a show whose last writer is gone, perhaps with a transaction of its
/// open in PostgreSQL until PostgreSQL sees the connection close; the survivor loads the show from the database (or
/// finds its copy stale) and locks. The clock starts when SIGKILL is sent and stops when the survivor's 201 is read;
/// the client switches to the survivor at once (a load balancer's health-check interval is not in it).
enum ClusterFailover {
    static func run(_ context: BenchContext, nodes: ClusterNodes, crowd: LockCrowd) async throws -> ScenarioResult {
        let sizes = context.sizes
        let nodeCount = nodes.nodes.count
        var result = ScenarioResult(key: "cluster-failover", title: "Cluster: kill -9 of a node → next lock on its busy show through another node, on PostgreSQL")
        let prober = try await nodes.setup(0).register(email: "cluster-probe-\(UInt32.random(in: 0...UInt32.max))@bench.example")
        let showIndex = Dictionary(uniqueKeysWithValues: crowd.shows.enumerated().map { ($1.id, $0) })
        let pinned = (0..<nodeCount).map { node in
            crowd.only { (showIndex[$0.id] ?? 0) % nodeCount == node }
                .perConnection(sizes.connections / nodeCount + (node < sizes.connections % nodeCount ? 1 : 0))
        }
        let maxSeats = sizes.maxSeatsPerLock
        var random = SplitMix(seed: 0xFA11)
        var times = Latency.latency()
        var rounds = [String]()
        var rejoins = [Double]()
        var survivorsRefused = [String: Int]()
        var seconds = [Double]()

        for round in 0..<sizes.failovers {
            let victim = round % nodeCount
            let survivor = (victim + 1) % nodeCount
            // The busy show: one whose locks the load sends to the victim.
            let candidates = crowd.shows.indices.filter { $0 % nodeCount == victim }
            let show = crowd.shows[candidates[(round / nodeCount) % candidates.count]]
            let ports = nodes.ports
            let plan = LoadPlan(
                connections: sizes.connections, sources: context.loadSources, rate: nil, warmup: .zero, duration: sizes.failoverLoad)
            context.log("cluster: failover \(round + 1)/\(sizes.failovers): load on \(nodeCount) nodes, then kill -9 of node \(victim)")
            let load = Task {
                try await LoadRunner.run(group: context.loadGroup, ports: ports, plan: plan, serverPids: []) { index in
                    let mine = pinned[index % nodeCount]
                    return LockUser(users: mine[(index / nodeCount) % mine.count], maxSeats: maxSeats, seed: UInt64(index) &+ 401 &+ UInt64(round) << 16)
                }
            }
            try await Task.sleep(for: sizes.failoverLoad / 3)
            // The victim has the show loaded and up to date: its last lock was committed here.
            let before = try await lock(show, on: nodes.setup(victim), token: prober.token, maxSeats: 2, random: &random)
            let killedAt = await nodes.crash(victim)
            var firstAnswer: UInt64?
            var succeeded: UInt64?
            var answers = [String: Int]()
            let survivorSetup = nodes.setup(survivor)
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline {
                let status: Int
                do {
                    status = try await lock(show, on: survivorSetup, token: prober.token, maxSeats: 2, random: &random)
                } catch {
                    answers["no answer", default: 0] += 1
                    continue
                }
                if firstAnswer == nil { firstAnswer = Monotonic.now() }
                if status == 201 {
                    succeeded = Monotonic.now()
                    break
                }
                answers["\(status)", default: 0] += 1
            }
            let loadResult = try await load.value
            for (label, count) in loadResult.outcomes where label != "ok" && label != "conflict" && label != "io" { survivorsRefused[label, default: 0] += count }
            guard let succeeded else {
                result.failures.append("round \(round + 1): no lock on the show through node \(survivor) within 30 s (\(answers))")
                _ = try await nodes.restart(victim)
                continue
            }
            let failover = Double(succeeded - killedAt) / 1e9
            seconds.append(failover)
            times.recordMicros(Monotonic.micros(from: killedAt, to: succeeded))
            let refusals = answers.isEmpty ? "" : ", before it: " + answers.sorted { $0.key < $1.key }.map { "\($0.value)× \($0.key)" }.joined(separator: ", ")
            let first = firstAnswer.map { Format.millis(Double($0 - killedAt) / 1e6) } ?? "–"
            rounds.append(
                "\(round + 1): node \(victim) killed → 201 from node \(survivor) in \(Format.millis(failover * 1_000)) ms (first answer \(first) ms\(refusals); the victim's last lock on the show: \(before))")
            rejoins.append(try await nodes.restart(victim))
        }
        let sorted = seconds.sorted()
        let median = sorted.isEmpty ? nil : sorted[sorted.count / 2]
        result.throughputText = median.map { "median \(Format.millis($0 * 1_000)) ms" } ?? "–"
        result.seconds = median ?? 0
        result.latency = times
        result.notes.append(
            "\(sizes.failovers) kills, each of another node, under the pinned lock load (\(sizes.connections) connections, closed loop); "
                + "time = SIGKILL sent → the survivor's 201 read; the probe switches node at once and tries again on any refusal")
        result.notes += rounds
        if !rejoins.isEmpty {
            result.notes.append("the killed node restarted on the same database: ready in " + rejoins.map { Format.seconds($0) }.joined(separator: ", "))
        }
        if !survivorsRefused.isEmpty {
            result.notes.append(
                "the load's answers from the survivors meanwhile, other than 201/409: "
                    + survivorsRefused.sorted { $0.value > $1.value }.map { "\($0.value)× \($0.key)" }.joined(separator: ", "))
        }
        return result
    }

    /// One lock of 1…`maxSeats` adjacent seats on `show`; its status.
    private static func lock(_ show: BenchShow, on setup: SetupClient, token: String, maxSeats: Int, random: inout SplitMix) async throws -> Int {
        let seats = randomSeats(of: show, count: 1 + random.below(maxSeats), random: &random)
        let body = try JSONSerialization.data(withJSONObject: ["showId": show.id, "seats": seats])
        return try await setup.send("/api/bookings/lock-seats", method: .POST, body: body, token: token).status
    }
}
