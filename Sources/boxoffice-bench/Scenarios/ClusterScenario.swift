import Foundation

/// `cluster` (issue #13): three nodes on one PostgreSQL database (docs/CLUSTER.md), in one run:
/// durable locks through one node and through three (the `locks` load shape), cross-node delivery latency with
/// subscribers on every node (`ClusterDelivery`), and the time from a node's kill -9 to the next lock on its busy show
/// through another node (`ClusterFailover`).
enum ClusterScenario {
    static let key = "cluster"
    /// A second delivery run when the first did not get its rate through: at 60% of what did.
    static let sustainedDelivery = "cluster-delivery-sustained"

    static func run(_ context: BenchContext, cluster: PostgresCluster) async throws -> [ScenarioResult] {
        let count = context.sizes.clusterNodes
        context.log("cluster: starting \(count) nodes on one new database")
        let nodes = try await ClusterNodes.start(context, cluster: cluster, count: count, name: "cluster")
        do {
            let sizes = context.sizes
            let setup = nodes.setup(0)
            let shows = try await setup.upcomingShows(startingAfter: 2 * 3600)
            context.log("cluster: registering \(sizes.lockUsers) users")
            let users = try await setup.registerUsers(count: sizes.lockUsers, prefix: "cluster-\(UInt32.random(in: 0...UInt32.max))")
            let crowd = LockCrowd(users: users, shows: Array(shows.prefix(sizes.lockShows)), showsPerUser: sizes.showsPerLockUser)
            // The feeds' shows are ones the lock loads do not crowd: their users' seats must be free. A second run gets
            // shows of its own (the first run's holds are still there).
            let feedShows = Array(shows.dropFirst(sizes.lockShows).filter { $0.seats.count >= 32 })
            var results = try await locks(context, nodes: nodes, crowd: crowd)
            let title = "Cluster: cross-node delivery while locking, on PostgreSQL"
            let delivery = try await ClusterDelivery.run(
                context, nodes: nodes, shows: Array(feedShows.prefix(sizes.clusterShows)), rate: sizes.clusterLockRate, key: "cluster-delivery", title: title)
            results.append(delivery.result)
            let second = Array(feedShows.dropFirst(sizes.clusterShows).prefix(sizes.clusterShows))
            if delivery.achieved < 0.9 * delivery.offered, !second.isEmpty {
                let rate = max(1, (delivery.achieved * 0.6).rounded())
                context.log("cluster: \(Int(delivery.achieved)) of \(Int(delivery.offered)) locks/s came through; again at \(Int(rate))/s")
                let sustained = try await ClusterDelivery.run(
                    context, nodes: nodes, shows: second, rate: rate, key: sustainedDelivery, title: title + ", below saturation")
                results.append(sustained.result)
            }
            results.append(try await ClusterFailover.run(context, nodes: nodes, crowd: crowd))
            await nodes.stop()
            return results
        } catch {
            await nodes.stop()
            throw error
        }
    }

    /// The lock scenario's users and shows, closed loop, 32 connections: all to node 0 (the other nodes up, idle);
    /// then spread round robin over every node, each connection playing any show (what a load balancer without
    /// affinity does); then with each show's locks sent to one node (`show index mod nodes`: a balancer routing by show).
    private static func locks(_ context: BenchContext, nodes: ClusterNodes, crowd: LockCrowd) async throws -> [ScenarioResult] {
        let sizes = context.sizes
        let lockShows = crowd.shows
        let plan = LoadPlan(connections: sizes.connections, sources: context.loadSources, rate: nil, warmup: sizes.warmup, duration: sizes.duration)
        let maxSeats = sizes.maxSeatsPerLock
        let nodeCount = nodes.nodes.count
        let shape = String(
            format: "%d users on %d shows (~%.0f per show), 1–%d seats, %d connections, closed loop", sizes.lockUsers, lockShows.count, crowd.crowd, maxSeats,
            sizes.connections)

        var results = [ScenarioResult]()
        context.log("cluster: (b) locks through node 0 of \(nodeCount)")
        let single = crowd.perConnection(sizes.connections)
        let one = try await measureLocks(context, nodes: nodes, ports: [nodes.ports[0]], plan: plan) { index in
            LockUser(users: single[index % single.count], maxSeats: maxSeats, seed: UInt64(index) &+ 101)
        }
        results.append(
            one.row(
                "cluster-locks-1", "Cluster: durable locks through 1 node of \(nodeCount), on PostgreSQL",
                note: "\(shape); every request to node 0, the other \(nodeCount - 1) nodes up and idle; server CPU = all nodes"))

        context.log("cluster: (b) locks round robin over \(nodeCount) nodes")
        let spread = try await measureLocks(context, nodes: nodes, ports: nodes.ports, plan: plan) { index in
            LockUser(users: single[index % single.count], maxSeats: maxSeats, seed: UInt64(index) &+ 201)
        }
        results.append(
            spread.row(
                "cluster-locks-3", "Cluster: durable locks through \(nodeCount) nodes, round robin, on PostgreSQL",
                note: "\(shape); connection i to node i mod \(nodeCount), any show on any node" + ratio(spread, one)))

        // Connection i goes to node i mod n and plays only the shows of that node.
        context.log("cluster: (b) locks, each show's locks on one node")
        let showIndex = Dictionary(uniqueKeysWithValues: lockShows.enumerated().map { ($1.id, $0) })
        let pinned = (0..<nodeCount).map { node in
            crowd.only { (showIndex[$0.id] ?? 0) % nodeCount == node }
                .perConnection(sizes.connections / nodeCount + (node < sizes.connections % nodeCount ? 1 : 0))
        }
        let routed = try await measureLocks(context, nodes: nodes, ports: nodes.ports, plan: plan) { index in
            let mine = pinned[index % nodeCount]
            return LockUser(users: mine[(index / nodeCount) % mine.count], maxSeats: maxSeats, seed: UInt64(index) &+ 301)
        }
        results.append(
            routed.row(
                "cluster-locks-3-pinned", "Cluster: durable locks through \(nodeCount) nodes, each show on one node, on PostgreSQL",
                note: "\(shape); show k's locks all to node k mod \(nodeCount) (routing by show)" + ratio(routed, one)))
        return results
    }

