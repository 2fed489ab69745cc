// Cities, movies and theatres on `/admin.html`: every one listed (active or not, inactive ones marked), created
// and edited in one form each, deactivated and activated again.

import { h, replace, $, $$ } from './dom.js';
import { duration, localDate } from './format.js';
import { layoutSeats } from './layout.js';
import {
    state, events, list, cityOf, isActive, adminAll, adminSend, itemRow, editButton, toggleButton, setActive, editableForm, placeholder,
} from './admin-common.js';
import { resetScreens, addScreen, screensOf } from './admin-layout.js';

const forms = {};

/** Reloads cities, movies and theatres from the admin lists and redraws them; other sections follow `catalog`. */
export async function loadCatalog() {
    [state.cities, state.movies, state.theatres] = await Promise.all([
        adminAll('/api/admin/cities'), adminAll('/api/admin/movies'), adminAll('/api/admin/theatres')]);
    renderCities();
    renderMovies();
    renderTheatres();
    fillCityChoices();
    events.dispatchEvent(new Event('catalog'));
}

const cityLabel = (c) => (isActive(c) ? c.name : `${c.name} (inactive)`);

function fillCityChoices() {
    const boxes = $('#movie-cities');
    const checked = new Set($$('input[name="cityIds"]:checked', boxes).map((i) => i.value));
    replace(boxes, state.cities.map((c) => h('label', {}, h('input', { type: 'checkbox', name: 'cityIds', value: c.id, props: { checked: checked.has(c.id) } }), cityLabel(c))));
    const select = $('#theatre-city');
    const keep = select.value;
    replace(select, state.cities.map((c) => h('option', { value: c.id, text: cityLabel(c) })));
    if (keep && state.cities.some((c) => c.id === keep)) select.value = keep;
}

function section(id) {
    return $(`#${id} > .list-message`);
}

// MARK: cities

function renderCities() {
    const target = $('#city-list');
    if (!state.cities.length) return placeholder(target, 'No cities yet.');
    replace(target, state.cities.map((city) => itemRow({
        kind: 'city',
        item: city,
        title: city.name,
        facts: [city.state, city.timeZone],
        actions: [
            editButton(city.name, (e) => forms.city.edit(city, e.currentTarget)),
            toggleButton(city, city.name, (active) => setActive(`/api/admin/cities/${encodeURIComponent(city.id)}`, city.name, active, section('cities'), loadCatalog)),
        ],
    })));
}

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
    return { body: { name, state: stateName, timeZone } };
}

// MARK: movies

function renderMovies() {
    const target = $('#movie-list');
    if (!state.movies.length) return placeholder(target, 'No movies yet.');
    replace(target, state.movies.map((movie) => {
        const cities = (movie.cityIds || []).map((id) => cityOf(id)?.name ?? id);
        return itemRow({
            kind: 'movie',
            item: movie,
            title: movie.title,
            facts: [(movie.genres || []).join(', '), (movie.languages || []).join(', '), duration(movie.durationMinutes), `★ ${Number(movie.rating).toFixed(1)}`,
                movie.releaseDate ? `released ${localDate(movie.releaseDate)}` : null,
                cities.length ? `plays in ${cities.join(', ')}` : 'plays in no city yet: it cannot be scheduled'],
            actions: [
                editButton(movie.title, (e) => forms.movie.edit(movie, e.currentTarget)),
                toggleButton(movie, movie.title, (active) => setActive(`/api/admin/movies/${encodeURIComponent(movie.id)}`, movie.title, active, section('movies'), loadCatalog)),
            ],
        });
    }));
}

function buildMovie(form) {
    const title = form.title.value.trim();
    const durationMinutes = Number(form.durationMinutes.value);
    const rating = Number(form.rating.value);
    const cityIds = $$('input[name="cityIds"]:checked', form).map((i) => i.value).sort();
    if (!title) return { problem: 'Give the movie a title.', field: form.title };
    if (!list(form.genres.value).length) return { problem: 'Name at least one genre.', field: form.genres };
    if (!list(form.languages.value).length) return { problem: 'Name at least one language.', field: form.languages };
    if (!Number.isInteger(durationMinutes) || durationMinutes < 1) return { problem: 'The duration is a whole number of minutes.', field: form.durationMinutes };
    if (form.rating.value === '' || !(rating >= 0 && rating <= 10)) return { problem: 'The rating is a number from 0 to 10.', field: form.rating };
    if (!/^\d{4}-\d{2}-\d{2}$/.test(form.releaseDate.value)) return { problem: 'Choose the release date.', field: form.releaseDate };
    if (!cityIds.length) return { problem: 'Choose at least one city it plays in: a movie can only be scheduled in its cities.', field: $('#movie-cities input') };
    return {
        body: {
            title, description: form.description.value.trim(), genres: list(form.genres.value), languages: list(form.languages.value),
            durationMinutes, rating, releaseDate: form.releaseDate.value, posterUrl: form.posterUrl.value || null, cityIds,
        },
    };
}

