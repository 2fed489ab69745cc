// `/admin.html`: create cities, movies, theatres (screens with a layout previewed as it is typed) and shows.

import { api, listAll, currentUser, explain } from './api.js';
import { signIn, signOut } from './auth.js';
import { h, replace, $, $$, say } from './dom.js';
import { money, zonedToUTC, clockTime, localDate } from './format.js';
import { layoutProblem, layoutSeats, renderSeatMap } from './layout.js';

const state = { user: null, cities: [], movies: [], theatres: [], screenCount: 0 };

// MARK: parsing what people type

/** "Drama, Comedy" → ["Drama", "Comedy"]. */
const list = (text) => String(text || '').split(',').map((s) => s.trim()).filter(Boolean);

/** "A-D, F, H-J" → ["A","B","C","D","F","H","I","J"]; multi-letter names are listed as they are. */
export function parseRows(text) {
    const rows = [];
    for (const part of list(String(text).toUpperCase())) {
        const range = /^([A-Z])\s*[-–]\s*([A-Z])$/.exec(part);
        if (range) {
            const from = range[1].charCodeAt(0);
            const to = range[2].charCodeAt(0);
            const step = from <= to ? 1 : -1;
            for (let c = from; c !== to + step; c += step) rows.push(String.fromCharCode(c));
        } else {
            rows.push(part.replace(/\s+/g, ''));
        }
    }
    return rows;
}

/** "4, 12" → [4, 12] (anything not a whole number stays, so the check can name it). */
const numbers = (text) => list(text).map((s) => (/^\d+$/.test(s) ? Number(s) : s));

/** "250" or "250.50" rupees → 25000 or 25050 paise, without floating point; null if not a price. */
export function toMinor(text) {
    const match = /^\s*(\d{1,9})(?:\.(\d{1,2}))?\s*$/.exec(String(text || ''));
    if (!match) return null;
    return Number(match[1]) * 100 + Number((match[2] || '0').padEnd(2, '0'));
}

// MARK: account and gate

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
        notice.hidden = false;
    } else if (!isAdmin) {
        replace(notice, h('p', { text: `You are logged in as ${state.user.email}, which is not an admin account.` }));
        notice.dataset.kind = 'warn';
        notice.hidden = false;
    } else {
        notice.hidden = true;
        await loadCatalog();
    }
}

// MARK: catalog lists

async function loadCatalog() {
    [state.cities, state.movies, state.theatres] = await Promise.all([listAll('/api/cities'), listAll('/api/movies'), listAll('/api/theatres')]);
    replace($('#city-list'), state.cities.map((c) => h('li', { text: `${c.name}, ${c.state} · ${c.timeZone}` })));
    replace($('#movie-cities'), state.cities.map((c) => h('label', {}, h('input', { type: 'checkbox', name: 'cityIds', value: c.id }), c.name)));
    replace($('#theatre-city'), state.cities.map((c) => h('option', { value: c.id, text: c.name })));
    const movieSelect = $('#show-movie');
    const keepMovie = movieSelect.value;
    replace(movieSelect, state.movies.map((m) => h('option', { value: m.id, text: m.title })));
    if (keepMovie) movieSelect.value = keepMovie;
    const theatreSelect = $('#show-theatre');
    const keepTheatre = theatreSelect.value;
    replace(theatreSelect, state.theatres.map((t) => h('option', { value: t.id, text: `${t.name} (${state.cities.find((c) => c.id === t.cityId)?.name ?? '?'})` })));
    if (keepTheatre) theatreSelect.value = keepTheatre;
    fillShowChoices();
}

function fillShowChoices() {
    const theatre = state.theatres.find((t) => t.id === $('#show-theatre').value);
    replace($('#show-screen'), (theatre?.screens ?? []).map((s) => h('option', { value: String(s.screenNumber), text: `${s.screenNumber} · ${s.name} (${s.totalSeats ?? layoutSeats(s.layout).length} seats)` })));
    const movie = state.movies.find((m) => m.id === $('#show-movie').value);
    replace($('#show-language'), (movie?.languages ?? []).map((l) => h('option', { value: l, text: l })));
}

// MARK: forms

