// The UI's chunks of WebAssembly (frontend/src/chunks.rs, cut by
// scripts/build-ui): the first list comes without the other pages' code, each
// page's chunk comes when it is needed (or before, once the first screen is
// up), and a chunk that cannot be fetched costs that page, never the app.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, TOKEN, open, appsList, eventually, api, holdMainModule } from './harness.mjs';

const CHUNK = /\/assets\/(split_[a-z]+|chunk_\d+)\.[0-9a-f]{16}\.wasm$/;
// What a refused chunk logs: the browser's failed request, and the split
// loader's report of the fetch it could not make. Nothing else is allowed.
const REFUSED_CHUNK = ['Failed to load resource: net::ERR_FAILED', 'TypeError: Failed to fetch'];
const split = (url) => (new URL(url).pathname.match(CHUNK) || [])[1];
/** The chunks among `fetched` that were fetched more than once. */
const twice = (fetched) => [...new Set(fetched.filter((f, i) => fetched.indexOf(f) !== i))];

test('the first list arrives without the other pages\' chunks; they follow once it is up, each fetched once', async () => {
  // One call, so the list has a row (deleted at the end: the other files start from an empty list).
  const created = await api('POST', '/phonerecords', { phonerecords: [{ callTimestamp: '2026-11-30T09:00:00+13:00', direction: 'in', phoneNumber: '+64 9 555 0100', outcome: 'chunk check' }] });
  const page = await open();
  const fetched = [];
  page.on('request', (r) => { if (split(r.url())) fetched.push(split(r.url())); });
  // Hold back the form's, the import's, a call page's and the sign-in page's chunks until the list is up.
  const held = [];
  let release = false;
  await page.route(/\/assets\/split_(form|import|call|signin)\.[0-9a-f]{16}\.wasm$/, (route) => (release ? route.continue() : held.push(route)));
  await page.goto(`${BASE}/#token=${TOKEN}`);
  await appsList(page);
  await page.locator('table.records tbody tr').first().waitFor();
  await page.locator('.summary-panel').waitFor();
  await eventually(async () => !(await page.locator('html.first-paint').count()), 'the first paint to go');
  // The list, its totals and its export button are the app's, with those chunks held back
  // (the totals' and export's chunk comes after the list: the button waits, disabled, until then).
  await eventually(() => page.getByRole('button', { name: 'Export CSV' }).isEnabled(), 'the export button to work');
  await eventually(async () => (await page.locator('[data-first-paint]').count()) === 0, 'the app\'s totals');
  assert.ok(fetched.includes('split_list'), 'the list\'s chunk was fetched');
  // Once the first screen is up, the other pages' chunks are asked for, one after another.
  await eventually(() => held.length > 0, 'the next page\'s chunk to be asked for');
  release = true;
  for (const route of held) await route.continue();
  await eventually(() => ['split_form', 'split_import', 'split_call', 'split_signin'].every((f) => fetched.includes(f)),
    'every page\'s chunk to be fetched in the background');
  await page.getByRole('link', { name: 'Record a call' }).first().click();
  await page.getByRole('heading', { name: 'Record a call' }).waitFor();
  await page.getByRole('link', { name: 'Records', exact: true }).click();
  await appsList(page);
  assert.deepEqual(twice(fetched), [], 'a chunk was fetched more than once');
  await page.done();
  await api('DELETE', `/phonerecords/${created.phonerecords[0].id}`);
});

