/// The stores a suite runs against: SQLite always, PostgreSQL when the test cluster is there (`scripts/test` always
/// starts one and sets `BOXOFFICE_TEST_POSTGRES_URL`), so one suite checks both implementations of a protocol.
/// Passed as `@Test(arguments: StoreKind.available)`; a test's name shows the case (`sqlite`, `postgres`).
public enum StoreKind: String, Sendable, CaseIterable {
    case sqlite, postgres

    public static var available: [StoreKind] { TestPostgres.isConfigured ? [.sqlite, .postgres] : [.sqlite] }
}
