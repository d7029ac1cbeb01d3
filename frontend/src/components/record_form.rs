//! The record form: pure — it validates as the person types and hands a body
//! to `on_submit`; the pages (record_pages.rs) send it and pass back the
//! server's problems. Its fields are the components of fields.rs.

use std::collections::BTreeSet;

use leptos::prelude::*;
use phonerecords_shared::Field;
use serde_json::Value;

use crate::clock;
use crate::components::fields::{
    DirectionField, DurationField, FormState, InputKind, TextAreaField, TextField, WhenField,
};
use crate::form_model::{Errors, FormValues};

/// The id of the outcome's `<datalist>`.
pub const OUTCOME_SUGGESTIONS: &str = "outcome-suggestions";

/// The record form. Pure: it validates and hands a body to `on_submit`; the
/// page sends it and passes back the server's problems in `server_errors`.
#[component]
pub fn RecordForm(
    initial: FormValues,
    is_new: bool,
    server_errors: RwSignal<Errors>,
    #[prop(into)] saving: Signal<bool>,
    on_submit: Callback<Value>,
    on_cancel: Callback<bool>,
    /// The form's values, when the page needs to see them (the edit page's
    /// conflict panel); set to `initial` by the page.
    #[prop(optional)]
    edited: Option<RwSignal<FormValues>>,
    /// Outcomes to suggest (most used first); the outcome stays free text.
    #[prop(optional, into)]
    outcomes: Option<Signal<Vec<String>>>,
    /// Shown under the phone number (a new call's last call with it).
    #[prop(optional, into)]
    after_number: Option<ViewFn>,
) -> impl IntoView {
    let values = edited.unwrap_or_else(|| RwSignal::new(initial.clone()));
    let original = initial.clone();
    // The body to send, or the browser's problems with it: computed once per
    // change. An edit sends only what the person changed from what was loaded.
    let checked = Memo::new(move |_| {
        values.with(|v| {
            if is_new {
                v.create_body()
            } else {
                v.changes_body(&original)
            }
        })
    });
    let client =
        Memo::new(move |_| checked.with(|r| r.as_ref().err().cloned().unwrap_or_default()));
    let state = FormState {
        values,
        touched: RwSignal::new(BTreeSet::new()),
        submitted: RwSignal::new(false),
        client,
        server: server_errors,
    };
    let dirty = Memo::new(move |_| values.with(|v| *v != initial));
    // A new call's offset follows its date (daylight saving) until the person sets it.
    let auto_offset = RwSignal::new(is_new);
    let follow_date = move || {
        if auto_offset.get_untracked() {
            values.update(|v| v.offset = clock::local_offset(&v.date, &v.time));
        }
    };
    // Leaving with unsaved changes asks first.
    let guard = window_event_listener(leptos::ev::beforeunload, move |ev| {
        if dirty.get_untracked() && !saving.get_untracked() {
            ev.prevent_default();
            ev.set_return_value("You have unsaved changes.");
        }
    });
    on_cleanup(move || guard.remove());

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        state.submitted.set(true);
        // A call still being timed ends now.
        if values.with_untracked(|v| v.timer_started.is_some()) {
            values.update(|v| v.stop_timer(js_sys::Date::now()));
        }
        match checked.get_untracked() {
            Ok(body) => on_submit.run(body),
            Err(_) => {
                // Take the person to the first problem, once the fields have
                // been marked (the DOM updates after this handler returns).
                request_animation_frame(|| {
                    if let Some(el) = document()
                        .query_selector("[aria-invalid=true]")
                        .ok()
                        .flatten()
                    {
                        use wasm_bindgen::JsCast;
                        if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                            let _ = el.focus();
                        }
                    }
                });
            }
        }
    };
    let problems = move || {
        // A field the browser and the server both fault is one problem (one message shows).
        let n = if state.submitted.get() {
            server_errors.with(|s| {
                client.with(|c| s.len() + c.keys().filter(|k| !s.contains_key(*k)).count())
            })
        } else {
            0
        };
        (n > 0).then(|| {
            let s = if n == 1 { "" } else { "s" };
            view! { <p class="form-summary" role="alert">{format!("Please correct the {n} problem{s} marked below.")}</p> }
        })
    };
    view! {
        <form class="record-form" novalidate=true on:submit=submit>
            {problems}
            <p class="hint"><span class="required" aria-hidden="true">"*"</span>" Required"</p>
            <fieldset class="group">
                <legend>"The call"</legend>
                <DirectionField state=state/>
                <WhenField state=state on_date=Callback::new(move |()| follow_date()) on_offset=Callback::new(move |()| auto_offset.set(false))/>
                <DurationField state=state timer=is_new/>
                <TextField state=state field=Field::Outcome id="outcome" get=|v| &v.outcome set=|v, s| v.outcome = s required=true
                    list=OUTCOME_SUGGESTIONS/>
                <datalist id=OUTCOME_SUGGESTIONS>
                    {move || outcomes.map(|o| o.get()).unwrap_or_default()
                        .into_iter()
                        .map(|text| view! { <option value=text/> })
                        .collect_view()}
                </datalist>
            </fieldset>
            <fieldset class="group">
                <legend>"Who"</legend>
                <TextField state=state field=Field::FromParticipantOther id="fromName" get=|v| &v.from_name set=|v, s| v.from_name = s/>
                <TextField state=state field=Field::ToParticipantOther id="toName" get=|v| &v.to_name set=|v, s| v.to_name = s/>
                <TextField state=state field=Field::PhoneNumber id="phoneNumber" get=|v| &v.phone_number set=|v, s| v.phone_number = s kind=InputKind::Tel/>
                {after_number.map(|v| v.run())}
                <TextField state=state field=Field::PhoneNumberType id="phoneNumberType" get=|v| &v.phone_number_type set=|v, s| v.phone_number_type = s/>
            </fieldset>
            <fieldset class="group">
                <legend>"Matter and participants"</legend>
                <TextField state=state field=Field::Action id="matter" get=|v| &v.matter set=|v, s| v.matter = s kind=InputKind::Numeric/>
                <TextField state=state field=Field::FromParticipant id="fromId" get=|v| &v.from_id set=|v, s| v.from_id = s kind=InputKind::Numeric/>
                <TextField state=state field=Field::ToParticipant id="toId" get=|v| &v.to_id set=|v, s| v.to_id = s kind=InputKind::Numeric/>
            </fieldset>
            <TextAreaField state=state field=Field::Notes id="notes"
                get=|v| &v.notes set=|v, s| v.notes = s/>
            <div class="actions">
                <button type="submit" class="primary" disabled=move || saving.get() aria-busy=move || saving.get().to_string()>
                    {move || if saving.get() { "Saving…" } else if is_new { "Record call" } else { "Save changes" }}
                </button>
                <button type="button" on:click=move |_| on_cancel.run(dirty.get_untracked())>"Cancel"</button>
            </div>
        </form>
    }
}
