// Users on `/admin.html`: find one by email (or list everyone, a page at a time), change a role, deactivate or
// activate an account (a deactivated user's tokens stop working at once).

import { h, replace, $, say } from './dom.js';
import { state, adminGet, adminSend, itemRow, toggleButton, problemWords, placeholder } from './admin-common.js';

const ROLES = ['user', 'staff', 'admin'];
let query = { email: '', cursor: null };
let ticket = 0;

const message = () => $('#users > .list-message');

/** Loads the first page for the search (or the next page with `more`). */
export async function loadUsers(more = false) {
    const target = $('#user-list');
    const mine = ++ticket;
    const params = new URLSearchParams({ limit: '50' });
    if (query.email) params.set('email', query.email);
    if (more && query.cursor) params.set('cursor', query.cursor);
    if (!more) placeholder(target, 'Loading users…');
    let page;
    try {
        page = await adminGet(`/api/admin/users?${params}`);
    } catch (error) {
        if (mine === ticket) say(message(), problemWords(error), 'error');
        return;
    }
    if (mine !== ticket) return;
    query.cursor = page?.nextCursor ?? null;
    $('#more-users').hidden = !query.cursor;
    const items = page?.items ?? [];
    if (!more) target.replaceChildren();
    if (!more && !items.length) {
        placeholder(target, query.email ? `No user has the email ${query.email}.` : 'No users yet.');
        return;
    }
    target.append(...items.map(userRow));
}

function userRow(user) {
    const self = user.id === state.user?.id;
    const name = `${user.name} (${user.email})`;
    const roleId = `role-${user.id}`;
    const role = h('select', { id: roleId, name: 'role', disabled: self }, ROLES.map((r) => h('option', { value: r, text: r, selected: r === user.role })));
    const setRole = h('button', { type: 'button', class: 'btn btn-small', dataset: { action: 'set-role' }, disabled: self, 'aria-label': `Change the role of ${name}`, text: 'Change role' });
    setRole.addEventListener('click', () => save(user, { role: role.value }, `${user.name} is now ${role.value === 'admin' ? 'an' : 'a'} ${role.value}.`));
    const row = itemRow({
        kind: 'user',
        item: user,
        title: user.name,
        facts: [user.email, self ? 'this is you' : null],
        badges: [h('span', { class: 'badge', dataset: { role: user.role, tone: user.role === 'admin' ? 'warn' : user.role === 'staff' ? 'ok' : '' }, text: user.role })],
        actions: [
            h('label', { class: 'visually-hidden', for: roleId, text: `Role of ${name}` }), role, setRole,
            self ? null : toggleButton(user, name, (active) => save(user, { isActive: active },
                active ? `${user.name} can log in again.` : `${user.name} is deactivated: their tokens stop working now.`)),
        ],
    });
    row.dataset.email = user.email;
    row.dataset.role = user.role;
    return row;
}

async function save(user, changes, done) {
    say(message(), 'Saving…');
    try {
        const saved = await adminSend('PATCH', `/api/admin/users/${encodeURIComponent(user.id)}`, changes);
        say(message(), done, 'success');
        const old = $(`#user-list [data-id="${CSS.escape(user.id)}"]`);
        const row = userRow(saved ?? { ...user, ...changes });
        old?.replaceWith(row);
        row.querySelector(changes.role ? '[data-action="set-role"]' : '[data-action="activate"], [data-action="deactivate"]')?.focus();
    } catch (error) {
        say(message(), problemWords(error), 'error');
    }
}

export function startUsers() {
    $('#user-search').addEventListener('submit', (event) => {
        event.preventDefault();
        query = { email: event.currentTarget.email.value.trim(), cursor: null };
        say(message(), '');
        loadUsers();
    });
    $('#more-users').addEventListener('click', () => loadUsers(true));
}
