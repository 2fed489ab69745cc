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
        guard let json = try? JSONDecoder().decode(LooseJSON.self, from: Data(text.utf8)) else {
            return .failure(LiveProtocolError("invalid_json", "The message is not JSON."))
        }
        guard case .object(let fields) = json else {
            return .failure(LiveProtocolError("invalid_message", "A message is one JSON object."))
        }
        guard case .string(let op)? = fields["op"] else {
            return .failure(LiveProtocolError("invalid_message", #"A message needs an "op" string."#))
        }
        switch op {
        case "ping":
            return .success(.ping)
        case "subscribe", "unsubscribe":
            guard case .string(let show)? = fields["show"], !show.isEmpty else {
                return .failure(LiveProtocolError("invalid_message", #""\#(op)" needs a "show" id string."#))
            }
            if op == "unsubscribe" { return .success(.unsubscribe(show: show)) }
            switch fields["since"] {
            case nil, .null?:
                return .success(.subscribe(show: show, since: nil))
            case .integer(let since)? where since >= 0:
                return .success(.subscribe(show: show, since: since))
            default:
                return .failure(LiveProtocolError("invalid_message", #""since" is the last version applied: a whole number, 0 or more."#, show: show))
            }
        case "watch", "unwatch":
            return selector(fields).map { op == "watch" ? .watch($0) : .unwatch($0) }
        default:
            return .failure(LiveProtocolError("unknown_op", "Unknown op; use subscribe, unsubscribe, watch, unwatch or ping."))
        }
    }

    /// `{"theatre": id}`, `{"theatre": id, "date": d}`, `{"city": id, "date": d}` (and `{"city": id}`, every date).
    private static func selector(_ fields: [String: LooseJSON]) -> Result<WatchSelector, LiveProtocolError> {
        var date: String?
        switch fields["date"] {
        case nil, .null?: date = nil
        case .string(let text)? where LocalTime.date(from: text) != nil: date = text
        default: return .failure(LiveProtocolError("invalid_message", #""date" is a local date, YYYY-MM-DD."#))
        }
        switch (fields["theatre"], fields["city"]) {
        case (.string(let theatre)?, nil) where !theatre.isEmpty:
            return .success(WatchSelector(place: .theatre(theatre), date: date))
        case (nil, .string(let city)?) where !city.isEmpty:
            return .success(WatchSelector(place: .city(city), date: date))
        default:
            return .failure(LiveProtocolError("invalid_message", #"A watch names exactly one "theatre" or "city" id string."#))
        }
    }
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

/// Any JSON value, kept loose so that a wrong type is answered with `invalid_message`, not `invalid_json`.
enum LooseJSON: Decodable, Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([LooseJSON])
    case object([String: LooseJSON])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([LooseJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: LooseJSON].self))
        }
    }
}
