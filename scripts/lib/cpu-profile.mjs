// CPU profile of a Worker under `wrangler dev`, over the DevTools protocol of
// its --inspector-port: starts the profiler, waits SECONDS (while a load runs),
// stops it and prints the functions with the most self time.
//   node scripts/lib/cpu-profile.mjs INSPECTOR_PORT SECONDS [TOP=25] [OUT.cpuprofile]
import { writeFileSync } from "node:fs";

const [port, seconds, top = "25", out] = process.argv.slice(2);
if (!port || !seconds) {
  console.error("usage: cpu-profile.mjs INSPECTOR_PORT SECONDS [TOP] [OUT.cpuprofile]");
  process.exit(2);
}
// Never hang: a profile that has not come back in time is a failure.
setTimeout(() => { console.error("cpu-profile: no answer from the inspector"); process.exit(1); }, (Number(seconds) + 30) * 1000).unref();
const targets = await (await fetch(`http://127.0.0.1:${port}/json`)).json();
const target = targets.find((t) => t.webSocketDebuggerUrl) ?? targets[0];
// wrangler's inspector proxy refuses a WebSocket without an Origin.
const ws = new WebSocket(target.webSocketDebuggerUrl ?? `ws://127.0.0.1:${port}/ws`, { headers: { Origin: "http://localhost" } });
await new Promise((ok, fail) => { ws.onopen = ok; ws.onerror = fail; });
let next = 1;
const pending = new Map();
ws.onmessage = async (m) => {
  const msg = JSON.parse(typeof m.data === "string" ? m.data : await m.data.text());
  if (msg.id && pending.has(msg.id)) { pending.get(msg.id)(msg); pending.delete(msg.id); }
};
const call = (method, params = {}) => new Promise((ok) => {
  const id = next++;
  pending.set(id, ok);
  ws.send(JSON.stringify({ id, method, params }));
});
await call("Profiler.enable");
await call("Profiler.setSamplingInterval", { interval: 100 });
await call("Profiler.start");
await new Promise((r) => setTimeout(r, Number(seconds) * 1000));
const { result } = await call("Profiler.stop");
ws.close();
const profile = result.profile;
if (out) writeFileSync(out, JSON.stringify(profile));

// Self time per node, from the samples and their time deltas.
const self = new Map();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);
const byName = new Map();
for (const node of profile.nodes) {
  const f = node.callFrame;
  const file = (f.url || "").split("/").pop();
  const name = `${f.functionName || "(anonymous)"} ${file}${f.url ? ":" + (f.lineNumber + 1) : ""}`;
  byName.set(name, (byName.get(name) ?? 0) + (self.get(node.id) ?? 0));
}
// Where the busy time is, by kind: the Worker's WebAssembly, its JavaScript
// (the bundle: wasm-bindgen glue, entry, wrangler's middleware), the
// runtime's own JavaScript (D1's client, the rate limiter), and native code.
const kinds = new Map();
for (const node of profile.nodes) {
  const f = node.callFrame, url = f.url || "";
  const kind = url.includes(".wasm") || url.startsWith("wasm://") ? "WebAssembly (the Worker)"
    : url.startsWith("cloudflare-internal:") ? "runtime JavaScript (" + url.split(":")[1] + ")"
    : url ? "bundle JavaScript (glue, entry, middleware)"
    : f.functionName === "(idle)" ? null : "native (" + (f.functionName.startsWith("(") ? f.functionName : "builtins") + ")";
  if (kind) kinds.set(kind, (kinds.get(kind) ?? 0) + (self.get(node.id) ?? 0));
}
const idle = [...byName].filter(([n]) => n.startsWith("(idle)")).reduce((a, [, t]) => a + t, 0);
console.log(`# ${(total / 1e6).toFixed(2)} s sampled, ${((total - idle) / 1e6).toFixed(2)} s busy; self time, % of busy`);
for (const [kind, t] of [...kinds].sort((a, b) => b[1] - a[1])) {
  console.log(`${(100 * t / (total - idle)).toFixed(1).padStart(5)}%  ${(t / 1000).toFixed(0).padStart(6)} ms  [${kind}]`);
}
console.log("# functions with the most self time");
for (const [name, t] of [...byName].filter(([n]) => !n.startsWith("(idle)")).sort((a, b) => b[1] - a[1]).slice(0, Number(top))) {
  console.log(`${(100 * t / (total - idle)).toFixed(1).padStart(5)}%  ${(t / 1000).toFixed(0).padStart(6)} ms  ${name}`);
}
// The inspector connection would keep the process alive.
process.exit(0);
