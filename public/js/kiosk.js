// `/kiosk.html?theatre=<id>` or `?city=<id>`: the lobby board. The next 24 hours of shows by start time,
// seats left kept live by `watch` → `availability` messages; it never needs a reload.

import { api, listAll, movieById, explain } from './api.js';
import { h, replace, $ } from './dom.js';
import { clockTime, dayLabel, todayIn, duration } from './format.js';
import { LiveFeed } from './live.js';

const WINDOW_MS = 24 * 3600 * 1000;
const RELOAD_EVERY_MS = 5 * 60 * 1000;
const POLL_EVERY_MS = 15_000;
const PAGE_EVERY_MS = 12_000;
const SOON_MS = 30 * 60 * 1000;

const params = new URLSearchParams(location.search);
const state = {
    theatreId: params.get('theatre'),
    cityId: params.get('city'),
    city: null,
    timeZone: 'Asia/Kolkata',
    theatres: new Map(),
    shows: new Map(), // id → { show, row, version, available, total }
    watched: new Set(), // JSON of watch targets
    liveUsable: true,
    offlineSince: null,
    page: 0,
    pages: 1,
    loading: null,
};

const feed = new LiveFeed();
window.__boxoffice = { get socket() { return feed.socket; }, feed, state };

// MARK: loading

async function loadVenue() {
    const cities = await listAll('/api/cities');
    if (state.theatreId) {
        const theatre = await api(`/api/theatres/${encodeURIComponent(state.theatreId)}`);
        state.theatres.set(theatre.id, theatre);
        state.city = cities.find((c) => c.id === theatre.cityId) ?? null;
        $('#venue').textContent = theatre.name;
        $('#venue-sub').textContent = [theatre.address, 'shows in the next 24 hours'].filter(Boolean).join(' · ');
        document.title = `${theatre.name} — now showing`;
    } else {
        state.city = cities.find((c) => c.id === state.cityId) ?? null;
        if (!state.city) throw new Error('unknown city');
        for (const theatre of await listAll('/api/theatres', { city: state.city.id })) state.theatres.set(theatre.id, theatre);
        $('#venue').textContent = `Now showing in ${state.city.name}`;
        $('#venue-sub').textContent = `${state.theatres.size} theatres · shows in the next 24 hours`;
        $('#where-head').textContent = 'Theatre';
        document.body.dataset.scope = 'city';
        document.title = `${state.city.name} — now showing`;
    }
    state.timeZone = state.city?.timeZone || 'Asia/Kolkata';
}

/** One load at a time: a refresh asked for while one is on its way shares it. */
function loadShows() {
    state.loading ??= fetchShows().finally(() => { state.loading = null; });
    return state.loading;
}

async function fetchShows() {
    const filter = state.theatreId ? { theatre: state.theatreId } : { city: state.city.id };
    const now = Date.now();
    const shows = (await listAll('/api/shows', filter, { maxPages: 5 }))
        .filter((s) => Date.parse(s.startsAt) > now && Date.parse(s.startsAt) <= now + WINDOW_MS)
        .sort((a, b) => a.startsAt.localeCompare(b.startsAt) || a.screenNumber - b.screenNumber);
    const movies = await Promise.all(Array.from(new Set(shows.map((s) => s.movieId)), (id) => movieById(id).catch(() => null)));
    const titles = new Map(movies.filter(Boolean).map((m) => [m.id, m]));
    const seen = new Set();
    for (const show of shows) {
        seen.add(show.id);
        const known = state.shows.get(show.id);
        if (known) {
            applyCounts(known, { version: show.version, ...show.availability });
            continue;
        }
        const entry = { show, movie: titles.get(show.movieId), version: -1, available: 0, total: show.availability.total, row: null };
        entry.row = buildRow(entry);
        state.shows.set(show.id, entry);
        applyCounts(entry, { version: show.version, ...show.availability }, false);
    }
    for (const [id, entry] of state.shows) {
        if (!seen.has(id)) {
            entry.row.remove();
            state.shows.delete(id);
        }
    }
    order();
    updateWatches();
}

// MARK: drawing

