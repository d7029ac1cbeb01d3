// Loads the UI's WebAssembly and mounts the app (an external module, so the
// Content-Security-Policy needs no inline script); on the list's default view
// (and a call's page) it first asks for the data and paints it while the
// WebAssembly downloads, and on any other page its frame (or the sign-in page).
// The glue is imported at the end, not statically: this module runs (and asks
// for the data) as soon as it arrives, not once the glue and the split loader
// it imports have too (index.html preloads them). scripts/build-ui replaces
// the paths with the content-hashed names under /assets/.


// The first screen's data, asked for now instead of once the WebAssembly has
// downloaded and started: on a slow phone that is a round trip sooner. Only
// for the list's default view and a call's own page (or its edit page), with
// the token the app itself will use. The app takes each answer once, and only
// if it asks for exactly this URL with this token (frontend/src/prefetch.rs);
// otherwise it asks again, so a mismatch costs a request, never a wrong
// answer. The frontend's tests hold these URLs to the ones the app builds.
const FIRST_SCREEN = [
  "/phonerecords?sort=-callTimestamp&page=1&pageSize=50",
  "/phonerecords/summary?sort=-callTimestamp&groupBy=day&topActions=5",
];
// One matter's calls (`/?matter=N`: the link a call's page, the list's
// matter cells and the top matters give), likewise.
const MATTER_PATH = /^\?matter=([1-9][0-9]{0,14})$/;
const MATTER_SCREEN = (id) => [`/phonerecords?action=${id}&sort=-callTimestamp&page=1&pageSize=50`, `/phonerecords/summary?action=${id}&sort=-callTimestamp&groupBy=day&topActions=5`];
// A call's page as main.js reads its path (a percent-encoded id is left to
// the app), and the record's URL as the app asks for it.
const CALL_PATH = /^\/calls\/([1-9][0-9]{0,14})(\/edit)?$/;
const recordUrl = (id) => `/phonerecords/${id}`;

function storedToken() {
  // As frontend/src/session.rs reads it: `#token=…` first, then the session's.
  const hash = location.hash.startsWith("#token=") ? location.hash.slice(7) : "";
  if (hash) {
    try {
      return decodeURIComponent(hash);
    } catch {
      return hash;
    }
  }
  try {
    return sessionStorage.getItem("phonerecords.token");
  } catch {
    return null;
  }
}

// Set once the app has mounted (it then shows its own loading states and
// asks for its own chunks).
let appMounted = false;

// Each page's chunks of WebAssembly (frontend/src/chunks.rs), as the split
// loader names them (filled in by scripts/build-ui). A page that lives in a
// chunk (a call's page, the form, the import, the sign-in page) cannot show
// without it: its chunks are fetched here beside the main module, not in a
// second round trip once the app runs. Not the list's: the app's list does
// not wait for its totals (the painted ones stand in: `done`), and they
// would slow the main module's bytes down.
const PAGE_CHUNKS = {};
function pageChunk(path) {
  if (/^\/calls\/new\/?$/.test(path) || /^\/calls\/[^/]+\/edit\/?$/.test(path)) return "form";
  if (/^\/calls\/[^/]+\/?$/.test(path)) return "call";
  if (/^\/import\/?$/.test(path)) return "import";
  return null;
}
function preloadPageChunks() {
  // Once the app runs it asks for them itself (a preload then would be a second fetch).
  if (appMounted) return;
  // Signed out, every page is the sign-in page.
  for (const href of PAGE_CHUNKS[storedToken() ? pageChunk(location.pathname) : "signin"] ?? []) {
    const link = document.createElement("link");
    Object.assign(link, { rel: "preload", as: "fetch", crossOrigin: "anonymous", href });
    document.head.append(link);
  }
}

