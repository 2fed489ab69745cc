// `/seats.html?show=<id>`: the seat picker. The map is drawn from the show's layout, kept live over `/ws`
// (snapshot + deltas, resumed with `since`), and the booking runs lock → countdown → pay over REST.

import { api, ApiError, currentUser, movieById, theatreById, explain, serverNow } from './api.js';
import { signIn, signOut } from './auth.js';
import { h, replace, $, $$, say } from './dom.js';
import { money, localDate, clockTime, countdown } from './format.js';
import { renderSeatMap, enableSeatKeyboard, categoriesByRow, seatLabel, strandedSeats } from './layout.js';
import { LiveFeed } from './live.js';
import { wheelchairBlockSizes, companionCoverage } from './accessible.js';

const MAX_SEATS = 10;
const POLL_AFTER_MS = 4000;
const POLL_EVERY_MS = 8000;

const state = {
    showId: new URLSearchParams(location.search).get('show'),
    show: null,
    movie: null,
    theatre: null,
    currency: 'INR',
    categories: new Map(), // row → { name, price, tier }
    seats: new Map(), // seatNumber → { seatNumber, row, column, category, price }
    status: new Map(), // seatNumber → available | held | booked (the server's view)
    version: null,
    selection: new Set(), // chosen here, not yet locked
    locking: new Set(), // being locked right now
    booking: null, // this user's pending booking on this show
    mine: new Set(), // seats of that booking
    own: new Set(), // seats this user booked here (paid)
    user: null,
    userLoaded: null, // the start-up read of the signed-in user, while it runs
    buttons: new Map(),
    busy: false,
    liveUsable: true, // false when the server answers that it has no live feed
    offlineSince: null,
    gapWarning: null, // the selection the user was warned about (a second press sends it)
    renderMs: null, // how long the first draw of the map took
};

const feed = new LiveFeed();

/** For the browser tests and for people debugging: the socket, the feed and the page's state. */
window.__boxoffice = {
    get socket() { return feed.socket; },
    feed,
    state,
    get version() { return state.version; },
    get renderMs() { return state.renderMs; },
};

// MARK: drawing

function displayStatus(seat) {
    const server = state.status.get(seat) ?? 'available';
    if (server === 'held' && (state.mine.has(seat) || state.locking.has(seat))) return 'mine';
    if (server === 'available' && state.selection.has(seat)) return 'selected';
    return server;
}

function drawSeat(seat) {
    const button = state.buttons.get(seat);
    if (!button) return;
    const status = displayStatus(seat);
    if (button.dataset.status !== status) button.dataset.status = status;
    const info = state.seats.get(seat);
    const category = state.categories.get(info.row);
    button.setAttribute('aria-label', seatLabel(seat, category, status, state.currency, button.dataset.kind ?? info.kind));
    button.setAttribute('aria-pressed', String(status === 'selected'));
    button.setAttribute('aria-disabled', String(status === 'held' || status === 'booked'));
    if (status === 'booked' && state.own.has(seat)) button.dataset.own = 'true';
    else delete button.dataset.own;
}

function drawAll() {
    for (const seat of state.seats.keys()) drawSeat(seat);
    drawPanels();
}

function drawLegend() {
    const sample = (status, tier = '0') => h('span', { class: 'seat', dataset: { sample: status, tier }, 'aria-hidden': 'true' });
    const categories = (state.show.layout.categories || []).map((category, index) => h('li', {},
        sample('available', String(index % 6)), `${category.name} `, h('span', { class: 'price', text: money(category.price, state.currency) })));
    replace($('#legend'),
        categories,
        h('li', {}, sample('selected'), 'Selected'),
        h('li', {}, sample('mine'), 'Held for you'),
        h('li', {}, sample('held'), 'Held by others'),
        h('li', {}, sample('booked'), 'Booked'),
        state.show.layout.wheelchair?.length ? h('li', {}, h('span', { class: 'seat', dataset: { sample: 'available', tier: '0', kind: 'wheelchair' }, 'aria-hidden': 'true' }), 'Wheelchair space') : null,
        state.show.layout.companion?.length ? h('li', {}, h('span', { class: 'seat', dataset: { sample: 'available', tier: '0', kind: 'companion' }, 'aria-hidden': 'true' }), 'Companion seat') : null);
}

function totalOf(seats) {
    let total = 0;
    for (const seat of seats) total += state.seats.get(seat)?.price ?? 0;
    return total;
}

function sortSeats(seats) {
    const order = new Map(Array.from(state.seats.keys(), (seat, index) => [seat, index]));
    return Array.from(seats).sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
}

