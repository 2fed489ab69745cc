// A screen's layout: checked as the server checks it, and drawn as rows of seat buttons with aisles,
// blocked places and category bands. Used by the seat picker and by the admin's live preview.

import { h } from './dom.js';
import { money } from './format.js';

const ROW_NAME = /^[A-Z]{1,3}$/;
export const MAX_ROWS = 52;
export const MAX_COLUMNS = 100;
export const MAX_PRICE = 100_000_000;

/** Splits "AB12" into { row: "AB", column: 12 }, or null. */
export function splitSeat(name) {
    const match = /^([A-Z]{1,3})([1-9]\d{0,2})$/.exec(String(name));
    return match ? { row: match[1], column: Number(match[2]) } : null;
}

/** The first problem with a layout as { field, message } (the server's own rules), or null. */
export function layoutProblem(layout) {
    const rows = Array.isArray(layout?.rows) ? layout.rows : [];
    const columns = layout?.columns;
    const aisles = Array.isArray(layout?.aisles) ? layout.aisles : [];
    const blocked = Array.isArray(layout?.blocked) ? layout.blocked : [];
    const categories = Array.isArray(layout?.categories) ? layout.categories : [];
    if (!rows.length) return { field: 'rows', message: 'a layout needs at least one row' };
    if (rows.length > MAX_ROWS) return { field: 'rows', message: `at most ${MAX_ROWS} rows` };
    const bad = rows.find((row) => !ROW_NAME.test(row));
    if (bad !== undefined) return { field: 'rows', message: `row names are 1 to 3 capital letters (A–Z); got "${String(bad).slice(0, 20)}"` };
    if (new Set(rows).size !== rows.length) return { field: 'rows', message: 'row names must be unique' };
    if (!Number.isInteger(columns) || columns < 1 || columns > MAX_COLUMNS) {
        return { field: 'columns', message: `columns must be between 1 and ${MAX_COLUMNS}` };
    }
    for (const aisle of aisles) {
        if (!Number.isInteger(aisle) || aisle < 1 || aisle >= columns) {
            return { field: 'aisles', message: `an aisle is a gap after a column from 1 to ${columns - 1}; got ${aisle}` };
        }
    }
    if (new Set(aisles).size !== aisles.length) return { field: 'aisles', message: 'aisles must be unique' };
    const rowSet = new Set(rows);
    const seen = new Set();
    for (const place of blocked) {
        const split = splitSeat(place);
        if (!split || !rowSet.has(split.row) || split.column > columns) {
            return { field: 'blocked', message: `blocked place "${String(place).slice(0, 20)}" is not inside the grid` };
        }
        if (seen.has(place)) return { field: 'blocked', message: `blocked place ${place} is listed twice` };
        seen.add(place);
    }
    if (!categories.length) return { field: 'categories', message: 'a layout needs at least one price category' };
    const owner = new Map();
    const names = new Set();
    for (const [index, category] of categories.entries()) {
        const name = String(category?.name ?? '').trim();
        if (!name || name.length > 40) return { field: `categories[${index}].name`, message: 'a category name is 1 to 40 characters' };
        if (names.has(name)) return { field: `categories[${index}].name`, message: `category ${name} is listed twice` };
        names.add(name);
        if (!Number.isInteger(category.price) || category.price < 1 || category.price > MAX_PRICE) {
            return { field: `categories[${index}].price`, message: 'price is a positive whole amount' };
        }
        if (!Array.isArray(category.rows) || !category.rows.length) return { field: `categories[${index}].rows`, message: 'a category owns at least one row' };
        for (const row of category.rows) {
            if (!rowSet.has(row)) return { field: `categories[${index}].rows`, message: `row ${String(row).slice(0, 20)} is not in the layout` };
            if (owner.has(row)) return { field: `categories[${index}].rows`, message: `row ${row} already belongs to ${owner.get(row)}` };
            owner.set(row, name);
        }
    }
    const orphan = rows.find((row) => !owner.has(row));
    if (orphan) return { field: 'categories', message: `row ${orphan} belongs to no category` };
    if (!layoutSeats(layout).length) return { field: 'blocked', message: 'every place is blocked: the layout has no seats' };
    return null;
}

