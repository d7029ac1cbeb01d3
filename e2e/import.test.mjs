// End-to-end tests of "Import calls": Debian's Chromium (playwright-core)
// against the real `wrangler dev` scripts/test starts (E2E_URL, E2E_TOKEN),
// at phone width, by keyboard, failing on console errors other than those
// provoked on purpose. The calls they import are deleted at the end, so the
// other e2e files (run one at a time) start from the same database.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BASE, SHOTS, signedIn, api, noSidewaysScroll, parseCsv } from './harness.mjs';

/** A signed-in tab at phone width (the import's own tests' default). */
const open = ({ width = 375, allow = [] } = {}) => signedIn({ width, height: 800, allow });

/** Deletes every call whose notes hold `marker` (200 ids per request). */
async function cleanUp(marker) {
  for (;;) {
    const found = await api('GET', `/phonerecords?q=${encodeURIComponent(marker)}&fields=id&pageSize=200`);
    if (!found.phonerecords.length) return;
    await api('DELETE', `/phonerecords/${found.phonerecords.map((r) => r.id).join(',')}`);
  }
}

const csvCell = (s) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** 250 rows as a phone system writes them; rows 7, 32, … (direction) and
 * 20, 70, … (no result) are bad: 15 bad, 235 good. */
function callLog(marker) {
  const lines = ['Start time,Direction,Result,Duration,Caller,Phone,Notes,Extension'];
  let bad = 0;
  for (let i = 0; i < 250; i++) {
    const direction = i % 25 === 7 ? 'sideways' : i % 2 ? 'Outbound' : 'Inbound';
    const result = i % 50 === 20 ? '' : i % 3 ? 'Call completed' : 'Left a message';
    if (i % 25 === 7 || i % 50 === 20) bad++;
    const day = String(1 + (i % 28)).padStart(2, '0');
    const notes = i === 249 ? `${marker} row ${i}, "last"\nsecond line` : `${marker} row ${i}`;
    lines.push([`2025-11-${day} 09:${String(i % 60).padStart(2, '0')}`, direction, result, String(60 * (1 + (i % 30))),
      i === 5 ? 'Smith, Jones & Co' : `Caller ${i}`, '+64 9 555 0' + String(100 + i), notes, String(200 + i)].map(csvCell).join(','));
  }
  assert.equal(bad, 15);
  return `${lines.join('\r\n')}\r\n`;
}