function drawPanels() {
    const selected = sortSeats(state.selection);
    const lock = $('[data-action="lock"]');
    const holding = Boolean(state.booking);
    $('#selection-text').textContent = selected.length
        ? `${holding ? 'Adding' : 'Selected'}: ${selected.join(', ')}`
        : holding ? 'Choose more seats on the map to add them to your hold.' : `Choose up to ${MAX_SEATS} seats on the map.`;
    $('#selection-text').classList.toggle('muted', !selected.length);
    $('#selection-total').textContent = money(totalOf(selected), state.currency);
    lock.disabled = !selected.length || state.busy;
    lock.textContent = !selected.length
        ? (holding ? 'Add seats to your hold' : 'Hold seats')
        : `${holding ? 'Add' : 'Hold'} ${selected.length} seat${selected.length === 1 ? '' : 's'} · ${money(totalOf(selected), state.currency)}`;
    $('#hold-panel').hidden = !holding;
    if (holding) {
        const mine = sortSeats(state.mine);
        $('#held-seats').textContent = `Seats ${mine.join(', ')}`;
        $('#held-total').textContent = money(state.booking.totalAmount, state.booking.currency || state.currency);
        $('[data-action="pay"]').textContent = `Pay ${money(state.booking.totalAmount, state.booking.currency || state.currency)}`;
    }
    tick();
}

// MARK: the server's seat states

/** A full picture (REST or snapshot): replaces the map. */
function applyFull(version, statusOf) {
    state.version = version;
    for (const seat of state.seats.keys()) state.status.set(seat, statusOf(seat));
    reconcile();
    drawAll();
}

function applySnapshot({ version, seats }) {
    const status = new Map();
    for (const seat of seats.held || []) status.set(seat, 'held');
    for (const seat of seats.booked || []) status.set(seat, 'booked');
    applyFull(version, (seat) => status.get(seat) ?? 'available');
}

function applyDelta({ version, changes }) {
    state.version = version;
    for (const change of changes) {
        if (!state.seats.has(change.seat)) continue;
        state.status.set(change.seat, change.status);
        drawSeat(change.seat);
    }
    reconcile();
    drawPanels();
}

/** After any change from the server: drop chosen seats someone else took; notice a hold that ended. */
function reconcile() {
    const lost = [];
    for (const seat of state.selection) {
        if (state.locking.has(seat)) continue;
        if ((state.status.get(seat) ?? 'available') !== 'available') {
            state.selection.delete(seat);
            lost.push(seat);
            drawSeat(seat);
        }
    }
    if (lost.length) {
        const list = sortSeats(lost).join(', ');
        say($('#choose-message'), `${list} ${lost.length === 1 ? 'was' : 'were'} just taken by someone else.`, 'warn');
    }
    // The server let our hold go (it expired, or it was released elsewhere) before our own clock said so.
    if (state.booking && !state.busy && Array.from(state.mine).some((seat) => state.status.get(seat) === 'available')) {
        dropHold('Your hold has ended and the seats were released. Choose seats again to book.', 'warn');
        say($('#pay-message'), '');
    }
}

async function refreshFromRest() {
    try {
        const show = await api(`/api/shows/${encodeURIComponent(state.showId)}`);
        if (state.version !== null && show.version < state.version) return;
        const byNumber = new Map(show.seats.map((s) => [s.seatNumber, s.status]));
        feed.resetVersion(state.showId, show.version);
        applyFull(show.version, (seat) => byNumber.get(seat) ?? 'available');
    } catch {
        // The next poll or the socket will catch up.
    }
}

// MARK: connection

function onFeedState(event) {
    const { state: connection } = event.detail;
    const dot = $('#live');
    const banner = $('#conn');
    dot.dataset.state = connection;
    if (connection === 'open') {
        dot.textContent = 'Live';
        state.offlineSince = null;
        if (!banner.hidden) {
            banner.dataset.state = 'open';
            banner.textContent = 'Back online — seats are up to date.';
            setTimeout(() => { if (feed.state === 'open') banner.hidden = true; }, 2500);
        }
    } else if (connection === 'reconnecting') {
        dot.textContent = 'Reconnecting…';
        state.offlineSince ??= Date.now();
        banner.dataset.state = 'reconnecting';
        banner.textContent = 'Connection lost — reconnecting… Seat changes will catch up when we are back.';
        banner.hidden = false;
    } else {
        dot.textContent = 'Connecting…';
        state.offlineSince ??= Date.now();
    }
}

