import SeatEngine

/// The holds this node is charging a card for, by show: a copy of the show loaded while a charge is under way (the
/// copy that pinned the hold went out of date: another node wrote the show) loads the hold pinned for it, so its expiry
/// timer leaves the hold alone and the approved charge books it there (`PaymentService.process`).
actor ChargesUnderway {
    private var pins: [ShowID: [BookingID: PaymentID]] = [:]

    /// `payment` pinned the hold of `booking` on `show` and charges it. Another payment of the booking pinning it on
    /// another copy at the same moment keeps its entry: the database lets one of them charge, and the other ends.
    func begin(show: ShowID, booking: BookingID, payment: PaymentID) {
        guard pins[show]?[booking] == nil else { return }
        pins[show, default: [:]][booking] = payment
    }

    /// `payment`'s charge of `booking` on `show` ended: booked, or given up. Another payment's entry stays.
    func end(show: ShowID, booking: BookingID, payment: PaymentID) {
        guard pins[show]?[booking] == payment else { return }
        pins[show]?[booking] = nil
        if pins[show]?.isEmpty == true { pins[show] = nil }
    }

    /// The holds of `show` being charged here, and the payment charging each.
    func pinned(on show: ShowID) -> [BookingID: PaymentID] {
        pins[show] ?? [:]
    }
}