function buildRow(entry) {
    const { show, movie } = entry;
    const theatre = state.theatres.get(show.theatreId);
    const screen = theatre?.screens?.find((s) => s.screenNumber === show.screenNumber)?.name ?? `Screen ${show.screenNumber}`;
    const meta = [show.language, show.format, movie ? duration(movie.durationMinutes) : null].filter(Boolean).join(' · ');
    entry.dayNode = h('div', { class: 'day' });
    entry.countNode = h('span', { class: 'count' });
    entry.badgeNode = h('span', { class: 'badge', hidden: true });
    entry.bar = h('progress', { max: String(Math.max(1, show.availability.total)), value: '0', 'aria-hidden': 'true' });
    return h('li', { class: 'show-row', dataset: { show: show.id, startsAt: show.startsAt } },
        h('div', { class: 'when' }, h('div', { class: 'time', text: clockTime(show.showTime) }), entry.dayNode),
        h('div', { class: 'movie' }, h('div', { class: 'title', text: movie?.title ?? 'Movie' }), h('div', { class: 'meta', text: meta })),
        state.theatreId
            ? h('div', { class: 'where', text: screen })
            : h('div', { class: 'where' }, theatre?.name ?? 'Theatre', h('small', { text: screen })),
        h('div', { class: 'seats' }, entry.countNode, entry.badgeNode, entry.bar));
}

/** Applies counts (from REST or an availability message) unless they are older than what is shown. */
function applyCounts(entry, counts, flash = true) {
    if (!Number.isInteger(counts.version) || counts.version < entry.version) return;
    const changed = counts.available !== entry.available;
    entry.version = counts.version;
    entry.available = counts.available;
    entry.total = counts.total || entry.total;
    drawCounts(entry);
    if (changed && flash) {
        entry.row.classList.remove('changed');
        void entry.row.offsetWidth; // restart the animation
        entry.row.classList.add('changed');
    }
}

function drawCounts(entry) {
    const { row, available, total } = entry;
    const soon = Date.parse(entry.show.startsAt) - Date.now() <= SOON_MS;
    const level = available === 0 ? 'soldout' : available / Math.max(1, total) <= 0.25 ? 'filling' : 'plenty';
    row.dataset.available = String(available);
    row.dataset.level = level;
    replace(entry.countNode, String(available), h('small', { text: available === 1 ? 'seat left' : 'seats left' }));
    entry.bar.max = Math.max(1, total);
    entry.bar.value = available;
    const badge = level === 'soldout' ? ['Sold out', 'bad'] : level === 'filling' ? ['Filling fast', 'warn'] : soon ? ['Starting soon', 'soon'] : null;
    entry.badgeNode.hidden = !badge;
    if (badge) {
        entry.badgeNode.textContent = badge[0];
        entry.badgeNode.dataset.tone = badge[1];
    }
    row.setAttribute('aria-label', `${clockTime(entry.show.showTime)}, ${entry.movie?.title ?? 'movie'}: ${available === 0 ? 'sold out' : `${available} of ${total} seats left`}${badge && badge[1] === 'warn' ? ', filling fast' : ''}`);
}

function order() {
    const board = $('#board');
    const entries = Array.from(state.shows.values()).sort((a, b) => a.show.startsAt.localeCompare(b.show.startsAt) || a.show.screenNumber - b.show.screenNumber);
    const today = todayIn(state.timeZone);
    for (const entry of entries) {
        entry.dayNode.textContent = dayLabel(entry.show.showDate, today);
        board.append(entry.row);
    }
    $('#empty').hidden = entries.length > 0;
    $('#empty').textContent = 'No more shows in the next 24 hours.';
    paginate();
}

/** Drops shows that have started; refreshes "starting soon". */
function sweep() {
    const now = Date.now();
    let removed = false;
    for (const [id, entry] of state.shows) {
        if (Date.parse(entry.show.startsAt) <= now) {
            entry.row.remove();
            state.shows.delete(id);
            removed = true;
        } else {
            drawCounts(entry);
        }
    }
    if (removed) {
        order();
        updateWatches();
    }
}

/** When the board is taller than the screen, it shows one screenful at a time and turns the page by itself. */
function paginate() {
    const board = $('#board');
    const rows = Array.from(board.children);
    for (const row of rows) row.hidden = false;
    if (window.innerWidth <= 760) {
        state.pages = 1;
        $('#page').textContent = '';
        return;
    }
    const room = window.innerHeight - board.getBoundingClientRect().top - $('.board-foot').offsetHeight - 8;
    const pages = [];
    let used = 0;
    let current = [];
    for (const row of rows) {
        const height = row.offsetHeight + 8;
        if (current.length && used + height > room) {
            pages.push(current);
            current = [];
            used = 0;
        }
        current.push(row);
        used += height;
    }
    if (current.length) pages.push(current);
    state.pages = Math.max(1, pages.length);
    state.page %= state.pages;
    pages.forEach((page, index) => { for (const row of page) row.hidden = index !== state.page; });
    $('#page').textContent = state.pages > 1 ? `Page ${state.page + 1} of ${state.pages}` : '';
}

