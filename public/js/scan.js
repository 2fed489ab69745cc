// `/scan.html`: the usher's page. Type or paste a ticket code (or scan its QR code with the camera where the browser
// has BarcodeDetector) and the server admits it once; the answer is shown large, in colour and in words.

import { api, explain, getToken } from './api.js';
import { signIn, signOut } from './auth.js';
import { $, h, replace } from './dom.js';
import { clockTime, localDate } from './format.js';

const OUTCOMES = {
    admitted: { words: 'Admitted', tone: 'ok' },
    already_admitted: { words: 'Already admitted', tone: 'stop' },
    ticket_void: { words: 'Void ticket', tone: 'stop' },
    unknown_ticket: { words: 'Unknown ticket', tone: 'stop' },
};

let busy = false;

function renderAccount(user) {
    const nav = $('#account');
    if (user) {
        replace(nav, h('span', { class: 'who', text: `${user.name} (${user.role})` }),
            h('button', { type: 'button', class: 'btn btn-small btn-quiet', text: 'Log out', on: { click: () => { signOut(); gate(null); } } }));
    } else {
        replace(nav, h('button', { type: 'button', class: 'btn btn-small', text: 'Log in', on: { click: logIn } }));
    }
}

async function logIn() {
    const user = await signIn('login');
    if (user) gate(user);
}

function gate(user) {
    renderAccount(user);
    const allowed = user && (user.role === 'staff' || user.role === 'admin');
    $('#door').hidden = !allowed;
    const notice = $('#gate');
    if (!user) {
        replace(notice, h('p', {}, 'This page is for the box-office staff. ', h('button', { type: 'button', class: 'btn btn-small btn-primary', text: 'Log in', on: { click: logIn } })));
        notice.hidden = false;
    } else if (!allowed) {
        replace(notice, h('p', { text: `You are logged in as ${user.email}, which is not a staff account.` }));
        notice.hidden = false;
    } else {
        notice.hidden = true;
        $('#ticketCode').focus();
    }
}

function showResult(outcome, detail) {
    const shown = OUTCOMES[outcome] || { words: 'Not checked', tone: 'stop' };
    const result = $('#result');
    result.dataset.outcome = outcome;
    result.dataset.tone = shown.tone;
    $('#result-outcome').textContent = shown.words;
    $('#result-detail').textContent = detail;
    result.hidden = false;
}

function describe(booking) {
    if (!booking) return '';
    const seats = booking.seats.map((seat) => seat.seatNumber).join(', ');
    return `Seats ${seats} · ${localDate(booking.showDate)}, ${clockTime(booking.showTime)}`;
}

async function scan(code) {
    const typed = code.trim();
    if (!typed || busy) return;
    busy = true;
    $('[data-action="scan"]').disabled = true;
    try {
        const answer = await api('/api/admin/tickets/scan', { method: 'POST', auth: true, body: { ticketCode: typed } });
        showResult('admitted', describe(answer.booking));
    } catch (error) {
        if (OUTCOMES[error.code]) {
            const when = error.details?.admittedAt ? ` at ${new Date(error.details.admittedAt).toLocaleTimeString()}` : '';
            const booking = error.details?.booking;
            showResult(error.code, [error.code === 'already_admitted' ? `Admitted before${when}.` : error.message, describe(booking)].filter(Boolean).join(' '));
        } else {
            showResult('error', explain(error));
        }
    } finally {
        busy = false;
        $('[data-action="scan"]').disabled = false;
        const input = $('#ticketCode');
        input.value = '';
        input.focus();
    }
}

/** The camera where the browser can read QR codes itself (BarcodeDetector); nothing is sent but the code read. */
async function startCamera() {
    const video = $('#camera');
    try {
        const detector = new window.BarcodeDetector({ formats: ['qr_code'] });
        const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
        video.srcObject = stream;
        video.hidden = false;
        await video.play();
        let last = '';
        const look = async () => {
            if (video.hidden) return;
            try {
                const codes = await detector.detect(video);
                const value = codes[0]?.rawValue;
                if (value && value !== last) {
                    last = value;
                    await scan(value);
                    setTimeout(() => { last = ''; }, 3000);
                }
            } catch {
                // A frame that could not be read: try the next one.
            }
            requestAnimationFrame(look);
        };
        requestAnimationFrame(look);
    } catch (error) {
        showResult('error', `The camera cannot be used here (${error?.name || 'unavailable'}). Type the code instead.`);
    }
}

$('#scan-form').addEventListener('submit', (event) => {
    event.preventDefault();
    scan($('#ticketCode').value);
});
if ('BarcodeDetector' in window && navigator.mediaDevices?.getUserMedia) {
    const camera = $('[data-action="camera"]');
    camera.hidden = false;
    camera.addEventListener('click', startCamera);
}

(async () => {
    if (!getToken()) return gate(null);
    try {
        const { user } = await api('/api/auth/profile', { auth: true });
        gate(user);
    } catch {
        gate(null);
    }
})();
