// What every part of `/admin.html` shares: the catalog in memory, admin calls, error words, list rows with their
// buttons, an inline "are you sure" step, and the controller that lets one form both create and edit.

import { api, listAll, explain, ApiError } from './api.js';
import { h, replace, $$, say } from './dom.js';

/** The signed-in admin and the catalog as GET /api/admin/{cities,movies,theatres} last answered (active or not). */
export const state = { user: null, cities: [], movies: [], theatres: [] };

/** `catalog` fires after the catalog was reloaded, so the selects of other sections follow. */
export const events = new EventTarget();

/** "Drama, Comedy" → ["Drama", "Comedy"]. */
export const list = (text) => String(text || '').split(',').map((s) => s.trim()).filter(Boolean);

export const cityOf = (id) => state.cities.find((c) => c.id === id);
export const movieOf = (id) => state.movies.find((m) => m.id === id);
export const theatreOf = (id) => state.theatres.find((t) => t.id === id);
export const zoneOfTheatre = (theatre) => cityOf(theatre?.cityId)?.timeZone || 'Asia/Kolkata';
export const isActive = (item) => item?.isActive !== false;

/** GET an admin path. */
export const adminGet = (path) => api(path, { auth: true });
/** Every item of an admin list, following `nextCursor`. */
export const adminAll = (path, params = {}) => listAll(path, params, { auth: true });
/** A write; POST and PATCH carry an Idempotency-Key (and are retried with it when the answer is lost). */
export const adminSend = (method, path, body) => api(path, { method, auth: true, idempotent: method !== 'DELETE', body });

/** Words for a refused admin call, naming the field at fault. */
export function problemWords(error) {
    if (!(error instanceof ApiError)) return explain(error);
    const field = error.details?.field;
    switch (error.code) {
    case 'schedule_conflict': return `That time overlaps another show on this screen: ${error.message}`;
    case 'forbidden': return 'Only an admin may do that. Log in with an admin account.';
    case 'not_found': return `${error.message} It may have been removed; reload the page.`;
    default: break;
    }
    if (error.status === 400 || error.status === 422) return `${String(error.message).replace(/\.$/, '')}${field ? ` (${field})` : ''}.`;
    return explain(error);
}

/** A list row: a title, facts, an "Inactive" mark for inactive items, and buttons. `data-row` names the kind. */
export function itemRow({ kind, item, title, facts = [], actions = [], badges = [] }) {
    const active = isActive(item);
    return h('li', { class: ['admin-row', !active && 'inactive'], dataset: { row: kind, id: item.id, active: String(active) } },
        h('div', { class: 'row-main' },
            h('span', { class: 'row-head' }, h('strong', { class: 'row-title', text: title }), badges,
                active ? null : h('span', { class: 'badge', dataset: { tone: 'bad', state: 'inactive' }, text: 'Inactive' })),
            facts.filter(Boolean).length ? h('span', { class: 'row-facts', text: facts.filter(Boolean).join(' · ') }) : null),
        h('div', { class: 'row-actions' }, actions));
}

export function editButton(name, onClick) {
    return h('button', { type: 'button', class: 'btn btn-small', dataset: { action: 'edit' }, 'aria-label': `Edit ${name}`, text: 'Edit', on: { click: onClick } });
}

/** Deactivate or Activate; `confirm` (for shows) asks first in the row. */
export function toggleButton(item, name, run, confirm = null) {
    const active = isActive(item);
    const button = h('button', {
        type: 'button',
        class: ['btn', 'btn-small', active && 'btn-danger'],
        dataset: { action: active ? 'deactivate' : 'activate' },
        'aria-label': `${active ? 'Deactivate' : 'Activate'} ${name}`,
        text: active ? 'Deactivate' : 'Activate',
    });
    button.addEventListener('click', () => {
        if (active && confirm) askFirst(button, { ...confirm, run: () => run(!active) });
        else run(!active);
    });
    return button;
}

/**
 * An inline confirmation under the row of `opener`: the question, a button that does it and one that does not.
 * Escape or "Keep" closes it and gives the focus back.
 */
export function askFirst(opener, { question, yes, no = 'Keep it', run }) {
    const row = opener.closest('li') || opener.parentElement;
    row.querySelector(':scope > .confirm')?.remove();
    const close = () => {
        panel.remove();
        opener.focus();
    };
    const panel = h('div', { class: 'confirm', role: 'group', 'aria-label': 'Confirm', on: { keydown: (e) => { if (e.key === 'Escape') close(); } } },
        h('p', { role: 'alert', text: question }),
        h('div', { class: 'row-actions' },
            h('button', { type: 'button', class: 'btn btn-small btn-danger', dataset: { action: 'confirm' }, text: yes, on: { click: () => { panel.remove(); run(); } } }),
            h('button', { type: 'button', class: 'btn btn-small btn-quiet', dataset: { action: 'keep' }, text: no, on: { click: close } })));
    row.append(panel);
    panel.querySelector('[data-action="confirm"]').focus();
}

/** PATCH {isActive}, say what happened in `region`, then `reload()`. */
export async function setActive(path, name, active, region, reload) {
    say(region, active ? `Activating ${name}…` : `Deactivating ${name}…`);
    try {
        await adminSend('PATCH', path, { isActive: active });
        say(region, active ? `${name} is active again.` : `${name} is now inactive.`, 'success');
        await reload();
    } catch (error) {
        say(region, problemWords(error), 'error');
    }
}

