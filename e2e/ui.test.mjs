// End-to-end tests of the UI: Debian's Chromium (driven by playwright-core)
// against a real `wrangler dev` with its own fresh local D1, started by
// scripts/test, which passes E2E_URL and E2E_TOKEN. Every test fails on a
// console error other than the HTTP errors it provokes on purpose.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { BASE, TOKEN, SHOTS, open, signedIn, appsList, appsSignIn, openList, eventually, api, noSidewaysScroll, parseCsv, assertSameBoxes } from './harness.mjs';

const rows = (page) => page.locator('table.records tbody tr');
const range = (page) => page.locator('.pager .range').textContent();

test('sign-in refuses a wrong token, then the empty list invites the first call', async () => {
  const page = await open({ allow: [401] });
  await page.goto(`${BASE}/`);
  await appsSignIn(page);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.getByLabel('API token').fill('not-the-token');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('That token was not accepted.').waitFor();
  await page.getByLabel('API token').fill(TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('No phone records yet').waitFor();
  assert.ok(await page.getByRole('link', { name: 'record the first call' }).isVisible());
  await page.done();
});

test('records a call, which shows in the list with an announcement; markup stays text', async () => {
  const page = await signedIn();
  await page.getByRole('link', { name: 'Record a call' }).first().click();
  await page.getByRole('heading', { name: 'Record a call' }).waitFor();
  assert.equal(await page.locator('#offset').inputValue(), '+13:00', 'the browser time zone is the default');
  await page.locator('label[for=direction-in]').click();
  await page.locator('#date').fill('2025-09-17');
  await page.locator('#time').fill('09:12:32');
  await page.getByLabel('Duration', { exact: true }).fill('15');
  await page.getByLabel('Outcome').fill('Call completed');
  await page.getByLabel('From (name)').fill('Zoë <b>Bold</b> Smith');
  await page.getByLabel('Phone number', { exact: true }).fill('+64 9 555 0101');
  await page.getByLabel('Matter (action id)').fill('321845');
  await page.getByLabel('Notes').fill('Asked about the <img src=x onerror="window.__xss=1"> invoice.\nWill call back.');
  await page.screenshot({ path: `${SHOTS}/form.png`, fullPage: true });
  const listAfterSave = page.waitForRequest((r) => r.method() === 'GET' && r.url().includes('/phonerecords?'));
  await page.getByRole('button', { name: 'Record call' }).click();
  const bookmark = (await listAfterSave).headers()['x-d1-bookmark'];
  assert.ok(bookmark, "the list read after a save carries the save's D1 session bookmark (read-your-writes)");
  await page.getByRole('status').getByText('Recorded the call from Zoë <b>Bold</b> Smith on 17 Sept 2025.').waitFor();
  await eventually(async () => (await rows(page).count()) === 1, 'the new row');
  const row = await rows(page).first().textContent();
  for (const part of ['In', 'Zoë <b>Bold</b> Smith', '+64 9 555 0101', '0:15', 'Call completed', '#321845', 'invoice']) {
    assert.ok(row.includes(part), `${part} missing from ${row}`);
  }
  const when = rows(page).first().locator('td[data-label=When] a');
  assert.equal(await when.getAttribute('title'), 'Recorded as 2025-09-17T09:12:32+12:00', 'the recorded offset on hover');
  assert.ok(row.includes('9:12'), `shown in the browser's time zone: ${row}`);
  assert.equal(await page.locator('table.records img, table.records b').count(), 0, 'markup is never rendered');
  assert.equal(await page.evaluate(() => window.__xss), undefined, 'no script ran');
  const stored = await api('GET', '/phonerecords?fields=callTimestamp,actualHours');
  assert.equal(stored.phonerecords[0].callTimestamp, '2025-09-17T09:12:32+12:00', 'stored with the offset of that date (NZST)');
  assert.equal(stored.phonerecords[0].actualHours, 0.25);
  await page.done();
});

test('finds records by search and by filters, kept in the URL', async () => {
  const outcomes = ['Left a message', 'No answer', 'Call completed', 'Booked a meeting'];
  for (let i = 0; i < 60; i++) {
    await api('POST', '/phonerecords', {
      direction: i % 3 === 0 ? 'in' : 'out',
      callTimestamp: `2025-10-${String(1 + (i % 28)).padStart(2, '0')}T${String(8 + (i % 9)).padStart(2, '0')}:00:00+13:00`,
      outcome: outcomes[i % 4],
      actualHours: (i % 7) * 0.25,
      toParticipantOther: `Client ${i}`,
      links: { action: 1000 + (i % 5) },
    });
  }
  const page = await signedIn();
  await page.getByLabel('Search').fill('zoë');
  await eventually(() => page.url().includes('q=zo'), 'the search in the URL');
  await eventually(async () => (await rows(page).count()) === 1, 'one match for the search');
  assert.ok((await rows(page).first().textContent()).includes('Zoë'));
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await eventually(async () => (await range(page)) === '1–50 of 61', 'all records again');
  await page.getByLabel('Direction').selectOption('in');
  await eventually(async () => (await range(page)) === '1–21 of 21', 'incoming calls only');
  await page.getByLabel('Matter').fill('1002');
  await page.getByLabel('Matter').press('Enter');
  await eventually(async () => (await range(page)) === '1–4 of 4', 'incoming calls on matter 1002');
  for (const r of await rows(page).all()) assert.ok((await r.textContent()).includes('#1002'));
  assert.ok(page.url().includes('direction=in') && page.url().includes('matter=1002'));
  await page.done();
});

test('sorts by a column header, announced with aria-sort', async () => {
  const page = await signedIn();
  const duration = page.getByRole('columnheader', { name: /Duration/ });
  await duration.getByRole('button').click();
  await eventually(async () => (await duration.getAttribute('aria-sort')) === 'ascending', 'ascending sort');
  assert.ok(page.url().includes('sort=actualHours'));
  const durations = async () => (await page.locator('td[data-label=Duration]').allTextContents()).map((t) => t.trim());
  await eventually(async () => (await durations())[0] === '0:00', 'shortest first');
  await duration.getByRole('button').click();
  await eventually(async () => (await duration.getAttribute('aria-sort')) === 'descending', 'descending sort');
  await eventually(async () => (await durations())[0] === '1:30', 'longest first');
  assert.equal(await page.locator('th[aria-sort]').count(), 1);
  await page.done();
});

test('pages through the list, with back and forward', async () => {
  const page = await signedIn();
  await page.getByLabel('Per page').selectOption('25');
  await eventually(async () => (await range(page)) === '1–25 of 61', 'the first 25');
  await page.getByRole('button', { name: 'Next page' }).click();
  await eventually(async () => (await range(page)) === '26–50 of 61', 'the second page');
  await page.getByRole('button', { name: 'Last page' }).click();
  await eventually(async () => (await range(page)) === '51–61 of 61', 'the last page');
  assert.ok(await page.getByRole('button', { name: 'Next page' }).isDisabled());
  await page.goBack();
  await eventually(async () => (await range(page)) === '26–50 of 61', 'back to the second page');
  await page.goForward();
  await eventually(async () => (await range(page)) === '51–61 of 61', 'forward to the last page');
  await page.screenshot({ path: `${SHOTS}/list.png`, fullPage: true });
  await page.done();
});

test('links move between pages without reloading, mark the current page, and back/forward follow', async () => {
  const page = await signedIn();
  const nav = page.getByRole('navigation', { name: 'Main' });
  const current = (name) => nav.getByRole('link', { name }).getAttribute('aria-current');
  assert.equal(await current('Records'), 'page');
  assert.equal(await current('Record a call'), null);
  // A full page load would lose this.
  await page.evaluate(() => { window.__samePage = true; });
  await nav.getByRole('link', { name: 'Record a call' }).click();
  await page.getByRole('heading', { name: 'Record a call' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/calls/new');
  assert.equal(await current('Record a call'), 'page');
  assert.equal(await current('Records'), null);
  await page.goBack();
  await page.getByRole('heading', { name: 'Phone records' }).waitFor();
  assert.equal(await current('Records'), 'page');
  await page.goForward();
  await page.getByRole('heading', { name: 'Record a call' }).waitFor();
  assert.equal(await page.evaluate(() => window.__samePage), true, 'the app reloaded');
  await page.goto(`${BASE}/calls/1/edit/more`);
  await page.getByRole('heading', { name: 'Not found' }).waitFor();
  await page.done();
});

test('a deep link reproduces the view after a reload', async () => {
  const page = await signedIn();
  await page.goto(`${BASE}/?direction=out&sort=-actualHours&page=2&pageSize=25`);
  await eventually(async () => (await range(page)) === '26–40 of 40', 'page 2 of the outgoing calls');
  await page.reload();
  await eventually(async () => (await range(page)) === '26–40 of 40', 'the same view after a reload');
  assert.equal(await page.getByLabel('Direction').inputValue(), 'out');
  assert.equal(await page.getByRole('columnheader', { name: /Duration/ }).getAttribute('aria-sort'), 'descending');
  await page.done();
});

test('a link to a view the API refuses shows the API\'s reasons, and the view can be mended', async () => {
  const page = await signedIn({ allow: [400] });
  const long = 'x'.repeat(41);
  await page.goto(`${BASE}/?q=${long}&matter=999999999999999999999999999999`);
  const alert = page.locator('.list-page [role=alert]');
  await alert.getByText('search text must be at most 40 characters').waitFor();
  await alert.getByText('action must be a whole number').waitFor();
  await page.getByText(/Totals are not available: .*search text must be at most 40 characters/).waitFor();
  assert.equal(await page.getByLabel('Search').inputValue(), long, 'the search as the link had it, to mend');
  await page.getByLabel('Matter').fill('');
  await page.getByLabel('Matter').press('Enter');
  await page.getByLabel('Search').fill('x');
  await page.getByLabel('Search').press('Enter');
  await eventually(async () => !(await alert.count()), 'the mended view\'s list');
  await page.done();
});

test('edits a call, and shows the server\'s validation errors next to their fields', async () => {
  const page = await signedIn({ allow: [422] });
  await page.getByLabel('Search').fill('zoë');
  await eventually(async () => (await rows(page).count()) === 1, 'the recorded call');
  await rows(page).first().locator('td[data-label=When] a').click();
  // The call's own page: every field as text, then Edit.
  const details = page.locator('dl.call-details');
  await details.waitFor();
  const shown = await details.textContent();
  for (const part of ['Incoming', 'Zoë <b>Bold</b> Smith', '+64 9 555 0101', '0:15', 'Call completed', '#321845',
    'recorded as 2025-09-17T09:12:32+12:00', 'Will call back.']) {
    assert.ok(shown.includes(part), `${part} missing from the call's page: ${shown}`);
  }
  assert.equal(await page.locator('dl.call-details img, dl.call-details b').count(), 0, 'markup is never rendered');
  await page.getByRole('link', { name: 'Edit' }).click();
  await page.getByRole('heading', { name: 'Phone record' }).waitFor();
  assert.equal(await page.locator('#offset').inputValue(), '+12:00', 'the recorded offset is kept');
  await page.getByLabel('Outcome').fill('Left a message');
  await page.getByLabel('Duration', { exact: true }).fill('30');
  // A request altered on its way (as a buggy client might send it): the real server's 422 is shown.
  await page.route('**/phonerecords/*', async (route) => {
    if (route.request().method() !== 'PUT') return route.continue();
    const body = JSON.parse(route.request().postData());
    body.direction = 'sideways';
    await route.continue({ postData: JSON.stringify(body) });
  });
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.locator('#direction-error').getByText('direction must be "in" or "out"').waitFor();
  await page.unroute('**/phonerecords/*');
  await page.locator('label[for=direction-out]').click();
  await eventually(async () => (await page.locator('#direction-error').count()) === 0, 'the error to clear once the field changes');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.getByRole('status').getByText(/Saved changes to the call/).waitFor();
  await eventually(async () => (await rows(page).count()) === 1, 'back on the list');
  const row = await rows(page).first().textContent();
  assert.ok(row.includes('Left a message') && row.includes('0:30') && row.includes('Out'), row);
  await page.done();
});

test('deletes a call from its page at once, with Undo; the delete is sent when the notice expires', async () => {
  const page = await signedIn();
  await page.getByLabel('Search').fill('zoë');
  await eventually(async () => (await rows(page).count()) === 1, 'the call');
  const id = (await rows(page).first().locator('td[data-label=When] a').getAttribute('href')).split('/').pop();
  const etag = (await fetch(`${BASE}/phonerecords/${id}`, { headers: { Authorization: `Bearer ${TOKEN}` } })).headers.get('etag');
  const deletes = [];
  page.on('request', (r) => { if (r.method() === 'DELETE') deletes.push({ url: r.url(), ifMatch: r.headers()['if-match'] }); });
  await rows(page).first().locator('td[data-label=When] a').click();
  await page.getByRole('button', { name: 'Delete this record' }).click();
  // No confirmation: back on the list, the call gone at once, and Undo offered (with the focus).
  const notice = page.getByRole('status').locator('.undo');
  await notice.getByText('Deleted the call with +64 9 555 0101 on 17 Sept 2025 —').waitFor();
  await page.getByText('No phone records match these filters.').waitFor();
  assert.ok(page.url().includes('q=zo'), 'back to the list as it was');
  assert.equal(await page.evaluate(() => document.activeElement.textContent.trim()), 'Undo');
  assert.deepEqual(deletes, [], 'nothing is sent during the undo window');
  await page.getByRole('status').getByText('Deleted the call with +64 9 555 0101 on 17 Sept 2025.').waitFor();
  assert.deepEqual(deletes, [{ url: `${BASE}/phonerecords/${id}`, ifMatch: etag }], 'one DELETE, with If-Match');
  const gone = await fetch(`${BASE}/phonerecords/${id}`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  assert.equal(gone.status, 404);
  await page.reload();
  await page.getByText('No phone records match these filters.').waitFor();
  await page.done();
});

test('a refused token returns to sign-in with a clear message', async () => {
  const page = await open({ allow: [401] });
  await page.goto(`${BASE}/#token=expired-token`);
  await page.getByText('Your session has ended or the token was refused. Please sign in again.').waitFor();
  await appsSignIn(page);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.getByLabel('API token').fill(TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Phone records' }).waitFor();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByText('You have signed out.').waitFor();
  await page.done();
});

test('works by keyboard, and on a 375-pixel phone without sideways scrolling', async () => {
  const page = await signedIn({ width: 375 });
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to content');
  await eventually(async () => (await rows(page).count()) > 0, 'rows');
  await noSidewaysScroll(page, 'the list');
  await page.screenshot({ path: `${SHOTS}/list-phone.png`, fullPage: true });
  const link = page.getByRole('link', { name: 'Record a call' }).first();
  await link.focus();
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Record a call' }).waitFor();
  await noSidewaysScroll(page, 'the form');
  // The offset's label is on its input's line, not at the end of the time's.
  const [label, offset, time] = await Promise.all(['label[for=offset]', '#offset', '#time']
    .map((sel) => page.locator(sel).boundingBox()));
  const middle = (b) => b.y + b.height / 2;
  assert.ok(Math.abs(middle(label) - middle(offset)) < 2 && label.x < offset.x, `the label beside its input: ${JSON.stringify([label, offset])}`);
  assert.ok(offset.y >= time.y + time.height, 'at phone width the offset wraps below the time');
  await page.screenshot({ path: `${SHOTS}/form-phone.png`, fullPage: true });
  await page.done();
});

test('on a phone the calls are on the first screen: the filters and the chart wait behind buttons, each call a compact card', async () => {
  await api('POST', '/phonerecords', {
    direction: 'in', callTimestamp: '2026-12-01T09:30:00+13:00', outcome: 'Phone-first outcome', fromParticipantOther: 'Aroha Phone-first',
    toParticipantOther: 'Reception', phoneNumber: '+64 21 555 0107', phoneNumberType: 'Mobile', actualHours: 0.5, links: { action: 731015 },
  });
  const page = await signedIn({ width: 375, height: 800 });
  await openList(page, `${BASE}/`);
  await rows(page).first().waitFor();
  await page.locator('.summary-panel .total-calls').waitFor();
  const first = await rows(page).first().boundingBox();
  assert.ok(first.y < 700, `the first call begins on the first screen: ${JSON.stringify(first)}`);
  const heights = await rows(page).evaluateAll((cards) => cards.slice(0, 10).map((c) => c.getBoundingClientRect().height));
  assert.ok(Math.max(...heights) < 230, `each card a few lines: ${heights}`);
  const toggle = page.getByRole('button', { name: 'Filters', exact: true });
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  assert.ok(!(await page.getByLabel('Direction').isVisible()), 'the other filters wait behind the button');
  assert.ok(await page.getByLabel('Search').isVisible(), 'the search is always there');
  assert.ok(!(await page.locator('.summary-chart').isVisible()), 'the chart waits behind its button');
  await page.screenshot({ path: `${SHOTS}/list-phone-first-screen.png` });
  // By keyboard: open the filters, choose a direction.
  await toggle.focus();
  await page.keyboard.press('Enter');
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  await page.getByLabel('Direction').selectOption('in');
  await eventually(async () => page.url().includes('direction=in'), 'the filtered view');
  await eventually(async () => (await page.getByRole('button', { name: 'Filters (1)' }).count()) === 1, 'the button counts the filter');
  await eventually(async () => (await rows(page).locator('td[data-label=Direction]').allInnerTexts()).every((t) => t.includes('In')), 'incoming calls only');
  await noSidewaysScroll(page, 'the filters open at 375 px');
  // The chart and top matters, kept open when the period changes.
  const more = page.getByRole('button', { name: 'Chart and top matters' });
  await more.focus();
  await page.keyboard.press('Enter');
  assert.equal(await more.getAttribute('aria-expanded'), 'true');
  assert.ok(await page.locator('.summary-chart').isVisible(), 'the chart shows');
  await page.locator('.period-switch select').selectOption('week');
  await eventually(async () => (await page.locator('.period-switch select').inputValue()) === 'week', 'by week');
  await page.locator('.summary-chart svg rect.bar-calls').first().waitFor();
  assert.ok(await page.locator('.summary-chart').isVisible(), 'still shown after a new period');
  await noSidewaysScroll(page, 'the chart open at 375 px');
  await page.screenshot({ path: `${SHOTS}/list-phone-open.png`, fullPage: true });
  // A link to a filtered view opens with its filters shown.
  await openList(page, `${BASE}/?matter=731015`);
  assert.equal(await page.getByRole('button', { name: 'Filters (1)' }).getAttribute('aria-expanded'), 'true');
  assert.equal(await page.getByLabel('Matter').inputValue(), '731015');
  // Wider than a phone: no buttons, everything in view.
  await page.setViewportSize({ width: 1280, height: 900 });
  await openList(page, `${BASE}/`);
  await page.locator('.summary-chart svg').waitFor();
  assert.ok(await page.getByLabel('Direction').isVisible(), 'the filters in one row');
  assert.ok(await page.locator('.summary-chart').isVisible(), 'the chart');
  assert.equal(await page.locator('.filters-toggle:visible, .summary-more:visible').count(), 0, 'no buttons for them');
  await page.done();
});

test('"When" names a date range in your own days: Last month and This month fill From and To, dates typed are custom, Any time clears them', async () => {
  const page = await signedIn();
  const view = page.locator('section[aria-labelledby=list-title]');
  const tag = `when-range-${Date.now()}`;
  // Noon on the 15th of last month and half past midnight on the 1st of this one, in the viewer's time zone.
  const { stamps, lastMonth, thisMonth, second } = await page.evaluate(() => {
    const ymd = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    const stamp = (d) => {
      const off = -d.getTimezoneOffset();
      const hm = `${String(Math.floor(Math.abs(off) / 60)).padStart(2, '0')}:${String(Math.abs(off) % 60).padStart(2, '0')}`;
      return `${ymd(d)}T${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}:00${off < 0 ? '-' : '+'}${hm}`;
    };
    const now = new Date();
    const [y, m] = [now.getFullYear(), now.getMonth()];
    return {
      stamps: [stamp(new Date(y, m - 1, 15, 12, 0)), stamp(new Date(y, m, 1, 0, 30))],
      lastMonth: [ymd(new Date(y, m - 1, 1)), ymd(new Date(y, m, 0))],
      thisMonth: [ymd(new Date(y, m, 1)), ymd(new Date(y, m + 1, 0))],
      second: ymd(new Date(y, m, 2)),
    };
  });
  await api('POST', '/phonerecords', { phonerecords: stamps.map((callTimestamp, i) => ({
    direction: 'in', callTimestamp, outcome: i ? 'This month\'s call' : 'Last month\'s call', notes: tag })) });
  await openList(page, `${BASE}/`);
  await view.locator('input[name=q]').fill(tag);
  await eventually(async () => (await range(page)) === '1–2 of 2', 'both calls found');
  const when = view.locator('select[name=dates]');
  assert.equal(await when.inputValue(), '', 'any time');
  // "Custom dates" is no choice (some phones list hidden options): the view's dates show again.
  await when.selectOption('custom');
  assert.equal(await when.inputValue(), '', 'still any time');
  assert.ok(!page.url().includes('from='), 'nothing changed');
  const outcomes = () => rows(page).locator('td[data-label=Outcome]').allInnerTexts();
  for (const [label, key, [from, to], outcome] of [['Last month', 'last-month', lastMonth, "Last month's call"], ['This month', 'this-month', thisMonth, "This month's call"]]) {
    await when.selectOption({ label });
    await eventually(async () => page.url().includes(`from=${from}`) && page.url().includes(`to=${to}`), `the view of ${label}`);
    // (The view before had one call too: wait for this one's.)
    await eventually(async () => (await range(page)) === '1–1 of 1' && (await outcomes()).join() === outcome, `${label}'s one call`);
    assert.deepEqual([await view.locator('input[name=from]').inputValue(), await view.locator('input[name=to]').inputValue(), await when.inputValue()], [from, to, key]);
  }
  await page.locator('.summary-panel .total-calls').waitFor();
  assert.equal(await page.locator('.period-switch select').inputValue(), 'day', 'a month\'s totals by day');
  // Dates typed that are no named range (two days): "Custom dates".
  await view.locator('input[name=to]').fill(second);
  await view.locator('input[name=to]').dispatchEvent('change');
  await eventually(async () => page.url().includes(`to=${second}`), 'the typed date');
  assert.equal(await when.inputValue(), 'custom');
  assert.equal(await when.evaluate((s) => s.selectedOptions[0].textContent), 'Custom dates');
  await when.selectOption({ label: 'Any time' });
  await eventually(async () => (await range(page)) === '1–2 of 2', 'both again');
  assert.deepEqual([await view.locator('input[name=from]').inputValue(), await view.locator('input[name=to]').inputValue()], ['', '']);
  assert.ok(!page.url().includes('from='), 'no dates in the address');
  await page.done();
});

/** A call made through the API for one test, with a note no other test uses. */
async function callFor(tag) {
  return api('POST', '/phonerecords', {
    direction: 'in', callTimestamp: '2025-11-03T10:00:00+13:00', outcome: `Outcome ${tag}`,
    notes: `Notes ${tag}`, actualHours: 0.333333, phoneNumber: '+64 9 555 0199',
  });
}

async function editPage(id, opts) {
  const page = await signedIn(opts);
  await page.goto(`${BASE}/calls/${id}/edit`);
  await page.getByRole('heading', { name: 'Phone record' }).waitFor();
  await page.getByLabel('Outcome').waitFor();
  return page;
}

test('two tabs edit one call: the second save shows what changed, and "Save mine on top" keeps both', async () => {
  const rec = await callFor('conflict-mine');
  const a = await editPage(rec.id, { allow: [412] });
  const b = await editPage(rec.id);
  const puts = [];
  a.on('request', (r) => { if (r.method() === 'PUT') puts.push({ body: JSON.parse(r.postData()), ifMatch: r.headers()['if-match'] }); });
  await b.getByLabel('Outcome').fill('Their outcome');
  await b.getByRole('button', { name: 'Save changes' }).click();
  await b.getByRole('status').getByText(/Saved changes to the call/).waitFor();
  await a.getByLabel('Notes').fill('My notes, typed in tab A');
  await a.getByRole('button', { name: 'Save changes' }).click();
  const panel = a.locator('.conflict-panel');
  await panel.waitFor();
  assert.equal(await panel.getAttribute('role'), 'alert', 'screen readers hear the conflict');
  assert.equal(puts[0].ifMatch, `"${rec.id}-1"`, 'the save names the version the page loaded');
  assert.deepEqual(puts[0].body, { notes: 'My notes, typed in tab A' }, 'only the changed field is sent');
  const outcomeRow = panel.locator('tr[data-field=outcome]');
  assert.deepEqual((await outcomeRow.locator('th, td').allTextContents()).map((t) => t.trim()),
    ['Outcome', 'Outcome conflict-mine', 'Their outcome', 'not edited']);
  const notesRow = panel.locator('tr[data-field=notes]');
  assert.deepEqual((await notesRow.locator('th, td').allTextContents()).map((t) => t.trim()),
    ['Notes', 'Notes conflict-mine', 'unchanged', 'My notes, typed in tab A']);
  assert.equal(await a.getByLabel('Notes').inputValue(), 'My notes, typed in tab A', 'the form stays filled');
  await a.screenshot({ path: `${SHOTS}/conflict.png`, fullPage: true });
  await panel.getByRole('button', { name: 'Save mine on top' }).click();
  await a.getByRole('status').getByText(/Saved changes to the call/).waitFor();
  assert.equal(puts[1].ifMatch, `"${rec.id}-2"`, 'mine goes on top of their version');
  assert.deepEqual(puts[1].body, { notes: 'My notes, typed in tab A' });
  const stored = await api('GET', `/phonerecords/${rec.id}`);
  assert.equal(stored.outcome, 'Their outcome', 'their change is kept');
  assert.equal(stored.notes, 'My notes, typed in tab A', 'and mine');
  assert.equal(stored.actualHours, 0.333333, 'an untouched field is never rewritten');
  await b.done();
  await a.done();
});

test('"Use theirs" asks before dropping my edits, then loads their version', async () => {
  const rec = await callFor('conflict-theirs');
  const a = await editPage(rec.id, { allow: [412] });
  const b = await editPage(rec.id);
  await b.getByLabel('Notes').fill('Their notes');
  await b.getByRole('button', { name: 'Save changes' }).click();
  await b.getByRole('status').getByText(/Saved changes to the call/).waitFor();
  await a.getByLabel('Notes').fill('My notes');
  await a.getByRole('button', { name: 'Save changes' }).click();
  const panel = a.locator('.conflict-panel');
  await panel.waitFor();
  const notesRow = panel.locator('tr[data-field=notes]');
  assert.deepEqual((await notesRow.locator('th, td').allTextContents()).map((t) => t.trim()),
    ['Notes', 'Notes conflict-theirs', 'Their notes', 'My notes']);
  assert.equal(await notesRow.getAttribute('class'), 'both');
  // Declining the confirmation keeps everything typed.
  const dialogs = [];
  a.once('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  await panel.getByRole('button', { name: 'Use theirs' }).click();
  await eventually(async () => dialogs.length === 1, 'the confirmation');
  assert.match(dialogs[0], /Discard your edits/);
  assert.equal(await a.getByLabel('Notes').inputValue(), 'My notes');
  assert.ok(await panel.isVisible());
  a.once('dialog', (d) => d.accept());
  await panel.getByRole('button', { name: 'Use theirs' }).click();
  await eventually(async () => (await a.getByLabel('Notes').inputValue()) === 'Their notes', 'their version in the form');
  assert.equal(await a.locator('.conflict-panel').count(), 0);
  // Saved from their version: a new edit goes through (the page has the new ETag).
  await a.getByLabel('Outcome').fill('After using theirs');
  await a.getByRole('button', { name: 'Save changes' }).click();
  await a.getByRole('status').getByText(/Saved changes to the call/).waitFor();
  const stored = await api('GET', `/phonerecords/${rec.id}`);
  assert.equal(stored.notes, 'Their notes');
  assert.equal(stored.outcome, 'After using theirs');
  await b.done();
  await a.done();
});

test('deleting a call someone changed is refused, and the notice says what changed', async () => {
  const rec = await callFor('delete-changed');
  const a = await signedIn({ allow: [412] });
  await a.goto(`${BASE}/calls/${rec.id}`);
  await a.getByRole('button', { name: 'Delete this record' }).waitFor();
  await api('PUT', `/phonerecords/${rec.id}`, { outcome: 'Changed elsewhere' });
  const deletes = [];
  a.on('request', (r) => { if (r.method() === 'DELETE') deletes.push(r.headers()['if-match']); });
  await a.getByRole('button', { name: 'Delete this record' }).click();
  await a.getByRole('status').locator('.undo').waitFor();
  await a.getByRole('status').getByText(
    'Could not delete the call with +64 9 555 0199 on 3 Nov 2025: someone else changed it since you opened it '
    + '(Outcome: Changed elsewhere (was Outcome delete-changed)).', { exact: false },
  ).waitFor();
  assert.deepEqual(deletes, [`"${rec.id}-1"`], 'sent with the version the page showed');
  assert.equal((await api('GET', `/phonerecords/${rec.id}`)).outcome, 'Changed elsewhere', 'not deleted');
  // Opened again, it is the call as it is now, and deleting that works.
  await a.goto(`${BASE}/calls/${rec.id}`);
  await a.getByText('Changed elsewhere').first().waitFor();
  await a.getByRole('button', { name: 'Delete this record' }).click();
  await a.getByRole('status').getByText('Deleted the call with +64 9 555 0199 on 3 Nov 2025.').waitFor();
  assert.deepEqual(deletes, [`"${rec.id}-1"`, `"${rec.id}-2"`]);
  const gone = await fetch(`${BASE}/phonerecords/${rec.id}`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  assert.equal(gone.status, 404);
  await a.done();
});

test('double-clicking "Record call" records one call', async () => {
  const page = await signedIn();
  await page.getByRole('link', { name: 'Record a call' }).first().click();
  await page.getByRole('heading', { name: 'Record a call' }).waitFor();
  const outcome = `Double click ${Date.now()}`;
  await page.getByLabel('Outcome').fill(outcome);
  const posts = [];
  page.on('request', (r) => { if (r.method() === 'POST') posts.push(r.headers()['idempotency-key']); });
  // Both clicks land before the page can disable the button: the form is
  // submitted twice, as a fast double click (or a retry) would.
  await page.evaluate(() => {
    const button = [...document.querySelectorAll('button')].find((b) => b.textContent === 'Record call');
    button.click();
    button.click();
  });
  await page.getByRole('status').getByText(/^Recorded the call/).waitFor();
  await eventually(async () => posts.length === 2, 'both POSTs');
  assert.ok(posts[0] && posts[0] === posts[1], `one Idempotency-Key for the submission: ${posts}`);
  const found = await api('GET', `/phonerecords?outcome=${encodeURIComponent(outcome)}`);
  assert.equal(found.phonerecords.length, 1, 'one call recorded');
  await page.done();
});

/** The page's first POST of a call reaches the server (the call is
 * recorded) but its answer never arrives, as when the network drops
 * mid-request; the others go through. Returns each POST's Idempotency-Key. */
async function loseFirstAnswer(page) {
  const keys = [];
  await page.route('**/phonerecords', async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    keys.push(route.request().headers()['idempotency-key']);
    if (keys.length === 1) {
      await route.fetch();
      return route.abort('connectionreset');
    }
    return route.continue();
  });
  return keys;
}

test('a retry after a lost answer records the call once', async () => {
  const page = await signedIn({ allow: ['net::ERR_CONNECTION_RESET'] });
  await page.getByRole('link', { name: 'Record a call' }).first().click();
  await page.getByRole('heading', { name: 'Record a call' }).waitFor();
  const outcome = `Lost answer ${Date.now()}`;
  await page.getByLabel('Outcome').fill(outcome);
  const keys = await loseFirstAnswer(page);
  await page.getByRole('button', { name: 'Record call' }).click();
  await page.getByText('Could not reach the server.', { exact: false }).waitFor();
  assert.equal((await api('GET', `/phonerecords?outcome=${encodeURIComponent(outcome)}`)).phonerecords.length, 1, 'the server has it');
  await page.getByRole('button', { name: 'Record call' }).click();
  await page.getByRole('status').getByText(/^Recorded the call/).waitFor();
  assert.equal(keys.length, 2);
  assert.equal(keys[0], keys[1], 'the retry reuses the Idempotency-Key');
  assert.equal((await api('GET', `/phonerecords?outcome=${encodeURIComponent(outcome)}`)).phonerecords.length, 1, 'still one call');
  await page.done();
});

test('a call that does not exist has a clear page with a way back', async () => {
  const page = await signedIn({ allow: [404] });
  await page.goto(`${BASE}/calls/999999999`);
  await page.getByRole('heading', { name: 'No such call' }).waitFor();
  await page.getByRole('link', { name: 'Back to the phone records' }).click();
  await page.getByRole('heading', { name: 'Phone records' }).waitFor();
  await page.done();
});

/** Calls on a matter no other test uses, made through the API; their ids. */
async function callsOnMatter(matter, n) {
  const made = await api('POST', '/phonerecords', {
    phonerecords: Array.from({ length: n }, (_, i) => ({
      direction: 'out', callTimestamp: `2025-08-0${1 + i}T10:00:00+12:00`, outcome: `Bulk ${matter} ${i}`,
      toParticipantOther: `Bulk client ${i}`, links: { action: matter },
    })),
  });
  return made.phonerecords.map((r) => r.id);
}

test('on a phone a tap anywhere on a card opens its call; selecting far down keeps the bar in view, and the Undo notice shows where you are', async () => {
  const matter = 7_310_000 + (Math.floor(Date.now() / 1000) % 100_000); // its own, on a database used before too
  const made = await api('POST', '/phonerecords', {
    phonerecords: Array.from({ length: 12 }, (_, i) => ({
      direction: 'in', callTimestamp: `2025-09-${String(10 + i).padStart(2, '0')}T10:00:00+12:00`, outcome: `Card ${i}`,
      fromParticipantOther: `Card caller ${i}`, phoneNumber: `+64 21 555 01${String(i).padStart(2, '0')}`, links: { action: matter },
    })),
  });
  assert.equal(made.phonerecords?.length, 12);
  const page = await signedIn({ width: 375, height: 800 });
  await openList(page, `${BASE}/?matter=${matter}`);
  await eventually(async () => (await range(page)) === '1–12 of 12', 'the twelve calls');
  const cards = rows(page);
  // The card's outcome is no link, yet a tap there opens the call.
  const href = await cards.nth(3).locator('td[data-label=When] a').getAttribute('href');
  await cards.nth(3).scrollIntoViewIfNeeded();
  const outcome = await cards.nth(3).locator('td[data-label=Outcome]').boundingBox();
  await page.mouse.click(outcome.x + outcome.width / 2, outcome.y + outcome.height / 2);
  await eventually(async () => new URL(page.url()).pathname === href, `the call's page ${href}`);
  await page.getByRole('heading', { level: 1 }).waitFor();
  await page.goBack();
  await eventually(async () => (await range(page)) === '1–12 of 12', 'back on the list');
  // The card's own controls stay on top of it: its checkbox selects, its number dials, its matter filters.
  const last = cards.nth(11);
  await last.scrollIntoViewIfNeeded();
  for (const sel of ['input[type=checkbox]', 'td[data-label=Phone] a', 'td[data-label=Matter] a']) {
    const hit = await last.locator(sel).evaluate((e) => {
      const r = e.getBoundingClientRect();
      return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2) === e;
    });
    assert.ok(hit, `${sel} is what a tap on it reaches`);
  }
  await last.getByRole('checkbox').check();
  await page.getByText('1 selected').waitFor();
  assert.ok(new URL(page.url()).search.includes(`matter=${matter}`), 'still on the list');
  const inView = async (sel) => {
    const box = await page.locator(sel).boundingBox();
    return box && box.y >= 0 && box.y + box.height <= 800;
  };
  assert.ok(await inView('.bulk-bar'), 'the selection bar is in view far down the page');
  await page.locator('.bulk-bar').getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('status').getByText('1 call deleted —').waitFor();
  assert.ok(await inView('.notice p.undo'), 'the Undo notice is in view');
  await noSidewaysScroll(page, 'the Undo notice at 375 px');
  await page.screenshot({ path: `${SHOTS}/list-phone-undo-far-down.png` });
  await page.getByRole('button', { name: 'Undo' }).click();
  await eventually(async () => (await range(page)) === '1–12 of 12', 'all twelve back');
  await page.done();
});

async function status(id) {
  return (await fetch(`${BASE}/phonerecords/${id}`, { headers: { Authorization: `Bearer ${TOKEN}` } })).status;
}

/** Presses Tab until the focused element is `what` (by its accessible text), at most 30 times. */
async function tabTo(page, what) {
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press('Tab');
    const here = await page.evaluate(() => {
      const e = document.activeElement;
      return (e.getAttribute('aria-label') || e.closest('label')?.textContent || e.textContent || '').trim();
    });
    if (here === what) return;
  }
  throw new Error(`Tab never reached ${what}`);
}

test('by keyboard: selects three calls, deletes them, and Undo brings all three back (still there after a reload)', async () => {
  const matter = 7301;
  const ids = await callsOnMatter(matter, 3);
  const page = await signedIn();
  const deletes = [];
  page.on('request', (r) => { if (r.method() === 'DELETE') deletes.push(r.url()); });
  await openList(page, `${BASE}/?matter=${matter}`);
  await eventually(async () => (await range(page)) === '1–3 of 3', 'the three calls');
  await page.getByLabel('Matter').focus();
  await tabTo(page, 'Select all on this page');
  await page.keyboard.press('Space');
  await page.getByText('3 selected').waitFor();
  assert.equal(await page.locator('tbody input[type=checkbox]:checked').count(), 3);
  await tabTo(page, 'Delete');
  await page.keyboard.press('Enter');
  await page.getByRole('status').getByText('3 calls deleted —').waitFor();
  await eventually(async () => (await rows(page).count()) === 0, 'the rows gone at once');
  assert.equal(await page.evaluate(() => document.activeElement.textContent.trim()), 'Undo', 'Undo has the focus');
  await page.keyboard.press('Enter');
  await page.getByRole('status').getByText('Restored 3 calls.').waitFor();
  await eventually(async () => (await rows(page).count()) === 3, 'the rows back');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'main', 'the focus moves to the page, not lost');
  await new Promise((r) => setTimeout(r, 6000));
  assert.deepEqual(deletes, [], 'Undo sends nothing, even after the undo window');
  await page.reload();
  await eventually(async () => (await range(page)) === '1–3 of 3', 'all three after a reload');
  for (const id of ids) assert.equal(await status(id), 200);
  await page.done();
});

test('on a phone: deletes selected calls together when the notice expires; gone after a reload, no sideways scrolling', async () => {
  const matter = 7302;
  const ids = await callsOnMatter(matter, 3);
  const page = await signedIn({ width: 375 });
  const deletes = [];
  page.on('request', (r) => { if (r.method() === 'DELETE') deletes.push({ url: r.url(), ifMatch: r.headers()['if-match'] }); });
  await openList(page, `${BASE}/?matter=${matter}`);
  await eventually(async () => (await range(page)) === '1–3 of 3', 'the three calls');
  const fits = (what) => noSidewaysScroll(page, what);
  const cards = rows(page);
  const kept = (await cards.nth(1).locator('td[data-label=When] a').getAttribute('href')).split('/').pop();
  await cards.nth(0).getByRole('checkbox').check();
  await cards.nth(2).getByRole('checkbox').check();
  await page.getByText('2 selected').waitFor();
  await fits('with a selection');
  await page.screenshot({ path: `${SHOTS}/list-phone-selected.png`, fullPage: true });
  await page.locator('.bulk-bar').getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('status').getByText('2 calls deleted —').waitFor();
  await eventually(async () => (await rows(page).count()) === 1, 'only the unselected card left');
  await fits('with the Undo notice');
  await page.screenshot({ path: `${SHOTS}/list-phone-undo.png`, fullPage: true });
  assert.deepEqual(deletes, []);
  await page.getByRole('status').getByText('2 calls deleted.').waitFor();
  // The totals follow the delete once it is answered, without a reload.
  await eventually(async () => (await page.locator('.total-calls').textContent()) === '1', 'the totals after the delete');
  const gone = ids.filter((id) => String(id) !== kept);
  assert.equal(deletes.length, 1, 'one request');
  assert.deepEqual(deletes[0].url.split('/').pop().split(',').map(Number).sort(), gone.sort(), 'a multi-id DELETE');
  assert.equal(deletes[0].ifMatch, undefined, 'without If-Match');
  await page.reload();
  await eventually(async () => (await range(page)) === '1–1 of 1', 'one call left after a reload');
  for (const id of gone) assert.equal(await status(id), 404);
  await page.done();
});

test('closing the tab during the undo window still deletes', async () => {
  const matter = 7303;
  const ids = await callsOnMatter(matter, 2);
  const page = await signedIn();
  await openList(page, `${BASE}/?matter=${matter}`);
  await eventually(async () => (await range(page)) === '1–2 of 2', 'the two calls');
  await page.getByLabel('Select all on this page').check();
  await page.locator('.bulk-bar').getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('status').getByText('2 calls deleted —').waitFor();
  for (const id of ids) assert.equal(await status(id), 200, 'not deleted yet');
  const closed = Date.now();
  await page.close({ runBeforeUnload: true });
  await eventually(async () => (await Promise.all(ids.map(status))).every((s) => s === 404), 'both deleted', 4000);
  assert.ok(Date.now() - closed < 4500, 'sent on closing, not by a timer');
  await page.done();
});

// Last: it adds records that the counts of the tests above do not expect.
/** Minutes of an h:mm text ('—' is none). */
const minutesOf = (t) => (/^\d+:\d\d$/.test(t.trim()) ? t.trim().split(':').reduce((h, m) => Number(h) * 60 + Number(m)) : 0);

/** The calls of a matter only the summary tests use. */
const SUMMARY_MATTER = 5313;
async function summaryCalls() {
  const calls = [
    ['2025-08-04T09:00:00+12:00', 'in', 0.5, 'Call completed', 'summary invoice'],
    ['2025-08-04T15:00:00+12:00', 'out', 0.25, 'Left a message', 'summary'],
    ['2025-08-06T10:00:00+12:00', 'out', 1.0, 'Call completed', 'summary invoice'],
    ['2025-08-08T23:30:00-05:00', 'in', 0.75, 'Call completed', 'summary lease'],
    ['2025-08-09T08:00:00+12:00', 'out', undefined, 'No answer', 'summary lease'],
  ];
  await api('POST', '/phonerecords', {
    phonerecords: calls.map(([callTimestamp, direction, actualHours, outcome, notes]) => ({
      callTimestamp, direction, actualHours, outcome, notes, links: { action: SUMMARY_MATTER },
    })),
  });
}

/** The panel's totals, and the same figures summed from the listed rows (every page). */
async function totalsAndRows(page) {
  const panel = page.locator('.summary-panel');
  await panel.waitFor();
  const listed = await rows(page).all();
  let minutes = 0; let ins = 0;
  for (const r of listed) {
    minutes += minutesOf(await r.locator('td[data-label=Duration]').textContent());
    if ((await r.locator('td[data-label=Direction]').textContent()).includes('In')) ins += 1;
  }
  return {
    shown: {
      calls: (await panel.locator('.total-calls').textContent()).trim(),
      minutes: minutesOf(await panel.locator('.total-hours').textContent()),
      split: (await panel.locator('.total-split').textContent()).trim(),
    },
    listed: { calls: String(listed.length), minutes, split: `${ins} / ${listed.length - ins}` },
  };
}

test('the totals above the list are the sums of the listed calls, for each view', async () => {
  await summaryCalls();
  const page = await signedIn();
  const views = [
    [`matter=${SUMMARY_MATTER}`, 5],
    [`matter=${SUMMARY_MATTER}&direction=in`, 2],
    [`matter=${SUMMARY_MATTER}&q=invoice`, 2],
    [`matter=${SUMMARY_MATTER}&q=lease&direction=out`, 1],
    [`matter=${SUMMARY_MATTER}&from=2025-08-05&to=2025-08-09`, 3],
    [`matter=${SUMMARY_MATTER}&outcome=Call%20completed`, 3],
  ];
  for (const [view, n] of views) {
    await page.goto(`${BASE}/?${view}`);
    await eventually(async () => (await range(page)) === `1–${n} of ${n}`, `the view ${view}`);
    await eventually(async () => {
      const { shown, listed } = await totalsAndRows(page);
      assert.deepEqual(shown, listed, view);
      return true;
    }, `the totals of ${view}`);
  }
  // Figures known in advance, too: 5 calls, 2:30, 2 in and 3 out.
  await openList(page, `${BASE}/?matter=${SUMMARY_MATTER}`);
  await eventually(async () => (await page.locator('.total-hours').textContent()) === '2:30', 'the matter\'s hours');
  assert.equal(await page.locator('.total-split').textContent(), '2 / 3');
  // Its top matters: this one, linking to its list.
  const top = page.locator('.top-matters li');
  assert.equal(await top.count(), 1);
  assert.match(await top.first().textContent(), /^Matter #5313 5 calls · 2:30$/);
  // A view without calls has no panel.
  await page.goto(`${BASE}/?matter=${SUMMARY_MATTER}&q=nothing-matches-this`);
  await page.getByText('No phone records match these filters.').waitFor();
  assert.equal(await page.locator('.summary-panel').count(), 0);
  await page.done();
});

test("a call's matter leads to that matter's calls, from the list and from the call's page", async () => {
  // The matter's five calls are the previous test's.
  const page = await signedIn();
  // From the list, narrowing the view it is in (here: incoming calls noted "summary").
  await page.goto(`${BASE}/?direction=in&q=summary`);
  const link = page.locator(`table.records tbody td[data-label=Matter] a[href="/?q=summary&direction=in&matter=${SUMMARY_MATTER}"]`).first();
  await link.waitFor();
  assert.equal(await link.textContent(), `#${SUMMARY_MATTER}`);
  assert.equal(await link.getAttribute('title'), `All calls on matter #${SUMMARY_MATTER}`);
  await link.focus();
  await page.keyboard.press('Enter');
  await eventually(async () => (await range(page)) === '1–2 of 2', "the matter's two incoming calls");
  assert.equal(new URL(page.url()).search, `?q=summary&direction=in&matter=${SUMMARY_MATTER}`);
  assert.equal(await page.locator('input[name=matter]').inputValue(), String(SUMMARY_MATTER));
  // From a call's page, to all of the matter's calls.
  await page.locator('table.records tbody td[data-label=When] a').first().click();
  await page.locator('#call-title').waitFor();
  await page.locator('dl.call-details').getByRole('link', { name: `#${SUMMARY_MATTER}` }).click();
  await eventually(async () => (await range(page)) === '1–5 of 5', "all five of the matter's calls");
  assert.equal(new URL(page.url()).search, `?matter=${SUMMARY_MATTER}`);
  await page.done();
});

test('the chart has one bar per period, switchable, with a table for screen readers', async () => {
  const page = await signedIn();
  await openList(page, `${BASE}/?matter=${SUMMARY_MATTER}`);
  const bars = page.locator('.summary-chart svg rect.bar-calls');
  // Calls on 4, 6, 8 (in its own offset: 23:30 at -05:00) and 9 August: six days.
  await eventually(async () => (await bars.count()) === 6, 'a bar per day from 4 to 9 August');
  const svg = page.locator('.summary-chart svg');
  assert.equal(await svg.getAttribute('role'), 'img');
  assert.match(await svg.getAttribute('aria-label'), /per day, 4 Aug 2025 to 9 Aug 2025/);
  const table = page.locator('table.chart-table tbody tr');
  assert.equal(await table.count(), 6);
  const cells = await table.allTextContents();
  assert.deepEqual(cells.map((c) => c.replace(/\s+/g, ' ').trim()), [
    '4 Aug 202520:45', '5 Aug 202500:00', '6 Aug 202511:00', '7 Aug 202500:00', '8 Aug 202510:45', '9 Aug 202510:00',
  ]);
  const heights = await bars.evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('height'))));
  assert.deepEqual(heights, [100, 0, 50, 0, 50, 50], 'calls scaled to the busiest day');
  await page.locator('select[name=period]').selectOption('week');
  await eventually(async () => (await bars.count()) === 1, 'one week (ISO week 32)');
  assert.equal((await table.allTextContents())[0].replace(/\s+/g, ' ').trim(), 'Week 32, 202552:30');
  await page.locator('select[name=period]').selectOption('month');
  await eventually(async () => (await table.allTextContents())[0]?.startsWith('Aug 2025'), 'one month');
  assert.equal(await bars.count(), 1);
  // Sorting (or paging) the list changes no total: no new summary request.
  const summaries = [];
  page.on('request', (r) => { if (r.url().includes('/phonerecords/summary')) summaries.push(r.url()); });
  const sorted = page.waitForRequest((r) => r.url().includes('/phonerecords?') && r.url().includes('sort=actualHours'));
  await page.getByRole('columnheader', { name: /Duration/ }).getByRole('button').click();
  await sorted;
  await eventually(async () => page.url().includes('sort=actualHours'), 'the sorted list');
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(summaries, [], 'no summary refetched for a sort');
  // A date range picks the period from its length.
  await page.goto(`${BASE}/?matter=${SUMMARY_MATTER}&from=2025-08-05&to=2025-08-09`);
  await eventually(async () => (await bars.count()) === 4, 'a bar per day from 6 to 9 August');
  await page.done();
});

test('the totals fit a 375-pixel phone without sideways scrolling', async () => {
  const page = await signedIn({ width: 375 });
  await openList(page, `${BASE}/?matter=${SUMMARY_MATTER}`);
  await page.locator('.summary-panel .total-calls').waitFor();
  await eventually(async () => (await page.locator('.summary-chart svg rect.bar-calls').count()) === 6, 'the chart');
  await noSidewaysScroll(page, 'the list');
  const box = await page.locator('.summary-panel').boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= 375, `the panel fits: ${JSON.stringify(box)}`);
  await page.locator('.summary-panel').screenshot({ path: `${SHOTS}/summary-phone.png` });
  await page.goto(`${BASE}/`);
  await appsList(page);
  await page.locator('.summary-panel').waitFor();
  await page.screenshot({ path: `${SHOTS}/summary-list-phone.png` });
  await page.done();
});

