import GRDB

/// Writes a large history straight into a migrated BoxOffice file while no server runs (`BigDatabase`,
/// `SalesHistory`): one transaction, without fsyncs, and not through the WAL — which would write every page twice (WAL,
/// then checkpoint) — then hands the file back in WAL mode, as the server keeps it.
enum BulkWrite {
    static func into<Value>(_ path: String, _ body: (Database) throws -> Value) throws -> Value {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = OFF")
            try db.execute(sql: "PRAGMA cache_size = -262144")
        }
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
        let value = try queue.write(body)
        try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }
        try queue.close()
        return value
    }
}
