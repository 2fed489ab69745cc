import Foundation

/// (f) Recovery: time from spawning the server to /readyz 200 on a database with a million booked seats and
/// pending holds (live ones restored, overdue ones expired before ready).
enum RecoveryScenario {
    static func run(_ context: BenchContext) async throws -> ScenarioResult {
        let sizes = context.sizes
        var result = ScenarioResult(key: "recovery", title: "(f) restart to /readyz on a large database")
        var launch = context.launch(database: "recovery.sqlite")
        context.log("recovery: creating the schema and catalog")
        let first = try await ServerProcess.start(launch)
        await first.stop()
        context.log("recovery: writing \(sizes.bookedSeats) booked seats straight into SQLite")
        let generator = BigDatabase(bookedSeats: sizes.bookedSeats, liveHolds: sizes.liveHolds, overdueHolds: sizes.overdueHolds)
        let path = launch.database
        let summary = try await Task.detached { try generator.generate(path: path) }.value
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        context.log("recovery: \(summary.bookedSeats) seats in \(Format.seconds(summary.seconds)); restarting")
        launch.demo = false
        let server = try ServerProcess.spawn(launch)
        do {
            let readyAt = try await server.waitUntilReady(timeout: .seconds(300), interval: .milliseconds(5))
            let seconds = Double(readyAt - server.spawnedAt) / 1e9
            let stats = server.stats()
            result.throughputText = "ready in \(Format.seconds(seconds))"
            result.seconds = seconds
            result.usage = stats.map { ServerUsage(cpuSeconds: $0.cpuSeconds, peakResidentBytes: $0.peakResidentBytes, residentBytes: $0.residentBytes) }
            result.notes.append(
                "\(summary.bookedSeats.formatted()) booked seats in \(summary.bookings.formatted()) bookings on \(summary.shows.formatted()) shows, "
                    + "\(summary.liveHoldShows.count) live + \(summary.overdueHoldShows.count) overdue holds; database \(Format.bytes(size)), "
                    + "written in \(Format.seconds(summary.seconds)); time = spawn → first 200 from /readyz (polled every 5 ms), warm page cache")
            // The restart must have kept live holds and expired overdue ones.
            let setup = context.setup(server)
            if let show = summary.liveHoldShows.first, try await held(setup, show) != 2 { result.failures.append("a live hold was not restored") }
            if let show = summary.overdueHoldShows.first, try await held(setup, show) != 0 { result.failures.append("an overdue hold was not expired") }
            await server.stop()
        } catch {
            await server.stop()
            throw error
        }
        return result
    }

    private static func held(_ setup: SetupClient, _ show: String) async throws -> Int {
        let (status, body) = try await setup.get("/api/shows/\(show)/availability")
        guard status == 200, let object = try JSONSerialization.jsonObject(with: body) as? [String: Any], let held = object["held"] as? Int
        else { throw BenchError("availability of \(show) answered \(status)") }
        return held
    }
}
