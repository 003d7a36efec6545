// An admin demotes an owner and finds the change in the audit feed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { account, launch, close, page, withShots } from './lib.js';

before(launch);
after(close);

test('an admin demotes an owner and finds the change in the audit feed', async () => {
  const [admin, owner] = await Promise.all([account('admin', 'ADMIN'), account('demoted', 'OWNER')]);
  const p = await page(admin);
  await withShots('admin', () => [p], async () => {
    await p.goto('/#/admin?tab=users');
    await p.getByLabel('Email contains').fill(owner.email);
    await p.getByRole('button', { name: 'Apply filters' }).click();
    const role = p.getByLabel(`Role of ${owner.email}`);
    await role.waitFor();
    assert.equal(await role.inputValue(), 'OWNER');
    await role.selectOption('CUSTOMER');
    await p.getByText('saved').waitFor();

    await p.getByRole('link', { name: 'Audit feed' }).click();
    await p.getByLabel('Entity id').fill(String(owner.id));
    await p.getByLabel('Entity', { exact: true }).fill('user');
    await p.getByRole('button', { name: 'Apply filters' }).click();
    const row = p.locator('tbody tr').filter({ hasText: 'user.role_change' });
    await row.waitFor();
    assert.match(await row.textContent(), new RegExp(`user ${owner.id}.*admin ${admin.id}`));

    await p.getByRole('link', { name: 'Statistics' }).click();
    await p.getByRole('heading', { name: 'Per show' }).waitFor();
    assert.match(await p.locator('main p.meta').first().textContent(), /revenue .* reservations, \d+ tickets/);
    await p.getByRole('link', { name: 'Bookings', exact: true }).click();
    await p.getByRole('button', { name: 'Apply filters' }).waitFor();
    await p.locator('main table, main .empty').first().waitFor();
  });
});
