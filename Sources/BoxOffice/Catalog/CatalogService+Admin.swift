import BoxOfficeStore
import SeatEngine
import Foundation

/// The admin's edits. Every input is validated before anything is written; a failed edit writes nothing.
extension CatalogService {
    // MARK: Cities

    public func createCity(_ input: CityInput) async throws -> City {
        let now = clock.now
        let city = City(
            id: Identifier.make("cty", at: now),
            name: try Validate.text(input.name, field: "name", length: 1...100),
            state: try Validate.text(input.state, field: "state", length: 1...100),
            timeZone: try Validate.timeZone(input.timeZone ?? "Asia/Kolkata", field: "timeZone"),
            createdAt: now, updatedAt: now)
        try await insertingUnique(field: "name", "a city with this name exists") { try await catalog.insert(city) }
        return city
    }

    public func updateCity(id: String, _ patch: CityPatch) async throws -> City {
        guard Identifier.looksValid(id), var city = try await catalog.city(id: id) else { throw BoxOfficeError.notFound("city", id: id) }
        if let name = patch.name { city.name = try Validate.text(name, field: "name", length: 1...100) }
        if let state = patch.state { city.state = try Validate.text(state, field: "state", length: 1...100) }
        if let timeZone = patch.timeZone { city.timeZone = try Validate.timeZone(timeZone, field: "timeZone") }
        if let isActive = patch.isActive { city.isActive = isActive }
        city.updatedAt = clock.now
        try await insertingUnique(field: "name", "a city with this name exists") { try await catalog.update(city) }
        return city
    }

    // MARK: Movies

    public func createMovie(_ input: MovieInput) async throws -> Movie {
        let now = clock.now
        var movie = Movie(
            id: Identifier.make("mov", at: now), title: "", description: "", genres: [], languages: [], durationMinutes: 1, rating: 0,
            releaseDate: "", posterUrl: nil, cityIds: [], createdAt: now, updatedAt: now)
        try await apply(
            MoviePatch(
                title: input.title, description: input.description, genres: input.genres, languages: input.languages,
                durationMinutes: input.durationMinutes, rating: input.rating, releaseDate: input.releaseDate, posterUrl: input.posterUrl,
                cityIds: input.cityIds, isActive: nil),
            to: &movie)
        try await catalog.insert(movie)
        return movie
    }

    public func updateMovie(id: String, _ patch: MoviePatch) async throws -> Movie {
        guard Identifier.looksValid(id), var movie = try await catalog.movie(id: id) else { throw BoxOfficeError.notFound("movie", id: id) }
        try await apply(patch, to: &movie)
        movie.updatedAt = clock.now
        try await catalog.update(movie)
        return movie
    }

    private func apply(_ patch: MoviePatch, to movie: inout Movie) async throws {
        if let title = patch.title { movie.title = try Validate.text(title, field: "title", length: 1...200) }
        if let description = patch.description {
            movie.description = try Validate.text(description, field: "description", length: 0...5000)
        }
        if let genres = patch.genres { movie.genres = try Validate.names(genres, field: "genres", max: 10) }
        if let languages = patch.languages { movie.languages = try Validate.names(languages, field: "languages", max: 10) }
        if let duration = patch.durationMinutes {
            guard (1...600).contains(duration) else {
                throw BoxOfficeError.invalid("durationMinutes", "durationMinutes must be a whole number of minutes from 1 to 600")
            }
            movie.durationMinutes = duration
        }
        if let rating = patch.rating {
            guard rating.isFinite, (0...10).contains(rating) else { throw BoxOfficeError.invalid("rating", "rating must be a number from 0 to 10") }
            movie.rating = rating
        }
        if let releaseDate = patch.releaseDate {
            guard Validate.isDate(releaseDate) else { throw BoxOfficeError.invalid("releaseDate", "releaseDate must be a date YYYY-MM-DD") }
            movie.releaseDate = releaseDate
        }
        if let posterUrl = patch.posterUrl {
            let url = posterUrl.trimmingCharacters(in: .whitespaces)
            let allowed = url.hasPrefix("https://") || url.hasPrefix("http://") || (url.hasPrefix("/") && !url.hasPrefix("//"))
            guard url.isEmpty || (allowed && url.utf8.count <= 2048 && !url.contains(where: \.isWhitespace)) else {
                throw BoxOfficeError.invalid("posterUrl", "posterUrl must be an http(s) URL or a path on this server")
            }
            movie.posterUrl = url.isEmpty ? nil : url
        }
        if let cityIds = patch.cityIds {
            guard cityIds.count <= 500 else { throw BoxOfficeError.invalid("cityIds", "cityIds takes at most 500 cities") }
            var unique = [String]()
            for id in cityIds where !unique.contains(id) {
                guard Identifier.looksValid(id), try await catalog.city(id: id) != nil else {
                    throw BoxOfficeError.invalid("cityIds", "no city with id \(id.prefix(64))")
                }
                unique.append(id)
            }
            movie.cityIds = unique
        }
        if let isActive = patch.isActive { movie.isActive = isActive }
    }

