import CompressNIO
import Foundation
import NIOCore

/// permessage-deflate (RFC 7692) as the live feed uses it: offered, as API.md says, and shaped so that it costs a
/// socket nothing while it is idle.
///
/// - The server sends its messages uncompressed (RSV1 = 0, which §6 allows): every live message is framed once and
///   the same bytes go to every socket, so there is no compressor at all.
/// - The answer always carries `client_no_context_takeover` (§7.1.1.2 lets a server add it to any offer it accepts)
///   and `server_no_context_takeover` (§7.1.1.1): no message depends on the one before, so no socket keeps an
///   inflate window between messages. A compressed client message is inflated by a decompressor made for it
///   alone and dropped after it.
enum PerMessageDeflate {
    /// The `Sec-WebSocket-Extensions` answer to a client's offers, or nil to decline them all (or when there are none).
    /// The first permessage-deflate offer whose parameters are all known and well-formed is accepted.
    static func negotiate(_ offers: [String]) -> String? {
        for header in offers {
            for offer in header.split(separator: ",") {
                guard let parameters = parameters(of: offer), accepts(parameters) else { continue }
                var answer = "permessage-deflate; server_no_context_takeover; client_no_context_takeover"
                // An offered `server_max_window_bits` must be answered (§7.1.2.1); we send nothing compressed, so
                // its value is kept as is.
                if let bits = parameters["server_max_window_bits"], let bits, let value = Int(bits) {
                    answer += "; server_max_window_bits=\(value)"
                }
                return answer
            }
        }
        return nil
    }

    /// Whether a permessage-deflate offer has only the four parameters of §7.1, each valid.
    private static func accepts(_ parameters: [String: String?]) -> Bool {
        for (name, value) in parameters {
            switch name {
            case "server_no_context_takeover", "client_no_context_takeover":
                if value != nil { return false }
            case "server_max_window_bits":
                guard let value, isWindowBits(value) else { return false }
            case "client_max_window_bits":
                if let value, !isWindowBits(value) { return false }
            default:
                return false
            }
        }
        return true
    }

    /// 8 to 15, written as digits only (RFC 7692 §7.1.2: `1*DIGIT`, no sign, no leading zero).
    private static func isWindowBits(_ value: String) -> Bool {
        guard let bits = Int(value), (8...15).contains(bits) else { return false }
        return value == String(bits)
    }

    /// The parameters of a permessage-deflate offer (value nil when it has none; quotes removed), or nil when the
    /// offer is another extension or names a parameter twice.
    private static func parameters(of offer: Substring) -> [String: String?]? {
        let parts = offer.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.first?.lowercased() == "permessage-deflate" else { return nil }
        var parameters: [String: String?] = [:]
        for part in parts.dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            let name = pair[0].lowercased()
            // `;;`, `; =1`: not a parameter; a name given twice: not a valid offer.
            guard !name.isEmpty, parameters[name] == nil else { return nil }
            parameters[name] = pair.count == 2 ? pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) : String?.none
        }
        return parameters
    }

    /// Inflates one compressed message (its frames' payloads joined, §7.2.2), at most `maxBytes` of it.
    static func inflate(_ payload: ByteBuffer, maxBytes: Int) throws(InflateError) -> ByteBuffer {
        var input = payload
        input.writeBytes([0x00, 0x00, 0xFF, 0xFF])
        do {
            // A window of 2^15 reads any window the client may use (the client chooses it up to 15 bits).
            let decompressor = try ZlibDecompressor(algorithm: .deflate, windowSize: 15)
            // One byte over the limit so that a message of exactly `maxBytes` fits (the output stops at `maxSize - 1`).
            let output = try input.decompressStream(with: decompressor, maxSize: maxBytes + 1)
            guard output.readableBytes <= maxBytes else { throw CompressNIOError.bufferOverflow }
            return output
        } catch let error as CompressNIOError where error == .bufferOverflow {
            throw .tooLarge
        } catch {
            throw .corrupt
        }
    }

    enum InflateError: Error {
        /// Inflated, the message is larger than the limit.
        case tooLarge
        /// Not a deflate stream.
        case corrupt
    }
}
