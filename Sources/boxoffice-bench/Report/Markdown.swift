import Foundation

/// The results as markdown: the machine, the table, the targets.
enum Markdown {
    static func table(_ results: [ScenarioResult]) -> String {
        var lines = [
            "| Scenario | Throughput | p50 ms | p99 ms | p99.9 ms | Server CPU | Server peak RSS | Server mem/conn | Notes |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for result in results {
            if let skipped = result.skipped {
                lines.append("| \(result.title) | not run | | | | | | | \(skipped) |")
                continue
            }
            let throughput = result.throughputText ?? Format.rate(result.throughput, result.unit)
            let cpu: String
            if let usage = result.usage {
                cpu = result.seconds > 0
                    ? String(format: "%.1f s (%.0f%%)", usage.cpuSeconds, usage.cpuSeconds / result.seconds * 100) : String(format: "%.2f s", usage.cpuSeconds)
            } else {
                cpu = "–"
            }
            var notes = result.notes
            if let usage = result.usage, usage.machineBusySeconds > 0 {
                notes.append(String(format: "bench process %.1f CPU-s, other processes %.1f CPU-s in the window", usage.benchSeconds, usage.othersSeconds))
            }
            if !result.failures.isEmpty { notes.append("**errors:** " + result.failures.joined(separator: "; ")) }
            lines.append(
                "| \(result.title) | \(throughput) | \(Format.millis(result.latency?.millis(at: 50))) | \(Format.millis(result.latency?.millis(at: 99))) | "
                    + "\(Format.millis(result.latency?.millis(at: 99.9))) | \(cpu) | \(Format.bytes(result.usage?.peakResidentBytes)) | "
                    + "\(Format.bytes(result.perConnection)) | \(notes.joined(separator: "; ").replacingOccurrences(of: "|", with: "/")) |")
        }
        return lines.joined(separator: "\n")
    }

    static func targets(_ checks: [TargetCheck]) -> String {
        var lines = ["| Target (issues #6, #12, #13, #14 and #15) | Measured | Met |", "|---|---|---|"]
        for check in checks {
            let met = check.met.map { $0 ? "yes" : "**no**" } ?? "not measured"
            lines.append("| \(check.target) | \(check.measured) | \(met) |")
        }
        return lines.joined(separator: "\n")
    }

    /// `nproc`, CPU model, memory, kernel, disk of the database directory.
    static func machine(directory: String) -> String {
        func run(_ command: String) -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", command]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice
            guard (try? process.run()) != nil else { return "?" }
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let cpu = run("lscpu | sed -n 's/^Model name: *//p' | head -1")
        let cores = run("nproc")
        let memory = run("free -h | awk '/^Mem:/ {print $2}'")
        let kernel = run("uname -sr")
        let disk = run("df -h '\(directory)' | awk 'NR==2 {print $1\" (\"$2\", \"$4\" free)\"}'")
        let rotational = run("lsblk -dno NAME,ROTA,MODEL 2>/dev/null | head -3 | tr '\\n' ';'")
        return """
            - Machine: \(cores) cores (`nproc`), \(cpu), \(memory) memory, \(kernel)
            - Disk of the database: \(disk); \(rotational.isEmpty ? "" : "lsblk: " + rotational)
            - Load on the machine at the start: \(run("cut -d' ' -f1-3 /proc/loadavg")) (other builds share these 2 cores)
            """
    }
}