    // MARK: Theatres

    public func createTheatre(_ input: TheatreInput) async throws -> TheatreDetail {
        let now = clock.now
        let id = Identifier.make("thr", at: now)
        let theatre = Theatre(
            id: id,
            name: try Validate.text(input.name, field: "name", length: 1...120),
            cityId: try await existingCity(input.cityId),
            address: try Validate.text(input.address, field: "address", length: 1...300),
            amenities: try Validate.names(input.amenities ?? [], field: "amenities", allowEmpty: true, max: 30),
            createdAt: now, updatedAt: now)
        guard !input.screens.isEmpty else { throw BoxOfficeError.invalid("screens", "a theatre needs at least one screen") }
        let screens = try validScreens(input.screens, theatreId: id)
        let detail = TheatreDetail(theatre: theatre, screens: screens)
        try await catalog.insert(detail)
        return detail
    }

    public func updateTheatre(id: String, _ patch: TheatrePatch) async throws -> TheatreDetail {
        guard Identifier.looksValid(id), let existing = try await catalog.theatre(id: id) else {
            throw BoxOfficeError.notFound("theatre", id: id)
        }
        var theatre = existing.theatre
        if let name = patch.name { theatre.name = try Validate.text(name, field: "name", length: 1...120) }
        if let cityId = patch.cityId { theatre.cityId = try await existingCity(cityId) }
        if let address = patch.address { theatre.address = try Validate.text(address, field: "address", length: 1...300) }
        if let amenities = patch.amenities {
            theatre.amenities = try Validate.names(amenities, field: "amenities", allowEmpty: true, max: 30)
        }
        if let isActive = patch.isActive { theatre.isActive = isActive }
        theatre.updatedAt = clock.now
        let screens = try validScreens(patch.screens ?? [], theatreId: id)
        try await catalog.update(theatre, upserting: screens)
        return try await self.theatre(id: id)
    }

    private func existingCity(_ id: String) async throws -> String {
        guard Identifier.looksValid(id), try await catalog.city(id: id) != nil else {
            throw BoxOfficeError.invalid("cityId", "no city with id \(id.prefix(64))")
        }
        return id
    }

    private func validScreens(_ inputs: [ScreenInput], theatreId: String) throws -> [Screen] {
        guard inputs.count <= 30 else { throw BoxOfficeError.invalid("screens", "a theatre has at most 30 screens") }
        var numbers = Set<Int>()
        return try inputs.enumerated().map { index, input in
            guard (1...99).contains(input.screenNumber) else {
                throw BoxOfficeError.invalid("screens[\(index)].screenNumber", "screenNumber must be from 1 to 99")
            }
            guard numbers.insert(input.screenNumber).inserted else {
                throw BoxOfficeError.invalid("screens[\(index)].screenNumber", "screen \(input.screenNumber) is listed twice")
            }
            let name = try Validate.text(input.name, field: "screens[\(index)].name", length: 1...60)
            if let problem = input.layout.problem() {
                throw BoxOfficeError.invalid("screens[\(index)].layout.\(problem.field)", problem.message)
            }
            return Screen(theatreId: theatreId, screenNumber: input.screenNumber, name: name, layout: input.layout)
        }
    }

    // MARK: Shows

    public func createShow(_ input: ShowInput) async throws -> ShowView {
        let now = clock.now
        let movie = try await existing(movieId: input.movieId)
        guard Identifier.looksValid(input.theatreId), let theatre = try await catalog.theatre(id: input.theatreId) else {
            throw BoxOfficeError.invalid("theatreId", "no theatre with id \(input.theatreId.prefix(64))")
        }
        guard let screen = theatre.screens.first(where: { $0.screenNumber == input.screenNumber }) else {
            throw BoxOfficeError.invalid("screenNumber", "theatre \(theatre.theatre.name) has no screen \(input.screenNumber)")
        }
        guard let city = try await catalog.city(id: theatre.theatre.cityId), let timeZone = TimeZone(identifier: city.timeZone) else {
            throw BoxOfficeError.invalid("theatreId", "the theatre's city is missing")
        }
        // A movie is offered only in its cities (`cityIds`): a show of it elsewhere is refused, not silently listed.
        guard movie.cityIds.contains(city.id) else {
            throw BoxOfficeError.invalid("movieId", "\(movie.title) is not offered in \(city.name); add the city to the movie's cityIds first")
        }
        let startsAt = try validStart(input.startsAt, now: now)
        let local = LocalTime.dateAndTime(of: startsAt, in: timeZone)
        let show = Show(
            id: Identifier.make("shw", at: now), movieId: movie.id, theatreId: theatre.theatre.id, screenNumber: screen.screenNumber,
            cityId: city.id, startsAt: startsAt, endsAt: startsAt.addingTimeInterval(Double(movie.durationMinutes) * 60),
            showDate: local.date, showTime: local.time,
            language: try validLanguage(input.language, movie: movie),
            format: try Validate.text(input.format, field: "format", length: 1...20),
            layout: screen.layout, createdAt: now, updatedAt: now)
        try await ensureScreenFree(for: show)
        try await catalog.insert(show)
        return try await showDetail(id: show.id)
    }

