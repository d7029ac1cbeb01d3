// The Worker's entry (wrangler.toml `main`): the API's paths go to the
// WebAssembly (worker/shim.js), everything else is the UI's (worker/ui.js).
import { serveApi } from "./build/worker/shim.mjs";
import { pathOf, serveUi } from "./ui.js";

// The paths the API owns: its collection, also under Actionstep's /api/rest
// prefix, and its OpenAPI document (worker/src/routes.rs and openapi.rs say
// what each names; a path among these that names nothing there is the UI's).
const API = /^(?:\/openapi\.json|(?:\/api\/rest)?\/phonerecords(?:\/.*)?)$/;

// The Worker's files, as a fetcher (the OpenAPI document is one of them).
const files = { fetch: serveUi };

export default {
  fetch(request, env) {
    return API.test(pathOf(request.url)) ? serveApi(request, env, files) : serveUi(request);
  },
};
