// Loads the UI's WebAssembly and mounts the app (an external module, so the
// Content-Security-Policy needs no inline script). scripts/build-ui replaces
// both paths with the content-hashed names under /assets/.
import init, { start } from "/pkg/phonerecords_ui.js";

await init({ module_or_path: "/pkg/phonerecords_ui_bg.wasm" });
start();
