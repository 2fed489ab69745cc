// Building DOM without HTML strings: every piece of server data goes in as text, never as markup.

/**
 * Creates an element. `attrs` keys: `class`, `text`, `dataset`, `on` (event → handler), `hidden`,
 * boolean or string attributes (`aria-*`, `type`, `href`, …); `props` sets DOM properties.
 * Children may be nodes, strings (become text nodes), arrays, or null/false (skipped).
 */
export function h(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
        if (value === undefined || value === null || value === false) continue;
        if (key === 'class') node.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
        else if (key === 'text') node.textContent = String(value);
        else if (key === 'dataset') Object.assign(node.dataset, value);
        else if (key === 'on') for (const [event, handler] of Object.entries(value)) node.addEventListener(event, handler);
        else if (key === 'props') Object.assign(node, value);
        else node.setAttribute(key, value === true ? '' : String(value));
    }
    append(node, children);
    return node;
}

function append(node, children) {
    for (const child of children) {
        if (child === null || child === undefined || child === false) continue;
        if (Array.isArray(child)) append(node, child);
        else node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
}

/** Replaces every child of `node`. */
export function replace(node, ...children) {
    node.replaceChildren();
    append(node, children);
    return node;
}

export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));

/** A random id for `Idempotency-Key`; works outside secure contexts too. */
export function randomKey() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Shows a message in a live region; `kind` is info, success or error. Errors use role=alert. */
export function say(region, text, kind = 'info') {
    if (!region) return;
    region.replaceChildren();
    if (!text) {
        region.hidden = true;
        return;
    }
    region.hidden = false;
    region.dataset.kind = kind;
    region.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    region.append(h('p', { text }));
}
