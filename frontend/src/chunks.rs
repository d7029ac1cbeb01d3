//! What is not needed for the first list, each in its own chunk of
//! WebAssembly (issue 13: the list must not wait for the form, the import,
//! a call's page, the totals or the export). scripts/build-ui builds with
//! `--cfg split` and cuts the module at the functions below with
//! `wasm-split-cli`: what only a split function reaches moves to its chunk
//! (code two chunks share, to a third), fetched the first time it is shown,
//! or earlier by `preload_rest` once the first screen is up. Without
//! `--cfg split` (the component tests' builds) each is a plain call.

use std::cell::Cell;

use leptos::prelude::*;
use send_wrapper::SendWrapper;

use crate::components::call_page::CallPage;
use crate::components::export::ExportButton;
use crate::components::import::ImportPage;
use crate::components::print_all::PrintAllButton;
use crate::components::record_pages::{EditRecordPage, NewRecordPage};
use crate::components::retry_panel;
use crate::components::set_matter::SetMatterPanel;
use crate::components::signin::SignIn;
use crate::components::summary::ViewSummary;
use crate::first_paint::{self, Part};
use crate::list_state::ListState;
use crate::matter_model::Target;

/// A chunk that could not be fetched (offline, a deploy replaced it): the
/// page says so and offers to try again; nothing else of the app is lost.
#[derive(Clone, Debug)]
pub struct NotLoaded;

#[cfg(split)]
impl From<leptos::wasm_split::SplitLoaderError> for NotLoaded {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        NotLoaded
    }
}

/// Declares `$name`, an async function answering `$body`'s view, as a split
/// point of chunk `$chunk` (with `--cfg split`) or as a plain function; and
/// `$preload`, which fetches the chunk.
macro_rules! split_view {
    ($chunk:ident, $name:ident, $preload:ident, ($($arg:ident: $ty:ty),*) $body:expr) => {
        #[cfg(split)]
        #[leptos::wasm_split::wasm_split(
            $chunk,
            wasm_split_path = ::leptos::wasm_split,
            preload(#[allow(dead_code)] $preload),
            fallible
        )]
        fn $name($($arg: $ty),*) -> Result<AnyView, NotLoaded> {
            Ok($body.into_any())
        }

        #[cfg(not(split))]
        async fn $name($($arg: $ty),*) -> Result<AnyView, NotLoaded> {
            Ok($body.into_any())
        }

        #[cfg(not(split))]
        #[allow(dead_code)]
        async fn $preload() -> Result<(), NotLoaded> {
            Ok(())
        }
    };
    ($chunk:ident, $name:ident, $preload:ident, $body:expr) => {
        split_view!($chunk, $name, $preload, () $body);
    };
}

split_view!(form, new_record, preload_form, view! { <NewRecordPage/> });
split_view!(form, edit_record, preload_edit, view! { <EditRecordPage/> });
split_view!(import, import, preload_import, view! { <ImportPage/> });
split_view!(call, call, preload_call, view! { <CallPage/> });
// Signed in (every first list), the sign-in page is not needed: 12 KB of
// gzipped WebAssembly less before the list. Signed out, main.js paints a
// live sign-in page and fetches this chunk beside the main module.
split_view!(signin, sign_in, preload_signin, view! { <SignIn/> });
split_view!(list, view_summary, preload_summary, (state: Signal<ListState>)
    view! { <ViewSummary state=state/> });
split_view!(list, export_button, preload_export, (state: Signal<ListState>)
view! {
    <ExportButton query=Signal::derive(move || state.with(|s| s.export_query(crate::clock::local_offset)))/>
    <PrintAllButton state=state/>
});

split_view!(list, set_matter_panel, preload_set_matter,
    (calls: Vec<Target>, on_close: Callback<()>, on_changed: Callback<()>)
    view! { <SetMatterPanel calls=calls on_close=on_close on_changed=on_changed/> });

/// The pages that live in chunks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    New,
    Edit,
    Import,
    Call,
    SignIn,
}

/// The page, once its chunk is here: "Loading…" until then (usually no time:
/// `preload_rest` fetched it), and a way to try again if it cannot come.
pub fn page(which: Page) -> impl IntoView {
    let retry = RwSignal::new(0u32);
    in_chunk(
        || view! { <p class="loading" role="status">"Loading…"</p> }.into_any(),
        move || {
            retry.track();
            Box::pin(async move {
                match which {
                    Page::New => new_record().await,
                    Page::Edit => edit_record().await,
                    Page::Import => import().await,
                    Page::Call => call().await,
                    Page::SignIn => sign_in().await,
                }
            })
        },
        move || {
            // A painted sign-in page waits for the app's: it goes now.
            first_paint::done(Part::All);
            let message = "This page could not be loaded. Check the connection and try again.";
            retry_panel(message.into(), retry).into_any()
        },
    )
}

