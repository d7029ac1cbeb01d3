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
pub mod set_matter;
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

/// What `fetch` answers for the latest `key`, in a signal: `None` until the
/// first answer; an answer for a key since replaced is dropped. Unlike a
/// resource read in a page, it never holds up the page's `Suspense`: the
/// page stays on screen (and keeps its focus) while this loads.
pub fn fetched<K, T, F>(
    key: impl Fn() -> K + 'static,
    fetch: impl Fn(K) -> F + 'static,
) -> ReadSignal<Option<T>>
where
    K: 'static,
    T: Send + Sync + 'static,
    F: Future<Output = T> + 'static,
{
    let out = RwSignal::new(None);
    let latest = StoredValue::new(0u64);
    Effect::new(move |_| {
        let answer = fetch(key());
        let n = latest.get_value() + 1;
        latest.set_value(n);
        leptos::task::spawn_local(async move {
            let answer = answer.await;
            if latest.try_get_value() == Some(n) {
                out.try_set(Some(answer));
            }
        });
    });
    out.read_only()
}
