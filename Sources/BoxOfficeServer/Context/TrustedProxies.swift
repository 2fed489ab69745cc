import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The proxies whose `X-Forwarded-For` is believed (`BOXOFFICE_TRUSTED_PROXIES`): behind nginx every request's peer is
/// nginx, so the per-IP limits would count every client of the site as one. A request whose peer is one of these
/// proxies is from the address the header names — read from the right, past any further trusted proxies, so a client
/// cannot name an address of its choosing by sending the header itself (a proxy appends to it, or replaces it as
/// `deploy/nginx` does). From any other peer the header is ignored. The default trusts the loopback only: a proxy on
/// the same machine (`deploy/`); a proxy elsewhere is named by address or CIDR range.
public struct TrustedProxies: Sendable, Equatable {
    /// An address range: the address's bytes (4 or 16) and how many leading bits must match.
    struct Range: Sendable, Equatable {
        let bytes: [UInt8]
        let prefix: Int

        func contains(_ address: [UInt8]) -> Bool {
            guard address.count == bytes.count else { return false }
            var bits = prefix
            for (mine, theirs) in zip(bytes, address) where bits > 0 {
                let mask: UInt8 = bits >= 8 ? 0xFF : ~(0xFF >> UInt8(bits))
                guard mine & mask == theirs & mask else { return false }
                bits -= 8
            }
            return true
        }
    }

    let ranges: [Range]

    /// 127.0.0.0/8 and ::1.
    public static let loopback = TrustedProxies(ranges: [Range(bytes: [127, 0, 0, 0], prefix: 8), Range(bytes: Array(repeating: 0, count: 15) + [1], prefix: 128)])
    /// Nobody: the peer is always the client.
    public static let none = TrustedProxies(ranges: [])

    init(ranges: [Range]) {
        self.ranges = ranges
    }

    /// `none` (or nothing), or a comma-separated list of addresses and CIDR ranges (`127.0.0.1, 10.0.0.0/8, fd00::/8`).
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.lowercased() != "none", !trimmed.isEmpty else {
            self = .none
            return
        }
        var ranges: [Range] = []
        for item in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
            let entry = item.trimmingCharacters(in: .whitespaces)
            let parts = entry.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            guard let bytes = Self.addressBytes(String(parts[0])) else {
                throw OptionsError("BOXOFFICE_TRUSTED_PROXIES: \"\(entry)\" is not an IP address or CIDR range (or use none)")
            }
            var prefix = bytes.count * 8
            if parts.count == 2 {
                guard let bits = Int(parts[1]), (0...prefix).contains(bits) else {
                    throw OptionsError("BOXOFFICE_TRUSTED_PROXIES: \"\(entry)\" has a prefix length outside 0...\(prefix)")
                }
                prefix = bits
            }
            ranges.append(Range(bytes: bytes, prefix: prefix))
        }
        self.ranges = ranges
    }

    /// Whether `address` (an IP address's text) is one of these proxies.
    public func contains(_ address: String) -> Bool {
        guard let bytes = Self.addressBytes(address) else { return false }
        return ranges.contains { $0.contains(bytes) }
    }

    /// The client of a request from `peer` carrying `forwardedFor` (the `X-Forwarded-For` fields, in order): the
    /// rightmost address that is not a trusted proxy, if the peer is one; else the peer. An entry that is not an IP
    /// address ends the walk at the hop that added it (nothing left of it can be believed).
    public func client(peer: String, forwardedFor: [String]) -> String {
        guard !ranges.isEmpty, contains(peer) else { return peer }
        var client = peer
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        for hop in hops.reversed() {
            guard Self.addressBytes(hop) != nil else { return client }
            client = hop
            guard contains(hop) else { return hop }
        }
        return client
    }

    /// An IPv4 (4 bytes) or IPv6 (16 bytes) address's bytes; an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) as IPv4.
    static func addressBytes(_ text: String) -> [UInt8]? {
        guard !text.isEmpty, text.utf8.count <= 64 else { return nil }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF { return Array(bytes[12...]) }
        return bytes
    }
}
