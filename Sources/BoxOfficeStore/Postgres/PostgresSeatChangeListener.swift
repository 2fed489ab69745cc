import Foundation
import Logging
import PostgresNIO
import SeatEngine

/// Hears every seat change committed to the database, by any node (the `seatChanges_notify` trigger: "<show> <version>
/// <cause> <at> <effect> <seats>", or "<show> <version>" for a change too large for a notice), every hold extended
/// (`bookings_extension_notify`: "extend <show> <booking> <expires>"), and every edit of a show's row
/// (`shows_notify`: "edit <show>"), on one channel and a connection of its own outside the pool; reconnects when that
/// connection is lost. PostgreSQL delivers notices in commit order, but the seat-changes table stays the truth: a
/// notice that does not follow what a node has is read from it, and after a reconnection every copy is treated as
/// out of date (`onGap`) — the first time too, for copies loaded before the node listened.
struct PostgresSeatChangeListener: SeatChangeListener {
    static let channel = "boxoffice_seat_changes"

    let database: PostgresDatabase
    let logger: Logger

    func run(
        onChange: @escaping @Sendable (_ show: String, _ version: Int64, _ change: CarriedSeatChange?) async -> Void,
        onExtension: @escaping @Sendable (_ show: String, _ booking: String, _ expiresAt: Date) async -> Void,
        onShowEdit: @escaping @Sendable (_ show: String) async -> Void,
        onGap: @escaping @Sendable () async -> Void
    ) async {
        var failures = 0
        while !Task.isCancelled {
            do {
                try await database.withProbeConnection { connection in
                    try await connection.listen(on: Self.channel) { notices in
                        failures = 0
                        // Listening (again): whatever was committed before — while the connection was down, or, the first
                        // time, while this node loaded copies of shows before it listened — went unheard.
                        await onGap()
                        for try await notice in notices {
                            switch Notice(notice.payload) {
                            case .change(let show, let version, let change): await onChange(show, version, change)
                            case .holdExtended(let show, let booking, let expiresAt): await onExtension(show, booking, expiresAt)
                            case .showEdit(let show): await onShowEdit(show)
                            case nil: continue
                            }
                        }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                failures += 1
                if failures == 1 { logger.warning("lost the seat-change notices; reconnecting", metadata: ["reason": "\(StorageFailure.reason(error))"]) }
            }
            try? await Task.sleep(for: .milliseconds(min(2000, 100 * failures)))
        }
    }
}

/// One notice on the seat-changes channel, parsed.
enum Notice: Equatable {
    /// A committed seat change; `change` is nil when the notice did not carry it.
    case change(show: String, version: Int64, change: CarriedSeatChange?)
    /// A hold extended: "extend <show> <booking> <expires, µs since 1970>" (`bookings_extension_notify`).
    case holdExtended(show: String, booking: String, expiresAt: Date)
    case showEdit(String)

    init?(_ payload: String) {
        // The seats' JSON is last and may hold spaces (in seat names); the fields before it hold none.
        let parts = payload.split(separator: " ", maxSplits: 5)
        guard parts.count >= 2 else { return nil }
        if parts[0] == "edit", parts.count == 2 {
            self = .showEdit(String(parts[1]))
            return
        }
        if parts[0] == "extend" {
            guard parts.count == 4, let micros = Int64(parts[3]) else { return nil }
            self = .holdExtended(show: String(parts[1]), booking: String(parts[2]), expiresAt: Date(timeIntervalSince1970: Double(micros) / 1_000_000))
            return
        }
        guard let version = Int64(parts[1]) else { return nil }
        let show = String(parts[0])
        guard parts.count == 6, let cause = ChangeCause(rawValue: String(parts[2])), let micros = Int64(parts[3]) else {
            self = .change(show: show, version: version, change: nil)
            return
        }
        self = .change(show: show, version: version, change: CarriedSeatChange(
            show: show, version: version, cause: cause, at: Date(timeIntervalSince1970: Double(micros) / 1_000_000),
            effect: parts[4] == "-" ? nil : String(parts[4]), seats: String(parts[5])))
    }
}
