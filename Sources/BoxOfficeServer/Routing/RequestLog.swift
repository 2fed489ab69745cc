import Logging

/// The id of the request the current task serves, for its log lines.
public enum RequestLog {
    @TaskLocal static var id: String?

    /// Adds `request_id` to every log line written while serving a request; bootstrap logging with it.
    public static let metadata = Logger.MetadataProvider {
        guard let id = RequestLog.id else { return [:] }
        return ["request_id": .string(id)]
    }
}
