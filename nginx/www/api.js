// The API on this origin: bearer tokens kept in localStorage, a silent
// refresh on 401, and problem+json turned into an Error with words in it.

const KEY = 'cinema.session';

export const session = {
  get() {
    try {
      return JSON.parse(localStorage.getItem(KEY)) || null;
    } catch {
      return null;
    }
  },
  set(s) {
    if (s) localStorage.setItem(KEY, JSON.stringify(s));
    else localStorage.removeItem(KEY);
    window.dispatchEvent(new Event('session'));
  },
};

export class ApiError extends Error {
  constructor(status, problem) {
    const words = problem && (problem.detail || problem.title);
    super(words || `The server answered ${status}`);
    this.status = status;
    this.problem = problem || {};
  }
  // Field errors of a 400 ("errors": [{"field","message"}] or an object).
  fields() {
    const e = this.problem.errors;
    if (!e) return [];
    if (Array.isArray(e)) return e.map((x) => `${x.field || x.name || ''} ${x.message || x.detail || ''}`.trim());
    return Object.entries(e).map(([k, v]) => `${k}: ${v}`);
  }
}

let refreshing = null;

async function refresh() {
  const s = session.get();
  if (!s || !s.refresh_token) return false;
  if (!refreshing) {
    refreshing = (async () => {
      const r = await fetch('/v1/auth/refresh', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ refresh_token: s.refresh_token }),
      });
      if (!r.ok) {
        session.set(null);
        return false;
      }
      const t = await r.json();
      session.set({ ...s, access_token: t.access_token, refresh_token: t.refresh_token });
      return true;
    })().finally(() => (refreshing = null));
  }
  return refreshing;
}

export async function api(method, path, body, retried = false) {
  const headers = { Accept: 'application/json' };
  const s = session.get();
  if (s && s.access_token) headers.Authorization = `Bearer ${s.access_token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let r;
  try {
    r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, { detail: 'The server cannot be reached. Check your connection and try again.' });
  }
  if (r.status === 401 && s && !retried && !path.startsWith('/v1/auth/')) {
    if (await refresh()) return api(method, path, body, true);
  }
  if (r.status === 204) return null;
  const type = r.headers.get('Content-Type') || '';
  const data = type.includes('json') ? await r.json().catch(() => null) : null;
  if (!r.ok) throw new ApiError(r.status, data);
  return data;
}

export const get = (p) => api('GET', p);
export const post = (p, b = {}) => api('POST', p, b);
export const patch = (p, b) => api('PATCH', p, b);
export const del = (p) => api('DELETE', p);

export async function login(email, password) {
  const t = await post('/v1/auth/login', { email, password });
  session.set({ access_token: t.access_token, refresh_token: t.refresh_token });
  const me = await get('/v1/me');
  session.set({ ...session.get(), user: me });
  return me;
}

// The one-time code of a sign-in with an identity provider (the callback put it
// in the address's fragment) exchanged for the same token pair login gives.
export async function loginWithCode(code) {
  const t = await post('/v1/auth/oidc/exchange', { code });
  session.set({ access_token: t.access_token, refresh_token: t.refresh_token });
  const me = await get('/v1/me');
  session.set({ ...session.get(), user: me });
  return me;
}

export async function logout() {
  const s = session.get();
  if (s && s.refresh_token) {
    await post('/v1/auth/logout', { refresh_token: s.refresh_token }).catch(() => {});
  }
  session.set(null);
}
