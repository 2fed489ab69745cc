#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's open-file limit (`RLIMIT_NOFILE`, soft): every connection is a descriptor, and so are the database's
/// files, the listening socket and the event loops' own. `ConnectionLimits` is made from it.
public enum OpenFileLimit {
    /// Raising the soft limit past this gains nothing a box office needs and makes the kernel's fd table large.
    static let ceiling = 1 << 20

    /// Raises the soft limit to the hard one (at most `ceiling`) and returns the soft limit in force afterwards; when
    /// raising is refused (the hard limit is unlimited on a system that caps it lower, say), the limit stays as it was.
    /// Process-wide: call it once, from `main`.
    @discardableResult
    public static func raiseToHard() -> Int? {
        guard var limit = read() else { return nil }
        let wanted = min(limit.rlim_max, rlim_t(ceiling))
        if limit.rlim_cur < wanted {
            var raised = limit
            raised.rlim_cur = wanted
            if write(raised) { limit = raised }
        }
        return Int(clamping: limit.rlim_cur)
    }

    /// The soft limit now; nil when it cannot be read.
    public static var current: Int? {
        read().map { Int(clamping: $0.rlim_cur) }
    }

    private static func read() -> rlimit? {
        var limit = rlimit()
        #if canImport(Glibc)
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        #else
        guard getrlimit(RLIMIT_NOFILE, &limit) == 0 else { return nil }
        #endif
        return limit
    }

    private static func write(_ limit: rlimit) -> Bool {
        var limit = limit
        #if canImport(Glibc)
        return setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0
        #else
        return setrlimit(RLIMIT_NOFILE, &limit) == 0
        #endif
    }
}
