import BoxOfficeStore
import Foundation
import SeatEngine

/// Connects one show's actor to the journal: turns each change and its booking-level effect into the rows
/// that make it durable, in one journal entry, then publishes it.
///
/// It keeps no copy of the show: a lock's booking row takes the show's movie, date and time from `lockingShow`,
/// the copy `BookingService.lock` just read from the show cache (which an admin edit drops before its PATCH
/// answers) — the same copy the 201 is written from. A copy kept since the actor was loaded would put the old
/// date and time into every booking made after an edit.
struct ShowJournal: SeatJournal {
    /// The show as the lock in this task read it; set by `BookingService.lock` around its call to the show's actor.
    /// A task-local because `commit` runs on the show's actor in the locking task, and `SeatEngine` knows no shows.
    @TaskLocal static var lockingShow: LoadedShow?

    let journal: any Journal
    let feed: any SeatChangeFeed
    let currency: String

    init(journal: any Journal, feed: any SeatChangeFeed, currency: String = "INR") {
        self.journal = journal
        self.feed = feed
        self.currency = currency
    }

    nonisolated(nonsending) func commit(_ change: SeatChange, effect: SeatEffect) async throws {
        let bookings: BookingChange
        switch effect {
        case .locked(let hold, let replaced):
            guard let show = Self.lockingShow, show.show.id == change.show else { throw MissingLockingShow() }
            bookings = .locked(Booking(hold: hold, show: show, at: change.at, currency: currency), replacing: replaced?.booking)
        case .released(let hold):
            bookings = .released([hold.booking], as: .cancelled)
        case .expired(let holds):
            bookings = .released(holds.map(\.booking), as: .expired)
        case .booked(let hold, let charge):
            bookings = .booked(hold.booking, charge)
        case .cancelled(let booking, _):
            bookings = .cancelled(booking)
        }
        try await journal.append(JournalEntry(.seatChange(change, bookings)))
    }

    func published(_ change: SeatChange) {
        EngineMetrics.recordChange(change.cause)
        feed.publish(change)
    }
}

/// A lock reached the journal without the show it was made for (a caller other than `BookingService.lock`).
struct MissingLockingShow: Error {}

extension Booking {
    /// The booking row a hold becomes, with each seat's row, column, category and price from the show's layout
    /// (looked up by seat number; in layout order).
    init(hold: Hold, show: LoadedShow, at: Date, currency: String = "INR") {
        self.init(
            id: hold.booking, userId: hold.user, show: show.show, seats: show.seats(numbered: hold.seats), expiresAt: hold.expiresAt,
            createdAt: at, currency: currency)
    }
}