function onFeedError(event) {
    const { code, message } = event.detail || {};
    if (code === 'unknown_show') {
        say($('#page-message'), 'This show is no longer available.', 'error');
    } else if (code === 'unknown_op' || code === 'unsupported') {
        // A server without the live seat feed: keep the map fresh by asking over REST instead.
        state.liveUsable = false;
        $('#live').textContent = 'Updating';
    } else if (message) {
        console.warn('live feed:', code, message);
    }
}

function startPolling() {
    setInterval(() => {
        const offline = feed.state !== 'open' && state.offlineSince && Date.now() - state.offlineSince > POLL_AFTER_MS;
        if (offline || !state.liveUsable) refreshFromRest();
    }, POLL_EVERY_MS);
}

/** After this page changed seats over REST: the feed tells us, unless it is down. */
function afterOwnChange() {
    if (feed.state !== 'open' || !state.liveUsable) refreshFromRest();
}

// MARK: choosing

function onSeatClick(event) {
    const button = event.target.closest('.seat');
    if (!button || !state.buttons.has(button.dataset.seat)) return;
    const seat = button.dataset.seat;
    const status = displayStatus(seat);
    const message = $('#choose-message');
    if (status === 'selected') {
        state.selection.delete(seat);
        say(message, '');
    } else if (status === 'available') {
        if (state.selection.size + state.mine.size >= MAX_SEATS) {
            say(message, `You can book at most ${MAX_SEATS} seats at a time.`, 'warn');
            return;
        }
        state.selection.add(seat);
        say(message, '');
    } else if (status === 'mine') {
        say(message, `${seat} is already held for you. To change seats, release your hold.`, 'info');
        return;
    } else {
        say(message, `${seat} is ${status === 'booked' ? 'booked' : 'held by someone else'}.`, 'info');
        return;
    }
    drawSeat(seat);
    drawPanels();
}

async function ensureUser() {
    // Pressed before the page learned who is signed in (a slow network, or a quick hand): wait for that, rather than
    // ask someone who is signed in to log in.
    if (!state.user && state.userLoaded) await state.userLoaded;
    if (state.user) return state.user;
    const user = await signIn('login');
    if (user) {
        state.user = user;
        renderAccount();
        await adoptPendingBooking();
    }
    return user;
}

/** The seats a lock of `seats` would leave alone in their row (the user's own hold counts as free). */
function strandedBy(seats) {
    return strandedSeats(state.show.layout, seats, (seat) => state.mine.has(seat) || (state.status.get(seat) ?? 'available') === 'available');
}

async function lockSeats() {
    if (state.busy || !state.selection.size) return;
    const message = $('#choose-message');
    if (!(await ensureUser())) {
        say(message, 'Log in to hold seats.', 'info');
        return;
    }
    const seats = sortSeats(new Set([...state.mine, ...state.selection]));
    if (seats.length > MAX_SEATS) {
        say(message, `You can book at most ${MAX_SEATS} seats at a time.`, 'warn');
        return;
    }
    const key = seats.join(',');
    const alone = strandedBy(seats);
    if (alone.length && state.gapWarning !== key) {
        state.gapWarning = key;
        say(message, `This would leave ${alone.join(' and ')} as a single empty seat that is hard to sell. Choose the seat next to it too, or press Hold again to keep these seats.`, 'warn');
        return;
    }
    state.gapWarning = null;
    await requestLock({ showId: state.showId, seats }, { expect: seats, message });
}

/** Best available: `count` seats side by side (in the chosen category), picked by the server. */
async function bestAvailable(event) {
    event?.preventDefault();
    if (state.busy) return;
    const message = $('#best-message');
    say(message, '');
    if (!(await ensureUser())) {
        say(message, 'Log in to hold seats.', 'info');
        return;
    }
    const before = Number($('[name="accessible"]').value) || 0;
    const accessible = drawAccessibleChoice();
    if (accessible !== before) {
        // The count or category changed without telling the form (a script): say so rather than ask for something else.
        say(message, `${$('#accessible-hint').textContent} Check the wheelchair spaces and press the button again.`, 'warn');
        return;
    }
    const count = Number($('[name="count"]').value) || 1;
    const category = $('[name="category"]').value;
    const body = { showId: state.showId, count, ...(category ? { category } : {}), ...(accessible > 0 ? { accessible } : {}) };
    await requestLock(body, { expect: [], message, best: { count, category, accessible } });
}

/** Holds the seats of `alternative` (offered after a refusal) in one click. */
async function lockAlternative(seats) {
    if (state.busy) return;
    if (!(await ensureUser())) return;
    state.selection.clear();
    await requestLock({ showId: state.showId, seats }, { expect: seats, message: $('#choose-message') });
}

