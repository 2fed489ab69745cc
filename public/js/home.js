// `/`: choose a city, browse movies, choose a date and a show (grouped by theatre); account and "My bookings".

import { api, listAll, currentUser, movieById, theatreById, explain } from './api.js';
import { signIn, signOut } from './auth.js';
import { h, replace, $, say } from './dom.js';
import { money, duration, dayLabel, clockTime, todayIn, localDate } from './format.js';

const CITY_KEY = 'boxoffice.city';
const state = { user: null, cities: [], city: null, movies: [], theatresByCity: new Map(), bookingsCursor: null, tickets: {} };

/** A number for the latest request of a kind; an answer whose number is no longer the latest is dropped. */
function ticket(kind) {
    state.tickets[kind] = (state.tickets[kind] ?? 0) + 1;
    const mine = state.tickets[kind];
    return () => state.tickets[kind] === mine;
}

// MARK: account

function renderAccount() {
    const nav = $('#account');
    if (state.user) {
        replace(nav,
            h('span', { class: 'who', text: `Hi, ${state.user.name}` }),
            h('a', { class: 'btn btn-small', href: '#bookings', text: 'My bookings' }),
            state.user.role === 'admin' ? h('a', { class: 'btn btn-small btn-quiet', href: '/admin.html', text: 'Admin' }) : null,
            h('button', { type: 'button', class: 'btn btn-small btn-quiet', dataset: { action: 'logout' }, text: 'Log out', on: { click: logOut } }));
    } else {
        replace(nav,
            h('button', { type: 'button', class: 'btn btn-small', dataset: { action: 'login' }, text: 'Log in', on: { click: () => logIn('login') } }),
            h('button', { type: 'button', class: 'btn btn-small btn-primary', dataset: { action: 'register' }, text: 'Register', on: { click: () => logIn('register') } }));
    }
}

async function logIn(mode) {
    const user = await signIn(mode);
    if (!user) return;
    state.user = user;
    renderAccount();
    say($('#notice'), `Welcome, ${user.name}.`, 'success');
    if (location.hash === '#bookings') route();
}

function logOut() {
    signOut();
    state.user = null;
    renderAccount();
    say($('#notice'), 'You are logged out.', 'info');
    if (location.hash === '#bookings') location.hash = '';
}

// MARK: cities and movies

async function loadCities() {
    state.cities = await listAll('/api/cities');
    const select = $('#city');
    replace(select, state.cities.map((city) => h('option', { value: city.id, text: city.name })));
    let saved = null;
    try {
        saved = localStorage.getItem(CITY_KEY);
    } catch { /* storage off */ }
    state.city = state.cities.find((c) => c.id === saved) ?? state.cities[0] ?? null;
    if (state.city) select.value = state.city.id;
    select.addEventListener('change', async () => {
        state.city = state.cities.find((c) => c.id === select.value) ?? null;
        try {
            localStorage.setItem(CITY_KEY, state.city?.id ?? '');
        } catch { /* storage off */ }
        await loadMovies();
        if (location.hash.startsWith('#movie/')) location.hash = '';
        else route();
    });
}

async function loadMovies() {
    const list = $('#movies');
    replace(list, h('li', { class: 'empty', text: 'Loading movies…' }));
    if (!state.city) {
        replace(list, h('li', { class: 'empty', text: 'No cities yet.' }));
        return;
    }
    const current = ticket('movies');
    let movies;
    try {
        movies = await listAll('/api/movies', { city: state.city.id });
    } catch (error) {
        if (current()) replace(list, h('li', { class: 'empty', text: explain(error) }));
        return;
    }
    if (!current()) return; // the city changed while this list was on its way
    state.movies = movies;
    for (const movie of state.movies) movieById.prime(movie.id, movie);
    fillFilter($('#language'), 'All languages', state.movies.flatMap((m) => m.languages || []));
    fillFilter($('#genre'), 'All genres', state.movies.flatMap((m) => m.genres || []));
    renderMovies();
}

function fillFilter(select, allLabel, values) {
    const current = select.value;
    const unique = Array.from(new Set(values)).sort((a, b) => a.localeCompare(b));
    replace(select, h('option', { value: '', text: allLabel }), unique.map((v) => h('option', { value: v, text: v })));
    select.value = unique.includes(current) ? current : '';
}

