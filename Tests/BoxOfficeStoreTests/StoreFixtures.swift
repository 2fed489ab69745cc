import BoxOfficeStore
import Foundation
import TestDatabases

/// A database on a fresh temporary file, removed by nobody: the OS cleans its temp folder.
func temporaryDatabase(durability: Durability = .full) throws -> BoxOfficeDatabase {
    try BoxOfficeDatabase(path: temporaryDatabasePath(), durability: durability)
}

let smallLayout = SeatLayout(
    rows: ["A", "B"], columns: 3, aisles: [1], blocked: ["B3"],
    categories: [.init(name: "Silver", price: 100, rows: ["A"]), .init(name: "Gold", price: 200, rows: ["B"])])

func makeCity(_ name: String, at date: Date = Date()) -> City {
    City(id: Identifier.make("cty"), name: name, state: "S", timeZone: "Asia/Kolkata", createdAt: date, updatedAt: date)
}

func makeShow(city: String, movie: String, theatre: String, screen: Int = 1, startsAt: Date, minutes: Double = 120, date: String = "2030-01-01")
    -> Show
{
    Show(
        id: Identifier.make("shw"), movieId: movie, theatreId: theatre, screenNumber: screen, cityId: city, startsAt: startsAt,
        endsAt: startsAt.addingTimeInterval(minutes * 60), showDate: date, showTime: "10:00", language: "Hindi", format: "2D",
        layout: smallLayout, createdAt: Date(), updatedAt: Date())
}
