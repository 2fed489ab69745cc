import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// CPU time and memory of one process, read from /proc: what the server spent on a scenario.
struct ProcessStats: Sendable {
    /// User plus system CPU seconds since the process started.
    var cpuSeconds: Double
    /// Resident set size now (VmRSS), bytes.
    var residentBytes: Int
    /// Peak resident set size (VmHWM) since start or since the last `resetPeak`, bytes.
    var peakResidentBytes: Int
    var threads: Int

    /// Reads /proc/<pid>/stat and /proc/<pid>/status; nil when the process is gone.
    static func read(pid: Int32) -> ProcessStats? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        // Fields after the command name, which may itself hold spaces: state is field 3, utime 14, stime 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        var rss = 0
        var hwm = 0
        var threads = 0
        for line in status.split(separator: "\n") {
            if line.hasPrefix("VmRSS:") { rss = kibibytes(line) }
            if line.hasPrefix("VmHWM:") { hwm = kibibytes(line) }
            if line.hasPrefix("Threads:") { threads = Int(line.split(separator: "\t").last.map(String.init) ?? "") ?? 0 }
        }
        return ProcessStats(cpuSeconds: (user + system) / ticks, residentBytes: rss * 1024, peakResidentBytes: hwm * 1024, threads: threads)
    }

    /// Resets the process's peak RSS to its current RSS (Linux `clear_refs` value 5), so a scenario reports
    /// its own peak. Best effort: without it, the peak is the process's lifetime peak.
    @discardableResult
    static func resetPeak(pid: Int32) -> Bool {
        let fd = open("/proc/\(pid)/clear_refs", O_WRONLY)
        guard fd >= 0 else { return false }
        defer { _ = Glibc.close(fd) }
        return write(fd, "5", 1) == 1
    }

    private static func kibibytes(_ line: Substring) -> Int {
        Int(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "") ?? 0
    }
}

/// Server CPU and memory over one measured window.
struct ServerUsage: Sendable {
    var cpuSeconds: Double
    var peakResidentBytes: Int
    var residentBytes: Int
    /// CPU seconds the whole machine was busy, and the bench's own main process, over the window: what is left
    /// went to other processes (worker processes of the live scenarios, or other people's builds and tests).
    var machineBusySeconds: Double = 0
    var benchSeconds: Double = 0

    var othersSeconds: Double { max(0, machineBusySeconds - cpuSeconds - benchSeconds) }

    /// Busy CPU seconds of the whole machine since boot (/proc/stat: all but idle and iowait).
    static func machineBusy() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8), let line = text.split(separator: "\n").first else { return 0 }
        let fields = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard fields.count >= 5 else { return 0 }
        let busy = fields.reduce(0, +) - fields[3] - fields[4]
        return busy / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Starts a window: resets the peak and remembers the CPU time so far. Over several processes (the nodes of a
    /// cluster) the CPU is their sum, and so are the RSS figures (each node's own peak, added).
    struct Window {
        let pids: [Int32]
        let starts: [ProcessStats?]
        let machineStart: Double
        let benchStart: Double

        init(pid: Int32) { self.init(pids: [pid]) }

        init(pids: [Int32]) {
            self.pids = pids
            for pid in pids { ProcessStats.resetPeak(pid: pid) }
            self.starts = pids.map { ProcessStats.read(pid: $0) }
            self.machineStart = ServerUsage.machineBusy()
            self.benchStart = ProcessStats.read(pid: getpid())?.cpuSeconds ?? 0
        }

        func finish() -> ServerUsage {
            let ends = pids.map { ProcessStats.read(pid: $0) }
            // A process gone during the window (killed on purpose) counts up to its last reading: none, here.
            let cpu = zip(starts, ends).reduce(0.0) { sum, pair in
                guard let start = pair.0, let end = pair.1 else { return sum }
                return sum + end.cpuSeconds - start.cpuSeconds
            }
            return ServerUsage(
                cpuSeconds: cpu,
                peakResidentBytes: ends.reduce(0) { $0 + ($1?.peakResidentBytes ?? 0) },
                residentBytes: ends.reduce(0) { $0 + ($1?.residentBytes ?? 0) },
                machineBusySeconds: ServerUsage.machineBusy() - machineStart,
                benchSeconds: (ProcessStats.read(pid: getpid())?.cpuSeconds ?? 0) - benchStart)
        }
    }
}
