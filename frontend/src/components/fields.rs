//! The form's fields as components: each takes the field it edits (its
//! label and its path in the body come from `shared`'s `Field`, so the UI,
//! the API's messages and the server's 422 paths name it alike), the form's
//! state, and how to read and write its value.

use std::collections::BTreeSet;

use leptos::prelude::*;
use phonerecords_shared::Field;

use crate::form_model::{DurationUnit, Errors, FormValues};

/// The form's state, shared by its fields.
#[derive(Clone, Copy)]
pub struct FormState {
    pub values: RwSignal<FormValues>,
    pub touched: RwSignal<BTreeSet<String>>,
    pub submitted: RwSignal<bool>,
    pub client: Memo<Errors>,
    pub server: RwSignal<Errors>,
}

impl FormState {
    /// The message to show for a path: the server's, else ours once the
    /// person has left the field (or tried to save).
    pub fn error(&self, path: &str) -> Option<String> {
        if let Some(e) = self.server.with(|s| s.get(path).cloned()) {
            return Some(e);
        }
        let shown = self.submitted.get() || self.touched.with(|t| t.contains(path));
        if shown {
            self.client.with(|c| c.get(path).cloned())
        } else {
            None
        }
    }

    /// Changes the values; the server's problem with that path is gone.
    pub fn edit(&self, path: &str, f: impl FnOnce(&mut FormValues)) {
        self.values.update(f);
        self.server.update(|s| {
            s.remove(path);
        });
    }

    /// The person has left the field: its problems may show.
    pub fn touch(&self, path: &str) {
        self.touched.update(|t| {
            t.insert(path.to_owned());
        });
    }
}

/// The id of a field's error message, for `aria-describedby`.
pub fn error_id(id: &str) -> String {
    format!("{id}-error")
}

/// A field's error message, tied to its control by `aria-describedby`.
#[component]
pub fn ErrorLine(state: FormState, id: &'static str, #[prop(into)] path: String) -> impl IntoView {
    move || {
        state.error(&path).map(|message| {
            view! { <p class="field-error" id=error_id(id)>{message}</p> }
        })
    }
}

/// A label's text, with the required mark.
#[component]
pub fn LabelText(#[prop(into)] text: String, #[prop(optional)] required: bool) -> impl IntoView {
    view! {
        {text}
        {required.then(|| view! { <span class="required" aria-hidden="true">" *"</span> })}
    }
}

/// What a one-line input holds, for the keyboard a phone shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum InputKind {
    #[default]
    Text,
    Tel,
    /// Whole numbers (ids).
    Numeric,
}

impl InputKind {
    const fn attributes(self) -> (&'static str, &'static str) {
        match self {
            InputKind::Text => ("text", "text"),
            InputKind::Tel => ("tel", "tel"),
            InputKind::Numeric => ("text", "numeric"),
        }
    }
}

/// A one-line text input for a field.
#[component]
pub fn TextField(
    state: FormState,
    field: Field,
    /// The control's id (and name), unique on the page.
    id: &'static str,
    get: fn(&FormValues) -> &String,
    set: fn(&mut FormValues, String),
    #[prop(optional)] kind: InputKind,
    #[prop(optional)] required: bool,
    /// The id of a `<datalist>` of suggestions (still free text).
    #[prop(optional)]
    list: Option<&'static str>,
) -> impl IntoView {
    let (kind, inputmode) = kind.attributes();
    let path = field.path();
    let (p1, p2, p3, p4) = (path.clone(), path.clone(), path.clone(), path.clone());
    view! {
        <div class="field">
            <label for=id><LabelText text=field.label() required=required/></label>
            <input id=id name=id type=kind inputmode=inputmode list=list
                aria-required=required.to_string()
                aria-invalid=move || state.error(&p1).is_some().to_string()
                aria-describedby=move || state.error(&p2).map(|_| error_id(id))
                prop:value=move || state.values.with(|v| get(v).clone())
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    state.edit(&p3, |f| set(f, v));
                }
                on:blur=move |_| state.touch(&p4)/>
            <ErrorLine state=state id=id path=path/>
        </div>
    }
}

/// A multi-line text area for a field.
#[component]
pub fn TextAreaField(
    state: FormState,
    field: Field,
    id: &'static str,
    get: fn(&FormValues) -> &String,
    set: fn(&mut FormValues, String),
    #[prop(default = 6)] rows: u32,
) -> impl IntoView {
    let path = field.path();
    let (p1, p2, p3, p4) = (path.clone(), path.clone(), path.clone(), path.clone());
    view! {
        <div class="field">
            <label for=id>{field.label()}</label>
            <textarea id=id rows=rows
                aria-invalid=move || state.error(&p1).is_some().to_string()
                aria-describedby=move || state.error(&p2).map(|_| error_id(id))
                prop:value=move || state.values.with(|v| get(v).clone())
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    state.edit(&p3, |f| set(f, v));
                }
                on:blur=move |_| state.touch(&p4)></textarea>
            <ErrorLine state=state id=id path=path/>
        </div>
    }
}

/// The call's direction: two radio buttons, Incoming and Outgoing.
#[component]
pub fn DirectionField(state: FormState) -> impl IntoView {
    let path = Field::Direction.path();
    let options = ["in", "out"]
        .into_iter()
        .map(|d| {
            let label = if d == "in" { "Incoming" } else { "Outgoing" };
            let id = format!("direction-{d}");
            let path = path.clone();
            view! {
                <input type="radio" name="direction" id=id.clone() value=d
                    prop:checked=move || state.values.with(|v| v.direction == d)
                    on:change=move |_| state.edit(&path, |f| f.direction = d.to_owned())/>
                <label for=id>{label}</label>
            }
        })
        .collect_view();
    view! {
        <div class="field">
            <span class="label" id="direction-label"><LabelText text=Field::Direction.label() required=true/></span>
            <div class="segmented" role="radiogroup" aria-labelledby="direction-label">{options}</div>
            <ErrorLine state=state id="direction" path=path/>
        </div>
    }
}

