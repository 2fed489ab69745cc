// Shows on `/admin.html`: the form that schedules (and edits) a show in the theatre's local time, and a day's
// schedule of one theatre with Edit and Deactivate (which asks first: holds are released, bookings refunded).

import { h, replace, $ } from './dom.js';
import { zonedToUTC, clockTime, localDate, todayIn, nextDay } from './format.js';
import { layoutSeats } from './layout.js';
import {
    state, events, cityOf, movieOf, theatreOf, zoneOfTheatre, isActive, adminAll, adminSend, itemRow, editButton, toggleButton,
    setActive, editableForm, placeholder,
} from './admin-common.js';

let form = null;
let scheduleTicket = 0;

const theatreLabel = (t) => `${t.name} (${cityOf(t.cityId)?.name ?? '?'})${isActive(t) ? '' : ' — inactive'}`;

/** Refills the theatre, movie, screen and language choices from the catalog, keeping what was chosen. */
function fillChoices() {
    const theatreSelect = $('#show-theatre');
    const editing = form?.editing;
    const keepTheatre = theatreSelect.value;
    const theatres = state.theatres.filter((t) => isActive(t) || t.id === editing?.theatreId);
    replace(theatreSelect, theatres.map((t) => h('option', { value: t.id, text: theatreLabel(t) })));
    if (keepTheatre && theatres.some((t) => t.id === keepTheatre)) theatreSelect.value = keepTheatre;
    fillMovies();
    fillScreens();

    const scheduleSelect = $('#schedule-theatre');
    const keepSchedule = scheduleSelect.value;
    replace(scheduleSelect, state.theatres.map((t) => h('option', { value: t.id, text: theatreLabel(t) })));
    if (keepSchedule && state.theatres.some((t) => t.id === keepSchedule)) scheduleSelect.value = keepSchedule;
    if (!$('#schedule-date').value && scheduleSelect.value) $('#schedule-date').value = todayIn(zoneOfTheatre(theatreOf(scheduleSelect.value)));
}

/**
 * Every active movie (GET /api/admin/movies, scheduled or not), those that play in the theatre's city first; the
 * others are listed but cannot be chosen, with words on how to make them schedulable there.
 */
function fillMovies() {
    const select = $('#show-movie');
    const hint = $('#show-movie-hint');
    const theatre = theatreOf($('#show-theatre').value);
    const city = cityOf(theatre?.cityId);
    const editing = form?.editing;
    const keep = select.value;
    const movies = state.movies.filter((m) => isActive(m) || m.id === editing?.movieId);
    const option = (m, disabled = false) => h('option', { value: m.id, text: m.title, disabled });
    if (!theatre) {
        replace(select, movies.map((m) => option(m)));
        hint.textContent = 'Choose a theatre: a movie can be scheduled only in the cities it plays in.';
    } else {
        const here = movies.filter((m) => (m.cityIds || []).includes(theatre.cityId) || m.id === editing?.movieId);
        const elsewhere = movies.filter((m) => !here.includes(m));
        replace(select,
            here.length ? h('optgroup', { label: `Playing in ${city?.name ?? 'this city'}` }, here.map((m) => option(m))) : null,
            elsewhere.length ? h('optgroup', { label: `Not offered in ${city?.name ?? 'this city'}` }, elsewhere.map((m) => option(m, true))) : null);
        hint.textContent = here.length
            ? `A movie can be scheduled only in the cities it plays in.${elsewhere.length ? ` ${elsewhere.length} other movie${elsewhere.length === 1 ? ' is' : 's are'} not offered in ${city?.name}: add the city to a movie's “Playing in” under Movies to schedule it here.` : ''}`
            : `No active movie plays in ${city?.name ?? 'this city'} yet. Add the city to a movie's “Playing in” under Movies first.`;
    }
    const usable = Array.from(select.options).filter((o) => !o.disabled);
    select.value = usable.some((o) => o.value === keep) ? keep : (usable[0]?.value ?? '');
    fillLanguages();
}