test('the outcome suggests the outcomes already used, most used first, and stays free text', async () => {
  const used = await api('GET', '/phonerecords/summary?groupBy=outcome&limit=50');
  assert.ok(used.groups.length > 1);
  const page = await signedIn();
  await page.getByRole('link', { name: 'Record a call' }).first().click();
  await page.getByRole('heading', { name: 'Record a call' }).waitFor();
  const list = await page.getByLabel('Outcome').getAttribute('list');
  const options = page.locator(`datalist#${list} option`);
  await eventually(async () => (await options.count()) === used.groups.length, 'the suggestions');
  const values = await options.evaluateAll((os) => os.map((o) => o.value));
  assert.deepEqual(values, used.groups.map((g) => g.key), 'most used first, as the API counts them');
  const counts = used.groups.map((g) => g.count);
  assert.deepEqual(counts, [...counts].sort((a, b) => b - a));
  await page.getByLabel('Outcome').fill('An outcome nobody used before');
  assert.equal(await page.getByLabel('Outcome').inputValue(), 'An outcome nobody used before');
  await page.done();
});

test('exports the current view as a CSV file that holds the rows on screen', async () => {
  const matter = 4242;
  const outcomes = ['=HYPERLINK("http://x")', 'Left a message, again', 'Said "call me"', '+1 callback', 'Résolu'];
  await api('POST', '/phonerecords', {
    phonerecords: outcomes.map((outcome, i) => ({
      direction: i % 2 ? 'out' : 'in',
      callTimestamp: `2025-11-0${1 + i}T10:00:00+13:00`,
      outcome,
      notes: i === 2 ? 'two\nlines' : undefined,
      links: { action: matter },
    })),
  });
  const page = await signedIn();
  await page.goto(`${BASE}/?matter=${matter}&direction=in`);
  await eventually(async () => (await range(page)) === '1–3 of 3', 'the view: incoming calls on the matter');
  const onScreen = [];
  for (const r of await rows(page).all()) {
    const href = await r.locator('td[data-label=When] a').getAttribute('href');
    onScreen.push({ id: href.split('/').pop(), outcome: (await r.locator('td[data-label=Outcome]').textContent()).trim() });
  }
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const download = await downloading;
  const today = new Date().toISOString().slice(0, 10);
  assert.equal(download.suggestedFilename(), `phonerecords-${today}.csv`);
  const csv = await readFile(await download.path(), 'utf8');
  assert.ok(csv.endsWith('\r\n'), 'the file ends with a whole line');
  const [header, ...records] = parseCsv(csv);
  assert.deepEqual(header.slice(0, 4), ['id', 'fromParticipantOther', 'toParticipantOther', 'direction']);
  const col = (name) => header.indexOf(name);
  assert.deepEqual(
    records.map((r) => ({ id: r[col('id')], outcome: r[col('outcome')] })),
    onScreen.map((r) => ({ id: r.id, outcome: /^[=+\-@]/.test(r.outcome) ? `'${r.outcome}` : r.outcome })),
    'the file holds the rows on screen, in their order, formulas neutralised',
  );
  assert.ok(records.every((r) => r[col('direction')] === 'in' && r[col('action')] === String(matter)));
  await page.getByRole('status').getByText(`Exported 3 calls to phonerecords-${today}.csv.`).waitFor();
  await page.screenshot({ path: `${SHOTS}/export.png`, fullPage: true });
  await page.done();
});

