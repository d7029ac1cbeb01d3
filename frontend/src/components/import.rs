//! "Import calls" (`/import`): a CSV file (the export's, or a phone
//! system's call log), its columns matched to fields (guessed, editable),
//! a preview of the first rows with the shared validation's messages, then
//! the ready rows stored in atomic batches of up to 100 with a progress bar,
//! Cancel, and a report of every row (downloadable as CSV).
//!
//! Batches: one `POST {"phonerecords":[…]}` each (all or none), with the
//! `Idempotency-Key` `<import id>-b<batch>-<resend>`. No answer (network,
//! 5xx, 409, 429): the same body is sent again with the same key (the
//! server replays it if it was stored). A 422 naming rows: those rows are
//! skipped with the server's reason, nothing of the batch was stored, and
//! the batch's other rows are sent again with a new key. Cancel takes effect
//! between batches; the report says which rows were stored and which not.

use leptos::prelude::*;
use phonerecords_shared::ApiErrors;
use phonerecords_shared::import::{self as rules, Target};
use wasm_bindgen::JsCast;

use crate::api;
use crate::csv::{self, Table};
use crate::import_model::{self as model, Answer, Checked, Counts, Next, Outcome};
use crate::session::use_session;

/// How many rows the preview shows.
pub const PREVIEW_ROWS: usize = 10;

/// What a time without an offset means.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Zone {
    /// The browser's time zone on that date (as the form's default).
    Local,
    Utc,
}

