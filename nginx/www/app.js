// The cinema web client: plain ES modules, no framework, hash routes.
import { api, get, post, patch, del, session, login, loginWithCode, logout, ApiError } from './api.js';
import { qrSvg } from './qr.js';

const main = document.getElementById('main');
const SVG = 'http://www.w3.org/2000/svg';

// ---- small DOM helpers ------------------------------------------------------

function h(tag, attrs = {}, ...kids) {
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

function s(tag, attrs = {}) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

const fmtMoney = (cents, cur = 'EUR') =>
  new Intl.NumberFormat('en-IE', { style: 'currency', currency: cur || 'EUR' }).format(cents / 100);
const fmtTime = (t) =>
  t ? new Date(t).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' }) : '';
const TYPE_NAMES = { STANDARD: 'standard', VIP: 'VIP', ACCESSIBLE: 'accessible', COMPANION: 'companion' };
const STATE_NAMES = { FREE: 'free', HELD: 'held', RESERVED: 'sold' };

function errorBox(err) {
  const msg = err instanceof ApiError || err instanceof Error ? err.message : String(err);
  const fields = err instanceof ApiError ? err.fields() : [];
  return h('div', { class: 'error', role: 'alert' }, h('strong', { text: 'Sorry: ' }), msg,
    fields.length ? h('ul', {}, fields.map((f) => h('li', { text: f }))) : null);
}

// replaceChildren without the null, undefined and false parts.
const put = (el, ...kids) => el.replaceChildren(...kids.flat().filter((k) => k !== null && k !== undefined && k !== false));

const loading = (what = 'Loading') => h('p', { class: 'loading', role: 'status' }, `${what}…`);
const empty = (text) => h('p', { class: 'empty' }, text);

// Replace the content of a region with the result of an async builder, with
// a loading state first and an error in words if it fails.
async function fill(region, build, what) {
  put(region, loading(what));
  try {
    const content = await build();
    put(region, ...[content].flat().filter(Boolean));
  } catch (e) {
    put(region, errorBox(e));
  }
}

// A form whose submit runs an async action and shows its error or message.
function form(attrs, fields, label, action) {
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
function field(label, attrs) {
  const id = `f${++fieldSeq}`;
  return h('div', { class: 'field' }, h('label', { for: id, text: label }), h(attrs.tag || 'input', { ...attrs, tag: null, id }));
}

function select(label, name, options, value) {
  const id = `f${++fieldSeq}`;
  return h('div', { class: 'field' }, h('label', { for: id, text: label }),
    h('select', { name, id }, options.map(([v, t]) => h('option', { value: v, selected: String(v) === String(value) }, t))));
}

function table(cols, rows) {
  if (!rows.length) return empty('Nothing here yet.');
  return h('div', { class: 'table-wrap' }, h('table', {},
    h('thead', {}, h('tr', {}, cols.map(([t]) => h('th', { scope: 'col', text: t })))),
    h('tbody', {}, rows.map((r) => h('tr', {}, cols.map(([, f]) => h('td', {}, f(r))))))));
}

const user = () => (session.get() || {}).user || null;
const link = (href, text) => h('a', { href }, text);

// ---- navigation -------------------------------------------------------------

function renderNav() {
  const u = user();
  const nav = document.getElementById('nav');
  const items = [link('#/', 'What’s on'), link('#/films', 'Films'), link('#/cinemas', 'Cinemas')];
  if (u) {
    items.push(link('#/me', 'My bookings'));
    if (u.role === 'OWNER' || u.role === 'ADMIN') items.push(link('#/owner', 'Owner'));
    if (u.role === 'ADMIN') items.push(link('#/admin', 'Admin'));
    items.push(h('button', { type: 'button', class: 'linklike', onclick: async () => {
      await logout();
      location.hash = '#/';
    } }, `Log out (${u.email})`));
  } else {
    items.push(link('#/login', 'Log in'), link('#/register', 'Register'));
  }
  put(nav, h('ul', {}, items.map((i) => h('li', {}, i))));
}

// ---- customer: browsing -----------------------------------------------------

function showCard(sh) {
  const title = sh.film ? sh.film.title : sh.title;
  return h('li', { class: 'card' },
    h('a', { href: `#/shows/${sh.id}`, class: 'card-title' }, title),
    h('div', { class: 'meta' }, fmtTime(sh.starts_at),
      sh.cinema_name ? ` · ${sh.cinema_name}` : '', sh.hall_name ? `, ${sh.hall_name}` : '',
      ` · from ${fmtMoney(sh.base_price_cents, sh.currency)}`,
      sh.status && sh.status !== 'SCHEDULED' ? ` · ${sh.status.toLowerCase()}` : ''));
}

const showList = (items, none = 'No shows found.') =>
  items.length ? h('ul', { class: 'cards' }, items.map(showCard)) : empty(none);

function viewHome(params) {
  const q = params.get('q') || '';
  const results = h('section', { 'aria-label': 'Shows' });
  const search = h('form', { role: 'search', class: 'search', onsubmit: (ev) => {
    ev.preventDefault();
    const v = ev.target.q.value.trim();
    location.hash = v ? `#/?q=${encodeURIComponent(v)}` : '#/';
  } }, h('label', { for: 'q', class: 'visually-hidden', text: 'Search shows' }),
  h('input', { id: 'q', name: 'q', type: 'search', value: q, placeholder: 'Search films and shows' }),
  h('button', { type: 'submit', text: 'Search' }));
  put(main, h('h1', { text: q ? `Shows matching “${q}”` : 'What’s on' }), search, results);
  fill(results, async () => {
    const r = q ? await get(`/v1/search/shows?q=${encodeURIComponent(q)}&limit=50`)
      : await get('/v1/shows?limit=50');
    return showList(r.items, q ? 'No show matches that search.' : 'No shows are scheduled yet.');
  }, 'Loading shows');
}

function viewFilms() {
  const list = h('section');
  put(main, h('h1', { text: 'Films' }), list);
  fill(list, async () => {
    const r = await get('/v1/films?limit=100');
    if (!r.items.length) return empty('No films yet.');
    return h('ul', { class: 'cards' }, r.items.map((f) => h('li', { class: 'card' },
      h('a', { class: 'card-title', href: `#/films/${f.id}` }, f.title),
      h('div', { class: 'meta' }, `${f.duration_min} min`, f.rating ? ` · rated ${f.rating}` : ''),
      f.description ? h('p', { text: f.description }) : null)));
  }, 'Loading films');
}

function viewFilm(id) {
  const list = h('section');
  const head = h('h1', { text: 'Film' });
  put(main, head, list);
  fill(list, async () => {
    const [f, shows] = await Promise.all([get(`/v1/films/${id}`), get(`/v1/films/${id}/shows?limit=100`)]);
    head.textContent = f.title;
    return [h('p', { class: 'meta' }, `${f.duration_min} min`, f.rating ? ` · rated ${f.rating}` : ''),
      f.description ? h('p', { text: f.description }) : null,
      h('h2', { text: 'Shows' }), showList(shows.items, 'No upcoming shows of this film.')];
  });
}

function viewCinemas() {
  const list = h('section');
  put(main, h('h1', { text: 'Cinemas' }), list);
  fill(list, async () => {
    const r = await get('/v1/cinemas?limit=100');
    if (!r.items.length) return empty('No cinemas yet.');
    return h('ul', { class: 'cards' }, r.items.map((c) => h('li', { class: 'card' },
      h('a', { class: 'card-title', href: `#/cinemas/${c.id}` }, c.name), h('div', { class: 'meta', text: `${c.city} · ${c.address || ''}` }))));
  }, 'Loading cinemas');
}

function viewCinema(id) {
  const body = h('section');
  const head = h('h1', { text: 'Cinema' });
  put(main, head, body);
  fill(body, async () => {
    const [c, halls] = await Promise.all([get(`/v1/cinemas/${id}`), get(`/v1/cinemas/${id}/halls`)]);
    head.textContent = c.name;
    const parts = [h('p', { class: 'meta', text: `${c.city} · ${c.address || ''}` })];
    for (const hall of halls.items) {
      const shows = await get(`/v1/halls/${hall.id}/shows?limit=50`);
      parts.push(h('h2', { text: `${hall.name} (${hall.seat_count} seats)` }), showList(shows.items, 'No upcoming shows in this hall.'));
    }
    if (!halls.items.length) parts.push(empty('This cinema has no halls yet.'));
    return parts;
  });
}

// ---- customer: the show page and its seat map -------------------------------

let teardown = null; // closes the live stream and timers of the current page

function seatName(seat, currency, selected) {
  const state = selected ? 'selected' : STATE_NAMES[seat.status] || seat.status.toLowerCase();
  return `Row ${seat.row}, seat ${seat.number}, ${TYPE_NAMES[seat.type] || seat.type}, ${fmtMoney(seat.price_cents, currency)}, ${state}`;
}

function viewShow(id) {
  const state = { map: null, selected: new Set(), hold: null, show: null, timer: null, es: null };
  const title = h('h1', { text: 'Show' });
  const info = h('p', { class: 'meta' });
  const notice = h('div', { 'aria-live': 'polite' });
  const mapBox = h('div', { class: 'seatmap-box' }, loading('Loading the seat map'));
  const legend = h('ul', { class: 'legend', 'aria-label': 'Legend' },
    ['free', 'selected', 'held', 'sold', 'vip', 'accessible', 'companion'].map((k) =>
      h('li', {}, h('span', { class: `swatch ${k}`, 'aria-hidden': 'true' }), k === 'vip' ? 'VIP' : k)));
  const panel = h('section', { class: 'panel', 'aria-label': 'Your seats' });
  const waitBox = h('section', { class: 'panel', 'aria-label': 'Waiting list' });
  put(main, title, info, notice, legend, mapBox, panel, waitBox);

  const say = (el) => put(notice, el);

  const seatEls = new Map();
  function drawMap() {
    const m = state.map;
    if (!m.seats.length) {
      put(mapBox, empty('This hall has no seats.'));
      return;
    }
    const rows = Math.max(...m.seats.map((x) => x.grid_row));
    const cols = Math.max(...m.seats.map((x) => x.grid_col));
    const U = 28;
    const svg = s('svg', { viewBox: `0 0 ${cols * U + 40} ${rows * U + 50}`, class: 'seatmap', role: 'group', 'aria-label': 'Seat map; the screen is at the top' });
    svg.style.maxWidth = `${Math.round((cols * U + 40) * 1.6)}px`; // CSSOM, allowed by the CSP
    svg.append(s('rect', { x: 40, y: 4, width: cols * U - 8, height: 8, rx: 4, class: 'screen' }));
    const screenLabel = s('text', { x: 40 + (cols * U) / 2, y: 26, class: 'screen-label', 'text-anchor': 'middle', 'aria-hidden': 'true' });
    screenLabel.textContent = 'SCREEN';
    svg.append(screenLabel);
    const labelled = new Set();
    seatEls.clear();
    for (const seat of m.seats) {
      const x = 40 + (seat.grid_col - 1) * U, y = 34 + (seat.grid_row - 1) * U;
      if (!labelled.has(seat.grid_row)) {
        labelled.add(seat.grid_row);
        const t = s('text', { x: 16, y: y + 17, class: 'row-label', 'text-anchor': 'middle', 'aria-hidden': 'true' });
        t.textContent = seat.row;
        svg.append(t);
      }
      const g = s('g', { class: 'seat', role: 'checkbox', tabindex: '0', 'data-seat-id': seat.seat_id });
      g.append(s('rect', { x: x + 2, y: y + 2, width: U - 6, height: U - 6, rx: 5 }));
      const num = s('text', { x: x + U / 2 - 1, y: y + U / 2 + 3, 'text-anchor': 'middle', 'aria-hidden': 'true' });
      num.textContent = seat.number;
      g.append(num);
      g.addEventListener('click', () => toggle(seat));
      g.addEventListener('keydown', (ev) => onSeatKey(ev, seat));
      seatEls.set(seat.seat_id, g);
      svg.append(g);
      paintSeat(seat);
    }
    put(mapBox, svg);
  }

  function paintSeat(seat) {
    const g = seatEls.get(seat.seat_id);
    if (!g) return;
    const sel = state.selected.has(seat.seat_id);
    const mine = state.hold && state.hold.seat_ids.includes(seat.seat_id);
    const shownStatus = mine ? 'HELD' : seat.status;
    g.setAttribute('class', `seat ${seat.type.toLowerCase()} ${shownStatus.toLowerCase()}${sel ? ' selected' : ''}${mine ? ' mine' : ''}`);
    g.setAttribute('aria-checked', sel || mine ? 'true' : 'false');
    g.setAttribute('aria-disabled', seat.status === 'FREE' && !state.hold ? 'false' : 'true');
    g.setAttribute('aria-label', mine ? `${seatName(seat, state.map.currency, false).replace(/held$/, 'held by you')}`
      : seatName(seat, state.map.currency, sel));
  }

  function toggle(seat) {
    if (state.hold) {
      say(h('p', { class: 'info', role: 'status', text: 'You are holding seats: confirm or release them first.' }));
      return;
    }
    if (seat.status !== 'FREE') {
      say(h('p', { class: 'info', role: 'status', text: `Row ${seat.row}, seat ${seat.number} is not free.` }));
      return;
    }
    if (state.selected.has(seat.seat_id)) state.selected.delete(seat.seat_id);
    else state.selected.add(seat.seat_id);
    paintSeat(seat);
    renderPanel();
  }

  // Arrow keys move between seats by their place on the grid; Space and
  // Enter choose.
  function onSeatKey(ev, seat) {
    const dirs = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };
    if (ev.key === ' ' || ev.key === 'Enter') {
      ev.preventDefault();
      toggle(seat);
      return;
    }
    const d = dirs[ev.key];
    if (!d) return;
    ev.preventDefault();
    let best = null, bestScore = Infinity;
    for (const o of state.map.seats) {
      const dr = o.grid_row - seat.grid_row, dc = o.grid_col - seat.grid_col;
      if (d[0] && Math.sign(dr) !== d[0]) continue;
      if (d[1] && (Math.sign(dc) !== d[1] || dr !== 0)) continue;
      const score = d[0] ? Math.abs(dr) * 1000 + Math.abs(dc) : Math.abs(dc);
      if (score < bestScore) {
        bestScore = score;
        best = o;
      }
    }
    if (best) seatEls.get(best.seat_id).focus();
  }

  function renderPanel() {
    const m = state.map;
    if (!m) return;
    if (state.show && state.show.status === 'CANCELLED' || m.show_status === 'CANCELLED') {
      put(panel, h('p', { class: 'info', text: 'This show has been cancelled.' }));
      return;
    }
    if (state.hold) {
      const hold = state.hold;
      const countdown = h('p', { class: 'countdown', role: 'timer', 'aria-live': 'off' });
      const tick = () => {
        if (hold.offered) {
          countdown.textContent = `The waiting list offers you ${hold.offered} seat${hold.offered > 1 ? 's' : ''}, held for a short while: confirm to book.`;
          return;
        }
        const left = Math.max(0, Math.round((Date.parse(hold.expires_at) - Date.now()) / 1000));
        countdown.textContent = `Held for you for ${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')} more`;
        if (left <= 0) {
          clearInterval(state.timer);
          state.hold = null;
          say(errorBox(new Error('Your hold has expired; the seats are free again.')));
          reload();
        }
      };
      clearInterval(state.timer);
      if (!hold.offered) state.timer = setInterval(tick, 1000);
      tick();
      const seats = m.seats.filter((x) => hold.seat_ids.includes(x.seat_id));
      put(panel, h('h2', { text: 'Your hold' }),
        h('ul', {}, seats.map((x) => h('li', { text: `Row ${x.row}, seat ${x.number} (${TYPE_NAMES[x.type]}, ${fmtMoney(x.price_cents, m.currency)})` }))),
        hold.offered ? null : h('p', { class: 'total', text: `Total ${fmtMoney(hold.total_cents, hold.currency)}` }), countdown,
        form({ class: 'pay' }, [field('Payment token (mock provider: any but tok_decline is approved)', { name: 'token', value: 'tok_visa', required: true, autocomplete: 'off' })],
          'Confirm and pay', async (fd) => {
            const r = await post(`/v1/shows/${id}/confirm`, { hold_id: hold.hold_id, payment_token: fd.get('token') });
            clearInterval(state.timer);
            state.hold = null;
            state.selected.clear();
            say(h('p', { class: 'ok', role: 'status' }, `Booked! Reservation ${r.id || r.reservation_id}. `, link('#/me', 'See it with its tickets')));
            await reload();
          }),
        h('button', { type: 'button', class: 'secondary', onclick: async () => {
          try {
            await del(`/v1/shows/${id}/hold`);
            clearInterval(state.timer);
            state.hold = null;
            say(h('p', { class: 'info', role: 'status', text: 'Released.' }));
            await reload();
          } catch (e) {
            say(errorBox(e));
          }
        } }, 'Release the seats'));
      return;
    }
    const free = m.seats.filter((x) => x.status === 'FREE').length;
    const chosen = m.seats.filter((x) => state.selected.has(x.seat_id));
    const total = chosen.reduce((a, x) => a + x.price_cents, 0);
    const needLogin = !user() ? h('p', { class: 'info' }, link(`#/login?next=${encodeURIComponent(`#/shows/${id}`)}`, 'Log in'), ' to hold seats.') : null;
    const holdSelected = h('button', { type: 'button', disabled: !chosen.length, onclick: () => placeHold({ seat_ids: chosen.map((x) => x.seat_id) }) },
      chosen.length ? `Hold ${chosen.length} seat${chosen.length > 1 ? 's' : ''} (${fmtMoney(total, m.currency)})` : 'Choose seats on the map');
    const typed = panel.querySelector('input[name=count]');
    const best = form({ class: 'best' }, [field('Or the best seats together: how many?', { name: 'count', type: 'number', min: 1, max: 10, value: typed ? typed.value : 2, required: true })],
      'Find the best seats', async (fd) => placeHold({ count: Number(fd.get('count')), together: true }));
    put(panel, h('h2', { text: `${free} of ${m.seats.length} seats free` }), needLogin,
      chosen.length ? h('p', { text: `Selected: ${chosen.map((x) => `${x.row}${x.number}`).join(', ')}` }) : null,
      holdSelected, free ? best : null);
  }

  async function placeHold(body) {
    try {
      if (!user()) throw new Error('Log in first to hold seats.');
      const r = await post(`/v1/shows/${id}/hold`, body);
      state.hold = r;
      state.selected.clear();
      say(h('p', { class: 'ok', role: 'status', text: `Holding ${r.seat_ids.length} seat${r.seat_ids.length > 1 ? 's' : ''}.` }));
      await reload();
    } catch (e) {
      say(errorBox(e));
      throw e;
    }
  }

  async function renderWaitlist() {
    const m = state.map;
    const soldOut = m && m.seats.length && m.seats.every((x) => x.status !== 'FREE') && !state.hold;
    if (!user() || m.show_status === 'CANCELLED') {
      put(waitBox);
      if (soldOut && !user()) waitBox.append(h('p', { class: 'info', text: 'Sold out. Log in to join the waiting list.' }));
      return;
    }
    let entry = null;
    try {
      const mine = await get('/v1/my-waitlist?limit=200');
      entry = mine.items.find((e) => String(e.show_id) === String(id) && ['WAITING', 'OFFERED', 'ASSIGNED'].includes(e.status)) || null;
    } catch (e) {
      put(waitBox, errorBox(e));
      return;
    }
    if (entry) {
      const words = { WAITING: `Waiting${entry.position ? `, number ${entry.position} in line` : ''}`,
        OFFERED: 'Seats are held for you: confirm them above', ASSIGNED: `Seats assigned: reservation ${entry.reservation_id}` };
      put(waitBox, h('h2', { text: 'Waiting list' }),
        h('p', { class: 'wait-status', role: 'status' }, `Your entry: ${words[entry.status] || entry.status} (${entry.seats} seat${entry.seats > 1 ? 's' : ''}).`),
        entry.status === 'ASSIGNED' ? link('#/me', 'See the reservation') : null,
        entry.status === 'WAITING' ? h('button', { type: 'button', class: 'secondary', onclick: async () => {
          try {
            await del(`/v1/shows/${id}/waitlist`);
            renderWaitlist();
          } catch (e) {
            waitBox.append(errorBox(e));
          }
        } }, 'Leave the waiting list') : null);
      if (entry.status === 'OFFERED' && entry.hold_id && !state.hold) reload();
      // The worker's assignment may come without a seat change here: ask again.
      clearTimeout(state.waitPoll);
      if (entry.status === 'WAITING') state.waitPoll = setTimeout(renderWaitlist, 3000);
      return;
    }
    if (!soldOut) {
      put(waitBox);
      return;
    }
    put(waitBox, h('h2', { text: 'Sold out: join the waiting list' }),
      h('p', { text: 'When seats free up they go to the waiting list in order; with a payment token they are booked for you at once.' }),
      form({ class: 'waitlist' }, [field('Seats', { name: 'seats', type: 'number', min: 1, max: 10, value: 1, required: true }),
        field('Payment token (optional)', { name: 'token', value: 'tok_visa', autocomplete: 'off' })],
      'Join the waiting list', async (fd) => {
        const body = { seats: Number(fd.get('seats')) };
        if (fd.get('token')) body.payment_token = fd.get('token');
        await post(`/v1/shows/${id}/waitlist`, body);
        renderWaitlist();
      }));
  }

  async function reload() {
    try {
      const [map, holdState] = await Promise.all([get(`/v1/shows/${id}/seats`), state.hold ? null : findMyHold()]);
      if (holdState) state.hold = holdState;
      const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.seatId : null;
      state.map = map;
      for (const sid of [...state.selected]) {
        const seat = map.seats.find((x) => x.seat_id === sid);
        if (!seat || seat.status !== 'FREE') state.selected.delete(sid);
      }
      drawMap();
      if (focused && seatEls.get(Number(focused))) seatEls.get(Number(focused)).focus();
      renderPanel();
      renderWaitlist();
    } catch (e) {
      put(mapBox, errorBox(e));
    }
  }

  // An offer from the waiting list is a hold of ours: find it so it can be confirmed.
  async function findMyHold() {
    if (!user()) return null;
    try {
      const mine = await get('/v1/my-waitlist?limit=200');
      const e = mine.items.find((x) => String(x.show_id) === String(id) && x.status === 'OFFERED' && x.hold_id);
      if (!e) return null;
      const map = await get(`/v1/shows/${id}/seats`);
      return { hold_id: e.hold_id, seat_ids: [], offered: e.seats, currency: map.currency };
    } catch {
      return null;
    }
  }

  // Live changes: apply each message to the map at once.
  function live() {
    const es = new EventSource(`/v1/shows/${id}/events`);
    state.es = es;
    es.onmessage = (ev) => {
      let msg;
      try {
        msg = JSON.parse(ev.data);
      } catch {
        return;
      }
      if (!state.map) return;
      if (msg.type === 'show.cancelled') {
        reload();
        return;
      }
      if (!msg.status || !Array.isArray(msg.seat_ids)) return;
      let changed = false;
      for (const sid of msg.seat_ids) {
        const seat = state.map.seats.find((x) => x.seat_id === sid);
        if (!seat || seat.status === msg.status) continue;
        seat.status = msg.status;
        if (msg.status !== 'FREE') state.selected.delete(sid);
        paintSeat(seat);
        changed = true;
      }
      if (changed) {
        // A held panel does not change; one being typed in keeps its focus: only its count changes.
        const head = panel.querySelector('h2');
        if (!state.hold && panel.contains(document.activeElement) && head) {
          head.textContent = `${state.map.seats.filter((x) => x.status === 'FREE').length} of ${state.map.seats.length} seats free`;
        } else if (!state.hold) renderPanel();
        renderWaitlist();
      }
    };
  }

  teardown = () => {
    clearInterval(state.timer);
    clearTimeout(state.waitPoll);
    if (state.es) state.es.close();
  };

  (async () => {
    try {
      const sh = await get(`/v1/shows/${id}`);
      state.show = sh;
      title.textContent = sh.film ? sh.film.title : sh.title;
      info.textContent = `${fmtTime(sh.starts_at)} · ${sh.status === 'CANCELLED' ? 'cancelled' : `from ${fmtMoney(sh.base_price_cents, sh.currency)}`}`;
      await reload();
      live();
    } catch (e) {
      put(mapBox, errorBox(e));
    }
  })();
}

// ---- customer: my bookings ----------------------------------------------------

const showCache = new Map();
async function showTitle(id) {
  if (!showCache.has(id)) {
    showCache.set(id, get(`/v1/shows/${id}`).then((x) => `${x.film ? x.film.title : x.title}, ${fmtTime(x.starts_at)}`).catch(() => `Show ${id}`));
  }
  return showCache.get(id);
}

function viewMe() {
  if (!requireLogin()) return;
  const res = h('section', { 'aria-label': 'My reservations' });
  const wl = h('section', { 'aria-label': 'My waiting list' });
  put(main, h('h1', { text: 'My bookings' }), h('h2', { text: 'Reservations' }), res, h('h2', { text: 'Waiting list' }), wl);
  const loadRes = () => fill(res, async () => {
    const r = await get('/v1/my-reservations?limit=100');
    if (!r.items.length) return empty('You have no reservations yet. Pick a show on “What’s on”.');
    const titles = await Promise.all(r.items.map((x) => showTitle(x.show_id)));
    return h('ul', { class: 'cards' }, r.items.map((x, i) => {
      const tickets = h('div', { class: 'tickets' });
      return h('li', { class: 'card reservation', 'data-reservation-id': x.id },
        h('div', { class: 'card-title' }, link(`#/shows/${x.show_id}`, titles[i])),
        h('div', { class: 'meta' }, `Reservation ${x.id} · ${x.status.toLowerCase()} · ${fmtMoney(x.total_cents, x.currency)}`),
        h('p', { text: `Seats: ${(x.seats || []).map((z) => `row ${z.row} seat ${z.number}`).join(', ')}` }),
        x.status === 'CONFIRMED' ? h('div', { class: 'actions' },
          h('button', { type: 'button', onclick: () => fill(tickets, () => ticketList(x.id), 'Loading tickets') }, 'Show tickets'),
          h('button', { type: 'button', class: 'danger', onclick: async () => {
            if (!confirm('Cancel this reservation? It is refunded.')) return;
            try {
              await del(`/v1/reservations/${x.id}`);
              loadRes();
            } catch (e) {
              put(tickets, errorBox(e));
            }
          } }, 'Cancel reservation')) : null,
        tickets);
    }));
  }, 'Loading your reservations');
  loadRes();
  fill(wl, async () => {
    const r = await get('/v1/my-waitlist?limit=100');
    if (!r.items.length) return empty('You are on no waiting list.');
    return table([['Show', (e) => link(`#/shows/${e.show_id}`, e.title)], ['Starts', (e) => fmtTime(e.starts_at)],
      ['Seats', (e) => String(e.seats)], ['Status', (e) => e.status.toLowerCase()],
      ['Reservation', (e) => (e.reservation_id ? String(e.reservation_id) : '')]], r.items);
  }, 'Loading your waiting list');
}

async function ticketList(reservationId) {
  const r = await get(`/v1/reservations/${reservationId}/tickets`);
  if (!r.items.length) return empty('No tickets.');
  return h('ul', { class: 'ticket-list' }, r.items.map((t) => h('li', { class: 'ticket' },
    qrSvg(t.code, `QR code of the ticket for row ${t.row}, seat ${t.number}`),
    h('div', {}, h('strong', { text: `Row ${t.row}, seat ${t.number}` }), h('div', { text: t.status.toLowerCase() }),
      h('code', { class: 'ticket-code', text: t.code })))));
}

// ---- accounts ---------------------------------------------------------------

function requireLogin() {
  if (user()) return true;
  put(main, h('h1', { text: 'Please log in' }), h('p', {}, link(`#/login?next=${encodeURIComponent(location.hash)}`, 'Log in'), ' to see this page.'));
  return false;
}

const OIDC_NEXT = 'cinema.oidc.next';
const OIDC_ERRORS = { access_denied: 'You cancelled signing in at the identity provider.' };

// "Sign in with <provider>" for each configured identity provider: a plain
// link (a navigation to our start route, which sends the browser on). Where
// to go afterwards waits in sessionStorage, not in the URL.
function providerButtons(next) {
  const box = h('div', { class: 'oidc-providers' });
  get('/v1/auth/oidc/providers').then((r) => {
    if (!r.items.length) return;
    put(box, h('p', { text: 'Or sign in with an identity provider:' }),
      h('ul', {}, r.items.map((p) => h('li', {}, h('a', {
        class: 'button secondary', href: `/v1/auth/oidc/${encodeURIComponent(p.id)}/start?redirect=%2F`,
        onclick: () => sessionStorage.setItem(OIDC_NEXT, next),
      }, `Sign in with ${p.name}`)))));
  }).catch(() => {});
  return box;
}

// Back from an identity provider: "#oidc_code=..." (or "#oidc_error=..."). The
// code leaves the address bar and the history at once, then is exchanged.
async function finishProviderSignIn() {
  const m = location.hash.match(/^#oidc_(code|error)=([A-Za-z0-9_-]{1,128})$/);
  if (!m) return false;
  history.replaceState(null, '', location.pathname + location.search);
  let next = sessionStorage.getItem(OIDC_NEXT) || '#/';
  sessionStorage.removeItem(OIDC_NEXT);
  if (!next.startsWith('#/')) next = '#/';
  if (m[1] === 'error') {
    next = `#/login?oidc_error=${encodeURIComponent(m[2])}`;
  } else {
    try {
      await loginWithCode(m[2]);
    } catch (e) {
      next = `#/login?oidc_error=${encodeURIComponent(e.message)}`;
    }
  }
  if (location.hash === next) route();
  else location.hash = next;
  return true;
}

function viewLogin(params) {
  const next = params.get('next') || '#/';
  const failed = params.get('oidc_error');
  put(main, h('h1', { text: 'Log in' }),
    failed ? errorBox(OIDC_ERRORS[failed] || `Signing in with the identity provider did not work: ${failed}`) : null,
    form({ class: 'account' }, [field('Email', { name: 'email', type: 'email', required: true, autocomplete: 'username' }),
      field('Password', { name: 'password', type: 'password', required: true, autocomplete: 'current-password' })],
    'Log in', async (fd) => {
      await login(fd.get('email'), fd.get('password'));
      location.hash = next;
    }),
    providerButtons(next),
    h('p', {}, 'New here? ', link('#/register', 'Register')));
}

function viewRegister() {
  put(main, h('h1', { text: 'Register' }),
    form({ class: 'account' }, [field('Name', { name: 'display_name', autocomplete: 'name' }),
      field('Email', { name: 'email', type: 'email', required: true, autocomplete: 'username' }),
      field('Password (at least 8 characters)', { name: 'password', type: 'password', required: true, autocomplete: 'new-password' })],
    'Create account', async (fd) => {
      const body = { email: fd.get('email'), password: fd.get('password') };
      if (fd.get('display_name')) body.display_name = fd.get('display_name');
      await post('/v1/auth/register', body);
      await login(body.email, body.password);
      location.hash = '#/';
    }));
}

// ---- owners -----------------------------------------------------------------

function toIso(local) {
  return local ? new Date(local).toISOString().replace(/\.\d{3}Z$/, 'Z') : undefined;
}

// Every page of a list (the API has no owner filter on cinemas and films).
async function allPages(path, keep, max = 100) {
  const out = [];
  let cursor = null;
  for (let i = 0; i < max; i++) {
    const r = await get(`${path}${path.includes('?') ? '&' : '?'}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    out.push(...r.items.filter(keep));
    cursor = r.next_cursor;
    if (!cursor) break;
  }
  return out;
}

const isMine = (x) => user().role === 'ADMIN' || x.owner_id === user().id;
const ownCinemas = () => allPages('/v1/cinemas', isMine);
const ownFilms = () => allPages('/v1/films', isMine);

function viewOwner() {
  if (!requireLogin()) return;
  const tabs = [['cinemas', 'Cinemas and halls'], ['films', 'Films'], ['shows', 'Shows'], ['bookings', 'Bookings'], ['stats', 'Statistics'], ['checkin', 'Check-in']];
  const area = h('section');
  const current = new URLSearchParams(location.hash.split('?')[1] || '').get('tab') || 'cinemas';
  put(main, h('h1', { text: 'Owner' }),
    h('nav', { class: 'tabs', 'aria-label': 'Owner sections' }, tabs.map(([k, t]) => h('a', { href: `#/owner?tab=${k}`, 'aria-current': k === current ? 'page' : null }, t))),
    area);
  ({ cinemas: ownerCinemas, films: ownerFilms, shows: ownerShows, bookings: ownerBookings, stats: ownerStats, checkin: ownerCheckin }[current] || ownerCinemas)(area);
}

function ownerCinemas(area) {
  const list = h('div');
  const load = () => fill(list, async () => {
    const cinemas = await ownCinemas();
    if (!cinemas.length) return empty('You have no cinemas yet: add one above.');
    const out = [];
    for (const c of cinemas) {
      const halls = await get(`/v1/cinemas/${c.id}/halls`);
      out.push(h('article', { class: 'card' }, h('h3', { text: `${c.name}, ${c.city}` }),
        halls.items.length ? h('ul', {}, halls.items.map((x) => h('li', { text: `${x.name}: ${x.seat_count} seats (${x.rows} × ${x.cols})` }))) : empty('No halls yet.'),
        hallEditor(c, load)));
    }
    return out;
  }, 'Loading your cinemas');
  put(area, h('h2', { text: 'Add a cinema' }),
    form({ class: 'inline' }, [field('Name', { name: 'name', required: true }), field('City', { name: 'city', required: true }),
      field('Address', { name: 'address' }), field('Time zone', { name: 'timezone', value: 'Europe/Berlin' })],
    'Add cinema', async (fd) => {
      const body = { name: fd.get('name'), city: fd.get('city') };
      if (fd.get('address')) body.address = fd.get('address');
      if (fd.get('timezone')) body.timezone = fd.get('timezone');
      const c = await post('/v1/cinemas', body);
      load();
      return `Added ${c.name}.`;
    }), h('h2', { text: 'Your cinemas' }), list);
  load();
}

// The seat-layout editor: a rows × columns grid; each cell cycles standard →
// VIP → accessible → companion → removed.
function hallEditor(cinema, done) {
  const CYCLE = ['S', 'V', 'A', 'C', '.'];
  const NAMES = { S: 'standard', V: 'VIP', A: 'accessible', C: 'companion', '.': 'removed' };
  let grid = [];
  const gridBox = h('div', { class: 'layout-grid', role: 'grid', 'aria-label': 'Seat layout' });
  const draw = () => {
    put(gridBox, ...grid.map((row, r) => h('div', { role: 'row', class: 'layout-row' }, row.map((cell, c) =>
      h('button', { type: 'button', role: 'gridcell', class: `cell t${cell === '.' ? 'gap' : cell}`, 'aria-label': `Grid row ${r + 1}, column ${c + 1}: ${NAMES[cell]}`,
        onclick: () => {
          grid[r][c] = CYCLE[(CYCLE.indexOf(cell) + 1) % CYCLE.length];
          draw();
          gridBox.querySelectorAll('.layout-row')[r].children[c].focus();
        } }, cell === '.' ? '·' : cell)))));
  };
  const rowsIn = h('input', { type: 'number', min: 1, max: 30, value: 5, name: 'rows' });
  const colsIn = h('input', { type: 'number', min: 1, max: 30, value: 8, name: 'cols' });
  const resize = () => {
    const R = Number(rowsIn.value) || 1, C = Number(colsIn.value) || 1;
    grid = Array.from({ length: R }, (_, r) => Array.from({ length: C }, (_, c) => (grid[r] && grid[r][c]) || 'S'));
    draw();
  };
  rowsIn.addEventListener('input', resize);
  colsIn.addEventListener('input', resize);
  resize();
  return h('details', { class: 'hall-editor' }, h('summary', { text: 'Add a hall with a seat layout' }),
    form({ class: 'inline' }, [field('Hall name', { name: 'name', required: true }),
      h('label', { class: 'field' }, h('span', { text: 'Rows' }), rowsIn), h('label', { class: 'field' }, h('span', { text: 'Columns' }), colsIn),
      h('p', { class: 'hint', text: 'Press a seat to change it: S standard, V VIP, A accessible, C companion (beside an accessible seat), · removed.' }), gridBox],
    'Create hall', async (fd) => {
      const hall = await post('/v1/halls', { cinema_id: cinema.id, name: fd.get('name'), layout: grid.map((r) => r.join('')) });
      done();
      return `Created ${hall.name}.`;
    }));
}

function ownerFilms(area) {
  const list = h('div');
  const load = () => fill(list, async () => {
    return table([['Title', (f) => f.title], ['Minutes', (f) => String(f.duration_min)], ['Rating', (f) => f.rating || '']], await ownFilms());
  });
  put(area, h('h2', { text: 'Add a film' }),
    form({ class: 'inline' }, [field('Title', { name: 'title', required: true }), field('Duration (minutes)', { name: 'duration_min', type: 'number', min: 1, max: 600, required: true }),
      field('Rating', { name: 'rating' }), field('Description', { name: 'description', tag: 'textarea' })],
    'Add film', async (fd) => {
      const body = { title: fd.get('title'), duration_min: Number(fd.get('duration_min')) };
      if (fd.get('rating')) body.rating = fd.get('rating');
      if (fd.get('description')) body.description = fd.get('description');
      const f = await post('/v1/films', body);
      load();
      return `Added the film ${f.title}.`;
    }), h('h2', { text: 'Your films' }), list);
  load();
}

function ownerShows(area) {
  const formBox = h('div');
  const list = h('div');
  put(area, h('h2', { text: 'Schedule a show' }), formBox, h('h2', { text: 'Your shows' }), list);
  const loadList = () => fill(list, async () => {
    const cinemas = await ownCinemas();
    const rows = [];
    for (const c of cinemas) {
      const halls = await get(`/v1/cinemas/${c.id}/halls`);
      for (const hall of halls.items) {
        const shows = await get(`/v1/halls/${hall.id}/shows?limit=100`);
        for (const sh of shows.items) rows.push({ ...sh, where: `${c.name}, ${hall.name}` });
      }
    }
    const out = h('div', {}, table([['Show', (x) => link(`#/shows/${x.id}`, x.film ? x.film.title : x.title)], ['Where', (x) => x.where],
      ['Starts', (x) => fmtTime(x.starts_at)], ['Status', (x) => x.status.toLowerCase()],
      ['', (x) => h('span', { class: 'actions' },
        h('a', { href: `#/owner?tab=bookings&show=${x.id}` }, 'Bookings'),
        x.status !== 'CANCELLED' ? h('button', { type: 'button', class: 'danger', onclick: async (ev) => {
          const reason = prompt('Why is the show cancelled? Customers see this.', 'Cancelled by the cinema');
          if (!reason) return;
          try {
            const r = await post(`/v1/shows/${x.id}/cancel`, { reason });
            ev.target.replaceWith(`Cancelled (${r.cancelled_reservations} reservations refunded)`);
          } catch (e) {
            ev.target.after(errorBox(e));
          }
        } }, 'Cancel show') : null)]], rows));
    return out;
  }, 'Loading your shows');
  fill(formBox, async () => {
    const cinemas = await ownCinemas();
    const halls = [];
    for (const c of cinemas) for (const x of (await get(`/v1/cinemas/${c.id}/halls`)).items) halls.push([x.id, `${c.name}: ${x.name}`]);
    if (!halls.length) return empty('Add a cinema and a hall first.');
    const films = await ownFilms();
    return form({ class: 'inline' }, [select('Hall', 'hall_id', halls), select('Film', 'film_id', [['', '(title only)'], ...films.map((f) => [f.id, f.title])]),
      field('Title (when no film is chosen)', { name: 'title' }),
      field('Starts', { name: 'starts_at', type: 'datetime-local', required: true }), field('Ends', { name: 'ends_at', type: 'datetime-local', required: true }),
      field('Currency', { name: 'currency', value: 'EUR', maxlength: 3 }),
      field('Standard price (€)', { name: 'p_STANDARD', type: 'number', step: '0.01', min: 0, value: '10.00', required: true }),
      field('VIP price (€)', { name: 'p_VIP', type: 'number', step: '0.01', min: 0 }),
      field('Accessible price (€)', { name: 'p_ACCESSIBLE', type: 'number', step: '0.01', min: 0 }),
      field('Companion price (€)', { name: 'p_COMPANION', type: 'number', step: '0.01', min: 0 })],
    'Schedule show', async (fd) => {
      const cents = (v) => Math.round(Number(v) * 100);
      const body = { hall_id: Number(fd.get('hall_id')), starts_at: toIso(fd.get('starts_at')), ends_at: toIso(fd.get('ends_at')),
        base_price_cents: cents(fd.get('p_STANDARD')), currency: fd.get('currency') || 'EUR' };
      if (fd.get('film_id')) body.film_id = Number(fd.get('film_id'));
      if (fd.get('title')) body.title = fd.get('title');
      const prices = {};
      for (const t of ['VIP', 'ACCESSIBLE', 'COMPANION']) if (fd.get(`p_${t}`) !== '') prices[t] = cents(fd.get(`p_${t}`));
      if (Object.keys(prices).length) body.prices = prices;
      const sh = await post('/v1/shows', body);
      loadList();
      return `Scheduled show ${sh.id}: ${Object.entries(sh.prices || {}).map(([k, v]) => `${TYPE_NAMES[k]} ${fmtMoney(v, sh.currency)}`).join(', ')}.`;
    });
  }, 'Loading your halls');
  loadList();
}

function filtersForm(fields, onApply) {
  return form({ class: 'inline filters' }, fields, 'Apply filters', async (fd) => {
    const q = new URLSearchParams();
    for (const [k, v] of fd.entries()) if (v) q.set(k, k === 'from' || k === 'to' ? toIso(v) : v);
    await onApply(q);
  });
}

function bookingsTable(items) {
  return table([['Reservation', (b) => String(b.id || b.reservation_id)], ['Show', (b) => (b.show ? `${b.show.title}, ${fmtTime(b.show.starts_at)}` : String(b.show_id))],
    ['Cinema', (b) => (b.cinema ? b.cinema.name : '')], ['Customer', (b) => (b.user ? b.user.email : String(b.user_id || ''))],
    ['Seats', (b) => (b.seats || []).map((z) => `${z.row}${z.number}`).join(' ')], ['Total', (b) => fmtMoney(b.total_cents, b.currency)],
    ['Status', (b) => (b.status || '').toLowerCase()], ['Source', (b) => (b.source || '').toLowerCase()]], items);
}

function ownerBookings(area) {
  const list = h('div');
  const show = new URLSearchParams(location.hash.split('?')[1] || '').get('show') || '';
  const load = (q) => fill(list, async () => bookingsTable((await get(`/v1/owner/bookings?limit=100&${q}`)).items), 'Loading bookings');
  put(area, filtersForm([field('Show id', { name: 'show_id', value: show, inputmode: 'numeric' }),
    select('Status', 'status', [['', 'any'], ['CONFIRMED', 'confirmed'], ['CANCELLED', 'cancelled']])], load), list);
  load(new URLSearchParams(show ? { show_id: show } : {}));
}

const moneyMap = (m) => Object.entries(m || {}).map(([cur, c]) => fmtMoney(c, cur)).join(', ') || '—';

function statsView(data) {
  const t = data.totals || {};
  return [h('p', { class: 'meta', text: `${fmtTime(data.from)} to ${fmtTime(data.to)}: revenue ${moneyMap(t.revenue_cents)}, ${t.reservations ?? 0} reservations, ${t.tickets ?? 0} tickets` }),
    h('h2', { text: 'Per show' }),
    table([['Show', (x) => link(`#/shows/${x.show_id}`, x.title)], ['Starts', (x) => fmtTime(x.starts_at)], ['Cinema', (x) => x.cinema_name || ''],
      ['Sold', (x) => `${x.sold} of ${x.seats}`], ['Held', (x) => String(x.held)], ['Occupancy', (x) => `${x.occupancy_pct}%`],
      ['Revenue', (x) => moneyMap(x.revenue_cents)], ['Cancellations', (x) => String(x.cancellations)],
      ['Waiting list', (x) => (x.waitlist ? `${x.waitlist.waiting} waiting, ${x.waitlist.assigned} assigned` : '')]], data.shows || []),
    h('h2', { text: 'Per day' }),
    table([['Day', (d) => d.day], ['Revenue', (d) => fmtMoney(d.revenue_cents, d.currency)], ['Reservations', (d) => String(d.reservations)], ['Tickets', (d) => String(d.tickets)]], data.days || [])];
}

function ownerStats(area) {
  const out = h('div');
  put(area, out);
  fill(out, async () => statsView(await get('/v1/owner/stats')), 'Loading statistics');
}

function ownerCheckin(area) {
  const result = h('div', { 'aria-live': 'polite' });
  put(area, h('h2', { text: 'Check a ticket in' }),
    form({ class: 'inline' }, [field('Ticket code (scan or type it)', { name: 'code', required: true, autocomplete: 'off' })], 'Check in', async (fd, f) => {
      const r = await post('/v1/checkin', { code: fd.get('code').trim() });
      f.reset();
      return `Checked in: row ${r.seat ? r.seat.row : r.ticket.row}, seat ${r.seat ? r.seat.number : r.ticket.number} for ${r.show ? r.show.title : 'the show'}.`;
    }), result);
}

// ---- admins -----------------------------------------------------------------

function viewAdmin() {
  if (!requireLogin()) return;
  const tabs = [['users', 'Users'], ['audit', 'Audit feed'], ['bookings', 'Bookings'], ['stats', 'Statistics']];
  const area = h('section');
  const current = new URLSearchParams(location.hash.split('?')[1] || '').get('tab') || 'users';
  put(main, h('h1', { text: 'Admin' }),
    h('nav', { class: 'tabs', 'aria-label': 'Admin sections' }, tabs.map(([k, t]) => h('a', { href: `#/admin?tab=${k}`, 'aria-current': k === current ? 'page' : null }, t))),
    area);
  ({ users: adminUsers, audit: adminAudit, bookings: adminBookings, stats: adminStats }[current] || adminUsers)(area);
}

function adminUsers(area) {
  const list = h('div');
  const load = (q = new URLSearchParams()) => fill(list, async () => {
    const r = await get(`/v1/admin/users?limit=200&${q}`);
    return table([['Id', (u) => String(u.id)], ['Email', (u) => u.email], ['Name', (u) => u.display_name || ''],
      ['Role', (u) => {
        const sel = h('select', { 'aria-label': `Role of ${u.email}` }, ['CUSTOMER', 'OWNER', 'ADMIN'].map((x) => h('option', { value: x, selected: x === u.role }, x.toLowerCase())));
        sel.addEventListener('change', () => change(u, { role: sel.value }, sel));
        return sel;
      }],
      ['Disabled', (u) => {
        const cb = h('input', { type: 'checkbox', checked: u.disabled, 'aria-label': `${u.email} is disabled` });
        cb.addEventListener('change', () => change(u, { disabled: cb.checked }, cb));
        return cb;
      }]], r.items);
  }, 'Loading users');
  async function change(u, body, el) {
    const note = el.parentElement.querySelector('.cell-note') || h('span', { class: 'cell-note', role: 'status' });
    el.after(note);
    try {
      await patch(`/v1/admin/users/${u.id}`, body);
      note.textContent = ' saved';
    } catch (e) {
      put(note, errorBox(e));
    }
  }
  put(area, filtersForm([field('Email contains', { name: 'q' }), select('Role', 'role', [['', 'any'], ['CUSTOMER', 'customer'], ['OWNER', 'owner'], ['ADMIN', 'admin']])], load), list);
  load();
}

function adminAudit(area) {
  const list = h('div');
  const load = (q = new URLSearchParams()) => fill(list, async () => {
    const r = await get(`/v1/admin/audit-logs?limit=100&${q}`);
    return table([['When', (e) => fmtTime(e.at)], ['Action', (e) => e.action], ['Entity', (e) => `${e.entity} ${e.entity_id ?? ''}`],
      ['Actor', (e) => (e.actor_id ? `${e.actor_role ? e.actor_role.toLowerCase() : ''} ${e.actor_id}` : 'system')]], r.items);
  }, 'Loading the audit feed');
  put(area, filtersForm([field('Actor id', { name: 'actor_id', inputmode: 'numeric' }), field('Entity', { name: 'entity' }),
    field('Entity id', { name: 'entity_id', inputmode: 'numeric' }), field('Action', { name: 'action' }),
    field('From', { name: 'from', type: 'datetime-local' }), field('To', { name: 'to', type: 'datetime-local' })], load), list);
  load();
}

function adminBookings(area) {
  const list = h('div');
  const load = (q = new URLSearchParams()) => fill(list, async () => bookingsTable((await get(`/v1/admin/bookings?limit=100&${q}`)).items), 'Loading bookings');
  put(area, filtersForm([field('Show id', { name: 'show_id', inputmode: 'numeric' }), field('Cinema id', { name: 'cinema_id', inputmode: 'numeric' }),
    field('User id', { name: 'user_id', inputmode: 'numeric' }),
    select('Status', 'status', [['', 'any'], ['CONFIRMED', 'confirmed'], ['CANCELLED', 'cancelled']]),
    select('Source', 'source', [['', 'any'], ['DIRECT', 'direct'], ['WAITLIST', 'waiting list']]),
    field('From', { name: 'from', type: 'datetime-local' }), field('To', { name: 'to', type: 'datetime-local' })], load), list);
  load();
}

function adminStats(area) {
  const out = h('div');
  put(area, out);
  fill(out, async () => statsView(await get('/v1/admin/stats')), 'Loading statistics');
}

// ---- router -----------------------------------------------------------------

const routes = [
  [/^\/$/, viewHome], [/^\/films$/, viewFilms], [/^\/films\/(\d+)$/, viewFilm], [/^\/cinemas$/, viewCinemas],
  [/^\/cinemas\/(\d+)$/, viewCinema], [/^\/shows\/(\d+)$/, viewShow], [/^\/me$/, viewMe], [/^\/login$/, viewLogin],
  [/^\/register$/, viewRegister], [/^\/owner$/, viewOwner], [/^\/admin$/, viewAdmin],
];

function route() {
  if (location.hash && !location.hash.startsWith('#/')) return; // an in-page anchor (the skip link)
  if (teardown) {
    teardown();
    teardown = null;
  }
  const [path, query] = (location.hash.replace(/^#/, '') || '/').split('?');
  const params = new URLSearchParams(query || '');
  for (const [re, view] of routes) {
    const m = path.match(re);
    if (m) {
      view(m[1] || params, params);
      main.focus({ preventScroll: true });
      return;
    }
  }
  put(main, h('h1', { text: 'Not found' }), h('p', {}, 'There is no such page. ', link('#/', 'Back to what’s on')));
}

window.addEventListener('hashchange', route);
window.addEventListener('session', renderNav);
renderNav();
finishProviderSignIn().then((handled) => handled || route());
// The session's user, fresh (role changes show up on the next load).
if (session.get()) {
  api('GET', '/v1/me').then((me) => session.set({ ...session.get(), user: me })).catch(() => {});
}