test('a slow load of a call\'s page paints it from the early answer, and the app takes it over in place', async () => {
  // Each row's rule: a blank name (a dash), a type of only U+FEFF (not
  // whitespace to Rust, so text, where JS's trim() would have said blank),
  // rounding to h:mm, notes kept line for line, a time with a fraction in
  // another offset, one link of three.
  const rec = await api('POST', '/phonerecords', {
    direction: 'in', callTimestamp: '2026-11-29T23:59:59.999-05:00', actualHours: 1.9999, fromParticipantOther: 'Hēmi <i>Walker</i>',
    toParticipantOther: '   ', phoneNumber: '+64 21 000 0001', phoneNumberType: '\uFEFF', outcome: 'Left a message', links: { toParticipant: 42 },
    notes: 'First line\nsecond   line\twith a tab',
  });
  assert.ok(rec.id, `created: ${JSON.stringify(rec)}`);
  const seen = (page) => page.evaluate(() => {
    const visible = (sel) => [...document.querySelectorAll(sel)].filter((e) => e.offsetParent !== null);
    const box = (sel) => { const e = visible(sel)[0]; return e && e.getBoundingClientRect().toJSON(); };
    const text = (sel) => visible(sel).map((e) => e.innerText);
    return {
      text: { title: text('main h1'), rows: text('dl.call-details dt, dl.call-details dd'), id: text('.call-page .subtitle'),
        actions: text('.call-page a, .call-page button'), nav: text('.top-actions') },
      edit: visible('.call-page a.button.primary')[0]?.getAttribute('href'),
      followUp: visible('.call-page a.button:not(.primary)').find((a) => a.innerText === 'Record a follow-up')?.getAttribute('href'),
      dials: visible('dl.call-details a[href^="tel:"]').map((a) => a.getAttribute('href')),
      boxes: ['.topbar', '.call-page .page-head', 'dl.call-details', '.call-page .subtitle', '.danger-zone']
        .map((sel) => [sel, box(sel)]),
    };
  });
  for (const width of [1280, 375]) {
    const page = await open({ width });
    let release;
    const held = new Promise((resolve) => { release = resolve; });
    await page.route('**/assets/*.wasm', async (route) => { await held; await route.continue(); });
    await page.goto(`${BASE}/calls/${rec.id}#token=${TOKEN}`);
    await page.locator('dl.call-details').waitFor();
    assert.equal(await page.locator('[data-first-paint]').count(), 3, 'the first paint is on screen');
    assert.ok(await page.getByRole('button', { name: 'Delete this record' }).isDisabled(), 'its delete waits for the app');
    await page.screenshot({ path: `${SHOTS}/first-paint-call-${width}.png`, fullPage: true });
    const before = await seen(page);
    release();
    await page.locator('#call-title').waitFor();
    await eventually(async () => (await page.locator('[data-first-paint]').count()) === 0, 'the first paint has gone');
    assert.ok(await page.getByRole('button', { name: 'Delete this record' }).isEnabled(), "the app's delete");
    const after = await seen(page);
    assert.deepEqual(before.text, after.text, `the same text at ${width} px`);
    assert.equal(before.edit, `/calls/${rec.id}/edit`);
    assert.equal(after.edit, before.edit, 'the same Edit link');
    // U+FEFF is text to Rust (so the type is passed on), the blank name is not.
    assert.equal(before.followUp, '/calls/new?direction=out&phoneNumber=%2B64%2021%20000%200001&phoneNumberType=%EF%BB%BF'
      + `&fromParticipant=42&toParticipantOther=H%C4%93mi%20%3Ci%3EWalker%3C%2Fi%3E&followUp=${rec.id}`);
    assert.equal(after.followUp, before.followUp, 'the same follow-up link');
    assert.deepEqual(before.dials, ['tel:+64210000001'], 'the number dials');
    assert.deepEqual(after.dials, before.dials, 'the same dialling link');
    assertSameBoxes(before.boxes, after.boxes, width);
    const rows = before.text.rows;
    for (const [label, value] of [['From (name)', 'Hēmi <i>Walker</i>'], ['To (name)', '—'], ['Phone number type', '\uFEFF'],
      ['Duration', '2:00'], ['Notes', 'First line\nsecond   line\twith a tab'], ['Matter (action id)', '—'], ['To participant id', '#42']]) {
      assert.equal(rows[rows.indexOf(label) + 1], value, `${label} in the first paint: ${rows}`);
    }
    // Recorded on 29 November at -05:00, which is 30 November in Auckland: the title names the day the page shows.
    assert.deepEqual(before.text.title, [`The call from Hēmi <i>Walker</i> on 30 Nov 2026`]);
    assert.ok(rows[rows.indexOf('Date and time') + 1].startsWith('30 Nov 2026'), `the viewer's day: ${rows}`);
    assert.equal(await page.locator('main i').count(), 0, 'markup is never rendered');
    // The token came in the link: the app keeps it and takes it out of the address bar.
    assert.equal(new URL(page.url()).hash, '');
    await page.done();
  }
});

