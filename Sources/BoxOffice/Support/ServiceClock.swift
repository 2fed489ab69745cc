import Foundation

/// Where services read the time; tests pass a fixed or movable one.
public protocol ServiceClock: Sendable {
    var now: Date { get }
}

/// The wall clock.
public struct WallClock: ServiceClock {
    public init() {}
    public var now: Date { Date() }
}
