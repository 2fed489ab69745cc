import Foundation
import Histogram
import Synchronization

/// (e) Kiosks: many idle sockets, each watching one theatre's shows of one day, spread over worker processes.
/// With `floor`, the same number of sockets that only send one `ping`: what an idle WebSocket costs in the
/// framework, before any subscription state.
enum KioskScenario {
    static func run(_ context: BenchContext, floor: Bool = false) async throws -> ScenarioResult {
        context.log("\(floor ? "wsfloor" : "kiosk"): starting a server")
        let server = try await ServerProcess.start(context.launch(database: floor ? "wsfloor.sqlite" : "kiosk.sqlite"))
        var workers = WorkerFleet(workers: [])
        let probes = BrowserProbes()
        do {
            let result = try await measure(context, server: server, workers: &workers, probes: probes, floor: floor)
            await workers.finish()
            await server.stop()
            await probes.close()
            return result
        } catch {
            await workers.finish()
            await server.stop()
            await probes.close()
            throw error
        }
    }

    private static func measure(
        _ context: BenchContext, server: ServerProcess, workers: inout WorkerFleet, probes: BrowserProbes, floor: Bool
    ) async throws -> ScenarioResult {
        let sizes = context.sizes
        let sockets = floor ? sizes.floorSockets : sizes.kiosks
        let key = floor ? "wsfloor" : "kiosk"
        var result = ScenarioResult(
            key: key, title: floor ? "Idle WebSocket floor (one ping each)" : "(e) kiosk: idle watchers", unit: "sockets/s")
        let setup = context.setup(server)
        let shows = try await setup.upcomingShows(startingAfter: 600)
        var boards = [String]()
        if floor {
            boards = [#"{"op":"ping"}"#]
        } else {
            if let unsupported = try await LiveSupport.check(port: server.port, show: shows[0].id) {
                return .skipped(key, result.title, because: unsupported)
            }
            // One board per theatre and local date that has shows: what a lobby screen watches.
            var seen = Set<String>()
            for show in shows where seen.insert(show.theatreId + show.showDate).inserted {
                boards.append(#"{"op":"watch","theatre":""# + show.theatreId + #"","date":""# + show.showDate + #""}"#)
            }
        }
        let showsFile = context.file("\(key)-shows.txt")
        let opsFile = context.file("\(key)-ops.txt")
        try shows.map(\.id).joined(separator: "\n").write(toFile: showsFile, atomically: true, encoding: .utf8)
        try boards.joined(separator: "\n").write(toFile: opsFile, atomically: true, encoding: .utf8)

        // Let the server settle before its baseline.
        try await Task.sleep(for: .milliseconds(500))
        let baseline = server.stats()
        let window = ServerUsage.Window(pid: server.pid)
        workers = try context.spawnWorkers(sockets: sockets, port: server.port, showsFile: showsFile, opsFile: opsFile, logName: key)
        context.log("\(key): \(sockets) sockets over \(boards.count) boards from \(workers.workers.count) worker processes")
        let started = Monotonic.now()
        let ready = try await workers.ready(timeout: .seconds(240))
        let connectSeconds = Double(Monotonic.now() - started) / 1e9
        let connectUsage = window.finish()
        let watching = ready.reduce(0) { $0 + $1.ready }
        let failed = ready.reduce(0) { $0 + $1.failed }
        try await Task.sleep(for: .milliseconds(500))
        let connected = server.stats()
        if let baseline, let connected, watching > 0 {
            result.perConnection = (connected.residentBytes - baseline.residentBytes) / watching
        }
        // Idle: what the open sockets cost while nothing happens.
        let idle = ServerUsage.Window(pid: server.pid)
        try await Task.sleep(for: sizes.kioskIdle)
        let idleUsage = idle.finish()
        let reports = try await workers.results(timeout: .seconds(60))
        let total = LiveReport.total(reports)
        result.throughput = connectSeconds > 0 ? Double(watching) / connectSeconds : 0
        result.latency = total.readyLatency
        result.seconds = connectSeconds
        result.usage = ServerUsage(cpuSeconds: connectUsage.cpuSeconds, peakResidentBytes: max(connectUsage.peakResidentBytes, idleUsage.peakResidentBytes),
            residentBytes: idleUsage.residentBytes)
        result.notes.append(
            floor
                ? "\(watching) sockets that sent one ping (\(workers.workers.count) worker processes); latency = connect → pong"
                : "\(watching) sockets watching \(boards.count) theatre-day boards (\(workers.workers.count) worker processes); latency = connect → first availability")
        result.notes.append(
            String(format: "server CPU while idle %.2f s", idleUsage.cpuSeconds) + " over \(sizes.kioskIdle); RSS \(Format.bytes(idleUsage.residentBytes)) with them open")

        // Browser-like sockets with permessage-deflate, on top: what each costs the server.
        if sizes.deflateKiosks > 0 {
            let before = server.stats()
            probes.open(count: sizes.deflateKiosks, port: server.port, operations: boards, deflate: true)
            await probes.waitReady(sizes.deflateKiosks, timeout: .seconds(60))
            try await Task.sleep(for: .milliseconds(500))
            let after = server.stats()
            let probeSeen = probes.seen.withLock { $0 }
            if let before, let after, probeSeen.ready > 0 {
                result.notes.append(
                    "with permessage-deflate (WSClient, \(probeSeen.ready) sockets): \(Format.bytes((after.residentBytes - before.residentBytes) / probeSeen.ready)) each")
            }
            if probeSeen.ready < sizes.deflateKiosks { result.failures.append("only \(probeSeen.ready)/\(sizes.deflateKiosks) deflate kiosks got a first message") }
        }
        if failed > 0 { result.failures.append("\(failed) sockets failed") }
        if watching < sockets { result.failures.append("\(watching)/\(sockets) sockets got their first availability") }
        if total.closedByServer > 0 { result.failures.append("\(total.closedByServer) sockets closed by the server") }
        for (code, count) in total.errors { result.failures.append("\(count)× \(code)") }
        return result
    }
}