function tickClock() {
    const now = new Date();
    try {
        $('#clock').textContent = new Intl.DateTimeFormat('en-IN', { timeZone: state.timeZone, hour: 'numeric', minute: '2-digit', hour12: true }).format(now).toUpperCase();
        $('#today').textContent = new Intl.DateTimeFormat('en-IN', { timeZone: state.timeZone, weekday: 'long', day: 'numeric', month: 'long' }).format(now);
    } catch {
        $('#clock').textContent = now.toLocaleTimeString();
    }
}

// MARK: live

function watchTargets() {
    const dates = new Set(Array.from(state.shows.values(), (e) => e.show.showDate));
    if (!dates.size) dates.add(todayIn(state.timeZone));
    const base = state.theatreId ? { theatre: state.theatreId } : { city: state.city.id };
    return Array.from(dates, (date) => ({ ...base, date }));
}

function updateWatches() {
    const wanted = new Map(watchTargets().map((t) => [JSON.stringify(t), t]));
    for (const key of state.watched) {
        if (!wanted.has(key)) {
            feed.unwatch(JSON.parse(key));
            state.watched.delete(key);
        }
    }
    for (const [key, target] of wanted) {
        if (!state.watched.has(key)) {
            feed.watch(target, onAvailability);
            state.watched.add(key);
        }
    }
}

function onAvailability(message) {
    const entry = state.shows.get(message.show);
    if (entry) applyCounts(entry, message);
}

function onFeedState(event) {
    const connection = event.detail.state;
    const live = $('#live');
    const banner = $('#conn');
    live.dataset.state = connection;
    if (connection === 'open') {
        live.textContent = 'Live';
        state.offlineSince = null;
        if (!banner.hidden) {
            banner.dataset.state = 'open';
            banner.textContent = 'Back online';
            setTimeout(() => { if (feed.state === 'open') banner.hidden = true; }, 2500);
        }
    } else {
        live.textContent = connection === 'reconnecting' ? 'Reconnecting…' : 'Connecting…';
        state.offlineSince ??= Date.now();
        if (connection === 'reconnecting') {
            banner.dataset.state = 'reconnecting';
            banner.textContent = 'Connection lost — reconnecting. Seat counts may be a little behind.';
            banner.hidden = false;
        }
    }
}

function onFeedError(event) {
    const code = event.detail?.code;
    if (code === 'unknown_op' || code === 'unsupported') {
        state.liveUsable = false;
        $('#live').textContent = 'Updating';
    }
}

async function refreshCounts() {
    try {
        await loadShows();
    } catch {
        // Try again on the next round.
    }
}

// MARK: start

async function start() {
    tickClock();
    setInterval(tickClock, 1000);
    if (!state.theatreId && !state.cityId) {
        $('#empty').hidden = false;
        $('#empty').textContent = 'Open this board as /kiosk.html?theatre=<id> or /kiosk.html?city=<id>.';
        return;
    }
    try {
        await loadVenue();
        tickClock();
        await loadShows();
    } catch (error) {
        $('#empty').hidden = false;
        $('#empty').textContent = error?.status === 404 ? 'This theatre or city does not exist.' : explain(error);
        setTimeout(() => location.reload(), 60_000); // a lobby screen must come back on its own
        return;
    }
    feed.events.addEventListener('state', onFeedState);
    feed.events.addEventListener('error', onFeedError);
    feed.connect();
    setInterval(sweep, 30_000);
    setInterval(refreshCounts, RELOAD_EVERY_MS);
    setInterval(() => {
        const offline = feed.state !== 'open' && state.offlineSince && Date.now() - state.offlineSince > 4000;
        if (offline || !state.liveUsable) refreshCounts();
    }, POLL_EVERY_MS);
    setInterval(() => {
        if (state.pages > 1) {
            state.page = (state.page + 1) % state.pages;
            paginate();
        }
    }, PAGE_EVERY_MS);
    let resizeTimer = null;
    window.addEventListener('resize', () => {
        clearTimeout(resizeTimer);
        resizeTimer = setTimeout(paginate, 150);
    });
}

start();
