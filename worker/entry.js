// The Worker's entry (wrangler.toml `main`): every request goes to the
// WebAssembly (worker/shim.js), whose routing table (worker/src/routes.rs)
// says which paths are the API's; the rest it answers from the Worker's own
// files (worker/ui.js), the OpenAPI document among them.
import { serve } from "./build/worker/shim.mjs";
import { serveUi } from "./ui.js";

const files = { fetch: serveUi };

export default {
  fetch(request, env) {
    return serve(request, env, files);
  },
};