test('a call recorded near midnight in another offset is named by the viewer\'s day everywhere it is named', async () => {
  // 23:30 on 23 June at -05:00 is 16:30 on 24 June in Auckland, the browser's zone.
  const matter = 7501;
  const rec = await api('POST', '/phonerecords', {
    direction: 'out', callTimestamp: '2022-06-23T23:30:00-05:00', phoneNumber: '+64 9 555 0177', outcome: 'Call completed',
    links: { action: matter },
  });
  assert.ok(rec.id, `created: ${JSON.stringify(rec)}`);
  const name = 'the call with +64 9 555 0177 on 24 Jun 2022';
  const page = await signedIn();
  await openList(page, `${BASE}/?matter=${matter}`);
  const when = rows(page).first().locator('td[data-label=When] a');
  assert.ok((await when.textContent()).startsWith('24 Jun 2022'), 'the list shows the viewer\'s day');
  assert.equal(await rows(page).first().locator('input[type=checkbox]').getAttribute('aria-label'), `Select ${name}`);
  await when.click();
  await page.getByRole('heading', { name: `The call with +64 9 555 0177 on 24 Jun 2022` }).waitFor();
  assert.ok((await page.locator('dl.call-details dt:text-is("Date and time") + dd').textContent()).startsWith('24 Jun 2022'), 'the page\'s time');
  await page.getByRole('button', { name: 'Delete this record' }).click();
  await page.getByRole('status').locator('.undo').getByText(`Deleted ${name} —`).waitFor();
  await page.getByRole('status').getByRole('button', { name: 'Undo' }).click();
  await page.getByRole('status').getByText('Restored').waitFor();
  assert.equal(await status(rec.id), 200, 'kept');
  await page.done();
});

test('"Record a call" on a matter\'s calls starts on that matter; "Record a follow-up" calls the same person back', async () => {
  const matter = 760_000 + (Date.now() % 100_000);
  const first = await api('POST', '/phonerecords', {
    direction: 'in', callTimestamp: '2025-02-03T10:00:00+13:00', fromParticipantOther: 'Mere Tūhoe & Sons', toParticipantOther: 'Ana (reception)',
    phoneNumber: '+64 21 555 0142', phoneNumberType: 'Mobile', outcome: 'Left a message', notes: 'Wants a call back', actualHours: 0.1,
    links: { action: matter, fromParticipant: 11, toParticipant: 3 },
  });
  assert.ok(first.id, `created: ${JSON.stringify(first)}`);
  const page = await signedIn();
  await openList(page, `${BASE}/?matter=${matter}`);
  await page.locator('.page-actions').getByRole('link', { name: 'Record a call' }).click();
  await page.getByRole('heading', { name: 'Record a call' }).waitFor();
  assert.equal(await page.getByLabel('Matter (action id)').inputValue(), String(matter), 'on the matter');
  assert.equal(await page.getByLabel('Phone number', { exact: true }).inputValue(), '', 'and nothing else');
  // Another link to the form, followed from it, starts it again from that link.
  await page.locator('.top-actions').getByRole('link', { name: 'Record a call' }).click();
  await eventually(async () => (await page.getByLabel('Matter (action id)').inputValue()) === '', 'a blank form');
  await page.goBack();
  await page.goBack();
  await page.locator('#list-title').waitFor();
  await rows(page).first().locator('td[data-label=When] a').click();
  await page.getByRole('heading', { name: /^The call from Mere Tūhoe & Sons on / }).waitFor();
  await page.getByRole('link', { name: 'Record a follow-up' }).click();
  await page.getByRole('heading', { name: 'Record a call' }).waitFor();
  // The form names the call it follows, and leads back to it.
  const follows = page.locator('.follows');
  await follows.getByText(/^Following up the call from Mere Tūhoe & Sons on \d{1,2} \w+ \d{4}\.$/).waitFor();
  assert.equal(await follows.getByRole('link').getAttribute('href'), `/calls/${first.id}`);
  const value = (label) => page.getByLabel(label, { exact: true }).inputValue();
  assert.ok(await page.locator('#direction-out').isChecked(), 'an outgoing call');
  assert.deepEqual(
    [await value('From (name)'), await value('From participant id'), await value('To (name)'), await value('To participant id')],
    ['Ana (reception)', '3', 'Mere Tūhoe & Sons', '11'], 'whoever took the call calls the caller back');
  assert.deepEqual([await value('Phone number'), await value('Phone number type'), await value('Matter (action id)')],
    ['+64 21 555 0142', 'Mobile', String(matter)]);
  assert.deepEqual([await page.getByLabel('Outcome').inputValue(), await value('Notes'), await value('Duration')], ['', '', ''], 'what came of it is new');
  await page.screenshot({ path: `${SHOTS}/form-follow-up.png`, fullPage: true });
  await page.getByLabel('Outcome').fill('Call completed');
  await page.getByRole('button', { name: 'Record call' }).click();
  await page.getByRole('status').getByText(/^Recorded the call to Mere Tūhoe & Sons on \d{1,2} \w+ \d{4}\./).waitFor();
  await eventually(async () => (await range(page)) === '1–2 of 2', "back on the matter's calls, with the follow-up");
  const stored = await api('GET', `/phonerecords?action=${matter}&sort=-id`);
  assert.deepEqual(
    (({ direction, phoneNumber, fromParticipantOther, toParticipantOther, links }) =>
      ({ direction, phoneNumber, fromParticipantOther, toParticipantOther, links }))(stored.phonerecords[0]),
    { direction: 'out', phoneNumber: '+64 21 555 0142', fromParticipantOther: 'Ana (reception)', toParticipantOther: 'Mere Tūhoe & Sons',
      links: { action: matter, fromParticipant: 3, toParticipant: 11 } });
  await page.done();
});

