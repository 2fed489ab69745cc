// `/ticket.html?booking=<id>`: the e-ticket of one of the user's confirmed bookings — the film, theatre, time,
// seats, the code and its QR code (an <img> of the SVG the server made: never inserted as markup), printable.

import { api, explain, getToken } from './api.js';
import { signIn, signOut } from './auth.js';
import { $, h, replace, say } from './dom.js';
import { clockTime, localDate } from './format.js';

const bookingId = new URLSearchParams(location.search).get('booking') || '';

function renderAccount(user) {
    const nav = $('#account');
    if (user) {
        replace(nav, h('span', { class: 'who', text: user.name }),
            h('button', { type: 'button', class: 'btn btn-small btn-quiet', text: 'Log out', on: { click: () => { signOut(); location.reload(); } } }));
    } else {
        replace(nav, h('button', { type: 'button', class: 'btn btn-small', text: 'Log in', on: { click: logIn } }));
    }
}

async function logIn() {
    if (await signIn('login')) await load();
}

function fact(term, value) {
    return [h('dt', { text: term }), h('dd', { text: value })];
}

/** The SVG document as an image source: a data: URL the page's policy allows, and that cannot run anything. */
function svgSource(svg) {
    const bytes = new TextEncoder().encode(svg);
    let binary = '';
    for (const byte of bytes) binary += String.fromCharCode(byte);
    return `data:image/svg+xml;base64,${btoa(binary)}`;
}

async function load() {
    const notice = $('#notice');
    if (!bookingId) {
        say(notice, 'No booking given. Open your ticket from "My bookings".', 'error');
        return;
    }
    if (!getToken()) {
        renderAccount(null);
        replace(notice, h('p', {}, 'Log in to see your ticket. ', h('button', { type: 'button', class: 'btn btn-small btn-primary', text: 'Log in', on: { click: logIn } })));
        notice.hidden = false;
        return;
    }
    try {
        const { user } = await api('/api/auth/profile', { auth: true });
        renderAccount(user);
        const ticket = await api(`/api/bookings/${encodeURIComponent(bookingId)}/ticket`, { auth: true });
        show(ticket);
        say(notice, '');
    } catch (error) {
        renderAccount(null);
        if (error.code === 'not_confirmed') say(notice, 'This booking is not confirmed, so it has no ticket.', 'error');
        else if (error.status === 404) say(notice, 'No such booking in your account.', 'error');
        else say(notice, explain(error), 'error');
    }
}

function show(ticket) {
    document.title = `${ticket.movie.title} — your ticket — BoxOffice`;
    $('#ticket-title').textContent = ticket.movie.title;
    $('#ticket-when').textContent = `${localDate(ticket.showDate)}, ${clockTime(ticket.showTime)}`;
    replace($('#ticket-facts'),
        fact('Theatre', ticket.theatre.name),
        fact('Address', ticket.theatre.address),
        fact('Screen', String(ticket.screenNumber)),
        fact('Seats', ticket.seats.map((seat) => seat.seatNumber).join(', ')),
        fact('Booking', ticket.bookingId),
        ticket.admittedAt ? fact('Admitted', new Date(ticket.admittedAt).toLocaleString()) : null);
    $('#ticket-code').textContent = ticket.ticketCode;
    const image = $('#ticket-qr');
    image.src = svgSource(ticket.qr);
    image.alt = `QR code of ticket ${ticket.ticketCode}`;
    $('#ticket').hidden = false;
    $('#ticket-actions').hidden = false;
}

$('[data-action="print"]').addEventListener('click', () => window.print());
load();
