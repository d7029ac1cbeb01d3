// The WebAssembly's entry (worker-build's CUSTOM_SHIM, scripts/build-worker;
// the Worker's own entry, worker/entry.js, calls it): `serve` drives the
// request's task in the WebAssembly
// (worker/src/driver.rs). The WebAssembly hands out each promise it waits on;
// this loop awaits it and hands back how it settled, until the Response
// comes out. (wasm-bindgen's own executor — a queueMicrotask per wake-up,
// two finalised closures per await — cost more than the Worker's own code on
// a cheap request; worker-build's default entry also constructs a class
// behind two Proxies per request.) This Worker is built with panic = "abort"
// and never panics by design (a trap would answer that one request with an
// error and be logged here).
import * as imports from "./index_bg.js";
import wasmModule from "./index.wasm";
$SNIPPET_JS_IMPORTS

const instance = new WebAssembly.Instance(wasmModule, {
  "./index_bg.js": imports,
  $SNIPPET_WASM_IMPORTS
});
imports.__wbg_set_wasm(instance.exports);
instance.exports.__wbindgen_start?.();

// A request whose promise is abandoned (the client went away and the runtime
// dropped it) is never stepped again: its task is freed when this loop's
// frame is collected. One registration per request, none per await.
const abandoned = new FinalizationRegistry((task) => imports.dropTask(task));

/** The Worker's answer to a request; `files` fetches its own files (worker/ui.js). */
export async function serve(request, env, files) {
  try {
    const task = imports.start(request, env, files);
    const guard = {};
    abandoned.register(guard, task, guard);
    let out = imports.step(task, true, undefined);
    while (out instanceof Promise) {
      let ok = true;
      let settled;
      try {
        settled = await out;
      } catch (e) {
        ok = false;
        settled = e;
      }
      out = imports.step(task, ok, settled);
    }
    abandoned.unregister(guard);
    return out;
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) {
      console.error("the Worker's WebAssembly trapped", e);
    }
    throw e;
  }
}
