import BoxOffice
import BoxOfficeStore
import Hummingbird
import Logging

/// `/api/admin`: catalog edits. The group is guarded by `RequireRoleMiddleware.admin` (401 without a token, 403 for anyone else).
struct AdminController {
    let catalog: CatalogService
    let bookings: BookingService
    let idempotency: IdempotentRequests

    func addRoutes(to admin: RouterGroup<AppRequestContext>) {
        admin.post("cities", use: createCity)
        admin.patch("cities/:id", use: updateCity)
        admin.post("movies", use: createMovie)
        admin.patch("movies/:id", use: updateMovie)
        admin.post("theatres", use: createTheatre)
        admin.patch("theatres/:id", use: updateTheatre)
        admin.post("shows", use: createShow)
        admin.patch("shows/:id", use: updateShow)
        admin.get("reports/sales", use: salesReport)
        admin.get("cities", use: listCities)
        admin.get("movies", use: listMovies)
        admin.get("theatres", use: listTheatres)
        admin.get("shows", use: listShows)
    }

    /// `GET /api/admin/reports/sales?from=&to=`: revenue, tickets and occupancy by day, movie and theatre.
    @Sendable func salesReport(_ request: Request, context: AppRequestContext) async throws -> SalesReport {
        try await bookings.salesReport(from: request.dateParameter("from"), to: request.dateParameter("to"))
    }

    // MARK: The admin's lists: every one, active or not, scheduled or not

    /// `GET /api/admin/cities`.
    @Sendable func listCities(_ request: Request, context: AppRequestContext) async throws -> Page<City> {
        try await catalog.cities(page: request.pageRequest(), includeInactive: true)
    }

    /// `GET /api/admin/movies?city=&q=`: every movie, scheduled or not (a city: the movies offered there).
    @Sendable func listMovies(_ request: Request, context: AppRequestContext) async throws -> Page<Movie> {
        let filter = MovieFilter(cityId: try request.idParameter("city"), query: try request.textParameter("q"), everything: true)
        return try await catalog.movies(filter, page: request.pageRequest())
    }

    /// `GET /api/admin/theatres?city=`.
    @Sendable func listTheatres(_ request: Request, context: AppRequestContext) async throws -> Page<TheatreDetail> {
        try await catalog.theatres(cityId: request.idParameter("city"), page: request.pageRequest(), includeInactive: true)
    }

    /// `GET /api/admin/shows?theatre=&date=`: every show, active or not, past or not, by start time.
    @Sendable func listShows(_ request: Request, context: AppRequestContext) async throws -> Page<ShowView> {
        let filter = ShowFilter(
            movieId: try request.idParameter("movie"), theatreId: try request.idParameter("theatre"), date: try request.dateParameter("date"), everything: true)
        return try await catalog.shows(filter, page: request.pageRequest())
    }

    @Sendable func createCity(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await idempotency.create(CityInput.self, request, context: context) { [catalog] input in try await catalog.createCity(input) }
    }

    @Sendable func updateCity(_ request: Request, context: AppRequestContext) async throws -> City {
        let id = try context.id(of: "city")
        return try await catalog.updateCity(id: id, request.decodeJSON(CityPatch.self, context: context))
    }

    @Sendable func createMovie(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await idempotency.create(MovieInput.self, request, context: context) { [catalog] input in try await catalog.createMovie(input) }
    }

    @Sendable func updateMovie(_ request: Request, context: AppRequestContext) async throws -> Movie {
        let id = try context.id(of: "movie")
        return try await catalog.updateMovie(id: id, request.decodeJSON(MoviePatch.self, context: context))
    }

    @Sendable func createTheatre(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await idempotency.create(TheatreInput.self, request, context: context) { [catalog] input in try await catalog.createTheatre(input) }
    }

    @Sendable func updateTheatre(_ request: Request, context: AppRequestContext) async throws -> TheatreDetail {
        let id = try context.id(of: "theatre")
        return try await catalog.updateTheatre(id: id, request.decodeJSON(TheatrePatch.self, context: context))
    }

    @Sendable func createShow(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await idempotency.create(ShowInput.self, request, context: context) { [catalog] input in try await catalog.createShow(input) }
    }

    /// `PATCH /api/admin/shows/:id`. Deactivating releases the show's holds and cancels and refunds its confirmed
    /// bookings (`BookingService.closeShow`) before it answers, with the show's counts after that.
    @Sendable func updateShow(_ request: Request, context: AppRequestContext) async throws -> ShowView {
        let id = try context.id(of: "show")
        let updated = try await catalog.updateShow(id: id, request.decodeJSON(ShowPatch.self, context: context))
        guard !updated.show.isActive else { return updated }
        let closed = try await bookings.closeShow(id)
        guard closed.released + closed.refunded > 0 else { return updated }
        context.logger.info("deactivated show closed", metadata: ["show": "\(id)", "released": "\(closed.released)", "refunded": "\(closed.refunded)"])
        return try await catalog.showDetail(id: id)
    }
}
