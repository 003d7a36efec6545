// Admin pages: users and roles, the audit feed, every booking, figures.
import { get, patch } from '../api.js';
import { main, h, fmtTime, errorBox, put, fill, field, select, table } from '../dom.js';
import { requireLogin } from './account.js';
import { filtersForm, bookingsTable, statsView } from './owner.js';

// ---- admins -----------------------------------------------------------------

export function viewAdmin() {
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
