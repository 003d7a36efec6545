// The first load of `/`: every response the page needs, gzip-compressed,
// stays under 150 KB; the page sends its Content-Security-Policy.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { BASE, launch, close, page } from './lib.js';

before(launch);
after(close);

test('the first load is small and under a strict CSP', async () => {
  const p = await page(null);
  const sizes = [];
  p.on('response', async (r) => {
    if (!new URL(r.url()).pathname.startsWith('/v1/')) {
      const body = await r.body().catch(() => Buffer.alloc(0));
      sizes.push([new URL(r.url()).pathname, body.length, gzipSync(body, { level: 9 }).length]);
    }
  });
  const resp = await p.goto('/');
  await p.getByRole('heading', { name: 'What’s on' }).waitFor();
  await p.waitForLoadState('networkidle');
  const csp = resp.headers()['content-security-policy'];
  assert.match(csp, /default-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  const total = sizes.reduce((a, [, , g]) => a + g, 0);
  console.log(`first load: ${sizes.map(([n, r, g]) => `${n} ${r} B (${g} B gzip)`).join(', ')}; total ${total} B gzip`);
  assert.ok(sizes.length >= 4, 'index.html, site.css, app.js, api.js, qr.js');
  assert.ok(total < 150 * 1024, `${total} B`);
  assert.deepEqual(p.errors, []);
  // nginx sends the scripts compressed.
  const js = await fetch(new URL('/app.js', BASE), { headers: { 'Accept-Encoding': 'gzip' } });
  assert.equal(js.headers.get('content-encoding'), 'gzip');
});
