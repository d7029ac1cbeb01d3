// Accessibility: every page, at desktop and phone width, in the light and the
// dark colour scheme (its contrast), checked with axe-core
// (the engine behind Lighthouse's and Deque's audits) against WCAG 2.1 A and
// AA, in Debian's Chromium against scripts/test's server. A violation fails
// the test with the rule, what it says and where.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { BASE, TOKEN, open, api, appsList, openList } from './harness.mjs';

const axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The page's WCAG 2.1 A/AA violations, as "rule: help — target" lines. */
async function violations(page) {
  // Evaluated over the DevTools protocol, which the page's CSP does not govern.
  await page.evaluate(axeSource);
  const found = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`);
  });
  return found;
}

test('every page meets WCAG 2.1 AA as axe-core checks it, at desktop and phone width, light and dark', async (t) => {
  const matter = 780_000 + (Date.now() % 100_000);
  const rec = await api('POST', '/phonerecords', {
    direction: 'in', callTimestamp: '2025-06-02T14:30:00+12:00', fromParticipantOther: 'Aroha Ngata', phoneNumber: '+64 21 555 0199',
    phoneNumberType: 'Mobile', outcome: 'Call back requested', notes: 'Asked about the lease.', actualHours: 0.25, links: { action: matter },
  });
  assert.ok(rec.id, `created: ${JSON.stringify(rec)}`);
  // An earlier call with the same number: the call's page lists it, the
  // new call's form names it.
  const earlier = await api('POST', '/phonerecords', {
    direction: 'out', callTimestamp: '2025-05-30T09:00:00+12:00', toParticipantOther: 'Aroha Ngata', phoneNumber: '+64 21 555 0199',
    outcome: 'Left a message', links: { action: matter },
  });
  assert.ok(earlier.id, `created: ${JSON.stringify(earlier)}`);
  // The import's report imports one call per round, with this outcome.
  const imported = `Imported for the accessibility check ${matter}`;
  // This file runs first (e2e/*.test.mjs in order) and the others begin with no calls at all.
  t.after(async () => {
    const found = await api('GET', `/phonerecords?outcome=${encodeURIComponent(imported)}`);
    assert.equal(found.phonerecords.length, 4, 'one call imported per width and scheme');
    for (const id of [rec.id, earlier.id, ...found.phonerecords.map((r) => r.id)]) {
      const gone = await fetch(`${BASE}/phonerecords/${id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${TOKEN}` } });
      assert.equal(gone.status, 204, `call ${id} deleted`);
    }
  });
  const pages = [
    ['the list', '/', '#list-title'],
    ["a matter's calls", `/?matter=${matter}`, '#list-title'],
    ['a matter with no calls', `/?matter=${matter + 1}`, '.empty'],
    ["a call's page", `/calls/${rec.id}`, 'dl.call-details'],
    ['no such call', '/calls/999999999', '#call-title'],
    ['the new call form', `/calls/new?matter=${matter}`, '#form-title'],
    ['the edit form', `/calls/${rec.id}/edit`, '#form-title'],
    ['import', '/import', 'input[type=file]'],
    ['not found', '/no/such/page', 'main h1'],
  ];
  const problems = [];
  for (const [width, scheme] of [[1280, 'light'], [375, 'light'], [1280, 'dark'], [375, 'dark']]) {
    const page = await open({ width, allow: [404, 401, 412] }); // no such call, a refused token, the conflict
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto(`${BASE}/`);
    await page.locator('#token').waitFor();
    for (const line of await violations(page)) problems.push(`sign-in at ${width} px, ${scheme}: ${line}`);
    await page.locator('#token').fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('That token was not accepted.').waitFor();
    for (const line of await violations(page)) problems.push(`a refused token at ${width} px, ${scheme}: ${line}`);
    await page.locator('#token').fill(TOKEN);
    await page.locator('#token').press('Enter');
    await appsList(page);
    for (const [name, path, ready] of pages) {
      if (path.startsWith('/?') || path === '/') await openList(page, `${BASE}${path}`);
      else await page.goto(`${BASE}${path}`);
      await page.locator(ready).first().waitFor();
      await page.waitForLoadState('networkidle');
      for (const line of await violations(page)) problems.push(`${name} at ${width} px, ${scheme}: ${line}`);
    }
    // States a page reaches by use: a selection on the list, a form's
    // problems next to their fields, an import's preview with bad cells.
    const states = [
      ['the list with a selection', async () => {
        await openList(page, `${BASE}/?matter=${matter}`);
        await page.locator('table.records tbody tr').first().getByRole('checkbox').check();
        await page.getByText('1 selected').waitFor();
      }],
      ['Set matter… for the selection, a matter refused', async () => {
        await page.locator('.bulk-bar').getByRole('button', { name: 'Set matter…' }).click();
        await page.locator('#set-matter-input').fill('abc');
        await page.locator('#set-matter-input').press('Enter');
        await page.locator('#set-matter-error').filter({ hasText: /./ }).waitFor();
      }],
      ["Set matter…'s report (the call already on that matter)", async () => {
        await page.locator('#set-matter-input').fill(String(matter));
        await page.locator('#set-matter-input').press('Enter');
        await page.locator('.set-matter-report').waitFor();
      }],
      ['the form with problems', async () => {
        await page.goto(`${BASE}/calls/new`);
        await page.getByLabel('Duration', { exact: true }).fill('soon');
        await page.getByRole('button', { name: 'Record call' }).click();
        await page.locator('[aria-invalid=true]').first().waitFor();
      }],
      ['a form given back its unsaved values (the problems above, kept as a draft), the call being timed', async () => {
        await page.goto(`${BASE}/calls/new`);
        await page.locator('.draft-notice').waitFor();
        await page.getByRole('button', { name: 'Start timer' }).click();
        await page.getByRole('timer').waitFor();
      }],
      ["an import's preview", async () => {
        await page.goto(`${BASE}/import`);
        const csv = `Direction,Date,Number,Outcome\r\nin,2025-06-02T14:30:00+12:00,+64 21 555 0100,${imported}\r\nsideways,yesterday,,\r\n`;
        await page.locator('#import-file').setInputFiles({ name: 'calls.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
        await page.locator('.import-rows tbody tr').nth(1).waitFor();
      }],
      ["an import's report (one row imported, one skipped)", async () => {
        await page.locator('.import-rows').first().waitFor();
        await page.getByRole('button', { name: /^Import/ }).click();
        await page.locator('.import-report').waitFor();
      }],
    ];
    states.push(['the conflict panel', async () => {
      await page.goto(`${BASE}/calls/${rec.id}/edit`);
      await page.getByLabel('Notes').waitFor();
      // Someone else saves the call meanwhile (PUT changes only what it names).
      const theirs = await fetch(`${BASE}/phonerecords/${rec.id}`, {
        method: 'PUT', headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ outcome: `Their outcome at ${width} px, ${scheme}` }),
      });
      assert.equal(theirs.status, 200);
      await page.getByLabel('Notes').fill(`Mine at ${width} px, ${scheme}`);
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.locator('.conflict-panel').waitFor();
    }]);
    states.push(["a call's page listing the other calls with its number", async () => {
      await page.goto(`${BASE}/calls/${rec.id}`);
      await page.locator('section.history li').waitFor();
    }]);
    states.push(["a new call's form naming the number's last call", async () => {
      await page.goto(`${BASE}/calls/new`);
      await page.getByLabel('Phone number', { exact: true }).fill('+64 21 555 0199');
      await page.locator('.known-number').getByRole('button', { name: 'Use these details' }).waitFor();
    }]);
    states.push(['the list with every call of its view ready to print', async () => {
      await openList(page, `${BASE}/?matter=${matter}`);
      await page.evaluate(() => { window.print = () => {}; });
      await page.getByRole('button', { name: 'Print all' }).click();
      await page.getByRole('status').getByText('2 calls in the print.').waitFor();
    }]);
    for (const [name, reach] of states) {
      await reach();
      for (const line of await violations(page)) problems.push(`${name} at ${width} px, ${scheme}: ${line}`);
    }
    // The Undo notice after a delete (then undone: nothing is deleted), on
    // the call's page, which points to the edits left in its form.
    await page.goto(`${BASE}/calls/${rec.id}`);
    await page.getByRole('link', { name: 'Continue editing' }).waitFor();
    await page.getByRole('button', { name: 'Delete this record' }).click();
    await page.getByRole('status').getByRole('button', { name: 'Undo' }).waitFor();
    for (const line of await violations(page)) problems.push(`the Undo notice at ${width} px, ${scheme}: ${line}`);
    await page.getByRole('status').getByRole('button', { name: 'Undo' }).click();
    await page.getByRole('status').getByText('Restored').waitFor();
    // The checker itself can fail: an image without a text alternative is reported.
    await page.evaluate(() => document.querySelector('main').append(Object.assign(document.createElement('img'), { src: '/favicon.ico' })));
    assert.ok((await violations(page)).some((line) => line.startsWith('image-alt ')), 'axe reports a planted violation');
    await page.done();
  }
  assert.deepEqual(problems, [], 'accessibility violations');
});