function showAlternatives(alternatives) {
    const list = $('#alternative-list');
    const usable = (alternatives || []).filter((seats) => Array.isArray(seats) && seats.length);
    replace(list, usable.map((seats) => h('li', {}, h('button', {
        type: 'button', class: 'btn btn-small', dataset: { action: 'alternative', seats: seats.join(',') },
        text: `Hold ${seats.join(', ')} · ${money(totalOf(seats), state.currency)}`,
        on: { click: () => lockAlternative(seats) },
    }))));
    $('#alternatives').hidden = !usable.length;
}

/**
 * One lock over REST (explicit seats or best available) and what follows: the hold panel, the countdown,
 * the map. `expect` are the seats shown as being locked meanwhile.
 */
async function requestLock(body, { expect, message, best = null }) {
    state.busy = true;
    state.locking = new Set(expect);
    showAlternatives([]);
    drawPanels();
    say(message, best ? 'Finding the best seats…' : 'Holding your seats…');
    const before = new Set(state.mine);
    try {
        const booking = await api('/api/bookings/lock-seats', { method: 'POST', auth: true, idempotent: true, body });
        adopt(booking);
        for (const seat of state.mine) state.status.set(seat, 'held');
        // A new lock replaces the old hold: its seats that are not in the new one are free again.
        for (const seat of before) if (!state.mine.has(seat) && state.status.get(seat) === 'held') state.status.set(seat, 'available');
        state.selection.clear();
        say(message, best ? `Held ${heldWords(sortSeats(state.mine))} for you.` : '', 'success');
        say($('#pay-message'), '');
        afterOwnChange();
        $('#card').focus();
    } catch (error) {
        if (error.code === 'seat_unavailable' && Array.isArray(error.details?.seats)) {
            for (const seat of error.details.seats) {
                if ((state.status.get(seat) ?? 'available') === 'available') state.status.set(seat, 'held');
                state.selection.delete(seat);
            }
        }
        if (error.status === 401) {
            state.user = null;
            renderAccount();
        }
        say(message, lockProblem(error, best), 'error');
        if (error.code === 'seat_unavailable') showAlternatives(error.details?.alternatives);
        afterOwnChange();
    } finally {
        state.locking = new Set();
        state.busy = false;
        drawAll();
    }
}

/** "J2 (wheelchair space), J3 (companion seat), J4": seat names, with the kind of each one that is not standard. */
function heldWords(seats) {
    const words = { wheelchair: 'wheelchair space', companion: 'companion seat' };
    return seats.map((seat) => {
        const kind = state.seats.get(seat)?.kind ?? state.buttons.get(seat)?.dataset.kind;
        return words[kind] ? `${seat} (${words[kind]})` : seat;
    }).join(', ');
}

function lockProblem(error, best) {
    if (error.code === 'seats_not_together' && best?.accessible > 0) return accessibleProblem(error, best);
    if (error.code === 'seats_not_together') {
        const largest = Number(error.details?.largestBlock ?? 0);
        const where = best?.category ? ` in ${best.category}` : '';
        if (!largest) return `Sorry — there are no seats left together${where}.`;
        return `Sorry — there are no ${best?.count ?? ''} seats side by side${where} right now. The most together is ${largest} ${largest === 1 ? 'seat' : 'seats'}: ask for ${largest} or fewer, or choose seats on the map.`;
    }
    if (error.code === 'single_seat_gap') {
        const seats = error.details?.seats || [];
        return `This hall does not allow leaving a single seat alone${seats.length ? ` (${seats.join(', ')})` : ''}. Choose the seat next to it too, or other seats.`;
    }
    if (error.code === 'seat_unavailable' && error.details?.alternatives?.length) {
        return `${explain(error)} Or take one of the blocks below.`;
    }
    return explain(error);
}

