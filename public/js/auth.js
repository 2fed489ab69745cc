// Log in / create account, in one modal dialog shared by every page. Resolves with the user, or null if closed.

import { api, setToken, explain } from './api.js';
import { h, say } from './dom.js';

let dialog = null;
let settle = null;

function field(label, attrs) {
    const id = `auth-${attrs.name}-${attrs['data-form']}`;
    return h('div', { class: 'field' }, h('label', { for: id, text: label }), h('input', { id, ...attrs }));
}

function build() {
    const loginForm = h('form', { class: 'auth-form', dataset: { form: 'login' }, novalidate: true },
        field('Email', { name: 'email', type: 'email', autocomplete: 'username', required: true, 'data-form': 'login' }),
        field('Password', { name: 'password', type: 'password', autocomplete: 'current-password', required: true, minlength: '8', 'data-form': 'login' }),
        h('div', { class: 'form-message', hidden: true }),
        h('button', { type: 'submit', class: 'btn btn-primary', text: 'Log in' }));
    const registerForm = h('form', { class: 'auth-form', dataset: { form: 'register' }, novalidate: true, hidden: true },
        field('Name', { name: 'name', type: 'text', autocomplete: 'name', required: true, maxlength: '100', 'data-form': 'register' }),
        field('Email', { name: 'email', type: 'email', autocomplete: 'email', required: true, 'data-form': 'register' }),
        field('Password (8 characters or more)', { name: 'password', type: 'password', autocomplete: 'new-password', required: true, minlength: '8', 'data-form': 'register' }),
        field('Phone (optional)', { name: 'phone', type: 'tel', autocomplete: 'tel', 'data-form': 'register' }),
        h('div', { class: 'form-message', hidden: true }),
        h('button', { type: 'submit', class: 'btn btn-primary', text: 'Create account' }));
    const tabLogin = h('button', { type: 'button', class: 'tab', 'aria-pressed': 'true', text: 'Log in' });
    const tabRegister = h('button', { type: 'button', class: 'tab', 'aria-pressed': 'false', text: 'Create account' });
    const show = (mode) => {
        loginForm.hidden = mode !== 'login';
        registerForm.hidden = mode !== 'register';
        tabLogin.setAttribute('aria-pressed', String(mode === 'login'));
        tabRegister.setAttribute('aria-pressed', String(mode === 'register'));
        (mode === 'login' ? loginForm : registerForm).querySelector('input')?.focus();
    };
    tabLogin.addEventListener('click', () => show('login'));
    tabRegister.addEventListener('click', () => show('register'));
    dialog = h('dialog', { class: 'auth-dialog', 'aria-labelledby': 'auth-title' },
        h('div', { class: 'dialog-head' },
            h('h2', { id: 'auth-title', text: 'Your account' }),
            h('button', { type: 'button', class: 'btn-icon', 'aria-label': 'Close', text: '×', on: { click: () => dialog.close() } })),
        h('div', { class: 'tabs' }, tabLogin, tabRegister),
        loginForm, registerForm);
    dialog.show = show;
    dialog.addEventListener('close', () => {
        settle?.(null);
        settle = null;
    });
    for (const form of [loginForm, registerForm]) form.addEventListener('submit', (event) => submit(event, form));
    document.body.append(dialog);
}

async function submit(event, form) {
    event.preventDefault();
    const message = form.querySelector('.form-message');
    const data = Object.fromEntries(new FormData(form));
    const mode = form.dataset.form;
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(data.email || '')) return say(message, 'Enter a valid email address.', 'error');
    if ((data.password || '').length < 8) return say(message, 'The password needs at least 8 characters.', 'error');
    if (mode === 'register' && !String(data.name || '').trim()) return say(message, 'Tell us your name.', 'error');
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    say(message, mode === 'login' ? 'Logging in…' : 'Creating your account…');
    try {
        const body = mode === 'login'
            ? { email: data.email, password: data.password }
            : { name: String(data.name).trim(), email: data.email, password: data.password, ...(data.phone ? { phone: data.phone } : {}) };
        const answer = await api(`/api/auth/${mode}`, { method: 'POST', body });
        setToken(answer.token);
        say(message, '');
        form.reset();
        const resolve = settle;
        settle = null;
        dialog.close();
        resolve?.(answer.user);
    } catch (error) {
        say(message, explain(error), 'error');
    } finally {
        button.disabled = false;
    }
}

/** Opens the dialog (`mode` login or register); resolves with the user once signed in, or null. */
export function signIn(mode = 'login') {
    if (!dialog) build();
    settle?.(null);
    return new Promise((resolve) => {
        settle = resolve;
        if (!dialog.open) dialog.showModal();
        dialog.show(mode);
    });
}

/** Forgets the token. */
export function signOut() {
    setToken(null);
}