function fillMovie(movie) {
    const form = $('#movie-form');
    form.title.value = movie.title ?? '';
    form.description.value = movie.description ?? '';
    form.genres.value = (movie.genres || []).join(', ');
    form.languages.value = (movie.languages || []).join(', ');
    form.durationMinutes.value = movie.durationMinutes ?? '';
    form.rating.value = movie.rating ?? '';
    form.releaseDate.value = movie.releaseDate ?? '';
    const poster = form.posterUrl;
    if (movie.posterUrl && !Array.from(poster.options).some((o) => o.value === movie.posterUrl)) poster.append(h('option', { value: movie.posterUrl, text: movie.posterUrl }));
    poster.value = movie.posterUrl || '';
    for (const box of $$('input[name="cityIds"]', form)) box.checked = (movie.cityIds || []).includes(box.value);
}

const cityNames = (ids) => (ids || []).map((id) => cityOf(id)?.name ?? id).join(', ');

// MARK: theatres

function renderTheatres() {
    const target = $('#theatre-list');
    if (!state.theatres.length) return placeholder(target, 'No theatres yet.');
    replace(target, state.theatres.map((theatre) => {
        const screens = theatre.screens || [];
        const seats = screens.reduce((sum, s) => sum + (s.totalSeats ?? layoutSeats(s.layout).length), 0);
        return itemRow({
            kind: 'theatre',
            item: theatre,
            title: theatre.name,
            facts: [cityOf(theatre.cityId)?.name, theatre.address, `${screens.length} screen${screens.length === 1 ? '' : 's'} (${seats} seats)`,
                (theatre.amenities || []).join(', ')],
            actions: [
                editButton(theatre.name, (e) => forms.theatre.edit(theatre, e.currentTarget)),
                toggleButton(theatre, theatre.name, (active) => setActive(`/api/admin/theatres/${encodeURIComponent(theatre.id)}`, theatre.name, active, section('theatres'), loadCatalog)),
            ],
        });
    }));
}

function buildTheatre(form) {
    const name = form.name.value.trim();
    const address = form.address.value.trim();
    if (!name) return { problem: 'Give the theatre a name.', field: form.name };
    if (!form.cityId.value) return { problem: 'Choose a city (create one first).', field: form.cityId };
    if (!address) return { problem: 'Add the address.', field: form.address };
    const { screens, problem, field } = screensOf(form);
    if (problem) return { problem, field };
    return { body: { name, cityId: form.cityId.value, address, amenities: list(form.amenities.value), screens } };
}

function fillTheatre(theatre) {
    const form = $('#theatre-form');
    form.name.value = theatre.name ?? '';
    form.cityId.value = theatre.cityId;
    form.address.value = theatre.address ?? '';
    form.amenities.value = (theatre.amenities || []).join(', ');
    resetScreens([...(theatre.screens || [])].sort((a, b) => a.screenNumber - b.screenNumber));
}

// MARK: start

const patch = (kind) => (item, changes) => adminSend('PATCH', `/api/admin/${kind}/${encodeURIComponent(item.id)}`, changes);
const post = (kind) => (body) => adminSend('POST', `/api/admin/${kind}`, body);
const changedNames = (changes) => Object.keys(changes).join(', ');

export function startCatalog() {
    const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : ['Asia/Kolkata', 'UTC'];
    replace($('#time-zones'), zones.map((z) => h('option', { value: z })));
    replace($('#movie-poster'), h('option', { value: '', text: 'No poster' }),
        Array.from({ length: 12 }, (_, i) => h('option', { value: `/posters/${i + 1}.svg`, text: `Poster ${i + 1}` })));
    forms.city = editableForm($('#city-form'), {
        noun: 'city',
        nameOf: (c) => c.name,
        build: buildCity,
        create: post('cities'),
        update: patch('cities'),
        fill: (c) => { const f = $('#city-form'); f.name.value = c.name; f.state.value = c.state; f.timeZone.value = c.timeZone; },
        createdText: (c) => `Created ${c.name} (${c.id}).`,
        updatedText: (c, changes) => `Saved ${c.name}: ${changedNames(changes)} changed.`,
        saved: loadCatalog,
    });
    forms.movie = editableForm($('#movie-form'), {
        noun: 'movie',
        nameOf: (m) => m.title,
        build: buildMovie,
        create: post('movies'),
        update: patch('movies'),
        fill: fillMovie,
        createdText: (m) => `Created ${m.title} (${m.id}), playing in ${cityNames(m.cityIds)}. Schedule it under Shows with a theatre in one of those cities.`,
        updatedText: (m, changes) => `Saved ${m.title}: ${changedNames(changes)} changed.`,
        saved: loadCatalog,
    });
    forms.theatre = editableForm($('#theatre-form'), {
        noun: 'theatre',
        nameOf: (t) => t.name,
        build: buildTheatre,
        create: post('theatres'),
        update: patch('theatres'),
        fill: fillTheatre,
        clear: () => resetScreens(),
        createdText: (t) => `Created ${t.name} with ${t.screens?.length ?? 0} screen(s) (${t.id}).`,
        updatedText: (t, changes) => `Saved ${t.name}: ${changedNames(changes)} changed.`,
        saved: loadCatalog,
    });
    $('#add-screen').addEventListener('click', () => addScreen());
    resetScreens();
}
