// Webhooks on `/admin.html`: register a receiver for some events (or all, "*"), show its signing secret once,
// list the live ones, show a webhook's delivery log, and delete one (after asking).

import { h, replace, $, $$, say } from './dom.js';
import { adminAll, adminGet, adminSend, itemRow, askFirst, problemWords, placeholder, table } from './admin-common.js';

const EVENTS = ['booking.confirmed', 'booking.cancelled', 'booking.expired', 'show.sold_out'];
const when = new Intl.DateTimeFormat('en-IN', { dateStyle: 'medium', timeStyle: 'medium' });
const time = (iso) => (iso ? when.format(new Date(iso)) : '—');
const message = () => $('#webhooks > .list-message');

/** Lists the registered webhooks; deleted ones (no longer active) are left out. */
export async function loadWebhooks() {
    const target = $('#webhook-list');
    let hooks;
    try {
        hooks = await adminAll('/api/admin/webhooks');
    } catch (error) {
        say(message(), problemWords(error), 'error');
        return;
    }
    const live = hooks.filter((w) => w.isActive !== false);
    if (!live.length) return placeholder(target, hooks.length ? 'No webhooks (deleted ones are not listed).' : 'No webhooks yet.');
    replace(target, live.map(webhookRow));
}

function webhookRow(hook) {
    const row = itemRow({
        kind: 'webhook',
        item: hook,
        title: hook.url,
        facts: [(hook.events || []).join(', '), `since ${time(hook.createdAt)}`],
        actions: [
            h('button', { type: 'button', class: 'btn btn-small', dataset: { action: 'deliveries' }, 'aria-label': `Delivery log of ${hook.url}`, text: 'Deliveries',
                on: { click: () => showDeliveries(hook) } }),
            h('button', { type: 'button', class: 'btn btn-small btn-danger', dataset: { action: 'delete' }, 'aria-label': `Delete the webhook to ${hook.url}`, text: 'Delete',
                on: { click: (e) => askFirst(e.currentTarget, { question: `Delete the webhook to ${hook.url}? No more events are sent to it.`, yes: 'Delete webhook', run: () => remove(hook) }) } }),
        ],
    });
    row.dataset.url = hook.url;
    return row;
}

async function remove(hook) {
    say(message(), 'Deleting…');
    try {
        await adminSend('DELETE', `/api/admin/webhooks/${encodeURIComponent(hook.id)}`);
        say(message(), `Deleted the webhook to ${hook.url}.`, 'success');
        if ($('#deliveries').dataset.webhook === hook.id) $('#deliveries').hidden = true;
        await loadWebhooks();
        $('#webhook-url').focus();
    } catch (error) {
        say(message(), problemWords(error), 'error');
    }
}

/** The delivery log (GET /api/admin/webhooks/:id/deliveries) in a table under the list. */
async function showDeliveries(hook) {
    const panel = $('#deliveries');
    panel.dataset.webhook = hook.id;
    panel.hidden = false;
    replace(panel, h('h3', { text: `Deliveries to ${hook.url}` }), h('p', { class: 'muted', text: 'Loading…' }));
    let attempts;
    try {
        attempts = (await adminGet(`/api/admin/webhooks/${encodeURIComponent(hook.id)}/deliveries?limit=100`))?.items ?? [];
    } catch (error) {
        replace(panel, h('h3', { text: `Deliveries to ${hook.url}` }), h('p', { class: 'form-message', dataset: { kind: 'error' }, text: problemWords(error) }));
        return;
    }
    const refresh = h('button', { type: 'button', class: 'btn btn-small', dataset: { action: 'refresh-deliveries' }, text: 'Refresh', on: { click: () => showDeliveries(hook) } });
    const close = h('button', { type: 'button', class: 'btn btn-small btn-quiet', text: 'Close', on: { click: () => { panel.hidden = true; } } });
    replace(panel,
        h('div', { class: 'deliveries-head' }, h('h3', { text: `Deliveries to ${hook.url}` }), h('div', { class: 'row-actions' }, refresh, close)),
        attempts.length
            ? table(`${attempts.length} recent attempt${attempts.length === 1 ? '' : 's'}`, [
                ['Time', (a) => time(a.attemptedAt)],
                ['Event', (a) => a.type ?? '—'],
                ['Event id', (a) => a.eventId ?? '—'],
                ['Status', (a) => (a.statusCode == null ? 'no answer' : String(a.statusCode)), { numeric: true }],
                ['Error', (a) => a.error || '—'],
            ], attempts)
            : h('p', { class: 'muted', dataset: { empty: 'deliveries' }, text: 'No deliveries yet: events are sent as bookings change.' }));
    panel.focus();
}

function eventsChosen(form) {
    const all = form.querySelector('input[name="events"][value="*"]');
    if (all.checked) return ['*'];
    return $$('input[name="events"]:checked', form).map((i) => i.value).filter((v) => EVENTS.includes(v));
}

function showSecret(hook) {
    const panel = $('#webhook-secret');
    $('#webhook-secret-value').value = hook.secret ?? '';
    $('#webhook-copy-message').textContent = '';
    panel.hidden = false;
    panel.focus();
}

function hideSecret() {
    $('#webhook-secret-value').value = '';
    $('#webhook-secret').hidden = true;
    $('#webhook-url').focus();
}

async function copySecret() {
    const input = $('#webhook-secret-value');
    input.select();
    try {
        await navigator.clipboard.writeText(input.value);
        $('#webhook-copy-message').textContent = 'Copied to the clipboard.';
    } catch {
        $('#webhook-copy-message').textContent = 'Selected: press Ctrl+C (⌘C) to copy it.';
    }
}

export function startWebhooks() {
    const form = $('#webhook-form');
    const all = form.querySelector('input[name="events"][value="*"]');
    const syncAll = () => {
        for (const box of $$('input[name="events"]:not([value="*"])', form)) box.disabled = all.checked;
    };
    all.addEventListener('change', syncAll);
    form.addEventListener('reset', () => setTimeout(syncAll));
    form.addEventListener('submit', async (event) => {
        event.preventDefault();
        const status = form.querySelector(':scope > .form-message');
        const url = form.url.value.trim();
        const events = eventsChosen(form);
        for (const input of $$('[aria-invalid]', form)) input.removeAttribute('aria-invalid');
        if (!/^https?:\/\/\S+$/i.test(url)) {
            form.url.setAttribute('aria-invalid', 'true');
            form.url.focus();
            return say(status, 'Give the receiver\'s address, starting with http:// or https://.', 'error');
        }
        if (!events.length) return say(status, 'Choose at least one event (or all).', 'error');
        const button = form.querySelector('button[type="submit"]');
        button.disabled = true;
        say(status, 'Registering…');
        try {
            const hook = await adminSend('POST', '/api/admin/webhooks', { url, events });
            form.reset();
            say(status, `Registered ${hook.url} for ${hook.events.join(', ')}.`, 'success');
            showSecret(hook);
            await loadWebhooks();
        } catch (error) {
            say(status, problemWords(error), 'error');
        } finally {
            button.disabled = false;
        }
    });
    $('#webhook-copy').addEventListener('click', copySecret);
    $('#webhook-secret-done').addEventListener('click', hideSecret);
}