test('a form started again from another link starts clean, without the last save\'s failure', async () => {
  const page = await signedIn({ allow: [503] });
  await page.route('**/phonerecords', (route) => (route.request().method() === 'POST'
    ? route.fulfill({ status: 503, contentType: 'application/json', body: '{"errors":[{"status":"503","title":"Service Unavailable","detail":"try again"}]}' })
    : route.continue()));
  await page.goto(`${BASE}/calls/new?matter=4242`);
  await page.getByRole('heading', { name: 'Record a call' }).waitFor();
  await page.getByLabel('Outcome').fill('Call completed');
  await page.getByRole('button', { name: 'Record call' }).click();
  await page.locator('.form-page .error-panel').waitFor();
  await page.locator('.top-actions').getByRole('link', { name: 'Record a call' }).click();
  await eventually(async () => (await page.getByLabel('Matter (action id)').inputValue()) === '', 'a blank form');
  await eventually(async () => (await page.locator('.form-page .error-panel').count()) === 0, 'no failure of the last save');
  assert.equal(await page.getByLabel('Outcome').inputValue(), '');
  await page.done();
});

test('prints a view for a matter\'s file: what it holds in words, its totals and records, no controls, the table within the paper', async () => {
  const matter = 770_000 + (Date.now() % 100_000);
  for (const [direction, notes] of [['in', 'Asked for the settlement figures; '.repeat(12)], ['in', 'z'.repeat(300)], ['out', 'not in this view']]) {
    const rec = await api('POST', '/phonerecords', {
      direction, callTimestamp: '2024-03-05T10:00:00+13:00', fromParticipantOther: 'Kauri Trust Ltd', phoneNumber: '+64 27 553 7441 (Direct dial)',
      outcome: 'Call back requested', notes, actualHours: 0.5, links: { action: matter },
    });
    assert.ok(rec.id, `created: ${JSON.stringify(rec)}`);
  }
  const page = await signedIn();
  await openList(page, `${BASE}/?matter=${matter}&direction=in`);
  await eventually(async () => (await range(page)) === '1–2 of 2', 'the view');
  assert.ok(!(await page.locator('.view-criteria').isVisible()), 'on screen the filters say it');
  await page.emulateMedia({ media: 'print' });
  for (const width of [718, 1047]) { // A4 portrait and landscape, less 1 cm margins, at 96 px to the inch
    await page.setViewportSize({ width, height: 1000 });
    assert.equal(await page.locator('.view-criteria').textContent(), `Calls on matter #${matter} · incoming`);
    for (const controls of ['.top-actions', '.filters', '.page-actions', '.select-all', 'td.select', '.pager-buttons', '.page-size', '.chart-head']) {
      assert.equal(await page.locator(controls).filter({ visible: true }).count(), 0, `${controls} is not printed at ${width} px`);
    }
    assert.equal(await page.locator('.summary-panel .total-calls').textContent(), '2', 'the totals are');
    assert.equal(await rows(page).first().evaluate((e) => getComputedStyle(e).display), 'table-row', 'a table, not cards');
    const [scroll, client] = await page.locator('.table-wrap').evaluate((e) => [e.scrollWidth, e.clientWidth]);
    assert.ok(scroll <= width && scroll <= client, `the table fits the paper at ${width} px (${scroll}, ${client})`);
    await noSidewaysScroll(page, `printed at ${width} px`);
    await page.screenshot({ path: `${SHOTS}/list-print-${width}.png`, fullPage: true });
  }
  await page.pdf({ path: `${SHOTS}/list-print.pdf`, format: 'A4', margin: { top: '1cm', bottom: '1cm', left: '1cm', right: '1cm' } });
  await page.emulateMedia({ media: 'screen' });
  await rows(page).first().locator('td[data-label=When] a').click();
  await page.locator('dl.call-details').waitFor();
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('.call-page .page-actions, .danger-zone').filter({ visible: true }).count(), 0, "a call's buttons are not printed");
  assert.ok(await page.locator('dl.call-details').isVisible(), 'its fields are');
  await page.pdf({ path: `${SHOTS}/call-print.pdf`, format: 'A4' });
  await page.done();
});

test('on a desktop or a tablet the list fits its card (upright, as cards two to a row), even with a long unbroken note', async () => {
  // A pasted reference or URL has no place to break; it must wrap inside its
  // cell rather than widen the table past the card (a sideways scroll inside it).
  const matter = 750_000 + (Date.now() % 100_000); // its own two calls, run after run
  for (const notes of ['x'.repeat(400), 'https://example.com/matters/7502/' + 'a1b2c3d4'.repeat(30)]) {
    const rec = await api('POST', '/phonerecords', {
      direction: 'in', callTimestamp: '2024-03-05T10:00:00+13:00', phoneNumber: '+64 9 555 0188', notes,
      fromParticipantOther: 'Kauri Trust Ltd', outcome: 'Left a message', links: { action: matter },
    });
    assert.ok(rec.id, `created: ${JSON.stringify(rec)}`);
  }
  const lines = (cell) => cell.evaluate((e) => { const r = document.createRange(); r.selectNodeContents(e); return r.getClientRects().length; });
  for (const width of [1280, 1024, 820]) {
    const page = await signedIn({ width, height: 900 });
    await openList(page, `${BASE}/?matter=${matter}`);
    await eventually(async () => (await rows(page).count()) === 2, 'two rows');
    const [scroll, client] = await page.locator('.table-wrap').evaluate((e) => [e.scrollWidth, e.clientWidth]);
    assert.ok(scroll <= client, `at ${width} px the table is wider than its card (${scroll} > ${client})`);
    for (const cell of await page.locator('td.notes').all()) {
      const [w, inner] = await cell.evaluate((e) => [e.scrollWidth, e.clientWidth]);
      assert.ok(w <= inner, `a note is cut off (${w} > ${inner})`);
    }
    await noSidewaysScroll(page, `the list at ${width} px`);
    const first = rows(page).first();
    if (width === 1280) assert.equal(await lines(first.locator('td[data-label=Phone] a')), 1, 'a phone number stays on one line');
    // The day and the time each stay whole ("5 Mar 2024," / "10:00 am"), on one line or two.
    const when = first.locator('td[data-label=When] time');
    assert.ok((await when.textContent()).startsWith('5 Mar 2024, '), await when.evaluate((e) => e.outerHTML));
    assert.equal(await when.locator('.nw').count(), 2, 'a day and a time');
    for (const part of await when.locator('.nw').all()) assert.equal(await lines(part), 1, `${await part.textContent()} is whole`);
    assert.ok(await first.getByRole('checkbox').isVisible(), 'its checkbox');
    const box = await first.getByRole('checkbox').boundingBox();
    assert.ok(box.width >= 16 && box.height >= 16, `a checkbox one can tap: ${JSON.stringify(box)}`);
    // Upright, the calls are cards, two to a row.
    const [a, b] = [await rows(page).nth(0).boundingBox(), await rows(page).nth(1).boundingBox()];
    assert.equal(Math.round(a.y) === Math.round(b.y) && b.x > a.x + a.width, width === 820, `two to a row at ${width} px: ${JSON.stringify([a, b])}`);
    await page.screenshot({ path: `${SHOTS}/list-long-note-${width}.png`, fullPage: true });
    await page.done();
  }
});

test('a call\'s page reads a percent-encoded id as the browser decodes it; anything else is no call', async () => {
  const [id] = await callsOnMatter(7401, 1);
  const page = await signedIn();
  const encoded = [...String(id)].map((d) => `%3${d}`).join('');
  await page.goto(`${BASE}/calls/${encoded}`);
  await page.getByText(`id ${id}`, { exact: true }).waitFor();
  assert.equal(await page.getByRole('heading', { name: 'No such call' }).count(), 0);
  await page.goto(`${BASE}/calls/${encoded}/edit`);
  await page.getByText(`Recorded as 2025-08-01T10:00:00+12:00 · id ${id}`).waitFor();
  // Not a positive whole number once decoded: the "No such call" page (no request needed).
  for (const bad of ['%30', '%2B1', '%2D1', `%20${encoded}`, '%zz', '%E2%82']) {
    await page.goto(`${BASE}/calls/${bad}`);
    await page.getByRole('heading', { name: 'No such call' }).waitFor();
  }
  await page.done();
});

test('while a delete can be undone, the pager neither counts nor pages to the hidden call; Undo brings both back', async () => {
  const matter = 7402;
  await api('POST', '/phonerecords', {
    phonerecords: Array.from({ length: 26 }, (_, i) => ({
      direction: 'in', callTimestamp: `2025-07-${String(1 + i).padStart(2, '0')}T10:00:00+12:00`,
      outcome: `Pager ${i}`, links: { action: matter },
    })),
  });
  const page = await signedIn();
  const deletes = [];
  page.on('request', (r) => { if (r.method() === 'DELETE') deletes.push(r.url()); });
  await page.goto(`${BASE}/?matter=${matter}&pageSize=25`);
  const pageOf = () => page.locator('.pager .page-of').textContent();
  const next = page.getByRole('button', { name: 'Next page' });
  await eventually(async () => (await range(page)) === '1–25 of 26', 'two pages of calls');
  assert.equal(await pageOf(), 'Page 1 of 2');
  assert.ok(await next.isEnabled());
  await rows(page).first().getByRole('checkbox').check();
  await page.locator('.bulk-bar').getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('status').getByText('1 call deleted —').waitFor();
  await eventually(async () => (await range(page)) === '1–24 of 25', 'the hidden call neither shown nor counted');
  assert.equal(await pageOf(), 'Page 1 of 1', 'nor paged to');
  assert.ok(await next.isDisabled(), 'no next page to go to');
  await page.getByRole('button', { name: 'Undo' }).click();
  await eventually(async () => (await range(page)) === '1–25 of 26', 'counted again after Undo');
  assert.equal(await pageOf(), 'Page 1 of 2');
  assert.ok(await next.isEnabled());
  assert.deepEqual(deletes, [], 'Undo sends nothing');
  await page.done();
});

test('the totals panel sends one summary request per view, and one more when the period is switched', async () => {
  const page = await open();
  const summaries = [];
  page.on('request', (r) => { if (r.url().includes('/phonerecords/summary')) summaries.push(new URL(r.url()).search); });
  /** Waits for the panel to show `calls` and the network to settle, then checks the requests so far. */
  const settled = async (calls, n, what) => {
    if (calls !== null) {
      await eventually(async () => (await page.locator('.summary-panel .total-calls').textContent()) === calls, what);
    }
    await new Promise((r) => setTimeout(r, 700));
    assert.equal(summaries.length, n, `${what}: ${n} requests in all, not ${JSON.stringify(summaries)}`);
  };
  await openList(page, `${BASE}/?matter=${SUMMARY_MATTER}#token=${TOKEN}`);
  await settled('5', 1, 'the matter\'s view');
  await page.getByLabel('Search').fill('invoice');
  await settled('2', 2, 'a search');
  await page.getByRole('combobox', { name: 'Direction', exact: true }).selectOption('in');
  await settled('1', 3, 'a filter');
  await page.locator('input[name=from]').fill('2025-08-01');
  await page.locator('input[name=to]').fill('2025-08-31');
  await settled('1', 5, 'a date range, each end a view');
  await page.locator('select[name=period]').selectOption('week');
  await eventually(async () => (await page.locator('table.chart-table caption').textContent()).includes('per week'), 'weeks');
  await settled(null, 6, 'the period switched');
  await page.getByRole('columnheader', { name: /Duration/ }).getByRole('button').click();
  await settled(null, 6, 'a sort');
  assert.equal(new Set(summaries).size, summaries.length, 'no view asked twice');
  assert.ok(summaries.every((s) => s.includes('topActions=')), 'the top matters come in the same answer');
  await page.done();
});

test('a delete refused because the call changed offers "Delete it anyway", by keyboard, again with Undo', async () => {
  const rec = await callFor('delete-anyway');
  const a = await signedIn({ width: 390, allow: [412] });
  await a.goto(`${BASE}/calls/${rec.id}`);
  await a.getByRole('button', { name: 'Delete this record' }).waitFor();
  await api('PUT', `/phonerecords/${rec.id}`, { outcome: 'Changed again elsewhere' });
  const deletes = [];
  a.on('request', (r) => { if (r.method() === 'DELETE') deletes.push(r.headers()['if-match']); });
  await a.getByRole('button', { name: 'Delete this record' }).click();
  const notice = a.getByRole('status');
  await notice.getByText('(Outcome: Changed again elsewhere (was Outcome delete-anyway))', { exact: false }).waitFor();
  const anyway = notice.getByRole('button', { name: 'Delete it anyway' });
  await anyway.waitFor();
  await noSidewaysScroll(a, 'the refused delete\'s notice');
  await a.screenshot({ path: `${SHOTS}/delete-anyway-phone.png`, fullPage: true });
  assert.equal((await api('GET', `/phonerecords/${rec.id}`)).outcome, 'Changed again elsewhere', 'not deleted yet');
  await a.locator('a.skip').focus();
  await tabTo(a, 'Delete it anyway');
  await a.keyboard.press('Enter');
  // Undoable again: the notice offers Undo, and nothing is sent until it expires.
  await notice.locator('.undo').getByText('Deleted the call with +64 9 555 0199 on 3 Nov 2025 —').waitFor();
  assert.equal(await anyway.count(), 0, 'the offer is gone');
  assert.deepEqual(deletes, [`"${rec.id}-1"`]);
  await notice.getByText('Deleted the call with +64 9 555 0199 on 3 Nov 2025.').waitFor();
  assert.deepEqual(deletes, [`"${rec.id}-1"`, `"${rec.id}-2"`], 'the current version, from the answer\'s ETag');
  assert.equal(await status(rec.id), 404);
  await a.done();
});

test('a cold load asks for the first list while the WebAssembly is still on its way, and asks once', async () => {
  const page = await open();
  const asked = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.pathname.startsWith('/phonerecords')) asked.push(`${r.method()} ${url.pathname}${url.search}`);
  });
  // The wasm is held back until the list has been asked for: without main.js's
  // early requests the list would wait for the wasm, and this load would hang.
  let listAsked;
  const listSeen = new Promise((resolve) => { listAsked = resolve; });
  page.on('request', (r) => { if (new URL(r.url()).pathname === '/phonerecords') listAsked(); });
  await page.route('**/assets/*.wasm', async (route) => {
    await listSeen;
    await route.continue();
  });
  await page.goto(`${BASE}/#token=${TOKEN}`);
  await page.getByRole('heading', { name: 'Phone records' }).waitFor();
  await eventually(async () => (await rows(page).count()) > 0, 'the first rows');
  await page.locator('.summary-panel .total-calls').waitFor();
  await page.waitForLoadState('networkidle');
  const stored = await api('GET', '/phonerecords?pageSize=1');
  assert.ok((await range(page)).endsWith(`of ${stored.meta.paging.phonerecords.recordCount.toLocaleString('en-US')}`), 'the whole list counted');
  assert.deepEqual(asked, [
    'GET /phonerecords?sort=-callTimestamp&page=1&pageSize=50',
    'GET /phonerecords/summary?sort=-callTimestamp&groupBy=day&topActions=5',
  ], 'each asked for once: the app took main.js\'s answers');
  // Another view of the list is asked for by the app itself, as before.
  await page.getByLabel('Search').fill('zz-nothing-matches');
  await page.getByText('No phone records match these filters.').waitFor();
  await page.done();
});