const onMatter = location.pathname === "/" ? MATTER_PATH.exec(location.search) : null;
const onList = location.pathname === "/" && (location.search === "" || onMatter !== null);
const onCall = CALL_PATH.exec(location.pathname);
const early = onMatter ? MATTER_SCREEN(onMatter[1]) : onList ? FIRST_SCREEN : onCall ? [recordUrl(onCall[1])] : [];
const token = early.length ? storedToken() : null;
if (token) {
  const headers = { Authorization: `Bearer ${token}`, Accept: "application/json" };
  const answers = early.map((url) => fetch(url, { headers }).catch(() => null));
  globalThis.__phonerecordsFirstScreen = Object.fromEntries(
    early.map((url, i) => [url, { token, response: answers[i] }]),
  );
  // Read copies: the app reads the answers themselves. The first paint only
  // saves time: whatever goes wrong with it, the app paints as it always did.
  const json = (r) => (r && r.ok ? r.clone().json().catch(() => null) : null);
  Promise.all(answers.map((p) => p.then(json)))
    .then(([first, summary]) => {
      if (onList) firstPaint(["list", "summary"], listPage, first, summary, onMatter?.[1]);
      // The edit page's form is the app's to draw: its record is only fetched early.
      else if (!onCall[2]) firstPaint(["call"], callPage, first);
    })
    .catch((e) => console.warn("first paint skipped:", e))
    // After the early answers: under HTTP/1.1 (six connections to a host)
    // preloads issued first would hold them up.
    .finally(preloadPageChunks);
} else {
  preloadPageChunks();
}

// ---------------------------------------------------------------------------
// The first paint: on a slow phone the WebAssembly takes seconds to arrive,
// the first screen's data a fraction of that. So the default view, or a
// call's page, is painted from those answers at once, as the app will paint
// it (same elements and classes, so the same layout), with the controls
// disabled until the app takes over: it calls
// `__phonerecordsFirstPaint.done(part)` when its list ("list") and its totals
// ("summary") are on screen, or its call's page ("call"), or "all" on any
// other page, and this goes once every part it painted is there. The app's
// list does not wait for its totals (they come in a chunk of their own): once
// it is on screen, the painted totals move to where the app's will be (its
// `data-summary-slot`) and stand in for them until they come. The e2e tests
// hold the two paintings to each other, text for text and box for box;
// frontend/src/first_paint.rs holds the constants below to the app's.
const PAGE_SIZES = [25, 50, 100, 200];
const PERIOD_UP_TO = { day: 31, week: 183 };
const DAY_MS = 86400000;
// A call's fields but its id, labelled and ordered as on the app's call page (call_page.rs's READING_ORDER).
const CALL_LABELS = ["Date and time", "Direction", "From (name)", "To (name)", "Phone number", "Phone number type", "Duration", "Outcome", "Matter (action id)", "Notes", "From participant id", "To participant id"];

const painted = [];
const awaited = new Set();
globalThis.__phonerecordsFirstPaint = {
  done(part) {
    awaited.delete(part);
    if (part === "list" && awaited.has("summary")) standIn();
    if (part !== "all" && awaited.size) return;
    awaited.clear();
    const handOver = signInHandOver();
    unpaint();
    handOver();
  },
};

// The painted sign-in page's work goes on in the app's, once that is on
// screen (components/signin.rs, `id="token"`), all in one go so no keystroke
// falls between: what was typed (as typed, with the `input` event the app
// reads), the focus if it was there, and the form sent if it was.
function signInHandOver() {
  const painted = document.getElementById("first-paint-token");
  const field = document.getElementById("token");
  if (!painted || !field) return () => {};
  const typing = document.activeElement === painted;
  if (painted.value) {
    field.value = painted.value;
    field.dispatchEvent(new Event("input", { bubbles: true }));
  }
  return () => {
    if (typing) field.focus();
    if (signInSent) field.form?.requestSubmit();
  };
}

// Removes what is painted; the app's page shows.
function unpaint() {
  for (const node of painted.splice(0)) node.remove();
  document.documentElement.classList.remove("first-paint");
}

