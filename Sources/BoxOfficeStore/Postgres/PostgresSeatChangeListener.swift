import Logging
import PostgresNIO

/// Hears every seat change committed to the database, by any node (the `seatChanges_notify` trigger: "<show> <version>"),
/// and every edit of a show's row (`shows_notify`: "edit <show>"), on one channel and a connection of its own outside
/// the pool; reconnects when that connection is lost. Notices are wake-ups, not the data: the
/// seat-changes table is the truth, and after a reconnection every copy is treated as out of date (`onGap`).
struct PostgresSeatChangeListener: SeatChangeListener {
    static let channel = "boxoffice_seat_changes"

    let database: PostgresDatabase
    let logger: Logger

    func run(
        onChange: @escaping @Sendable (_ show: String, _ version: Int64) async -> Void, onShowEdit: @escaping @Sendable (_ show: String) async -> Void,
        onGap: @escaping @Sendable () async -> Void
    ) async {
        var failures = 0
        var listenedBefore = false
        while !Task.isCancelled {
            do {
                try await database.withProbeConnection { connection in
                    try await connection.listen(on: Self.channel) { notices in
                        failures = 0
                        // Listening again: whatever was committed while the connection was down went unheard.
                        if listenedBefore { await onGap() }
                        listenedBefore = true
                        for try await notice in notices {
                            let parts = notice.payload.split(separator: " ")
                            guard parts.count == 2 else { continue }
                            if parts[0] == "edit" {
                                await onShowEdit(String(parts[1]))
                            } else if let version = Int64(parts[1]) {
                                await onChange(String(parts[0]), version)
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