/** A 409 `seats_not_together` for a request with wheelchair spaces, in words that fit it. */
function accessibleProblem(error, { count, category, accessible }) {
    const largest = Number(error.details?.largestBlock ?? 0);
    const where = category ? ` in ${category}` : '';
    const spaces = accessible === 1 ? 'a wheelchair space' : `${accessible} wheelchair spaces`;
    const seats = (n) => `${n} ${n === 1 ? 'seat' : 'seats'}`;
    const fewest = wheelchairBlockSizes(state.show.layout, category).get(accessible);
    if (fewest && fewest > count) {
        // No block of this hall could hold them in so few seats: companion seats count among the seats.
        return `Sorry — ${spaces} here ${accessible === 1 ? 'comes' : 'come'} with the companion seat beside ${accessible === 1 ? 'it' : 'each'}, and companion seats count among the seats: ask for at least ${seats(fewest)}.`;
    }
    if (largest > count) {
        // The free blocks with wheelchair spaces are all bigger than asked (their companion seats come with them).
        return `Sorry — no ${accessible === 1 ? 'wheelchair space' : `${accessible} wheelchair spaces`} with ${seats(count)} together ${accessible === 1 ? 'is' : 'are'} free${where} right now: the free ones come with companion seats, which count among the seats. Ask for ${seats(largest)}, or choose seats on the map.`;
    }
    if (!largest) {
        return `Sorry — no ${accessible === 1 ? 'wheelchair space' : `${accessible} wheelchair spaces side by side`} with ${seats(count)} together ${accessible === 1 ? 'is' : 'are'} free${where} right now. Choose seats on the map, or ask with fewer wheelchair spaces${category ? ' or in any category' : ''}.`;
    }
    return `Sorry — no ${accessible === 1 ? 'wheelchair space' : `${accessible} wheelchair spaces`} with ${seats(count)} together ${accessible === 1 ? 'is' : 'are'} free${where} right now. The most together with ${spaces} is ${seats(largest)}: ask for ${largest} or fewer, or choose seats on the map.`;
}

/** Makes `booking` (pending, this show) the page's hold. */
function adopt(booking) {
    state.booking = booking;
    state.mine = new Set(booking.seats.map((s) => s.seatNumber));
    for (const seat of state.mine) state.selection.delete(seat);
    drawAll();
}

function dropHold(text, kind) {
    const seats = Array.from(state.mine);
    say($('#extend-message'), '');
    state.booking = null;
    state.mine = new Set();
    for (const seat of seats) drawSeat(seat);
    drawPanels();
    if (text) say($('#choose-message'), text, kind);
}

async function adoptPendingBooking() {
    if (!state.user) return;
    try {
        const page = await api('/api/bookings?limit=50', { auth: true });
        const pending = page.items.find((b) => b.showId === state.showId && b.bookingStatus === 'pending' && Date.parse(b.expiresAt) > serverNow());
        if (pending) {
            adopt(pending);
            say($('#choose-message'), 'Welcome back — your seats are still held.', 'info');
        }
    } catch {
        // Not fatal: the user can still pick seats.
    }
}

// MARK: countdown and payment

let ticker = null;

function tick() {
    const timer = $('#timer');
    if (!state.booking) {
        clearInterval(ticker);
        ticker = null;
        return;
    }
    ticker ??= setInterval(tick, 250);
    const left = (Date.parse(state.booking.expiresAt) - serverNow()) / 1000;
    $('#countdown').textContent = countdown(left);
    timer.dataset.urgent = String(left < 60);
    if (left < 60 && left > 0 && !state.booking.warned) {
        state.booking.warned = true;
        if ($('#pay-message').hidden) say($('#pay-message'), 'Less than a minute left to pay before the seats are released.', 'warn');
    }
    timer.setAttribute('aria-label', `Seats held for ${countdown(left)} more`);
    const extend = $('[data-action="extend"]');
    const offer = left > 0 && left < 60 && !state.booking.atLimit;
    if (extend.hidden === offer) extend.hidden = !offer;
    if (left <= 0 && !state.busy) {
        dropHold('Your hold expired and the seats were released. Choose seats again to book.', 'warn');
        say($('#pay-message'), '');
        afterOwnChange();
    }
}

/** More time on the hold (up to the server's cap); the countdown follows the new `expiresAt`. */
async function extendHold() {
    const booking = state.booking;
    if (!booking || state.busy) return;
    const button = $('[data-action="extend"]');
    const message = $('#extend-message');
    button.disabled = true;
    try {
        const answer = await api(`/api/bookings/${encodeURIComponent(booking.id)}/extend`, { method: 'POST', auth: true, idempotent: true });
        if (state.booking?.id === booking.id) {
            state.booking = { ...booking, ...answer, warned: false };
            say(message, `Extended: your seats are held until ${new Date(Date.parse(answer.expiresAt)).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' })}.`, 'success');
            say($('#pay-message'), '');
        }
    } catch (error) {
        if (error.code === 'extension_limit') {
            booking.atLimit = true;
            say(message, 'This hold cannot be extended any more. Pay before the countdown ends to keep the seats.', 'warn');
        } else if (error.code === 'hold_expired') {
            dropHold(explain(error), 'error');
            afterOwnChange();
        } else {
            say(message, explain(error), 'error');
        }
    } finally {
        button.disabled = false;
        tick();
    }
}

