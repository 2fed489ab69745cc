import Foundation

/// (f) Recovery: time from spawning the server to /readyz 200 on a database with a million booked seats and
/// pending holds (live ones restored, overdue ones expired before ready). Each restart runs on its own copy of the
/// generated database, so every one of them finds the same overdue holds to expire; the row gives the median.
enum RecoveryScenario {
    static func run(_ context: BenchContext, store: BenchStore) async throws -> ScenarioResult {
        let sizes = context.sizes
        var result = store.relabel(ScenarioResult(key: "recovery", title: "(f) restart to /readyz on a large database"))
        var launch = try await store.launch(context, name: "recovery")
        do {
            context.log("recovery: creating the schema and catalog on \(store.name)")
            let first = try await ServerProcess.start(launch)
            await first.stop()
            context.log("recovery: writing \(sizes.bookedSeats) booked seats straight into \(store.name)")
            let summary = try await RecoveryDatabase.generate(context, store: store, launch: launch)
            let size = try await RecoveryDatabase.size(context, store: store, launch: launch)
            context.log("recovery: \(summary.bookedSeats) seats in \(Format.seconds(summary.seconds)); restarting \(sizes.recoveryRuns)×")
            launch.demo = false
            var runs = [(seconds: Double, usage: ServerUsage?)]()
            for run in 1...max(1, sizes.recoveryRuns) {
                var copy = launch
                copy.database = try await RecoveryDatabase.copy(context, store: store, of: launch, run: run)
                copy.logPath = context.file("recovery-\(run).\(store.key("server")).log")
                do {
                    runs.append(try await restart(context, copy, summary: summary, result: &result))
                } catch {
                    await RecoveryDatabase.removeCopy(context, store: store, run: run)
                    throw error
                }
                await RecoveryDatabase.removeCopy(context, store: store, run: run)
            }
            let sorted = runs.sorted { $0.seconds < $1.seconds }
            let median = sorted[sorted.count / 2]
            result.throughputText = "ready in \(Format.seconds(median.seconds))"
            result.seconds = median.seconds
            result.usage = median.usage
            let each = runs.map { Format.seconds($0.seconds) }.joined(separator: ", ")
            result.notes.append(
                "median of \(runs.count) restarts (\(each)), each on a fresh copy of the database; "
                    + "\(summary.bookedSeats.formatted()) booked seats in \(summary.bookings.formatted()) bookings on \(summary.shows.formatted()) shows, "
                    + "\(summary.liveHoldShows.count) live + \(summary.overdueHoldShows.count) overdue holds; database \(Format.bytes(size)), "
                    + "written in \(Format.seconds(summary.seconds)); time = spawn → first 200 from /readyz (polled every 5 ms), warm page cache")
        } catch {
            await store.discard(name: "recovery")
            throw error
        }
        await store.discard(name: "recovery")
        return result
    }

    /// One restart: spawn, time to ready, check the holds, stop. Returns the time and the server's usage until ready.
    private static func restart(
        _ context: BenchContext, _ launch: ServerLaunch, summary: BigDatabase.Summary, result: inout ScenarioResult
    ) async throws -> (seconds: Double, usage: ServerUsage?) {
        let server = try ServerProcess.spawn(launch)
        do {
            let readyAt = try await server.waitUntilReady(timeout: .seconds(300), interval: .milliseconds(5))
            let seconds = Double(readyAt - server.spawnedAt) / 1e9
            let usage = server.stats().map { ServerUsage(cpuSeconds: $0.cpuSeconds, peakResidentBytes: $0.peakResidentBytes, residentBytes: $0.residentBytes) }
            context.log("recovery: ready in \(Format.seconds(seconds))")
            // The restart must have kept live holds and expired overdue ones.
            let setup = context.setup(server)
            if let show = summary.liveHoldShows.first, try await held(setup, show) != 2 { result.failures.append("a live hold was not restored") }
            if let show = summary.overdueHoldShows.first, try await held(setup, show) != 0 { result.failures.append("an overdue hold was not expired") }
            await server.stop()
            return (seconds, usage)
        } catch {
            await server.stop()
            throw error
        }
    }

    private static func held(_ setup: SetupClient, _ show: String) async throws -> Int {
        let (status, body) = try await setup.get("/api/shows/\(show)/availability")
        guard status == 200, let object = try JSONSerialization.jsonObject(with: body) as? [String: Any], let held = object["held"] as? Int
        else { throw BenchError("availability of \(show) answered \(status)") }
        return held
    }
}