impl Zone {
    pub fn offset(self, date: &str, time: &str) -> String {
        match self {
            Zone::Local => crate::clock::local_offset(date, time),
            Zone::Utc => "Z".into(),
        }
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The columns (each with its choice of field), the required fields, and
/// the first rows with their problems. `checked` is every row, checked with
/// `targets`.
#[component]
pub fn ImportPreview(
    #[prop(into)] table: Signal<Table>,
    targets: RwSignal<Vec<Target>>,
    #[prop(into)] checked: Signal<Vec<Checked>>,
) -> impl IntoView {
    let columns = move || {
        table.with(|t| {
            t.header
                .iter()
                .enumerate()
                .map(|(i, h)| {
                    let sample = t.rows.iter().find_map(|r| r.cells.get(i).filter(|c| !c.trim().is_empty())).cloned();
                    let id = format!("import-col-{i}");
                    let options = Target::all()
                        .into_iter()
                        .map(|o| {
                            let selected = move || targets.with(|ts| ts.get(i) == Some(&o));
                            view! { <option value=o.key() selected=selected>{o.label()}</option> }
                        })
                        .collect_view();
                    view! {
                        <li>
                            <label for=id.clone()>"Column “"{h.clone()}"”"</label>
                            <select id=id on:change=move |ev| {
                                let t = Target::from_key(&event_target_value(&ev));
                                targets.update(|ts| if let Some(slot) = ts.get_mut(i) { *slot = t; });
                            }>{options}</select>
                            {sample.map(|s| view! { <span class="hint">"e.g. "{cut(&s)}</span> })}
                        </li>
                    }
                })
                .collect_view()
        })
    };
    let required = move || {
        targets.with(|ts| {
            phonerecords_shared::Field::ALL
                .into_iter()
                .filter(|f| f.is_required())
                .map(|f| {
                    let column = ts.iter().position(|t| t.field() == Some(f));
                    let text = match column {
                        Some(c) => format!(
                            "{}: column “{}”",
                            f.label(),
                            table.with(|t| t.header[c].clone())
                        ),
                        None => format!("{}: no column chosen", f.label()),
                    };
                    view! { <li class:missing=column.is_none()>{text}</li> }
                })
                .collect_view()
        })
    };
    let counts = move || {
        checked.with(|rows| {
            let ready = rows.iter().filter(|r| r.is_ready()).count();
            format!(
                "{}: {} ready to import, {} with problems (skipped).",
                plural(rows.len(), "row", "rows"),
                ready,
                rows.len() - ready
            )
        })
    };
    let head = move || {
        targets.with(|ts| {
            table.with(|t| {
                ts.iter()
                    .enumerate()
                    .filter(|(_, target)| **target != Target::Ignore)
                    .map(|(i, target)| view! { <th scope="col">{t.header[i].clone()}<span class="hint">" → "{target.label()}</span></th> })
                    .collect_view()
            })
        })
    };
    let body = move || {
        let ts = targets.get();
        table.with(|t| {
            checked.with(|rows| {
                t.rows
                    .iter()
                    .zip(rows)
                    .take(PREVIEW_ROWS)
                    .map(|(row, c)| {
                        let own: Vec<String> = c.problems.iter().filter(|p| p.column.is_none()).map(|p| p.message.clone()).collect();
                        let status = if c.is_ready() { "Ready".to_owned() } else { "Skipped".to_owned() };
                        let cells = ts
                            .iter()
                            .enumerate()
                            .filter(|(_, target)| **target != Target::Ignore)
                            .map(|(i, _)| {
                                let problems: Vec<String> = c.problems.iter().filter(|p| p.column == Some(i)).map(|p| p.message.clone()).collect();
                                let invalid = !problems.is_empty();
                                view! {
                                    <td data-label=t.header[i].clone() class:invalid=invalid>
                                        <span class="cell-value">{cut(row.cells.get(i).map(String::as_str).unwrap_or(""))}</span>
                                        {problems.into_iter().map(|m| view! { <span class="cell-problem">{m}</span> }).collect_view()}
                                    </td>
                                }
                            })
                            .collect_view();
                        view! {
                            <tr class:skipped=!c.is_ready()>
                                <th scope="row" data-label="Row">{row.line}</th>
                                <td data-label="Status">
                                    {status}
                                    {own.into_iter().map(|m| view! { <span class="cell-problem">{m}</span> }).collect_view()}
                                </td>
                                {cells}
                            </tr>
                        }
                    })
                    .collect_view()
            })
        })
    };
    view! {
        <div class="import-preview">
            <fieldset class="import-columns">
                <legend>"Columns"</legend>
                <p class="hint">"Each column’s field, guessed from its header. Columns not imported are ignored."</p>
                <ul>{columns}</ul>
            </fieldset>
            <div class="import-required">
                <h2 id="import-required-title">"Required fields"</h2>
                <ul aria-labelledby="import-required-title">{required}</ul>
            </div>
            <p class="import-counts">{counts}</p>
            // Focusable: on a narrow screen it scrolls sideways, by keyboard too.
            <div class="table-wrap" tabindex="0" role="region" aria-label="Preview of the first rows">
                <table class="records import-rows">
                    <caption>{move || format!("The first {} rows", checked.with(|r| r.len().min(PREVIEW_ROWS)))}</caption>
                    <thead><tr><th scope="col">"Row"</th><th scope="col">"Status"</th>{head}</tr></thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
        </div>
    }
}

/// A cell shown in the preview: at most 60 characters.
fn cut(s: &str) -> String {
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s.to_owned()
    }
}

/// Where the page stands.
#[derive(Clone, Debug, PartialEq)]
enum Phase {
    Choosing,
    Running {
        done: usize,
        total: usize,
        batch: usize,
        batches: usize,
    },
    Finished {
        outcomes: Vec<Outcome>,
        stopped: Option<String>,
    },
}

/// Sends one batch and says what its answer means.
async fn post_batch(token: &str, body: &str, key: &str) -> Answer {
    let unreachable = || Answer::Retry("the server could not be reached".into());
    let started = (|| {
        let headers = web_sys::Headers::new().ok()?;
        headers
            .set("Authorization", &format!("Bearer {token}"))
            .ok()?;
        headers.set("Accept", "application/json").ok()?;
        headers.set("Content-Type", "application/json").ok()?;
        headers.set("Idempotency-Key", key).ok()?;
        let init = web_sys::RequestInit::new();
        init.set_method("POST");
        init.set_headers(&headers);
        init.set_body(&body.into());
        Some(
            web_sys::window()?.fetch_with_str_and_init(phonerecords_shared::COLLECTION_PATH, &init),
        )
    })();
    let Some(started) = started else {
        return unreachable();
    };
    let Ok(resp) = wasm_bindgen_futures::JsFuture::from(started).await else {
        return unreachable();
    };
    let resp: web_sys::Response = resp.unchecked_into();
    api::remember_bookmark(
        resp.headers()
            .get(phonerecords_shared::BOOKMARK_HEADER)
            .ok()
            .flatten(),
    );
    let status = resp.status();
    let text = match resp.text() {
        Ok(p) => wasm_bindgen_futures::JsFuture::from(p)
            .await
            .ok()
            .and_then(|t| t.as_string()),
        Err(_) => None,
    };
    let Some(text) = text else {
        return unreachable();
    };
    match status {
        200..=299 => {
            let ids: Option<Vec<i64>> = serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|v| {
                    v[phonerecords_shared::body::RESOURCE]
                        .as_array()?
                        .iter()
                        .map(|r| r["id"].as_i64())
                        .collect()
                });
            match ids {
                Some(ids) => Answer::Stored(ids),
                None => Answer::Retry("the server's answer could not be read".into()),
            }
        }
        401 => Answer::Fatal("your token was not accepted: sign in again".into()),
        409 | 429 | 500..=599 => Answer::Retry(format!("the server answered {status}")),
        _ => match serde_json::from_str::<ApiErrors>(&text) {
            Ok(e) if status == 422 || status == 400 => Answer::Refused(
                e.errors
                    .into_iter()
                    .map(|e| (e.path.unwrap_or_default(), e.detail))
                    .collect(),
            ),
            Ok(e) if !e.errors.is_empty() => Answer::Fatal(e.errors[0].detail.clone()),
            _ => Answer::Fatal(format!("the server answered {status}")),
        },
    }
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// The chosen file's text (its name too), read by the browser.
async fn read_file(input: &web_sys::HtmlInputElement) -> Option<(String, String)> {
    let files = js_sys::Reflect::get(input, &"files".into()).ok()?;
    let file = js_sys::Reflect::get_u32(&files, 0)
        .ok()
        .filter(|f| !f.is_undefined())?;
    let name = js_sys::Reflect::get(&file, &"name".into())
        .ok()?
        .as_string()
        .unwrap_or_default();
    let blob: web_sys::Blob = file.unchecked_into();
    let text = wasm_bindgen_futures::JsFuture::from(blob.text())
        .await
        .ok()?
        .as_string()?;
    Some((name, text))
}

/// Hands the report to the browser's downloads.
fn download(text: &str, file_name: &str) {
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/csv;charset=utf-8");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(a) = document.create_element("a") else {
        return;
    };
    let a: web_sys::HtmlAnchorElement = a.unchecked_into();
    a.set_href(&url);
    a.set_download(file_name);
    a.click();
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(30),
    );
}