// The app's list is up, its totals not yet: the painted ones go where the
// app's will be, the rest of the first paint goes (the app's page shows).
function standIn() {
  const slot = document.querySelector("[data-summary-slot]");
  if (!slot) return;
  const totals = painted.map((node) => node.querySelector(".summary-panel")).find(Boolean);
  if (totals) {
    totals.setAttribute("data-first-paint", "");
    slot.append(totals);
  }
  unpaint();
  if (totals) painted.push(totals);
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== false) node.setAttribute(k, v === true ? "" : v);
  node.append(...children.flat().filter((c) => c !== null && c !== undefined));
  return node;
}

// As frontend/src/format.rs and components/list.rs put them.
const thousands = (n) => n.toLocaleString("en-US");
function durationHm(hours) {
  const minutes = Math.max(0, Math.round(hours * 60));
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, "0")}`;
}
// Whitespace as Rust's char::is_whitespace has it (Unicode White_Space): JS's
// whitespace class and String's trim methods also take U+FEFF and leave
// U+0085, so a field of either would paint differently here and in the app.
const SPACES = /\p{White_Space}+/gu;
const blank = (s) => s == null || s.replace(SPACES, "") === "";
function excerpt(text, max) {
  const flat = text.split(SPACES).filter(Boolean).join(" ");
  const chars = [...flat];
  return chars.length <= max ? flat : `${chars.slice(0, max - 1).join("").replace(/\p{White_Space}+$/u, "")}…`;
}
const party = (name, id) => (!blank(name) ? name : id != null ? `Participant #${id}` : "—");
const callsText = (n) => (n === 1 ? "1 call" : `${thousands(n)} calls`);
function rangeText(page, size, count, shown) {
  const first = (Math.max(page, 1) - 1) * size + 1;
  if (count === 0 || first > count || shown === 0) return `0 of ${thousands(count)}`;
  return `${thousands(first)}–${thousands(Math.min(first + Math.min(shown, size) - 1, count))} of ${thousands(count)}`;
}
// The period the app's chart chooses for a summary by day (summary_model.rs).
function period(summary) {
  const days = summary.groups;
  if (summary.groupCount > days.length) return "month";
  if (!days.length) return "day";
  const span = (Date.parse(days[days.length - 1].key) - Date.parse(days[0].key)) / DAY_MS + 1;
  return span <= PERIOD_UP_TO.day ? "day" : span <= PERIOD_UP_TO.week ? "week" : "month";
}

const disabled = true;
// The table's columns after the checkbox: [name, sortable, sorted (the default view's newest first)].
const COLUMNS = [["When", true, true], ["Direction", true], ["From"], ["To"], ["Phone"], ["Duration", true],
  ["Outcome", true], ["Matter", true], ["Notes"]];

// A matter's link to its calls, as list.rs's `matter_cell` on the default view.
const matterHref = (id) => `/?matter=${id}`;
const matter = (id) => (id != null ? el("a", { href: matterHref(id), title: `All calls on matter #${id}` }, `#${id}`) : "—");

function summaryPanel(s) {
  const chosen = period(s);
  const total = (label, cls, text) => el("div", {}, el("dt", {}, label), el("dd", { class: cls }, text));
  const top = (s.topActions || []).map((g) =>
    el("li", {}, g.key == null ? el("span", {}, "No matter") : el("a", { href: matterHref(g.key) }, `Matter #${g.key}`), " ",
      el("span", { class: "top-figures" }, `${callsText(g.count)} · ${durationHm(g.actualHours)}`)));
  const figure = el("figure", { class: "summary-chart" }, el("figcaption", { class: "chart-axis", "aria-hidden": "true" },
    el("span"), el("span", { class: "legend" }, el("span", { class: "key-calls" }, "■"), " calls ",
      el("span", { class: "key-hours" }, "■"), " hours"), el("span")));
  // The chart's frame, its bars left to the app.
  const frame = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  frame.setAttribute("aria-hidden", "true");
  figure.prepend(frame);
  return el("section", { class: "summary-panel" },
    el("h2", { class: "visually-hidden" }, "Totals of this view"),
    el("dl", { class: "totals" },
      total("Calls", "total-calls", thousands(s.count)),
      total("Hours", "total-hours", durationHm(s.actualHours)),
      total("In / out", "total-split", `${thousands(s.countIn)} / ${thousands(s.countOut)}`)),
    el("button", { type: "button", class: "summary-more", "aria-expanded": "false", disabled }, top.length ? "Chart and top matters" : "Chart"),
    el("div", { class: "chart-head" }, el("label", { class: "period-switch" }, "Per ",
      el("select", { name: "period", disabled }, ["day", "week", "month"].map((p) =>
        el("option", { value: p, selected: p === chosen }, p[0].toUpperCase() + p.slice(1)))))),
    figure,
    top.length ? el("section", { class: "top-matters" }, el("h3", {}, "Top matters"), el("ol", {}, top)) : null);
}

