// `/admin.html`: the admin's page. This module signs the admin in, keeps the section links working and starts the
// sections, each in its own module: admin-catalog (cities, movies, theatres), admin-layout (screen layouts with a
// live preview), admin-shows (shows and a day's schedule), admin-users, admin-webhooks, admin-bookings (finding a
// booking) and admin-report (the sales report, drawn by charts.js). admin-common holds what they share.

import { currentUser, explain } from './api.js';
import { signIn, signOut } from './auth.js';
import { h, replace, $, $$, say } from './dom.js';
import { state } from './admin-common.js';
import { startCatalog, loadCatalog } from './admin-catalog.js';
import { startShows } from './admin-shows.js';
import { startUsers, loadUsers } from './admin-users.js';
import { startWebhooks, loadWebhooks } from './admin-webhooks.js';
import { startBookings } from './admin-bookings.js';
import { startReport, loadReport } from './admin-report.js';

let loaded = false;

function renderAccount() {
    const nav = $('#account');
    if (state.user) {
        replace(nav, h('span', { class: 'who', text: `${state.user.name} (${state.user.role})` }),
            h('button', { type: 'button', class: 'btn btn-small btn-quiet', text: 'Log out', on: { click: () => { signOut(); state.user = null; gate(); } } }));
    } else {
        replace(nav, h('button', { type: 'button', class: 'btn btn-small', text: 'Log in', on: { click: logIn } }));
    }
}

async function logIn() {
    const user = await signIn('login');
    if (user) {
        state.user = user;
        await gate();
    }
}

async function gate() {
    renderAccount();
    const isAdmin = state.user?.role === 'admin';
    $('#admin').hidden = !isAdmin;
    const notice = $('#gate');
    if (!state.user) {
        replace(notice, h('p', {}, 'This page is for administrators. ', h('button', { type: 'button', class: 'btn btn-small btn-primary', text: 'Log in', on: { click: logIn } })));
        delete notice.dataset.kind;
        notice.hidden = false;
    } else if (!isAdmin) {
        replace(notice, h('p', { text: `You are logged in as ${state.user.email}, which is not an admin account.` }));
        notice.dataset.kind = 'warn';
        notice.hidden = false;
    } else {
        notice.hidden = true;
        await loadEverything();
    }
}

async function loadEverything() {
    try {
        await loadCatalog();
    } catch (error) {
        say($('#gate'), explain(error), 'error');
        return;
    }
    if (!loaded) {
        loaded = true;
        startReport();
    }
    await Promise.all([loadUsers(), loadWebhooks(), loadReport()]);
    document.body.dataset.ready = 'true';
    if (location.hash) focusSection(location.hash);
}

/** The section links move the focus to the section (not only the scroll), so the keyboard carries on from there. */
function focusSection(hash) {
    const target = hash.length > 1 && document.getElementById(decodeURIComponent(hash.slice(1)));
    if (target?.classList.contains('admin-section')) target.focus({ preventScroll: false });
}

async function start() {
    startCatalog();
    startShows();
    startUsers();
    startWebhooks();
    startBookings();
    for (const link of $$('.admin-nav a')) {
        link.addEventListener('click', (event) => {
            event.preventDefault();
            history.replaceState(null, '', link.getAttribute('href'));
            focusSection(link.getAttribute('href'));
        });
    }
    try {
        state.user = await currentUser();
    } catch (error) {
        say($('#gate'), explain(error), 'error');
    }
    await gate();
}

start();
