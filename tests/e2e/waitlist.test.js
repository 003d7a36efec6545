// A sold-out show's waiting list gets a seat when another browser cancels.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { account, venue, show, call, launch, close, page, withShots, uniq, runWorker } from './lib.js';

before(launch);
after(close);

test('the waiting list gets the seat another browser gives back', async () => {
  const v = await venue(['SS']);
  const sh = await show(v, uniq('Premiere'), 33);
  const [fan, waiter] = await Promise.all([account('fan'), account('waiter')]);
  const hold = await call('POST', `/v1/shows/${sh.id}/hold`, { count: 2, together: true }, fan.token);
  await call('POST', `/v1/shows/${sh.id}/confirm`, { hold_id: hold.hold_id, payment_token: 'tok_visa' }, fan.token);

  const w = await page(waiter), f = await page(fan);
  await withShots('waitlist', () => [w, f], async () => {
    await w.goto(`/#/shows/${sh.id}`);
    await w.getByRole('heading', { name: 'Sold out: join the waiting list' }).waitFor();
    await w.getByRole('spinbutton', { name: 'Seats' }).fill('1');
    await w.getByRole('button', { name: 'Join the waiting list' }).click();
    await w.getByText(/Your entry: Waiting/).waitFor();
    // Leave and join again: both work.
    await w.getByRole('button', { name: 'Leave the waiting list' }).click();
    await w.getByRole('button', { name: 'Join the waiting list' }).click();
    await w.getByText(/Your entry: Waiting/).waitFor();

    await f.goto('/#/me');
    f.on('dialog', (d) => d.accept());
    await f.locator('.reservation').getByRole('button', { name: 'Cancel reservation' }).click();
    await f.locator('.reservation').getByText(/cancelled/).waitFor();

    runWorker(); // the test stack runs no scheduler: one pass, as cron would
    await w.getByText(/Your entry: Seats assigned: reservation \d+/).waitFor({ timeout: 15000 });
    const mine = await call('GET', '/v1/my-reservations', undefined, waiter.token);
    assert.equal(mine.items.length, 1);
    assert.equal(mine.items[0].source, 'WAITLIST');
  });
});
