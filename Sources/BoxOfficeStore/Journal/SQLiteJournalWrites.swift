import GRDB

/// How the SQLite journal writes each kind of entry: the one place a `JournalWrite` becomes SQL.
enum SQLiteJournalWrites {
    /// Writes the entry and, in the same savepoint, the idempotent answer it carries.
    static func apply(_ entry: JournalEntry, in db: Database) throws {
        try apply(entry.write, in: db)
        try entry.answer?.save(db)
        for event in entry.events where !event.channels.isEmpty {
            let at = StorageDate.databaseValue(event.createdAt)
            try BookingWrites.run(
                "INSERT INTO outbox (id, kind, bookingId, createdAt) VALUES (?, ?, ?, ?)", [event.id, event.kind.rawValue, event.bookingId, at], in: db)
            for channel in event.channels {
                try BookingWrites.run(
                    "INSERT INTO outboxDeliveries (eventId, channel, attempts, nextAttemptAt) VALUES (?, ?, 0, ?)", [event.id, channel, at], in: db)
            }
        }
    }

    static func apply(_ write: JournalWrite, in db: Database) throws {
        switch write {
        case .seatChange(let change, let bookings):
            switch bookings {
            case nil: try BookingWrites.record(change, in: db)
            case .locked(let booking, let replaced): try BookingWrites.lock(booking, replacing: replaced, change: change, in: db)
            case .released(let ids, let status): try BookingWrites.release(ids, as: status, change: change, in: db)
            case .booked(let booking, let charge, let ticketCode):
                try BookingWrites.book(booking, charge: charge, ticketCode: ticketCode, change: change, in: db)
            case .cancelled(let booking): try BookingWrites.cancelConfirmed(booking, change: change, in: db)
            }
        case .payment(let step):
            switch step {
            case .created(let payment): try PaymentWrites.insert(payment, in: db)
            case .chargeStarted(let payment, let at): try PaymentWrites.startCharge(payment, at: at, in: db)
            case .refused(let payment, let code, let at): try PaymentWrites.refuse(payment, code: code, at: at, in: db)
            case .chargeFailed(let payment, let code, let response, let transactionId, let at):
                try PaymentWrites.fail(payment, code: code, response: response, transactionId: transactionId, at: at, in: db)
            }
        case .answer(let answer):
            try answer.save(db)
        case .purgeAnswers(let expiredBy):
            try BookingWrites.run("DELETE FROM idempotencyKeys WHERE expiresAt <= ?", [StorageDate.databaseValue(expiredBy)], in: db)
        case .holdExtended(let booking, let expiresAt, let at):
            try BookingWrites.extend(booking, until: expiresAt, at: at, in: db)
        case .admission(let booking, let at):
            try BookingWrites.admit(booking, at: at, in: db)
        }
    }
}
