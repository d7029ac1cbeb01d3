//! "Print all": every call of the list's view (its filters, search and sort;
//! every page, not only the one on screen) in the printout, for a matter's
//! file. The browser's own Print still prints the page as shown.
//!
//! The calls come from the API's NDJSON export of the view (one request),
//! are laid out as the list's table (each call's notes whole, where the
//! list shows an excerpt) in a block that only print shows
//! (`html[data-printing="all"]`: the page's own table and pager step aside),
//! then the browser's print dialog opens. The block goes when the dialog
//! closes (`afterprint`) or the view changes.

use leptos::portal::Portal;
use leptos::prelude::*;
use phonerecords_shared::PhoneRecord;

use crate::api::{self, ExportFormat, Progress};
use crate::components::export::{Abort, TransferControl};
use crate::components::list::RecordsTable;
use crate::components::undo::use_deletes;
use crate::format::{calls, thousands};
use crate::list_state::ListState;
use crate::session::use_session;

/// The most calls one printout holds: about 60 pages of A4. A larger view
/// is refused before its calls are read, with what to do instead.
pub const PRINT_MAX: u64 = 2_000;

/// Where a "Print all" stands.
#[derive(Clone, Debug, PartialEq)]
pub enum PrintState {
    Idle,
    Preparing(Progress),
    /// The calls are laid out; the print dialog is (or was) open.
    Ready(u64),
    /// The view has no calls (or only calls just deleted): no dialog.
    Nothing,
    Cancelled,
    Failed(String),
}

/// What a screen reader hears and everyone reads about it.
pub fn status_text(state: &PrintState) -> String {
    match state {
        PrintState::Idle => String::new(),
        PrintState::Preparing(p) => match p.percent() {
            Some(pc) => format!("Preparing the print… {pc}%"),
            None => "Preparing the print…".into(),
        },
        PrintState::Ready(n) => format!("{} in the print.", calls(*n)),
        PrintState::Nothing => "This view has no calls to print.".into(),
        PrintState::Cancelled => "Print cancelled.".into(),
        PrintState::Failed(message) => message.clone(),
    }
}

/// The printout's line above its table: it holds the whole view.
pub fn print_note(n: u64) -> String {
    match n {
        1 => "The one call of this view.".into(),
        n => format!("All {} calls of this view.", thousands(n)),
    }
}

/// The refusal of a view too large to print, or nothing.
pub fn too_many(records: u64) -> Option<String> {
    (records > PRINT_MAX).then(|| {
        format!(
            "This view has {}; Print all prints up to {}. Narrow the view (a matter, a date range) or use Export CSV.",
            calls(records),
            thousands(PRINT_MAX)
        )
    })
}

/// The export's lines as records, in the view's order.
pub fn parse_lines(text: &str) -> Result<Vec<PhoneRecord>, String> {
    text.lines()
        .filter(|line| !line.is_empty())
        .map(|line| {
            serde_json::from_str(line).map_err(|_| {
                "The print could not be prepared: the server's answer was not understood."
                    .to_owned()
            })
        })
        .collect()
}

/// Marks the page as printing every call (the print stylesheet's switch).
fn set_printing_all(on: bool) {
    let Some(root) = document().document_element() else {
        return;
    };
    let _ = if on {
        root.set_attribute("data-printing", "all")
    } else {
        root.remove_attribute("data-printing")
    };
}

/// Where the printed calls go: after the list, in the page's `main`.
fn main_or_body() -> web_sys::Element {
    document()
        .query_selector("main")
        .ok()
        .flatten()
        .unwrap_or_else(|| document().body().expect("a document has a body").into())
}

