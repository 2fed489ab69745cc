/// The crowd of the lock scenario (b): each user plays a few of the lock shows, spread over all of them, so each show
/// has a bounded crowd (users × shows a user / shows). The same shape drives `locks`, `pg-locks` and `cluster`.
struct LockCrowd: Sendable {
    var shows: [BenchShow]
    var assignments: [LockAssignment]

    /// User `u` plays `showsPerUser` shows: `shows[(u × showsPerUser + k × 7) mod shows]`.
    init(users: [BenchUser], shows: [BenchShow], showsPerUser: Int) {
        self.shows = shows
        self.assignments = users.enumerated().map { index, user in
            LockAssignment(token: user.token, shows: (0..<showsPerUser).map { shows[(index * showsPerUser + $0 * 7) % shows.count] })
        }
    }

    /// Players per show, on average.
    var crowd: Double {
        shows.isEmpty ? 0 : Double(assignments.reduce(0) { $0 + $1.shows.count }) / Double(shows.count)
    }

    /// The users dealt to `connections` connections, round robin: connection `c` plays users `c`, `c + connections`, …
    func perConnection(_ connections: Int) -> [[LockAssignment]] {
        (0..<connections).map { connection in stride(from: connection, to: assignments.count, by: connections).map { assignments[$0] } }
    }

    /// The same users playing only the shows `keep` accepts (users left with none drop out).
    func only(_ keep: (BenchShow) -> Bool) -> LockCrowd {
        var crowd = self
        crowd.shows = shows.filter(keep)
        crowd.assignments = assignments.compactMap { assignment in
            let kept = assignment.shows.filter(keep)
            return kept.isEmpty ? nil : LockAssignment(token: assignment.token, shows: kept)
        }
        return crowd
    }
}
