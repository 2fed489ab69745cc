// The REST contract from the browser: JSON in and out, the JWT from localStorage, errors as ApiError.

import { randomKey } from './dom.js';

const TOKEN_KEY = 'boxoffice.token';

export function getToken() {
    try {
        return localStorage.getItem(TOKEN_KEY);
    } catch {
        return null;
    }
}

export function setToken(token) {
    try {
        if (token) localStorage.setItem(TOKEN_KEY, token);
        else localStorage.removeItem(TOKEN_KEY);
    } catch {
        // Storage may be off (private mode); the session then lasts as long as the page.
    }
    window.dispatchEvent(new CustomEvent('boxoffice:auth', { detail: { signedIn: Boolean(token) } }));
}

/** A failed call in the contract's words: `status`, `code`, `message`, `details`. */
export class ApiError extends Error {
    constructor(status, code, message, details = {}) {
        super(message);
        this.name = 'ApiError';
        this.status = status;
        this.code = code;
        this.details = details || {};
    }
}

/** Waits before retrying a write whose answer was lost: a dropped connection, not the server's refusal. */
const RETRY_DELAYS_MS = [400, 1200];

/**
 * Calls the API. `auth: true` sends the token (and fails early without one);
 * `idempotent: true` adds a fresh `Idempotency-Key` unless `idempotencyKey` is given — one key for this user action,
 * so when the connection drops before the answer arrives the call is sent again with the same key (the server then
 * answers what it did the first time, and never books twice).
 */
export async function api(path, options = {}) {
    const key = options.idempotencyKey || (options.idempotent ? randomKey() : undefined);
    for (let attempt = 0; ; attempt += 1) {
        try {
            return await send(path, { ...options, idempotencyKey: key });
        } catch (error) {
            const lost = error instanceof ApiError && error.code === 'network';
            if (!key || !lost || attempt >= RETRY_DELAYS_MS.length) throw error;
            await new Promise((resolve) => setTimeout(resolve, RETRY_DELAYS_MS[attempt]));
        }
    }
}

async function send(path, { method = 'GET', body, auth = false, idempotencyKey, signal } = {}) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (auth) {
        const token = getToken();
        if (!token) throw new ApiError(401, 'unauthorized', 'Please log in first.');
        headers.Authorization = `Bearer ${token}`;
    }
    if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
    let response;
    try {
        response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal, cache: 'no-store' });
    } catch (error) {
        if (error?.name === 'AbortError') throw error;
        throw new ApiError(0, 'network', 'Cannot reach the box office. Check your connection and try again.');
    }
    noteServerClock(response);
    let data = null;
    const text = await response.text();
    if (text) {
        try {
            data = JSON.parse(text);
        } catch {
            data = null;
        }
    }
    if (!response.ok) {
        const error = data?.error;
        if (response.status === 401 && auth) setToken(null);
        throw new ApiError(response.status, error?.code || `http_${response.status}`, error?.message || `The server answered ${response.status}.`, error?.details);
    }
    return data;
}

let clockOffset = 0;

function noteServerClock(response) {
    const date = Date.parse(response.headers.get('Date') || '');
    if (Number.isFinite(date)) clockOffset = date - Date.now();
}

/** The server's idea of now (ms), from the `Date` header of the last answer; to the second, enough for a countdown. */
export function serverNow() {
    return Date.now() + (Math.abs(clockOffset) > 1500 ? clockOffset : 0);
}

/** Every item of a list, following `nextCursor` (at most `maxPages` pages of 200). */
export async function listAll(path, params = {}, { maxPages = 10, auth = false } = {}) {
    const items = [];
    let cursor = null;
    for (let page = 0; page < maxPages; page++) {
        const query = new URLSearchParams({ ...params, limit: '200' });
        if (cursor) query.set('cursor', cursor);
        const data = await api(`${path}?${query}`, { auth });
        items.push(...(data?.items ?? []));
        cursor = data?.nextCursor;
        if (!cursor) break;
    }
    return items;
}

/** Caches one lookup per id (movies, theatres) for the life of the page. */
export function cachedLookup(pathFor) {
    const cache = new Map();
    const lookup = (id) => {
        if (!cache.has(id)) {
            const promise = api(pathFor(id)).catch((error) => {
                cache.delete(id);
                throw error;
            });
            cache.set(id, promise);
        }
        return cache.get(id);
    };
    lookup.prime = (id, value) => cache.set(id, Promise.resolve(value));
    return lookup;
}

export const movieById = cachedLookup((id) => `/api/movies/${encodeURIComponent(id)}`);
export const theatreById = cachedLookup((id) => `/api/theatres/${encodeURIComponent(id)}`);

/** The signed-in user, or null (a bad or expired token is forgotten). */
export async function currentUser() {
    if (!getToken()) return null;
    try {
        const data = await api('/api/auth/profile', { auth: true });
        return data?.user ?? null;
    } catch (error) {
        if (error.status === 401) return null;
        throw error;
    }
}

/** Words for a failure a person can act on. */
export function explain(error) {
    if (!(error instanceof ApiError)) return 'Something went wrong. Please try again.';
    switch (error.code) {
    case 'seat_unavailable': {
        const seats = error.details?.seats;
        return Array.isArray(seats) && seats.length
            ? `Sorry — ${seats.join(', ')} ${seats.length === 1 ? 'was' : 'were'} just taken. Pick other seats.`
            : 'Some of those seats were just taken. Pick other seats.';
    }
    case 'too_many_seats': return 'You can book at most 10 seats at a time.';
    case 'show_closed': return 'This show has started or is no longer on sale.';
    case 'hold_expired': return 'Your hold expired before payment, so no money was taken. Choose your seats again.';
    case 'card_declined': return 'Your card was declined. No money was taken — try another card or method.';
    case 'insufficient_funds': return 'The card has insufficient funds. No money was taken — try another card or method.';
    case 'unauthorized':
    case 'invalid_token': return 'Please log in to continue.';
    case 'invalid_credentials': return 'That email and password do not match.';
    case 'email_taken': return 'An account with that email already exists. Log in instead.';
    case 'rate_limited':
    case 'too_many_requests': return 'Too many attempts. Please wait a little and try again.';
    default: return error.message || 'Something went wrong. Please try again.';
    }
}