/// The button, its progress, and the block of calls that only print shows.
#[component]
pub fn PrintAllButton(#[prop(into)] state: Signal<ListState>) -> impl IntoView {
    let session = use_session();
    let deletes = use_deletes();
    let status = RwSignal::new(PrintState::Idle);
    let records = RwSignal::new(None::<Vec<PhoneRecord>>);
    let transfer = Abort::new();
    let preparing = move || matches!(status.get(), PrintState::Preparing(_));
    let clear = move || {
        set_printing_all(false);
        records.set(None);
    };
    // Another view: what was prepared (or is being) was for the last one.
    Effect::new(move |last: Option<ListState>| {
        let now = state.get();
        if last.is_some_and(|last| last != now) {
            transfer.abort();
            clear();
            status.set(PrintState::Idle);
        }
        now
    });
    // The dialog closed (printed or not): the page is itself again.
    let after = window_event_listener_untyped("afterprint", move |_| {
        if records.with_untracked(Option::is_some) {
            clear();
            status.set(PrintState::Idle);
        }
    });
    on_cleanup(move || {
        after.remove();
        transfer.abort();
        set_printing_all(false);
    });
    let start = move |_| {
        if preparing() {
            return;
        }
        let query = state.with_untracked(|s| s.export_query(crate::clock::local_offset));
        let Some(signal) = transfer.begin() else {
            status.set(PrintState::Failed(
                "This browser cannot print the view.".into(),
            ));
            return;
        };
        clear();
        status.set(PrintState::Preparing(Progress {
            received: 0,
            expected: None,
        }));
        let token = session.token();
        leptos::task::spawn_local(async move {
            let download = api::export(
                &token,
                &query,
                ExportFormat::Ndjson,
                &signal,
                too_many,
                |p| status.set(PrintState::Preparing(p)),
            )
            .await;
            session.check(&download);
            let text = match download {
                Ok(d) => wasm_bindgen_futures::JsFuture::from(d.blob.text())
                    .await
                    .ok()
                    .and_then(|t| t.as_string())
                    .ok_or_else(|| api::EXPORT_STOPPED.to_owned()),
                Err(failure) => Err(failure.message()),
            };
            transfer.end();
            let parsed = text.and_then(|t| parse_lines(&t));
            match parsed {
                _ if signal.aborted() => status.set(PrintState::Cancelled),
                Err(message) => status.set(PrintState::Failed(message)),
                Ok(mut all) => {
                    // Calls deleted a moment ago (Undo still offered) are not printed.
                    all.retain(|r| !untrack(|| deletes.is_hidden(r.id)));
                    if all.is_empty() {
                        status.set(PrintState::Nothing);
                        return;
                    }
                    status.set(PrintState::Ready(all.len() as u64));
                    set_printing_all(true);
                    records.set(Some(all));
                    // The block is laid out by the next frame; then the dialog.
                    request_animation_frame(move || {
                        if records.with_untracked(Option::is_some) {
                            let _ = window().print();
                        }
                    });
                }
            }
        });
    };
    let cancel = move |_| transfer.abort();
    let sort = Signal::derive(move || state.with(|s| s.sort));
    view! {
        <TransferControl class="print-all-control" label="Print all" status_id="print-all-status" progress_label="Print progress"
            progress=Signal::derive(move || match status.get() { PrintState::Preparing(p) => Some(p), _ => None })
            failed=Signal::derive(move || matches!(status.get(), PrintState::Failed(_)))
            status=Signal::derive(move || status.with(status_text))
            on_start=Callback::new(start) on_cancel=Callback::new(cancel)/>
        <Show when=move || records.with(Option::is_some)>
            <Portal mount=main_or_body()>
                <div class="print-all">
                    <p class="print-all-note">
                        {move || records.with(|r| print_note(r.as_ref().map_or(0, |r| r.len() as u64)))}
                    </p>
                    {move || records.get().map(|all| view! {
                        <RecordsTable records=all sort=sort.get_untracked() on_sort=Callback::new(|_| {}) full_notes=true/>
                    })}
                </div>
            </Portal>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_how_far_it_is_and_what_came_of_it() {
        let preparing = |received, expected| PrintState::Preparing(Progress { received, expected });
        assert_eq!(status_text(&PrintState::Idle), "");
        assert_eq!(status_text(&preparing(0, None)), "Preparing the print…");
        assert_eq!(
            status_text(&preparing(450, Some(1_000))),
            "Preparing the print… 45%"
        );
        assert_eq!(status_text(&PrintState::Ready(1)), "1 call in the print.");
        assert_eq!(
            status_text(&PrintState::Ready(1_234)),
            "1,234 calls in the print."
        );
        assert_eq!(status_text(&PrintState::Cancelled), "Print cancelled.");
        assert_eq!(
            status_text(&PrintState::Nothing),
            "This view has no calls to print."
        );
        assert_eq!(print_note(1), "The one call of this view.");
        assert_eq!(print_note(2_000), "All 2,000 calls of this view.");
    }

    #[test]
    fn a_view_too_large_is_refused_with_what_to_do() {
        assert_eq!(too_many(0), None);
        assert_eq!(too_many(PRINT_MAX), None);
        assert_eq!(
            too_many(12_345).as_deref(),
            Some(
                "This view has 12,345 calls; Print all prints up to 2,000. Narrow the view (a matter, a date range) or use Export CSV."
            )
        );
    }

    #[test]
    fn lines_become_records_in_their_order() {
        let text = concat!(
            r#"{"id":7,"direction":"in","callTimestamp":"2026-12-01T09:00:00+13:00","outcome":"Left a message","links":{"action":5}}"#,
            "\n",
            r#"{"id":3,"direction":"out","actualHours":0.25,"callTimestamp":"2026-11-30T17:30:00Z","outcome":"Agreed","links":{}}"#,
            "\n"
        );
        let records = parse_lines(text).unwrap();
        assert_eq!(records.iter().map(|r| r.id).collect::<Vec<_>>(), [7, 3]);
        assert_eq!(records[0].links.action, Some(5));
        assert_eq!(records[1].actual_hours, Some(0.25));
        assert_eq!(parse_lines("").unwrap(), []);
        assert!(parse_lines("{\"id\":1}\n").is_err());
    }
}
