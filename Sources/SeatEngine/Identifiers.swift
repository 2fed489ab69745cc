// The engine's ids are the store's opaque strings; aliases keep signatures readable.

/// A show's id.
public typealias ShowID = String

/// A booking's id; a pending booking owns a hold, a confirmed one its booked seats.
public typealias BookingID = String

/// A user's id.
public typealias UserID = String

/// A payment's id: the attempt that pins a hold while its card is charged.
public typealias PaymentID = String
