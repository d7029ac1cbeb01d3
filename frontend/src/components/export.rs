//! "Export CSV": the list's current view (filters, search, sort; every page)
//! downloaded as a file, with progress, a way to cancel, and a clear message
//! when it cannot be done.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::api::{self, Download, ExportFormat, Progress};
use crate::format::calls;
use crate::session::use_session;

/// Where an export stands.
#[derive(Clone, Debug, PartialEq)]
pub enum ExportState {
    Idle,
    Running(Progress),
    Done {
        file_name: String,
        records: Option<u64>,
    },
    Cancelled,
    Failed(String),
}

/// What a screen reader hears and everyone reads about an export.
pub fn status_text(state: &ExportState) -> String {
    match state {
        ExportState::Idle => String::new(),
        ExportState::Running(p) => match p.percent() {
            Some(pc) => format!("Exporting… {pc}% ({})", size(p.received)),
            None => format!("Exporting… {}", size(p.received)),
        },
        ExportState::Done {
            file_name,
            records: Some(n),
        } => format!("Exported {} to {file_name}.", calls(*n)),
        ExportState::Done {
            file_name,
            records: None,
        } => format!("Exported to {file_name}."),
        ExportState::Cancelled => "Export cancelled.".into(),
        ExportState::Failed(message) => message.clone(),
    }
}

/// Bytes as people read them: "840 B", "12 KB", "3.4 MB".
fn size(bytes: u64) -> String {
    match bytes {
        b if b < 1_000 => format!("{b} B"),
        b if b < 1_000_000 => format!("{} KB", b / 1_000),
        b => format!("{}.{} MB", b / 1_000_000, b % 1_000_000 / 100_000),
    }
}

/// Hands the file to the browser's downloads.
fn save(download: &Download) -> Result<(), String> {
    let fail = |_| "The browser did not accept the file.".to_owned();
    let url = web_sys::Url::create_object_url_with_blob(&download.blob).map_err(fail)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("No document to download into.")?;
    let a: web_sys::HtmlAnchorElement =
        document.create_element("a").map_err(fail)?.unchecked_into();
    a.set_href(&url);
    a.set_download(&download.file_name);
    a.click();
    // The download has its own copy once started; free ours a little later.
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(30),
    );
    Ok(())
}

/// The AbortController of a transfer of the view (Export CSV, Print all):
/// `begin` makes one, whose signal the request takes; `abort` cancels it;
/// `end` lets it go.
#[derive(Clone, Copy)]
pub struct Abort(StoredValue<Option<web_sys::AbortController>, LocalStorage>);

impl Abort {
    pub fn new() -> Abort {
        Abort(StoredValue::new_local(None))
    }

    /// The new transfer's signal; `None` if this browser cannot cancel requests.
    pub fn begin(self) -> Option<web_sys::AbortSignal> {
        let controller = web_sys::AbortController::new().ok()?;
        let signal = controller.signal();
        self.0.set_value(Some(controller));
        Some(signal)
    }

    pub fn abort(self) {
        self.0
            .with_value(|c| c.as_ref().map(web_sys::AbortController::abort));
    }

    pub fn end(self) {
        self.0.set_value(None);
    }
}

