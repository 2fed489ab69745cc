import BoxOffice
import Foundation
import NIOCore
import NIOExtras
import NIOPosix
import NIOSSL
import Synchronization

/// Sends email over SMTP (RFC 5321) with SwiftNIO: one connection per batch — EHLO, STARTTLS when the server offers it
/// (`smtp://`; `smtps://` is TLS from the first byte), AUTH PLAIN when the URL names a user (only over TLS), then for
/// each message MAIL FROM, RCPT TO, DATA (RSET after a refused one; pipelined, RFC 2920, when the server offers it:
/// `SMTPTransfer`), and QUIT. A reply other than the expected one to a message's commands fails that message (the
/// outbox tries it again); one before them fails the whole batch.
struct SMTPMailer: Mailer {
    let url: SMTPURL
    /// The name this host gives in EHLO.
    let heloName: String
    /// Trust for the server's certificate: the system's roots, or `BOXOFFICE_SMTP_CA_FILE`.
    let tls: TLSConfiguration
    /// Made once from `tls`: making one loads the trust roots (the system's bundle is ~140 certificates to decode and
    /// sort), which cost more server CPU than everything else an email takes when it was done for each email.
    let tlsContext: Result<NIOSSLContext, any Error>
    /// The whole conversation must end within this.
    var timeout: Duration = .seconds(60)

    init(url: SMTPURL, heloName: String = "boxoffice.localhost", caFile: String? = nil) {
        self.url = url
        self.heloName = heloName
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile { tls.trustRoots = .file(caFile) }
        self.tls = tls
        self.tlsContext = Result { try NIOSSLContext(configuration: tls) }
    }

    func send(_ message: MailMessage) async throws {
        if let error = await send([message]).first ?? nil { throw error }
    }

    /// The messages over one connection, in order: each gets its own MAIL, RCPT and DATA, and a refused one is followed
    /// by RSET so the next starts clean (`SMTPTransfer`). A connection that breaks, or the whole conversation running
    /// past `timeout`, fails every message the server had not yet accepted.
    func send(_ messages: [MailMessage]) async -> [(any Error)?] {
        guard !messages.isEmpty else { return [] }
        let outcomes = Outcomes(count: messages.count)
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await converse(messages, outcomes: outcomes) }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    throw SMTPError("no answer within \(timeout)")
                }
                defer { group.cancelAll() }
                try await group.next()
            }
        } catch {
            outcomes.failRemaining(error)
        }
        return outcomes.results
    }

    private func converse(_ messages: [MailMessage], outcomes: Outcomes) async throws {
        let context = try tlsContext.get()
        let host = url.host
        let implicitTLS = url.implicitTLS
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .connect(host: host, port: url.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if implicitTLS {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: Self.sniName(host)))
                    }
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineBasedFrameDecoder()))
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        try await channel.executeThenClose { inbound, outbound in
            var session = SMTPSession(lines: inbound.makeAsyncIterator(), outbound: outbound)
            try await session.expect(220)
            var extensions = try await session.command("EHLO \(heloName)", expect: 250)
            var secure = implicitTLS
            if !implicitTLS, extensions.contains(where: { $0.uppercased().hasPrefix("STARTTLS") }) {
                try await session.command("STARTTLS", expect: 220)
                // Made and added on the channel's event loop: the handler is not Sendable.
                let raw = channel.channel
                let sni = Self.sniName(host)
                try await raw.eventLoop.submit {
                    try raw.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: sni), position: .first)
                }.get()
                secure = true
                extensions = try await session.command("EHLO \(heloName)", expect: 250)
            }
            if let user = url.username, let password = url.password {
                guard secure else { throw SMTPError("the server offers no STARTTLS; not sending the password in the clear") }
                let token = Data("\0\(user)\0\(password)".utf8).base64EncodedString()
                try await session.command("AUTH PLAIN \(token)", expect: 235, redacted: "AUTH PLAIN ***")
            }
            let transfer = SMTPTransfer(messages: messages, host: heloName, outcomes: outcomes)
            if extensions.contains(where: { $0.split(separator: " ").first?.uppercased() == "PIPELINING" }) {
                try await transfer.pipelined(on: channel.channel)
            } else {
                try await transfer.oneByOne(&session)
            }
        }
    }

    /// Each message's outcome as the conversation learns it (the timeout may end it part-way).
    final class Outcomes: Sendable {
        private let state: Mutex<[(any Error)??]>

        init(count: Int) { state = Mutex(Array(repeating: nil, count: count)) }

        func set(_ index: Int, _ error: (any Error)?) { state.withLock { $0[index] = .some(error) } }

        /// Every message without an outcome failed with `error`.
        func failRemaining(_ error: any Error) {
            state.withLock { outcomes in
                for index in outcomes.indices where outcomes[index] == nil { outcomes[index] = .some(error) }
            }
        }

        var results: [(any Error)?] { state.withLock { $0.map { $0 ?? SMTPError("not sent") } } }
    }

    /// SNI carries host names only, never addresses.
    static func sniName(_ host: String) -> String? {
        host.allSatisfy({ $0.isNumber || $0 == "." || $0 == ":" }) ? nil : host
    }
}
