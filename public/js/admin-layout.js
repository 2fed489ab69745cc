// The theatre form's screen editors: a layout typed as rows, seats per row, aisles, blocked places, wheelchair
// spaces and categories; checked by the server's own rules (layout.js) and previewed as it is typed. An editor can
// start from a stored screen (editing a theatre) and gives back the same layout when nothing was changed.

import { h, replace, $, $$, say } from './dom.js';
import { money } from './format.js';
import { layoutProblem, layoutSeats, renderSeatMap } from './layout.js';
import { list } from './admin-common.js';

let screenCount = 0;

/** "A-D, F, H-J" → ["A","B","C","D","F","H","I","J"]; multi-letter names are listed as they are. */
export function parseRows(text) {
    const rows = [];
    for (const part of list(String(text).toUpperCase())) {
        const range = /^([A-Z])\s*[-–]\s*([A-Z])$/.exec(part);
        if (range) {
            const from = range[1].charCodeAt(0);
            const to = range[2].charCodeAt(0);
            const step = from <= to ? 1 : -1;
            for (let c = from; c !== to + step; c += step) rows.push(String.fromCharCode(c));
        } else {
            rows.push(part.replace(/\s+/g, ''));
        }
    }
    return rows;
}

/** ["A","B","C","D","F","H","J","K","L"] → "A-D, F, H, J-L" (the inverse of parseRows). */
export function rowsText(rows) {
    const parts = [];
    let run = [];
    const flush = () => {
        if (run.length >= 3) parts.push(`${run[0]}-${run[run.length - 1]}`);
        else parts.push(...run);
        run = [];
    };
    for (const row of rows || []) {
        const last = run[run.length - 1];
        if (row.length === 1 && last?.length === 1 && row.charCodeAt(0) === last.charCodeAt(0) + 1) run.push(row);
        else {
            flush();
            run = [row];
        }
    }
    flush();
    return parts.join(', ');
}

/** "4, 12" → [4, 12] (anything not a whole number stays, so the check can name it). */
const numbers = (text) => list(text).map((s) => (/^\d+$/.test(s) ? Number(s) : s));

/** "250" or "250.50" rupees → 25000 or 25050 paise, without floating point; null if not a price. */
export function toMinor(text) {
    const match = /^\s*(\d{1,9})(?:\.(\d{1,2}))?\s*$/.exec(String(text || ''));
    if (!match) return null;
    return Number(match[1]) * 100 + Number((match[2] || '0').padEnd(2, '0'));
}

/** 25050 paise → "250.50"; 25000 → "250". */
export function rupeesText(minor) {
    const whole = Math.trunc(minor / 100);
    const fraction = minor % 100;
    return fraction ? `${whole}.${String(fraction).padStart(2, '0')}` : String(whole);
}

function categoryLine(editor, name = '', price = '', rows = '') {
    const index = editor.querySelectorAll('.category').length;
    const id = `${editor.id}-cat-${index}-${Math.random().toString(36).slice(2, 7)}`;
    const line = h('div', { class: 'field-row category' },
        h('div', { class: 'field' }, h('label', { for: `${id}-n`, text: 'Category' }), h('input', { id: `${id}-n`, name: 'catName', value: name, maxlength: '40' })),
        h('div', { class: 'field' }, h('label', { for: `${id}-p`, text: 'Price (₹)' }), h('input', { id: `${id}-p`, name: 'catPrice', value: price, inputmode: 'decimal' })),
        h('div', { class: 'field' }, h('label', { for: `${id}-r`, text: 'Rows' }), h('input', { id: `${id}-r`, name: 'catRows', value: rows, placeholder: 'A-D' })),
        h('div', { class: 'field' }, h('span', { class: 'label', 'aria-hidden': 'true', text: '\u00a0' }),
            h('button', { type: 'button', class: 'btn btn-small btn-quiet', text: 'Remove', 'aria-label': 'Remove this category', on: { click: () => { line.remove(); preview(editor); } } })));
    editor.querySelector('.categories').append(line);
}

