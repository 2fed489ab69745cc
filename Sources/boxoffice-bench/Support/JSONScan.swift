/// Reads one value out of a JSON text without decoding the whole document: the bench only needs an id or a
/// version from each answer or frame, thousands of times a second. Keys must be unique in the document; values
/// read here (ids, type names, numbers) hold no escapes.
enum JSONScan {
    /// The string value of `"key": "…"`, searching from the start.
    static func string(_ key: String, in bytes: UnsafeRawBufferPointer) -> String? {
        guard var index = valueStart(key, in: bytes), index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
        index += 1
        let start = index
        while index < bytes.count, bytes[index] != UInt8(ascii: "\"") { index += 1 }
        guard index < bytes.count else { return nil }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    }

    /// The integer value of `"key": 123`.
    static func integer(_ key: String, in bytes: UnsafeRawBufferPointer) -> Int64? {
        guard var index = valueStart(key, in: bytes) else { return nil }
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        var value: Int64 = 0
        var digits = 0
        while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
            value = value &* 10 &+ Int64(bytes[index] &- UInt8(ascii: "0"))
            index += 1
            digits += 1
        }
        return digits == 0 ? nil : (negative ? -value : value)
    }

    /// The index just after `"key"`, a colon and any spaces.
    static func valueStart(_ key: String, in bytes: UnsafeRawBufferPointer) -> Int? {
        var pattern = [UInt8(ascii: "\"")]
        pattern.append(contentsOf: key.utf8)
        pattern.append(UInt8(ascii: "\""))
        guard let found = firstIndex(of: pattern, in: bytes) else { return nil }
        var index = found + pattern.count
        while index < bytes.count, bytes[index] == UInt8(ascii: " ") { index += 1 }
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
        index += 1
        while index < bytes.count, bytes[index] == UInt8(ascii: " ") { index += 1 }
        return index
    }

    static func firstIndex(of pattern: [UInt8], in bytes: UnsafeRawBufferPointer) -> Int? {
        guard let first = pattern.first, bytes.count >= pattern.count else { return nil }
        var index = 0
        let last = bytes.count - pattern.count
        outer: while index <= last {
            if bytes[index] != first {
                index += 1
                continue
            }
            for offset in 1..<pattern.count where bytes[index + offset] != pattern[offset] {
                index += 1
                continue outer
            }
            return index
        }
        return nil
    }

    /// True when `needle` occurs anywhere in `bytes`.
    static func contains(_ needle: String, in bytes: UnsafeRawBufferPointer) -> Bool {
        firstIndex(of: Array(needle.utf8), in: bytes) != nil
    }
}
