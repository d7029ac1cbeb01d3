//! The pages around the record form: recording a call, and correcting one
//! (with its conflict panel when someone else saved it meanwhile).

use leptos::prelude::*;
use phonerecords_shared::PhoneRecord;
use serde_json::Value;

use crate::api::{self, Failure, Versioned};
use crate::clock;
use crate::components::known_number::KnownNumber;
use crate::components::list::LastList;
use crate::components::record_form::RecordForm;
use crate::components::{fetched, retry_panel};
use crate::draft::{self, Resume};
use crate::form_model::{
    API_FIELDS, Errors, FieldChange, FormLink, FormValues, changed_fields, describe,
};
use crate::router::{Link, Page, id_in_path, use_router};
use crate::session::use_session;

/// Most outcomes suggested.
const OUTCOMES_SUGGESTED: u32 = 50;

/// The outcomes already used, most used first (the summary grouped by
/// outcome), for the form to suggest; none if they cannot be fetched.
fn outcome_suggestions() -> Signal<Vec<String>> {
    let session = use_session();
    let loaded = LocalResource::new(move || {
        let token = session.token();
        async move {
            api::summary(
                &token,
                &format!("groupBy=outcome&limit={OUTCOMES_SUGGESTED}"),
            )
            .await
            .map(|s| s.groups.iter().map(|g| g.key_text()).collect::<Vec<_>>())
            .unwrap_or_default()
        }
    });
    Signal::derive(move || loaded.get().unwrap_or_default())
}

/// Where to go after saving: the list as it was last seen.
fn back_to_list() -> impl Fn() + Clone {
    let router = use_router();
    let last = use_context::<LastList>();
    move || {
        let url = last
            .map(|l| l.0.get_untracked())
            .unwrap_or_else(|| "/".into());
        router.navigate(&url);
    }
}

/// "Cancel": asks first when it drops changes, which `discard` then forgets.
fn cancel_callback(discard: impl Fn() + Send + Sync + 'static) -> Callback<bool> {
    let back = back_to_list();
    Callback::new(move |dirty: bool| {
        let leave = !dirty
            || window()
                .confirm_with_message("Discard your unsaved changes?")
                .unwrap_or(false);
        if leave {
            discard();
            back();
        }
    })
}

/// Says that a form holds what was typed into it before (draft.rs), not yet
/// saved, and offers to start again without it.
fn restored_notice(text: String, discard: Callback<()>) -> impl IntoView {
    view! {
        <div class="draft-notice" role="status">
            <p>
                {text}
                " "
                <button type="button" class="link" on:click=move |_| discard.run(())>"Discard"</button>
            </p>
        </div>
    }
}

/// The server's 422 problems by field; the rest as one message.
fn split_failure(failure: &Failure) -> (Errors, Option<String>) {
    match failure {
        Failure::Invalid(errors) => {
            let mut by_path = Errors::new();
            let mut other = Vec::new();
            for e in errors {
                match e.path.as_deref() {
                    Some(p) if !p.is_empty() => {
                        by_path
                            .entry(p.to_owned())
                            .or_insert_with(|| e.detail.clone());
                    }
                    _ => other.push(e.detail.clone()),
                }
            }
            (by_path, (!other.is_empty()).then(|| other.join("; ")))
        }
        f => (Errors::new(), Some(f.message())),
    }
}

/// What a save that found the browser offline says.
const OFFLINE: &str = "You are offline, so nothing was sent. It stays on this page and is sent as soon as the connection is back.";

/// A save's failure: the server's problems next to their fields, the rest
/// above the form. With no answer and the browser offline, nothing reached
/// the server: the form waits for the connection (`resend_when_online`).
fn show_failure(f: &Failure, server_errors: RwSignal<Errors>, failure: RwSignal<Option<String>>) {
    if matches!(f, Failure::Other(_)) && !online() {
        failure.set(Some(OFFLINE.into()));
        return;
    }
    let (by_path, other) = split_failure(f);
    server_errors.set(by_path);
    failure.set(other);
}

