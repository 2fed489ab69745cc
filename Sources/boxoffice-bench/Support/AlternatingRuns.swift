import Foundation

/// A/B runs of a cost scenario (`outbox`, `webhooks`): rounds alternate (without, with; then with, without …), each run
/// on a fresh server, so a machine that gets busier or quieter during the run favours neither side.
enum AlternatingRuns {
    /// The order of round `round`'s two runs: false is the run without what is measured, true the run with it.
    static func order(_ round: Int) -> [Bool] { round % 2 == 0 ? [false, true] : [true, false] }

    /// Each round's with/without ratio of `rate`, in percent ("93%, 88%").
    static func roundRatios<Run>(_ runs: [Run], isWith: (Run) -> Bool, rate: (Run) -> Double) -> String {
        stride(from: 0, to: runs.count - 1, by: 2).compactMap { index -> String? in
            let pair = runs[index...(index + 1)]
            guard let with = pair.first(where: isWith), let without = pair.first(where: { !isWith($0) }), rate(without) > 0 else { return nil }
            return String(format: "%.0f%%", rate(with) / rate(without) * 100)
        }.joined(separator: ", ")
    }
}
