// Wheelchair spaces for best available: what a screen's layout could give at all (the rules of docs/SEATING.md,
// "The hall" and "Blocks"), worked out from the layout alone — which seats are free is the server's business.
// The seat picker uses it to offer only wheelchair-space counts that some block could hold, and to explain why not.

import { categoriesByRow, seatKinds } from './layout.js';

/** The most seats one best-available request may ask for (the server's limit). */
export const MAX_BLOCK = 10;

/**
 * The row segments of a layout: maximal runs of seats with no aisle and no blocked place between them, as
 * `[{ row, category, seats: ["J2", "J3", "J4"] }]`, front to back, left to right.
 */
export function rowSegments(layout) {
    const byRow = categoriesByRow(layout);
    const blocked = new Set(layout.blocked || []);
    const aisles = new Set(layout.aisles || []);
    const segments = [];
    for (const row of layout.rows || []) {
        const category = byRow.get(row)?.name;
        if (category === undefined) continue;
        let run = [];
        const close = () => {
            if (run.length) segments.push({ row, category, seats: run });
            run = [];
        };
        for (let column = 1; column <= layout.columns; column++) {
            const seat = `${row}${column}`;
            if (blocked.has(seat)) close();
            else run.push(seat);
            if (aisles.has(column)) close();
        }
        close();
    }
    return segments;
}

/**
 * For a layout (and a category, when one is chosen): n → the fewest seats of a block that holds exactly n wheelchair
 * spaces, every companion seat that belongs to one of them and no other companion seat, in one row segment, at most
 * `MAX_BLOCK` seats. A number of spaces that no block could hold is left out. A companion seat belongs to the
 * wheelchair space beside it in its segment — the one on its left when there is one on each side.
 */
export function wheelchairBlockSizes(layout, category = '') {
    const kinds = seatKinds(layout);
    const sizes = new Map();
    for (const segment of rowSegments(layout)) {
        if (category && segment.category !== category) continue;
        const seats = segment.seats;
        const kind = seats.map((seat) => kinds.get(seat) ?? 'standard');
        if (!kind.includes('wheelchair')) continue;
        // owner[i]: for a companion seat, the index of its wheelchair space (or -1 when it has none).
        const owner = kind.map((k, i) => {
            if (k !== 'companion') return -1;
            if (kind[i - 1] === 'wheelchair') return i - 1;
            if (kind[i + 1] === 'wheelchair') return i + 1;
            return -1;
        });
        for (let first = 0; first < seats.length; first++) {
            for (let last = first; last < seats.length && last - first < MAX_BLOCK; last++) {
                const n = countValid(kind, owner, first, last);
                if (n > 0) {
                    const size = last - first + 1;
                    if (!sizes.has(n) || size < sizes.get(n)) sizes.set(n, size);
                }
            }
        }
    }
    return sizes;
}

/** How many wheelchair spaces the block `first…last` holds when it is one a request may get, else 0. */
function countValid(kind, owner, first, last) {
    let spaces = 0;
    for (let i = first; i <= last; i++) {
        if (kind[i] === 'wheelchair') {
            spaces += 1;
            // Its companion seats (those that belong to it) must be in the block too.
            for (const j of [i - 1, i + 1]) if (owner[j] === i && (j < first || j > last)) return 0;
        } else if (kind[i] === 'companion') {
            // Only companion seats of the block's own wheelchair spaces.
            if (owner[i] < first || owner[i] > last) return 0;
        }
    }
    return spaces;
}

/**
 * Whether the wheelchair spaces of the layout (in `category`, when given) come with companion seats: `"all"` of
 * them, `"some"`, or `"none"` (also when there are no spaces).
 */
export function companionCoverage(layout, category = '') {
    const kinds = seatKinds(layout);
    let spaces = 0;
    let covered = 0;
    for (const segment of rowSegments(layout)) {
        if (category && segment.category !== category) continue;
        const kind = segment.seats.map((seat) => kinds.get(seat) ?? 'standard');
        kind.forEach((k, i) => {
            if (k !== 'wheelchair') return;
            spaces += 1;
            // The companion on its right is always its own; the one on its left is, unless a space is left of that.
            if (kind[i + 1] === 'companion' || (kind[i - 1] === 'companion' && kind[i - 2] !== 'wheelchair')) covered += 1;
        });
    }
    return !spaces || !covered ? 'none' : covered === spaces ? 'all' : 'some';
}