function renderMovies() {
    const query = $('#search').value.trim().toLowerCase();
    const language = $('#language').value;
    const genre = $('#genre').value;
    const movies = state.movies.filter((m) =>
        (!query || m.title.toLowerCase().includes(query))
        && (!language || (m.languages || []).includes(language))
        && (!genre || (m.genres || []).includes(genre)));
    $('#movies-title').textContent = state.city ? `Now showing in ${state.city.name}` : 'Now showing';
    if (!movies.length) {
        replace($('#movies'), h('li', { class: 'empty', text: state.movies.length ? 'No movie matches those filters.' : 'Nothing is showing in this city yet.' }));
        return;
    }
    replace($('#movies'), movies.map((movie) => h('li', {},
        h('a', { class: 'movie-card', href: `#movie/${encodeURIComponent(movie.id)}`, dataset: { movie: movie.id } },
            poster(movie, ''),
            h('div', { class: 'body' },
                h('h3', { text: movie.title }),
                h('div', { class: 'movie-meta' },
                    h('span', { class: 'rating', 'aria-label': `Rated ${movie.rating} out of 10`, text: `★ ${Number(movie.rating).toFixed(1)}` }),
                    h('span', { text: duration(movie.durationMinutes) })),
                h('ul', { class: 'chip-list', 'aria-label': 'Genres' }, (movie.genres || []).map((g) => h('li', { class: 'chip', text: g }))),
                h('div', { class: 'movie-meta', text: (movie.languages || []).join(' · ') }))))));
}

function poster(movie, alt) {
    const url = typeof movie.posterUrl === 'string' && movie.posterUrl.startsWith('/') && !movie.posterUrl.startsWith('//') ? movie.posterUrl : '/posters/placeholder.svg';
    const img = h('img', { src: url, alt, loading: 'lazy', width: '200', height: '300' });
    img.addEventListener('error', () => {
        if (!img.src.endsWith('/posters/placeholder.svg')) img.src = '/posters/placeholder.svg';
    }, { once: true });
    return img;
}

// MARK: one movie

async function theatresOfCity(cityId) {
    if (!state.theatresByCity.has(cityId)) {
        const promise = listAll('/api/theatres', { city: cityId }).catch((error) => {
            state.theatresByCity.delete(cityId);
            throw error;
        });
        state.theatresByCity.set(cityId, promise);
    }
    return state.theatresByCity.get(cityId);
}

async function showMovie(movieId, wantedDate) {
    const hero = $('#movie-hero');
    replace(hero, h('p', { class: 'muted', text: 'Loading…' }));
    replace($('#dates'));
    replace($('#theatres'));
    const current = ticket('movie');
    let movie;
    let shows;
    let theatres;
    try {
        [movie, shows, theatres] = await Promise.all([
            movieById(movieId),
            state.city ? listAll('/api/shows', { movie: movieId, city: state.city.id }) : [],
            state.city ? theatresOfCity(state.city.id) : [],
        ]);
    } catch (error) {
        if (current()) replace(hero, h('p', { class: 'empty', text: explain(error) }));
        return;
    }
    if (!current()) return; // another movie or city was chosen meanwhile
    document.title = `${movie.title} — BoxOffice`;
    replace(hero,
        poster(movie, `Poster of ${movie.title}`),
        h('div', {},
            h('h1', { id: 'movie-title', text: movie.title }),
            h('div', { class: 'movie-meta' },
                h('span', { class: 'rating', text: `★ ${Number(movie.rating).toFixed(1)}/10` }),
                h('span', { text: duration(movie.durationMinutes) }),
                h('span', { text: (movie.languages || []).join(' · ') }),
                h('span', { text: `Released ${localDate(movie.releaseDate)}` })),
            h('ul', { class: 'chip-list' }, (movie.genres || []).map((g) => h('li', { class: 'chip', text: g }))),
            h('p', { class: 'muted', text: movie.description })));

    const byDate = new Map();
    for (const show of shows) {
        if (!byDate.has(show.showDate)) byDate.set(show.showDate, []);
        byDate.get(show.showDate).push(show);
    }
    const dates = Array.from(byDate.keys()).sort();
    if (!dates.length) {
        replace($('#theatres'), h('li', { class: 'empty', text: `No upcoming shows of ${movie.title} in ${state.city?.name ?? 'this city'}.` }));
        return;
    }
    const today = todayIn(state.city?.timeZone || 'Asia/Kolkata');
    let chosen = dates.includes(wantedDate) ? wantedDate : dates[0];
    const renderDates = () => replace($('#dates'), dates.map((date) => h('button', {
        type: 'button', class: 'date-btn', 'aria-pressed': String(date === chosen), dataset: { date },
        on: {
            click: () => {
                chosen = date;
                history.replaceState(null, '', `#movie/${encodeURIComponent(movieId)}/${date}`);
                renderDates();
                renderShows();
            },
        },
    }, h('span', { class: 'day', text: dayLabel(date, today) }), localDate(date).replace(/^\w+,\s*/, ''))));
    const theatreIndex = new Map(theatres.map((t) => [t.id, t]));
    const renderShows = () => {
        const groups = new Map();
        for (const show of byDate.get(chosen) || []) {
            if (!groups.has(show.theatreId)) groups.set(show.theatreId, []);
            groups.get(show.theatreId).push(show);
        }
        const ordered = Array.from(groups.entries()).sort(([a], [b]) =>
            (theatreIndex.get(a)?.name ?? a).localeCompare(theatreIndex.get(b)?.name ?? b));
        replace($('#theatres'), ordered.map(([theatreId, list]) => {
            const theatre = theatreIndex.get(theatreId);
            list.sort((a, b) => a.startsAt.localeCompare(b.startsAt));
            return h('li', { class: 'card theatre-card', dataset: { theatre: theatreId } },
                h('div', { class: 'theatre-head' },
                    h('h3', { text: theatre?.name ?? 'Theatre' }),
                    h('a', { class: 'small', href: `/kiosk.html?theatre=${encodeURIComponent(theatreId)}`, text: 'Lobby board' })),
                theatre ? h('p', { class: 'muted small', text: theatre.address }) : null,
                theatre?.amenities?.length ? h('ul', { class: 'chip-list', 'aria-label': 'Amenities' }, theatre.amenities.map((a) => h('li', { class: 'chip', text: a }))) : null,
                h('ul', { class: 'showtimes', 'aria-label': `Shows at ${theatre?.name ?? 'this theatre'}` }, list.map((show) => h('li', {}, showtime(show, theatre)))));
        }));
    };
    renderDates();
    renderShows();
}

