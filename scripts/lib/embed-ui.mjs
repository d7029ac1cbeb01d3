// Embeds the built UI (dist/) in the Worker's bundle: writes worker/build/ui/,
// which worker/ui.js serves (scripts/build-worker runs this after
// scripts/build-ui).
//
// For each file: its bytes compressed once here, with brotli (best quality)
// and gzip (level 9), as Data modules (`*.bin`, wrangler's default rule), so
// no request compresses anything; the WebAssembly's brotli form is about a
// fifth smaller than its gzip form. Files whose bytes the Worker reads itself
// (the OpenAPI document) are kept as they are. frontend/_headers, in the
// format of Cloudflare's static assets, becomes a table of rules applied to
// each answer's path.
//
//   node scripts/lib/embed-ui.mjs DIST OUT HEADERS
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const [dist, out, headersFile] = process.argv.slice(2);
if (!dist || !out || !headersFile) {
  console.error("usage: embed-ui.mjs DIST OUT HEADERS");
  process.exit(2);
}

const TYPES = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  wasm: "application/wasm",
  json: "application/json",
};
// Served as they are: the Worker reads these bytes (worker/src/openapi.rs).
const RAW = new Set(["/openapi.json"]);

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

// Cloudflare's `_headers`: a path pattern (`*` matches anything) at the start
// of a line, then indented `Name: value` lines, or `! Name` to drop a header
// an earlier rule set. Every matching rule applies, in order; a header set by
// two rules gets both values, comma-separated.
function parseHeaders(text) {
  const rules = [];
  for (const line of text.split("\n")) {
    if (!line.trim() || line.trimStart().startsWith("#")) continue;
    if (!/^\s/.test(line)) {
      if (line.includes(":")) throw new Error(`_headers: placeholders are not supported: ${line}`);
      const source = line.trim().split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*");
      rules.push({ pattern: `^${source}$`, set: [], drop: [] });
      continue;
    }
    const rule = rules.at(-1);
    if (!rule) throw new Error(`_headers: a header before any path: ${line}`);
    const entry = line.trim();
    if (entry.startsWith("!")) {
      rule.drop.push(entry.slice(1).trim().toLowerCase());
    } else {
      const colon = entry.indexOf(":");
      if (colon < 1) throw new Error(`_headers: not a header: ${line}`);
      rule.set.push([entry.slice(0, colon).trim(), entry.slice(colon + 1).trim()]);
    }
  }
  return rules;
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const imports = [];
const entries = [];
walk(dist)
  .sort()
  .forEach((path, n) => {
    const name = "/" + relative(dist, path).split(sep).join("/");
    const ext = name.slice(name.lastIndexOf(".") + 1);
    const type = TYPES[ext];
    if (!type) throw new Error(`embed-ui: no content type for ${name}`);
    const bytes = readFileSync(path);
    const etag = createHash("sha256").update(bytes).digest("hex").slice(0, 20);
    const forms = {};
    const add = (form, data) => {
      const file = `${n}.${form}.bin`;
      writeFileSync(join(out, file), data);
      imports.push(`import f${n}_${form} from "./${file}";`);
      forms[form] = `f${n}_${form}`;
    };
    if (RAW.has(name)) {
      add("identity", bytes);
    } else {
      add("br", brotliCompressSync(bytes, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
          [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
        },
      }));
      add("gzip", gzipSync(bytes, { level: 9 }));
    }
    const fields = Object.entries(forms).map(([form, id]) => `${form}: ${id}`).join(", ");
    entries.push(`  [${JSON.stringify(name)}, { type: ${JSON.stringify(type)}, etag: ${JSON.stringify(etag)}, ${fields} }],`);
  });

const rules = parseHeaders(readFileSync(headersFile, "utf8"));
writeFileSync(
  join(out, "files.js"),
  `// Written by scripts/lib/embed-ui.mjs from ${dist}/ and ${headersFile}: do not edit.
${imports.join("\n")}

/** Path → { type, etag, and the bytes of each form: br, gzip, identity }. */
export const FILES = new Map([
${entries.join("\n")}
]);

/** frontend/_headers: every rule whose pattern matches the path applies, in order. */
export const RULES = ${JSON.stringify(rules.map((r) => ({ ...r, pattern: undefined, re: r.pattern })))}
  .map(({ re, set, drop }) => ({ pattern: new RegExp(re), set, drop }));
`,
);
console.log(`embed-ui: ${entries.length} files from ${dist}/ into ${out}/`);
