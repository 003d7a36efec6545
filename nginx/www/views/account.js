// Signing in (password or an identity provider) and registering.
import { get, post, login, loginWithCode } from '../api.js';
import { main, h, errorBox, put, form, field, user, link } from '../dom.js';
import { route } from '../app.js';

// ---- accounts ---------------------------------------------------------------

export function requireLogin() {
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
export async function finishProviderSignIn() {
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

export function viewLogin(params) {
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

export function viewRegister() {
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
