// Keyboard alone: Tab reaches the seats, the arrow keys move between them,
// Space chooses; every seat's accessible name says row, number, type, price, state.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { account, venue, show, launch, close, page, withShots, uniq } from './lib.js';

before(launch);
after(close);

test('seats are chosen with the keyboard alone and are named for screen readers', async () => {
  const v = await venue();
  const sh = await show(v, uniq('Keys'), 31);
  const customer = await account('keys');
  const p = await page(customer);
  await withShots('keyboard', () => [p], async () => {
    await p.goto(`/#/shows/${sh.id}`);
    const seats = p.getByRole('checkbox');
    await seats.first().waitFor();
    const names = await seats.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    assert.equal(names.length, 22);
    for (const n of names) assert.match(n, /^Row [A-D], seat \d+, (standard|VIP|accessible|companion), €\d+\.\d\d, free$/);
    assert.ok(names.includes('Row A, seat 1, VIP, €14.00, free'));
    assert.ok(names.includes('Row D, seat 2, companion, €0.00, free'));

    // Tab from the page's start until a seat has focus.
    await p.locator('body').focus();
    let focused = '';
    for (let i = 0; i < 40 && !focused.startsWith('Row '); i++) {
      await p.keyboard.press('Tab');
      focused = await p.evaluate(() => document.activeElement.getAttribute('aria-label') || '');
    }
    assert.equal(focused, 'Row A, seat 1, VIP, €14.00, free');
    const name = () => p.evaluate(() => document.activeElement.getAttribute('aria-label'));
    await p.keyboard.press('ArrowRight');
    assert.equal(await name(), 'Row A, seat 2, VIP, €14.00, free');
    await p.keyboard.press('ArrowDown');
    assert.equal(await name(), 'Row B, seat 2, standard, €10.00, free');
    await p.keyboard.press('Space');
    assert.equal(await name(), 'Row B, seat 2, standard, €10.00, selected');
    assert.equal(await p.evaluate(() => document.activeElement.getAttribute('aria-checked')), 'true');
    await p.keyboard.press('ArrowLeft');
    await p.keyboard.press('Enter');
    assert.equal(await name(), 'Row B, seat 1, standard, €10.00, selected');
    // Tab goes on to the next seat as well.
    await p.keyboard.press('Tab');
    assert.equal(await name(), 'Row B, seat 2, standard, €10.00, selected');
    await p.getByRole('button', { name: 'Hold 2 seats (€20.00)' }).waitFor();
  });
});
