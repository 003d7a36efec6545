// The show page: the live seat map, holding, paying and the waiting list.
import { get, post, del, login } from '../api.js';
import { main, h, s, fmtMoney, fmtTime, TYPE_NAMES, STATE_NAMES, errorBox, put, loading, empty, form, field, user, link, onLeave } from '../dom.js';

// ---- customer: the show page and its seat map -------------------------------

function seatName(seat, currency, selected) {
  const state = selected ? 'selected' : STATE_NAMES[seat.status] || seat.status.toLowerCase();
  return `Row ${seat.row}, seat ${seat.number}, ${TYPE_NAMES[seat.type] || seat.type}, ${fmtMoney(seat.price_cents, currency)}, ${state}`;
}

export function viewShow(id) {
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

  onLeave(() => {
    clearInterval(state.timer);
    clearTimeout(state.waitPoll);
    if (state.es) state.es.close();
  });

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
