//! "Set matter…" for the calls selected on the list: one matter for all of
//! them (or none: "Remove their matter"), then a report naming each call
//! left as it was, and Undo. Each call is read for its version and changed
//! with `If-Match` only while its matter is as listed, four calls at a time
//! (matter_model.rs holds the rules and the words).

use std::cell::{Cell, RefCell};

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, Failure};
use crate::components::fetched;
use crate::matter_model::{self, Changed, Left, Step, Target};
use crate::session::{Session, use_session};

#[derive(Clone, Debug, PartialEq)]
enum Phase {
    Asking,
    Working {
        done: usize,
        total: usize,
        status: String,
    },
    /// The report; `changed` what an Undo would take back (none after one).
    Done {
        report: String,
        changed: Vec<Changed>,
    },
}

/// Which view the panel shows: it is rebuilt only when this changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    Asking,
    Working,
    Done,
}

impl Phase {
    fn stage(&self) -> Stage {
        match self {
            Phase::Asking => Stage::Asking,
            Phase::Working { .. } => Stage::Working,
            Phase::Done { .. } => Stage::Done,
        }
    }
}

/// The panel, from "Set matter…" of the selection bar until closed.
/// `on_changed` runs after a run or an Undo changed anything (the list
/// reloads, its selection clears).
#[component]
pub fn SetMatterPanel(
    calls: Vec<Target>,
    on_close: Callback<()>,
    on_changed: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    // Closing, the focus goes back to "Set matter…" (or, the selection
    // cleared by a run, to the page), never to nowhere.
    let close = move || {
        on_close.run(());
        let back = document()
            .query_selector(".bulk-bar .set-matter-open")
            .ok()
            .flatten()
            .or_else(|| document().get_element_by_id("main"));
        if let Some(el) = back {
            use wasm_bindgen::JsCast;
            let _ = el.unchecked_into::<web_sys::HtmlElement>().focus();
        }
    };
    let on_escape = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            close();
        }
    };
    let total = calls.len();
    let calls = StoredValue::new(calls);
    let value = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let phase = RwSignal::new(Phase::Asking);
    let stop = StoredValue::new(false);
    let input = NodeRef::<html::Input>::new();
    // The matters most used, offered as the field's suggestions (nothing
    // if they cannot be had: the field takes any number).
    let suggested = fetched(
        move || session.token(),
        |token: String| async move {
            let query = format!("groupBy=action&limit={MATTERS_SUGGESTED}");
            api::summary(&token, &query)
                .await
                .map(|s| matter_model::suggestions(&s.groups))
                .unwrap_or_default()
        },
    );
    let report = NodeRef::<html::P>::new();
    let stop_button = NodeRef::<html::Button>::new();
    Effect::new(move |_| {
        if let Some(el) = input.get() {
            let _ = el.focus();
        }
    });
    Effect::new(move |_| {
        if let Some(el) = report.get() {
            let _ = el.focus();
        }
    });
    // The form goes when a run starts: the focus moves to Stop, not nowhere.
    Effect::new(move |_| {
        if let Some(el) = stop_button.get() {
            let _ = el.focus();
        }
    });
    let progress = move |status: String| {
        move |done: usize| {
            phase.try_set(Phase::Working {
                done,
                total,
                status: status.clone(),
            });
        }
    };
    // The run: every call on matter `to` (`None`: on none).
    let run = move |to: Option<i64>| {
        error.set(None);
        stop.set_value(false);
        let targets = calls.get_value();
        let on = progress(match to {
            Some(m) => format!("Setting matter #{m}…"),
            None => "Removing the matter…".into(),
        });
        on(0);
        spawn_local(async move {
            let run = set_all(session, to, &targets, stop, on).await;
            if run.set > 0 {
                on_changed.try_run(());
            }
            phase.try_set(Phase::Done {
                report: matter_model::set_report(to, targets.len(), run.set, &run.left),
                changed: run.changed,
            });
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match matter_model::parse(&value.get_untracked()) {
            Ok(m) => run(Some(m)),
            Err(e) => error.set(Some(e)),
        }
    };
    let undo = move |changed: Vec<Changed>| {
        stop.set_value(false);
        let on = progress("Undoing…".into());
        on(0);
        spawn_local(async move {
            let run = undo_all(session, &changed, stop, on).await;
            if run.set > 0 {
                on_changed.try_run(());
            }
            phase.try_set(Phase::Done {
                report: matter_model::undo_report(changed.len(), run.set, &run.left),
                changed: Vec::new(),
            });
        });
    };
    let asking = move || {
        view! {
            <form class="set-matter" novalidate on:submit=submit on:keydown=on_escape>
                <label for="set-matter-input">
                    {if total == 1 { "Matter for the selected call".to_owned() } else { format!("Matter for the {total} selected calls") }}
                </label>
                <input id="set-matter-input" node_ref=input type="text" inputmode="numeric" autocomplete="off"
                    placeholder="e.g. 321845"
                    aria-invalid=move || error.with(Option::is_some).to_string()
                    aria-describedby="set-matter-error" list="set-matter-suggestions"
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))/>
                <datalist id="set-matter-suggestions">
                    {move || suggested.get().unwrap_or_default().into_iter()
                        .map(|(id, label)| view! { <option value=id.to_string() label=label></option> })
                        .collect_view()}
                </datalist>
                <button type="submit" class="button primary">"Set matter"</button>
                <button type="button" class="button" on:click=move |_| run(None)>
                    {if total == 1 { "Remove its matter" } else { "Remove their matter" }}
                </button>
                <button type="button" class="link" on:click=move |_| close()>"Cancel"</button>
                <p id="set-matter-error" class="field-error" role="alert">{move || error.get()}</p>
            </form>
        }
        .into_any()
    };
    // Rebuilt only when the stage changes: progress updates the running
    // view in place, so its Stop button keeps the focus it is given.
    let stage = Memo::new(move |_| phase.with(Phase::stage));
    let working = move || {
        let now = move || {
            phase.with(|p| match p {
                Phase::Working {
                    done,
                    total,
                    status,
                } => (*done, *total, status.clone()),
                _ => (0, 0, String::new()),
            })
        };
        view! {
            <div class="set-matter" role="status">
                <progress max=move || now().1.max(1) value=move || now().0 aria-label="Calls done"></progress>
                <span>{move || { let (done, total, status) = now(); format!("{status} {done} of {total}") }}</span>
                <button type="button" class="link" node_ref=stop_button on:click=move |_| stop.set_value(true)>"Stop"</button>
            </div>
        }
        .into_any()
    };
    let done = move || {
        let (text, changed) = phase.with_untracked(|p| match p {
            Phase::Done { report, changed } => (report.clone(), changed.clone()),
            _ => (String::new(), Vec::new()),
        });
        let can_undo = !changed.is_empty();
        let changed = StoredValue::new(changed);
        view! {
            <div class="set-matter done" on:keydown=on_escape>
                <p class="set-matter-report" role="status" tabindex="-1" node_ref=report>{text}</p>
                <Show when=move || can_undo>
                    <button type="button" class="button" on:click=move |_| undo(changed.get_value())>"Undo"</button>
                </Show>
                <button type="button" class="link" on:click=move |_| close()>"Close"</button>
            </div>
        }
        .into_any()
    };
    view! {
        {move || match stage.get() {
            Stage::Asking => asking(),
            Stage::Working => working(),
            Stage::Done => done(),
        }}
    }
}

