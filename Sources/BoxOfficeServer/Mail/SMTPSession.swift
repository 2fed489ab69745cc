import NIOCore

/// One SMTP conversation: commands out, replies in (a reply is one or more `NNN-text` lines ending with `NNN text`).
struct SMTPSession {
    var lines: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>

    /// A reply: its code and the text of each of its lines.
    struct Reply {
        var code: Int
        var texts: [String]
    }

    /// One line of a reply (`NNN-text`, or `NNN text` for its last), with or without its CR.
    struct ReplyLine {
        var code: Int
        var text: String
        var isLast: Bool

        /// Nil when the line is not an SMTP reply line.
        init?(_ buffer: ByteBuffer) {
            var line = String(buffer: buffer)
            if line.hasSuffix("\r") { line.removeLast() }
            let bytes = Array(line.utf8)
            guard bytes.count >= 3, let code = Int(line.prefix(3)) else { return nil }
            self.code = code
            self.text = String(line.dropFirst(4))
            self.isLast = bytes.count == 3 || bytes[3] == UInt8(ascii: " ")
        }
    }

    mutating func write(_ text: String) async throws {
        try await outbound.write(ByteBuffer(string: text))
    }

    mutating func write(_ bytes: ByteBuffer) async throws {
        try await outbound.write(bytes)
    }

    /// Sends a command and reads its reply; throws unless the code is one of `expected`. Returns the reply's lines.
    @discardableResult
    mutating func command(_ line: String, expect expected: Int..., redacted: String? = nil) async throws -> [String] {
        try await write(line + "\r\n")
        return try await read(expecting: expected, after: redacted ?? line)
    }

    @discardableResult
    mutating func expect(_ expected: Int...) async throws -> [String] {
        try await read(expecting: expected, after: nil)
    }

    /// The next reply, whatever its code; throws only when the connection ends or the reply makes no sense.
    mutating func reply() async throws -> Reply {
        var texts: [String] = []
        while true {
            guard let buffer = try await lines.next() else { throw SMTPError("the server closed the connection") }
            guard let line = ReplyLine(buffer) else { throw SMTPError("not an SMTP reply: \(String(buffer: buffer).prefix(80))") }
            texts.append(line.text)
            if line.isLast { return Reply(code: line.code, texts: texts) }
        }
    }

    private mutating func read(expecting expected: [Int], after command: String?) async throws -> [String] {
        let reply = try await reply()
        guard expected.contains(reply.code) else { throw SMTPError.refusal(reply, after: command) }
        return reply.texts
    }
}

struct SMTPError: Error, CustomStringConvertible {
    let description: String
    /// The server answered, with a code other than the one expected (the conversation can go on); else the
    /// connection failed or made no sense.
    let refused: Bool

    init(_ description: String, refused: Bool = false) {
        self.description = description
        self.refused = refused
    }

    /// The server's answer `reply` to `command` (its first 40 characters) was not the one expected.
    static func refusal(_ reply: SMTPSession.Reply, after command: String?) -> SMTPError {
        let text = "\(reply.code) \(reply.texts.last ?? "")"
        return SMTPError("\(command.map { "\($0.prefix(40)): " } ?? "")\(text.prefix(200))", refused: true)
    }
}
