// main.js's frame: while the WebAssembly downloads, a page with no first
// paint of its own (the form, the import, a filtered list...) shows the app's
// bar and a loading line, and a signed-out visit the sign-in page, instead of
// a blank screen; the app replaces it, in the same place, as soon as it runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, TOKEN, SHOTS, open, eventually, assertSameBoxes, api, holdMainModule } from './harness.mjs';

/** A tab whose main module waits until `release()`. */
async function heldApp(opts) {
  const page = await open(opts);
  return { page, release: await holdMainModule(page) };
}

const boxes = (page, selectors) => page.evaluate((sels) => sels.map((sel) => {
  const e = [...document.querySelectorAll(sel)].find((n) => n.offsetParent !== null);
  return [sel, e && e.getBoundingClientRect().toJSON()];
}), selectors);

const appRuns = (page) => eventually(async () => (await page.locator('[data-first-paint]').count()) === 0
  && !(await page.locator('html.first-paint').count()), 'the app to replace the frame');

test('signed out, the sign-in page is on screen before the app runs, and the app\'s takes its place', async () => {
  for (const width of [1280, 375]) {
    const { page, release } = await heldApp({ width });
    await page.goto(`${BASE}/calls/new`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    assert.equal(await page.locator('[data-first-paint]').count(), 3, 'the painted sign-in page');
    assert.ok(await page.getByLabel('API token').isEnabled(), 'its field takes a token at once');
    assert.equal(await page.locator('.top-actions').count(), 0, 'no links for someone signed out');
    await page.screenshot({ path: `${SHOTS}/frame-signin-${width}.png`, fullPage: true });
    const selectors = ['.topbar', '.signin h1', '.signin .field', '.signin button'];
    const before = await boxes(page, selectors);
    release();
    await appRuns(page);
    assert.ok(await page.getByLabel('API token').isEnabled(), 'the app\'s field');
    assertSameBoxes(before, await boxes(page, selectors), width);
    // And it signs in.
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Record a call' }).waitFor();
    await page.done();
  }
});

test('a token typed on the painted sign-in page is the app\'s: sent before the app runs, it signs in', async () => {
  // Typed, not sent: the app's field has it, and the focus.
  {
    const { page, release } = await heldApp({ width: 375 });
    await page.goto(`${BASE}/calls/new`);
    await page.locator('[data-first-paint] #first-paint-token').fill(TOKEN.slice(0, 10));
    await page.locator('[data-first-paint] #first-paint-token').pressSequentially(TOKEN.slice(10));
    release();
    await appRuns(page);
    assert.equal(await page.getByLabel('API token').inputValue(), TOKEN, 'the app\'s field holds what was typed');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'token', 'and has the focus');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Record a call' }).waitFor();
    await page.done();
  }
  // Sent before the app runs: it checks the token and signs in, no second try.
  {
    const { page, release } = await heldApp();
    await page.goto(`${BASE}/calls/new`);
    await page.locator('[data-first-paint] #first-paint-token').fill(TOKEN);
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('[data-first-paint] button[type=submit]').innerText(), 'Checking…');
    assert.ok(await page.locator('[data-first-paint] button[type=submit]').isDisabled(), 'sent once');
    release();
    await page.getByRole('heading', { name: 'Record a call' }).waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.getItem('phonerecords.token')), TOKEN, 'signed in');
    await page.done();
  }
  // A wrong token sent early gets the app's answer, as if sent in the app.
  {
    const { page, release } = await heldApp({ allow: [401] });
    await page.goto(`${BASE}/calls/new`);
    await page.locator('[data-first-paint] #first-paint-token').fill('not-the-token');
    await page.keyboard.press('Enter');
    release();
    await page.getByRole('alert').filter({ hasText: 'That token was not accepted.' }).waitFor();
    assert.equal(await page.getByLabel('API token').inputValue(), 'not-the-token');
    await page.done();
  }
});

test('signed in, a page with no first paint shows the app\'s bar and a loading line until the app runs', async () => {
  for (const [path, shown] of [['/calls/new', 'form.record-form'], ['/import', 'input[type=file]'], ['/?direction=in', '#list-title']]) {
    const { page, release } = await heldApp();
    await page.goto(`${BASE}${path}#token=${TOKEN}`);
    await page.locator('[data-first-paint] .loading').waitFor();
    assert.equal(await page.getByRole('status').filter({ hasText: 'Loading…' }).count(), 1, `a loading line on ${path}`);
    const current = await page.locator('[data-first-paint] .top-actions [aria-current=page]').allInnerTexts();
    assert.deepEqual(current, path === '/calls/new' ? ['Record a call'] : path.startsWith('/?') ? ['Records'] : [], `the current page's link on ${path}`);
    const before = await boxes(page, ['.topbar', '.top-actions']);
    release();
    await appRuns(page);
    await page.locator(shown).first().waitFor();
    assertSameBoxes(before, await boxes(page, ['.topbar', '.top-actions']), 1280);
    assert.deepEqual(await page.locator('.top-actions [aria-current=page]').allInnerTexts(), current, 'the app marks the same link');
    await page.done();
  }
});

test('with no calls at all, the list\'s empty state is painted before the app runs, and the app\'s takes its place', async () => {
  const have = (await api('GET', '/phonerecords?pageSize=1')).meta.paging.phonerecords.recordCount;
  assert.equal(have, 0, 'this test needs an empty database (the files before it leave none)');
  for (const width of [1280, 375]) {
    const { page, release } = await heldApp({ width });
    await page.goto(`${BASE}/#token=${TOKEN}`);
    await page.locator('[data-first-paint] .empty').waitFor();
    const selectors = ['.topbar', '.page-head', '.filters', '.empty'];
    const before = { boxes: await boxes(page, selectors), text: await page.locator('.empty').innerText() };
    assert.equal(before.text, 'No phone records yet — record the first call.');
    assert.equal(await page.locator('.summary-panel, table.records').count(), 0, 'no totals, no table');
    release();
    await appRuns(page);
    await page.locator('#list-title').waitFor();
    assert.equal(await page.locator('.empty').innerText(), before.text, 'the app\'s empty state');
    assertSameBoxes(before.boxes, await boxes(page, selectors), width);
    await page.done();
  }
});