test('a slow load shows the first list from the early answers, controls disabled, and the app takes it over in place', async () => {
  // Calls at the top of the default view that exercise each cell's rule:
  // a blank name (the participant's id instead), a number without a type
  // and a type without a number, rounding to h:mm, notes cut at 80
  // characters (line breaks, a character outside the BMP at the cut), a
  // time with a fraction and another offset, no matter.
  const edge = [
    { direction: 'out', callTimestamp: '2026-11-30T23:59:59.999+13:00', actualHours: 1.9999, fromParticipantOther: '   ', outcome: 'No answer',
      phoneNumber: '+64 21 000 0000', links: { fromParticipant: 42 },
      notes: `First line\nsecond   line\twith tabs and a long tail ${'x'.repeat(60)}` },
    { direction: 'in', callTimestamp: '2026-11-30T10:00:00-05:00', actualHours: 0, phoneNumberType: 'Mobile',
      outcome: 'Left a message', links: { action: 7 }, notes: `${'y'.repeat(78)}😀😀😀` },
  ];
  for (const body of edge) {
    const created = await api('POST', '/phonerecords', body);
    assert.ok(created.id, `created: ${JSON.stringify(created)}`);
  }
  // A whole first page, whatever the tests before left.
  const have = (await api('GET', '/phonerecords?pageSize=1')).meta.paging.phonerecords.recordCount;
  if (have < 50) {
    const more = Array.from({ length: 50 - have }, (_, i) => ({ direction: 'in', actualHours: 0.25,
      callTimestamp: `2024-03-${String(1 + (i % 28)).padStart(2, '0')}T09:30:00+13:00`, outcome: 'Call completed',
      toParticipantOther: `Filler ${i}` }));
    const batch = await api('POST', '/phonerecords', { phonerecords: more });
    assert.equal(batch.phonerecords?.length, more.length, `created: ${JSON.stringify(batch).slice(0, 300)}`);
  }
  const seen = (page) => page.evaluate(() => {
    const visible = (sel) => [...document.querySelectorAll(sel)].filter((e) => e.offsetParent !== null);
    const box = (sel) => { const e = visible(sel)[0]; return e && e.getBoundingClientRect().toJSON(); };
    const text = (sel) => visible(sel).map((e) => e.innerText);
    return {
      text: {
        rows: text('table.records tbody tr'), head: text('table.records thead th'), totals: text('.summary-panel .totals'),
        top: text('.top-matters li'), period: visible('.period-switch select')[0]?.value, range: text('.pager .range'),
        pageOf: text('.pager .page-of'), pageSize: visible('.page-size select')[0]?.value, filters: text('.filters label'),
        nav: text('.top-actions'), actions: text('.page-actions'), empty: text('.empty'),
        matter: visible('input[name=matter]')[0]?.value ?? null, filterButtons: text('.filters button'),
        hrefs: visible('.page-actions a, .empty a').map((a) => a.getAttribute('href')),
      },
      boxes: ['.topbar', '.page-head', '.filters', '.summary-panel', '.bulk-bar', 'table.records tbody tr:first-child',
        'table.records tbody tr:last-child', '.pager'].map((sel) => [sel, box(sel)]),
      links: visible('table.records tbody tr td[data-label=When] a').slice(0, 3).map((a) => a.getAttribute('href')),
      dials: visible('table.records tbody td[data-label=Phone] a').map((a) => `${a.innerText} ${a.getAttribute('href')}`),
    };
  });
  for (const width of [1280, 375]) {
    const page = await open({ width });
    let release;
    const held = new Promise((resolve) => { release = resolve; });
    await page.route('**/assets/*.wasm', async (route) => { await held; await route.continue(); });
    await page.goto(`${BASE}/#token=${TOKEN}`);
    await rows(page).first().waitFor();
    assert.equal(await page.locator('[data-first-paint]').count(), 3, 'the first paint is on screen');
    assert.ok(await page.getByLabel('Search').isDisabled(), 'its controls wait for the app');
    assert.ok(await page.getByRole('button', { name: 'Next page' }).isDisabled());
    await page.screenshot({ path: `${SHOTS}/first-paint-${width}.png`, fullPage: true });
    const before = await seen(page);
    release();
    await appsList(page);
    // The painted totals stand in until the app's are there (their own chunk).
    await eventually(async () => (await page.locator('[data-first-paint]').count()) === 0, 'the first paint to go');
    const after = await seen(page);
    assert.ok(await page.getByLabel('Search').isEnabled(), "the app's controls");
    assert.equal(before.text.rows.length, 50, 'a whole first page was painted');
    assert.deepEqual(before.text, after.text, `the same text at ${width} px`);
    assert.deepEqual(before.links, after.links, 'the same links');
    assert.ok(before.dials.includes('+64 21 000 0000 tel:+64210000000'), `the number dials: ${before.dials}`);
    assert.deepEqual(before.dials, after.dials, 'the same dialling links');
    assertSameBoxes(before.boxes, after.boxes, width);
    const all = before.text.rows.join('\n');
    for (const part of ['Participant #42', '+64 21 000 0000', '2:00', '0:00', 'Left a message', '#7', 'First line second line with tabs', '…']) {
      assert.ok(all.includes(part), `${part} in the first page: ${all}`);
    }
    await page.done();
  }
  // One matter's calls (the link to a matter), and a matter with none: painted as the app draws them.
  for (const [matter, width] of [[7, 375], [999999, 1280]]) {
    const page = await open({ width });
    let release;
    const held = new Promise((resolve) => { release = resolve; });
    await page.route('**/assets/*.wasm', async (route) => { await held; await route.continue(); });
    await page.goto(`${BASE}/?matter=${matter}#token=${TOKEN}`);
    await page.locator(matter === 7 ? '[data-first-paint] table.records tbody tr' : '[data-first-paint] .empty').first().waitFor();
    const before = await seen(page);
    assert.equal(before.text.matter, String(matter), 'the matter filled in');
    assert.deepEqual(before.text.filterButtons, width < 721 ? ['Filters (1)', 'Clear filters'] : ['Clear filters'], 'on a phone, the filters shown and counted');
    release();
    await appsList(page);
    await eventually(async () => (await page.locator('[data-first-paint]').count()) === 0, 'the first paint to go');
    const after = await seen(page);
    assert.deepEqual(before.text, after.text, `the same text for matter ${matter}`);
    assert.deepEqual(before.links, after.links, 'the same links');
    // What is on screen (an empty view has no totals, table or pager) is where the app puts it.
    const shown = (boxes) => boxes.filter(([, b]) => b);
    assert.deepEqual(shown(before.boxes).map(([sel]) => sel), shown(after.boxes).map(([sel]) => sel), 'the same parts');
    assertSameBoxes(shown(before.boxes), shown(after.boxes), width);
    if (matter === 7) assert.ok(before.text.rows.length >= 1 && before.text.rows.every((r) => r.includes('#7')), 'only matter 7');
    else {
      assert.deepEqual(before.text.empty, [`No calls on matter #${matter} yet — record the first.`]);
      await page.locator('.empty').getByRole('link', { name: 'record the first' }).click();
      await page.getByRole('heading', { name: 'Record a call' }).waitFor();
      assert.equal(await page.getByLabel('Matter (action id)').inputValue(), String(matter), 'on that matter');
    }
    await page.done();
  }
});

// Drafts (frontend/src/draft.rs): what was typed into a form and not saved is
// kept in the tab's session storage, by the form's address.

/** Reloads a page whose form may hold changes: the browser's "leave?" is answered yes. */
async function reloadLeaving(page) {
  const leave = (d) => d.accept();
  page.on('dialog', leave);
  await page.reload();
  page.off('dialog', leave);
}

const calledWith = async (outcome) =>
  (await api('GET', `/phonerecords?outcome=${encodeURIComponent(outcome)}`)).phonerecords.length;

test('a call being recorded is kept while the tab lives: back after leaving the form and after a reload, and a lost answer sent again records it once', async () => {
  const page = await signedIn({ allow: ['net::ERR_CONNECTION_RESET'] });
  const nav = page.getByRole('navigation', { name: 'Main' });
  const outcome = `Draft kept ${Date.now()}`;
  await nav.getByRole('link', { name: 'Record a call' }).click();
  await page.getByRole('heading', { name: 'Record a call' }).waitFor();
  assert.equal(await page.locator('.draft-notice').count(), 0, 'a fresh form says nothing');
  await page.getByLabel('Outcome').fill(outcome);
  await page.getByLabel('Notes').fill('Typed, then Records was tapped');
  // Leaving within the app asks nothing and loses nothing.
  await nav.getByRole('link', { name: 'Records' }).click();
  await appsList(page);
  await nav.getByRole('link', { name: 'Record a call' }).click();
  const notice = page.locator('.draft-notice');
  await notice.getByText(/^Your call from \d{1,2}:\d\d\s?([ap]m)? is back, not recorded yet\./i).waitFor();
  assert.equal(await notice.getAttribute('role'), 'status', 'announced');
  assert.equal(await page.getByLabel('Outcome').inputValue(), outcome);
  assert.equal(await page.getByLabel('Notes').inputValue(), 'Typed, then Records was tapped');
  // A reload, as when a phone's browser discards the tab in the background.
  await reloadLeaving(page);
  await notice.waitFor();
  assert.equal(await page.getByLabel('Outcome').inputValue(), outcome, 'back after a reload');
  // The save reaches the server but its answer is lost; the tab is reloaded
  // before trying again: the draft sends it with the same Idempotency-Key.
  const keys = await loseFirstAnswer(page);
  await page.getByRole('button', { name: 'Record call' }).click();
  await page.getByText('Could not reach the server.', { exact: false }).waitFor();
  assert.equal(await calledWith(outcome), 1, 'the server has it');
  await reloadLeaving(page);
  await notice.waitFor();
  assert.equal(await page.getByLabel('Notes').inputValue(), 'Typed, then Records was tapped');
  await page.getByRole('button', { name: 'Record call' }).click();
  await page.getByRole('status').getByText(/^Recorded the call/).waitFor();
  assert.equal(keys.length, 2);
  assert.equal(keys[0], keys[1], 'the same key after the reload');
  assert.equal(await calledWith(outcome), 1, 'still one call');
  // Recorded: the draft is gone.
  await nav.getByRole('link', { name: 'Record a call' }).click();
  await page.getByRole('heading', { name: 'Record a call' }).waitFor();
  assert.equal(await page.getByLabel('Outcome').inputValue(), '', 'a recorded call leaves no draft');
  assert.equal(await notice.count(), 0);
  await page.done();
});

test('"Discard" starts a restored form afresh; signing out asks, then forgets the drafts', async () => {
  const page = await signedIn();
  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'Record a call' }).click();
  await page.getByLabel('Outcome').fill('Discarded draft');
  await reloadLeaving(page);
  const notice = page.locator('.draft-notice');
  await notice.waitFor();
  await notice.getByRole('button', { name: 'Discard' }).click();
  await eventually(async () => (await notice.count()) === 0, 'the notice to go');
  assert.equal(await page.getByLabel('Outcome').inputValue(), '', 'the form is fresh');
  await reloadLeaving(page);
  await page.getByLabel('Outcome').waitFor();
  assert.equal(await notice.count(), 0, 'and stays so after a reload');
  assert.equal(await page.getByLabel('Outcome').inputValue(), '');
  // Signing out with a draft asks first; "no" keeps both.
  await page.getByLabel('Outcome').fill('Draft at sign-out');
  await nav.getByRole('link', { name: 'Records' }).click();
  await appsList(page);
  const asked = [];
  page.once('dialog', (d) => { asked.push(d.message()); d.dismiss(); });
  await nav.getByRole('button', { name: 'Sign out' }).click();
  await eventually(async () => asked.length === 1, 'the question');
  assert.equal(asked[0], 'Sign out and discard your unsaved changes?');
  await nav.getByRole('link', { name: 'Record a call' }).click();
  assert.equal(await page.getByLabel('Outcome').inputValue(), 'Draft at sign-out', 'still there');
  page.once('dialog', (d) => d.accept());
  await nav.getByRole('button', { name: 'Sign out' }).click();
  await page.getByText('You have signed out.').waitFor();
  await page.goto(`${BASE}/#token=${TOKEN}`);
  await appsList(page);
  await nav.getByRole('link', { name: 'Record a call' }).click();
  await page.getByLabel('Outcome').waitFor();
  assert.equal(await page.getByLabel('Outcome').inputValue(), '', 'signing out forgot the draft');
  assert.equal(await notice.count(), 0);
  await page.done();
});

test('edits kept through a reload come back on their version: a save by someone else since shows at once, and "Save mine on top" keeps both', async () => {
  const rec = await callFor('draft-edit');
  const page = await editPage(rec.id);
  await page.getByLabel('Notes').fill('My notes, kept in the draft');
  await reloadLeaving(page);
  const notice = page.locator('.draft-notice');
  await notice.getByText(/^Your edits from \d{1,2}:\d\d\s?([ap]m)? are back, not saved yet\./i).waitFor();
  assert.equal(await page.getByLabel('Notes').inputValue(), 'My notes, kept in the draft');
  assert.equal(await page.locator('.conflict-panel').count(), 0, 'nobody else saved it');
  // Someone else saves the call; the page is opened again.
  const res = await fetch(`${BASE}/phonerecords/${rec.id}`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json', 'If-Match': `"${rec.id}-1"` },
    body: JSON.stringify({ outcome: 'Their outcome' }),
  });
  assert.equal(res.status, 200);
  await reloadLeaving(page);
  const panel = page.locator('.conflict-panel');
  await panel.waitFor();
  await notice.waitFor();
  assert.deepEqual((await panel.locator('tr[data-field=outcome]').locator('th, td').allTextContents()).map((t) => t.trim()),
    ['Outcome', 'Outcome draft-edit', 'Their outcome', 'not edited']);
  assert.deepEqual((await panel.locator('tr[data-field=notes]').locator('th, td').allTextContents()).map((t) => t.trim()),
    ['Notes', 'Notes draft-edit', 'unchanged', 'My notes, kept in the draft']);
  const puts = [];
  page.on('request', (r) => { if (r.method() === 'PUT') puts.push({ body: JSON.parse(r.postData()), ifMatch: r.headers()['if-match'] }); });
  await panel.getByRole('button', { name: 'Save mine on top' }).click();
  await page.getByRole('status').getByText(/Saved changes to the call/).waitFor();
  assert.deepEqual(puts, [{ body: { notes: 'My notes, kept in the draft' }, ifMatch: `"${rec.id}-2"` }]);
  const stored = await api('GET', `/phonerecords/${rec.id}`);
  assert.equal(stored.outcome, 'Their outcome', 'their change is kept');
  assert.equal(stored.notes, 'My notes, kept in the draft', 'and mine');
  // Saved: opening the form again shows the call, no draft.
  await page.goto(`${BASE}/calls/${rec.id}/edit`);
  await page.getByLabel('Notes').waitFor();
  assert.equal(await notice.count(), 0, 'a saved edit leaves no draft');
  assert.equal(await page.getByLabel('Outcome').inputValue(), 'Their outcome');
  await page.done();
});

test('a plain save of restored edits on a call nobody changed sends them as if never interrupted', async () => {
  const rec = await callFor('draft-plain');
  const page = await editPage(rec.id);
  await page.getByLabel('Outcome').fill('Outcome after the reload');
  await reloadLeaving(page);
  await page.locator('.draft-notice').waitFor();
  const puts = [];
  page.on('request', (r) => { if (r.method() === 'PUT') puts.push({ body: JSON.parse(r.postData()), ifMatch: r.headers()['if-match'] }); });
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.getByRole('status').getByText(/Saved changes to the call/).waitFor();
  assert.deepEqual(puts, [{ body: { outcome: 'Outcome after the reload' }, ifMatch: `"${rec.id}-1"` }]);
  await page.done();
});

test('a form opened from another link leads back to the call left unrecorded on the first; a call\'s page to its unsaved edits', async () => {
  const page = await signedIn();
  page.on('dialog', (d) => d.accept());
  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'Record a call' }).click();
  await page.getByLabel('Outcome').fill('Left on the plain form');
  await page.goto(`${BASE}/calls/new?matter=4242`);
  await page.getByLabel('Outcome').waitFor();
  assert.equal(await page.getByLabel('Matter').inputValue(), '4242', 'this link\'s form, as the link fills it');
  const hint = page.locator('.draft-notice').filter({ hasText: /^You also have an unsaved call from .+\. Continue it$/ });
  await hint.waitFor();
  await hint.getByRole('link', { name: 'Continue it' }).click();
  await page.locator('.draft-notice').getByText(/^Your call from .+ is back/).waitFor();
  assert.equal(new URL(page.url()).pathname + new URL(page.url()).search, '/calls/new');
  assert.equal(await page.getByLabel('Outcome').inputValue(), 'Left on the plain form');
  assert.equal(await page.getByLabel('Matter').inputValue(), '');

  const rec = await callFor('draft-hint');
  await page.goto(`${BASE}/calls/${rec.id}`);
  await page.locator('#call-title').waitFor();
  await page.getByRole('link', { name: 'Edit' }).click();
  await page.getByLabel('Notes').fill('Edits left on the form');
  await page.goto(`${BASE}/calls/${rec.id}`);
  const edits = page.locator('.draft-notice').filter({ hasText: /^You have unsaved edits to this call from .+\. Continue editing$/ });
  await edits.waitFor();
  await edits.getByRole('link', { name: 'Continue editing' }).click();
  await page.locator('.draft-notice').getByText(/^Your edits from .+ are back/).waitFor();
  assert.equal(await page.getByLabel('Notes').inputValue(), 'Edits left on the form');
  await page.done();
});

