import BoxOfficeStore
import Foundation

/// A realistic catalog for trying BoxOffice out: five cities, twelve films, twelve theatres with
/// two to four screens of different layouts (one a 1,080-seat premiere hall), wheelchair spaces in every hall, and a week of shows at the usual times.
public enum DemoCatalog {
    /// The catalog with shows for the 7 days from `start` (only shows that start after `start`).
    public static func make(startingFrom start: Date) -> CatalogSeed {
        let zone = TimeZone(identifier: "Asia/Kolkata")!
        let cities = cityRows.map { City(id: Identifier.make("cty", at: start), name: $0.name, state: $0.state, timeZone: zone.identifier, createdAt: start, updatedAt: start) }
        // Each city plays eight of the twelve films, so browsing by city shows different lists.
        func plays(movie: Int, city: Int) -> Bool { (movie + city) % 3 != 0 }
        let movies = movieRows.enumerated().map { index, row in
            Movie(
                id: Identifier.make("mov", at: start), title: row.title, description: row.description, genres: row.genres,
                languages: row.languages, durationMinutes: row.minutes, rating: row.rating, releaseDate: row.released,
                posterUrl: "/posters/\(index + 1).svg",
                cityIds: cities.indices.filter { plays(movie: index, city: $0) }.map { cities[$0].id },
                createdAt: start, updatedAt: start)
        }
        var theatres = [TheatreDetail]()
        var shows = [Show]()
        let today = LocalTime.dateAndTime(of: start, in: zone).date
        for (theatreIndex, row) in theatreRows.enumerated() {
            let city = cities[row.city]
            let theatreId = Identifier.make("thr", at: start)
            let screens = row.screens.enumerated().map { number, kind in
                Screen(theatreId: theatreId, screenNumber: number + 1, name: kind.name, layout: kind.layout)
            }
            theatres.append(
                TheatreDetail(
                    theatre: Theatre(
                        id: theatreId, name: row.name, cityId: city.id, address: row.address, amenities: row.amenities,
                        createdAt: start, updatedAt: start),
                    screens: screens))
            let cityMovies = movies.indices.filter { plays(movie: $0, city: row.city) }
            for day in 0..<7 {
                guard let dayStart = LocalTime.instant(date: today, time: "00:00", in: zone)?.addingTimeInterval(Double(day) * 86_400) else {
                    continue
                }
                let date = LocalTime.dateAndTime(of: dayStart.addingTimeInterval(3600), in: zone).date
                for (screenIndex, screen) in screens.enumerated() {
                    for (slot, time) in (row.screens[screenIndex].times ?? showTimes(screen: screenIndex)).enumerated() {
                        guard let startsAt = LocalTime.instant(date: date, time: time, in: zone), startsAt > start else { continue }
                        let movie = movies[cityMovies[(theatreIndex * 5 + screenIndex * 3 + slot + day) % cityMovies.count]]
                        let language = movie.languages[(slot + day) % movie.languages.count]
                        let local = LocalTime.dateAndTime(of: startsAt, in: zone)
                        shows.append(
                            Show(
                                id: Identifier.make("shw", at: start), movieId: movie.id, theatreId: theatreId,
                                screenNumber: screen.screenNumber, cityId: city.id, startsAt: startsAt,
                                endsAt: startsAt.addingTimeInterval(Double(movie.durationMinutes) * 60), showDate: local.date,
                                showTime: local.time, language: language, format: row.screens[screenIndex].format, layout: screen.layout,
                                createdAt: start, updatedAt: start))
                    }
                }
            }
        }
        return CatalogSeed(cities: cities, movies: movies, theatres: theatres, shows: shows)
    }

    /// Four shows a day, 3½ hours apart (the longest film is under 3), staggered by screen so lobbies don't flood.
    static func showTimes(screen: Int) -> [String] {
        let offset = (screen % 4) * 15
        return [10 * 60, 13 * 60 + 30, 17 * 60, 20 * 60 + 30].map { minutes in
            let total = minutes + offset
            return String(format: "%02d:%02d", total / 60, total % 60)
        }
    }

    // MARK: Data

    static let cityRows: [(name: String, state: String)] = [
        ("Mumbai", "Maharashtra"), ("Delhi", "Delhi"), ("Bengaluru", "Karnataka"), ("Chennai", "Tamil Nadu"), ("Hyderabad", "Telangana"),
    ]

    struct MovieRow {
        var title: String
        var description: String
        var genres: [String]
        var languages: [String]
        var minutes: Int
        var rating: Double
        var released: String
    }

