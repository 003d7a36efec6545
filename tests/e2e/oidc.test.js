// Signing in with an identity provider from the web client: the login page
// lists the stack's demo provider, its button leads to the provider's own
// sign-in page, and the browser comes back signed in, with the one-time code
// gone from the address bar.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, close, page, uniq, withShots } from './lib.js';

before(launch);
after(close);

test('sign in with the demo identity provider', async () => {
  const p = await page(null);
  const email = `${uniq('oidc')}@e2e.example`;
  await withShots('oidc sign-in', () => [p], async () => {
    await p.goto('/#/login');
    await p.getByRole('link', { name: 'Sign in with Demo ID' }).click();
    // The provider's page (another origin): the test stack's provider takes any email.
    await p.getByRole('heading', { name: 'Demo ID' }).waitFor();
    await p.getByLabel('Email').fill(email);
    await p.getByLabel('Password').fill('test-pass');
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('button', { name: `Log out (${email})` }).waitFor();
    assert.doesNotMatch(p.url(), /oidc_code/);
    const session = await p.evaluate(() => JSON.parse(localStorage.getItem('cinema.session')));
    assert.equal(session.user.email, email);
    assert.ok(session.refresh_token);
    assert.deepEqual(p.errors, []);
  });
});

test('cancelling at the provider shows why on the login page', async () => {
  const p = await page(null);
  await withShots('oidc cancelled', () => [p], async () => {
    await p.goto('/#oidc_error=access_denied');
    await p.getByRole('alert').filter({ hasText: 'You cancelled signing in' }).waitFor();
    assert.doesNotMatch(p.url(), /#oidc_error/);
  });
});
