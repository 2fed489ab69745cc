import BoxOffice
import BoxOfficeStore
import Foundation
import Hummingbird
import HummingbirdAuth
import HummingbirdCore
import Logging
import Prometheus

/// The parts of a running BoxOffice, built once and shared by the routes.
struct AppParts {
    let stores: Stores
    let accounts: AccountService
    let catalog: CatalogService
    /// The show cache the services read through, for other nodes' edits to drop entries from.
    let catalogStore: CachingCatalogStore
    let bookings: BookingService
    let payments: PaymentService
    let idempotency: IdempotentRequests
    let limits: RateLimits
    let tokens: TokenService
    let readiness: Readiness
    let registry: PrometheusCollectorRegistry
    let openAPI: Data
    let hub: SubscriptionHub
    let door: DoorService
    /// The confirmation emails' sender, with `BOXOFFICE_SMTP_URL`.
    let webhooks: WebhookService
    let webhookOutbox: WebhookOutbox
    let mail: MailOutbox?
}

/// Builds the whole server: opens and migrates the database, seeds demo data, ensures the admin,
/// and wires HTTP and WebSocket on one port. `main` and the tests both call this.
public func buildApplication(
    _ options: ServerOptions, registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()
) async throws -> some ApplicationProtocol {
    var logger = Logger(label: "boxoffice")
    logger.logLevel = options.logLevel
    logger[metadataKey: "node"] = "\(options.nodeId ?? "\(options.host):\(options.port)")"
    let parts = try await buildParts(options, registry: registry, logger: logger)
    let pages = PagesDirectory.locate(explicit: options.publicDirectory)
    if let path = pages.path {
        logger.info("serving pages", metadata: ["from": "\(path)"])
    } else if options.publicDirectory != nil {
        logger.error(
            "BOXOFFICE_PUBLIC_DIR has no index.html: serving no pages (the API works)", metadata: ["lookedIn": "\(pages.lookedIn[0])"])
    } else {
        logger.warning(
            "no pages found: serving the API only; set BOXOFFICE_PUBLIC_DIR to the public/ folder",
            metadata: ["lookedIn": "\(pages.lookedIn.joined(separator: ", "))"])
    }
    let router = buildRouter(parts, options: options, pages: pages.path)
    let limits = ConnectionLimits(openFiles: OpenFileLimit.current ?? ConnectionLimits.unknownOpenFiles, maxLiveSockets: options.maxConnections)
    if let asked = limits.asked {
        logger.warning(
            "BOXOFFICE_MAX_CONNECTIONS is more than the open-file limit leaves room for; using the room",
            metadata: ["asked": "\(asked)", "liveSockets": "\(limits.liveSockets)", "openFiles": "\(limits.openFiles)"])
    }
    logger.info(
        "connection limits",
        metadata: ["liveSockets": "\(limits.liveSockets)", "connections": "\(limits.connections)", "openFiles": "\(limits.openFiles)"])
    let counts = ConnectionCounts(limits: limits, metrics: PrometheusMetricsFactory(registry: registry))
    let http1 = HTTP1Channel.Configuration(
        idleTimeout: .seconds(Int64(options.idleTimeoutSeconds)),
        httpDecoderConfiguration: .init(
            maxHeaderFieldSize: HTTPLimits.headerBytes, maxHeaderListSize: HTTPLimits.headerBytes, maxHeaderFieldCount: HTTPLimits.headerFields))
    let app = Application(
        router: router,
        // HTTP/1.1 and the `/ws` upgrade on one port; a live socket is served in its channel pipeline (LiveHTTPChannel).
        server: HTTPServerBuilder { responder in
            LiveHTTPChannel(responder: responder, http1: http1, hub: parts.hub, options: options.live, counts: counts)
        },
        configuration: .init(address: .hostname(options.host, port: options.port), serverName: "BoxOffice"),
        // The stores' own services (the journal's writer) first, so they stop last.
        services: parts.stores.services + [
            RecoveryService(bookings: parts.bookings, payments: parts.payments, readiness: parts.readiness, logger: logger),
            Housekeeping(bookings: parts.bookings, payments: parts.payments, idempotency: parts.idempotency, logger: logger),
            parts.hub,
        ] + (parts.stores.seatChanges.map { [OtherNodesService(listener: $0, bookings: parts.bookings, shows: parts.catalogStore, hub: parts.hub, logger: logger)] } ?? [])
            + (parts.mail.map { [MailOutboxService(outbox: $0)] } ?? []) + [WebhookOutboxService(outbox: parts.webhookOutbox)]
            // Last, so it stops first after the server: every live socket's close frame is out before the process ends.
            + [LiveSocketsDrain(counts: counts, limit: options.live.closeGrace + .seconds(1))],
        logger: logger)
    return app
}

