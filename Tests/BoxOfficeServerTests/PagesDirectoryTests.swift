@testable import BoxOfficeServer
import Testing

@Suite("Where the pages are served from")
struct PagesDirectoryTests {
    @Test("started in the repository, ./public wins")
    func workingDirectory() {
        let found = PagesDirectory.locate(
            explicit: nil, workingDirectory: "/src/boxoffice", executable: "/src/boxoffice/.build/debug/boxoffice",
            hasIndex: { ["/src/boxoffice/public"].contains($0) })
        #expect(found.path == "/src/boxoffice/public")
    }

    @Test("started anywhere else, a build finds the checkout's public/ above it")
    func aboveTheBinary() {
        let found = PagesDirectory.locate(
            explicit: nil, workingDirectory: "/tmp", executable: "/src/boxoffice/.build/x86_64-unknown-linux-gnu/debug/boxoffice",
            hasIndex: { $0 == "/src/boxoffice/public" })
        #expect(found.path == "/src/boxoffice/public")
        #expect(found.lookedIn.first == "/tmp/public")
    }

    @Test("an installed binary finds share/boxoffice/public beside its bin/")
    func installed() {
        let found = PagesDirectory.locate(
            explicit: nil, workingDirectory: "/", executable: "/usr/local/bin/boxoffice",
            hasIndex: { $0 == "/usr/local/share/boxoffice/public" })
        #expect(found.path == "/usr/local/share/boxoffice/public")
    }

    @Test("none found: nil, and every folder looked in is named")
    func none() {
        let found = PagesDirectory.locate(explicit: nil, workingDirectory: "/srv", executable: "/opt/bo/bin/boxoffice", hasIndex: { _ in false })
        #expect(found.path == nil)
        #expect(found.lookedIn.contains("/srv/public") && found.lookedIn.contains("/opt/bo/share/boxoffice/public"))
    }

    @Test("BOXOFFICE_PUBLIC_DIR is taken as given (relative to the working folder), or nothing if it has no index.html")
    func explicit() {
        #expect(PagesDirectory.locate(explicit: "site", workingDirectory: "/srv", executable: nil, hasIndex: { $0 == "/srv/site" }).path == "/srv/site")
        let missing = PagesDirectory.locate(explicit: "/nowhere", workingDirectory: "/srv", executable: nil, hasIndex: { $0 == "/srv/public" })
        #expect(missing.path == nil && missing.lookedIn == ["/nowhere"])
    }
}