    public func updateShow(id: String, _ patch: ShowPatch) async throws -> ShowView {
        var show = try await show(id: id)
        if let theatreId = patch.theatreId, theatreId != show.theatreId {
            throw BoxOfficeError.invalid("theatreId", "a show cannot move to another theatre; deactivate it and create a new one")
        }
        if let screenNumber = patch.screenNumber, screenNumber != show.screenNumber {
            throw BoxOfficeError.invalid("screenNumber", "a show cannot move to another screen; deactivate it and create a new one")
        }
        let movie = try await existing(movieId: patch.movieId ?? show.movieId)
        show.movieId = movie.id
        if let startsAt = patch.startsAt {
            show.startsAt = try validStart(startsAt, now: clock.now)
        }
        if patch.startsAt != nil || patch.movieId != nil {
            guard let city = try await catalog.city(id: show.cityId), let timeZone = TimeZone(identifier: city.timeZone) else {
                throw BoxOfficeError.invalid("theatreId", "the theatre's city is missing")
            }
            let local = LocalTime.dateAndTime(of: show.startsAt, in: timeZone)
            show.showDate = local.date
            show.showTime = local.time
            show.endsAt = show.startsAt.addingTimeInterval(Double(movie.durationMinutes) * 60)
        }
        if let language = patch.language { show.language = try validLanguage(language, movie: movie) }
        if let format = patch.format { show.format = try Validate.text(format, field: "format", length: 1...20) }
        if let isActive = patch.isActive { show.isActive = isActive }
        show.updatedAt = clock.now
        if show.isActive { try await ensureScreenFree(for: show) }
        try await catalog.update(show)
        return try await showDetail(id: show.id)
    }

    private func existing(movieId: String) async throws -> Movie {
        guard Identifier.looksValid(movieId), let movie = try await catalog.movie(id: movieId) else {
            throw BoxOfficeError.invalid("movieId", "no movie with id \(movieId.prefix(64))")
        }
        return movie
    }

    private func validStart(_ text: String, now: Date) throws -> Date {
        guard let startsAt = LocalTime.instant(rfc3339: text) else {
            throw BoxOfficeError.invalid("startsAt", "startsAt must be an RFC 3339 time such as 2026-11-27T18:30:00Z")
        }
        guard startsAt > now else { throw BoxOfficeError.invalid("startsAt", "startsAt must be in the future") }
        guard startsAt < now.addingTimeInterval(400 * 86_400) else {
            throw BoxOfficeError.invalid("startsAt", "startsAt must be within 400 days")
        }
        return startsAt
    }

    private func validLanguage(_ language: String, movie: Movie) throws -> String {
        let language = try Validate.text(language, field: "language", length: 1...40)
        guard let match = movie.languages.first(where: { $0.caseInsensitiveCompare(language) == .orderedSame }) else {
            throw BoxOfficeError.invalid("language", "\(movie.title) is available in \(movie.languages.joined(separator: ", "))")
        }
        return match
    }

    /// Two active shows never overlap on one screen.
    private func ensureScreenFree(for show: Show) async throws {
        if let clash = try await catalog.overlappingShow(
            theatreId: show.theatreId, screenNumber: show.screenNumber, from: show.startsAt, to: show.endsAt, excluding: show.id)
        {
            throw BoxOfficeError(
                .conflict, "schedule_conflict", "Screen \(show.screenNumber) already has a show from \(clash.showTime) on \(clash.showDate).",
                details: ["showId": .string(clash.id)])
        }
    }

    private func insertingUnique(field: String, _ message: String, _ write: () async throws -> Void) async throws {
        do {
            try await write()
        } catch StoreError.duplicate {
            throw BoxOfficeError(.conflict, "\(field)_taken", message, details: ["field": .string(field)])
        }
    }
}
