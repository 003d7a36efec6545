// My bookings: reservations, tickets (QR codes) and the waiting list.
import { get, del } from '../api.js';
import { qrSvg } from '../qr.js';
import { main, h, s, fmtMoney, fmtTime, errorBox, put, empty, fill, table, link } from '../dom.js';
import { requireLogin } from './account.js';

// ---- customer: my bookings ----------------------------------------------------

const showCache = new Map();
async function showTitle(id) {
  if (!showCache.has(id)) {
    showCache.set(id, get(`/v1/shows/${id}`).then((x) => `${x.film ? x.film.title : x.title}, ${fmtTime(x.starts_at)}`).catch(() => `Show ${id}`));
  }
  return showCache.get(id);
}

export function viewMe() {
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