// As list.rs's `when_parts`: the day and the time each kept whole.
function whenParts(text) {
  const i = text.lastIndexOf(", ");
  return i < 0 ? [text] : [el("span", { class: "nw" }, text.slice(0, i + 1)), " ", el("span", { class: "nw" }, text.slice(i + 2))];
}

// As format.rs's `tel_href`: a link that dials a recorded number.
function telHref(number) {
  const main = number.split(/\p{Alphabetic}/u)[0];
  const href = `tel:${main.split(SPACES).filter(Boolean)[0]?.startsWith("+") ? "+" : ""}${main.replace(/[^0-9*#]/g, "")}`;
  return (href.match(/[0-9]/g) || []).length >= 3 ? href : null;
}
// As list.rs's `phone_cell`.
function phoneCell(n, kind) {
  if (n == null) return "—";
  const href = telHref(n), rest = kind != null ? ` (${kind})` : "";
  return href ? [el("a", { href }, n), rest] : `${n}${rest}`;
}

function row(r, when) {
  const links = r.links || {};
  const phone = phoneCell(r.phoneNumber, r.phoneNumberType);
  const [dirClass, dirLabel, dirIcon] = r.direction === "in" ? ["dir dir-in", "In", "↙"] : ["dir dir-out", "Out", "↗"];
  return el("tr", {},
    el("td", { "data-label": "Select", class: "select" }, el("input", { type: "checkbox", "aria-label": "Select", disabled })),
    el("td", { "data-label": "When" }, el("a", { href: `/calls/${r.id}`, title: `Recorded as ${r.callTimestamp}` },
      el("time", { datetime: r.callTimestamp }, whenParts(when.format(new Date(Date.parse(r.callTimestamp))))))),
    el("td", { "data-label": "Direction" }, el("span", { class: dirClass }, el("span", { "aria-hidden": "true" }, `${dirIcon} `), dirLabel)),
    el("td", { "data-label": "From" }, party(r.fromParticipantOther, links.fromParticipant)),
    el("td", { "data-label": "To" }, party(r.toParticipantOther, links.toParticipant)),
    el("td", { "data-label": "Phone", class: r.phoneNumber == null ? "none" : null }, phone),
    el("td", { "data-label": "Duration", class: "num" }, r.actualHours != null ? durationHm(r.actualHours) : "—"),
    el("td", { "data-label": "Outcome" }, r.outcome ?? ""),
    el("td", { "data-label": "Matter", class: "num" }, matter(links.action)),
    el("td", { "data-label": "Notes", class: "notes" }, r.notes != null ? excerpt(r.notes, 80) : ""));
}

// As list_state.rs's `Dates`: the filters' named date ranges.
const DATES = [["today", "Today"], ["yesterday", "Yesterday"], ["this-week", "This week"], ["last-week", "Last week"],
  ["this-month", "This month"], ["last-month", "Last month"], ["this-year", "This year"]];