function cardDetails(form) {
    const number = form.card.value.replace(/[\s-]/g, '');
    if (!/^\d{12,19}$/.test(number)) return { problem: 'Enter the card number (12 to 19 digits).', field: form.card };
    const expiry = /^(\d{1,2})\s*\/\s*(\d{2}|\d{4})$/.exec(form.expiry.value.trim());
    if (!expiry || +expiry[1] < 1 || +expiry[1] > 12) return { problem: 'Enter the expiry as MM/YY.', field: form.expiry };
    const year = expiry[2].length === 2 ? 2000 + Number(expiry[2]) : Number(expiry[2]);
    if (!/^\d{3,4}$/.test(form.cvc.value.trim())) return { problem: 'Enter the 3 or 4 digit CVC.', field: form.cvc };
    return { card: { number, expMonth: Number(expiry[1]), expYear: year, cvc: form.cvc.value.trim() } };
}

async function pay(event) {
    event.preventDefault();
    if (state.busy || !state.booking) return;
    const form = event.currentTarget;
    const message = $('#pay-message');
    const method = form.method.value;
    const isCard = method === 'credit_card' || method === 'debit_card';
    let card;
    for (const input of [form.card, form.expiry, form.cvc]) input.removeAttribute('aria-invalid');
    if (isCard) {
        const details = cardDetails(form);
        if (details.problem) {
            details.field.setAttribute('aria-invalid', 'true');
            details.field.focus();
            say(message, details.problem, 'error');
            return;
        }
        card = details.card;
    }
    state.busy = true;
    const button = $('[data-action="pay"]');
    button.disabled = true;
    say(message, 'Processing your payment…');
    const booking = state.booking;
    try {
        const payment = await api('/api/payments/initiate', { method: 'POST', auth: true, idempotent: true, body: { bookingId: booking.id, paymentMethod: method } });
        const done = await api(`/api/payments/${encodeURIComponent(payment.id)}/process`, { method: 'POST', auth: true, idempotent: true, body: card ? { card } : {} });
        booked(booking, done);
    } catch (error) {
        if (error.code === 'hold_expired') {
            dropHold(explain(error), 'error');
            afterOwnChange();
        } else {
            const code = error.details?.payment?.failureCode || error.code;
            say(message, explain(error instanceof ApiError ? new ApiError(error.status, code, error.message, error.details) : error), 'error');
        }
    } finally {
        state.busy = false;
        button.disabled = false;
        drawPanels();
    }
}

function booked(booking, payment) {
    const seats = sortSeats(state.mine);
    for (const seat of seats) {
        state.status.set(seat, 'booked');
        state.own.add(seat);
    }
    state.booking = null;
    state.mine = new Set();
    drawAll();
    say($('#pay-message'), '');
    say($('#choose-message'), '');
    $('#choose-panel').hidden = true;
    $('#best-panel').hidden = true;
    const panel = $('#done-panel');
    panel.hidden = false;
    say($('#done-message'), `Payment of ${money(payment.amount, payment.currency)} received. Enjoy the show!`, 'success');
    replace($('#done-facts'),
        fact('Movie', state.movie?.title ?? ''),
        fact('When', `${localDate(state.show.showDate)}, ${clockTime(state.show.showTime)}`),
        fact('Seats', seats.join(', ')),
        fact('Booking', booking.id),
        payment.transactionId ? fact('Transaction', payment.transactionId) : null);
    $('#ticket-link').href = `/ticket.html?booking=${encodeURIComponent(booking.id)}`;
    panel.focus();
    afterOwnChange();
}

function fact(term, value) {
    return h('div', {}, h('dt', { text: term }), h('dd', { text: value }));
}

async function release() {
    if (!state.booking || state.busy) return;
    state.busy = true;
    try {
        await api(`/api/bookings/${encodeURIComponent(state.booking.id)}/cancel`, { method: 'POST', auth: true, idempotent: true });
        const seats = Array.from(state.mine);
        for (const seat of seats) if (state.status.get(seat) === 'held') state.status.set(seat, 'available');
        dropHold('Your seats were released.', 'info');
        afterOwnChange();
    } catch (error) {
        say($('#pay-message'), explain(error), 'error');
    } finally {
        state.busy = false;
        drawAll();
    }
}

// MARK: account

function renderAccount() {
    const nav = $('#account');
    if (state.user) {
        replace(nav, h('span', { class: 'who', text: state.user.name }),
            h('button', {
                type: 'button', class: 'btn btn-small btn-quiet', text: 'Log out',
                on: {
                    click: () => {
                        signOut();
                        state.user = null;
                        dropHold();
                        renderAccount();
                    },
                },
            }));
    } else {
        replace(nav, h('button', { type: 'button', class: 'btn btn-small', text: 'Log in', on: { click: ensureUser } }));
    }
}

