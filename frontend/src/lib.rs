//! The Phone Records web UI. Until the Leptos app lands, the Worker serves the
//! static page in the root `index.html`; this crate only pins the UI to the
//! shared models so both sides keep compiling against one definition.

pub use phonerecords_shared as shared;