// The list's default view (or one matter's calls) as components/list.rs
// draws it, or nothing to paint: only rows the app would show as they are
// (times the browser reads), or its empty state.
function listPage(list, summary, matterId) {
  if (!list || !Array.isArray(list.phonerecords)) return null;
  if (list.phonerecords.some((r) => Number.isNaN(Date.parse(r.callTimestamp)))) return null;
  const records = list.phonerecords;
  const m = list.meta?.paging?.phonerecords;
  if (!m || (!records.length && m.recordCount !== 0)) return null;
  return el("section", { class: "list-page", "aria-labelledby": "first-paint-title", "aria-busy": "true" },
    el("div", { class: "page-head" }, el("h1", { id: "first-paint-title" }, "Phone records"),
      el("div", { class: "page-actions" },
        el("div", { class: "export" }, el("button", { class: "button", type: "button", disabled }, "Export CSV")),
        el("div", { class: "print-all-control" }, el("button", { class: "button", type: "button", disabled }, "Print all")),
        el("a", { class: "button", href: "/import" }, "Import calls"),
        el("a", { class: "button primary", href: matterId ? `/calls/new?matter=${matterId}` : "/calls/new" }, "Record a call"))),
    el("form", { class: "filters", role: "search" },
      el("label", { class: "grow" }, "Search", el("input", { type: "search", name: "q", placeholder: "Names, number, notes, outcome", disabled })),
      // As list.rs's `Filters`: on a phone, behind a button, shown for a filtered view.
      el("button", { type: "button", class: "filters-toggle", "aria-controls": "more-filters", "aria-expanded": String(!!matterId), disabled },
        matterId ? "Filters (1)" : "Filters"),
      el("div", { id: "more-filters", class: matterId ? "more-filters open" : "more-filters" },
        el("label", {}, "Direction", el("select", { name: "direction", disabled },
          el("option", { value: "" }, "Any"), el("option", { value: "in" }, "In"), el("option", { value: "out" }, "Out"))),
        el("label", {}, "When", el("select", { name: "dates", disabled }, el("option", { value: "" }, "Any time"),
          DATES.map(([value, label]) => el("option", { value }, label)), el("option", { value: "custom", hidden: true }, "Custom dates"))),
        el("label", {}, "From", el("input", { type: "date", name: "from", disabled })),
        el("label", {}, "To", el("input", { type: "date", name: "to", disabled })),
        el("label", {}, "Outcome", el("input", { type: "text", name: "outcome", disabled })),
        el("label", {}, "Matter", el("input", { type: "text", inputmode: "numeric", name: "matter", value: matterId ?? null, disabled }))),
      matterId ? el("button", { type: "button", class: "link", disabled }, "Clear filters") : null),
    ...(records.length ? listed(records, m, summary) : [el("div", { class: "empty" }, matterId
      ? el("p", {}, `No calls on matter #${matterId} yet — `, el("a", { href: `/calls/new?matter=${matterId}` }, "record the first"), ".")
      : el("p", {}, "No phone records yet — ", el("a", { href: "/calls/new" }, "record the first call"), "."))]));
}

// The view's totals, table and pager.
function listed(records, m, summary) {
  const when = new Intl.DateTimeFormat("default", { dateStyle: "medium", timeStyle: "short" });
  const th = ([name, sortable, sorted]) => !sortable
    ? el("th", { scope: "col" }, name)
    : el("th", { scope: "col", "aria-sort": sorted ? "descending" : null },
      el("button", { type: "button", class: "sort", disabled }, name,
        el("span", { class: "sort-arrow", "aria-hidden": "true" }, sorted ? "▼" : "↕")));
  const last = Math.max(m.pageCount, 1);
  const button = (label, text) => el("button", { type: "button", disabled, "aria-label": label }, text);
  return [
    summary && summary.count > 0 ? summaryPanel(summary) : null,
    el("div", { class: "bulk-bar" }, el("label", { class: "select-all" }, el("input", { type: "checkbox", disabled }), "Select all on this page")),
    el("div", { class: "table-wrap" }, el("table", { class: "records" },
      el("caption", { class: "visually-hidden" }, "Phone records"),
      el("thead", {}, el("tr", {},
        el("th", { scope: "col", class: "select" }, el("span", { class: "visually-hidden" }, "Select")), COLUMNS.map(th))),
      el("tbody", {}, records.map((r) => row(r, when))))),
    el("nav", { class: "pager", "aria-label": "Pages" },
      el("span", { class: "range" }, rangeText(m.page, m.pageSize, m.recordCount, records.length)),
      el("div", { class: "pager-buttons" }, button("First page", "« First"), button("Previous page", "‹ Previous"),
        el("span", { class: "page-of" }, `Page ${thousands(m.page)} of ${thousands(last)}`),
        button("Next page", "Next ›"), button("Last page", "Last »")),
      el("label", { class: "page-size" }, "Per page ", el("select", { disabled },
        PAGE_SIZES.map((n) => el("option", { value: String(n), selected: n === m.pageSize }, String(n)))))),
  ];
}

