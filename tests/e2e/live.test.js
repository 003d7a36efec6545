// Two browsers on one show see each other's holds live, without a reload.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { account, venue, show, launch, close, page, withShots, seat, uniq } from './lib.js';

before(launch);
after(close);

test("another customer's hold greys the seat live in the first browser", async () => {
  const v = await venue();
  const sh = await show(v, uniq('Live'), 32);
  const [alice, bob] = await Promise.all([account('alice'), account('bob')]);
  const a = await page(alice), b = await page(bob);
  await withShots('live', () => [a, b], async () => {
    await Promise.all([a.goto(`/#/shows/${sh.id}`), b.goto(`/#/shows/${sh.id}`)]);
    await seat(a, 'C', 5).waitFor();
    await seat(b, 'C', 5).waitFor();
    await a.waitForTimeout(300); // the event stream is open
    const loads = [];
    a.on('request', (r) => {
      if (r.url().endsWith('/seats')) loads.push(r.url());
    });
    await seat(b, 'C', 5).click();
    await b.getByRole('button', { name: /^Hold 1 seat/ }).click();
    await b.getByRole('timer').waitFor();
    const t0 = Date.now();
    await a.waitForFunction(() => /, held$/.test(document.querySelector('[aria-label^="Row C, seat 5,"]').getAttribute('aria-label')), null, { timeout: 5000 });
    console.log(`live hold seen by the other browser after ${Date.now() - t0} ms`);
    assert.ok(await seat(a, 'C', 5).evaluate((e) => e.classList.contains('held')));
    assert.deepEqual(loads, [], 'applied from the event, without re-reading the map');

  });
});
