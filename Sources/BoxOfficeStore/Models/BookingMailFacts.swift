import Foundation

/// A booking with what its email says besides it: its user's address and name, and the film, theatre and screen as
/// they are now (nil where that row is gone). `BookingStore.mailFacts(bookingIds:)` reads a batch of them at once.
public struct BookingMailFacts: Sendable, Equatable {
    public var booking: Booking
    public var email: String
    public var name: String
    public var movieTitle: String?
    public var theatreName: String?
    public var theatreAddress: String?
    public var screenNumber: Int?

    public init(
        booking: Booking, email: String, name: String, movieTitle: String?, theatreName: String?, theatreAddress: String?, screenNumber: Int?
    ) {
        self.booking = booking
        self.email = email
        self.name = name
        self.movieTitle = movieTitle
        self.theatreName = theatreName
        self.theatreAddress = theatreAddress
        self.screenNumber = screenNumber
    }
}
