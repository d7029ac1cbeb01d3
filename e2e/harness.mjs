// What the e2e test files share: the server scripts/test started (E2E_URL,
// E2E_TOKEN), one headless Debian Chromium per file (launched before its
// tests, closed after), fresh tabs that fail on console errors, and small
// helpers. Importing this module registers the browser's before/after hooks
// in the importing test file.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const BASE = process.env.E2E_URL;
export const TOKEN = process.env.E2E_TOKEN;
export const SHOTS = process.env.E2E_SCREENSHOTS || 'test-artifacts/screenshots';
if (!BASE || !TOKEN) throw new Error('E2E_URL and E2E_TOKEN are set by scripts/test');
mkdirSync(SHOTS, { recursive: true });

let browser;
before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
});
after(async () => { await browser?.close(); });

/** A fresh browser tab in New Zealand time, collecting console errors;
 * `page.done()` closes it and fails on any error not allowed. */
export async function open({ width = 1280, height = 900, allow = [] } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, timezoneId: 'Pacific/Auckland', locale: 'en-NZ', acceptDownloads: true });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const text = m.text();
    // A number allows that HTTP status; a string, a message containing it.
    if (allow.some((a) => text.includes(typeof a === 'string' ? a : `status of ${a}`))) return;
    errors.push(text);
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  page.done = async () => {
    await context.close();
    assert.deepEqual(errors, [], 'the page logged errors');
  };
  return page;
}

/** Holds the page's main WebAssembly module back until `release()`: until
 * then only main.js runs (its first paint, its frame, what it fetches). */
export async function holdMainModule(page) {
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route(/\/assets\/phonerecords_ui_bg\.[0-9a-f]{16}\.wasm$/, async (route) => { await held; await route.continue(); });
  return release;
}

/** A fresh tab signed in with the token (the UI's `/#token=…`), on the list. */
export async function signedIn(opts) {
  const page = await open(opts);
  await page.goto(`${BASE}/#token=${TOKEN}`);
  await appsList(page);
  return page;
}

/** Each [selector, box] of `before` is on screen in `after` too, within half
 * a pixel: the app took over a first paint without moving anything. */
export function assertSameBoxes(before, after, width) {
  for (const [i, [sel, b]] of before.entries()) {
    const a = after[i][1];
    assert.ok(b && a, `${sel} on screen before and after`);
    for (const k of ['x', 'y', 'width', 'height']) {
      assert.ok(Math.abs(b[k] - a[k]) <= 0.5, `${sel} did not move at ${width} px (${k}: ${b[k]} → ${a[k]})`);
    }
  }
}

/** The app's own list page on screen: main.js's first paint (its heading has
 * another id) has gone, so the controls are the app's. */
export async function appsList(page) {
  await page.locator('#list-title').waitFor();
}

/** Waits until the app's sign-in page is on screen: the painted one
 * (main.js) has the same labels, and for a moment both are in the page (the
 * app's hidden), so a label locator used then would match two. */
export async function appsSignIn(page) {
  await page.locator('#token').waitFor();
}

/** Opens a list view and waits until only the app's copy is on screen: a
 * painted first screen (main.js) has the same labels, so a locator used
 * while both are there would match two. */
export async function openList(page, url) {
  await page.goto(url);
  await appsList(page);
  await eventually(async () => (await page.locator('[data-first-paint]').count()) === 0, 'the first paint to go');
}

export async function eventually(check, what, timeout = 10000) {
  const start = Date.now();
  let last;
  while (Date.now() - start < timeout) {
    try {
      if (await check()) return;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

/** The API with the token; the JSON answer (null for 204). */
export async function api(method, path, body) {
  const res = await fetch(`${BASE}${path}`, {
    method,
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  return res.status === 204 ? null : res.json();
}

export async function noSidewaysScroll(page, where) {
  const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(scroll <= inner, `${where}: the page scrolls sideways (${scroll} > ${inner})`);
}

/** RFC 4180 rows of cells (quoted cells unquoted; lines end in CRLF or LF). */
export function parseCsv(text) {
  const rows = [];
  let row = [], cell = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\r' && text[i + 1] === '\n') continue;
    else if (c === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; }
    else cell += c;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}
