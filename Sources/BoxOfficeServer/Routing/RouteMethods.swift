import HTTPTypes
import Hummingbird

/// Which methods each route path answers, so a request for a known path with another method can be told
/// apart from a request for a path that does not exist (405 with `Allow`, not 404).
struct RouteMethods: Sendable {
    private struct Entry: Sendable {
        let path: RouterPath
        var methods: Set<HTTPRequest.Method>
    }

    private let entries: [Entry]

    /// The table of `routes` (a router's `routes`). HEAD is allowed wherever GET is (the router answers it from GET).
    init(_ routes: [(path: RouterPath, method: HTTPRequest.Method)]) {
        var entries = [Entry]()
        for route in routes {
            if let index = entries.firstIndex(where: { $0.path == route.path }) {
                entries[index].methods.insert(route.method)
            } else {
                entries.append(Entry(path: route.path, methods: [route.method]))
            }
        }
        for index in entries.indices where entries[index].methods.contains(.get) {
            entries[index].methods.insert(.head)
        }
        self.entries = entries
    }

    /// The route that `path` resolves to and the methods it answers, or nil when no route has that path.
    ///
    /// Like the router, a literal component beats a parameter at the first place they differ, so
    /// `/api/bookings/lock-seats` is its own route (POST only), not `/api/bookings/:id` (GET).
    func match(_ path: String) -> (route: RouterPath, methods: Set<HTTPRequest.Method>)? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        var best: (entry: Entry, literals: [Bool])?
        for entry in entries where entry.path.components.count == parts.count {
            guard zip(entry.path.components, parts).allSatisfy({ element, part in element ~= part }) else { continue }
            let literals = zip(entry.path.components, parts).map { element, part in element == part }
            if let current = best, !Self.isMoreSpecific(literals, than: current.literals) { continue }
            best = (entry, literals)
        }
        return best.map { ($0.entry.path, $0.entry.methods) }
    }

    /// The methods a route answers for the `Allow` header, in a fixed, readable order; OPTIONS is always allowed.
    static func allowed(_ methods: Set<HTTPRequest.Method>) -> [String] {
        let order: [HTTPRequest.Method] = [.get, .head, .post, .put, .patch, .delete]
        let known = order.filter { methods.contains($0) }
        let others = methods.subtracting(order).subtracting([.options]).map(\.rawValue).sorted()
        return known.map(\.rawValue) + others + ["OPTIONS"]
    }

    private static func isMoreSpecific(_ lhs: [Bool], than rhs: [Bool]) -> Bool {
        for (left, right) in zip(lhs, rhs) where left != right { return left }
        return false
    }
}
