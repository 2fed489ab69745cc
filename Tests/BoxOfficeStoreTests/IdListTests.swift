import GRDB
import Testing

@testable import BoxOfficeStore

@Suite("IN lists padded for the statement cache")
struct IdListTests {
    @Test("lists are padded with NULLs to the next power of two up to 512, so a query has ten shapes; longer ones are exact")
    func padding() {
        let shapes = (1...512).map { IdList((0..<$0).map { "shw_\($0)" }).marks }
        #expect(Set(shapes).count == 10)
        for (count, padded) in [(1, 1), (2, 2), (3, 4), (5, 8), (100, 128), (512, 512)] {
            let list = IdList((0..<count).map { "shw_\($0)" })
            #expect(list.marks.split(separator: ",").count == padded, "\(count) ids")
            #expect(list.arguments.isEmpty == false)
        }
        #expect(IdList((0..<513).map { "shw_\($0)" }).marks.split(separator: ",").count == 513)
    }

    @Test("the NULLs match nothing: a padded list finds exactly its own rows")
    func nullsMatchNothing() throws {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE shows (id TEXT PRIMARY KEY)")
            for id in ["a", "b", "c", "d", "e"] { try db.execute(sql: "INSERT INTO shows VALUES (?)", arguments: [id]) }
            for ids in [["a"], ["a", "b", "c"], ["e", "d", "c", "b", "a"], ["zz"], Array(repeating: "a", count: 600)] {
                let list = IdList(ids)
                let found = try String.fetchAll(list.statement("SELECT id FROM shows WHERE id IN (\(list.marks)) ORDER BY id", in: db), arguments: list.arguments)
                #expect(found == Set(ids).intersection(["a", "b", "c", "d", "e"]).sorted(), "\(ids.count) ids")
            }
        }
    }
}
