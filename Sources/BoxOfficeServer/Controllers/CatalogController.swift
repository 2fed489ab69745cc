import BoxOffice
import BoxOfficeStore
import Hummingbird

/// The public catalog: cities, movies, theatres, shows and their seats.
struct CatalogController {
    let catalog: CatalogService
    /// Encoded seat maps by (show revision, version).
    let seatMaps: RenderedSeatMaps

    func addRoutes(to api: RouterGroup<AppRequestContext>) {
        api.get("cities", use: cities)
        api.get("movies", use: movies)
        api.get("movies/:id", use: movie)
        api.get("theatres", use: theatres)
        api.get("theatres/:id", use: theatre)
        api.get("shows", use: shows)
        api.get("shows/:id", use: show)
        api.get("shows/:id/availability", use: availability)
    }

    /// `GET /api/cities`: active cities by name.
    @Sendable func cities(_ request: Request, context: AppRequestContext) async throws -> Page<City> {
        try await catalog.cities(page: request.pageRequest())
    }

    /// `GET /api/movies?city=&language=&genre=&q=`.
    @Sendable func movies(_ request: Request, context: AppRequestContext) async throws -> Page<Movie> {
        let filter = MovieFilter(
            cityId: try request.idParameter("city"), language: try request.textParameter("language"),
            genre: try request.textParameter("genre"), query: try request.textParameter("q"))
        return try await catalog.movies(filter, page: request.pageRequest())
    }

    /// `GET /api/movies/:id`.
    @Sendable func movie(_ request: Request, context: AppRequestContext) async throws -> Movie {
        try await catalog.movie(id: context.id(of: "movie"))
    }

    /// `GET /api/theatres?city=`: active theatres with their screens.
    @Sendable func theatres(_ request: Request, context: AppRequestContext) async throws -> Page<TheatreDetail> {
        try await catalog.theatres(cityId: request.idParameter("city"), page: request.pageRequest())
    }

    /// `GET /api/theatres/:id`.
    @Sendable func theatre(_ request: Request, context: AppRequestContext) async throws -> TheatreDetail {
        try await catalog.theatre(id: context.id(of: "theatre"))
    }

    /// `GET /api/shows?movie=&city=&theatre=&date=`: active shows that have not started, by start time.
    @Sendable func shows(_ request: Request, context: AppRequestContext) async throws -> Page<ShowView> {
        let filter = ShowFilter(
            movieId: try request.idParameter("movie"), cityId: try request.idParameter("city"),
            theatreId: try request.idParameter("theatre"), date: try request.dateParameter("date"))
        return try await catalog.shows(filter, page: request.pageRequest())
    }

    /// `GET /api/shows/:id`: the show with every seat's status and the version they are at.
    /// The body is `ShowView`'s JSON, written from a per-show template and cached per version (`RenderedSeatMaps`).
    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let show = try await catalog.loadedShow(id: context.id(of: "show"))
        let body = try await seatMaps.body(of: show, catalog: catalog)
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: ResponseBody(byteBuffer: body))
    }

    /// `GET /api/shows/:id/availability`: counts per status and per category.
    @Sendable func availability(_ request: Request, context: AppRequestContext) async throws -> AvailabilityView {
        try await catalog.availability(showId: context.id(of: "show"))
    }
}