/// The list's totals and chart, once their chunk is here (nothing before:
/// the panel itself shows nothing while its totals load). Without the chunk,
/// the list is whole without them: main.js's painted totals go.
///
/// The list does not wait for this chunk: once the app's list is on screen,
/// main.js moves its painted totals into the slot (`data-summary-slot`,
/// where the app's will be; `display: contents`, so it adds no box) and the
/// rest of its first paint goes; the painted totals stay until the app's are
/// there (`Part::Summary`), or the view changes under them.
pub fn summary(state: Signal<ListState>) -> impl IntoView {
    let painted_for = state.get_untracked();
    Effect::new(move |_| {
        if state.with(|s| *s != painted_for) {
            first_paint::done(Part::Summary);
        }
    });
    view! {
        <div class="summary-slot" data-summary-slot=""></div>
        {in_chunk(
            || ().into_any(),
            move || Box::pin(view_summary(state)),
            || {
                first_paint::done(Part::Summary);
                ().into_any()
            },
        )}
    }
}

/// The list's Export CSV and Print all, once their chunk is here (nothing
/// without it); until then the buttons, disabled, so nothing beside them
/// moves.
pub fn export(state: Signal<ListState>) -> impl IntoView {
    in_chunk(
        || {
            view! {
                <div class="export">
                    <button type="button" class="button" disabled>"Export CSV"</button>
                </div>
                <div class="print-all-control">
                    <button type="button" class="button" disabled>"Print all"</button>
                </div>
            }
            .into_any()
        },
        move || Box::pin(export_button(state)),
        || ().into_any(),
    )
}

/// The list's "Set matter…" panel for the selected calls, once its chunk is
/// here (the list's: usually already fetched for Export CSV).
pub fn set_matter(
    calls: Vec<Target>,
    on_close: Callback<()>,
    on_changed: Callback<()>,
) -> impl IntoView {
    in_chunk(
        || view! { <p class="loading" role="status">"Loading…"</p> }.into_any(),
        move || Box::pin(set_matter_panel(calls.clone(), on_close, on_changed)),
        || {
            view! {
                <p class="error-panel" role="alert">
                    "Set matter could not be loaded. Check the connection and try again."
                </p>
            }
            .into_any()
        },
    )
}

/// A chunk's view on its way: the future `load` answers each time it runs.
type Loading = std::pin::Pin<Box<dyn Future<Output = Result<AnyView, NotLoaded>>>>;

/// A view from a chunk: `loading` until `load` has it, `missing` if its
/// chunk cannot be fetched (the rest of the page works without it). `load`
/// runs again when a signal it reads changes. Not generic (boxed closures):
/// every use shares one copy of the Suspense machinery in the main module.
fn in_chunk(
    loading: fn() -> AnyView,
    load: impl Fn() -> Loading + Send + Sync + 'static,
    missing: impl Fn() -> AnyView + Send + Sync + 'static,
) -> AnyView {
    suspended(loading, Box::new(load), std::sync::Arc::new(missing))
}

#[allow(clippy::type_complexity)]
fn suspended(
    loading: fn() -> AnyView,
    load: Box<dyn Fn() -> Loading + Send + Sync>,
    missing: std::sync::Arc<dyn Fn() -> AnyView + Send + Sync>,
) -> AnyView {
    view! {
        <Suspense fallback=loading>
            // The chunk's future is not Send (a JavaScript fetch): this app
            // runs on one thread, as SendWrapper checks.
            {move || {
                let loaded = load();
                let missing = missing.clone();
                Suspend::new(SendWrapper::new(async move {
                    loaded.await.unwrap_or_else(|NotLoaded| missing())
                }))
            }}
        </Suspense>
    }
    .into_any()
}

thread_local! {
    static PRELOADING: Cell<bool> = const { Cell::new(false) };
}

/// Fetches every chunk in the background, once, after the first screen is up
/// (first_paint::done), so a click on "Record a call" does not wait for the
/// network. A chunk that fails here is fetched again when it is needed.
pub fn preload_rest() {
    if PRELOADING.replace(true) {
        return;
    }
    // One per chunk (a chunk's split points share it): the list's first (it
    // is on the first screen), then the most used page first.
    leptos::task::spawn_local(async {
        let _ = preload_summary().await;
        let _ = preload_form().await;
        let _ = preload_call().await;
        let _ = preload_import().await;
        let _ = preload_signin().await;
    });
}