/** Adds a screen editor to #screens: a default screen, or `screen` ({screenNumber, name, layout}) when editing. */
export function addScreen(screen = null) {
    screenCount += 1;
    const n = screenCount;
    const id = `screen-${n}`;
    const layout = screen?.layout;
    const input = (label, name, attrs = {}) => h('div', { class: 'field' }, h('label', { for: `${id}-${name}`, text: label }), h('input', { id: `${id}-${name}`, name, ...attrs }));
    const editor = h('fieldset', { class: 'screen-editor', id },
        h('legend', { text: screen ? `Screen ${screen.screenNumber}: ${screen.name}` : `Screen ${n}` }),
        h('div', { class: 'field-row' },
            input('Screen number', 'screenNumber', { type: 'number', min: '1', value: String(screen?.screenNumber ?? n) }),
            input('Name', 'screenName', { value: screen?.name ?? (n === 1 ? 'Audi 1' : `Audi ${n}`), maxlength: '100' }),
            input('Rows (front to back)', 'rows', { value: layout ? rowsText(layout.rows) : 'A-J', placeholder: 'A-J' }),
            input('Seats per row', 'columns', { type: 'number', min: '1', max: '100', value: String(layout?.columns ?? 16) })),
        h('div', { class: 'field-row' },
            input('Aisles after seat numbers', 'aisles', { value: layout ? (layout.aisles || []).join(', ') : '4, 12', placeholder: '4, 12' }),
            input('Blocked places (no seat)', 'blocked', { value: layout ? (layout.blocked || []).join(', ') : 'I1, I16, J1, J16', placeholder: 'A1, A16' })),
        h('div', { class: 'field-row' },
            input('Wheelchair spaces', 'wheelchair', { value: (layout?.wheelchair || []).join(', '), placeholder: 'J2, J15' }),
            input('Companion seats', 'companion', { value: (layout?.companion || []).join(', '), placeholder: 'J3, J14' })),
        h('label', { class: 'check-line' },
            h('input', { type: 'checkbox', name: 'singleSeatGaps', checked: layout?.singleSeatGaps === 'refuse' }),
            ' Refuse a hold that would leave a single seat alone in its row'),
        h('div', { class: 'categories' }),
        h('p', {}, h('button', { type: 'button', class: 'btn btn-small', text: 'Add a category', on: { click: () => { categoryLine(editor); preview(editor); } } }),
            ' ', n > 1 ? h('button', { type: 'button', class: 'btn btn-small btn-quiet', text: 'Remove this screen', on: { click: () => editor.remove() } }) : null),
        h('div', { class: 'layout-check form-message', role: 'status', 'aria-live': 'polite' }),
        h('div', { class: 'preview', inert: true, 'aria-hidden': 'true' }),
        h('p', { class: 'preview-facts' }));
    $('#screens').append(editor);
    if (layout) {
        for (const c of layout.categories || []) categoryLine(editor, c.name, rupeesText(c.price), rowsText(c.rows));
    } else {
        categoryLine(editor, 'Silver', '150', 'A-D');
        categoryLine(editor, 'Gold', '250', 'E-H');
        categoryLine(editor, 'Recliner', '450', 'I-J');
    }
    editor.addEventListener('input', () => preview(editor));
    preview(editor);
    return editor;
}

/** Empties #screens and adds `screens` (or one default screen). */
export function resetScreens(screens = null) {
    replace($('#screens'));
    screenCount = 0;
    if (screens?.length) for (const screen of screens) addScreen(screen);
    else addScreen();
}

