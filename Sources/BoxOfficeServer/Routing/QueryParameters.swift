import BoxOffice
import BoxOfficeStore
import Foundation
import Hummingbird

/// Reading and checking query parameters; a malformed one is 400 `invalid_parameter` naming it.
extension Request {
    /// `limit` (default 50; above 200 counts as 200) and `cursor`.
    func pageRequest() throws -> PageRequest {
        var limit = PageRequest.defaultLimit
        if let text = uri.queryParameters.get("limit") {
            // Digits only: any whole number above the maximum, however many digits (past Int's range too), is the maximum.
            let digits = text.utf8.drop { $0 == UInt8(ascii: "0") }
            guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }), !digits.isEmpty else {
                throw BoxOfficeError.badParameter("limit", "limit must be a whole number from 1 to \(PageRequest.maxLimit)")
            }
            limit = digits.count > 9 ? PageRequest.maxLimit : min(Int(Substring(digits))!, PageRequest.maxLimit)
        }
        var after: Cursor?
        if let text = uri.queryParameters.get("cursor"), !text.isEmpty {
            guard let cursor = Cursor(encoded: text) else { throw BoxOfficeError.badParameter("cursor", "cursor was not made by this list") }
            after = cursor
        }
        return PageRequest(limit: limit, after: after)
    }

    /// An id filter such as `?city=`; absent or empty is nil.
    func idParameter(_ name: String) throws -> String? {
        guard let value = uri.queryParameters.get(name), !value.isEmpty else { return nil }
        guard Identifier.looksValid(value) else { throw BoxOfficeError.badParameter(name, "\(name) is not a valid id") }
        return value
    }

    /// A short free-text filter such as `?q=`.
    func textParameter(_ name: String, maxLength: Int = 100) throws -> String? {
        guard let value = uri.queryParameters.get(name)?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        guard value.count <= maxLength else { throw BoxOfficeError.badParameter(name, "\(name) is at most \(maxLength) characters") }
        return value
    }

    /// A local date `YYYY-MM-DD`.
    func dateParameter(_ name: String) throws -> String? {
        guard let value = uri.queryParameters.get(name), !value.isEmpty else { return nil }
        guard LocalTime.date(from: value) != nil else { throw BoxOfficeError.badParameter(name, "\(name) must be a date YYYY-MM-DD") }
        return value
    }
}

extension AppRequestContext {
    /// A path parameter that must look like an id; anything else is a 404 for that kind of thing.
    func id(_ name: String = "id", of thing: String) throws -> String {
        guard let value = parameters.get(name), Identifier.looksValid(value) else {
            throw BoxOfficeError.notFound(thing, id: parameters.get(name) ?? "")
        }
        return value
    }
}
