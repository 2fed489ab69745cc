import SeatEngine

/// The seat engine's invariants; returns every violation found in `map` (empty when it is sound).
func invariantViolations(of map: SeatMap) -> [String] {
    var problems: [String] = []
    var claimed: [String: [BookingID]] = [:]
    for hold in map.holds {
        for seat in hold.seats { claimed[seat, default: []].append(hold.booking) }
        for seat in hold.seats where map.status(of: seat) != .held || map.owner(of: seat) != hold.booking {
            problems.append("hold \(hold.booking) has \(seat) but it is \(String(describing: map.status(of: seat)))")
        }
    }
    for (booking, seats) in map.booked {
        if map.hold(for: booking) != nil { problems.append("\(booking) is both held and booked") }
        for seat in seats { claimed[seat, default: []].append(booking) }
        for seat in seats where map.status(of: seat) != .booked || map.owner(of: seat) != booking {
            problems.append("booking \(booking) has \(seat) but it is \(String(describing: map.status(of: seat)))")
        }
    }
    for (seat, owners) in claimed where owners.count > 1 {
        problems.append("\(seat) is in \(owners.count) live bookings: \(owners.sorted())")
    }
    for (seat, status) in zip(map.seats, map.statuses) {
        let owners = claimed[seat] ?? []
        switch status {
        case .available where !owners.isEmpty || map.owner(of: seat) != nil:
            problems.append("available \(seat) is owned by \(owners)")
        case .held where owners.count != 1 || map.hold(for: owners[0]) == nil:
            problems.append("held \(seat) belongs to \(owners), not exactly one live hold")
        case .booked where owners.count != 1 || map.booked[owners[0]] == nil:
            problems.append("booked \(seat) belongs to \(owners), not exactly one booked booking")
        default:
            break
        }
    }
    let counts = map.counts
    let tally = Dictionary(grouping: map.statuses, by: { $0 }).mapValues(\.count)
    if counts.available + counts.held + counts.booked != counts.total || counts.total != map.seats.count {
        problems.append("counts \(counts) do not add up to \(map.seats.count)")
    }
    if counts.available != tally[.available, default: 0] || counts.held != tally[.held, default: 0]
        || counts.booked != tally[.booked, default: 0]
    {
        problems.append("counts \(counts) disagree with statuses \(tally)")
    }
    let users = map.holds.map(\.user)
    if Set(users).count != users.count { problems.append("a user has two pending bookings on one show") }
    return problems
}