test('times a call as it happens: Start timer sets its time to now, Stop timer writes the minutes; a running timer survives a reload, and saving stops it', async () => {
  const page = await open({ width: 375 });
  await page.clock.install({ time: new Date('2026-12-04T14:43:05+13:00') });
  await page.goto(`${BASE}/#token=${TOKEN}`);
  await appsList(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Record a call' }).click();
  const start = page.getByRole('button', { name: 'Start timer' });
  await start.focus();
  await page.keyboard.press('Enter');
  const stop = page.getByRole('button', { name: 'Stop timer' });
  await stop.waitFor();
  assert.ok(await stop.evaluate((b) => b === document.activeElement), 'the focus stays on the one button');
  assert.equal(await page.locator('#date').inputValue(), '2026-12-04', 'the call is now');
  assert.equal(await page.locator('#time').inputValue(), '14:43');
  const timer = page.getByRole('timer', { name: 'Time on the call' });
  await page.clock.fastForward('02:10');
  await eventually(async () => /^0:02:1\d$/.test(await timer.textContent()), 'the timer to count');
  await page.keyboard.press('Enter');
  await start.waitFor();
  assert.equal(await page.getByLabel('Duration', { exact: true }).inputValue(), '3', 'a started minute counts');
  assert.equal(await page.getByLabel('Duration unit').inputValue(), 'minutes');
  assert.equal(await timer.count(), 0);
  // Timed again, then the tab is reloaded: the timer goes on from its start.
  await start.click();
  await page.clock.fastForward('01:00');
  await reloadLeaving(page);
  await page.locator('.draft-notice').waitFor();
  await eventually(async () => /^0:01:\d\d$/.test(await timer.textContent()), 'the timer to go on after the reload');
  const outcome = `Timed ${Date.now()}`;
  await page.getByLabel('Outcome').fill(outcome);
  // Saving while timing stops the timer and records its minutes.
  await page.getByRole('button', { name: 'Record call' }).click();
  await page.getByRole('status').getByText(/^Recorded the call/).waitFor();
  const [saved] = (await api('GET', `/phonerecords?outcome=${encodeURIComponent(outcome)}`)).phonerecords;
  assert.ok(Math.abs(saved.actualHours - 2 / 60) < 1e-9, `2 minutes: ${saved.actualHours} h`);
  assert.match(saved.callTimestamp, /^2026-12-04T14:45:\d\d\+13:00$/, 'when the second timer started');
  await noSidewaysScroll(page, 'the form with its timer at 375 px');
  await page.done();
});

test('"Call back" dials the number and opens the follow-up\'s form with its timer running', async () => {
  const rec = await api('POST', '/phonerecords', {
    direction: 'in', callTimestamp: '2025-08-04T11:00:00+12:00', fromParticipantOther: 'Wiremu Tane', toParticipantOther: 'Ana (reception)',
    phoneNumber: '+64 9 555 0123 ext 4', phoneNumberType: 'Work', outcome: 'Left a message', links: { action: 4711 },
  });
  assert.ok(rec.id, `created: ${JSON.stringify(rec)}`);
  const page = await signedIn({ width: 375 });
  await page.goto(`${BASE}/calls/${rec.id}`);
  await page.locator('#call-title').waitFor();
  const callBack = page.getByRole('link', { name: 'Call back' });
  assert.equal(await callBack.getAttribute('href'), 'tel:+6495550123');
  // Headless Chromium has no dialer (and is left in a state Playwright cannot
  // drive once asked for one): the link's own navigation is noted and held
  // back; the app's handler runs as it would.
  await page.evaluate(() => document.addEventListener('click', (e) => {
    const a = e.target.closest('a[href^="tel:"]');
    if (a) { window.dialled = a.href; e.preventDefault(); }
  }, true));
  await callBack.click();
  await page.getByRole('heading', { name: 'Record a call' }).waitFor();
  await page.getByRole('timer', { name: 'Time on the call' }).waitFor();
  assert.ok(await page.getByRole('button', { name: 'Stop timer' }).isVisible(), 'the call is being timed');
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('timer'), 'start');
  await page.locator('.follows').getByText(/^Following up the call from Wiremu Tane on 4 Aug 2025\.$/).waitFor();
  const value = (label) => page.getByLabel(label, { exact: true }).inputValue();
  assert.deepEqual([await value('From (name)'), await value('To (name)'), await value('Phone number'), await value('Matter (action id)')],
    ['Ana (reception)', 'Wiremu Tane', '+64 9 555 0123 ext 4', '4711'], 'a follow-up to the caller');
  assert.equal(await page.evaluate(() => window.dialled), 'tel:+6495550123', 'the number was dialled');
  // Back from the call: the form and its timer are still there after a reload.
  await reloadLeaving(page);
  await page.locator('.draft-notice').waitFor();
  assert.ok(await page.getByRole('button', { name: 'Stop timer' }).isVisible(), 'still timing after a reload');
  await page.getByLabel('Outcome').fill('Call completed');
  await page.getByRole('button', { name: 'Record call' }).click();
  await page.getByRole('status').getByText(/^Recorded the call to Wiremu Tane/).waitFor();
  const [saved] = (await api('GET', '/phonerecords?action=4711&sort=-id')).phonerecords;
  assert.equal(saved.direction, 'out');
  assert.equal(saved.actualHours, 1 / 60, 'a started minute');
  await noSidewaysScroll(page, 'the call page and form at 375 px');
  await page.done();
});