// As format.rs's `encode`: only RFC 3986's unreserved characters kept.
const encode = (v) => encodeURIComponent(v).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

// As form_model.rs's `follow_up_href`: an outgoing call on the same matter
// to the same person at the same number.
function followUpHref(r) {
  const l = r.links || {};
  const [us, them] = r.direction === "in"
    ? [[l.toParticipant, r.toParticipantOther], [l.fromParticipant, r.fromParticipantOther]]
    : [[l.fromParticipant, r.fromParticipantOther], [l.toParticipant, r.toParticipantOther]];
  const pairs = [["direction", "out"], ["matter", l.action], ["phoneNumber", r.phoneNumber], ["phoneNumberType", r.phoneNumberType],
    ["fromParticipant", us[0]], ["fromParticipantOther", us[1]], ["toParticipant", them[0]], ["toParticipantOther", them[1]]];
  return `/calls/new?${pairs.filter(([, v]) => v != null && !blank(String(v))).map(([k, v]) => `${k}=${encode(String(v))}`).join("&")}&followUp=${r.id}`;
}

// A call's page as components/call_page.rs draws it, or nothing to paint.
function callPage(r) {
  if (!r || typeof r.callTimestamp !== "string" || Number.isNaN(Date.parse(r.callTimestamp))) return null;
  const when = new Intl.DateTimeFormat("default", { dateStyle: "medium", timeStyle: "short" });
  const links = r.links || {};
  const text = (v) => (!blank(v) ? v : "—");
  const ref = (v) => (v != null ? `#${v}` : "—");
  // In CALL_LABELS' order (call_page.rs's READING_ORDER).
  const values = [`${when.format(new Date(Date.parse(r.callTimestamp)))} (recorded as ${r.callTimestamp})`,
    r.direction === "in" ? "Incoming" : "Outgoing", text(r.fromParticipantOther), text(r.toParticipantOther),
    text(r.phoneNumber), text(r.phoneNumberType), r.actualHours != null ? durationHm(r.actualHours) : "—", r.outcome ?? "",
    matter(links.action), text(r.notes), ref(links.fromParticipant), ref(links.toParticipant)];
  // As form_model.rs's `title`: "The call from Bob Smith on 17 Sept 2025",
  // the day in the browser's time zone and locale (clock.rs's `local_day`).
  const day = new Intl.DateTimeFormat("default", { dateStyle: "medium" }).format(new Date(Date.parse(r.callTimestamp)));
  const named = r.direction === "in" ? r.fromParticipantOther : r.toParticipantOther;
  const who = named != null ? `${r.direction === "in" ? "from" : "to"} ${named}`
    : r.phoneNumber != null ? `with ${r.phoneNumber}` : `#${r.id}`;
  return el("section", { class: "call-page", "aria-labelledby": "first-paint-title", "aria-busy": "true" },
    el("div", { class: "page-head" }, el("h1", { id: "first-paint-title" }, `The call ${who} on ${day}`),
      el("div", { class: "page-actions" },
        // As call_page.rs's "Call back" (the app adds the follow-up's form with its timer).
        r.phoneNumber != null && telHref(r.phoneNumber) ? el("a", { class: "button", href: telHref(r.phoneNumber) }, "Call back") : null,
        el("a", { class: "button", href: followUpHref(r) }, "Record a follow-up"),
        el("a", { class: "button primary", href: `/calls/${r.id}/edit` }, "Edit"))),
    el("dl", { class: "call-details" }, CALL_LABELS.flatMap((label, i) => {
      const tel = label === "Phone number" && r.phoneNumber != null ? telHref(r.phoneNumber) : null;
      return [el("dt", {}, label), el("dd", { class: label === "Notes" ? "notes-text" : null }, tel ? el("a", { href: tel }, values[i]) : values[i])];
    })),
    el("p", { class: "subtitle" }, `id ${r.id}`),
    el("div", { class: "danger-zone" }, el("button", { type: "button", class: "danger", disabled }, "Delete this record")));
}

