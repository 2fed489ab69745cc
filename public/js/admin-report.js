// The sales report on `/admin.html` (GET /api/admin/reports/sales?from=&to=): totals, three SVG charts
// (revenue by day, occupancy by theatre, top movies by revenue), each with a table of the same numbers, and a CSV
// of the whole report built here (a Blob behind an <a download>). Fields a server may not send yet (`occupancy`
// by day and movie, `totals.refunds`) are drawn as 0 and written as blanks.

import { h, replace, $, say } from './dom.js';
import { money, localDate, todayIn } from './format.js';
import { columnChart, barChart } from './charts.js';
import { state, adminGet, problemWords, table } from './admin-common.js';
import { ApiError } from './api.js';

let current = null;
let csvUrl = null;
let ticket = 0;

function addDays(ymd, days) {
    const [y, m, d] = ymd.split('-').map(Number);
    return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** 0.4231 → "42%"; 0.042 → "4.2%"; a tiny share → "<0.1%"; missing → "—". */
export function percent(share) {
    if (share === undefined || share === null || Number.isNaN(Number(share))) return '—';
    const value = Number(share) * 100;
    if (value === 0) return '0%';
    if (value < 0.1) return '<0.1%';
    return value < 10 ? `${value.toFixed(1)}%` : `${Math.round(value)}%`;
}

const shortDay = new Intl.DateTimeFormat('en-IN', { day: 'numeric', month: 'short', timeZone: 'UTC' });
const dayTick = (ymd) => shortDay.format(new Date(`${ymd}T00:00:00Z`));

/** Compact rupees for an axis: ₹0, ₹500, ₹2.5K, ₹1.2L, ₹3Cr (amounts in paise). */
function axisMoney(minor) {
    const rupees = minor / 100;
    if (rupees >= 1e7) return `₹${+(rupees / 1e7).toFixed(1)}Cr`;
    if (rupees >= 1e5) return `₹${+(rupees / 1e5).toFixed(1)}L`;
    if (rupees >= 1e3) return `₹${+(rupees / 1e3).toFixed(1)}K`;
    return `₹${+rupees.toFixed(rupees < 10 && rupees % 1 ? 2 : 0)}`;
}

// MARK: CSV

/** Paise as a plain decimal amount in rupees ("1234.50"), integers only. */
function csvAmount(minor) {
    if (minor === undefined || minor === null) return '';
    const value = Math.trunc(Number(minor) || 0);
    const abs = Math.abs(value);
    return `${value < 0 ? '-' : ''}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

const csvShare = (share) => (share === undefined || share === null ? '' : (Number(share) * 100).toFixed(2));

/** Text a spreadsheet would run as a formula (=, +, -, @) is defused with a leading quote mark. */
const text = (value) => (/^[=+\-@\t\r]/.test(String(value ?? '')) ? `'${value}` : String(value ?? ''));

/** A CSV cell, quoted when it must be. */
function cell(value) {
    const out = value === undefined || value === null ? '' : String(value);
    return /[",\r\n]/.test(out) ? `"${out.replaceAll('"', '""')}"` : out;
}

/** The whole report as one CSV file: a heading line per section, then its header row and rows; amounts in rupees. */
export function reportCsv(report) {
    const t = report.totals ?? {};
    const lines = [
        ['BoxOffice sales report'], ['from', report.from], ['to', report.to], ['currency', report.currency ?? 'INR'], [],
        ['Totals'], ['revenue', 'tickets', 'bookings', 'refunds'], [csvAmount(t.revenue ?? 0), t.tickets ?? 0, t.bookings ?? 0, csvAmount(t.refunds)], [],
        ['By day'], ['date', 'revenue', 'tickets', 'occupancy (%)'],
        ...[...(report.byDay ?? [])].sort((a, b) => a.date.localeCompare(b.date)).map((d) => [d.date, csvAmount(d.revenue), d.tickets, csvShare(d.occupancy)]), [],
        ['By movie'], ['movie id', 'title', 'revenue', 'tickets', 'occupancy (%)'],
        ...(report.byMovie ?? []).map((m) => [m.movieId, text(m.title), csvAmount(m.revenue), m.tickets, csvShare(m.occupancy)]), [],
        ['By theatre'], ['theatre id', 'name', 'revenue', 'tickets', 'occupancy (%)'],
        ...(report.byTheatre ?? []).map((r) => [r.theatreId, text(r.name), csvAmount(r.revenue), r.tickets, csvShare(r.occupancy)]),
    ];
    return lines.map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}

function offerCsv(report) {
    const link = $('#report-csv');
    if (csvUrl) URL.revokeObjectURL(csvUrl);
    csvUrl = null;
    if (!report) {
        link.hidden = true;
        link.removeAttribute('href');
        return;
    }
    const text = reportCsv(report);
    csvUrl = URL.createObjectURL(new Blob(['\ufeff', text], { type: 'text/csv;charset=utf-8' }));
    link.href = csvUrl;
    link.download = `boxoffice-sales-${report.from}-to-${report.to}.csv`;
    link.setAttribute('aria-label', `Download the report from ${report.from} to ${report.to} as CSV`);
    link.hidden = false;
    window.__boxoffice = { ...(window.__boxoffice || {}), salesCsv: text };
}

// MARK: drawing

function totalsList(report) {
    const t = report.totals ?? {};
    const item = (term, value, key) => h('div', {}, h('dt', { text: term }), h('dd', { dataset: { total: key }, text: value }));
    return h('dl', { class: 'report-totals' },
        item('Revenue', money(t.revenue ?? 0, report.currency), 'revenue'),
        item('Tickets', String(t.tickets ?? 0), 'tickets'),
        item('Bookings', String(t.bookings ?? 0), 'bookings'),
        item('Refunds', t.refunds === undefined || t.refunds === null ? '—' : money(t.refunds, report.currency), 'refunds'));
}

/** Every day from `from` to `to` (a day without sales is 0), or only the days given if the range is very long. */
function everyDay(report) {
    const given = new Map((report.byDay ?? []).map((d) => [d.date, d]));
    const days = [];
    if (/^\d{4}-\d{2}-\d{2}$/.test(report.from) && /^\d{4}-\d{2}-\d{2}$/.test(report.to)) {
        for (let day = report.from; day <= report.to && days.length <= 400; day = addDays(day, 1)) days.push(given.get(day) ?? { date: day, revenue: 0, tickets: 0 });
    }
    return days.length && days.length <= 400 ? days : [...given.values()].sort((a, b) => a.date.localeCompare(b.date));
}

function figure(id, title, note, chartBox, numbers) {
    return h('figure', { class: 'chart-box', id: `figure-${id}` },
        h('figcaption', {}, h('h3', { text: title }), note ? h('p', { class: 'small muted', text: note }) : null),
        h('div', { class: 'chart-body' }, chartBox, numbers));
}

function drawCharts() {
    if (!current) return;
    const report = current;
    const currency = report.currency ?? 'INR';
    const width = (box) => Math.max(260, Math.floor(box.clientWidth || 480));
    const days = everyDay(report);
    const dayBox = $('#report-body [data-chart-box="revenue-by-day"]');
    if (dayBox) {
        replace(dayBox, columnChart({
            chart: 'revenue-by-day',
            label: `Revenue by show day, ${localDate(report.from)} to ${localDate(report.to)}: ${days.filter((d) => d.revenue).length} days with sales, at most ${money(Math.max(0, ...days.map((d) => d.revenue)), currency)} a day.`,
            items: days.map((d) => ({ key: d.date, label: d.date, value: d.revenue ?? 0, title: `${localDate(d.date)}: ${money(d.revenue ?? 0, currency)}, ${d.tickets ?? 0} tickets` })),
            width: width(dayBox),
            height: 240,
            axis: axisMoney,
            tick: (item) => dayTick(item.key),
        }));
    }
    const theatreBox = $('#report-body [data-chart-box="occupancy-by-theatre"]');
    if (theatreBox) {
        const theatres = [...(report.byTheatre ?? [])].sort((a, b) => (b.occupancy ?? 0) - (a.occupancy ?? 0) || a.name.localeCompare(b.name));
        replace(theatreBox, barChart({
            chart: 'occupancy-by-theatre',
            label: `Occupancy by theatre (share of seats booked, 0 to 100%), ${theatres.length} theatres${theatres.length ? `; highest ${theatres[0].name} at ${percent(theatres[0].occupancy)}` : ''}.`,
            items: theatres.map((r) => ({ key: r.theatreId, label: r.name, value: Number(r.occupancy ?? 0), text: percent(r.occupancy), title: `${r.name}: ${percent(r.occupancy)} of seats booked, ${money(r.revenue, currency)}` })),
            width: width(theatreBox),
            max: 1,
        }));
    }
    const movieBox = $('#report-body [data-chart-box="top-movies"]');
    if (movieBox) {
        const movies = [...(report.byMovie ?? [])].sort((a, b) => b.revenue - a.revenue).slice(0, 10);
        replace(movieBox, barChart({
            chart: 'top-movies',
            label: `Top ${movies.length} movies by revenue${movies.length ? `; first ${movies[0].title} with ${money(movies[0].revenue, currency)}` : ''}.`,
            items: movies.map((m) => ({ key: m.movieId, label: m.title, value: m.revenue, text: axisMoney(m.revenue), title: `${m.title}: ${money(m.revenue, currency)}, ${m.tickets} tickets` })),
            width: width(movieBox),
        }));
    }
}

function render(report) {
    current = report;
    const body = $('#report-body');
    const currency = report.currency ?? 'INR';
    const byDay = [...(report.byDay ?? [])].sort((a, b) => a.date.localeCompare(b.date));
    const empty = !byDay.length && !(report.byMovie ?? []).length && !(report.byTheatre ?? []).length && !report.totals?.revenue && !report.totals?.tickets;
    body.dataset.from = report.from;
    body.dataset.to = report.to;
    if (empty) {
        current = null;
        offerCsv(null);
        replace(body, h('p', { class: 'empty', dataset: { empty: 'report' }, text: `No sales in this period (${localDate(report.from)} to ${localDate(report.to)}): no confirmed bookings for shows on those days.` }));
        return;
    }
    const chartBox = (name) => h('div', { class: 'chart-svg', dataset: { chartBox: name } });
    replace(body,
        totalsList(report),
        h('div', { class: 'report-figures' },
            figure('revenue-by-day', 'Revenue by day', 'By the show\'s local date; confirmed bookings less refunds.', chartBox('revenue-by-day'),
                table('Revenue by day (days with shows or sales)', [
                    ['Date', (d) => localDate(d.date)],
                    ['Revenue', (d) => money(d.revenue, currency), { numeric: true }],
                    ['Tickets', (d) => String(d.tickets ?? 0), { numeric: true }],
                    ['Occupancy', (d) => percent(d.occupancy), { numeric: true }],
                ], byDay)),
            figure('occupancy-by-theatre', 'Occupancy by theatre', 'Seats booked of the seats of active shows.', chartBox('occupancy-by-theatre'),
                table('Occupancy by theatre', [
                    ['Theatre', (r) => r.name],
                    ['Occupancy', (r) => percent(r.occupancy), { numeric: true }],
                    ['Revenue', (r) => money(r.revenue, currency), { numeric: true }],
                    ['Tickets', (r) => String(r.tickets ?? 0), { numeric: true }],
                ], [...(report.byTheatre ?? [])].sort((a, b) => (b.occupancy ?? 0) - (a.occupancy ?? 0)))),
            figure('top-movies', 'Top movies by revenue', 'The ten highest; the table lists every movie with sales.', chartBox('top-movies'),
                table('Movies by revenue', [
                    ['Movie', (m) => m.title],
                    ['Revenue', (m) => money(m.revenue, currency), { numeric: true }],
                    ['Tickets', (m) => String(m.tickets ?? 0), { numeric: true }],
                    ['Occupancy', (m) => percent(m.occupancy), { numeric: true }],
                ], [...(report.byMovie ?? [])].sort((a, b) => b.revenue - a.revenue)))));
    drawCharts();
    offerCsv(report);
}

function datesProblem(error, from, to) {
    if (error instanceof ApiError && error.status === 400) {
        if (/after/i.test(error.message)) return `The “From” date (${localDate(from)}) is after the “To” date (${localDate(to)}). Swap them and try again.`;
        return `Check the dates: ${error.message}.`;
    }
    return problemWords(error);
}

/** Loads the report for the dates in the form and draws it. */
export async function loadReport() {
    const form = $('#report-form');
    const message = $('#report-message');
    const from = form.from.value;
    const to = form.to.value;
    const mine = ++ticket;
    const params = new URLSearchParams();
    if (from) params.set('from', from);
    if (to) params.set('to', to);
    say(message, 'Loading the report…');
    let report;
    try {
        report = await adminGet(`/api/admin/reports/sales?${params}`);
    } catch (error) {
        if (mine !== ticket) return;
        current = null;
        offerCsv(null);
        replace($('#report-body'));
        say(message, datesProblem(error, from, to), 'error');
        form.from.setAttribute('aria-invalid', 'true');
        return;
    }
    if (mine !== ticket) return;
    form.from.removeAttribute('aria-invalid');
    say(message, '');
    render(report);
}

export function startReport() {
    const form = $('#report-form');
    const zone = state.cities.find((c) => c.isActive !== false)?.timeZone || Intl.DateTimeFormat().resolvedOptions().timeZone || 'Asia/Kolkata';
    const today = todayIn(zone);
    if (!form.from.value) form.from.value = addDays(today, -30);
    if (!form.to.value) form.to.value = addDays(today, 7);
    form.addEventListener('submit', (event) => {
        event.preventDefault();
        loadReport();
    });
    let pending = null;
    let lastWidth = window.innerWidth;
    window.addEventListener('resize', () => {
        if (Math.abs(window.innerWidth - lastWidth) < 8) return;
        lastWidth = window.innerWidth;
        clearTimeout(pending);
        pending = setTimeout(drawCharts, 150);
    });
}