    private static func ratio(_ measured: LockMeasurement, _ one: LockMeasurement) -> String {
        guard one.load.okPerSecond > 0 else { return "" }
        return String(format: "; %.0f%% of 1 node's rate", measured.load.okPerSecond / one.load.okPerSecond * 100)
    }

    private static func measureLocks(
        _ context: BenchContext, nodes: ClusterNodes, ports: [Int], plan: LoadPlan, makeUser: @escaping @Sendable (Int) -> any VirtualUser
    ) async throws -> LockMeasurement {
        let before = await nodes.journal()
        let postgresBefore = nodes.postgres?.seconds()
        let started = Monotonic.now()
        let load = try await LoadRunner.run(group: context.loadGroup, ports: ports, plan: plan, serverPids: nodes.pids, makeUser: makeUser)
        let seconds = Double(Monotonic.now() - started) / 1e9
        let postgres = nodes.postgres.flatMap { cpu in postgresBefore.map { cpu.seconds() - $0 } }
        let journal = await nodes.journal() - before
        let measured = LockMeasurement(load: load, journal: journal, seconds: seconds, postgresSeconds: postgres)
        context.log("cluster: " + measured.summary)
        return measured
    }
}

/// One lock load on the cluster, with the journals' batches and PostgreSQL's CPU over it (warm-up included: both are
/// read before and after the whole load).
struct LockMeasurement {
    var load: LoadResult
    var journal: JournalCounters
    var seconds: Double
    var postgresSeconds: Double?

    /// PostgreSQL's CPU for each journal entry, in µs (nil: not measured, or nothing written).
    var postgresMicrosPerEntry: Double? {
        guard let postgresSeconds, journal.entries > 0 else { return nil }
        return postgresSeconds / journal.entries * 1e6
    }

    /// One line for the log: the rate and what each answer and entry cost.
    var summary: String {
        let cpu = load.cpuMicrosPerAnswer.map { String(format: "%.0f µs server CPU an answer", $0) } ?? "–"
        let postgres = postgresMicrosPerEntry.map { String(format: "%.0f µs PostgreSQL CPU an entry", $0) } ?? "–"
        return String(format: "%.0f locks/s, %.0f%% 409, %@, %@, %.1f entries a batch, %.1f ms a batch", load.okPerSecond, load.conflictPercent, cpu,
                      postgres, journal.meanBatch, journal.millisPerBatch)
    }

    func row(_ key: String, _ title: String, note: String) -> ScenarioResult {
        var result = RESTScenarios.row(key, title, load, unit: "locks/s")
        result.throughput = load.okPerSecond
        result.notes.append(String(format: "%.0f answers/s, %.0f%% 409 seat_unavailable", load.answersPerSecond, load.conflictPercent))
        result.notes.append(note)
        if journal.batches > 0 {
            result.notes.append(
                String(
                    format: "journals: %.0f commits/s, %.1f entries a commit (all nodes, warm-up included)", journal.batches / max(seconds, 0.001),
                    journal.meanBatch))
            // A node's writer sends one batch at a time: busy near 100% of the window, it is what the node waits on.
            result.notes.append(
                String(
                    format: "a batch takes %.1f ms; the writers busy %.0f%% of the window (summed over nodes)",
                    journal.millisPerBatch, journal.seconds / max(seconds, 0.001) * 100))
        }
        if let postgresSeconds, let perEntry = postgresMicrosPerEntry {
            result.notes.append(
                String(format: "PostgreSQL CPU %.0f%% of a core, %.0f µs per journal entry", postgresSeconds / max(seconds, 0.001) * 100, perEntry))
        }
        return result
    }
}
