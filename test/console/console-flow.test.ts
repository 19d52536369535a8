import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { VsipClient } from '../../src/client/index.js';
import { axeScan, launchChromium, screenshot, watchPage } from '../support/console-browser.js';
import { startCliServer, type CliServer } from '../support/cli-server.js';
import { REPO_ROOT } from '../support/serve-process.js';
import { runSipp } from '../support/sipp.js';

/**
 * The console in real headless Chromium against a real `vsip serve`: everything a PBX admin does
 * on a first day, checked through the page and, behind it, through the API.
 */
let srv: CliServer;
let browser: Browser;
let page: Page;
let problems: string[];
const UI_TIMEOUT = 20_000;

before(async () => {
  srv = await startCliServer();
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(UI_TIMEOUT);
  page = await context.newPage();
  problems = watchPage(page);
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

const api = (token = srv.account.api_token) =>
  new VsipClient({
    baseUrl: srv.serve.api ?? '',
    accountSid: srv.account.account_sid,
    apiKey: srv.account.api_key,
    apiToken: token,
  });

const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });

const pbxCall = (scenario: string, dialled: string, caller: string) =>
  runSipp({
    args: [
      `127.0.0.1:${srv.sip.udp}`,
      '-sf',
      join(REPO_ROOT, 'docs/first-call', scenario),
      '-s',
      dialled,
      '-key',
      'caller',
      caller,
      '-key',
      'domain',
      `${srv.account.account_sid}.pstn.exotel.com`,
      '-i',
      '127.0.0.1',
      '-m',
      '1',
      '-timeout',
      '10s',
      '-timeout_error',
    ],
  });

