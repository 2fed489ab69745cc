import Foundation
import Hummingbird
import HummingbirdAuth

/// The per-request context: who is calling (once authenticated) and how bodies are coded.
public struct AppRequestContext: AuthRequestContext, RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var identity: AuthenticatedUser?
    /// The peer's IP address, for per-IP limits ("unknown" when there is no socket, as in router tests).
    public let clientAddress: String

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.identity = nil
        self.clientAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// Bodies over 1 MiB are answered with 413.
    public var maxUploadSize: Int { AppRequestContext.maxBodyBytes }
    public static let maxBodyBytes = 1 << 20

    public var requestDecoder: JSONDecoder { JSONCoding.decoder }
    public var responseEncoder: JSONEncoder { JSONCoding.encoder }
}

/// One JSON style for the whole API: RFC 3339 UTC times, camelCase keys as declared.
enum JSONCoding {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}
