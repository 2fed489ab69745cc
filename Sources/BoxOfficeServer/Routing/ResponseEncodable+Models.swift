import BoxOffice
import BoxOfficeStore
import Hummingbird

// The service and store values are the API's shapes; these conformances let handlers return them directly.
extension Page: ResponseEncodable, ResponseGenerator {}
extension City: ResponseEncodable, ResponseGenerator {}
extension Movie: ResponseEncodable, ResponseGenerator {}
extension TheatreDetail: ResponseEncodable, ResponseGenerator {}
extension ShowView: ResponseEncodable, ResponseGenerator {}
extension AvailabilityView: ResponseEncodable, ResponseGenerator {}
extension User: ResponseEncodable, ResponseGenerator {}
extension Booking: ResponseEncodable, ResponseGenerator {}
extension SalesReport: ResponseEncodable, ResponseGenerator {}
extension PaymentView: ResponseEncodable, ResponseGenerator {}
extension AdminUserView: ResponseEncodable, ResponseGenerator {}
extension TicketView: ResponseEncodable, ResponseGenerator {}
extension WebhookView: ResponseEncodable, ResponseGenerator {}

/// `{user, token}` from register and login.
struct SessionResponse: ResponseEncodable {
    var user: User
    var token: String
}

/// `{user}` from the profile.
struct ProfileResponse: ResponseEncodable {
    var user: User
}