test('the app\'s list does not wait for its totals\' chunk: the painted totals stand in where the app\'s go, until they come or the view changes', async () => {
  const created = await api('POST', '/phonerecords', { phonerecords: [
    { callTimestamp: '2026-11-30T08:00:00+13:00', direction: 'in', actualHours: 1.5, phoneNumber: '+64 9 555 0102', outcome: 'stand-in check' },
    { callTimestamp: '2026-11-29T08:00:00+13:00', direction: 'out', actualHours: 0.25, phoneNumber: '+64 9 555 0103', outcome: 'stand-in check' },
  ] });
  const totals = (page) => page.locator('.summary-panel .totals').innerText();
  const box = (page) => page.locator('.summary-panel').boundingBox();
  for (const changeView of [false, true]) {
    const page = await open();
    // The main module waits until main.js has painted; the totals' chunk until released.
    const releaseMain = await holdMainModule(page);
    const heldList = [];
    let listReleased = false;
    await page.route(/\/assets\/split_list\.[0-9a-f]{16}\.wasm$/, (route) => (listReleased ? route.continue() : heldList.push(route)));
    await page.goto(`${BASE}/#token=${TOKEN}`);
    await page.locator('[data-first-paint] table.records tbody tr').first().waitFor();
    const painted = { totals: await totals(page), box: await box(page) };
    releaseMain();
    await appsList(page);
    await eventually(async () => !(await page.locator('html.first-paint').count()), 'the app\'s page to show');
    await eventually(() => heldList.length > 0, 'the app to ask for its totals\' chunk');
    // The app's list works; its totals are still the painted ones, where they were.
    assert.ok(await page.getByLabel('Search').isEnabled(), 'the app\'s controls work without the totals\' chunk');
    assert.ok(await page.locator('table.records tbody input[type=checkbox]').first().isEnabled(), 'and its rows');
    assert.equal(await page.locator('.summary-panel').count(), 1, 'one totals panel');
    assert.equal(await page.locator('[data-summary-slot] > .summary-panel[data-first-paint]').count(), 1, 'the painted totals stand in');
    assert.equal(await totals(page), painted.totals, 'the same totals');
    const at = await box(page);
    for (const k of ['x', 'y', 'width', 'height']) assert.ok(Math.abs(at[k] - painted.box[k]) <= 0.5, `the totals did not move (${k})`);
    assert.equal(await page.locator('[data-first-paint]').count(), 1, 'nothing else of the first paint is left');
    if (changeView) {
      // Totals of another view must not be shown as this one's.
      await page.getByLabel('Direction').selectOption('out');
      await eventually(async () => (await page.locator('.summary-panel').count()) === 0, 'the painted totals to go with their view');
    }
    listReleased = true;
    for (const route of heldList) await route.continue();
    await eventually(async () => (await page.locator('.summary-panel .period-switch select:enabled').count()) === 1, 'the app\'s totals');
    assert.equal(await page.locator('[data-first-paint]').count(), 0, 'the painted totals have gone');
    assert.equal(await page.locator('.summary-panel').count(), 1, 'one totals panel');
    if (!changeView) assert.equal(await totals(page), painted.totals, 'the app\'s totals read as the painted ones did');
    await page.done();
  }
  for (const r of created.phonerecords) await api('DELETE', `/phonerecords/${r.id}`);
});

test('a page that lives in a chunk, opened by its link, has its chunks fetched beside the main module, each once', async () => {
  const created = await api('POST', '/phonerecords', { phonerecords: [{ callTimestamp: '2026-11-30T07:00:00+13:00', direction: 'in', phoneNumber: '+64 9 555 0104', outcome: 'preload check' }] });
  const id = created.phonerecords[0].id;
  for (const [path, chunk, shown] of [
    [`/calls/${id}`, 'split_call', '#call-title'],
    [`/calls/${id}/edit`, 'split_form', 'form.record-form'],
    ['/calls/new', 'split_form', 'form.record-form'],
    ['/import', 'split_import', 'input[type=file]'],
  ]) {
    const page = await open();
    const fetched = [];
    page.on('request', (r) => { if (split(r.url())) fetched.push(split(r.url())); });
    // The main module waits: whatever chunk is asked for meanwhile, main.js asked for.
    const releaseMain = await holdMainModule(page);
    await page.goto(`${BASE}${path}#token=${TOKEN}`);
    await eventually(() => fetched.includes(chunk), `${chunk} to be fetched before the main module is in (${path})`);
    assert.ok(!fetched.includes('split_list'), `not the list's chunk on ${path}`);
    releaseMain();
    await page.locator(shown).first().waitFor();
    assert.deepEqual(twice(fetched), [], `a chunk was fetched more than once on ${path}`);
    await page.done();
  }
  // Signed out, every page is the sign-in page: its chunk comes beside the main module.
  const page = await open();
  const fetched = [];
  page.on('request', (r) => { if (split(r.url())) fetched.push(split(r.url())); });
  const releaseMain = await holdMainModule(page);
  await page.goto(`${BASE}/calls/${id}`);
  await eventually(() => fetched.includes('split_signin'), 'the sign-in chunk to be fetched before the main module is in');
  assert.ok(!fetched.some((f) => f === 'split_list' || f === 'split_call'), 'not the list\'s or the call page\'s chunk');
  releaseMain();
  await eventually(async () => (await page.locator('[data-first-paint]').count()) === 0, 'the app\'s sign-in page');
  await page.locator('#token').waitFor();
  assert.deepEqual(twice(fetched), [], 'a chunk was fetched more than once signed out');
  await page.done();
  await api('DELETE', `/phonerecords/${id}`);
});