function fillScreens() {
    const theatre = theatreOf($('#show-theatre').value);
    const select = $('#show-screen');
    const keep = select.value;
    replace(select, (theatre?.screens ?? []).map((s) => h('option', { value: String(s.screenNumber), text: `${s.screenNumber} · ${s.name} (${s.totalSeats ?? layoutSeats(s.layout).length} seats)` })));
    if (keep && Array.from(select.options).some((o) => o.value === keep)) select.value = keep;
}

function fillLanguages() {
    const movie = movieOf($('#show-movie').value);
    const select = $('#show-language');
    const keep = select.value;
    replace(select, (movie?.languages ?? []).map((l) => h('option', { value: l, text: l })));
    if (keep && Array.from(select.options).some((o) => o.value === keep)) select.value = keep;
}

function buildShow(f, { editing, baseline }) {
    const theatre = theatreOf(f.theatreId.value);
    if (!f.movieId.value) return { problem: 'Choose a movie (one that plays in the theatre\'s city).', field: f.movieId };
    if (!theatre) return { problem: 'Choose a theatre.', field: f.theatreId };
    if (!f.screenNumber.value) return { problem: 'Choose a screen.', field: f.screenNumber };
    if (!f.language.value) return { problem: 'Choose a language (the movie lists its languages).', field: f.language };
    const startsAt = zonedToUTC(f.startsAt.value, zoneOfTheatre(theatre));
    if (!startsAt) return { problem: 'Choose the date and time it starts.', field: f.startsAt };
    if (!baseline && Date.parse(startsAt) <= Date.now()) return { problem: 'That time has already passed.', field: f.startsAt };
    if (editing) return { body: { startsAt, language: f.language.value, format: f.format.value } };
    return { body: { movieId: f.movieId.value, theatreId: theatre.id, screenNumber: Number(f.screenNumber.value), startsAt, language: f.language.value, format: f.format.value } };
}

function fillShow(show) {
    const f = $('#show-form');
    fillChoices();
    f.theatreId.value = show.theatreId;
    fillMovies();
    fillScreens();
    f.movieId.value = show.movieId;
    fillLanguages();
    f.screenNumber.value = String(show.screenNumber);
    f.language.value = show.language;
    if (!Array.from(f.format.options).some((o) => o.value === show.format)) f.format.append(h('option', { text: show.format }));
    f.format.value = show.format;
    f.startsAt.value = `${show.showDate}T${show.showTime}`;
    for (const select of [f.theatreId, f.movieId, f.screenNumber]) select.disabled = true;
}

function clearShow() {
    const f = $('#show-form');
    for (const select of [f.theatreId, f.movieId, f.screenNumber]) select.disabled = false;
    fillChoices();
}

// MARK: a day's schedule