test('imports 250 rows by keyboard at phone width: exact counts, a refused row, a lost answer retried with its key, the report, and the calls findable', async () => {
  const marker = `IMP${Date.now().toString(36)}`;
  const page = await open({ allow: [422, 'ERR_FAILED'] });
  const posts = [];
  let lostAnswer = false;
  await page.route((url) => url.pathname === '/phonerecords', async (route) => {
    const req = route.request();
    if (req.method() !== 'POST') return route.continue();
    const key = req.headers()['idempotency-key'];
    const records = JSON.parse(req.postData()).phonerecords.length;
    posts.push({ key, records });
    if (key.endsWith('-b1-0')) {
      // The server's own check refuses the 4th record (the preview could not know): nothing stored.
      return route.fulfill({ status: 422, contentType: 'application/json',
        body: JSON.stringify({ errors: [{ status: '422', code: 'invalid_value', title: 'Validation failed',
          detail: 'outcome was refused by the server (test)', path: 'phonerecords[3].outcome' }] }) });
    }
    if (key.endsWith('-b2-0') && !lostAnswer) {
      // Stored by the server, but the answer is lost on the way back.
      lostAnswer = true;
      await route.fetch();
      return route.abort('failed');
    }
    return route.continue();
  });
  try {
    // From the list to the import page, by keyboard.
    const link = page.getByRole('link', { name: 'Import calls' });
    for (let i = 0; i < 30 && !(await link.evaluate((a) => a === document.activeElement)); i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Import calls' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/import');
    await page.keyboard.press('Tab');
    for (let i = 0; i < 10 && (await page.evaluate(() => document.activeElement?.id)) !== 'import-file'; i++) await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'import-file', 'the file input takes the focus');
    await page.locator('#import-file').setInputFiles({ name: 'calls.csv', mimeType: 'text/csv', buffer: Buffer.from(callLog(marker)) });
    await page.getByRole('status').getByText('Read 250 rows from calls.csv: 235 ready to import, 15 with problems.').waitFor();

    // The guessed columns, the preview's messages.
    assert.equal(await page.locator('#import-col-3').inputValue(), 'actualHours:seconds');
    assert.equal(await page.locator('#import-col-7').inputValue(), '', 'Extension is not imported');
    assert.equal(await page.locator('.import-rows tbody tr').count(), 10);
    const row9 = await page.locator('.import-rows tbody tr').nth(7).textContent();
    assert.ok(row9.includes('Skipped') && row9.includes('direction must be "in" or "out"'), row9);
    await noSidewaysScroll(page, 'the preview');
    await page.screenshot({ path: `${SHOTS}/import-preview-phone.png`, fullPage: true });

    // Import, by keyboard.
    const button = page.getByRole('button', { name: 'Import 235 calls' });
    for (let i = 0; i < 40 && !(await button.evaluate((b) => b === document.activeElement)); i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Report' }).waitFor({ timeout: 30000 });
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'import-report-title', 'the focus moves to the report');
    const status = await page.locator('.import-status').textContent();
    assert.equal(status, 'Imported 234 calls; skipped 16 rows with problems.');
    assert.equal(await page.locator('.import-totals').textContent(), 'Imported234Skipped16Not imported0Unconfirmed0');
    assert.equal(await page.locator('.import-left tbody tr').count(), 16);
    await noSidewaysScroll(page, 'the report');
    await page.screenshot({ path: `${SHOTS}/import-report-phone.png`, fullPage: true });

    // Keys: one per batch, the same on the retry of the lost answer, a new one without the refused row.
    const keys = posts.map((p) => `${p.key.replace(/^.*-b/, 'b')}:${p.records}`);
    assert.deepEqual(keys, ['b1-0:100', 'b1-1:99', 'b2-0:100', 'b2-0:100', 'b3-0:35']);
    assert.equal(new Set(posts.map((p) => p.key.replace(/-b.*$/, ''))).size, 1, 'one import id');

    // The report, downloaded by keyboard.
    const download = page.waitForEvent('download');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Download the report (CSV)');
    await page.keyboard.press('Enter');
    const file = await download;
    assert.equal(file.suggestedFilename(), 'calls-import-report.csv');
    const report = parseCsv(readFileSync(await file.path(), 'utf8'));
    assert.deepEqual(report[0].slice(0, 5), ['import_row', 'import_status', 'import_id', 'import_reason', 'Start time']);
    assert.equal(report.length, 251);
    const byStatus = (s) => report.slice(1).filter((r) => r[1] === s);
    assert.equal(byStatus('imported').length, 234);
    assert.equal(byStatus('skipped').length, 16);
    assert.ok(byStatus('imported').every((r) => /^\d+$/.test(r[2])), 'each imported row has its id');
    const refused = report.find((r) => r[0] === '5');
    assert.deepEqual(refused.slice(1, 4), ['skipped', '', 'refused by the server: outcome was refused by the server (test)']);
    const row7 = report.find((r) => r[0] === '9');
    assert.deepEqual(row7.slice(1, 4), ['skipped', '', 'Direction: direction must be "in" or "out"']);
    assert.equal(report.find((r) => r[0] === '22')[3], 'Result: outcome is required');
    assert.equal(report[250][10], `${marker} row 249, "last"\nsecond line`);

    // The calls are there, once each, as written.
    const stored = await api('GET', `/phonerecords?q=${marker}&pageSize=1&fields=id`);
    assert.equal(stored.meta.paging.phonerecords.recordCount, 234, 'no duplicates from the retried batch');
    // 60 seconds is 1/60 hour, kept to nine decimal places.
    const first = await api('GET', `/phonerecords?notes=${encodeURIComponent(`${marker} row 0`)}`);
    assert.equal(first.phonerecords.length, 1);
    assert.deepEqual(
      (({ direction, callTimestamp, outcome, actualHours, fromParticipantOther, phoneNumber }) => ({ direction, callTimestamp, outcome, actualHours, fromParticipantOther, phoneNumber }))(first.phonerecords[0]),
      { direction: 'in', callTimestamp: '2025-11-01T09:00:00+13:00', outcome: 'Left a message', actualHours: 0.016666667, fromParticipantOther: 'Caller 0', phoneNumber: '+64 9 555 0100' },
    );
    const id5 = report.find((r) => r[0] === '7')[2];
    assert.equal((await api('GET', `/phonerecords/${id5}`)).fromParticipantOther, 'Smith, Jones & Co');

    // Findable in the list.
    await page.getByRole('link', { name: 'Show the phone records' }).click();
    await page.getByRole('heading', { name: 'Phone records' }).waitFor();
    await page.goto(`${BASE}/?q=${marker}`);
    await page.waitForFunction((m) => document.querySelector('.pager .range')?.textContent.includes('of 234'), marker);
    await noSidewaysScroll(page, 'the list after the import');
    await page.done();
  } finally {
    await cleanUp(marker);
  }
});

test('Cancel stops between batches: the batch being sent is stored, the rest are reported as not imported', async () => {
  const marker = `CAN${Date.now().toString(36)}`;
  const page = await open({ width: 1280 });
  let release;
  const held = new Promise((r) => { release = r; });
  let posts = 0;
  await page.route((url) => url.pathname === '/phonerecords', async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    posts++;
    await held; // the first batch waits until Cancel has been pressed
    return route.continue();
  });
  try {
    await page.goto(`${BASE}/import`);
    await page.getByRole('heading', { name: 'Import calls' }).waitFor();
    const good = callLog(marker).split('\r\n').filter((l, i) => i === 0 || (l && !l.includes('sideways') && !/,,\d+,/.test(l)));
    await page.locator('#import-file').setInputFiles({ name: 'log.csv', mimeType: 'text/csv', buffer: Buffer.from(good.join('\r\n')) });
    await page.getByRole('button', { name: 'Import 235 calls' }).click();
    const bar = page.getByRole('progressbar', { name: 'Import progress' });
    await bar.waitFor();
    assert.equal(await bar.getAttribute('aria-valuemax'), '235');
    assert.equal(await bar.getAttribute('aria-valuenow'), '0');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByText('Cancelling after the batch being sent…').waitFor();
    release();
    await page.getByRole('heading', { name: 'Report' }).waitFor();
    assert.equal(await page.locator('.import-status').textContent(),
      'Cancelled before batch 2 of 3. Imported 100 calls; 135 rows not imported.');
    assert.equal(posts, 1, 'nothing sent after Cancel');
    const left = await page.locator('.import-left tbody tr').first().textContent();
    assert.ok(left.includes('not imported') && left.includes('not stored: Cancelled before batch 2 of 3.'), left);
    const stored = await api('GET', `/phonerecords?q=${marker}&pageSize=1&fields=id`);
    assert.equal(stored.meta.paging.phonerecords.recordCount, 100);
    await page.done();
  } finally {
    await cleanUp(marker);
  }
});