/** The layout an editor describes, or a problem with the field to fix. */
function layoutOf(editor) {
    const field = (name) => editor.querySelector(`[name="${name}"]`);
    const value = (name) => field(name).value;
    const categories = [];
    for (const line of editor.querySelectorAll('.category')) {
        const name = line.querySelector('[name="catName"]').value.trim();
        const priceText = line.querySelector('[name="catPrice"]').value;
        const price = toMinor(priceText);
        if (price === null) return { problem: `The price of ${name || 'a category'} should be an amount in rupees, like 250 or 199.50.`, field: line.querySelector('[name="catPrice"]') };
        categories.push({ name, price, rows: parseRows(line.querySelector('[name="catRows"]').value) });
    }
    const columns = Number(value('columns'));
    const layout = {
        rows: parseRows(value('rows')),
        columns: Number.isInteger(columns) ? columns : NaN,
        aisles: numbers(value('aisles')),
        blocked: list(value('blocked').toUpperCase()),
        categories,
    };
    const problem = layoutProblem(layout);
    if (problem) {
        const fieldName = { rows: 'rows', columns: 'columns', aisles: 'aisles', blocked: 'blocked' }[problem.field];
        return { problem: `Layout ${problem.field}: ${problem.message}.`, field: fieldName ? field(fieldName) : null, layout };
    }
    const seats = new Set(layoutSeats(layout).map((s) => s.seatNumber));
    const kinds = {};
    for (const kind of ['wheelchair', 'companion']) {
        const named = list(value(kind).toUpperCase());
        const stray = named.find((seat) => !seats.has(seat));
        if (stray) return { problem: `Layout ${kind}: ${stray.slice(0, 20)} is not a seat of this layout.`, field: field(kind), layout };
        if (new Set(named).size !== named.length) return { problem: `Layout ${kind}: a seat is listed twice.`, field: field(kind), layout };
        if (named.length) kinds[kind] = named;
    }
    const both = (kinds.wheelchair || []).find((seat) => (kinds.companion || []).includes(seat));
    if (both) return { problem: `Layout: seat ${both} cannot be both a wheelchair space and a companion seat.`, field: field('companion'), layout };
    Object.assign(layout, kinds);
    if (field('singleSeatGaps').checked) layout.singleSeatGaps = 'refuse';
    return { layout };
}

function preview(editor) {
    const check = editor.querySelector('.layout-check');
    const facts = editor.querySelector('.preview-facts');
    const box = editor.querySelector('.preview');
    for (const input of editor.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
    const { layout, problem, field } = layoutOf(editor);
    if (problem) {
        field?.setAttribute('aria-invalid', 'true');
        say(check, problem, 'error');
        facts.textContent = '';
        box.classList.add('stale');
        return;
    }
    say(check, '');
    box.classList.remove('stale');
    renderSeatMap(box, layout, { caption: 'Preview' });
    const seats = layoutSeats(layout);
    const byCategory = layout.categories.map((c) => `${c.name} ${seats.filter((s) => s.category === c.name).length} × ${money(c.price)}`);
    const access = layout.wheelchair?.length ? ` ${layout.wheelchair.length} wheelchair space(s), ${layout.companion?.length ?? 0} companion seat(s).` : '';
    facts.textContent = `${seats.length} seats — ${byCategory.join(', ')}. Row ${layout.rows[0]} is nearest the screen.${access}`;
}

/** The screens of the form as the API takes them, or a problem. */
export function screensOf(form) {
    const editors = $$('.screen-editor', form);
    if (!editors.length) return { problem: 'A theatre needs at least one screen.' };
    const screens = [];
    for (const editor of editors) {
        const { layout, problem, field } = layoutOf(editor);
        const legend = editor.querySelector('legend').textContent;
        if (problem) return { problem: `${legend}: ${problem}`, field };
        const screenNumber = Number(editor.querySelector('[name="screenNumber"]').value);
        if (!Number.isInteger(screenNumber) || screenNumber < 1) return { problem: `${legend}: the screen number is a whole number from 1.`, field: editor.querySelector('[name="screenNumber"]') };
        screens.push({ screenNumber, name: editor.querySelector('[name="screenName"]').value.trim() || `Screen ${screenNumber}`, layout });
    }
    if (new Set(screens.map((s) => s.screenNumber)).size !== screens.length) return { problem: 'Two screens have the same number.' };
    return { screens };
}
