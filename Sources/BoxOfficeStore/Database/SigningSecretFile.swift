import Foundation

/// Without `BOXOFFICE_JWT_SECRET`, a random signing key is made once and kept beside the SQLite file (mode 0600),
/// so tokens survive restarts of the same installation.
public struct SigningSecretFile: SigningSecretStore {
    let url: URL

    public init(besideDatabase databasePath: String) {
        url = URL(fileURLWithPath: databasePath).deletingLastPathComponent().appendingPathComponent("jwt-secret")
    }

    public func signingSecret() async throws -> String {
        if let text = try? String(contentsOf: url, encoding: .utf8) {
            let secret = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if secret.utf8.count >= 32 { return secret }
        }
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<48).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let secret = Data(bytes).base64EncodedString()
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: url.path, contents: Data((secret + "\n").utf8), attributes: [.posixPermissions: 0o600])
        else { throw SigningSecretError(path: url.path) }
        return secret
    }
}

struct SigningSecretError: Error, CustomStringConvertible {
    let path: String

    var description: String { "cannot write the JWT secret to \(path)" }
}
