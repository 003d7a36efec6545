// Shared set-up of the browser tests: the stack's environment (scripts/stack
// env, exported by scripts/test-e2e), API calls for test data, role changes
// through SQL, and Debian's chromium driven by playwright-core.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const BASE = process.env.CINEMA_BASE_URL || 'http://127.0.0.1:18080';
const LOG_DIR = process.env.CINEMA_E2E_LOG_DIR || join(process.env.CINEMA_RUN_DIR || '/tmp', 'log', 'e2e');
const RUN = `${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;
export const uniq = (p) => `${p}-${RUN}-${Math.random().toString(36).slice(2, 6)}`;

export async function call(method, path, body, token) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const r = await fetch(BASE + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  const data = text ? JSON.parse(text) : null;
  if (!r.ok) throw new Error(`${method} ${path} -> ${r.status} ${text}`);
  return data;
}

function sql(statement) {
  execFileSync('mariadb', ['-h', process.env.CINEMA_DB_HOST || '127.0.0.1', '-P', process.env.CINEMA_DB_PORT,
    '-u', process.env.CINEMA_DB_USER, process.env.CINEMA_DB_NAME, '-e', statement],
  { env: { ...process.env, MYSQL_PWD: process.env.CINEMA_DB_PASSWORD }, stdio: ['ignore', 'pipe', 'inherit'] });
}

// A new account with the role, logged in: {id, email, password, role, token, refresh, session}.
export async function account(prefix, role = 'CUSTOMER') {
  const email = `${uniq(prefix)}@e2e.example`;
  const password = 'e2e-password-123';
  const u = await call('POST', '/v1/auth/register', { email, password, display_name: prefix });
  if (role !== 'CUSTOMER') sql(`UPDATE users SET role = '${role}' WHERE id = ${Number(u.id)}`);
  const t = await call('POST', '/v1/auth/login', { email, password });
  const me = await call('GET', '/v1/me', undefined, t.access_token);
  return { id: u.id, email, password, role, token: t.access_token,
    session: { access_token: t.access_token, refresh_token: t.refresh_token, user: me } };
}

// Starts `hours` from now, lasting two hours, as RFC 3339 without milliseconds.
export function slot(hours) {
  const start = new Date(Math.ceil(Date.now() / 3600e3) * 3600e3 + hours * 3600e3);
  const end = new Date(start.getTime() + 2 * 3600e3);
  const f = (d) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return [f(start), f(end)];
}

// An owner with a cinema and a hall of the layout; returns {owner, cinema, hall}.
export async function venue(layout = ['VVVVVV', 'SSSSSS', 'SSSSSS', 'AC..SS']) {
  const owner = await account('owner', 'OWNER');
  const cinema = await call('POST', '/v1/cinemas', { name: uniq('Roxy'), city: 'Berlin', address: 'Main St 1', timezone: 'Europe/Berlin' }, owner.token);
  const hall = await call('POST', '/v1/halls', { cinema_id: cinema.id, name: 'Hall 1', layout }, owner.token);
  return { owner, cinema, hall };
}

export async function show(v, title, hours, extra = {}) {
  const film = await call('POST', '/v1/films', { title, duration_min: 100 }, v.owner.token);
  const [starts_at, ends_at] = slot(hours);
  return call('POST', '/v1/shows', { hall_id: v.hall.id, film_id: film.id, starts_at, ends_at,
    base_price_cents: 1000, currency: 'EUR', prices: { VIP: 1400 }, ...extra }, v.owner.token);
}

export function runWorker() {
  const bins = process.env.CINEMA_BIN_DIR || join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'build', 'bin');
  const bin = process.env.CINEMA_WORKER_BIN || join(bins, 'worker');
  execFileSync(bin, ['--once'], { stdio: 'pipe' }); // its log lines are of no interest here
}

let browser = null;
export async function launch() {
  mkdirSync(LOG_DIR, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.CINEMA_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  return browser;
}

export async function close() {
  if (browser) await browser.close();
  browser = null;
}

// A fresh browser context (its own storage), logged in as `who` when given.
export async function page(who, options = {}) {
  const ctx = await browser.newContext({ baseURL: BASE, ...options });
  if (who) {
    await ctx.addInitScript((s) => {
      if (!sessionStorage.getItem('e2e.seeded')) {
        localStorage.setItem('cinema.session', s);
        sessionStorage.setItem('e2e.seeded', '1');
      }
    }, JSON.stringify(who.session));
  }
  const p = await ctx.newPage();
  p.setDefaultTimeout(10000);
  p.errors = [];
  p.on('pageerror', (e) => p.errors.push(String(e)));
  p.on('console', (m) => {
    // Answers the page handles (a 401, a 402) are logged by the browser too: not errors of the page.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) p.errors.push(m.text());
  });
  return p;
}

// Runs the body; on failure, screenshots of the pages go to the log directory.
export async function withShots(name, pages, body) {
  try {
    await body();
  } catch (e) {
    for (const [i, p] of pages().entries()) {
      const file = join(LOG_DIR, `${name.replace(/\W+/g, '-')}-${i}.png`);
      await p.screenshot({ path: file, fullPage: true }).catch(() => {});
      console.error(`screenshot: ${file}`);
      if (p.errors && p.errors.length) console.error(`page errors: ${p.errors.join('\n')}`);
    }
    throw e;
  }
}

export const seat = (p, row, number) => p.locator(`[role=checkbox][aria-label^="Row ${row}, seat ${number},"]`);
