// Small SVG charts drawn by hand (no library): vertical columns over time and horizontal bars by name. Each chart
// is an <svg role="img"> with a <title> and an aria-label; the numbers themselves belong in a table beside it.
// Every mark carries `data-key` and `data-value` so a test (or a person with dev tools) can read what was drawn.

const NS = 'http://www.w3.org/2000/svg';

/** An SVG element; `text` becomes its text content, other attributes are set as they are. */
function s(tag, attrs = {}, ...children) {
    const node = document.createElementNS(NS, tag);
    for (const [key, value] of Object.entries(attrs)) {
        if (value === undefined || value === null || value === false) continue;
        if (key === 'text') node.textContent = String(value);
        else if (key === 'dataset') for (const [k, v] of Object.entries(value)) node.dataset[k] = String(v);
        else node.setAttribute(key, String(value));
    }
    for (const child of children.flat()) if (child) node.append(child);
    return node;
}

/** 1, 2, 2.5 or 5 times a power of ten at or above `value`, so the axis reads in round numbers. */
export function niceCeiling(value) {
    if (!(value > 0)) return 1;
    const power = 10 ** Math.floor(Math.log10(value));
    for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= value) return step * power;
    return 10 * power;
}

const round = (n) => Math.round(n * 10) / 10;

function frame(chart, label, width, height) {
    return s('svg', {
        class: 'chart', role: 'img', 'aria-label': label, viewBox: `0 0 ${width} ${height}`, width, height,
        dataset: { chart }, preserveAspectRatio: 'xMinYMin meet',
    }, s('title', { text: label }));
}

/**
 * Columns: `items` are { key, label, value, title } in order (e.g. one per day). `axis(value)` writes a value on the
 * y axis; `tick(item)` the short label under a column. Zero values draw a column of no height (still a mark).
 */
export function columnChart({ chart, label, items, width = 640, height = 240, axis = String, tick = (i) => i.label }) {
    const margin = { top: 12, right: 8, bottom: 30, left: 64 };
    const plotW = Math.max(40, width - margin.left - margin.right);
    const plotH = height - margin.top - margin.bottom;
    const top = 4 * niceCeiling(Math.max(0, ...items.map((i) => i.value)) / 4);
    const svg = frame(chart, label, width, height);
    const grid = s('g', { class: 'grid' });
    for (let step = 0; step <= 4; step++) {
        const value = (top * step) / 4;
        const y = round(margin.top + plotH - (plotH * step) / 4);
        grid.append(s('line', { x1: margin.left, x2: width - margin.right, y1: y, y2: y }),
            s('text', { x: margin.left - 6, y: y + 4, 'text-anchor': 'end', class: 'axis-label', text: axis(value) }));
    }
    svg.append(grid);
    const band = plotW / Math.max(1, items.length);
    const barW = Math.max(1, Math.min(48, band * 0.72));
    const every = Math.max(1, Math.ceil(52 / band));
    const bars = s('g', { class: 'bars' });
    const ticks = s('g', { class: 'ticks' });
    items.forEach((item, index) => {
        const h = item.value > 0 ? Math.max(1, (plotH * item.value) / top) : 0;
        const x = margin.left + band * index + (band - barW) / 2;
        bars.append(s('rect', {
            class: 'bar', x: round(x), y: round(margin.top + plotH - h), width: round(barW), height: round(h),
            dataset: { key: item.key, value: item.value },
        }, s('title', { text: item.title })));
        if (index % every === 0) {
            ticks.append(s('text', { x: round(margin.left + band * index + band / 2), y: height - 10, 'text-anchor': 'middle', class: 'axis-label', text: tick(item) }));
        }
    });
    svg.append(s('line', { class: 'baseline', x1: margin.left, x2: width - margin.right, y1: margin.top + plotH, y2: margin.top + plotH }), bars, ticks);
    return svg;
}

/**
 * Horizontal bars, one per item ({ key, label, value, title, text }), the label above its bar and `text` (the value
 * as people read it) after it. `max` is the full length (1 for a share); by default the largest value.
 */
export function barChart({ chart, label, items, width = 480, max = null, rowHeight = 40 }) {
    const valueRoom = 72;
    const height = Math.max(1, items.length) * rowHeight + 8;
    const full = max ?? Math.max(0, ...items.map((i) => i.value));
    const length = Math.max(40, width - valueRoom);
    const svg = frame(chart, label, width, height);
    const maxChars = Math.max(8, Math.floor(width / 7.2));
    items.forEach((item, index) => {
        const y = index * rowHeight + 4;
        const w = full > 0 && item.value > 0 ? Math.max(2, (length * Math.min(item.value, full)) / full) : 0;
        const name = item.label.length > maxChars ? `${item.label.slice(0, maxChars - 1)}…` : item.label;
        svg.append(s('g', { class: 'bar-row', dataset: { key: item.key, value: item.value } },
            s('title', { text: item.title }),
            s('text', { x: 0, y: y + 12, class: 'bar-label', text: name }),
            s('rect', { class: 'track', x: 0, y: y + 17, width: round(length), height: 14, rx: 3 }),
            s('rect', { class: 'bar', x: 0, y: y + 17, width: round(w), height: 14, rx: 3 }),
            s('text', { x: round(length + 6), y: y + 28, class: 'bar-value', text: item.text })));
    });
    return svg;
}
