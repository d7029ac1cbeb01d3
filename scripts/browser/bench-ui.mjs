// The UI's cold load in headless Chromium (Debian's, through playwright-core and
// the DevTools protocol): for each run a new browser context (empty cache),
// navigation to BASE/#token=TOKEN (the e2e tests' sign-in), then the time from
// navigation start to the first rendered list row (a MutationObserver installed
// before any of the page's scripts records performance.now() when
// `table.records tbody tr` first exists: main.js's first paint, painted from
// its early answers, or else the app's), the time the app's own list is on
// screen (its `#list-title` and no first paint: every control works), and the
// bytes transferred (the sum of
// Network.loadingFinished's encodedDataLength: headers and bodies as sent,
// compressed when the server compresses). Unthrottled, then throttled
// (150 ms round trip, 1.6 Mbit/s = 200 000 B/s each way, 4x CPU slowdown);
// prints the median of RUNS and a Markdown table. Then the same for a call's
// own page opened by its link (`/calls/{id}`, the first record's): the time to
// its first rendered field (main.js's first paint, or the app's) and to the
// app's own page (`#call-title`, its record on screen, no first paint). And
// for the form opened by its link (`/calls/new`, a page with no first paint
// of its own): the time to main.js's frame (the app's bar and a loading
// line) and to the app's form.
// Usage: node scripts/browser/bench-ui.mjs BASE_URL TOKEN [RUNS]
import { chromium } from "playwright-core";

const [base, token, runsArg] = process.argv.slice(2);
if (!base || !token) {
  console.error("usage: bench-ui.mjs BASE_URL TOKEN [RUNS]");
  process.exit(2);
}
const runs = Number(runsArg || 5);
// Over https (wrangler dev's self-signed certificate): Chromium accepts
// brotli only there. Throttled only: the profile the figures are about.
const https = base.startsWith("https:");
if (https) process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";
const ROW = "table.records tbody tr";
// What each page shows first, and when it is the app's own.
const PAGES = {
  list: { row: ROW, app: "#list-title" },
  call: { row: "dl.call-details dd", app: "#call-title" },
  // A page with no first paint of its own: main.js's frame (the app's bar
  // and a loading line) first, then the app's form.
  form: { row: "main .loading, form.record-form", app: "form.record-form" },
};
const PROFILES = {
  ...(https ? {} : { unthrottled: null }),
  throttled: { latency: 150, throughput: 200000, cpu: 4 },
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_BIN || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage"],
});

