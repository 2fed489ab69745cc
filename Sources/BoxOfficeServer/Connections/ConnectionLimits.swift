/// How many connections the server keeps open, made from the open-file limit L (`OpenFileLimit`) and a reserve
/// R = min(max(L / 10, 256), L / 2):
///
/// | what                            | bound                                   | a connection past it                      |
/// |---------------------------------|-----------------------------------------|-------------------------------------------|
/// | live sockets (`/ws`)            | `BOXOFFICE_MAX_CONNECTIONS`, else L − R | its upgrade is answered 503 `overloaded`  |
/// | all connections, REST included  | L − R/2                                 | its first request is answered 503         |
/// | connections being answered 503  | L − R/4                                 | closed at once, unanswered                |
///
/// So a full live cap still leaves R/2 connections for REST (`/healthz`, the booking flow), and the last R/4
/// descriptors are never connections: they are the database's files, the listening socket, the event loops' and the
/// logs', and accept never meets EMFILE on the server's own account. (At L = 1,024: 768 live sockets, 896
/// connections, 960 with refusals. At L = 20,000: 18,000, 19,000 and 19,500.)
public struct ConnectionLimits: Sendable, Equatable {
    /// Live sockets at once.
    public let liveSockets: Int
    /// Connections of any kind at once, live sockets included.
    public let connections: Int
    /// Connections at once counting those past `connections` that are being answered 503.
    public let answered: Int
    /// What to assume when the open-file limit cannot be read.
    public static let unknownOpenFiles = 65_536
    /// The open-file limit they were made from.
    public let openFiles: Int
    /// Set when `BOXOFFICE_MAX_CONNECTIONS` asked for more live sockets than the open-file limit leaves room for.
    public let asked: Int?

    /// - Parameters:
    ///   - openFiles: the process's soft open-file limit.
    ///   - maxLiveSockets: `BOXOFFICE_MAX_CONNECTIONS`; more than the limit leaves room for is cut to that room.
    public init(openFiles: Int, maxLiveSockets: Int? = nil) {
        let files = max(openFiles, 64)
        let reserve = min(max(files / 10, 256), files / 2)
        let room = files - reserve
        self.openFiles = files
        self.connections = files - reserve / 2
        self.answered = files - reserve / 4
        if let maxLiveSockets, maxLiveSockets > room {
            self.liveSockets = room
            self.asked = maxLiveSockets
        } else {
            self.liveSockets = maxLiveSockets ?? room
            self.asked = nil
        }
    }
}
