@testable import BoxOfficeStore
import Foundation
import SeatEngine

/// A store's writer for tests of which entries go into which transaction, and when (the real writers' transactions are
/// tested in JournalTests and PostgresJournalTests): it records each batch it is given, as its entries' names, and
/// holds the first one until released — the batch in flight while more entries queue up.
actor RecordingBatchWriter: BatchWriter {
    var batches: [[String]] = []
    private var gate: CheckedContinuation<Void, Never>?
    private var held = false
    private var released = false

    func write(_ batch: [JournalEntry], knownVersions: [String: Int64]) async throws -> BatchOutcome {
        batches.append(batch.map(Self.name))
        if !released && !held {
            held = true
            await withCheckedContinuation { gate = $0 }
        }
        return BatchOutcome(results: batch.map { _ in nil }, versions: knownVersions)
    }

    /// Whether it holds a batch now.
    var holding: Bool { gate != nil }

    /// Lets the held batch (and every later one) through.
    func release() {
        released = true
        gate?.resume()
        gate = nil
    }

    /// "sale N" for a seat change of version N, "admit B" for an admission, an answer's key, else "other".
    static func name(_ entry: JournalEntry) -> String {
        switch entry.write {
        case .seatChange(let change, _): "sale \(change.version)"
        case .admission(let booking, _): "admit \(booking)"
        case .answer(let answer): answer.key
        default: "other"
        }
    }
}