/** The seats of a layout, row by row, blocked places left out. */
export function layoutSeats(layout) {
    const byRow = categoriesByRow(layout);
    const blocked = new Set(layout.blocked || []);
    const seats = [];
    for (const row of layout.rows || []) {
        const category = byRow.get(row);
        if (!category) continue;
        for (let column = 1; column <= layout.columns; column++) {
            const seatNumber = `${row}${column}`;
            if (!blocked.has(seatNumber)) seats.push({ seatNumber, row, column, category: category.name, price: category.price });
        }
    }
    return seats;
}

/** row → { name, price, tier } where tier is the category's index (for its colour). */
export function categoriesByRow(layout) {
    const map = new Map();
    (layout.categories || []).forEach((category, tier) => {
        for (const row of category.rows || []) if (!map.has(row)) map.set(row, { name: category.name, price: category.price, tier: tier % 6 });
    });
    return map;
}

const STATUS_WORDS = {
    available: 'available',
    selected: 'selected',
    mine: 'held for you',
    held: 'held by someone else',
    booked: 'booked',
};

const KIND_WORDS = { wheelchair: 'wheelchair space', companion: 'companion seat' };

/** "Seat C5, Gold, ₹250, available"; a wheelchair space or companion seat says so: "Seat J2, Recliner, ₹450, wheelchair space, available". */
export function seatLabel(seatNumber, category, status, currency = 'INR', kind = 'standard') {
    const words = KIND_WORDS[kind] ? `, ${KIND_WORDS[kind]}` : '';
    return `Seat ${seatNumber}, ${category.name}, ${money(category.price, currency)}${words}, ${STATUS_WORDS[status] ?? status}`;
}

/** seatNumber → "wheelchair" | "companion" from the layout's lists (standard seats are left out). */
export function seatKinds(layout) {
    const kinds = new Map();
    for (const seat of layout?.wheelchair || []) kinds.set(seat, 'wheelchair');
    for (const seat of layout?.companion || []) kinds.set(seat, 'companion');
    return kinds;
}

/**
 * The seats a lock of `selection` would leave alone (docs/SEATING.md, "Stranding"): S is stranded when it is
 * available, not chosen, side by side with a chosen seat, and keeps no available neighbour outside the
 * selection. Neighbours are the seats next to each other in one row with no aisle or blocked place between.
 * `isAvailable(seat)` should count the user's own replaceable hold as available. In layout order.
 */
export function strandedSeats(layout, selection, isAvailable) {
    const chosen = new Set(selection);
    const blocked = new Set(layout.blocked || []);
    const aisles = new Set(layout.aisles || []);
    const seatAt = (row, column) => (column >= 1 && column <= layout.columns && !blocked.has(`${row}${column}`) ? `${row}${column}` : null);
    const neighbours = (row, column) => [
        column - 1 >= 1 && !aisles.has(column - 1) ? seatAt(row, column - 1) : null,
        column + 1 <= layout.columns && !aisles.has(column) ? seatAt(row, column + 1) : null,
    ].filter(Boolean);
    const stranded = [];
    for (const row of layout.rows || []) {
        for (let column = 1; column <= layout.columns; column++) {
            const seat = seatAt(row, column);
            if (!seat || chosen.has(seat) || !isAvailable(seat)) continue;
            const around = neighbours(row, column).filter(isAvailable);
            if (around.some((n) => chosen.has(n)) && !around.some((n) => !chosen.has(n))) stranded.push(seat);
        }
    }
    return stranded;
}

/**
 * Draws `layout` into `container`: the screen at the front, rows in layout order (the first row
 * nearest the screen), aisles as gaps, blocked places as empty floor. Returns seatNumber → button.
 */