// MARK: best available and zoom

function setUpBestAvailable(layout) {
    const count = $('[name="count"]');
    replace(count, Array.from({ length: MAX_SEATS }, (_, i) => h('option', { value: String(i + 1), text: String(i + 1) })));
    count.value = '2';
    const category = $('[name="category"]');
    replace(category, h('option', { value: '', text: 'Any category' }),
        (layout.categories || []).map((c) => h('option', { value: c.name, text: `${c.name} · ${money(c.price, state.currency)}` })));
    count.addEventListener('change', drawAccessibleChoice);
    category.addEventListener('change', drawAccessibleChoice);
    drawAccessibleChoice();
}

/**
 * The wheelchair-space choice of best available: "None" and each number of spaces that some block of the chosen
 * count (and category) could hold in this hall, with the companion seats counted in the count
 * (docs/SEATING.md, "Blocks"); the hint under it says why there is no more. Keeps the chosen number when it is
 * still offered, else falls back to the largest that is. Returns the number now chosen.
 */
function drawAccessibleChoice() {
    const layout = state.show.layout;
    const select = $('[name="accessible"]');
    const hint = $('#accessible-hint');
    const count = Number($('[name="count"]').value) || 1;
    const category = $('[name="category"]').value;
    const wanted = Number(select.value) || 0;
    const sizes = wheelchairBlockSizes(layout, category);
    const offered = Array.from(sizes.keys()).filter((n) => sizes.get(n) <= count).sort((a, b) => a - b);
    const chosen = wanted === 0 ? 0 : (offered.includes(wanted) ? wanted : (offered.filter((n) => n < wanted).pop() ?? 0));
    const options = [h('option', { value: '0', text: 'None' }),
        offered.map((n) => h('option', { value: String(n), text: n === 1 ? '1 wheelchair space' : `${n} wheelchair spaces` }))];
    const now = Array.from(select.options, (o) => o.value).join(',');
    if (now !== ['0', ...offered.map(String)].join(',')) replace(select, options);
    select.value = String(chosen);

    const anyInHall = (layout.wheelchair || []).length > 0;
    select.disabled = !anyInHall;
    let text;
    if (!anyInHall) {
        text = 'This hall has no wheelchair spaces.';
    } else if (!sizes.size) {
        const elsewhere = (layout.categories || []).map((c) => c.name).filter((name) => wheelchairBlockSizes(layout, name).size);
        text = `No wheelchair spaces in ${category}${elsewhere.length ? ` — they are in ${elsewhere.join(', ')}` : ''}.`;
    } else if (!offered.length) {
        const fewest = Math.min(...sizes.values());
        text = `A wheelchair space here comes with the companion seat beside it: choose ${fewest} or more seats to ask for one.`;
    } else {
        text = {
            all: 'Each comes with the companion seat beside it; both count in “How many seats?”.',
            some: 'Each comes with the companion seat beside it where there is one; both count in “How many seats?”.',
            none: 'Each counts as one of the seats.',
        }[companionCoverage(layout, category)];
    }
    if (wanted > chosen) text = `Changed to ${chosen ? chosen : 'none'}. ${text}`;
    if (hint.textContent !== text) hint.textContent = text;
    return chosen;
}

const ZOOMS = ['1', '2', '3', '4', '5'];
const DEFAULT_ZOOM = { tiny: '2', compact: '3', normal: '4' };

function setUpZoom() {
    const map = $('#seatmap');
    map.dataset.zoom = DEFAULT_ZOOM[map.dataset.density] ?? '4';
    const step = (by) => {
        const at = ZOOMS.indexOf(map.dataset.zoom);
        const next = ZOOMS[Math.max(0, Math.min(ZOOMS.length - 1, at + by))];
        if (next === map.dataset.zoom) return;
        // Keep the middle of what is shown in the middle.
        const cx = (map.scrollLeft + map.clientWidth / 2) / Math.max(1, map.scrollWidth);
        const cy = (map.scrollTop + map.clientHeight / 2) / Math.max(1, map.scrollHeight);
        map.dataset.zoom = next;
        map.scrollLeft = cx * map.scrollWidth - map.clientWidth / 2;
        map.scrollTop = cy * map.scrollHeight - map.clientHeight / 2;
        $('[data-action="zoom-in"]').disabled = next === ZOOMS[ZOOMS.length - 1];
        $('[data-action="zoom-out"]').disabled = next === ZOOMS[0];
    };
    $('[data-action="zoom-in"]').addEventListener('click', () => step(1));
    $('[data-action="zoom-out"]').addEventListener('click', () => step(-1));
}

