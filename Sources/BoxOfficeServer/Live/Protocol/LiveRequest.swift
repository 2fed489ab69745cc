import BoxOffice
import BoxOfficeStore
import Foundation

/// One client → server message of the live protocol, validated.
enum LiveRequest: Sendable, Equatable {
    case subscribe(show: String, since: Int64?)
    case unsubscribe(show: String)
    case watch(WatchSelector)
    case unwatch(WatchSelector)
    case ping

    /// Parses one text frame; a failure carries the `error` message the client gets back.
    static func parse(_ text: String) -> Result<LiveRequest, LiveProtocolError> {
        let data = Data(text.utf8)
        // Well-formed messages decode into the typed shape without a single thrown error; only a failure takes the
        // slower loose parse, to tell bad JSON from a wrong field.
        if let message = try? JSONDecoder().decode(InboundMessage.self, from: data) { return parse(message) }
        // JSONSerialization parses in one linear pass: a value-by-value Decodable fallback would backtrack
        // exponentially on deeply nested junk (a 64 KiB frame of "[[[[" could hold the session for minutes).
        guard let json = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
            return .failure(LiveProtocolError("invalid_json", "The message is not JSON."))
        }
        guard let fields = json as? [String: Any] else {
            return .failure(LiveProtocolError("invalid_message", "A message is one JSON object."))
        }
        let show = fields["show"] as? String
        return .failure(LiveProtocolError("invalid_message", "A field has the wrong type; see the protocol for each op's fields.", show: show))
    }

    private static func parse(_ message: InboundMessage) -> Result<LiveRequest, LiveProtocolError> {
        guard let op = message.op else {
            return .failure(LiveProtocolError("invalid_message", #"A message needs an "op" string."#))
        }
        switch op {
        case "ping":
            return .success(.ping)
        case "subscribe", "unsubscribe":
            guard let show = message.show, !show.isEmpty else {
                return .failure(LiveProtocolError("invalid_message", #""\#(op)" needs a "show" id string."#))
            }
            if op == "unsubscribe" { return .success(.unsubscribe(show: show)) }
            if let since = message.since, since < 0 {
                return .failure(LiveProtocolError("invalid_message", #""since" is the last version applied: a whole number, 0 or more."#, show: show))
            }
            return .success(.subscribe(show: show, since: message.since))
        case "watch", "unwatch":
            return selector(message).map { op == "watch" ? .watch($0) : .unwatch($0) }
        default:
            return .failure(LiveProtocolError("unknown_op", "Unknown op; use subscribe, unsubscribe, watch, unwatch or ping."))
        }
    }

    /// `{"theatre": id}`, `{"theatre": id, "date": d}`, `{"city": id, "date": d}` (and `{"city": id}`, every date).
    private static func selector(_ message: InboundMessage) -> Result<WatchSelector, LiveProtocolError> {
        if let date = message.date, LocalTime.date(from: date) == nil {
            return .failure(LiveProtocolError("invalid_message", #""date" is a local date, YYYY-MM-DD."#))
        }
        switch (message.theatre, message.city) {
        case (let theatre?, nil) where !theatre.isEmpty:
            return .success(WatchSelector(place: .theatre(theatre), date: message.date))
        case (nil, let city?) where !city.isEmpty:
            return .success(WatchSelector(place: .city(city), date: message.date))
        default:
            return .failure(LiveProtocolError("invalid_message", #"A watch names exactly one "theatre" or "city" id string."#))
        }
    }
}

/// Every field any op has; each op reads its own. Unknown keys are ignored.
private struct InboundMessage: Decodable {
    var op: String?
    var show: String?
    var since: Int64?
    var theatre: String?
    var city: String?
    var date: String?
}

/// An `error` message for the client: a stable code and words for people; the socket stays open.
struct LiveProtocolError: Error, Sendable, Equatable {
    var code: String
    var message: String
    /// The show the failed request named, so a client with many subscriptions knows which one failed.
    var show: String?

    init(_ code: String, _ message: String, show: String? = nil) {
        self.code = code
        self.message = message
        self.show = show
    }
}