/// How many of the most used matters the field suggests.
const MATTERS_SUGGESTED: u32 = 8;

/// Calls read and changed at a time: a run over a phone's slow round trips
/// takes a quarter of the time, well inside the API's rate limit.
const AT_ONCE: usize = 4;

/// What came of one call.
#[derive(Clone)]
enum Outcome {
    /// As asked; `Some`: changed by this run (what an Undo takes back).
    Done(Option<Changed>),
    Left(Left),
}

/// A failed request's outcome: the call's own (deleted, changed, refused),
/// or one that would fail every call (network, server, token) and stops the
/// run (`NotSent` with its reason).
fn failed(session: Session, failure: Failure) -> Outcome {
    session.check::<()>(&Err(failure.clone()));
    Outcome::Left(match failure {
        Failure::NotFound => Left::Deleted,
        Failure::Changed => Left::Changed,
        Failure::Invalid(_) => Left::Refused(failure.message()),
        Failure::Unauthorized | Failure::Other(_) => Left::NotSent(Some(failure.message())),
    })
}

/// What a run did: how many calls are as asked, what it changed (for Undo),
/// and each call left as it was, in the order given.
struct Run {
    set: usize,
    changed: Vec<Changed>,
    left: Vec<(String, Left)>,
}

/// `one` for each item, `AT_ONCE` at a time, in order of the items. Once one
/// is not sent for a reason (a failure not its own), or Stop is pressed, the
/// items not yet begun are not sent either.
async fn each<T: Named + Clone, F>(
    session: Session,
    items: &[T],
    stop: StoredValue<bool>,
    progress: impl Fn(usize),
    one: impl Fn(String, T) -> F,
) -> Run
where
    F: std::future::Future<Output = Outcome>,
{
    let token = session.token();
    let next = Cell::new(0);
    let done = Cell::new(0);
    let halted = RefCell::new(None::<String>);
    let outcomes = RefCell::new(vec![None::<Outcome>; items.len()]);
    let worker = || async {
        while next.get() < items.len() {
            let i = next.get();
            next.set(i + 1);
            let halt = halted.borrow().clone();
            let outcome = match halt {
                Some(why) => Outcome::Left(Left::NotSent(Some(why))),
                None if stop.get_value() => Outcome::Left(Left::NotSent(None)),
                None => one(token.clone(), items[i].clone()).await,
            };
            if let Outcome::Left(Left::NotSent(Some(why))) = &outcome {
                halted.borrow_mut().get_or_insert_with(|| why.clone());
            }
            outcomes.borrow_mut()[i] = Some(outcome);
            done.set(done.get() + 1);
            progress(done.get());
        }
    };
    futures_util::future::join_all((0..AT_ONCE).map(|_| worker())).await;
    let mut run = Run {
        set: 0,
        changed: Vec::new(),
        left: Vec::new(),
    };
    for (item, outcome) in items.iter().zip(outcomes.into_inner()) {
        match outcome {
            Some(Outcome::Done(changed)) => {
                run.set += 1;
                run.changed.extend(changed);
            }
            Some(Outcome::Left(why)) => run.left.push((item.what().to_owned(), why)),
            None => run.left.push((item.what().to_owned(), Left::NotSent(None))),
        }
    }
    run
}

