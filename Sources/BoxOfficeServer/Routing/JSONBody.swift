import BoxOffice
import Foundation
import Hummingbird
import NIOCore

extension Request {
    /// Decodes the JSON body as `T`, answering bad input in the contract's words:
    /// not JSON → 400 `invalid_json`; a missing field, wrong type or null → 422 `validation_failed` naming the field;
    /// over 1 MiB → 413.
    func decodeJSON<T: Decodable>(_ type: T.Type, context: AppRequestContext) async throws -> T {
        let buffer = try await body.collect(upTo: context.maxUploadSize)
        return try Self.decodeJSON(type, from: Data(buffer.readableBytesView))
    }

    /// Decodes an already collected body, with the same answers to bad input.
    static func decodeJSON<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        guard !data.isEmpty else {
            throw BoxOfficeError(.badRequest, "invalid_json", "This request needs a JSON body.")
        }
        do {
            return try JSONCoding.decoder.decode(T.self, from: data)
        } catch let error as DecodingError {
            throw Self.contractError(for: error)
        }
    }

    static func contractError(for error: DecodingError) -> BoxOfficeError {
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key])
            return .invalid(field, "\(field) is required")
        case .valueNotFound(_, let context):
            let field = path(context.codingPath)
            return .invalid(field, "\(field) must not be null")
        case .typeMismatch(let type, let context):
            let field = path(context.codingPath)
            return .invalid(field, "\(field) must be \(describe(type))")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return BoxOfficeError(.badRequest, "invalid_json", "The body is not valid JSON.")
            }
            let field = path(context.codingPath)
            return .invalid(field, "\(field) has an invalid value")
        @unknown default:
            return BoxOfficeError(.badRequest, "invalid_json", "The body could not be read.")
        }
    }

    /// `screens[0].layout.rows` style paths.
    static func path(_ keys: [any CodingKey]) -> String {
        var result = ""
        for key in keys {
            if let index = key.intValue {
                result += "[\(index)]"
            } else {
                result += result.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return result.isEmpty ? "body" : result
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "a whole number"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default:
            String(describing: type).hasPrefix("Array") ? "a list" : (String(describing: type).hasPrefix("Dictionary") ? "an object" : "an object")
        }
    }
}
