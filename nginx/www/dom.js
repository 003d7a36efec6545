// DOM helpers and formats every view shares; the page region (`main`) and
// what the current page must close when the route changes (onLeave).
import { session, ApiError } from './api.js';

export const main = document.getElementById('main');
const SVG = 'http://www.w3.org/2000/svg';

// ---- small DOM helpers ------------------------------------------------------

export function h(tag, attrs = {}, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const k of kids.flat()) if (k !== null && k !== undefined && k !== false) el.append(k);
  return el;
}

export function s(tag, attrs = {}) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

export const fmtMoney = (cents, cur = 'EUR') =>
  new Intl.NumberFormat('en-IE', { style: 'currency', currency: cur || 'EUR' }).format(cents / 100);
export const fmtTime = (t) =>
  t ? new Date(t).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' }) : '';
export const TYPE_NAMES = { STANDARD: 'standard', VIP: 'VIP', ACCESSIBLE: 'accessible', COMPANION: 'companion' };
export const STATE_NAMES = { FREE: 'free', HELD: 'held', RESERVED: 'sold' };

export function errorBox(err) {
  const msg = err instanceof ApiError || err instanceof Error ? err.message : String(err);
  const fields = err instanceof ApiError ? err.fields() : [];
  return h('div', { class: 'error', role: 'alert' }, h('strong', { text: 'Sorry: ' }), msg,
    fields.length ? h('ul', {}, fields.map((f) => h('li', { text: f }))) : null);
}

// replaceChildren without the null, undefined and false parts.
export const put = (el, ...kids) => el.replaceChildren(...kids.flat().filter((k) => k !== null && k !== undefined && k !== false));

export const loading = (what = 'Loading') => h('p', { class: 'loading', role: 'status' }, `${what}…`);
export const empty = (text) => h('p', { class: 'empty' }, text);

// Replace the content of a region with the result of an async builder, with
// a loading state first and an error in words if it fails.
export async function fill(region, build, what) {
  put(region, loading(what));
  try {
    const content = await build();
    put(region, ...[content].flat().filter(Boolean));
  } catch (e) {
    put(region, errorBox(e));
  }
}

// A form whose submit runs an async action and shows its error or message.
export function form(attrs, fields, label, action) {
  const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const button = h('button', { type: 'submit', text: label });
  const f = h('form', attrs, fields, button, status);
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    button.disabled = true;
    put(status);
    try {
      const msg = await action(new FormData(f), f);
      if (msg) put(status, h('p', { class: 'ok', role: 'status' }, msg));
    } catch (e) {
      put(status, errorBox(e));
    } finally {
      button.disabled = false;
    }
  });
  return f;
}

let fieldSeq = 0;
export function field(label, attrs) {
  const id = `f${++fieldSeq}`;
  return h('div', { class: 'field' }, h('label', { for: id, text: label }), h(attrs.tag || 'input', { ...attrs, tag: null, id }));
}

export function select(label, name, options, value) {
  const id = `f${++fieldSeq}`;
  return h('div', { class: 'field' }, h('label', { for: id, text: label }),
    h('select', { name, id }, options.map(([v, t]) => h('option', { value: v, selected: String(v) === String(value) }, t))));
}

export function table(cols, rows) {
  if (!rows.length) return empty('Nothing here yet.');
  return h('div', { class: 'table-wrap' }, h('table', {},
    h('thead', {}, h('tr', {}, cols.map(([t]) => h('th', { scope: 'col', text: t })))),
    h('tbody', {}, rows.map((r) => h('tr', {}, cols.map(([, f]) => h('td', {}, f(r))))))));
}

export const user = () => (session.get() || {}).user || null;
export const link = (href, text) => h('a', { href }, text);

// What the current page must close (its live stream, its timers) when the
// route changes: set by the page, run once by the router.
let leaving = null;
export function onLeave(fn) {
  leaving = fn;
}
export function leavePage() {
  if (leaving) leaving();
  leaving = null;
}