/// Back online after a save found the browser offline: the form is sent
/// again as it is now, as if its button were pressed (a new call with the
/// same body keeps its Idempotency-Key; an edit its If-Match, so a call
/// changed meanwhile meets the conflict panel, never an overwrite).
fn resend_when_online(failure: RwSignal<Option<String>>) {
    let resend = window_event_listener_untyped("online", move |_| {
        if failure.get_untracked().as_deref() == Some(OFFLINE) {
            resubmit_form();
        }
    });
    on_cleanup(move || resend.remove());
}

/// Whether the browser has a network connection (`false` is certain; `true`
/// may be wrong, as a failed request then says).
fn online() -> bool {
    window().navigator().on_line()
}

/// Sends the page's form again, as if its submit button were pressed: with
/// its values now, checked again.
fn resubmit_form() {
    use wasm_bindgen::JsCast;
    if let Some(form) = document()
        .query_selector("form.record-form")
        .ok()
        .flatten()
        .and_then(|f| f.dyn_into::<web_sys::HtmlFormElement>().ok())
    {
        let _ = form.request_submit();
    }
}

/// A save: sends the body with the session's token, then announces
/// "{verb} the call …" and returns to the list, or puts the server's problems
/// next to their fields. Gives the form its submit callback and whether a
/// save is in flight.
fn save_action<Fut>(
    verb: &'static str,
    server_errors: RwSignal<Errors>,
    failure: RwSignal<Option<String>>,
    send: impl Fn(String, Value) -> Fut + 'static,
    saved: impl Fn() + 'static,
) -> (Callback<Value>, Signal<bool>)
where
    Fut: std::future::Future<Output = Result<PhoneRecord, Failure>> + 'static,
{
    let session = use_session();
    let back = back_to_list();
    let save = Action::new_local(move |body: &Value| send(session.token(), body.clone()));
    Effect::new(move |_| {
        if let Some(result) = save.value().get() {
            session.check(&result);
            match result {
                Ok(record) => {
                    saved();
                    session.notice.set(Some(format!(
                        "{verb} {}.",
                        describe(&record, &clock::local_day(&record.call_timestamp))
                    )));
                    back();
                }
                Err(f) => show_failure(&f, server_errors, failure),
            }
        }
    });
    resend_when_online(failure);
    let submit = Callback::new(move |body: Value| {
        failure.set(None);
        save.dispatch_local(body);
    });
    (submit, save.pending().into())
}

