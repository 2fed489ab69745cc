// Money, durations and dates as people read them. Money stays integer minor units until it becomes text.

const symbols = { INR: '₹', USD: '$', EUR: '€', GBP: '£' };
const grouping = new Intl.NumberFormat('en-IN');

/** 25000 → "₹250"; 25050 → "₹250.50". Integer arithmetic only. */
export function money(minor, currency = 'INR') {
    const value = Math.trunc(Number(minor) || 0);
    const sign = value < 0 ? '-' : '';
    const abs = Math.abs(value);
    const whole = Math.trunc(abs / 100);
    const fraction = abs % 100;
    const symbol = symbols[currency] ?? `${currency} `;
    return `${sign}${symbol}${grouping.format(whole)}${fraction ? '.' + String(fraction).padStart(2, '0') : ''}`;
}

/** 156 → "2h 36m". */
export function duration(minutes) {
    const m = Math.max(0, Math.trunc(Number(minutes) || 0));
    const hours = Math.trunc(m / 60);
    const rest = m % 60;
    return hours ? `${hours}h${rest ? ` ${rest}m` : ''}` : `${rest}m`;
}

const dayFormat = new Intl.DateTimeFormat('en-IN', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });

/** "2026-11-27" → "Fri, 27 Nov" (the date is already local to the show's city). */
export function localDate(ymd) {
    const [y, m, d] = String(ymd).split('-').map(Number);
    if (!y || !m || !d) return String(ymd);
    return dayFormat.format(new Date(Date.UTC(y, m - 1, d)));
}

/** Today's date (YYYY-MM-DD) in a time zone. */
export function todayIn(timeZone, now = new Date()) {
    try {
        return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
    } catch {
        return now.toISOString().slice(0, 10);
    }
}

/** The day after a YYYY-MM-DD date. */
export function nextDay(ymd) {
    const [y, m, d] = ymd.split('-').map(Number);
    return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/** "Today", "Tomorrow" or "Fri, 27 Nov". */
export function dayLabel(ymd, today) {
    if (ymd === today) return 'Today';
    if (today && ymd === nextDay(today)) return 'Tomorrow';
    return localDate(ymd);
}

/** "14:05" → "2:05 PM". */
export function clockTime(hhmm) {
    const [h, m] = String(hhmm).split(':').map(Number);
    if (Number.isNaN(h) || Number.isNaN(m)) return String(hhmm);
    const suffix = h < 12 ? 'AM' : 'PM';
    const hour = h % 12 === 0 ? 12 : h % 12;
    return `${hour}:${String(m).padStart(2, '0')} ${suffix}`;
}

/** Seconds as "4:07" (rounded: expiry times carry whole seconds). */
export function countdown(seconds) {
    const s = Math.max(0, Math.round(seconds));
    return `${Math.trunc(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** Offset (ms) of a time zone from UTC at an instant. */
function zoneOffset(instant, timeZone) {
    const parts = Object.fromEntries(
        new Intl.DateTimeFormat('en-US', {
            timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
        }).formatToParts(new Date(instant)).map((p) => [p.type, p.value]),
    );
    const asUTC = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour % 24, +parts.minute, +parts.second);
    return asUTC - Math.floor(instant / 1000) * 1000;
}

/** "2026-11-27T18:30" in `timeZone` → "2026-11-27T13:00:00Z". */
export function zonedToUTC(localDateTime, timeZone) {
    const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(localDateTime || '');
    if (!match) return null;
    const [, y, mo, d, h, mi] = match.map(Number);
    const guess = Date.UTC(y, mo - 1, d, h, mi);
    let instant = guess - zoneOffset(guess, timeZone);
    instant = guess - zoneOffset(instant, timeZone);
    return new Date(instant).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