async function submitWith(form, build, send) {
    const message = form.querySelector(':scope > .form-message');
    for (const input of $$('[aria-invalid]', form)) input.removeAttribute('aria-invalid');
    const built = build(form);
    if (built.problem) {
        if (built.field) {
            built.field.setAttribute('aria-invalid', 'true');
            built.field.focus();
        }
        say(message, built.problem, 'error');
        return;
    }
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    say(message, 'Saving…');
    try {
        const created = await send(built.body);
        say(message, built.done(created), 'success');
        form.reset();
        await loadCatalog();
        form.dispatchEvent(new Event('saved'));
    } catch (error) {
        say(message, explain(error) + (error.details?.field ? ` (${error.details.field})` : ''), 'error');
    } finally {
        button.disabled = false;
    }
}

const post = (path) => (body) => api(path, { method: 'POST', auth: true, idempotent: true, body });

function buildCity(form) {
    const name = form.name.value.trim();
    const stateName = form.state.value.trim();
    const timeZone = form.timeZone.value.trim() || 'Asia/Kolkata';
    if (!name) return { problem: 'Give the city a name.', field: form.name };
    if (!stateName) return { problem: 'Which state is it in?', field: form.state };
    try {
        new Intl.DateTimeFormat('en', { timeZone });
    } catch {
        return { problem: `${timeZone} is not an IANA time zone (like Asia/Kolkata).`, field: form.timeZone };
    }
    return { body: { name, state: stateName, timeZone }, done: (c) => `Created ${c.name} (${c.id}).` };
}

function buildMovie(form) {
    const title = form.title.value.trim();
    const durationMinutes = Number(form.durationMinutes.value);
    const rating = Number(form.rating.value);
    const cityIds = $$('input[name="cityIds"]:checked', form).map((i) => i.value);
    if (!title) return { problem: 'Give the movie a title.', field: form.title };
    if (!list(form.genres.value).length) return { problem: 'Name at least one genre.', field: form.genres };
    if (!list(form.languages.value).length) return { problem: 'Name at least one language.', field: form.languages };
    if (!Number.isInteger(durationMinutes) || durationMinutes < 1) return { problem: 'The duration is a whole number of minutes.', field: form.durationMinutes };
    if (form.rating.value === '' || !(rating >= 0 && rating <= 10)) return { problem: 'The rating is a number from 0 to 10.', field: form.rating };
    if (!/^\d{4}-\d{2}-\d{2}$/.test(form.releaseDate.value)) return { problem: 'Choose the release date.', field: form.releaseDate };
    return {
        body: {
            title, description: form.description.value.trim(), genres: list(form.genres.value), languages: list(form.languages.value),
            durationMinutes, rating, releaseDate: form.releaseDate.value, posterUrl: form.posterUrl.value || undefined, cityIds,
        },
        done: (m) => `Created ${m.title} (${m.id}). It is listed in a city once it has a show there.`,
    };
}

// MARK: screens and their layouts

function categoryLine(editor, name = '', price = '', rows = '') {
    const index = editor.querySelectorAll('.category').length;
    const id = `${editor.id}-cat-${index}-${Math.random().toString(36).slice(2, 7)}`;
    const line = h('div', { class: 'field-row category' },
        h('div', { class: 'field' }, h('label', { for: `${id}-n`, text: 'Category' }), h('input', { id: `${id}-n`, name: 'catName', value: name, maxlength: '40' })),
        h('div', { class: 'field' }, h('label', { for: `${id}-p`, text: 'Price (₹)' }), h('input', { id: `${id}-p`, name: 'catPrice', value: price, inputmode: 'decimal' })),
        h('div', { class: 'field' }, h('label', { for: `${id}-r`, text: 'Rows' }), h('input', { id: `${id}-r`, name: 'catRows', value: rows, placeholder: 'A-D' })),
        h('div', { class: 'field' }, h('span', { class: 'label', 'aria-hidden': 'true', text: '\u00a0' }),
            h('button', { type: 'button', class: 'btn btn-small btn-quiet', text: 'Remove', 'aria-label': 'Remove this category', on: { click: () => { line.remove(); preview(editor); } } })));
    editor.querySelector('.categories').append(line);
}

