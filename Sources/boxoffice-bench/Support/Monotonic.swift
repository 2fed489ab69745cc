#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Nanoseconds on CLOCK_MONOTONIC. It is one clock for every process of the machine, so a worker's receive
/// time and the parent's answer time can be subtracted.
enum Monotonic {
    static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    /// Microseconds between two readings, 0 when `end` is earlier.
    static func micros(from start: UInt64, to end: UInt64) -> UInt64 {
        end > start ? (end - start) / 1_000 : 0
    }
}