// The sign-in page as components/signin.rs draws it (before any reason for
// signing in again, which only the app knows). Unlike the other paintings it
// is live: a person can type the token (and send it) while the WebAssembly
// downloads; the app's page takes over what was typed, and signs in if it was
// sent (`signInHandOver` above). The app alone decides what a token is worth.
let signInSent = false;
function signInPage() {
  const button = el("button", { type: "submit", class: "primary" }, "Sign in");
  const form = el("form", {}, el("div", { class: "field" }, el("label", { for: "first-paint-token" }, "API token"),
    el("input", { id: "first-paint-token", type: "password", autocomplete: "off", spellcheck: "false" })),
  button);
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    signInSent = true;
    // As the app's page shows a token being checked.
    button.disabled = true;
    button.textContent = "Checking…";
  });
  return el("section", { class: "signin", "aria-labelledby": "first-paint-title", "aria-busy": "true" },
    el("h1", { id: "first-paint-title" }, "Sign in"),
    el("p", {}, "Sign in with your API token. The token is kept in this browser tab only, until you sign out or close it."),
    form);
}

// Paints `page` under the app's bar (signed in: with its links), until the
// app has drawn each of `parts`; it replaces what was painted before.
function paint(parts, page, signedIn = true) {
  // Only before the app has mounted (after, it shows its own loading state).
  if (appMounted) return;
  unpaint();
  awaited.clear();
  const nav = signedIn ? el("nav", { class: "top-actions", "aria-label": "Main" },
    el("a", { href: "/", "aria-current": location.pathname === "/" ? "page" : null }, "Records"),
    el("a", { href: "/calls/new", "aria-current": /^\/calls\/new(\/|$)/.test(location.pathname) ? "page" : null }, "Record a call"),
    el("button", { type: "button", class: "link", disabled }, "Sign out")) : null;
  const nodes = [
    el("header", { class: "topbar" }, el("a", { class: "brand", href: "/" }, "Phone Records"), nav),
    el("div", { class: "notice" }),
    el("main", {}, page),
  ];
  for (const node of nodes) node.setAttribute("data-first-paint", "");
  for (const part of parts) awaited.add(part);
  painted.push(...nodes);
  document.body.append(...nodes);
  document.documentElement.classList.add("first-paint");
}

// Paints what `draw` makes of the answers, until the app has drawn each of
// `parts`; only what the app would show as it is (else the frame stays).
function firstPaint(parts, draw, ...answers) {
  if (appMounted) return;
  const page = draw(...answers);
  if (page) paint(parts, page);
}

// Until then, the frame: signed out, the sign-in page (every page is the
// sign-in page then); signed in, the app's bar and a loading line. The app
// replaces it as soon as it runs ("frame"), a first paint from the early
// answers sooner.
function paintFrame() {
  // The sign-in page stays until the app's (in a chunk of its own) is up.
  if (!storedToken()) paint(["signin"], signInPage(), false);
  else paint(["frame"], el("p", { class: "loading", role: "status" }, "Loading…"));
}

paintFrame();
try {
  const { default: init, start } = await import("/pkg/phonerecords_ui.js");
  await init({ module_or_path: "/pkg/phonerecords_ui_bg.wasm" });
  appMounted = true;
  start();
  // The app has drawn its page (mounting is synchronous): the frame goes.
  globalThis.__phonerecordsFirstPaint.done("frame");
} catch (e) {
  globalThis.__phonerecordsFirstPaint.done("all");
  throw e;
}
