// Customer pages: what's on, films, cinemas.
import { get } from '../api.js';
import { main, h, s, fmtMoney, fmtTime, put, empty, fill, form } from '../dom.js';

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

export function viewHome(params) {
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

export function viewFilms() {
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

export function viewFilm(id) {
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

export function viewCinemas() {
  const list = h('section');
  put(main, h('h1', { text: 'Cinemas' }), list);
  fill(list, async () => {
    const r = await get('/v1/cinemas?limit=100');
    if (!r.items.length) return empty('No cinemas yet.');
    return h('ul', { class: 'cards' }, r.items.map((c) => h('li', { class: 'card' },
      h('a', { class: 'card-title', href: `#/cinemas/${c.id}` }, c.name), h('div', { class: 'meta', text: `${c.city} · ${c.address || ''}` }))));
  }, 'Loading cinemas');
}

export function viewCinema(id) {
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
