/// One email: who from and to, the subject, and the body as plain text and as HTML (sent as multipart/alternative).
public struct MailMessage: Sendable, Equatable {
    /// `Name <address>` or a bare address.
    public var from: String
    /// The recipient's bare address.
    public var to: String
    public var subject: String
    public var text: String
    public var html: String
    /// What its Message-ID is made from (`<id@host>`): the same for every attempt to send this one email (the outbox
    /// event's id), so a mail system that receives it twice — the acknowledgement was lost, or the server stopped
    /// before marking it delivered — can tell it is one email. Nil: a new one per attempt.
    public var id: String?

    public init(from: String, to: String, subject: String, text: String, html: String, id: String? = nil) {
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
        self.id = id
    }
}

/// Sends email. `SMTPMailer` speaks SMTP to a real server; tests run it against a real SMTP server on loopback.
public protocol Mailer: Sendable {
    /// Returns once the server accepted the message; throws if it did not (the outbox tries again later).
    func send(_ message: MailMessage) async throws
    /// Sends several, in order, each accepted or refused on its own (`SMTPMailer`: one connection for all of them);
    /// one result per message, nil when the server accepted it.
    func send(_ messages: [MailMessage]) async -> [(any Error)?]
}

extension Mailer {
    /// One at a time, for a mailer with nothing to share between messages.
    public func send(_ messages: [MailMessage]) async -> [(any Error)?] {
        var results: [(any Error)?] = []
        for message in messages {
            do {
                try await send(message)
                results.append(nil)
            } catch {
                results.append(error)
            }
        }
        return results
    }
}
