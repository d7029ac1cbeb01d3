//! The Phone Records web UI: a Leptos client-side-rendered app, served by the
//! Worker as static assets and calling the API on the same origin.

pub mod api;
pub mod chunks;
pub mod clock;
pub mod components;
pub mod csv;
pub mod draft;
pub mod first_paint;
pub mod form_model;
pub mod format;
pub mod import_model;
pub mod list_state;
pub mod matter_model;
pub mod prefetch;
pub mod router;
pub mod session;
pub mod summary_model;

use wasm_bindgen::prelude::wasm_bindgen;

/// Mounts the app; called by `main.js` once the module is loaded.
#[wasm_bindgen]
pub fn start() {
    leptos::mount::mount_to_body(components::app::App);
}