    static let movieRows: [MovieRow] = [
        MovieRow(title: "The Monsoon Heist", description: "A crew of retired con artists plans one last job on the wettest night of the year.", genres: ["Action", "Thriller"], languages: ["Hindi", "English"], minutes: 148, rating: 7.8, released: "2026-11-13"),
        MovieRow(title: "Starlight Express to Ooty", description: "Two strangers share a sleeper compartment and a week of misunderstandings.", genres: ["Romance", "Comedy"], languages: ["Tamil", "Hindi"], minutes: 132, rating: 7.1, released: "2026-11-06"),
        MovieRow(title: "Deep Orbit", description: "A salvage crew finds a station that should not exist, still broadcasting.", genres: ["Sci-Fi", "Adventure"], languages: ["English"], minutes: 156, rating: 8.4, released: "2026-11-20"),
        MovieRow(title: "Kingdom of Sand", description: "A queen defends a desert fort against an empire with nothing but wit.", genres: ["Historical", "Drama", "Action"], languages: ["Telugu", "Hindi", "Tamil"], minutes: 171, rating: 8.0, released: "2026-10-30"),
        MovieRow(title: "Laugh Riot Live", description: "Six comics, one stage, and a power cut.", genres: ["Comedy"], languages: ["Hindi"], minutes: 118, rating: 6.5, released: "2026-11-20"),
        MovieRow(title: "The Last Lighthouse", description: "A keeper on a cliff starts receiving letters dated fifty years ahead.", genres: ["Mystery", "Thriller"], languages: ["English", "Malayalam"], minutes: 124, rating: 7.6, released: "2026-11-06"),
        MovieRow(title: "Gully Cricket", description: "A neighbourhood team bets its playground on one match.", genres: ["Sports", "Drama"], languages: ["Hindi", "Marathi"], minutes: 139, rating: 7.3, released: "2026-10-23"),
        MovieRow(title: "Whispers in the Haveli", description: "An heir returns to the family mansion and its locked east wing.", genres: ["Horror"], languages: ["Hindi"], minutes: 109, rating: 6.8, released: "2026-11-13"),
        MovieRow(title: "Paper Boats", description: "Three children follow a paper boat down the river to the sea.", genres: ["Family", "Animation"], languages: ["English", "Hindi", "Kannada"], minutes: 97, rating: 7.9, released: "2026-11-20"),
        MovieRow(title: "Neon Nights Bengaluru", description: "A night-shift cabbie witnesses the one crime the city wants forgotten.", genres: ["Crime", "Drama"], languages: ["Kannada", "English"], minutes: 142, rating: 7.4, released: "2026-11-06"),
        MovieRow(title: "Raaga", description: "A temple singer and a film composer fall out over one melody.", genres: ["Musical", "Romance"], languages: ["Tamil", "Telugu"], minutes: 151, rating: 8.2, released: "2026-10-30"),
        MovieRow(title: "Summit", description: "The first all-women expedition to climb Kangchenjunga in winter.", genres: ["Adventure", "Documentary"], languages: ["English"], minutes: 104, rating: 7.7, released: "2026-11-13"),
    ]

    struct ScreenKind {
        var name: String
        var format: String
        var layout: SeatLayout
        /// Show times of this screen, when not the usual four a day.
        var times: [String]? = nil
    }

    /// 160 places, three categories, premium recliners at the back, two aisles.
    static let classic = SeatLayout(
        rows: ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J"], columns: 16, aisles: [4, 12], blocked: ["I1", "I16", "J1", "J16"],
        categories: [
            .init(name: "Silver", price: 15_000, rows: ["A", "B", "C", "D"]),
            .init(name: "Gold", price: 25_000, rows: ["E", "F", "G", "H"]),
            .init(name: "Recliner", price: 45_000, rows: ["I", "J"]),
        ],
        wheelchair: ["J2", "J15"], companion: ["J3", "J14"])
    /// A small hall with two pillars in the front row.
    static let compact = SeatLayout(
        rows: ["A", "B", "C", "D", "E", "F", "G", "H"], columns: 12, aisles: [6], blocked: ["A1", "A12"],
        categories: [
            .init(name: "Silver", price: 12_000, rows: ["A", "B", "C"]),
            .init(name: "Gold", price: 20_000, rows: ["D", "E", "F", "G", "H"]),
        ],
        wheelchair: ["H1", "H12"], companion: ["H2", "H11"])
    /// A large-format hall: 14 rows of 24, recliners in the last two rows with wheelchair spaces.
    static let imax = SeatLayout(
        rows: ["A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L", "M", "N", "P"], columns: 24, aisles: [6, 18],
        blocked: ["N1", "N2", "N23", "N24", "P1", "P2", "P23", "P24"],
        categories: [
            .init(name: "Standard", price: 20_000, rows: ["A", "B", "C", "D", "E"]),
            .init(name: "Premium", price: 35_000, rows: ["F", "G", "H", "J", "K", "L", "M"]),
            .init(name: "Recliner", price: 60_000, rows: ["N", "P"]),
        ],
        wheelchair: ["P3", "P22"], companion: ["P4", "P21"])
    /// A boutique lounge: six rows of ten.
    static let boutique = SeatLayout(
        rows: ["A", "B", "C", "D", "E", "F"], columns: 10, aisles: [5], blocked: [],
        categories: [
            .init(name: "Gold", price: 30_000, rows: ["A", "B", "C", "D"]),
            .init(name: "Lounge", price: 55_000, rows: ["E", "F"]),
        ],
        wheelchair: ["F1"], companion: ["F2"])
    /// The premiere hall: 30 rows of 36 (1,080 seats), two aisles, wheelchair spaces with companion seats in the back row.
    static let premiere: SeatLayout = {
        let letters = "ABCDEFGHJKLMNPQRSTUVWXYZ".map(String.init) // no I or O: they read as 1 and 0
        let rows = letters + ["AA", "AB", "AC", "AD", "AE", "AF"]
        let back = rows[rows.count - 1]
        return SeatLayout(
            rows: rows, columns: 36, aisles: [8, 28], blocked: [],
            categories: [
                .init(name: "Classic", price: 18_000, rows: Array(rows[0..<10])),
                .init(name: "Prime", price: 30_000, rows: Array(rows[10..<24])),
                .init(name: "Recliner", price: 50_000, rows: Array(rows[24...])),
            ],
            wheelchair: ["\(back)1", "\(back)9", "\(back)28", "\(back)36"],
            companion: ["\(back)2", "\(back)10", "\(back)27", "\(back)35"])
    }()

