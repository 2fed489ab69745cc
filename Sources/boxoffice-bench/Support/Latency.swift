import Histogram

/// Latencies in microseconds, from 1 µs to 10 minutes, three significant digits.
typealias Latency = Histogram<UInt64>

extension Histogram where Count == UInt64 {
    static func latency() -> Histogram<UInt64> {
        Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
    }

    /// Records, clamping into the trackable range.
    mutating func recordMicros(_ micros: UInt64) {
        _ = record(Swift.min(Swift.max(micros, 1), 600_000_000))
    }

    /// Milliseconds at a percentile, or nil when nothing was recorded.
    func millis(at percentile: Double) -> Double? {
        totalCount == 0 ? nil : Double(valueAtPercentile(percentile)) / 1_000
    }
}