function addScreen() {
    state.screenCount += 1;
    const n = state.screenCount;
    const id = `screen-${n}`;
    const input = (label, name, attrs = {}) => h('div', { class: 'field' }, h('label', { for: `${id}-${name}`, text: label }), h('input', { id: `${id}-${name}`, name, ...attrs }));
    const editor = h('fieldset', { class: 'screen-editor', id },
        h('legend', { text: `Screen ${n}` }),
        h('div', { class: 'field-row' },
            input('Screen number', 'screenNumber', { type: 'number', min: '1', value: String(n) }),
            input('Name', 'screenName', { value: n === 1 ? 'Audi 1' : `Audi ${n}`, maxlength: '100' }),
            input('Rows (front to back)', 'rows', { value: 'A-J', placeholder: 'A-J' }),
            input('Seats per row', 'columns', { type: 'number', min: '1', max: '100', value: '16' })),
        h('div', { class: 'field-row' },
            input('Aisles after seat numbers', 'aisles', { value: '4, 12', placeholder: '4, 12' }),
            input('Blocked places (no seat)', 'blocked', { value: 'I1, I16, J1, J16', placeholder: 'A1, A16' })),
        h('div', { class: 'categories' }),
        h('p', {}, h('button', { type: 'button', class: 'btn btn-small', text: 'Add a category', on: { click: () => { categoryLine(editor); preview(editor); } } }),
            ' ', state.screenCount > 1 ? h('button', { type: 'button', class: 'btn btn-small btn-quiet', text: 'Remove this screen', on: { click: () => editor.remove() } }) : null),
        h('div', { class: 'layout-check form-message', role: 'status', 'aria-live': 'polite' }),
        h('div', { class: 'preview', inert: true, 'aria-hidden': 'true' }),
        h('p', { class: 'preview-facts' }));
    $('#screens').append(editor);
    categoryLine(editor, 'Silver', '150', 'A-D');
    categoryLine(editor, 'Gold', '250', 'E-H');
    categoryLine(editor, 'Recliner', '450', 'I-J');
    editor.addEventListener('input', () => preview(editor));
    preview(editor);
}

/** The layout an editor describes, or a problem with the field to fix. */
function layoutOf(editor) {
    const value = (name) => editor.querySelector(`[name="${name}"]`).value;
    const categories = [];
    for (const line of editor.querySelectorAll('.category')) {
        const name = line.querySelector('[name="catName"]').value.trim();
        const priceText = line.querySelector('[name="catPrice"]').value;
        const price = toMinor(priceText);
        if (price === null) return { problem: `The price of ${name || 'a category'} should be an amount in rupees, like 250 or 199.50.`, field: line.querySelector('[name="catPrice"]') };
        categories.push({ name, price, rows: parseRows(line.querySelector('[name="catRows"]').value) });
    }
    const columns = Number(value('columns'));
    const layout = {
        rows: parseRows(value('rows')),
        columns: Number.isInteger(columns) ? columns : NaN,
        aisles: numbers(value('aisles')),
        blocked: list(value('blocked').toUpperCase()),
        categories,
    };
    const problem = layoutProblem(layout);
    if (problem) {
        const fieldName = { rows: 'rows', columns: 'columns', aisles: 'aisles', blocked: 'blocked' }[problem.field];
        return { problem: `Layout ${problem.field}: ${problem.message}.`, field: fieldName ? editor.querySelector(`[name="${fieldName}"]`) : null, layout };
    }
    return { layout };
}