    static let audi1 = ScreenKind(name: "Audi 1", format: "2D", layout: classic)
    static let audi2 = ScreenKind(name: "Audi 2", format: "2D", layout: compact)
    static let audi3 = ScreenKind(name: "Audi 3", format: "3D", layout: classic)
    static let imaxScreen = ScreenKind(name: "IMAX", format: "IMAX", layout: imax)
    static let lounge = ScreenKind(name: "Lounge", format: "2D", layout: boutique)
    /// One evening show a day, so the 1,080-seat hall adds only seven shows to the catalog.
    static let premiereScreen = ScreenKind(name: "Premiere Hall", format: "IMAX", layout: premiere, times: ["19:00"])

    struct TheatreRow {
        var name: String
        var city: Int
        var address: String
        var amenities: [String]
        var screens: [ScreenKind]
    }

    static let theatreRows: [TheatreRow] = [
        TheatreRow(name: "Regal Talkies Colaba", city: 0, address: "Shahid Bhagat Singh Rd, Colaba, Mumbai 400001", amenities: ["Parking", "Food Court", "Wheelchair Access"], screens: [audi1, audi2, lounge, premiereScreen]),
        TheatreRow(name: "Sea Breeze Multiplex Andheri", city: 0, address: "Link Rd, Andheri West, Mumbai 400053", amenities: ["Parking", "IMAX", "Recliners", "Food Court"], screens: [imaxScreen, audi1, audi2, audi3]),
        TheatreRow(name: "Connaught Cinema House", city: 1, address: "Block F, Connaught Place, New Delhi 110001", amenities: ["Metro Access", "Café"], screens: [audi1, audi2]),
        TheatreRow(name: "Saket Grand Screens", city: 1, address: "Press Enclave Marg, Saket, New Delhi 110017", amenities: ["Parking", "IMAX", "Recliners"], screens: [imaxScreen, audi1, lounge]),
        TheatreRow(name: "Dwarka Star Cinemas", city: 1, address: "Sector 12, Dwarka, New Delhi 110075", amenities: ["Parking", "Food Court"], screens: [audi1, audi2, audi3]),
        TheatreRow(name: "Lakeview Cinemas Indiranagar", city: 2, address: "100 Feet Rd, Indiranagar, Bengaluru 560038", amenities: ["Café", "Wheelchair Access"], screens: [audi1, lounge]),
        TheatreRow(name: "Orion Screens Whitefield", city: 2, address: "ITPL Main Rd, Whitefield, Bengaluru 560066", amenities: ["Parking", "IMAX", "Food Court"], screens: [imaxScreen, audi1, audi2, audi3]),
        TheatreRow(name: "Marina Talkies", city: 3, address: "Kamarajar Salai, Mylapore, Chennai 600004", amenities: ["Parking", "Wheelchair Access"], screens: [audi1, audi2, audi3]),
        TheatreRow(name: "Velachery Cine Palace", city: 3, address: "Velachery Main Rd, Chennai 600042", amenities: ["Parking", "Recliners", "Food Court"], screens: [audi1, lounge]),
        TheatreRow(name: "Charminar Picture Palace", city: 4, address: "Pathergatti, Hyderabad 500002", amenities: ["Heritage Building", "Café"], screens: [audi1, audi2]),
        TheatreRow(name: "Hitech City Megaplex", city: 4, address: "Madhapur, Hyderabad 500081", amenities: ["Parking", "IMAX", "Recliners", "Food Court"], screens: [imaxScreen, audi1, audi3, lounge]),
        TheatreRow(name: "Banjara Hills Screens", city: 4, address: "Road No. 1, Banjara Hills, Hyderabad 500034", amenities: ["Valet Parking", "Café"], screens: [audi2, lounge]),
    ]
}