#[component]
pub fn NewRecordPage() -> impl IntoView {
    let router = use_router();
    let server_errors = RwSignal::new(Errors::new());
    let failure = RwSignal::new(None::<String>);
    // One Idempotency-Key per submission of the form: the same body sent again
    // (a double click, a retry after a network error) goes with the same key,
    // so the server records the call once; a changed body gets a new key.
    // The key goes into the form's draft too: sent again after a reload, the
    // same body still goes with the same key.
    let last_key = StoredValue::new_local(None::<(Value, String)>);
    // The form on screen: its address (its draft's), its values, and what it
    // started from.
    let form = StoredValue::new_local(None::<(String, RwSignal<FormValues>, FormValues)>);
    let keep_draft = move || {
        form.with_value(|f| {
            let Some((at, values, initial)) = f else {
                return;
            };
            values.with_untracked(|v| draft::keep(at, v, initial, None, last_key.get_value()))
        })
    };
    let forget_draft = move || form.with_value(|f| f.as_ref().map(|(at, ..)| draft::remove(at)));
    let send = move |token: String, body: Value| {
        let key = last_key.with_value(|k| match k {
            Some((sent, key)) if *sent == body => Some(key.clone()),
            _ => None,
        });
        let key = key.unwrap_or_else(|| {
            let key = api::new_idempotency_key();
            last_key.set_value(Some((body.clone(), key.clone())));
            keep_draft();
            key
        });
        async move { api::create(&token, &body, &key).await }
    };
    let (submit, saving) = save_action("Recorded", server_errors, failure, send, move || {
        forget_draft();
    });
    let on_cancel = cancel_callback(move || {
        forget_draft();
    });
    let outcomes = outcome_suggestions();
    let restored = RwSignal::new(None::<f64>);
    // A link may fill some fields (`/calls/new?matter=42`), name the call
    // it follows up and time the call (`FormLink`); another such link
    // followed from here starts the form again from it. Read only while this
    // page is shown: leaving it must not build a form on the way out.
    let page = router.page();
    let link = Memo::new(
        move |before: Option<&FormLink>| match (page.get(), before) {
            (Page::New, _) | (_, None) => router.with_query(FormLink::read),
            (_, Some(before)) => before.clone(),
        },
    );
    // The call a follow-up's link names, fetched to name it above the form
    // with a link back; nothing if it cannot be. The form does not wait for
    // it (`fetched`, not a resource under the page's Suspense).
    let session = use_session();
    let follows = fetched(
        move || (link.with(|l| l.follows), session.token()),
        |(id, token): (Option<i64>, String)| async move {
            match id {
                Some(id) => api::get(&token, id).await.ok().map(|v| v.record),
                None => None,
            }
        },
    );
    // A form started again starts clean: no problems of the last one's save.
    Effect::watch(
        move || link.track(),
        move |_, _, _| {
            server_errors.set(Errors::new());
            failure.set(None);
        },
        false,
    );
    let discard = Callback::new(move |()| {
        forget_draft();
        last_key.set_value(None);
        restored.set(None);
        form.with_value(|f| {
            if let Some((_, values, initial)) = f {
                values.set(initial.clone());
            }
        });
    });
    view! {
        <section class="form-page" aria-labelledby="form-title">
            <h1 id="form-title">"Record a call"</h1>
            {move || follows.get().flatten().map(|r| view! {
                <p class="subtitle follows">
                    "Following up "
                    <Link href=format!("/calls/{}", r.id)>{describe(&r, &clock::local_day(&r.call_timestamp))}</Link>
                    "."
                </p>
            })}
            {move || restored.get().map(|at| restored_notice(format!("Your call from {} is back, not recorded yet.", clock::recent_display(at)), discard))}
            {move || {
                // Calls left unrecorded on other links' forms: a way back to each.
                link.track();
                draft::other_new_calls(&router.href_untracked())
                    .into_iter()
                    .map(|(href, at)| view! {
                        <p class="draft-notice" role="status">
                            {format!("You also have an unsaved call from {}. ", clock::recent_display(at))}
                            <Link href=href>"Continue it"</Link>
                        </p>
                    })
                    .collect_view()
            }}
            {move || failure.get().map(|m| view! { <p class="error-panel" role="alert">{m}</p> })}
            {move || {
                let (date, time, offset) = clock::now_local();
                let FormLink { values, timed, .. } = link.get();
                let initial = FormValues {
                    date,
                    time,
                    offset,
                    ..values
                };
                // What was typed here before and not recorded comes back.
                let at = router.href_untracked();
                let kept = draft::load(&at);
                restored.set(kept.as_ref().map(|d| d.saved_at));
                last_key.set_value(kept.as_ref().and_then(|d| d.sent.clone()));
                // A call being made now (the call page's "Call back") is timed from the start.
                let values = RwSignal::new(kept.map_or_else(
                    || {
                        let mut v = initial.clone();
                        if timed {
                            v.start_timer(js_sys::Date::now(), clock::now_local());
                        }
                        v
                    },
                    |d| d.values,
                ));
                form.set_value(Some((at, values, initial.clone())));
                Effect::new(move |_| {
                    values.track();
                    keep_draft();
                });
                let follows = link.with_untracked(|l| l.follows);
                view! {
                    <RecordForm
                        initial=initial
                        is_new=true
                        server_errors=server_errors
                        saving=saving
                        on_submit=submit
                        on_cancel=on_cancel
                        edited=values
                        outcomes=outcomes
                        after_number=move || view! { <KnownNumber values=values follows=follows/> }/>
                }
            }}
        </section>
    }
}