async function load(profile, kind = "list", path = "/") {
  const { row, app: appSelector } = PAGES[kind];
  // Over https the page asks for brotli only: Cloudflare answers Chromium's
  // "gzip, deflate, br, zstd" with the Worker's brotli form, but wrangler
  // dev's local proxy answers any client that also takes gzip with gzip.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ignoreHTTPSErrors: https,
    ...(https ? { extraHTTPHeaders: { "Accept-Encoding": "br" } } : {}) });
  try {
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    await page.addInitScript(([row, app]) => {
      const seen = () => {
        if (window.__firstRow === undefined && document.querySelector(row)) window.__firstRow = performance.now();
        if (window.__appRow === undefined && document.querySelector(app) &&
            document.querySelector(row) && !document.documentElement.classList.contains("first-paint")) {
          window.__appRow = performance.now();
        }
        return window.__appRow !== undefined;
      };
      new MutationObserver((_, obs) => { if (seen()) obs.disconnect(); })
        .observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ["class"] });
    }, [row, appSelector]);
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: false });
    const bytes = new Map();
    cdp.on("Network.responseReceived", (e) => {
      if (e.response.url.startsWith("data:")) return;
      const h = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
      bytes.set(e.requestId, { url: e.response.url, size: 0, encoding: h["content-encoding"] || "" });
    });
    cdp.on("Network.loadingFinished", (e) => {
      const r = bytes.get(e.requestId);
      if (r) r.size = e.encodedDataLength;
    });
    if (profile) {
      await cdp.send("Network.emulateNetworkConditions", {
        offline: false,
        latency: profile.latency,
        downloadThroughput: profile.throughput,
        uploadThroughput: profile.throughput,
      });
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: profile.cpu });
    }
    await page.goto(`${base}${path}#token=${token}`, { waitUntil: "commit" });
    await page.waitForSelector(row, { timeout: 60000 });
    await page.waitForFunction(() => window.__appRow !== undefined, null, { timeout: 60000 });
    const [ms, app] = await page.evaluate(() => [window.__firstRow, window.__appRow]);
    // Whatever the first screen still fetches (the summary, for instance) counts too,
    // and so do the other pages' chunks, fetched once the first screen is up.
    await page.waitForLoadState("networkidle");
    // What had arrived when the app's own page was on screen (Resource Timing:
    // the same clock as __appRow; transferSize counts headers and body as sent).
    const atApp = await page.evaluate((t) => performance.getEntriesByType("navigation")
      .concat(performance.getEntriesByType("resource"))
      .filter((e) => e.responseEnd <= t)
      .reduce((s, e) => s + e.transferSize, 0), app);
    if (errors.length) throw new Error(`the page logged errors: ${errors.join("; ")}`);
    const resources = [...bytes.values()];
    return { ms, app, atApp, bytes: resources.reduce((s, r) => s + r.size, 0), resources };
  } finally {
    await context.close();
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const results = {};
const calls = {};
const forms = {};
const headers = { Authorization: `Bearer ${token}`, Accept: "application/json" };
const firstId = (await (await fetch(`${base}/phonerecords?pageSize=1`, { headers })).json()).phonerecords[0].id;
try {
  for (const [kind, path, into] of [["list", "/", results], ["call", `/calls/${firstId}`, calls], ["form", "/calls/new", forms]]) {
    for (const [name, profile] of Object.entries(PROFILES)) {
      const samples = [];
      for (let i = 0; i < runs; i++) samples.push(await load(profile, kind, path));
      into[name] = samples;
      console.error(`${path} ${name}: first shown at ${samples.map((s) => Math.round(s.ms)).join(", ")} ms; ` +
        `the app's at ${samples.map((s) => Math.round(s.app)).join(", ")} ms; ` +
        `${samples.map((s) => s.bytes).join(", ")} B (${samples.map((s) => s.atApp).join(", ")} B by the app's)`);
    }
  }
} finally {
  await browser.close();
}

const firstProfile = https ? "throttled" : "unthrottled";
const first = results[firstProfile][0].resources;
console.log(`Transferred per resource (first ${firstProfile} load):\n`);
console.log("| Resource | Encoding | Bytes |\n|---|---|---|");
for (const r of first) {
  console.log(`| \`${new URL(r.url).pathname}\` | ${r.encoding || "none"} | ${r.size.toLocaleString("en-US")} |`);
}
// One Markdown table per page: bytes, bytes by the app's page, and the two times.
function table(title, columns, byProfile) {
  console.log(`\n${title}, median of ${runs} (each in a new browser context):\n`);
  console.log(`| Profile | Bytes transferred | ${columns.join(" | ")} |\n|---|---|---|---|---|`);
  for (const [name, samples] of Object.entries(byProfile)) {
    const label = name === "throttled" ? `throttled (150 ms RTT, 1.6 Mbit/s, 4x CPU)${https ? ", https" : ""}` : "unthrottled";
    const m = (key) => median(samples.map((s) => s[key]));
    console.log(`| ${label} | ${Math.round(m("bytes")).toLocaleString("en-US")} B | ` +
      `${Math.round(m("atApp")).toLocaleString("en-US")} B | ${(m("ms") / 1000).toFixed(2)} s | ${(m("app") / 1000).toFixed(2)} s |`);
  }
}
table("Cold load of the list", ["By the app's list", "First list row", "The app's list"], results);
table("A call's page opened by its link (`/calls/{id}`)", ["By the app's page", "First field shown", "The app's page"], calls);
table("The form opened by its link (`/calls/new`)", ["By the app's page", "Frame shown", "The app's form"], forms);