function preview(editor) {
    const check = editor.querySelector('.layout-check');
    const facts = editor.querySelector('.preview-facts');
    const box = editor.querySelector('.preview');
    for (const input of editor.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
    const { layout, problem, field } = layoutOf(editor);
    if (problem) {
        field?.setAttribute('aria-invalid', 'true');
        say(check, problem, 'error');
        facts.textContent = '';
        box.classList.add('stale');
        return;
    }
    say(check, '');
    box.classList.remove('stale');
    renderSeatMap(box, layout, { caption: 'Preview' });
    const seats = layoutSeats(layout);
    const byCategory = layout.categories.map((c) => `${c.name} ${seats.filter((s) => s.category === c.name).length} × ${money(c.price)}`);
    facts.textContent = `${seats.length} seats — ${byCategory.join(', ')}. Row ${layout.rows[0]} is nearest the screen.`;
}

function buildTheatre(form) {
    const name = form.name.value.trim();
    const address = form.address.value.trim();
    if (!name) return { problem: 'Give the theatre a name.', field: form.name };
    if (!form.cityId.value) return { problem: 'Choose a city (create one first).', field: form.cityId };
    if (!address) return { problem: 'Add the address.', field: form.address };
    const editors = $$('.screen-editor', form);
    if (!editors.length) return { problem: 'A theatre needs at least one screen.' };
    const screens = [];
    for (const editor of editors) {
        const { layout, problem, field } = layoutOf(editor);
        const legend = editor.querySelector('legend').textContent;
        if (problem) return { problem: `${legend}: ${problem}`, field };
        const screenNumber = Number(editor.querySelector('[name="screenNumber"]').value);
        if (!Number.isInteger(screenNumber) || screenNumber < 1) return { problem: `${legend}: the screen number is a whole number from 1.`, field: editor.querySelector('[name="screenNumber"]') };
        screens.push({ screenNumber, name: editor.querySelector('[name="screenName"]').value.trim() || `Screen ${screenNumber}`, layout });
    }
    if (new Set(screens.map((s) => s.screenNumber)).size !== screens.length) return { problem: 'Two screens have the same number.' };
    return {
        body: { name, cityId: form.cityId.value, address, amenities: list(form.amenities.value), screens },
        done: (t) => `Created ${t.name} with ${t.screens?.length ?? screens.length} screen(s) (${t.id}).`,
    };
}

function buildShow(form) {
    const theatre = state.theatres.find((t) => t.id === form.theatreId.value);
    if (!form.movieId.value) return { problem: 'Choose a movie.', field: form.movieId };
    if (!theatre) return { problem: 'Choose a theatre.', field: form.theatreId };
    if (!form.screenNumber.value) return { problem: 'Choose a screen.', field: form.screenNumber };
    if (!form.language.value) return { problem: 'Choose a language (the movie lists its languages).', field: form.language };
    const timeZone = state.cities.find((c) => c.id === theatre.cityId)?.timeZone || 'Asia/Kolkata';
    const startsAt = zonedToUTC(form.startsAt.value, timeZone);
    if (!startsAt) return { problem: 'Choose the date and time it starts.', field: form.startsAt };
    if (Date.parse(startsAt) <= Date.now()) return { problem: 'That time has already passed.', field: form.startsAt };
    return {
        body: { movieId: form.movieId.value, theatreId: theatre.id, screenNumber: Number(form.screenNumber.value), startsAt, language: form.language.value, format: form.format.value },
        done: (s) => `Created the show on ${localDate(s.showDate)} at ${clockTime(s.showTime)} (${s.id}). Its seat page: /seats.html?show=${s.id}`,
    };
}

// MARK: start

async function start() {
    const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : ['Asia/Kolkata', 'UTC'];
    replace($('#time-zones'), zones.map((z) => h('option', { value: z })));
    replace($('#movie-poster'), h('option', { value: '', text: 'No poster' }),
        Array.from({ length: 12 }, (_, i) => h('option', { value: `/posters/${i + 1}.svg`, text: `Poster ${i + 1}` })));
    $('#city-form').addEventListener('submit', (e) => { e.preventDefault(); submitWith(e.currentTarget, buildCity, post('/api/admin/cities')); });
    $('#movie-form').addEventListener('submit', (e) => { e.preventDefault(); submitWith(e.currentTarget, buildMovie, post('/api/admin/movies')); });
    $('#theatre-form').addEventListener('submit', (e) => { e.preventDefault(); submitWith(e.currentTarget, buildTheatre, post('/api/admin/theatres')); });
    $('#theatre-form').addEventListener('saved', () => {
        replace($('#screens'));
        state.screenCount = 0;
        addScreen();
    });
    $('#show-form').addEventListener('submit', (e) => { e.preventDefault(); submitWith(e.currentTarget, buildShow, post('/api/admin/shows')); });
    $('#show-form').addEventListener('saved', fillShowChoices);
    $('#show-theatre').addEventListener('change', fillShowChoices);
    $('#show-movie').addEventListener('change', fillShowChoices);
    $('#add-screen').addEventListener('click', addScreen);
    addScreen();
    try {
        state.user = await currentUser();
    } catch (error) {
        say($('#gate'), explain(error), 'error');
    }
    await gate();
}

start();
