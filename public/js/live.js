// The live seat feed over `/ws`: subscriptions to shows (snapshot + deltas, resumed with `since`),
// watches of boards (availability), one socket, reconnecting on its own.
//
// Guarantees it relies on (API.md, "WebSocket"): after subscribe the first message is a snapshot, or
// with `since` the missed deltas in order; every later delta is exactly one version on; a snapshot may
// come at any time and replaces the map. A gap means we missed something: re-subscribe with `since`.

const PING_EVERY_MS = 25_000;
const SILENCE_LIMIT_MS = 65_000;
const RETRY_MIN_MS = 400;
const RETRY_MAX_MS = 10_000;

export function socketURL(path = '/ws') {
    return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path}`;
}

/**
 * Events (on `feed.events`): `state` ({detail: {state: 'connecting'|'open'|'reconnecting', attempt}}),
 * `error` ({detail: message from the server}).
 */
export class LiveFeed {
    constructor(url = socketURL()) {
        this.url = url;
        this.events = new EventTarget();
        this.shows = new Map(); // showId → { version, onSnapshot, onDelta }
        this.watches = new Map(); // key → { message, onAvailability }
        this.socket = null;
        this.state = 'idle';
        this.attempt = 0;
        this.retryTimer = null;
        this.pingTimer = null;
        this.lastHeard = 0;
        this.stopped = false;
        this.stats = { opened: 0, snapshots: 0, deltas: 0, gaps: 0, resubscribes: 0 };
        this.sent = [];
    }

    /**
     * Follows a show. `version` is the last version the caller already has (from REST), or null to start
     * from a snapshot. `onSnapshot({version, seats: {available, held, booked}})`, `onDelta({version, cause, changes})`.
     */
    subscribe(showId, { version = null, onSnapshot, onDelta }) {
        this.shows.set(showId, { version, onSnapshot, onDelta, awaitingReplay: 0 });
        this.sendSubscribe(showId);
        this.connect();
    }

    unsubscribe(showId) {
        if (this.shows.delete(showId)) this.send({ op: 'unsubscribe', show: showId });
    }

    /** The caller replaced its map from elsewhere (REST); deltas now continue from `version`. */
    resetVersion(showId, version) {
        const entry = this.shows.get(showId);
        if (entry) entry.version = version;
    }

    /** Follows a board: `target` is `{theatre}` or `{city}`, with an optional `date`. */
    watch(target, onAvailability) {
        const message = { op: 'watch', ...target };
        const key = JSON.stringify(message);
        if (this.watches.has(key)) return;
        this.watches.set(key, { message, onAvailability });
        this.send(message);
        this.connect();
    }

    unwatch(target) {
        const message = { op: 'watch', ...target };
        const key = JSON.stringify(message);
        if (this.watches.delete(key)) this.send({ ...message, op: 'unwatch' });
    }

    watchedTargets() {
        return Array.from(this.watches.values(), (w) => {
            const { op, ...target } = w.message;
            return target;
        });
    }

    connect() {
        if (this.stopped || this.socket || this.retryTimer) return;
        this.setState(this.attempt === 0 ? 'connecting' : 'reconnecting');
        let socket;
        try {
            socket = new WebSocket(this.url);
        } catch {
            this.scheduleRetry();
            return;
        }
        this.socket = socket;
        socket.addEventListener('open', () => {
            if (this.socket !== socket) return;
            this.attempt = 0;
            this.stats.opened += 1;
            this.lastHeard = Date.now();
            this.setState('open');
            for (const showId of this.shows.keys()) this.sendSubscribe(showId);
            for (const watch of this.watches.values()) this.send(watch.message);
            this.startPinging();
        });
        socket.addEventListener('message', (event) => {
            if (this.socket !== socket) return;
            this.lastHeard = Date.now();
            this.receive(event.data);
        });
        socket.addEventListener('close', () => this.dropped(socket));
        socket.addEventListener('error', () => {
            // A 'close' always follows; reconnecting is handled there.
        });
    }

    /** Stops for good (page leaving). */
    stop() {
        this.stopped = true;
        clearTimeout(this.retryTimer);
        clearInterval(this.pingTimer);
        this.socket?.close(1000);
        this.socket = null;
    }

    // MARK: Inside

    dropped(socket) {
        if (this.socket !== socket) return;
        this.socket = null;
        clearInterval(this.pingTimer);
        if (this.stopped) return;
        this.setState('reconnecting');
        this.scheduleRetry();
    }

    scheduleRetry() {
        this.attempt += 1;
        const base = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** Math.min(this.attempt - 1, 6));
        const delay = base / 2 + Math.random() * (base / 2);
        this.retryTimer = setTimeout(() => {
            this.retryTimer = null;
            this.connect();
        }, delay);
    }

    startPinging() {
        clearInterval(this.pingTimer);
        this.pingTimer = setInterval(() => {
            if (Date.now() - this.lastHeard > SILENCE_LIMIT_MS) {
                // Nothing heard (not even a pong): the connection is dead even if the browser has not noticed.
                this.socket?.close(4000, 'silent');
                return;
            }
            this.send({ op: 'ping' });
        }, PING_EVERY_MS);
    }

    setState(state) {
        if (this.state === state) return;
        this.state = state;
        this.events.dispatchEvent(new CustomEvent('state', { detail: { state, attempt: this.attempt } }));
    }

    send(message) {
        if (this.socket?.readyState !== WebSocket.OPEN) return;
        this.socket.send(JSON.stringify(message));
        if (message.op !== 'ping') {
            // The last few requests, for tests and for anyone debugging a resume.
            this.sent.push(message);
            if (this.sent.length > 20) this.sent.shift();
        }
    }

    sendSubscribe(showId) {
        const entry = this.shows.get(showId);
        if (!entry) return;
        const message = { op: 'subscribe', show: showId };
        if (Number.isInteger(entry.version)) message.since = entry.version;
        this.send(message);
    }

    receive(text) {
        let message;
        try {
            message = JSON.parse(text);
        } catch {
            return;
        }
        switch (message?.type) {
        case 'snapshot': return this.applySnapshot(message);
        case 'delta': return this.applyDelta(message);
        case 'availability': return this.applyAvailability(message);
        case 'error':
            this.events.dispatchEvent(new CustomEvent('error', { detail: message }));
            return;
        default:
            return; // pong, or a message type this page does not know yet
        }
    }

    applySnapshot(message) {
        const entry = this.shows.get(message.show);
        if (!entry || !Number.isInteger(message.version)) return;
        this.stats.snapshots += 1;
        entry.version = message.version;
        entry.awaitingReplay = 0;
        entry.onSnapshot?.({ version: message.version, seats: message.seats || {} });
    }

    applyDelta(message) {
        const entry = this.shows.get(message.show);
        if (!entry || !Number.isInteger(message.version)) return;
        if (!Number.isInteger(entry.version)) return; // no base yet: the snapshot is on its way
        if (message.version <= entry.version) return; // already applied (a replay overlapping what we had)
        if (message.version !== entry.version + 1) {
            // A gap: ask again from the last version we applied; the missed deltas (or a snapshot) follow.
            this.stats.gaps += 1;
            if (!entry.awaitingReplay || Date.now() - entry.awaitingReplay > 3000) {
                entry.awaitingReplay = Date.now();
                this.stats.resubscribes += 1;
                this.sendSubscribe(message.show);
            }
            return;
        }
        entry.awaitingReplay = 0;
        this.stats.deltas += 1;
        entry.version = message.version;
        entry.onDelta?.({ version: message.version, cause: message.cause, changes: message.changes || [] });
    }

    applyAvailability(message) {
        for (const watch of this.watches.values()) watch.onAvailability?.(message);
    }
}