/// When the call was: date, time and UTC offset, one field of the body
/// (`callTimestamp`). `on_date` hears of a changed date or time (a new call's
/// offset follows it); `on_offset` of an offset set by hand.
#[component]
pub fn WhenField(
    state: FormState,
    on_date: Callback<()>,
    on_offset: Callback<()>,
) -> impl IntoView {
    let path = Field::CallTimestamp.path();
    let p = move || path.clone();
    let (p1, p2, p3, p4, p5, p6, p7, p8) = (p(), p(), p(), p(), p(), p(), p(), p());
    view! {
        <div class="field when">
            <span class="label" id="when-label"><LabelText text=Field::CallTimestamp.label() required=true/></span>
            <div class="when-inputs" role="group" aria-labelledby="when-label">
                <label for="date" class="visually-hidden">"Date"</label>
                <input id="date" type="date"
                    aria-invalid=move || state.error(&p1).is_some().to_string()
                    aria-describedby=move || state.error(&p2).map(|_| error_id("when"))
                    prop:value=move || state.values.with(|v| v.date.clone())
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        state.edit(&p3, |f| f.date = v);
                        on_date.run(());
                    }
                    on:blur=move |_| state.touch(&p4)/>
                <label for="time" class="visually-hidden">"Time"</label>
                <input id="time" type="time" step="1"
                    prop:value=move || state.values.with(|v| v.time.clone())
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        state.edit(&p5, |f| f.time = v);
                        on_date.run(());
                    }
                    on:blur=move |_| state.touch(&p6)/>
                // Label and input wrap together: on a phone the label
                // would otherwise end the time's line and read as its label.
                <span class="offset-pair">
                <label for="offset">"UTC offset"</label>
                <input id="offset" type="text" class="offset" size="6" placeholder="+13:00"
                    prop:value=move || state.values.with(|v| v.offset.clone())
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        on_offset.run(());
                        state.edit(&p7, |f| f.offset = v);
                    }
                    on:blur=move |_| state.touch(&p8)/>
                </span>
            </div>
            <ErrorLine state=state id="when" path=Field::CallTimestamp.path()/>
        </div>
    }
}

/// How long the call took (`actualHours`): a number, in minutes or hours;
/// with `timer`, a call being recorded as it happens can be timed.
#[component]
pub fn DurationField(state: FormState, #[prop(optional)] timer: bool) -> impl IntoView {
    let path = Field::ActualHours.path();
    let p = move || path.clone();
    let (p1, p2, p3, p4, p5) = (p(), p(), p(), p(), p());
    let unit = move || state.values.with(|v| v.unit);
    view! {
        <div class="field">
            <label for="duration">{Field::ActualHours.label()}</label>
            <div class="duration">
                <input id="duration" type="text" inputmode="decimal"
                    aria-invalid=move || state.error(&p1).is_some().to_string()
                    aria-describedby=move || state.error(&p2).map(|_| error_id("duration"))
                    prop:value=move || state.values.with(|v| v.duration.clone())
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        state.edit(&p3, |f| f.duration = v);
                    }
                    on:blur=move |_| state.touch(&p4)/>
                <label for="unit" class="visually-hidden">"Duration unit"</label>
                <select id="unit" on:change=move |ev| {
                    let u = if event_target_value(&ev) == "hours" { DurationUnit::Hours } else { DurationUnit::Minutes };
                    state.edit(&p5, |f| f.unit = u);
                }>
                    <option value="minutes" selected=move || unit() == DurationUnit::Minutes>"minutes"</option>
                    <option value="hours" selected=move || unit() == DurationUnit::Hours>"hours"</option>
                </select>
                {timer.then(|| view! { <CallTimer state=state/> })}
            </div>
            <ErrorLine state=state id="duration" path=p()/>
        </div>
    }
}

/// "Start timer" when a call begins: its date and time become now, and the
/// time on the call counts up; "Stop timer" writes the minutes since into the
/// duration (a started minute counts). The start is one of the form's values,
/// so a running timer survives leaving the form and a reload (draft.rs); saving
/// stops it first (record_form.rs). One button, so the focus stays on it.
#[component]
fn CallTimer(state: FormState) -> impl IntoView {
    let started = Memo::new(move |_| state.values.with(|v| v.timer_started));
    let now = RwSignal::new(js_sys::Date::now());
    if let Ok(tick) = set_interval_with_handle(
        move || {
            if started.get_untracked().is_some() {
                now.set(js_sys::Date::now());
            }
        },
        std::time::Duration::from_millis(1000),
    ) {
        on_cleanup(move || tick.clear());
    }
    let toggle = move |_| {
        let at = js_sys::Date::now();
        now.set(at);
        state.values.update(|v| match v.timer_started {
            None => v.start_timer(at, crate::clock::now_local()),
            Some(_) => v.stop_timer(at),
        });
    };
    let elapsed = move || {
        started.get().map(|t| {
            let s = ((now.get() - t).max(0.0) / 1000.0) as u64;
            let text = format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
            view! { <span class="timer" role="timer" aria-label="Time on the call">{text}</span> }
        })
    };
    view! {
        <button type="button" class="timer-button" on:click=toggle>
            {move || if started.get().is_some() { "Stop timer" } else { "Start timer" }}
        </button>
        {elapsed}
    }
}