fn focus(id: &str) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
    {
        let _ = el.unchecked_into::<web_sys::HtmlElement>().focus();
    }
}

#[component]
pub fn ImportPage() -> impl IntoView {
    let session = use_session();
    let file_name = RwSignal::new(String::new());
    let table = RwSignal::new(None::<Table>);
    let targets = RwSignal::new(Vec::<Target>::new());
    let zone = RwSignal::new(Zone::Local);
    let status = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let phase = RwSignal::new(Phase::Choosing);
    let cancel = RwSignal::new(false);
    let checked = Memo::new(move |_| {
        let z = zone.get();
        table.with(|t| match t {
            Some(t) => targets.with(|ts| model::check(t, ts, &|d, tm| z.offset(d, tm))),
            None => Vec::new(),
        })
    });
    let ready = move || checked.with(|rows| rows.iter().filter(|r| r.is_ready()).count());
    let missing = move || targets.with(|ts| rules::unmapped_required(ts));

    let on_file = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        phase.set(Phase::Choosing);
        leptos::task::spawn_local(async move {
            let Some((name, text)) = read_file(&input).await else {
                table.set(None);
                return;
            };
            match csv::parse(&text) {
                Ok(t) => {
                    let cells: Vec<Vec<String>> =
                        t.rows.iter().take(20).map(|r| r.cells.clone()).collect();
                    targets.set(rules::guess_all(&t.header, &cells));
                    error.set(None);
                    table.set(Some(t));
                    file_name.set(name.clone());
                    let rows = checked.get_untracked();
                    let ready = rows.iter().filter(|r| r.is_ready()).count();
                    status.set(format!(
                        "Read {} from {name}: {ready} ready to import, {} with problems.",
                        plural(rows.len(), "row", "rows"),
                        rows.len() - ready
                    ));
                }
                Err(message) => {
                    table.set(None);
                    status.set(String::new());
                    error.set(Some(message));
                }
            }
        });
    };

    let start = move |_| {
        if matches!(phase.get_untracked(), Phase::Running { .. })
            || ready() == 0
            || !missing().is_empty()
        {
            return;
        }
        let rows = checked.get_untracked();
        let header =
            table.with_untracked(|t| t.as_ref().map(|t| t.header.clone()).unwrap_or_default());
        let mut outcomes: Vec<Outcome> = rows
            .iter()
            .map(|r| {
                if r.is_ready() {
                    Outcome::Pending
                } else {
                    Outcome::Skipped(r.reasons(&header))
                }
            })
            .collect();
        let mut batches = model::batches(&rows);
        let total = ready();
        let count = batches.len();
        let token = session.token();
        let import_id = api::new_idempotency_key();
        cancel.set(false);
        phase.set(Phase::Running {
            done: 0,
            total,
            batch: 1,
            batches: count,
        });
        status.set(format!(
            "Importing {} in {}…",
            plural(total, "call", "calls"),
            plural(count, "batch", "batches")
        ));
        leptos::task::spawn_local(async move {
            let mut stopped: Option<String> = None;
            let mut done = 0;
            'batches: for b in batches.iter_mut() {
                let mut tries = 0;
                loop {
                    if cancel.get_untracked() {
                        stopped = Some(format!("Cancelled before batch {} of {count}.", b.number));
                        break 'batches;
                    }
                    phase.set(Phase::Running {
                        done,
                        total,
                        batch: b.number,
                        batches: count,
                    });
                    tries += 1;
                    let body = b.body(&rows).to_string();
                    let answer = post_batch(&token, &body, &b.key(&import_id)).await;
                    let before = b.rows.len();
                    match model::apply(b, answer, tries, &mut outcomes) {
                        Next::Done => {
                            done += before;
                            break;
                        }
                        Next::Resend => {
                            done += before - b.rows.len();
                            tries = 0;
                        }
                        Next::Retry => sleep(500 << (tries - 1).min(4)).await,
                        Next::Stop(reason) => {
                            stopped = Some(reason);
                            break 'batches;
                        }
                    }
                }
                phase.set(Phase::Running {
                    done,
                    total,
                    batch: b.number,
                    batches: count,
                });
                status.set(format!(
                    "Imported batch {} of {count} ({done} of {total} rows done).",
                    b.number
                ));
            }
            if let Some(reason) = &stopped {
                model::not_imported(&mut outcomes, &format!("not stored: {reason}"));
            }
            let c = model::counts(&outcomes);
            status.set(match &stopped {
                Some(reason) => format!("{reason} {}", model::summary(c)),
                None => model::summary(c),
            });
            phase.set(Phase::Finished { outcomes, stopped });
            // Once the report is on the page: keyboard and screen reader users land on it.
            set_timeout(|| focus("import-report-title"), std::time::Duration::ZERO);
        });
    };

    let running = move || matches!(phase.get(), Phase::Running { .. });
    let progress = move || match phase.get() {
        Phase::Running {
            done,
            total,
            batch,
            batches,
        } => Some(view! {
            <div class="import-progress">
                <div class="bar" role="progressbar" aria-label="Import progress" aria-valuemin="0"
                    aria-valuemax=total.to_string() aria-valuenow=done.to_string()
                    aria-valuetext=format!("{done} of {total} rows, batch {batch} of {batches}")>
                    <span style:width=format!("{}%", (done * 100).checked_div(total).unwrap_or(0))></span>
                </div>
                <button type="button" on:click=move |_| {
                    cancel.set(true);
                    status.set("Cancelling after the batch being sent…".into());
                } disabled=move || cancel.get()>"Cancel"</button>
            </div>
        }),
        _ => None,
    };
    let report = move || match phase.get() {
        Phase::Finished { outcomes, stopped } => {
            let c: Counts = model::counts(&outcomes);
            let lines = table.with_untracked(|t| {
                t.as_ref()
                    .map(|t| t.rows.iter().map(|r| r.line).collect::<Vec<_>>())
                    .unwrap_or_default()
            });
            let not_stored: Vec<_> = lines
                .into_iter()
                .zip(outcomes.iter())
                .filter(|(_, o)| !matches!(o, Outcome::Imported(_)))
                .map(|(line, o)| view! { <tr><th scope="row" data-label="Row">{line}</th><td data-label="Status">{o.status()}</td><td data-label="Reason">{o.reason().to_owned()}</td></tr> })
                .collect();
            let any_left = !not_stored.is_empty();
            let report_csv = table.with_untracked(|t| {
                t.as_ref()
                    .map(|t| model::report_csv(t, &outcomes))
                    .unwrap_or_default()
            });
            let report_name = {
                let base = file_name.get_untracked();
                let base = base.strip_suffix(".csv").unwrap_or(&base).to_owned();
                format!(
                    "{}-import-report.csv",
                    if base.is_empty() {
                        "calls".into()
                    } else {
                        base
                    }
                )
            };
            Some(view! {
                <section class="import-report" aria-labelledby="import-report-title">
                    <h2 id="import-report-title" tabindex="-1">"Report"</h2>
                    {stopped.map(|s| view! { <p class="error-panel">{s}</p> })}
                    <dl class="import-totals">
                        <div><dt>"Imported"</dt><dd>{c.imported}</dd></div>
                        <div><dt>"Skipped"</dt><dd>{c.skipped}</dd></div>
                        <div><dt>"Not imported"</dt><dd>{c.not_imported}</dd></div>
                        <div><dt>"Unconfirmed"</dt><dd>{c.unconfirmed}</dd></div>
                    </dl>
                    <p>{model::summary(c)}</p>
                    <div class="actions">
                        <button type="button" class="button primary" on:click=move |_| download(&report_csv, &report_name)>"Download the report (CSV)"</button>
                        <a class="button" href="/">"Show the phone records"</a>
                    </div>
                    {any_left.then(|| view! {
                        <div class="table-wrap" tabindex="0" role="region" aria-label="Rows not imported">
                            <table class="records import-left">
                                <caption>"Rows not imported"</caption>
                                <thead><tr><th scope="col">"Row"</th><th scope="col">"Status"</th><th scope="col">"Reason"</th></tr></thead>
                                <tbody>{not_stored}</tbody>
                            </table>
                        </div>
                    })}
                </section>
            })
        }
        _ => None,
    };
    let import_label = move || {
        let n = ready();
        format!("Import {}", plural(n, "call", "calls"))
    };
    view! {
        <section class="import-page" aria-labelledby="import-title">
            <h1 id="import-title">"Import calls"</h1>
            <p class="subtitle">"From a CSV file whose first row names the columns: this app’s own export, or a phone system’s call log."</p>
            <div class="import-file">
                <label for="import-file">"CSV file"</label>
                <input type="file" id="import-file" accept=".csv,text/csv,text/plain" on:change=on_file disabled=running/>
                <label for="import-zone">"Times without a UTC offset are in"</label>
                <select id="import-zone" disabled=running on:change=move |ev| zone.set(if event_target_value(&ev) == "utc" { Zone::Utc } else { Zone::Local })>
                    <option value="local" selected=true>"this browser’s time zone"</option>
                    <option value="utc">"UTC"</option>
                </select>
            </div>
            {move || error.get().map(|e| view! { <p class="error-panel" role="alert">{e}</p> })}
            <p class="import-status" role="status" aria-live="polite">{move || status.get()}</p>
            {move || table.get().map(|t| view! {
                <ImportPreview table=Signal::derive(move || t.clone()) targets=targets checked=checked/>
                <div class="actions">
                    <button type="button" class="primary" on:click=start
                        disabled=move || running() || ready() == 0 || !missing().is_empty()
                        aria-describedby="import-why">{import_label}</button>
                    <span id="import-why" class="hint">{move || {
                        let m = missing();
                        if !m.is_empty() {
                            format!("Choose a column for: {}.", m.iter().map(|f| f.label()).collect::<Vec<_>>().join(", "))
                        } else {
                            "Rows with problems are skipped and listed in the report.".into()
                        }
                    }}</span>
                </div>
            })}
            {progress}
            {report}
        </section>
    }
}