function showtime(show, theatre) {
    const { available, total } = show.availability;
    const fill = available === 0 ? 'soldout' : available / total <= 0.25 ? 'filling' : 'plenty';
    const screen = theatre?.screens?.find((s) => s.screenNumber === show.screenNumber)?.name ?? `Screen ${show.screenNumber}`;
    const left = available === 0 ? 'sold out' : `${available} of ${total} seats left`;
    const label = `${clockTime(show.showTime)}, ${show.format}, ${show.language}, ${screen}, ${left}`;
    const content = [h('strong', { text: clockTime(show.showTime) }), h('span', { text: `${show.format} · ${show.language}` }),
        h('span', { text: available === 0 ? 'Sold out' : fill === 'filling' ? 'Filling fast' : screen })];
    if (available === 0) return h('span', { class: 'showtime', dataset: { fill, show: show.id }, 'aria-label': label, 'aria-disabled': 'true' }, content);
    return h('a', { class: 'showtime', href: `/seats.html?show=${encodeURIComponent(show.id)}`, dataset: { fill, show: show.id }, 'aria-label': label }, content);
}

// MARK: my bookings

const BOOKING_TONE = { confirmed: 'ok', pending: 'warn', cancelled: '', expired: '' };
const PAYMENT_TONE = { completed: 'ok', failed: 'bad', refunded: '', pending: 'warn' };

async function showBookings(more = false) {
    const list = $('#bookings');
    const message = $('#bookings-message');
    if (!state.user) {
        replace(list, h('li', { class: 'empty' }, 'Log in to see your bookings. ',
            h('button', { type: 'button', class: 'btn btn-small btn-primary', text: 'Log in', on: { click: () => logIn('login') } })));
        $('#more-bookings').hidden = true;
        return;
    }
    if (!more) {
        state.bookingsCursor = null;
        replace(list, h('li', { class: 'empty', text: 'Loading your bookings…' }));
    }
    const current = ticket('bookings');
    let page;
    try {
        const query = new URLSearchParams({ limit: '20' });
        if (more && state.bookingsCursor) query.set('cursor', state.bookingsCursor);
        page = await api(`/api/bookings?${query}`, { auth: true });
    } catch (error) {
        say(message, explain(error), 'error');
        if (error.status === 401) {
            state.user = null;
            renderAccount();
            showBookings();
        }
        return;
    }
    if (!current()) return;
    if (!more) list.replaceChildren();
    state.bookingsCursor = page.nextCursor;
    $('#more-bookings').hidden = !page.nextCursor;
    if (!more && !page.items.length) {
        replace(list, h('li', { class: 'empty' }, 'No bookings yet. ', h('a', { href: '#', text: 'Find a movie' })));
        return;
    }
    for (const booking of page.items) {
        const item = h('li', { class: 'card booking', dataset: { booking: booking.id } }, h('p', { class: 'muted', text: 'Loading…' }));
        list.append(item);
        fillBooking(item, booking);
    }
}

