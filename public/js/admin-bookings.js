// Finding a booking on `/admin.html`: by the customer's email or by a ticket code (GET /api/admin/bookings), with
// what the box office needs to see: status, payment, seats, amount, the show's time, the code and admission.

import { h, replace, $, say } from './dom.js';
import { money, localDate, clockTime } from './format.js';
import { movieOf, theatreOf, adminGet, problemWords } from './admin-common.js';

const STATUS_TONE = { confirmed: 'ok', pending: 'warn', cancelled: 'bad', expired: '' };
const PAYMENT_TONE = { completed: 'ok', failed: 'bad', refunded: 'warn', pending: '' };
const when = new Intl.DateTimeFormat('en-IN', { dateStyle: 'medium', timeStyle: 'short' });

let search = null;
let ticket = 0;
const message = () => $('#bookings > .list-message');

function fact(term, value, key) {
    return h('div', {}, h('dt', { text: term }), h('dd', { dataset: key ? { fact: key } : undefined, text: value }));
}

function bookingCard(booking) {
    const movie = movieOf(booking.movieId);
    const theatre = theatreOf(booking.theatreId);
    return h('li', { class: 'card booking', dataset: { booking: booking.id, status: booking.bookingStatus } },
        h('div', { class: 'booking-head' },
            h('h3', { text: movie?.title ?? booking.movieId }),
            h('div', {},
                h('span', { class: 'badge', dataset: { tone: STATUS_TONE[booking.bookingStatus] ?? '' }, text: booking.bookingStatus }), ' ',
                h('span', { class: 'badge', dataset: { tone: PAYMENT_TONE[booking.paymentStatus] ?? '' }, text: `payment ${booking.paymentStatus}` }))),
        h('dl', { class: 'booking-facts' },
            fact('Show', `${localDate(booking.showDate)}, ${clockTime(booking.showTime)}`, 'show'),
            fact('Theatre', theatre?.name ?? booking.theatreId, 'theatre'),
            fact('Seats', (booking.seats || []).map((s) => s.seatNumber).join(', '), 'seats'),
            fact('Amount', money(booking.totalAmount, booking.currency), 'amount'),
            fact('Ticket code', booking.ticketCode ?? '— (not confirmed)', 'ticket-code'),
            fact('Admitted', booking.admittedAt ? when.format(new Date(booking.admittedAt)) : 'not yet', 'admitted'),
            fact('Booked', booking.createdAt ? when.format(new Date(booking.createdAt)) : '—', 'created'),
            fact('Booking', booking.id, 'id')));
}

async function find(more = false) {
    const target = $('#booking-results');
    const mine = ++ticket;
    const params = new URLSearchParams({ limit: '20', [search.key]: search.value });
    if (more && search.cursor) params.set('cursor', search.cursor);
    if (!more) replace(target, h('li', { class: 'admin-empty', text: 'Looking…' }));
    let page;
    try {
        page = await adminGet(`/api/admin/bookings?${params}`);
    } catch (error) {
        if (mine !== ticket) return;
        target.replaceChildren();
        say(message(), problemWords(error), 'error');
        return;
    }
    if (mine !== ticket) return;
    search.cursor = page?.nextCursor ?? null;
    $('#more-bookings').hidden = !search.cursor;
    const items = page?.items ?? [];
    if (!more) target.replaceChildren();
    if (!more && !items.length) {
        replace(target, h('li', { class: 'admin-empty', text: search.key === 'email' ? `No bookings for ${search.value}.` : `No booking has the ticket code ${search.value}.` }));
        return;
    }
    target.append(...items.map(bookingCard));
}

export function startBookings() {
    $('#booking-search').addEventListener('submit', (event) => {
        event.preventDefault();
        const field = event.currentTarget.query;
        const value = field.value.trim();
        say(message(), '');
        field.removeAttribute('aria-invalid');
        if (!value) {
            field.setAttribute('aria-invalid', 'true');
            field.focus();
            say(message(), 'Type the customer\'s email or the ticket code.', 'error');
            return;
        }
        // Codes are read out or typed in any case, with or without the dashes; the server matches them without.
        search = value.includes('@')
            ? { key: 'email', value, cursor: null }
            : { key: 'ticketCode', value: value.replace(/[\s-]+/g, '').toUpperCase(), cursor: null };
        find();
    });
    $('#more-bookings').addEventListener('click', () => find(true));
}