/// Every call on matter `to`: each read for its version, and changed only
/// while its matter is as the list showed.
async fn set_all(
    session: Session,
    to: Option<i64>,
    targets: &[Target],
    stop: StoredValue<bool>,
    progress: impl Fn(usize),
) -> Run {
    each(session, targets, stop, progress, |token, t| async move {
        let now = match api::get(&token, t.id).await {
            Ok(now) => now,
            Err(f) => return failed(session, f),
        };
        match matter_model::step(t.listed, now.record.links.action, to) {
            Step::Already => Outcome::Done(None),
            Step::Moved => Outcome::Left(Left::Changed),
            Step::Send => {
                let body = matter_model::body(to);
                match api::update(&token, t.id, &body, now.etag.as_deref()).await {
                    Ok(saved) => Outcome::Done(Some(Changed {
                        id: t.id,
                        before: t.listed,
                        etag: saved.etag,
                        what: t.what,
                    })),
                    Err(f) => failed(session, f),
                }
            }
        }
    })
    .await
}

/// Each call back on its earlier matter, only at the version the change
/// gave it: a call edited since is left as it is now.
async fn undo_all(
    session: Session,
    changed: &[Changed],
    stop: StoredValue<bool>,
    progress: impl Fn(usize),
) -> Run {
    each(session, changed, stop, progress, |token, c| async move {
        // No version to hold it to: leave it rather than overwrite blindly.
        let Some(etag) = c.etag.as_deref() else {
            let why = "no version of the change to undo it at".to_owned();
            return Outcome::Left(Left::Refused(why));
        };
        match api::update(&token, c.id, &matter_model::body(c.before), Some(etag)).await {
            Ok(_) => Outcome::Done(None),
            Err(f) => failed(session, f),
        }
    })
    .await
}

/// A call a run goes over, as its report names it.
trait Named {
    fn what(&self) -> &str;
}

impl Named for Target {
    fn what(&self) -> &str {
        &self.what
    }
}

impl Named for Changed {
    fn what(&self) -> &str {
        &self.what
    }
}
