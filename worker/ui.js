// The UI's files (dist/, embedded by scripts/lib/embed-ui.mjs), served by the
// Worker itself: index.html for the app's own paths, the content-hashed files
// under /assets/, each with the headers of frontend/_headers. (The Worker has
// no `[assets]`: with it, wrangler dev put Cloudflare's asset router, about
// 0.9 ms, in front of every API request; docs/performance.md.)
import { FILES, RULES } from "./build/ui/files.js";

const INDEX = "/index.html";
// Content-hashed files: a name not among them is a 404, never index.html
// (which their one-year cache header would pin in a browser).
const HASHED = "/assets/";

/** The answer from the Worker's files (the Worker asks for any path its routes do not name, and for its OpenAPI document). */
export function serveUi(request) {
  const path = pathOf(request.url);
  const headers = headersFor(path);
  if (request.method !== "GET" && request.method !== "HEAD") {
    headers.set("Allow", "GET, HEAD");
    return plain(405, "Method Not Allowed", headers);
  }
  const file = FILES.get(path) ?? (path.startsWith(HASHED) ? undefined : FILES.get(INDEX));
  if (!file) {
    headers.set("Cache-Control", "no-store");
    return plain(404, "Not Found", headers);
  }
  headers.set("Content-Type", file.type);
  headers.set("Vary", "Accept-Encoding");
  const form = chooseForm(file, acceptEncoding(request));
  // Weak: one tag for the file's content in every encoding (the platform may
  // re-encode an answer for a client that does not take br).
  headers.set("ETag", `W/"${file.etag}"`);
  if (matches(request.headers.get("If-None-Match"), file.etag)) {
    return new Response(null, { status: 304, headers });
  }
  const head = request.method === "HEAD";
  if (form === "identity" && !file.identity) {
    // A client that takes neither br nor gzip: the gzip form, decompressed.
    const body = head ? null : new Blob([file.gzip]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(body, { headers });
  }
  if (form !== "identity") headers.set("Content-Encoding", form);
  // The bytes are already in their encoding: the runtime sends them as they are.
  return new Response(head ? null : file[form], { headers, encodeBody: "manual" });
}

/** The path of an absolute URL, without its query. */
function pathOf(url) {
  const start = url.indexOf("/", url.indexOf("://") + 3);
  if (start < 0) return "/";
  const end = url.slice(start).search(/[?#]/);
  return end < 0 ? url.slice(start) : url.slice(start, start + end);
}

function headersFor(path) {
  const headers = new Headers();
  for (const rule of RULES) {
    if (!rule.pattern.test(path)) continue;
    for (const name of rule.drop) headers.delete(name);
    for (const [name, value] of rule.set) headers.append(name, value);
  }
  return headers;
}

/**
 * What the client accepts. On Cloudflare (and under wrangler dev) a Worker's
 * request always says `Accept-Encoding: br, gzip`; the client's own header is
 * `request.cf.clientAcceptEncoding` ("" when it sent none: then identity, so
 * that `curl` without `--compressed` reads the page).
 */
function acceptEncoding(request) {
  return request.cf?.clientAcceptEncoding ?? request.headers.get("Accept-Encoding");
}

/** br, then gzip, as the client accepts them; otherwise identity. */
function chooseForm(file, acceptEncoding) {
  const accepted = new Set();
  for (const part of (acceptEncoding ?? "").toLowerCase().split(",")) {
    const [coding, ...params] = part.split(";").map((s) => s.trim());
    const q = params.find((p) => p.startsWith("q="));
    if (coding && !(q && Number(q.slice(2)) === 0)) accepted.add(coding);
  }
  const takes = (coding) => accepted.has(coding) || accepted.has("*");
  if (file.br && takes("br")) return "br";
  if (file.gzip && (takes("gzip") || takes("x-gzip"))) return "gzip";
  return "identity";
}

/** If-None-Match names this file's content (weak comparison). */
function matches(ifNoneMatch, etag) {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(",").some((tag) => {
    const t = tag.trim().replace(/^W\//, "");
    return t === "*" || t === `"${etag}"`;
  });
}

function plain(status, text, headers) {
  headers.set("Content-Type", "text/plain; charset=utf-8");
  return new Response(`${status} ${text}\n`, { status, headers });
}