/** JSON with sorted keys, to compare what a form holds with what it held when editing began. */
const canonical = (value) => JSON.stringify(value ?? null, (_, v) => (v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : 1)))
    : v));

/** The keys of `body` whose value differs from `before`. */
export function changedFields(body, before) {
    return Object.fromEntries(Object.entries(body).filter(([key, value]) => canonical(value) !== canonical(before?.[key])));
}

/**
 * One form that creates and edits. `spec`:
 * - `noun` ("city"), `build(form, { editing, baseline })` → `{ body, problem?, field? }`,
 * - `create(body)` and `update(item, changes)` → the saved item; `createdText(item)`, `updatedText(item)`,
 * - `fill(item)` puts an item in the form (edit), `clear()` returns it to an empty new item,
 * - `saved(item, wasEditing)` runs after a save (reload lists), `nameOf(item)`.
 * Editing sends only the fields that changed (PATCH); the form says so when nothing did.
 */
export function editableForm(form, spec) {
    const title = form.querySelector('.form-title');
    const message = form.querySelector(':scope > .form-message');
    const submit = form.querySelector('button[type="submit"]');
    const newTitle = title?.textContent ?? '';
    const createLabel = submit.textContent;
    const cancel = h('button', { type: 'button', class: 'btn btn-quiet', dataset: { action: 'cancel-edit' }, text: 'Cancel editing', hidden: true });
    submit.after(cancel);
    let editing = null;
    let baseline = null;
    let opener = null;

    function setMode(item) {
        editing = item;
        form.dataset.mode = item ? 'edit' : 'create';
        if (title) title.textContent = item ? `Edit ${spec.noun}: ${spec.nameOf(item)}` : newTitle;
        submit.textContent = item ? 'Save changes' : createLabel;
        cancel.hidden = !item;
        for (const hint of $$('.edit-only', form)) hint.hidden = !item;
    }

    function clearInvalid() {
        for (const input of $$('[aria-invalid]', form)) input.removeAttribute('aria-invalid');
    }

    const controller = {
        get editing() { return editing; },
        edit(item, from = null) {
            opener = from;
            clearInvalid();
            say(message, '');
            form.reset();
            editing = item;
            spec.fill(item);
            setMode(item);
            const built = spec.build(form, { editing: item, baseline: true });
            baseline = built.body ?? {};
            form.scrollIntoView({ block: 'start', behavior: 'instant' });
            form.querySelector('input:not([type="hidden"]):not([disabled]), select:not([disabled]), textarea')?.focus({ preventScroll: true });
        },
        cancel() {
            const back = opener;
            setMode(null);
            baseline = null;
            opener = null;
            clearInvalid();
            form.reset();
            spec.clear?.();
            say(message, '');
            if (back?.isConnected) back.focus();
        },
    };

    cancel.addEventListener('click', () => controller.cancel());
    form.addEventListener('submit', async (event) => {
        event.preventDefault();
        clearInvalid();
        const built = spec.build(form, { editing, baseline: false });
        if (built.problem) {
            if (built.field) {
                built.field.setAttribute('aria-invalid', 'true');
                built.field.focus();
            }
            say(message, built.problem, 'error');
            return;
        }
        const changes = editing ? changedFields(built.body, baseline) : built.body;
        if (editing && !Object.keys(changes).length) {
            say(message, 'Nothing to save: no field was changed.', 'info');
            return;
        }
        submit.disabled = true;
        say(message, 'Saving…');
        try {
            const wasEditing = editing;
            const item = wasEditing ? await spec.update(wasEditing, changes) : await spec.create(built.body);
            const back = opener;
            setMode(null);
            baseline = null;
            opener = null;
            form.reset();
            spec.clear?.();
            say(message, wasEditing ? spec.updatedText(item, changes) : spec.createdText(item), 'success');
            await spec.saved?.(item, wasEditing);
            if (wasEditing) {
                // The list was drawn again: give the focus to the saved item's Edit button (or the one that opened it).
                const again = back?.isConnected ? back : document.querySelector(`[data-row][data-id="${CSS.escape(item?.id ?? wasEditing.id)}"] [data-action="edit"]`);
                again?.focus({ preventScroll: true });
            }
        } catch (error) {
            say(message, problemWords(error), 'error');
            const field = error.details?.field;
            const input = field && form.querySelector(`[name="${CSS.escape(String(field).split(/[.[]/)[0])}"]`);
            if (input) input.setAttribute('aria-invalid', 'true');
        } finally {
            submit.disabled = false;
        }
    });
    setMode(null);
    return controller;
}

/** A small table: `columns` are [heading, value(item), { numeric }]. */
export function table(caption, columns, rows, { className = 'data-table' } = {}) {
    return h('div', { class: 'table-wrap' },
        h('table', { class: className },
            h('caption', { text: caption }),
            h('thead', {}, h('tr', {}, columns.map(([heading, , opts]) => h('th', { scope: 'col', class: opts?.numeric ? 'num' : null, text: heading })))),
            h('tbody', {}, rows.map((row) => h('tr', {}, columns.map(([, value, opts], index) => {
                const text = value(row);
                return index === 0 ? h('th', { scope: 'row', text }) : h('td', { class: opts?.numeric ? 'num' : null, text });
            }))))));
}

/** Loading text in a list. */
export function placeholder(listElement, text) {
    replace(listElement, h('li', { class: 'admin-empty', text }));
}
