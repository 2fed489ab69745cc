import BoxOffice
import BoxOfficeStore
import NIOCore
import SeatEngine

/// The encoded `GET /api/shows/:id` body of each show, kept per (loaded show revision, seat version).
///
/// A body is only ever served for the exact version it was rendered at, and for the exact loaded show
/// (`LoadedShow.revision` changes when an admin edit makes the catalog read the show again), so it can never
/// show a stale seat status or stale show fields: a newer version or revision is a miss and renders anew.
actor RenderedSeatMaps {
    private struct Entry {
        var template: SeatMapTemplate
        var version: Int64
        var body: ByteBuffer
    }

    private var entries: BoundedCache<String, Entry>

    init(capacity: Int = 4_000) {
        entries = BoundedCache(capacity: capacity)
    }

    /// The body of `show` at its current durable version.
    nonisolated func body(of show: LoadedShow, catalog: CatalogService) async throws -> ByteBuffer {
        // Revision 0 is a show read without the catalog's cache: nothing tells two such reads apart, so never keep it.
        let cacheable = show.revision != 0
        var cachedTemplate: SeatMapTemplate?
        if cacheable {
            let version = try await catalog.seatVersion(of: show)
            let (body, template) = await lookup(show.show.id, revision: show.revision, version: version)
            if let body { return body }
            cachedTemplate = template
        }
        let template = try cachedTemplate ?? SeatMapTemplate(show)
        // Statuses and counts at one version (possibly newer than the one looked up): the body is stored under theirs.
        let seats = try await catalog.seatStatuses(of: show)
        let rendered = template.render(statuses: seats.statuses, counts: seats.counts)
        if cacheable { await store(show.show.id, template: template, version: seats.counts.version, body: rendered) }
        return rendered
    }

    private func lookup(_ show: String, revision: UInt64, version: Int64) -> (body: ByteBuffer?, template: SeatMapTemplate?) {
        guard let entry = entries.value(for: show), entry.template.revision == revision else { return (nil, nil) }
        return (entry.version == version ? entry.body : nil, entry.template)
    }

    private func store(_ show: String, template: SeatMapTemplate, version: Int64, body: ByteBuffer) {
        if let current = entries.value(for: show), current.template.revision == template.revision, current.version > version {
            return  // a newer body is already here
        }
        entries.set(Entry(template: template, version: version, body: body), for: show)
    }
}
