// Loads the UI's WebAssembly and mounts the app (an external module, so the
// Content-Security-Policy needs no inline script). scripts/build-ui replaces
// both paths with the content-hashed names under /assets/.
import init, { start } from "/pkg/phonerecords_ui.js";

// The first screen's data, asked for now instead of once the WebAssembly has
// downloaded and started: on a slow phone that is a round trip sooner. Only
// for the list's default view, with the token the app itself will use. The
// app takes each answer once, and only if it asks for exactly this URL with
// this token (frontend/src/prefetch.rs); otherwise it asks again, so a
// mismatch costs a request, never a wrong answer. The frontend's tests hold
// these URLs to the ones the app builds.
const FIRST_SCREEN = [
  "/phonerecords?sort=-callTimestamp&page=1&pageSize=50",
  "/phonerecords/summary?sort=-callTimestamp&groupBy=day&topActions=5",
];

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

const token = location.pathname === "/" && location.search === "" ? storedToken() : null;
if (token) {
  const headers = { Authorization: `Bearer ${token}`, Accept: "application/json" };
  globalThis.__phonerecordsFirstScreen = Object.fromEntries(
    FIRST_SCREEN.map((url) => [url, { token, response: fetch(url, { headers }).catch(() => null) }]),
  );
}

await init({ module_or_path: "/pkg/phonerecords_ui_bg.wasm" });
start();
