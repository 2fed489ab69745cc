import Foundation

/// One address, one account. Two spellings name the same account when they agree after trimming surrounding white
/// space, Unicode NFKC normalisation (fullwidth `ａ` is `a`, the Kelvin sign is `K`) and case folding: registration,
/// login, its failed-login lockout and admin look-ups all compare this key, never the text as typed.
public enum EmailIdentity {
    /// The key an address is known by.
    public static func key(_ address: String) -> String {
        let compatible = address.precomposedStringWithCompatibilityMapping.trimmingCharacters(in: .whitespacesAndNewlines)
        // Folding can leave a string that is not in normal form again (and NFKC can uncover letters to fold): repeat once.
        let folded = compatible.folding(options: [.caseInsensitive], locale: nil).precomposedStringWithCompatibilityMapping
        return folded.folding(options: [.caseInsensitive], locale: nil)
    }

    /// The address as stored and shown: trimmed and NFKC-normalised, its case as typed.
    public static func display(_ address: String) -> String {
        address.precomposedStringWithCompatibilityMapping.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
