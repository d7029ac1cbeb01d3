//! The form's fields as components: each takes the field it edits (its
//! label and its path in the body come from `shared`'s `Field`, so the UI,
//! the API's messages and the server's 422 paths name it alike), the form's
//! state, and how to read and write its value.

use std::collections::BTreeSet;

use leptos::prelude::*;
use phonerecords_shared::Field;

use crate::form_model::{Errors, FormValues};

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