/// The button, and what it is doing. `query` is the API query of the view
/// (no page); a view the API refuses fails with its reasons.
#[component]
pub fn ExportButton(#[prop(into)] query: Signal<String>) -> impl IntoView {
    let session = use_session();
    let state = RwSignal::new(ExportState::Idle);
    let transfer = Abort::new();
    let running = move || matches!(state.get(), ExportState::Running(_));
    let start = move |_| {
        if running() {
            return;
        }
        let query = query.get_untracked();
        let Some(signal) = transfer.begin() else {
            state.set(ExportState::Failed("This browser cannot export.".into()));
            return;
        };
        state.set(ExportState::Running(Progress {
            received: 0,
            expected: None,
        }));
        let token = session.token();
        leptos::task::spawn_local(async move {
            let result = api::export(
                &token,
                &query,
                ExportFormat::Csv,
                &signal,
                |_| None,
                |p| state.set(ExportState::Running(p)),
            )
            .await;
            session.check(&result);
            let next = match result {
                _ if signal.aborted() => ExportState::Cancelled,
                Ok(download) => match save(&download) {
                    Ok(()) => ExportState::Done {
                        file_name: download.file_name,
                        records: download.records,
                    },
                    Err(message) => ExportState::Failed(message),
                },
                Err(failure) => ExportState::Failed(failure.message()),
            };
            transfer.end();
            state.set(next);
        });
    };
    let cancel = move |_| transfer.abort();
    view! {
        <TransferControl class="export" label="Export CSV" status_id="export-status" progress_label="Export progress"
            progress=Signal::derive(move || match state.get() { ExportState::Running(p) => Some(p), _ => None })
            failed=Signal::derive(move || matches!(state.get(), ExportState::Failed(_)))
            status=Signal::derive(move || state.with(status_text))
            on_start=Callback::new(start) on_cancel=Callback::new(cancel)/>
    }
}

/// A button that starts a transfer of the view (Export CSV, Print all), its
/// progress bar and Cancel while it runs (`progress` is `Some`), and its
/// status line: announced politely, or as an alert when it `failed`.
#[component]
pub fn TransferControl(
    class: &'static str,
    label: &'static str,
    status_id: &'static str,
    progress_label: &'static str,
    #[prop(into)] progress: Signal<Option<Progress>>,
    #[prop(into)] failed: Signal<bool>,
    #[prop(into)] status: Signal<String>,
    on_start: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let running = move || progress.with(Option::is_some);
    view! {
        <div class=class>
            <button type="button" class="button" on:click=move |_| on_start.run(()) disabled=running
                aria-describedby=status_id>
                {label}
            </button>
            <Show when=running>
                <progress
                    max=move || progress.get().map_or(1.0, |p| p.expected.unwrap_or(0).max(1) as f64)
                    value=move || progress.get().filter(|p| p.expected.is_some()).map(|p| p.received as f64)
                    aria-label=progress_label></progress>
                <button type="button" class="link" on:click=move |_| on_cancel.run(())>"Cancel"</button>
            </Show>
            <span id=status_id
                class=move || if failed.get() { "export-status error" } else { "export-status" }
                role=move || if failed.get() { "alert" } else { "status" }>
                {move || status.get()}
            </span>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_says_how_far_and_what_came_of_it() {
        let running = |received, expected| ExportState::Running(Progress { received, expected });
        assert_eq!(status_text(&ExportState::Idle), "");
        assert_eq!(status_text(&running(0, None)), "Exporting… 0 B");
        assert_eq!(
            status_text(&running(450_000, Some(1_000_000))),
            "Exporting… 45% (450 KB)"
        );
        // Never 100% before the end, even if the view grew meanwhile.
        assert_eq!(
            status_text(&running(3_450_000, Some(3_000_000))),
            "Exporting… 99% (3.4 MB)"
        );
        let done = |records| ExportState::Done {
            file_name: "phonerecords-2026-12-02.csv".into(),
            records,
        };
        assert_eq!(
            status_text(&done(Some(1234))),
            "Exported 1,234 calls to phonerecords-2026-12-02.csv."
        );
        assert_eq!(
            status_text(&done(Some(1))),
            "Exported 1 call to phonerecords-2026-12-02.csv."
        );
        assert_eq!(
            status_text(&done(None)),
            "Exported to phonerecords-2026-12-02.csv."
        );
        assert_eq!(status_text(&ExportState::Cancelled), "Export cancelled.");
    }

    #[test]
    fn file_names_come_from_the_answer_and_stay_names() {
        assert_eq!(
            api::attachment_name("attachment; filename=\"phonerecords-2026-12-02.csv\""),
            Some("phonerecords-2026-12-02.csv".into())
        );
        assert_eq!(api::attachment_name("attachment"), None);
        assert_eq!(
            api::attachment_name("attachment; filename=\"../x.csv\""),
            None
        );
        assert_eq!(api::attachment_name("attachment; filename=\"\""), None);
    }
}
