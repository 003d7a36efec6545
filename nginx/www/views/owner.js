// Owner pages: cinemas, halls and their layouts, films, shows, bookings,
// figures and check-in.
import { get, post } from '../api.js';
import { main, h, fmtMoney, fmtTime, TYPE_NAMES, errorBox, put, empty, fill, form, field, select, table, user, link } from '../dom.js';
import { requireLogin } from './account.js';

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

export function viewOwner() {
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

export function filtersForm(fields, onApply) {
  return form({ class: 'inline filters' }, fields, 'Apply filters', async (fd) => {
    const q = new URLSearchParams();
    for (const [k, v] of fd.entries()) if (v) q.set(k, k === 'from' || k === 'to' ? toIso(v) : v);
    await onApply(q);
  });
}

export function bookingsTable(items) {
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

export function statsView(data) {
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