async function fillBooking(item, booking) {
    const [movie, theatre] = await Promise.all([
        movieById(booking.movieId).catch(() => null),
        theatreById(booking.theatreId).catch(() => null),
    ]);
    const live = booking.bookingStatus === 'pending' && Date.parse(booking.expiresAt) > Date.now();
    const status = booking.bookingStatus === 'pending' && !live ? 'expired' : booking.bookingStatus;
    const actions = h('div', { class: 'booking-actions' });
    if (live) {
        actions.append(h('a', { class: 'btn btn-small btn-primary', href: `/seats.html?show=${encodeURIComponent(booking.showId)}`, text: 'Continue to payment' }));
        actions.append(cancelButton(item, booking, 'Release seats', 'Release these seats?'));
    } else if (status === 'confirmed') {
        actions.append(h('a', { class: 'btn btn-small btn-primary', href: `/ticket.html?booking=${encodeURIComponent(booking.id)}`, text: 'E-ticket' }));
        if (!booking.admittedAt) actions.append(cancelButton(item, booking, 'Cancel booking', `Cancel and refund ${money(booking.totalAmount, booking.currency)}?`));
    }
    replace(item,
        h('div', { class: 'booking-head' },
            h('h3', { text: movie?.title ?? 'Booking' }),
            h('div', {},
                h('span', { class: 'badge', dataset: { tone: BOOKING_TONE[status] ?? '' }, text: status }), ' ',
                // A payment that never started says nothing useful once the hold is gone.
                booking.paymentStatus === 'pending' && status !== 'pending'
                    ? null
                    : h('span', { class: 'badge', dataset: { tone: PAYMENT_TONE[booking.paymentStatus] ?? '' }, text: `payment ${booking.paymentStatus}` }))),
        h('dl', { class: 'booking-facts' },
            fact('When', `${localDate(booking.showDate)}, ${clockTime(booking.showTime)}`),
            fact('Where', theatre?.name ?? '—'),
            fact('Seats', booking.seats.map((s) => s.seatNumber).join(', ')),
            fact('Amount', money(booking.totalAmount, booking.currency)),
            fact('Booking', booking.id, 'id')),
        h('div', { class: 'form-message', hidden: true }),
        actions);
    item.dataset.status = status; // set last: the card is complete once it says what it is
}

function fact(term, value, kind) {
    return h('div', {}, h('dt', { text: term }), h('dd', { class: kind, text: value }));
}

function cancelButton(item, booking, label, question) {
    const button = h('button', { type: 'button', class: 'btn btn-small btn-danger', dataset: { action: 'cancel' }, text: label });
    let armed = false;
    let timer = null;
    button.addEventListener('click', async () => {
        if (!armed) {
            armed = true;
            button.textContent = `${question} Click again`;
            timer = setTimeout(() => {
                armed = false;
                button.textContent = label;
            }, 6000);
            return;
        }
        clearTimeout(timer);
        button.disabled = true;
        const message = item.querySelector('.form-message');
        try {
            const updated = await api(`/api/bookings/${encodeURIComponent(booking.id)}/cancel`, { method: 'POST', auth: true, idempotent: true });
            await fillBooking(item, updated);
            const refunded = updated.paymentStatus === 'refunded';
            say(item.querySelector('.form-message'), refunded
                ? `Booking cancelled. ${money(updated.totalAmount, updated.currency)} is refunded to your payment method.`
                : 'Seats released.', 'success');
        } catch (error) {
            say(message, explain(error), 'error');
            button.disabled = false;
            armed = false;
            button.textContent = label;
        }
    });
    return button;
}

// MARK: routing

function route() {
    const hash = decodeURIComponent(location.hash.slice(1));
    const views = { movies: $('#view-movies'), movie: $('#view-movie'), bookings: $('#view-bookings') };
    let view = 'movies';
    if (hash.startsWith('movie/')) {
        view = 'movie';
        const [, id, date] = hash.split('/');
        showMovie(id, date);
    } else if (hash === 'bookings') {
        view = 'bookings';
        document.title = 'My bookings — BoxOffice';
        showBookings();
    } else {
        document.title = 'BoxOffice — movies and tickets';
        renderMovies();
    }
    for (const [name, section] of Object.entries(views)) section.hidden = name !== view;
}

async function start() {
    $('#search').addEventListener('input', renderMovies);
    $('#language').addEventListener('change', renderMovies);
    $('#genre').addEventListener('change', renderMovies);
    $('#more-bookings').addEventListener('click', () => showBookings(true));
    window.addEventListener('hashchange', () => {
        say($('#notice'), '');
        route();
        $('#main').focus({ preventScroll: true });
        window.scrollTo(0, 0);
    });
    window.addEventListener('boxoffice:auth', (event) => {
        if (!event.detail.signedIn && state.user) {
            state.user = null;
            renderAccount();
        }
    });
    renderAccount();
    try {
        const [user] = await Promise.all([currentUser().catch(() => null), loadCities()]);
        state.user = user;
        renderAccount();
        await loadMovies();
    } catch (error) {
        say($('#notice'), explain(error), 'error');
    }
    route();
}

start();
