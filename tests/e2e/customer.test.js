// A customer on a phone-sized screen finds a show, picks two seats, holds,
// confirms, and sees the reservation and its tickets; errors come in words.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { account, venue, show, launch, close, page, withShots, seat, uniq } from './lib.js';

let p;
before(launch);
after(close);

test('a customer books two seats and sees the reservation and its tickets', async () => {
  const v = await venue();
  const title = uniq('Moonrise');
  const sh = await show(v, title, 30);
  const customer = await account('customer');
  p = await page(null, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await withShots('customer-books', () => [p], async () => {
    await p.goto('/#/login');
    await p.getByLabel('Email').fill(customer.email);
    await p.getByLabel('Password').fill('wrong-password-1');
    await p.getByRole('button', { name: 'Log in' }).click();
    // The 401 problem, in words.
    await p.getByRole('alert').filter({ hasText: /Sorry:/ }).waitFor();
    await p.getByLabel('Password').fill(customer.password);
    await p.getByRole('button', { name: 'Log in' }).click();
    await p.getByRole('button', { name: /Log out/ }).waitFor();

    await p.getByRole('searchbox', { name: 'Search shows' }).fill(title);
    await p.getByRole('button', { name: 'Search' }).click();
    await p.getByRole('link', { name: title }).click();
    await p.waitForURL(`**/#/shows/${sh.id}`);

    // The seat map fits the phone's width.
    const box = await p.locator('svg.seatmap').boundingBox();
    assert.ok(box.width <= 390, `seat map ${box.width}px wide on a 390px screen`);

    const b3 = seat(p, 'B', 3), b4 = seat(p, 'B', 4);
    assert.equal(await b3.getAttribute('aria-label'), 'Row B, seat 3, standard, €10.00, free');
    await b3.tap();
    await b4.tap();
    assert.equal(await b3.getAttribute('aria-checked'), 'true');
    assert.match(await b4.getAttribute('aria-label'), /^Row B, seat 4, standard, €10\.00, selected$/);
    await p.getByRole('button', { name: 'Hold 2 seats (€20.00)' }).click();
    await p.getByRole('timer').filter({ hasText: /Held for you for \d+:\d\d more/ }).waitFor();
    assert.match(await p.locator('.total').textContent(), /Total €20\.00/);

    // (The test stack's holds last 3 s: confirm at once.)
    await p.getByRole('button', { name: 'Confirm and pay' }).click();
    await p.getByText(/Booked! Reservation \d+/).waitFor();
    assert.match(await b3.getAttribute('aria-label'), /, sold$/);

    await p.getByRole('link', { name: 'See it with its tickets' }).click();
    const card = p.locator('.reservation').first();
    await card.getByText(/confirmed · €20\.00/).waitFor();
    assert.match(await card.textContent(), /row B seat 3, row B seat 4/);
    await card.getByRole('button', { name: 'Show tickets' }).click();
    await p.getByRole('img', { name: 'QR code of the ticket for row B, seat 3' }).waitFor();
    assert.equal(await p.locator('.ticket svg.qr').count(), 2);
    assert.equal(await p.locator('.ticket').first().getByText('valid').count(), 1);
    assert.deepEqual(p.errors, []);
  });
});

test('a declined payment is shown in words', async () => {
  const v = await venue(['SSS']);
  const sh = await show(v, uniq('Declined'), 34);
  const customer = await account('declined');
  const d = await page(customer);
  await withShots('declined', () => [d], async () => {
    await d.goto(`/#/shows/${sh.id}`);
    await seat(d, 'A', 2).click();
    await d.getByRole('button', { name: 'Hold 1 seat (€10.00)' }).click();
    await d.getByLabel(/Payment token/).fill('tok_decline');
    await d.getByRole('button', { name: 'Confirm and pay' }).click();
    // The 402 problem (or, on a slow machine, the expired hold's 410), in words.
    const alert = d.locator('[role=alert]');
    await alert.waitFor();
    assert.match(await alert.textContent(), /^Sorry: \w.{8,}/);
  });
});

test('a visitor registers; an expired access token is refreshed unnoticed; log out', async () => {
  const r = await page(null);
  const email = `${uniq('visitor')}@e2e.example`;
  await withShots('register', () => [r], async () => {
    await r.goto('/#/register');
    await r.getByLabel('Name').fill('Visitor');
    await r.getByLabel('Email').fill(email);
    await r.getByLabel(/Password/).fill('visitor-pass-123');
    await r.getByRole('button', { name: 'Create account' }).click();
    await r.getByRole('button', { name: `Log out (${email})` }).waitFor();
    // The access token goes bad; the refresh token still works.
    await r.evaluate(() => {
      const s = JSON.parse(localStorage.getItem('cinema.session'));
      localStorage.setItem('cinema.session', JSON.stringify({ ...s, access_token: 'no.longer.valid' }));
    });
    await r.goto('/#/me');
    await r.getByText('You have no reservations yet.', { exact: false }).waitFor();
    assert.equal(await r.locator('[role=alert]').count(), 0);
    assert.notEqual(await r.evaluate(() => JSON.parse(localStorage.getItem('cinema.session')).access_token), 'no.longer.valid');
    await r.getByRole('button', { name: /Log out/ }).click();
    await r.getByRole('link', { name: 'Log in' }).waitFor();
    assert.equal(await r.evaluate(() => localStorage.getItem('cinema.session')), null);
  });
});
