// The cinema web client: plain ES modules, no framework, hash routes. This
// file is the navigation and the router; each view lives in views/<area>.js
// and the shared helpers in dom.js.
import { api, session, login, logout } from './api.js';
import { main, h, s, put, user, link, leavePage } from './dom.js';
import { viewHome, viewFilms, viewFilm, viewCinemas, viewCinema } from './views/browse.js';
import { viewShow } from './views/show.js';
import { viewMe } from './views/me.js';
import { finishProviderSignIn, viewLogin, viewRegister } from './views/account.js';
import { viewOwner } from './views/owner.js';
import { viewAdmin } from './views/admin.js';

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

// ---- router -----------------------------------------------------------------

const routes = [
  [/^\/$/, viewHome], [/^\/films$/, viewFilms], [/^\/films\/(\d+)$/, viewFilm], [/^\/cinemas$/, viewCinemas],
  [/^\/cinemas\/(\d+)$/, viewCinema], [/^\/shows\/(\d+)$/, viewShow], [/^\/me$/, viewMe], [/^\/login$/, viewLogin],
  [/^\/register$/, viewRegister], [/^\/owner$/, viewOwner], [/^\/admin$/, viewAdmin],
];

export function route() {
  if (location.hash && !location.hash.startsWith('#/')) return; // an in-page anchor (the skip link)
  leavePage();
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