func buildParts(_ options: ServerOptions, registry: PrometheusCollectorRegistry, logger: Logger) async throws -> AppParts {
    let stores: Stores
    if let url = options.postgres {
        stores = try await Stores.postgres(
            url: url, poolSize: options.databasePoolSize, linger: options.journalLinger(else: .postgres), logger: logger,
            onBatch: BookingService.journalMetrics)
    } else {
        stores = try Stores.sqlite(
            path: options.databasePath, durability: options.durability, linger: options.journalLinger(else: nil), logger: logger,
            onBatch: BookingService.journalMetrics)
    }
    let secret: String
    if let configured = options.jwtSecret { secret = configured } else { secret = try await stores.secrets.signingSecret() }
    let tokens = try await TokenService(secret: secret)
    let accounts = AccountService(users: stores.accounts, hasher: BcryptPasswordHasher(cost: UInt8(options.bcryptCost)))
    // Shows are read from memory on the hot paths; admin edits go through this wrapper and drop the cached copy.
    let catalogStore = CachingCatalogStore(stores.catalog)
    let (feed, changes) = LiveChangeFeed.make()
    let webhooks = WebhookDirectory(store: stores.webhooks)
    try await webhooks.refresh()
    let bookings = BookingService(
        catalog: catalogStore, bookings: stores.bookings, journal: stores.journal, feed: feed, holdSeconds: options.holdSeconds,
        sharedWriters: stores.sharedWriters, routing: OutboxRouting(email: options.smtp != nil, webhooks: webhooks), logger: logger)
    let hub = SubscriptionHub(
        changes: changes, source: LiveSeatService(bookings: bookings, catalog: catalogStore, store: stores.live),
        options: options.live, metrics: LiveMetrics(factory: PrometheusMetricsFactory(registry: registry)), logger: logger)
    let payments = PaymentService(
        booking: bookings, payments: stores.payments, journal: stores.journal,
        gateway: SimulatedGateway(latency: .milliseconds(options.paymentLatencyMilliseconds)))
    let catalog = CatalogService(catalog: catalogStore, seats: bookings, counts: stores.live)
    if let smtp = options.smtp { logger.info("confirmation emails go out through \(smtp)") }
    if options.demo {
        let seeded = try await stores.catalog.seedIfEmpty(DemoCatalog.make(startingFrom: Date()))
        logger.info(seeded ? "demo catalog written" : "database already has a catalog; --demo changed nothing")
    }
    if let email = options.adminEmail, let password = options.adminPassword {
        try await accounts.ensureAdmin(email: email, password: password)
        logger.info("admin account ensured", metadata: ["email": "\(email)"])
    }
    return AppParts(
        stores: stores, accounts: accounts, catalog: catalog, catalogStore: catalogStore, bookings: bookings, payments: payments,
        idempotency: IdempotentRequests(answers: stores.idempotency, journal: stores.journal), limits: RateLimits(enabled: options.rateLimits),
        tokens: tokens, readiness: Readiness(), registry: registry, openAPI: try OpenAPIDocument.load(), hub: hub,
        door: DoorService(bookings: stores.bookings, accounts: stores.accounts, journal: stores.journal),
        webhooks: WebhookService(store: stores.webhooks, directory: webhooks),
        webhookOutbox: WebhookOutbox(
            outbox: stores.outbox, bookings: stores.bookings, catalog: catalog, store: stores.webhooks, directory: webhooks, sender: HTTPWebhookSender(),
            logger: logger),
        mail: options.smtp.map { smtp in
            MailOutbox(
                outbox: stores.outbox, bookings: stores.bookings,
                composer: MailComposer(from: options.mailFrom, publicURL: options.publicURL ?? "http://\(options.host):\(options.port)"),
                mailer: SMTPMailer(url: smtp, caFile: options.smtpCAFile), logger: logger)
        })
}

func buildRouter(_ parts: AppParts, options: ServerOptions, pages: String? = nil) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: RequestIDMiddleware())
    router.add(middleware: CORSAllowList(origins: options.corsOrigins))
    router.add(middleware: ContractErrorMiddleware())
    router.add(middleware: MetricsMiddleware())
    if let pages { router.add(middleware: FileMiddleware(pages, searchForIndexHtml: true)) }
    router.add(middleware: BearerAuthenticator(tokens: parts.tokens, accounts: parts.accounts))

    OperationsController(health: parts.stores.health, readiness: parts.readiness, registry: parts.registry, openAPI: parts.openAPI)
        .addRoutes(to: router)
    let api = router.group("api")
    AuthController(accounts: parts.accounts, tokens: parts.tokens, limits: parts.limits, trustedProxies: options.trustedProxies).addRoutes(to: api.group("auth"))
    CatalogController(catalog: parts.catalog, seatMaps: RenderedSeatMaps()).addRoutes(to: api)
    BookingController(bookings: parts.bookings, idempotency: parts.idempotency, limits: parts.limits).addRoutes(to: api.group("bookings"))
    PaymentController(payments: parts.payments, idempotency: parts.idempotency).addRoutes(to: api.group("payments"))
    // Staff may use the door's two routes; everything else under /api/admin is for admins.
    DoorController(door: parts.door).addRoutes(to: api.group("admin").add(middleware: RequireRoleMiddleware.door))
    let admin = api.group("admin").add(middleware: RequireRoleMiddleware.admin)
    AdminController(catalog: parts.catalog, bookings: parts.bookings, idempotency: parts.idempotency).addRoutes(to: admin)
    AdminUsersController(accounts: parts.accounts).addRoutes(to: admin)
    AdminWebhooksController(webhooks: parts.webhooks, idempotency: parts.idempotency).addRoutes(to: admin)
    // Last, so it runs only where no route matched (see MethodNotAllowedMiddleware).
    router.add(middleware: MethodNotAllowedMiddleware(routes: RouteMethods(router.routes.map { ($0.path, $0.method) })))
    return router
}