export function renderSeatMap(container, layout, { currency = 'INR', caption = 'Seats' } = {}) {
    const byRow = categoriesByRow(layout);
    const blocked = new Set(layout.blocked || []);
    const aisles = new Set(layout.aisles || []);
    const kinds = seatKinds(layout);
    const buttons = new Map();
    const rows = h('div', { class: 'seat-rows', role: 'group', 'aria-label': caption });
    let lastCategory = null;
    for (const row of layout.rows || []) {
        const category = byRow.get(row);
        if (!category) continue;
        if (category.name !== lastCategory) {
            rows.append(h('div', { class: 'cat-band', dataset: { tier: String(category.tier) } },
                h('span', { class: 'cat-name', text: category.name }),
                h('span', { class: 'cat-price', text: money(category.price, currency) })));
            lastCategory = category.name;
        }
        const line = h('div', { class: 'seat-row', dataset: { row } }, h('span', { class: 'row-label', 'aria-hidden': 'true', text: row }));
        for (let column = 1; column <= layout.columns; column++) {
            const seatNumber = `${row}${column}`;
            if (blocked.has(seatNumber)) {
                line.append(h('span', { class: 'seat-space', 'aria-hidden': 'true' }));
            } else {
                const kind = kinds.get(seatNumber);
                const button = h('button', {
                    type: 'button',
                    class: 'seat',
                    tabindex: '-1',
                    dataset: { seat: seatNumber, status: 'available', tier: String(category.tier), column: String(column), ...(kind ? { kind } : {}) },
                    'aria-label': seatLabel(seatNumber, category, 'available', currency, kind),
                    text: String(column),
                });
                buttons.set(seatNumber, button);
                line.append(button);
            }
            if (aisles.has(column)) line.append(h('span', { class: 'aisle', 'aria-hidden': 'true' }));
        }
        line.append(h('span', { class: 'row-label', 'aria-hidden': 'true', text: row }));
        rows.append(line);
    }
    const first = buttons.values().next().value;
    if (first) first.tabIndex = 0;
    // Wide screens draw smaller seats so that the whole room fits where it can.
    container.dataset.density = layout.columns > 28 ? 'tiny' : layout.columns > 18 ? 'compact' : 'normal';
    container.dataset.size = buttons.size > 400 ? 'large' : 'normal';
    container.replaceChildren(h('div', { class: 'seatmap-inner' },
        h('div', { class: 'screen-edge' }, h('span', { text: 'Screen this way' })),
        rows));
    return buttons;
}

/**
 * Arrow keys move between seats (one tab stop for the whole map): ←/→ along a row, ↑/↓ to the nearest
 * seat in the next row, Home/End to the row's ends.
 */
export function enableSeatKeyboard(container) {
    container.addEventListener('keydown', (event) => {
        const seat = event.target.closest?.('.seat');
        if (!seat || !container.contains(seat)) return;
        const row = seat.closest('.seat-row');
        const inRow = Array.from(row.querySelectorAll('.seat'));
        const index = inRow.indexOf(seat);
        let target = null;
        switch (event.key) {
        case 'ArrowLeft': target = inRow[index - 1]; break;
        case 'ArrowRight': target = inRow[index + 1]; break;
        case 'Home': target = inRow[0]; break;
        case 'End': target = inRow[inRow.length - 1]; break;
        case 'ArrowUp':
        case 'ArrowDown': {
            const rows = Array.from(container.querySelectorAll('.seat-row'));
            let at = rows.indexOf(row);
            const step = event.key === 'ArrowUp' ? -1 : 1;
            const column = Number(seat.dataset.column);
            for (at += step; at >= 0 && at < rows.length && !target; at += step) {
                const seats = Array.from(rows[at].querySelectorAll('.seat'));
                target = seats.reduce((best, s) => (!best || Math.abs(Number(s.dataset.column) - column) < Math.abs(Number(best.dataset.column) - column) ? s : best), null);
            }
            break;
        }
        default: return;
        }
        event.preventDefault();
        if (target) focusSeat(container, target);
    });
    container.addEventListener('focusin', (event) => {
        const seat = event.target.closest?.('.seat');
        if (seat) focusSeat(container, seat, false);
    });
}

function focusSeat(container, seat, move = true) {
    for (const other of container.querySelectorAll('.seat[tabindex="0"]')) if (other !== seat) other.tabIndex = -1;
    seat.tabIndex = 0;
    if (move) seat.focus();
}