test('sign in, trunks, a trunk, a call explained, first call, token rotation, sign out', async () => {
  const base = srv.serve.api ?? '';
  const { account_sid, api_key, api_token } = srv.account;

  // Sign-in: a wrong token shows the API's own description; then by keyboard only.
  await page.goto(`${base}/`);
  await page.getByRole('heading', { name: 'Sign in to the vsip console' }).waitFor();
  await axeScan(page, 'sign-in');
  await screenshot(page, 'sign-in');
  await page.getByLabel('Account SID').fill(account_sid);
  await page.getByLabel('API key').fill(api_key);
  await page.getByLabel('API token').fill('wrong-token');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'the API key and token do not match an account' }).waitFor();
  await page.getByLabel('API token').fill('');
  await page.getByLabel('API token').focus();
  await page.keyboard.type(api_token);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Trunks', level: 1 }).waitFor();
  // The credentials are in session storage only: never local storage, a cookie or the URL.
  const stored = await page.evaluate<{ local: number; session: number; cookie: string; url: string }>(
    '({ local: localStorage.length, session: sessionStorage.length, cookie: document.cookie, url: location.href })',
  );
  assert.deepEqual([stored.local, stored.session, stored.cookie], [0, 1, '']);
  assert.ok(!stored.url.includes(api_token) && !stored.url.includes(api_key), stored.url);

  // Create a trunk: an invalid name gets the API's message inline, on the field; then a valid one.
  await page.getByLabel('Trunk name').fill('bad name!');
  await page.getByRole('button', { name: 'Create trunk' }).click();
  const nameField = page.getByRole('textbox', { name: 'Trunk name' });
  await page
    .locator('#trunk_name-error')
    .filter({ hasText: /trunk_name/ })
    .waitFor();
  assert.equal(await nameField.getAttribute('aria-invalid'), 'true');
  await axeScan(page, 'trunks (with a validation error)');
  await nameField.fill('console_trunk');
  await page.getByRole('button', { name: 'Create trunk' }).click();
  await page.getByRole('heading', { name: 'Trunk console_trunk' }).waitFor();
  const sid = /#\/trunks\/(\S+)$/.exec(page.url())?.[1] ?? '';
  assert.match(sid, /^\S+$/);

  // Numbers: two at once.
  await page.getByLabel(/Numbers to map/).fill('+919876543210, +919876543211');
  await page.getByRole('button', { name: 'Map numbers' }).click();
  await page.getByText('2 of 2 mapped.').waitFor();
  assert.deepEqual((await api().phoneNumbers.list(sid)).items.map((n) => n.phone_number).sort(), [
    '+919876543210',
    '+919876543211',
  ]);

  // Many at once with one bad: the good one is mapped, the bad one gets the API's reason.
  await page.getByLabel(/Numbers to map/).fill('+919876543212\n12345');
  await page.getByRole('button', { name: 'Map numbers' }).click();
  await page.getByText('1 of 2 mapped.').waitFor();
  await page
    .getByRole('alert')
    .filter({ hasText: /^Error: 12345: phone_number/ })
    .waitFor();
  await page.getByRole('combobox', { name: 'Mode of +919876543212' }).selectOption('flow');
  await page.getByText('+919876543212 mode changed.').waitFor();
  await page.getByRole('button', { name: 'Remove +919876543212' }).click();
  await page.getByText('+919876543212 removed.').waitFor();
  assert.equal((await api().phoneNumbers.list(sid)).items.length, 2);

  // Whitelisted IPs: a /8 warns, 0.0.0.0/0 is refused until confirmed, then the PBX's /32.
  const ip = page.getByLabel('PBX public IP');
  const mask = page.getByLabel('Mask', { exact: true });
  await ip.fill('10.0.0.0');
  await mask.fill('8');
  await page.getByText(/\/8 is wider than \/16: 16,777,216 addresses/).waitFor();
  await ip.fill('0.0.0.0');
  await mask.fill('0');
  await page.getByRole('button', { name: 'Whitelist IP' }).click();
  await page.getByRole('alert').filter({ hasText: 'tick the box to confirm' }).waitFor();
  assert.equal((await api().whitelistedIps.list(sid)).items.length, 0, '0.0.0.0/0 was not sent');
  await ip.fill('127.0.0.1');
  await mask.fill('32');
  await page.getByRole('button', { name: 'Whitelist IP' }).click();
  await page.getByText('127.0.0.1/32 whitelisted.').waitFor();

  // Destinations: two, then the second moved up by keyboard (Move up), priorities rewritten.
  const dest = page.getByLabel(/^Destination \(/);
  for (const d of ['127.0.0.1:5061;transport=tls', '127.0.0.1:5071;transport=tcp']) {
    await dest.fill(d);
    await page.getByRole('button', { name: 'Add destination' }).click();
    await page.locator('.dests li code', { hasText: d }).waitFor();
  }
  const up = page.getByRole('button', { name: 'Move up 127.0.0.1:5071;transport=tcp' });
  await up.focus();
  await page.keyboard.press('Enter');
  await page.getByText('127.0.0.1:5071;transport=tcp is now number 1 of 2.').waitFor();
  const order = async () =>
    (await api().destinationUris.list(sid)).items
      .sort((a, b) => (a.priority ?? 0) - (b.priority ?? 0))
      .map((d) => `${d.priority} ${d.destination}`);
  assert.deepEqual(await order(), ['1 127.0.0.1:5071;transport=tcp', '2 127.0.0.1:5061;transport=tls']);
  // And back by dragging the TLS destination above the TCP one.
  await page
    .locator('.dests li', { hasText: '5061;transport=tls' })
    .dragTo(page.locator('.dests li', { hasText: '5071;transport=tcp' }));
  await page.getByText('127.0.0.1:5061;transport=tls is now number 1 of 2.').waitFor();
  assert.deepEqual(await order(), ['1 127.0.0.1:5061;transport=tls', '2 127.0.0.1:5071;transport=tcp']);

  // Credentials: hidden until revealed, and then the API's password.
  assert.equal(await page.getByTestId('sip-password').count(), 0);
  await page.getByRole('button', { name: 'Reveal password' }).click();
  const password = (await api().credentials.get(sid)).password;
  assert.equal(await page.getByTestId('sip-password').textContent(), password);
  await page.getByRole('button', { name: 'Hide password' }).click();

  // Rotating the SIP password asks first, then shows the new one.
  await page.getByRole('button', { name: 'Rotate password' }).click();
  await page.getByRole('button', { name: 'Yes, rotate' }).click();
  await page.getByText('Password rotated: update your PBX with it.').waitFor();
  const rotated = (await api().credentials.get(sid)).password;
  assert.notEqual(rotated, password);
  assert.equal(await page.getByTestId('sip-password').textContent(), rotated);

  // Details and limits.
  await page.getByLabel('Max concurrent calls').fill('5');
  await page.getByRole('button', { name: 'Save details' }).click();
  await page.getByText('Saved.').waitFor();
  assert.equal((await api().trunks.get(sid)).max_concurrent_calls, 5);
  await page.getByLabel('Max concurrent calls').fill('0');
  await page.getByRole('button', { name: 'Save details' }).click();
  await page.getByRole('alert').filter({ hasText: 'max_concurrent_calls' }).waitFor();

  // Alias.
  await page.getByLabel('Alias (E.164)').fill('+14155550100');
  await page.getByRole('button', { name: 'Set alias' }).click();
  await page.getByText('Alias set to +14155550100.').waitFor();

  // A call through the PSTN simulator (sipp as the PBX) that answers, and one that is busy: the
  // call log refreshes by itself and explains the failure.
  const ok = await pbxCall('pbx-call.xml', '+15005550199', '+919876543210');
  assert.equal(ok.code, 0, ok.output.slice(-2000));
  const busy = await pbxCall('pbx-busy.xml', '+15005550101', '+919876543210');
  assert.equal(busy.code, 0, busy.output.slice(-2000));
  const failed = page.locator('.call-list li.failed', { hasText: '486' });
  await failed.waitFor({ timeout: 30_000 });
  assert.match((await failed.textContent()) ?? '', /Busy Here.*Why: Destination is busy.*Fix: User is on another call/);
  await page.locator('.call-list li.ok', { hasText: '200' }).waitFor();
  // Filtered by the API: the cause, then the result.
  await page.getByLabel('Cause').fill('busy');
  await page.getByLabel('Cause').press('Enter');
  await page.locator('.call-list li.ok').waitFor({ state: 'detached' });
  await page.getByLabel('Cause').fill('');
  await page.getByLabel('Cause').press('Enter');
  await page.locator('.call-list li.ok').waitFor();
  await page.getByLabel('Result').selectOption('failed');
  await page.locator('.call-list li.ok').waitFor({ state: 'detached' });
  await axeScan(page, 'trunk');
  await screenshot(page, 'trunk');

  // Trunks list: search by name and by SID.
  await nav('Trunks').click();
  const search = page.getByLabel('Search by name or SID');
  await search.fill('CONSOLE');
  await page.getByRole('link', { name: 'console_trunk' }).waitFor();
  await search.fill('no_such_trunk');
  await page.getByText('No trunk matches').waitFor();
  await search.fill(sid.slice(-6));
  await page.getByRole('link', { name: 'console_trunk' }).waitFor();
  await search.fill('');
  await screenshot(page, 'trunks');

  // Delete asks first.
  const doomed = await api().trunks.create({ trunk_name: 'doomed' });
  await search.fill('doomed');
  await page.getByRole('button', { name: 'Delete doomed' }).click();
  await page.getByRole('button', { name: 'Yes, delete' }).click();
  await page.getByText(`Deleted trunk doomed (${doomed.trunk_sid}).`).waitFor();
  await assert.rejects(api().trunks.get(doomed.trunk_sid), /not/i);
  await search.fill('');

  // Paged by 20: 21 more trunks make a second page.
  for (let i = 0; i < 21; i++) await api().trunks.create({ trunk_name: `paged_${i}` });
  await search.fill('paged');
  await page.getByText('1–20 of 21').waitFor();
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByText('21–21 of 21').waitFor();
  assert.equal(await page.locator('tbody tr').count(), 1);
  await search.fill('');

  // First call: the quickstart, the PBX table and snippets, the server-side checks.
  await nav('First call').click();
  await page.getByLabel('1. Trunk name').fill('first_call');
  await page.getByLabel(/2\. Your phone number/).fill('+919812345678');
  await page.getByLabel(/3\. Your PBX public IP/).fill('127.0.0.1');
  await page.getByRole('button', { name: 'Create trunk, map number, whitelist PBX' }).click();
  await page.getByRole('heading', { name: 'Configure your PBX' }).waitFor();
  const table = (await page.locator('.settings-table').textContent()) ?? '';
  assert.match(table, new RegExp(`SIP Server${account_sid}\\.pstn\\.exotel\\.com`));
  assert.match(table, new RegExp(`Port${srv.sip.tcp} \\(TCP\\) or ${srv.sip.tls} \\(TLS\\)`));
  assert.match(
    (await page.getByRole('region', { name: 'Asterisk configuration' }).textContent()) ?? '',
    /type=endpoint/,
  );
  await page.getByRole('region', { name: 'FreeSWITCH configuration' }).waitFor();
  await page.getByRole('button', { name: 'Run the checks' }).click();
  await page.locator('.checks li').first().waitFor({ timeout: 30_000 });
  const checks = await page
    .locator('.checks li')
    .evaluateAll((lis) => lis.map((li) => `${li.getAttribute('data-check')} ${li.className}`));
  // The gateway is this server's own: reachable; the trunk, number, IP and credentials are set.
  assert.equal(checks.length, 6, checks.join(', '));
  assert.ok(await page.locator('.checks li[data-check="registration"]').isVisible());
  for (const id of ['trunk', 'number', 'ip', 'credentials', 'gateway'])
    assert.ok(checks.includes(`${id} pass`), `${id}: ${checks.join(', ')}`);
  await axeScan(page, 'first call');
  await screenshot(page, 'first-call');

  // API settings: rotate the token; the new one is shown once and works, the old one is dead.
  await nav('API settings').click();
  assert.equal(await page.getByTestId('account-sid').textContent(), account_sid);
  await axeScan(page, 'API settings');
  await page.getByRole('button', { name: 'Rotate API token' }).click();
  await page.getByRole('button', { name: 'Yes, rotate the token' }).click();
  const token = ((await page.getByTestId('new-token').textContent()) ?? '').trim();
  assert.notEqual(token, api_token);
  await assert.rejects(api(api_token).trunks.list(), /401|Auth/);
  assert.ok((await api(token).trunks.list()).items.length >= 2);
  await screenshot(page, 'api-settings');
  // The console goes on with the new token.
  await nav('Trunks').click();
  await page.getByRole('link', { name: 'console_trunk' }).waitFor();

  // A trunk that is not there: the API's description, not a blank page.
  await page.goto(`${base}/#/trunks/trnope`);
  await page
    .getByRole('alert')
    .filter({ hasText: /trnope/ })
    .waitFor();

  // A 390-wide phone: the trunk page fits without sideways scrolling.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${base}/#/trunks/${sid}`);
  await page.getByRole('heading', { name: 'Trunk console_trunk' }).waitFor();
  await page.locator('.call-list li').first().waitFor();
  const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - innerWidth');
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone`);
  await axeScan(page, 'trunk on a phone');
  await screenshot(page, 'phone-trunk');
  await page.setViewportSize({ width: 1280, height: 800 });

  // The token rotated elsewhere (here by the SDK): the next request ends the session, with the reason.
  const rotatedElsewhere = await fetch(`${base}/v2/accounts/${account_sid}/api-token/rotate`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${api_key}:${token}`).toString('base64')}` },
  });
  const elsewhere = ((await rotatedElsewhere.json()) as { response: { data: { api_token: string } } }).response.data
    .api_token;
  await nav('Trunks').click();
  await page.getByRole('heading', { name: 'Sign in to the vsip console' }).waitFor();
  await page.getByRole('alert').filter({ hasText: 'was the token rotated? Sign in again.' }).waitFor();
  assert.equal(await page.evaluate<number>('sessionStorage.length'), 0);
  await page.getByLabel('Account SID').fill(account_sid);
  await page.getByLabel('API key').fill(api_key);
  await page.getByLabel('API token').fill(elsewhere);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Trunks', level: 1 }).waitFor();

  // Sign out clears everything; a reload stays signed out.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in to the vsip console' }).waitFor();
  assert.equal(await page.evaluate<number>('sessionStorage.length + localStorage.length'), 0);
  await page.reload();
  await page.getByRole('heading', { name: 'Sign in to the vsip console' }).waitFor();

  // Nothing secret in the server's log, and no script or CSP error in the page.
  for (const secret of [token, elsewhere, api_token, password, rotated])
    assert.ok(!srv.serve.output().includes(secret));
  assert.deepEqual(problems, []);
});