// MARK: start

async function start() {
    renderAccount();
    if (!state.showId) {
        $('#title').textContent = 'No show chosen';
        say($('#page-message'), 'Pick a show first.', 'error');
        return;
    }
    let show;
    try {
        show = await api(`/api/shows/${encodeURIComponent(state.showId)}`);
    } catch (error) {
        $('#title').textContent = error.status === 404 ? 'Show not found' : 'Could not load the show';
        say($('#page-message'), explain(error), 'error');
        return;
    }
    state.show = show;
    state.categories = categoriesByRow(show.layout);
    for (const seat of show.seats) state.seats.set(seat.seatNumber, seat);
    const drawStarted = performance.now();
    state.buttons = renderSeatMap($('#seatmap'), show.layout, { currency: state.currency, caption: 'Seats, nearest the screen first' });
    enableSeatKeyboard($('#seatmap'));
    $('#seatmap').addEventListener('click', onSeatClick);
    drawLegend();
    const initial = new Map(show.seats.map((s) => [s.seatNumber, s.status]));
    applyFull(show.version, (seat) => initial.get(seat) ?? 'available');
    $('#picker').hidden = false;
    void $('#seatmap').offsetHeight; // force layout, so the time includes it
    state.renderMs = performance.now() - drawStarted;
    setUpBestAvailable(show.layout);
    setUpZoom();
    const map = $('#seatmap');
    map.scrollLeft = (map.scrollWidth - map.clientWidth) / 2;
    $('#when').textContent = `${localDate(show.showDate)} · ${clockTime(show.showTime)}`;
    if (!show.isActive || Date.parse(show.startsAt) <= serverNow()) {
        say($('#page-message'), 'This show has started or is no longer on sale.', 'warn');
    }

    feed.events.addEventListener('state', onFeedState);
    feed.events.addEventListener('error', onFeedError);
    feed.subscribe(state.showId, { version: show.version, onSnapshot: applySnapshot, onDelta: applyDelta });
    startPolling();

    $('[data-action="lock"]').addEventListener('click', lockSeats);
    $('#best-form').addEventListener('submit', bestAvailable);
    $('[data-action="extend"]').addEventListener('click', extendHold);
    $('#pay-form').addEventListener('submit', pay);
    $('[data-action="release"]').addEventListener('click', release);
    $('[data-action="again"]').addEventListener('click', () => {
        $('#done-panel').hidden = true;
        $('#choose-panel').hidden = false;
        $('#best-panel').hidden = false;
        drawPanels();
        $('#seatmap .seat[tabindex="0"]')?.focus();
    });
    for (const button of $$('[data-test-card]')) {
        button.addEventListener('click', () => {
            $('#card').value = button.dataset.testCard.replace(/(\d{4})(?=\d)/g, '$1 ');
            $('#card').focus();
        });
    }
    const nextYear = String((new Date().getFullYear() + 1) % 100).padStart(2, '0');
    $('#expiry').value = `12/${nextYear}`;
    $('#cvc').value = '123';
    for (const radio of $$('input[name="method"]')) {
        radio.addEventListener('change', () => {
            $('#card-fields').hidden = !['credit_card', 'debit_card'].includes($('#pay-form').method.value);
        });
    }

    state.userLoaded = currentUser().catch(() => null).then((user) => {
        // (Someone who logged in through the dialog meanwhile stays signed in.)
        if (!state.user) state.user = user;
        renderAccount();
        return state.user;
    });
    const [movie, theatre] = await Promise.all([
        movieById(show.movieId).catch(() => null),
        theatreById(show.theatreId).catch(() => null),
        state.userLoaded,
    ]);
    state.userLoaded = null;
    state.movie = movie;
    state.theatre = theatre;
    const screen = theatre?.screens?.find((s) => s.screenNumber === show.screenNumber);
    $('#title').textContent = movie?.title ?? 'Choose your seats';
    document.title = `${movie?.title ?? 'Seats'} — choose seats — BoxOffice`;
    const facts = [theatre?.name, screen?.name ?? `Screen ${show.screenNumber}`, show.format, show.language].filter(Boolean);
    $('#subtitle').textContent = Array.from(new Set(facts)).join(' · ');
    $('#back').href = `/#movie/${encodeURIComponent(show.movieId)}/${show.showDate}`;
    await adoptPendingBooking();
}

window.addEventListener('boxoffice:auth', (event) => {
    if (!event.detail.signedIn && state.user) {
        state.user = null;
        renderAccount();
    }
});

start();