/// The record the path's `:id` names, loaded again whenever `retry` changes;
/// a path id that is not a number is "not found".
pub(crate) fn record_in_path(retry: RwSignal<u32>) -> LocalResource<Result<Versioned, Failure>> {
    let session = use_session();
    let path = use_router().path();
    let id = Memo::new(move |_| path.with(|p| id_in_path(p)));
    LocalResource::new(move || {
        let id = id.get();
        retry.track();
        let token = session.token();
        async move {
            let result = match id {
                Some(id) => api::get(&token, id).await,
                None => Err(Failure::NotFound),
            };
            session.check(&result);
            result
        }
    })
}

#[component]
pub fn EditRecordPage() -> impl IntoView {
    let retry = RwSignal::new(0u32);
    let record = record_in_path(retry);
    view! {
        <section class="form-page" aria-labelledby="form-title">
            <h1 id="form-title">"Phone record"</h1>
            {move || match record.get() {
                None => view! { <p class="loading" role="status">"Loading…"</p> }.into_any(),
                Some(Err(Failure::NotFound)) => view! {
                    <div class="error-panel" role="alert">
                        <p>{Failure::NotFound.message()}</p>
                        <a href="/">"Back to the list"</a>
                    </div>
                }
                .into_any(),
                Some(Err(f)) => retry_panel(f.message(), retry).into_any(),
                Some(Ok(v)) => view! {
                    <EditRecord record=v.record etag=v.etag reload=Callback::new(move |()| retry.update(|n| *n += 1))/>
                }
                .into_any(),
            }}
        </section>
    }
}

/// Why a conditional save or delete was not done.
#[derive(Clone)]
enum Refused {
    /// Someone changed the record since this page loaded it: it is now this.
    Changed(Versioned),
    Failed(Failure),
}

/// A PUT or DELETE with If-Match; on 412, the record as it is now.
async fn conditional<T>(
    token: &str,
    id: i64,
    write: impl std::future::Future<Output = Result<T, Failure>>,
) -> Result<T, Refused> {
    match write.await {
        Ok(done) => Ok(done),
        Err(Failure::Changed) => match api::get(token, id).await {
            Ok(now) => Err(Refused::Changed(now)),
            Err(f) => Err(Refused::Failed(f)),
        },
        Err(f) => Err(Refused::Failed(f)),
    }
}

/// A save refused because someone else changed the call: what they changed
/// and what this person changed, each against what the page loaded.
#[derive(Clone)]
struct Conflict {
    now: Versioned,
    theirs: Vec<FieldChange>,
    mine: Vec<FieldChange>,
}