/** Shows GET /api/admin/shows?theatre=&date= (active or not), by start time. */
export async function loadSchedule() {
    const theatreId = $('#schedule-theatre').value;
    const date = $('#schedule-date').value;
    const target = $('#schedule-list');
    const message = $('#schedule-message');
    message.hidden = true;
    if (!theatreId || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return placeholder(target, 'Choose a theatre and a date.');
    const ticket = ++scheduleTicket;
    target.setAttribute('aria-busy', 'true');
    let shows;
    try {
        shows = await adminAll('/api/admin/shows', { theatre: theatreId, date });
    } catch (error) {
        if (ticket === scheduleTicket) placeholder(target, `Could not load the schedule: ${error.message}`);
        return;
    } finally {
        if (ticket === scheduleTicket) target.removeAttribute('aria-busy');
    }
    if (ticket !== scheduleTicket) return;
    const theatre = theatreOf(theatreId);
    target.dataset.theatre = theatreId;
    target.dataset.date = date;
    if (!shows.length) return placeholder(target, `No shows at ${theatre?.name ?? 'this theatre'} on ${localDate(date)}.`);
    shows.sort((a, b) => a.startsAt.localeCompare(b.startsAt) || a.screenNumber - b.screenNumber);
    replace(target, shows.map((show) => showRow(show, theatre)));
}

function showRow(show, theatre) {
    const movie = movieOf(show.movieId);
    const title = movie?.title ?? show.movieId;
    const screen = theatre?.screens?.find((s) => s.screenNumber === show.screenNumber);
    const a = show.availability ?? {};
    const name = `the ${clockTime(show.showTime)} show of ${title}`;
    const row = itemRow({
        kind: 'show',
        item: show,
        title: `${clockTime(show.showTime)} · ${title}`,
        facts: [`Screen ${show.screenNumber}${screen ? ` (${screen.name})` : ''}`, `${show.language} ${show.format}`,
            `${a.available ?? '?'} of ${a.total ?? '?'} seats free`, `${a.booked ?? 0} booked`, `${a.held ?? 0} held`],
        actions: [
            h('a', { class: 'btn btn-small btn-quiet', href: `/seats.html?show=${encodeURIComponent(show.id)}`, text: 'Seats', 'aria-label': `Seat map of ${name}` }),
            editButton(name, (e) => form.edit(show, e.currentTarget)),
            toggleButton(show, name, (active) => setActive(`/api/admin/shows/${encodeURIComponent(show.id)}`, `The ${clockTime(show.showTime)} show`, active, $('#schedule-message'), loadSchedule), {
                question: deactivateQuestion(show, name, a),
                yes: 'Deactivate, release and refund',
            }),
        ],
    });
    row.dataset.movie = show.movieId;
    row.dataset.startsAt = show.startsAt;
    return row;
}

/** What deactivating does to this show, in words: the server releases its holds and cancels and refunds its bookings. */
function deactivateQuestion(show, name, a) {
    const held = a.held ?? 0;
    const booked = a.booked ?? 0;
    const what = [
        held ? `its holds on ${held} seat${held === 1 ? '' : 's'} are released` : 'any holds on its seats are released',
        booked ? `its confirmed bookings (${booked} seat${booked === 1 ? '' : 's'}) are cancelled and refunded` : 'any confirmed bookings are cancelled and refunded',
    ];
    return `Deactivate ${name} on ${localDate(show.showDate)}? It goes off sale at once: ${what.join(', and ')}. Activating it again later does not bring those bookings back.`;
}

function stepDay(days) {
    const input = $('#schedule-date');
    const today = input.value || todayIn(zoneOfTheatre(theatreOf($('#schedule-theatre').value)));
    if (days > 0) input.value = nextDay(today);
    else {
        const [y, m, d] = today.split('-').map(Number);
        input.value = new Date(Date.UTC(y, m - 1, d - 1)).toISOString().slice(0, 10);
    }
    loadSchedule();
}

/** Points the schedule at a show's theatre and day and reloads it. */
async function showInSchedule(show) {
    $('#schedule-theatre').value = show.theatreId;
    $('#schedule-date').value = show.showDate;
    await loadSchedule();
    const row = $(`#schedule-list [data-id="${CSS.escape(show.id)}"]`);
    row?.classList.add('just-saved');
}

// MARK: start

export function startShows() {
    form = editableForm($('#show-form'), {
        noun: 'show',
        nameOf: (s) => `${movieOf(s.movieId)?.title ?? s.movieId}, ${localDate(s.showDate)} ${clockTime(s.showTime)}`,
        build: buildShow,
        create: (body) => adminSend('POST', '/api/admin/shows', body),
        update: (show, changes) => adminSend('PATCH', `/api/admin/shows/${encodeURIComponent(show.id)}`, changes),
        fill: fillShow,
        clear: clearShow,
        createdText: (s) => `Created the show on ${localDate(s.showDate)} at ${clockTime(s.showTime)} (${s.id}). Its seat page: /seats.html?show=${s.id}`,
        updatedText: (s) => `Saved: the show is now on ${localDate(s.showDate)} at ${clockTime(s.showTime)} (${s.language} ${s.format}).`,
        saved: (show) => showInSchedule(show),
    });
    $('#show-theatre').addEventListener('change', () => { fillMovies(); fillScreens(); });
    $('#show-movie').addEventListener('change', fillLanguages);
    $('#schedule-theatre').addEventListener('change', loadSchedule);
    $('#schedule-date').addEventListener('change', loadSchedule);
    $('#schedule-prev').addEventListener('click', () => stepDay(-1));
    $('#schedule-next').addEventListener('click', () => stepDay(1));
    events.addEventListener('catalog', () => {
        if (!form.editing) fillChoices();
        loadSchedule();
    });
}
