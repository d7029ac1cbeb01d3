//! The UI's components: pure views (table, pager, form) that tests mount
//! directly, and the pages that fetch data for them.

pub mod app;
pub mod call_page;
pub mod export;
pub mod fields;
pub mod import;
pub mod known_number;
pub mod list;
pub mod print_all;
pub mod record_form;
pub mod record_pages;
pub mod signin;
pub mod summary;
pub mod undo;

use leptos::prelude::*;

/// A failed load, with a button that loads again (by bumping `retry`).
pub fn retry_panel(message: String, retry: RwSignal<u32>) -> impl IntoView {
    view! {
        <div class="error-panel" role="alert">
            <p>{message}</p>
            <button type="button" on:click=move |_| retry.update(|n| *n += 1)>"Try again"</button>
        </div>
    }
}
