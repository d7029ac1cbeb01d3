// The Worker's entry (worker-build's CUSTOM_SHIM, scripts/build-worker): a
// plain module whose `fetch` is one call into the WebAssembly `fetch`.
// worker-build's default entry constructs a WorkerEntrypoint class behind
// two Proxies on every request, for its panic recovery; that cost a large
// share of a cheap request. This Worker is built with panic = "abort" and
// never panics by design (a trap would answer that one request with an
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

export default {
  async fetch(request, env, ctx) {
    try {
      return await imports.fetch(request, env, ctx);
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError) {
        console.error("the Worker's WebAssembly trapped", e);
      }
      throw e;
    }
  },
};