test('Print all prints every call of the view, not only its page, leaves out a call being deleted, and refuses a view too large', async (t) => {
  const matter = 880_000 + (Date.now() % 100_000);
  const longNotes = 'Went through the settlement figures line by line; '.repeat(3) + '\nAgreed to send the costs schedule.';
  const made = await api('POST', '/phonerecords', {
    phonerecords: Array.from({ length: 30 }, (_, i) => ({
      direction: i % 10 === 9 ? 'out' : 'in', callTimestamp: `2024-04-${String(1 + (i % 28)).padStart(2, '0')}T${String(8 + (i % 9)).padStart(2, '0')}:00:00+12:00`,
      outcome: `Print ${i}`, fromParticipantOther: `Client ${i}`, actualHours: 0.25, links: { action: matter },
      notes: i === 0 ? longNotes : undefined,
    })),
  });
  assert.equal(made.phonerecords.length, 30);
  const page = await signedIn();
  await page.setViewportSize({ width: 375, height: 800 });
  await openList(page, `${BASE}/?matter=${matter}&direction=in&pageSize=25`);
  await eventually(async () => (await range(page)) === '1–25 of 27', 'the view: 27 incoming calls, 25 on the page');
  await noSidewaysScroll(page, 'the list with Print all at 375 px');
  await page.setViewportSize({ width: 1280, height: 900 });
  // The print dialog cannot be driven headless: what would open it is counted.
  await page.evaluate(() => { window.printed = 0; window.print = () => { window.printed += 1; }; });
  const inView = async () => (await api('GET', `/phonerecords?action=${matter}&direction=in&sort=-callTimestamp&pageSize=200&fields=id`)).phonerecords.map((r) => String(r.id));
  const printedIds = () => page.locator('.print-all table.records tbody tr td[data-label=When] a')
    .evaluateAll((links) => links.map((a) => a.getAttribute('href').split('/').pop()));

  await page.getByRole('button', { name: 'Print all' }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('status').getByText('27 calls in the print.').waitFor();
  await eventually(() => page.evaluate(() => window.printed === 1), 'the print dialog to open once');
  assert.equal(await page.locator('.print-all').isVisible(), false, 'on screen the page is as it was');
  assert.equal(await rows(page).filter({ visible: true }).count(), 25);
  await page.emulateMedia({ media: 'print' });
  assert.deepEqual(await printedIds(), await inView(), "every call of the view is printed, in the view's order");
  assert.equal(await page.locator('.print-all-note').textContent(), 'All 27 calls of this view.');
  const printedRow = page.locator('.print-all table.records tbody tr').filter({ has: page.locator(`a[href="/calls/${made.phonerecords[0].id}"]`) });
  assert.equal(await printedRow.locator('td.notes').textContent(), longNotes, 'a printout holds the notes whole, not the list\'s excerpt');
  assert.equal(await page.locator('.list-page .table-wrap, .list-page .pager').filter({ visible: true }).count(), 0, "the page's own table and pager step aside");
  assert.equal(await page.locator('.view-criteria').textContent(), `Calls on matter #${matter} · incoming`);
  assert.equal(await page.locator('.summary-panel .total-calls').textContent(), '27', 'the totals are the same calls');
  await page.pdf({ path: `${SHOTS}/list-print-all.pdf`, format: 'A4', margin: { top: '1cm', bottom: '1cm', left: '1cm', right: '1cm' } });
  await page.emulateMedia({ media: 'screen' });
  // The dialog closes (printed or not): the page prints as shown again.
  await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
  await eventually(async () => (await page.locator('.print-all').count()) === 0, 'the printed block to go');
  assert.equal(await page.evaluate(() => document.documentElement.getAttribute('data-printing')), null);
  await page.emulateMedia({ media: 'print' });
  assert.equal(await rows(page).filter({ visible: true }).count(), 25, "the browser's own Print prints the page");
  await page.emulateMedia({ media: 'screen' });

  // A call deleted a moment ago (its Undo still offered) is not printed.
  const first = rows(page).first();
  const deleted = (await first.locator('td[data-label=When] a').getAttribute('href')).split('/').pop();
  await first.locator('td.select input').check();
  await page.locator('.bulk-bar').getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('button', { name: 'Undo' }).waitFor();
  await page.getByRole('button', { name: 'Print all' }).click();
  await page.getByRole('status').getByText('26 calls in the print.').waitFor();
  const printed = await printedIds();
  assert.equal(printed.length, 26);
  assert.ok(!printed.includes(deleted), 'the deleted call is not printed');
  await page.getByRole('button', { name: 'Undo' }).click();
  // Another view: what was prepared for the last one goes.
  await page.getByLabel('Direction').selectOption('out');
  await eventually(async () => (await range(page)) === '1–3 of 3', 'the outgoing calls');
  await eventually(async () => (await page.locator('.print-all').count()) === 0, 'the block prepared for the last view to go');
  assert.equal(await page.evaluate(() => document.documentElement.getAttribute('data-printing')), null);

  // A view with no calls has nothing to print: no dialog.
  await openList(page, `${BASE}/?matter=${matter + 50_000}`);
  await page.locator('.empty').waitFor();
  await page.evaluate(() => { window.printed = 0; window.print = () => { window.printed += 1; }; });
  await page.getByRole('button', { name: 'Print all' }).click();
  await page.getByRole('status').getByText('This view has no calls to print.').waitFor();
  assert.equal(await page.evaluate(() => window.printed), 0, 'no dialog for nothing');
  assert.equal(await page.locator('.print-all').count(), 0);

  // A view larger than one printout is refused, with what to do instead.
  const large = matter + 100_000;
  const ids = [];
  for (let b = 0; b < 21; b++) {
    const batch = await api('POST', '/phonerecords', {
      phonerecords: Array.from({ length: b === 20 ? 1 : 100 }, (_, i) => ({
        direction: 'in', callTimestamp: `2024-05-01T09:${String(i % 60).padStart(2, '0')}:00+12:00`, outcome: 'Many', links: { action: large },
      })),
    });
    ids.push(...batch.phonerecords.map((r) => r.id));
  }
  t.after(async () => {
    for (let i = 0; i < ids.length; i += 200) await api('DELETE', `/phonerecords/${ids.slice(i, i + 200).join(',')}`);
  });
  await openList(page, `${BASE}/?matter=${large}`);
  await eventually(async () => (await range(page)) === '1–50 of 2,001', 'the large view');
  await page.evaluate(() => { window.printed = 0; window.print = () => { window.printed += 1; }; });
  await page.getByRole('button', { name: 'Print all' }).click();
  await page.getByRole('alert').getByText('This view has 2,001 calls; Print all prints up to 2,000. Narrow the view (a matter, a date range) or use Export CSV.').waitFor();
  assert.equal(await page.locator('.print-all').count(), 0, 'nothing is laid out');
  assert.equal(await page.evaluate(() => window.printed), 0, 'and no dialog opens');
  await page.done();
});

test("a call's page lists the other calls with its number, most recent first, each a link, and searches for the rest", async () => {
  const number = `+64 4 ${String(Date.now() % 1_000_0000).padStart(7, '0')}`;
  const made = await api('POST', '/phonerecords', {
    phonerecords: [
      ...Array.from({ length: 7 }, (_, i) => ({
        direction: i % 2 ? 'out' : 'in', callTimestamp: `2026-0${1 + i}-10T10:00:00+13:00`, phoneNumber: number,
        fromParticipantOther: 'Mere Rāwiri', toParticipantOther: 'Front desk', outcome: `Step ${i}`, links: { action: 5150 },
      })),
      { direction: 'in', callTimestamp: '2026-08-10T10:00:00+12:00', phoneNumber: `+64 9 ${number.slice(6)}`, outcome: 'Another number' },
      { direction: 'in', callTimestamp: '2026-08-11T10:00:00+12:00', outcome: 'No number' },
    ],
  });
  const ids = made.phonerecords.map((r) => r.id);
  const page = await signedIn();
  await page.goto(`${BASE}/calls/${ids[3]}`);
  const history = page.locator('section.history');
  await history.getByRole('heading', { name: `Other calls with ${number}` }).waitFor();
  const listed = await history.locator('li a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
  assert.deepEqual(listed, [6, 5, 4, 2, 1].map((i) => `/calls/${ids[i]}`), 'the five most recent others, this one left out');
  assert.equal((await history.locator('li').first().textContent()).split(' · ').slice(1).join(' · '),
    'In · from Mere Rāwiri · Step 6 · matter #5150');
  assert.equal((await history.locator('li').nth(1).textContent()).split(' · ').slice(1).join(' · '),
    'Out · to Front desk · Step 5 · matter #5150');
  assert.equal(await history.locator('p').textContent(), '6 other calls with this number — search the records for it');
  await page.setViewportSize({ width: 375, height: 800 });
  await noSidewaysScroll(page, "a call's page with its number's calls at 375 px");
  await page.emulateMedia({ media: 'print' });
  assert.equal(await history.isVisible(), false, 'the printed call is the call itself');
  await page.emulateMedia({ media: 'screen' });
  await page.setViewportSize({ width: 1280, height: 900 });
  // Each is a call's page of its own, listing the others.
  await history.locator('li a').first().click();
  await page.waitForURL(`${BASE}/calls/${ids[6]}`);
  await eventually(async () => (await history.locator('li a').first().getAttribute('href')) === `/calls/${ids[5]}`, "the newest call's others");
  // The rest: the list's search for the number.
  await history.getByRole('link', { name: 'search the records for it' }).click();
  await appsList(page);
  assert.equal(await page.getByLabel('Search').inputValue(), number);
  await eventually(async () => (await range(page)) === '1–7 of 7', 'the calls with the number');
  // A call alone with its number, and a call without one, have no such list.
  for (const i of [7, 8]) {
    await page.goto(`${BASE}/calls/${ids[i]}`);
    await page.locator('dl.call-details').waitFor();
    await page.waitForLoadState('networkidle');
    assert.equal(await page.locator('section.history, .history-failed').count(), 0, `none for ${made.phonerecords[i].outcome}`);
  }
  await page.done();
});

test("a new call's number called before names its last call, and one click fills the other party and the matter", async () => {
  const number = `+64 3 ${String(Date.now() % 10_000_000).padStart(7, '0')}`;
  const made = await api('POST', '/phonerecords', {
    phonerecords: [
      { direction: 'out', callTimestamp: '2026-03-01T10:00:00+13:00', phoneNumber: number, toParticipantOther: 'Old name', outcome: 'Older', links: { action: 61 } },
      { direction: 'in', callTimestamp: '2026-06-01T10:00:00+12:00', phoneNumber: number, phoneNumberType: 'Mobile', fromParticipantOther: 'Hana Kōwhai',
        toParticipantOther: 'Reception', outcome: 'Asked for the draft', links: { action: 6262, fromParticipant: 88, toParticipant: 3 } },
    ],
  });
  const last = made.phonerecords[1];
  const page = await signedIn();
  await page.setViewportSize({ width: 375, height: 800 });
  await page.locator('.top-actions').getByRole('link', { name: 'Record a call' }).click();
  await page.getByRole('heading', { name: 'Record a call' }).waitFor();
  const known = page.locator('.known-number');
  // A number not called before: nothing.
  await page.getByLabel('Phone number', { exact: true }).fill('+64 3 000 0009');
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(600);
  assert.equal(await known.count(), 0, 'a new number names no call');
  // Typed as recorded: its last call.
  await page.getByLabel('Phone number', { exact: true }).fill(number);
  await known.waitFor();
  assert.match(await known.textContent(), /^Last call with this number: .+ · In · from Hana Kōwhai · Asked for the draft · matter #6262\. Use these details$/);
  assert.equal(await known.getByRole('link').getAttribute('href'), `/calls/${last.id}`);
  await noSidewaysScroll(page, 'the form naming the last call at 375 px');
  // What was typed stays; the rest comes from the last call.
  await page.getByLabel('To (name)').fill('Hana K.');
  await known.getByRole('button', { name: 'Use these details' }).click();
  const value = (label) => page.getByLabel(label, { exact: true }).inputValue();
  assert.deepEqual(
    [await value('From (name)'), await value('To (name)'), await value('Matter (action id)'), await value('To participant id'), await value('Phone number type'), await page.getByLabel('Outcome').inputValue()],
    ['', 'Hana K.', '6262', '88', 'Mobile', ''], 'an outgoing call to the last caller; what was typed kept; what came of it left blank');
  assert.equal(await known.getByRole('button').count(), 0, 'nothing more to fill');
  await page.getByLabel('Outcome').fill('Sent the draft');
  await page.getByRole('button', { name: 'Record call' }).click();
  await page.getByRole('status').getByText(/^Recorded the call to Hana K\./).waitFor();
  const [saved] = (await api('GET', `/phonerecords?phoneNumber=${encodeURIComponent(number)}&sort=-id&pageSize=1`)).phonerecords;
  assert.deepEqual([saved.toParticipantOther, saved.links, saved.phoneNumberType, saved.outcome],
    ['Hana K.', { action: 6262, toParticipant: 88 }, 'Mobile', 'Sent the draft']);
  // A follow-up of the number's last call names that call once, not twice.
  await page.goto(`${BASE}/calls/${saved.id}`);
  await page.getByRole('link', { name: 'Record a follow-up' }).click();
  await page.locator('.follows').waitFor();
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(600);
  assert.equal(await known.count(), 0, 'the followed call is not named again');
  // Of an earlier call: the number's last call is named.
  await page.goto(`${BASE}/calls/${last.id}`);
  await page.getByRole('link', { name: 'Record a follow-up' }).click();
  await page.locator('.follows').waitFor();
  await known.waitFor();
  assert.equal(await known.getByRole('link').getAttribute('href'), `/calls/${saved.id}`);
  await page.done();
});

test('a save made offline stays on the page and is sent once the connection is back: the call recorded once, an edit still held to its version', async () => {
  const matter = 660_000 + (Date.now() % 100_000);
  // Offline, the browser reports each refused request; a chunk still being
  // fetched in the background then fails too (it is fetched again when needed).
  const page = await signedIn({ allow: ['ERR_INTERNET_DISCONNECTED', 'TypeError: Failed to fetch', 412] });
  await page.goto(`${BASE}/calls/new?matter=${matter}`);
  await page.getByRole('heading', { name: 'Record a call' }).waitFor();
  await page.getByLabel('Outcome').fill('Spoke from the basement');
  await page.context().setOffline(true);
  await page.getByRole('button', { name: 'Record call' }).click();
  await page.getByRole('alert').getByText(/^You are offline, so nothing was sent\./).waitFor();
  assert.equal((await api('GET', `/phonerecords?action=${matter}`)).phonerecords.length, 0, 'nothing stored while offline');
  await page.context().setOffline(false);
  await page.getByRole('status').getByText(/^Recorded the call/).waitFor();
  const stored = (await api('GET', `/phonerecords?action=${matter}`)).phonerecords;
  assert.equal(stored.length, 1, 'recorded once');
  assert.equal(stored[0].outcome, 'Spoke from the basement');
  // An edit saved offline, the call changed by someone else meanwhile: sent
  // when the connection is back, it meets their version, not overwrites it.
  const id = stored[0].id;
  await page.goto(`${BASE}/calls/${id}/edit`);
  await page.getByLabel('Notes').fill('Mine, offline');
  await page.context().setOffline(true);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.getByRole('alert').getByText(/^You are offline, so nothing was sent\./).waitFor();
  const theirs = await api('PUT', `/phonerecords/${id}`, { outcome: 'Theirs, meanwhile' });
  assert.equal(theirs.outcome, 'Theirs, meanwhile');
  await page.context().setOffline(false);
  await page.locator('.conflict-panel').waitFor();
  const now = await api('GET', `/phonerecords/${id}`);
  assert.deepEqual([now.outcome, now.notes], ['Theirs, meanwhile', undefined], 'nothing silently overwritten');
  await page.getByRole('button', { name: 'Save mine on top' }).click();
  await page.getByRole('status').getByText(/^Saved changes to the call/).waitFor();
  const after = await api('GET', `/phonerecords/${id}`);
  assert.deepEqual([after.outcome, after.notes], ['Theirs, meanwhile', 'Mine, offline']);
  await page.done();
});

test("a deleted call's unsaved edits go with it: signing out then has nothing to ask about", async () => {
  const rec = await api('POST', '/phonerecords', { direction: 'in', callTimestamp: '2025-10-01T10:00:00+13:00', outcome: 'To be deleted', phoneNumber: '+64 9 555 0444' });
  const page = await signedIn();
  await page.goto(`${BASE}/calls/${rec.id}/edit`);
  await page.getByLabel('Notes').fill('Edits never saved');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Records' }).click();
  await appsList(page);
  await page.goto(`${BASE}/calls/${rec.id}`);
  await page.getByRole('link', { name: 'Continue editing' }).waitFor();
  await page.getByRole('button', { name: 'Delete this record' }).click();
  await page.getByRole('status').getByRole('button', { name: 'Undo' }).waitFor();
  await page.getByRole('status').getByText('Deleted the call with +64 9 555 0444 on 1 Oct 2025.').waitFor({ timeout: 15000 });
  assert.equal(await status(rec.id), 404, 'deleted');
  const asked = [];
  page.on('dialog', (d) => { asked.push(d.message()); d.dismiss(); });
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Sign out' }).click();
  await page.getByText('You have signed out.').waitFor();
  assert.deepEqual(asked, [], 'no unsaved edits left to ask about');
  await page.done();
});

test('by keyboard on a phone: Set matter… moves the selected calls to one matter, leaves a call someone else moved, says which and why, and Undo takes back only what nobody changed since', async () => {
  const tag = `matter-move-${Date.now()}`;
  const target = 600_000 + (Date.now() % 100_000); // a matter of its own
  const made = await api('POST', '/phonerecords', {
    phonerecords: [
      { direction: 'in', callTimestamp: '2026-03-01T09:00:00+13:00', outcome: tag, fromParticipantOther: 'Ana Ngata' },
      { direction: 'out', callTimestamp: '2026-03-02T09:00:00+13:00', outcome: tag, toParticipantOther: 'Ben Ito', links: { action: 801 } },
      { direction: 'in', callTimestamp: '2026-03-03T09:00:00+13:00', outcome: tag, fromParticipantOther: 'Cy Roa', links: { action: 802 } },
    ],
  });
  const [ana, ben, cy] = made.phonerecords.map((r) => r.id);
  const matterOf = async (id) => (await api('GET', `/phonerecords/${id}`)).links.action ?? null;
  const page = await signedIn({ width: 375, height: 800, allow: [412, 'ERR_FAILED'] });
  const puts = [];
  page.on('request', (r) => { if (r.method() === 'PUT') puts.push({ url: r.url(), ifMatch: r.headers()['if-match'] }); });
  await openList(page, `${BASE}/?q=${tag}`);
  await eventually(async () => (await range(page)) === '1–3 of 3', 'the three calls');
  const named = async (who) => (await page.getByRole('checkbox', { name: new RegExp(who) }).getAttribute('aria-label')).replace(/^Select /, '');
  const [benCall, cyCall] = [await named('Ben Ito'), await named('Cy Roa')];
  await page.getByLabel('Search').focus();
  await tabTo(page, 'Select all on this page');
  await page.keyboard.press('Space');
  await page.getByText('3 selected').waitFor();
  await tabTo(page, 'Set matter…');
  await page.keyboard.press('Enter');
  const field = page.getByLabel('Matter for the 3 selected calls');
  await field.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'set-matter-input', 'the field has the focus');
  // It suggests the matters most used, as the API counts them.
  const top = (await api('GET', '/phonerecords/summary?groupBy=action&limit=8')).groups.filter((g) => g.key !== null);
  const suggested = () => page.locator('#set-matter-suggestions option').evaluateAll((os) => os.map((o) => [o.value, o.label]));
  await eventually(async () => (await suggested()).length === top.length, 'the suggestions');
  assert.deepEqual(await suggested(), top.map((g) => [String(g.key), `#${g.key} · ${g.count} call${g.count === 1 ? '' : 's'}`]));
  await page.keyboard.type('abc');
  await page.keyboard.press('Enter');
  assert.equal(await page.locator('#set-matter-error').textContent(), 'The matter must be a whole number (an id)', 'refused here as the API would');
  assert.equal(await field.getAttribute('aria-invalid'), 'true');
  assert.equal(puts.length, 0, 'nothing sent');
  await noSidewaysScroll(page, 'Set matter… at 375 px');
  // Someone else moves Cy's call to another matter meanwhile.
  await api('PUT', `/phonerecords/${cy}`, { links: { action: 900 } });
  await field.fill(`#${target}`);
  await page.keyboard.press('Enter');
  const report = page.locator('.set-matter-report');
  await report.waitFor();
  assert.equal(await report.textContent(), `Matter #${target} set on 2 of 3 calls. Not changed: ${cyCall} — someone else changed it meanwhile.`);
  assert.equal(await report.getAttribute('role'), 'status', 'announced');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'set-matter-report', 'the report has the focus');
  assert.deepEqual([await matterOf(ana), await matterOf(ben), await matterOf(cy)], [target, target, 900], 'stored: Cy\'s call as the other person set it');
  assert.equal(puts.length, 2, 'one change per call moved, none for the call left');
  assert.ok(puts.every((p) => /^"\d+-\d+"$/.test(p.ifMatch)), 'each change held to the version just read');
  await eventually(async () => (await page.locator('td[data-label=Matter]').allTextContents()).filter((t) => t.trim() === `#${target}`).length === 2, 'the list as stored now');
  assert.equal(await page.locator('.selected-count').count(), 0, 'the selection is cleared');
  const topMatters = () => page.locator('.summary-panel .top-matters li').allInnerTexts();
  await eventually(async () => (await topMatters()).some((t) => new RegExp(`^Matter #${target}\\s*2 calls`).test(t)), 'the totals as stored now');
  await noSidewaysScroll(page, 'the report at 375 px');
  await page.screenshot({ path: `${SHOTS}/set-matter-report.png`, fullPage: true });
  // Ben's call is edited after the move: Undo leaves it as it is now.
  await api('PUT', `/phonerecords/${ben}`, { notes: 'Edited after the move' });
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Undo');
  await page.keyboard.press('Enter');
  await eventually(async () => (await report.textContent()).startsWith('Undone'), 'the Undo report');
  assert.equal(await report.textContent(), `Undone on 1 of 2 calls. Not undone: ${benCall} — someone else changed it meanwhile.`);
  assert.deepEqual([await matterOf(ana), await matterOf(ben), await matterOf(cy)], [null, target, 900]);
  assert.equal((await api('GET', `/phonerecords/${ben}`)).notes, 'Edited after the move', 'the later edit kept');
  assert.equal(await page.locator('.set-matter').getByRole('button', { name: 'Undo' }).count(), 0, 'one Undo');
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('.set-matter').count(), 0, 'Escape closes it');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'main', 'the focus moves to the page (the selection is gone), not lost');
  // Calls filed by mistake: their matter removed (a call already on none counts as done).
  await page.getByLabel('Select all on this page').check();
  await page.locator('.bulk-bar').getByRole('button', { name: 'Set matter…' }).click();
  await page.locator('.set-matter').getByRole('button', { name: 'Cancel' }).click();
  assert.equal(await page.locator('.set-matter').count(), 0);
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Set matter…', 'the focus back on the button that opened it');
  await page.keyboard.press('Enter');
  await page.locator('.set-matter').getByRole('button', { name: 'Remove their matter' }).click();
  await eventually(async () => (await report.count()) === 1 && (await report.textContent()) === 'Matter removed from 3 calls.', 'the removal reported');
  await page.locator('.set-matter').getByRole('button', { name: 'Close' }).click();
  assert.equal(await page.locator('.set-matter').count(), 0);
  assert.deepEqual([await matterOf(ana), await matterOf(ben), await matterOf(cy)], [null, null, null]);
  // The connection fails for one call: it is named, not sent, and the others are done.
  await page.route(`${BASE}/phonerecords/${ben}`, (route) => (route.request().method() === 'GET' ? route.abort() : route.continue()));
  await page.getByLabel('Select all on this page').check();
  await page.locator('.bulk-bar').getByRole('button', { name: 'Set matter…' }).click();
  await page.getByLabel('Matter for the 3 selected calls').fill(String(target));
  await page.keyboard.press('Enter');
  await eventually(async () => (await report.count()) === 1, 'the report');
  assert.equal(await report.textContent(), `Matter #${target} set on 2 of 3 calls. Not changed: ${benCall} — not sent: Could not reach the server. Check your connection and try again.`);
  assert.deepEqual([await matterOf(ana), await matterOf(ben), await matterOf(cy)], [target, null, target]);
  await page.done();
});

test('Set matter… shows its progress with the focus on Stop, and Stop leaves the calls not yet begun as they were, named in the report', async () => {
  const tag = `matter-stop-${Date.now()}`;
  const target = 700_000 + (Date.now() % 100_000);
  const made = await api('POST', '/phonerecords', {
    phonerecords: Array.from({ length: 9 }, (_, i) => ({
      direction: 'in', callTimestamp: `2026-04-0${1 + i}T09:00:00+12:00`, outcome: tag, fromParticipantOther: `Caller ${i + 1}`,
    })),
  });
  const ids = made.phonerecords.map((r) => r.id);
  const page = await signedIn();
  await openList(page, `${BASE}/?q=${tag}`);
  await eventually(async () => (await range(page)) === '1–9 of 9', 'the nine calls');
  // Each read of a call takes a second: the run is slow enough to stop.
  await page.route(/\/phonerecords\/\d+$/, async (route) => {
    if (route.request().method() === 'GET') await new Promise((r) => setTimeout(r, 1000));
    await route.continue();
  });
  await page.getByLabel('Select all on this page').check();
  await page.locator('.bulk-bar').getByRole('button', { name: 'Set matter…' }).click();
  await page.getByLabel('Matter for the 9 selected calls').fill(String(target));
  await page.keyboard.press('Enter');
  const status = page.locator('.set-matter[role=status] span');
  await eventually(async () => /^Setting matter #\d+… [1-8] of 9$/.test(await status.textContent()), 'a call done, not all');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Stop', 'the focus on Stop, kept while the progress moves');
  assert.equal(await page.locator('.set-matter progress').getAttribute('max'), '9');
  await page.keyboard.press('Enter');
  const report = page.locator('.set-matter-report');
  await report.waitFor();
  const text = await report.textContent();
  const m = text.match(/^Matter #\d+ set on (\d) of 9 calls\. Not changed: (.*)\.$/);
  assert.ok(m, text);
  const set = Number(m[1]);
  assert.ok(set >= 1 && set < 9, text);
  const stopped = m[2].split('; ');
  assert.equal(stopped.length, 9 - set, text);
  assert.ok(stopped.every((s) => / — not sent \(stopped\)$/.test(s)), text);
  const stored = await Promise.all(ids.map(async (id) => (await api('GET', `/phonerecords/${id}`)).links.action ?? null));
  assert.equal(stored.filter((a) => a === target).length, set, 'as many stored as reported');
  assert.equal(stored.filter((a) => a === null).length, 9 - set, 'the rest untouched');
  await page.done();
});