/// The conflict panel: field by field, the value this page loaded, theirs
/// now, and this person's edit; "Save mine on top" and "Use theirs".
fn conflict_panel(c: Conflict, save_mine: Callback<()>, use_theirs: Callback<()>) -> impl IntoView {
    let mut paths: Vec<&'static str> = Vec::new();
    for f in API_FIELDS.iter() {
        if c.theirs.iter().chain(&c.mine).any(|x| x.path == f.path) {
            paths.push(f.path);
        }
    }
    let shown = |v: &str| {
        if v.trim().is_empty() {
            "(empty)".to_owned()
        } else {
            v.to_owned()
        }
    };
    let rows = paths
        .into_iter()
        .map(|path| {
            let theirs = c.theirs.iter().find(|x| x.path == path);
            let mine = c.mine.iter().find(|x| x.path == path);
            let any = theirs.or(mine).cloned().expect("a listed field changed");
            let both = theirs.is_some() && mine.is_some();
            view! {
                <tr class:both=both data-field=path>
                    <th scope="row">{any.label}</th>
                    <td>{shown(&any.before)}</td>
                    <td class="theirs">{theirs.map(|t| shown(&t.after)).unwrap_or_else(|| "unchanged".into())}</td>
                    <td class="mine">{mine.map(|m| shown(&m.after)).unwrap_or_else(|| "not edited".into())}</td>
                </tr>
            }
        })
        .collect_view();
    let n = c.theirs.len();
    let summary = if n == 0 {
        "Someone else saved this call while you were editing it (no field you can see changed)."
            .to_owned()
    } else {
        format!(
            "Someone else changed this call while you were editing it: {} field{} changed. Your edits are not saved yet and are still in the form.",
            n,
            if n == 1 { "" } else { "s" }
        )
    };
    view! {
        <div class="conflict-panel" role="alert" aria-labelledby="conflict-title" aria-describedby="conflict-summary">
            <h2 id="conflict-title">"This call was changed by someone else"</h2>
            <p id="conflict-summary">{summary}</p>
            <table class="conflict-table">
                <thead>
                    <tr>
                        <th scope="col">"Field"</th>
                        <th scope="col">"When you opened it"</th>
                        <th scope="col">"Their version now"</th>
                        <th scope="col">"Your edit"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            <div class="actions">
                <button type="button" class="primary" on:click=move |_| save_mine.run(())>"Save mine on top"</button>
                <button type="button" on:click=move |_| use_theirs.run(())>"Use theirs"</button>
            </div>
        </div>
    }
}

