import Foundation
import BoxOfficeStore
import SeatEngine

/// Sliding-window limits: at most `limit` events per key within `window`.
///
/// Keeps, per key, the times of the last `limit` events (a bounded ring), so memory is bounded per key;
/// keys idle longer than the window are swept as the limiter is used.
public actor RateLimiter {
    private var events: [String: [Date]] = [:]
    private let clock: any EngineClock
    private var lastSweep: Date

    public init(clock: any EngineClock = SystemClock()) {
        self.clock = clock
        self.lastSweep = clock.now
    }

    /// Records an event for `key` if allowed; returns nil when allowed, or how many seconds until it would be.
    public func attempt(_ key: String, limit: Int, window: TimeInterval) -> Int? {
        let now = clock.now
        sweep(now: now, window: window)
        var times = events[key, default: []].filter { now.timeIntervalSince($0) < window }
        if times.count >= limit, let oldest = times.first {
            events[key] = times
            return max(1, Int((window - now.timeIntervalSince(oldest)).rounded(.up)))
        }
        times.append(now)
        events[key] = times
        return nil
    }

    /// How many seconds until `key` may act again without recording an event (for lockouts checked before work).
    public func blocked(_ key: String, limit: Int, window: TimeInterval) -> Int? {
        let now = clock.now
        let times = events[key, default: []].filter { now.timeIntervalSince($0) < window }
        guard times.count >= limit, let oldest = times.first else { return nil }
        return max(1, Int((window - now.timeIntervalSince(oldest)).rounded(.up)))
    }

    /// Records an event without checking (a failed login).
    public func record(_ key: String, window: TimeInterval, keep: Int) {
        let now = clock.now
        var times = events[key, default: []].filter { now.timeIntervalSince($0) < window }
        times.append(now)
        if times.count > keep { times.removeFirst(times.count - keep) }
        events[key] = times
    }

    /// Forgets `key` (a successful login clears its failures).
    public func reset(_ key: String) {
        events[key] = nil
    }

    private func sweep(now: Date, window: TimeInterval) {
        guard now.timeIntervalSince(lastSweep) > 60 else { return }
        lastSweep = now
        events = events.filter { _, times in times.last.map { now.timeIntervalSince($0) < max(window, 900) } ?? false }
    }
}

/// The contract's limits: per account, per IP and per user.
public struct RateLimits: Sendable {
    let limiter: RateLimiter
    /// When false, the per-IP and per-user limits are lifted (load tests); the failed-login lockout stays.
    let enabled: Bool

    public init(enabled: Bool, clock: any EngineClock = SystemClock()) {
        self.limiter = RateLimiter(clock: clock)
        self.enabled = enabled
    }

    static let failedLogins = (limit: 10, window: 15.0 * 60)

    public func register(ip: String) async throws {
        guard enabled else { return }
        if let wait = await limiter.attempt("register:" + ip, limit: 30, window: 60) { throw Self.tooMany(wait) }
    }

    public func login(ip: String) async throws {
        guard enabled else { return }
        if let wait = await limiter.attempt("login:" + ip, limit: 60, window: 60) { throw Self.tooMany(wait) }
    }

    /// 429 while the account has 10 failed logins within 15 minutes.
    /// The failed-login counter of the account an address names (`EmailIdentity`, so every spelling shares one).
    /// An address longer than any account's shares one counter and is not normalised: it names no account.
    static func failedLoginKey(_ email: String) -> String {
        email.utf8.count <= 1024 ? "failed:" + EmailIdentity.key(email) : "failed:oversized"
    }

    public func checkAccount(_ email: String) async throws {
        if let wait = await limiter.blocked(Self.failedLoginKey(email), limit: Self.failedLogins.limit, window: Self.failedLogins.window) {
            throw Self.tooMany(wait, message: "Too many failed logins for this account; try again later.")
        }
    }

    public func loginFailed(_ email: String) async {
        await limiter.record(Self.failedLoginKey(email), window: Self.failedLogins.window, keep: Self.failedLogins.limit)
    }

    public func loginSucceeded(_ email: String) async {
        await limiter.reset(Self.failedLoginKey(email))
    }

    public func lockSeats(user: String) async throws {
        guard enabled else { return }
        if let wait = await limiter.attempt("lock:" + user, limit: 60, window: 60) { throw Self.tooMany(wait) }
    }

    static func tooMany(_ seconds: Int, message: String = "Too many requests; slow down.") -> BoxOfficeError {
        BoxOfficeError(.rateLimited(retryAfterSeconds: seconds), "rate_limited", message, details: ["retryAfter": .int(seconds)])
    }
}
