import Testing

@testable import BoxOffice

/// The composer's small pieces: amounts and HTML escaping.
@Suite("The email's words")
struct MailComposerTests {
    @Test("amounts in minor units as decimals with two places")
    func money() {
        #expect(MailComposer.money(25_000, "INR") == "250.00 INR")
        #expect(MailComposer.money(1_205, "INR") == "12.05 INR")
        #expect(MailComposer.money(7, "EUR") == "0.07 EUR")
        #expect(MailComposer.money(0, "INR") == "0.00 INR")
    }

    @Test("HTML escaping: the five special characters, and text without them given back as it is")
    func escape() {
        #expect(MailComposer.escape(#"Tom & "Jerry's" <b>"#) == "Tom &amp; &quot;Jerry&#39;s&quot; &lt;b&gt;")
        #expect(MailComposer.escape("Dune – Part Two, Screen 3") == "Dune – Part Two, Screen 3")
        #expect(MailComposer.escape("") == "")
    }
}