test('signed out, without the sign-in page\'s chunk the painted page goes and "Try again" brings the app\'s', async () => {
  const page = await open({ allow: REFUSED_CHUNK });
  let refuse = true;
  await page.route(/\/assets\/split_signin\.[0-9a-f]{16}\.wasm$/, (route) => (refuse ? route.abort() : route.continue()));
  await page.goto(`${BASE}/`);
  const alert = page.getByRole('alert');
  await alert.getByText('This page could not be loaded').waitFor();
  assert.equal(await page.locator('[data-first-paint]').count(), 0, 'no painted page left, disabled or not');
  refuse = false;
  await alert.getByRole('button', { name: 'Try again' }).click();
  await page.getByLabel('API token').fill(TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await appsList(page);
  await page.done();
});

test('a page whose chunk cannot be fetched says so and loads on "Try again"; the list never depended on it', async () => {
  const page = await open({ allow: REFUSED_CHUNK });
  let refuse = true;
  await page.route(/\/assets\/split_form\.[0-9a-f]{16}\.wasm$/, (route) => (refuse ? route.abort() : route.continue()));
  await page.goto(`${BASE}/#token=${TOKEN}`);
  await appsList(page);
  await page.getByRole('link', { name: 'Record a call' }).first().click();
  const alert = page.getByRole('alert');
  await alert.getByText('This page could not be loaded').waitFor();
  // The rest of the app still works: back to the list and here again.
  await page.getByRole('link', { name: 'Records', exact: true }).click();
  await appsList(page);
  await page.getByRole('link', { name: 'Record a call' }).first().click();
  await alert.getByText('This page could not be loaded').waitFor();
  refuse = false;
  await alert.getByRole('button', { name: 'Try again' }).click();
  await page.getByRole('heading', { name: 'Record a call' }).waitFor();
  assert.ok(await page.getByLabel('Phone number', { exact: true }).isVisible(), 'the form is there');
  await page.done();
});

test('without its totals\' chunk the list is whole: the first paint goes, and nothing is left disabled', async () => {
  const created = await api('POST', '/phonerecords', { phonerecords: [{ callTimestamp: '2026-11-30T10:00:00+13:00', direction: 'out', phoneNumber: '+64 9 555 0101', outcome: 'chunk check' }] });
  const page = await open({ allow: REFUSED_CHUNK });
  await page.route(/\/assets\/split_list\.[0-9a-f]{16}\.wasm$/, (route) => route.abort());
  await page.goto(`${BASE}/#token=${TOKEN}`);
  await appsList(page);
  await page.locator('table.records tbody tr').first().waitFor();
  await eventually(async () => !(await page.locator('html.first-paint').count()), 'the first paint to go');
  // The painted totals (if main.js painted first) stand in until the chunk is known to be missing.
  await eventually(async () => (await page.locator('[data-first-paint]').count()) === 0, 'nothing of the first paint to be left');
  assert.equal(await page.locator('.summary-panel').count(), 0, 'no totals: neither the app\'s nor the painted ones');
  // (A link is never disabled: the app's own controls are what could be left so.)
  assert.ok(await page.getByLabel('Search').isEnabled(), 'the app\'s controls work');
  await page.done();
  await api('DELETE', `/phonerecords/${created.phonerecords[0].id}`);
});
