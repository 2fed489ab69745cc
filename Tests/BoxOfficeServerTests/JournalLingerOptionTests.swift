import BoxOfficeStore
import Testing

@testable import BoxOfficeServer

@Suite("BOXOFFICE_JOURNAL_LINGER_MS")
struct JournalLingerOptionTests {
    @Test("unset: each store's own (PostgreSQL 6 ms for batches under 8, SQLite none); 0: none; n: n ms; out of range refused")
    func parsed() throws {
        let unset = ServerOptions()
        #expect(unset.journalLinger(else: .postgres) == JournalLinger(wait: .milliseconds(6), fewerThan: 8))
        #expect(unset.journalLinger(else: nil) == nil)

        var off = ServerOptions()
        try off.apply(environment: ["BOXOFFICE_JOURNAL_LINGER_MS": "0"])
        #expect(off.journalLinger(else: .postgres) == nil)

        var twelve = ServerOptions()
        try twelve.apply(environment: ["BOXOFFICE_JOURNAL_LINGER_MS": "12"])
        #expect(twelve.journalLinger(else: .postgres) == JournalLinger(wait: .milliseconds(12), fewerThan: 8))
        #expect(twelve.journalLinger(else: nil) == JournalLinger(wait: .milliseconds(12), fewerThan: 8), "SQLite too, when asked")

        for bad in ["-1", "101", "soon", "1.5"] {
            var other = ServerOptions()
            #expect(throws: OptionsError.self) { try other.apply(environment: ["BOXOFFICE_JOURNAL_LINGER_MS": bad]) }
        }
    }
}
