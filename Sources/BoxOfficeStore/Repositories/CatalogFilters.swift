import Foundation

/// Narrows `GET /api/movies` (which lists only movies now showing).
public struct MovieFilter: Sendable, Equatable {
    /// Only movies with an active show in this city that has not started.
    public var cityId: String?
    public var language: String?
    public var genre: String?
    /// Case-insensitive substring of the title.
    public var query: String?
    /// The admin's list: every movie, active or not, scheduled or not (`cityId` then means offered in that city).
    public var everything: Bool

    public init(cityId: String? = nil, language: String? = nil, genre: String? = nil, query: String? = nil, everything: Bool = false) {
        self.cityId = cityId
        self.language = language
        self.genre = genre
        self.query = query
        self.everything = everything
    }
}

extension MovieFilter {
    /// `query` as a LIKE pattern (`ESCAPE '\'`): a substring match in which `%`, `_` and `\` are literal; nil when
    /// there is no query. Both stores match titles with it.
    var titlePattern: String? {
        guard let query, !query.isEmpty else { return nil }
        let literal = query.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
        return "%" + literal + "%"
    }
}

/// Narrows `GET /api/shows`. Only active shows that have not started are listed.
public struct ShowFilter: Sendable, Equatable {
    public var movieId: String?
    public var cityId: String?
    public var theatreId: String?
    /// A local date (`YYYY-MM-DD`) in the show's city.
    public var date: String?
    /// The admin's list: every show, active or not, started or not.
    public var everything: Bool

    public init(movieId: String? = nil, cityId: String? = nil, theatreId: String? = nil, date: String? = nil, everything: Bool = false) {
        self.movieId = movieId
        self.cityId = cityId
        self.theatreId = theatreId
        self.date = date
        self.everything = everything
    }
}