#[component]
fn EditRecord(record: PhoneRecord, etag: Option<String>, reload: Callback<()>) -> impl IntoView {
    let session = use_session();
    let back = back_to_list();
    let id = record.id;
    let current = FormValues::from_record(&record);
    // Edits typed here before and not saved come back (draft.rs): on the
    // version they were made on, so that a save shows what changed since.
    let at = StoredValue::new(use_router().href_untracked());
    let kept = at.with_value(|at| draft::load(at));
    let saved_at = kept.as_ref().map(|d| d.saved_at);
    let (loaded, base_etag, edits, changed) = match draft::resume_edit(kept, &current, &etag) {
        Resume::Fresh => (current.clone(), etag.clone(), current.clone(), false),
        Resume::Edits(values) => (current.clone(), etag.clone(), values, false),
        Resume::Changed { base, etag, values } => (base, etag, values, true),
    };
    let restored = RwSignal::new(saved_at.filter(|_| edits != loaded));
    let edited = RwSignal::new(edits);
    // The version this page's edits are based on (sent as If-Match).
    let etag_now = etag;
    let etag = StoredValue::new(base_etag);
    let server_errors = RwSignal::new(Errors::new());
    let failure = RwSignal::new(None::<String>);
    // Restored edits on a call someone has changed since: the panel at once.
    let conflict = RwSignal::new(changed.then(|| Conflict {
        theirs: changed_fields(&loaded, &current),
        mine: edited.with_untracked(|e| changed_fields(&loaded, e)),
        now: Versioned {
            record: record.clone(),
            etag: etag_now,
        },
    }));
    let loaded_for_draft = loaded.clone();
    Effect::new(move |_| {
        edited.with(|v| {
            at.with_value(|at| {
                let base = Some((loaded_for_draft.clone(), etag.get_value()));
                draft::keep(at, v, &loaded_for_draft, base, None)
            })
        })
    });
    let forget_draft = move || at.with_value(|at| draft::remove(at));
    let save = Action::new_local(move |(body, tag): &(Value, Option<String>)| {
        let token = session.token();
        let (body, tag) = (body.clone(), tag.clone());
        async move {
            conditional(&token, id, api::update(&token, id, &body, tag.as_deref()))
                .await
                .map(|saved| saved.record)
        }
    });
    let saved_back = back.clone();
    let loaded_for_conflict = loaded.clone();
    Effect::new(move |_| {
        let Some(result) = save.value().get() else {
            return;
        };
        match result {
            Ok(record) => {
                forget_draft();
                session.notice.set(Some(format!(
                    "Saved changes to {}.",
                    describe(&record, &clock::local_day(&record.call_timestamp))
                )));
                saved_back();
            }
            Err(Refused::Changed(now)) => {
                let theirs_now = FormValues::from_record(&now.record);
                let mine = edited.with_untracked(|e| changed_fields(&loaded_for_conflict, e));
                conflict.set(Some(Conflict {
                    theirs: changed_fields(&loaded_for_conflict, &theirs_now),
                    mine,
                    now,
                }));
            }
            Err(Refused::Failed(f)) => {
                session.check(&Err::<(), _>(f.clone()));
                show_failure(&f, server_errors, failure);
            }
        }
    });
    resend_when_online(failure);
    let submit = Callback::new(move |body: Value| {
        failure.set(None);
        conflict.set(None);
        save.dispatch_local((body, etag.get_value()));
    });
    let loaded_for_mine = loaded.clone();
    // "Save mine on top": only this person's changed fields, on their version.
    let save_mine = Callback::new(move |()| {
        let Some(c) = conflict.get_untracked() else {
            return;
        };
        match edited.with_untracked(|e| e.changes_body(&loaded_for_mine)) {
            Ok(body) => {
                failure.set(None);
                conflict.set(None);
                save.dispatch_local((body, c.now.etag.clone()));
            }
            Err(_) => failure.set(Some(
                "Please correct the problems marked in the form first.".into(),
            )),
        }
    });
    // "Use theirs": reload the record (asking first when it drops edits).
    let use_theirs = Callback::new(move |()| {
        let has_edits = conflict.with_untracked(|c| c.as_ref().is_some_and(|c| !c.mine.is_empty()));
        let go = !has_edits
            || window()
                .confirm_with_message("Discard your edits and load their version of the call?")
                .unwrap_or(false);
        if go {
            forget_draft();
            reload.run(());
        }
    });
    // "Discard" on the restored edits: the call as it is now.
    let discard = Callback::new(move |()| {
        forget_draft();
        reload.run(());
    });
    let saving: Signal<bool> = save.pending().into();

    view! {
        <p class="subtitle">{format!("Recorded as {} · id {}", record.call_timestamp.as_str(), record.id)}</p>
        {move || restored.get().map(|at| restored_notice(format!("Your edits from {} are back, not saved yet.", clock::recent_display(at)), discard))}
        {move || failure.get().map(|m| view! { <p class="error-panel" role="alert">{m}</p> })}
        {move || conflict.get().map(|c| conflict_panel(c, save_mine, use_theirs))}
        <RecordForm
            initial=loaded.clone()
            is_new=false
            server_errors=server_errors
            saving=saving
            on_submit=submit
            on_cancel=cancel_callback(forget_draft)
            edited=edited
            outcomes=outcome_suggestions()/>
        <DeleteCall record=record.clone() etag=etag.get_value()/>
    }
}

/// "Delete this record": undoable, like the list's deletes. The call is
/// hidden at once and the page returns to the list, where the notice offers
/// Undo; the `DELETE` (with `If-Match`: the version this page showed) goes
/// when the undo window passes. If someone changed the call meanwhile (412),
/// it is not deleted, comes back, and the notice says what changed.
#[component]
pub(crate) fn DeleteCall(record: PhoneRecord, etag: Option<String>) -> impl IntoView {
    let deletes = crate::components::undo::use_deletes();
    let back = back_to_list();
    let record = StoredValue::new(record);
    let etag = StoredValue::new(etag);
    view! {
        <div class="danger-zone">
            <button type="button" class="danger" on:click=move |_| {
                record.with_value(|r| deletes.delete_one(r, etag.get_value()));
                back();
            }>"Delete this record"</button>
        </div>
    }
}
