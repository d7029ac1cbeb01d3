//! Unsaved forms, kept while the tab lives. A call being recorded or
//! corrected survives leaving its page within the app, a reload, the phone's
//! browser discarding the tab in the background, and a refused token (sign in
//! again and it is there). Kept in the tab's session storage beside the token
//! (session.rs), never sent anywhere; signing out forgets every draft.
//!
//! A draft belongs to its form's address (`/calls/new?matter=5`,
//! `/calls/7/edit`): the same link, the back button or a reload find it.

use serde_json::{Value, json};

use crate::form_model::FormValues;

const PREFIX: &str = "phonerecords.draft:";

#[derive(Clone, Debug, PartialEq)]
pub struct Draft {
    pub values: FormValues,
    /// When it was last written (ms since 1970), to say how old it is.
    pub saved_at: f64,
    /// A correction's starting point: the call as its page loaded it and that
    /// version's ETag. The edits are against these.
    pub base: Option<(FormValues, Option<String>)>,
    /// A new call's last submission: the body sent and its Idempotency-Key,
    /// so that sending it again after a reload cannot record the call twice.
    pub sent: Option<(Value, String)>,
}

impl Draft {
    /// A stored draft; `None` for one this version of the app cannot read.
    pub fn from_json(text: &str) -> Option<Draft> {
        let v: Value = serde_json::from_str(text).ok()?;
        let base = match v.get("base") {
            Some(Value::Null) | None => None,
            Some(b) => Some((
                FormValues::from_json(b.get("values")?)?,
                b.get("etag").and_then(Value::as_str).map(str::to_owned),
            )),
        };
        let sent = match v.get("sent") {
            Some(Value::Null) | None => None,
            Some(s) => Some((s.get("body")?.clone(), s.get("key")?.as_str()?.to_owned())),
        };
        Some(Draft {
            values: FormValues::from_json(v.get("values")?)?,
            saved_at: v.get("savedAt")?.as_f64()?,
            base,
            sent,
        })
    }

    pub fn to_json(&self) -> String {
        let base = self
            .base
            .as_ref()
            .map(|(values, etag)| json!({"values": values.to_json(), "etag": etag}));
        let sent = self
            .sent
            .as_ref()
            .map(|(body, key)| json!({"body": body, "key": key}));
        json!({"values": self.values.to_json(), "savedAt": self.saved_at, "base": base, "sent": sent})
            .to_string()
    }
}

/// How a correction's page starts, given its draft.
#[derive(Clone, Debug, PartialEq)]
pub enum Resume {
    /// No draft, or one without edits: the call as loaded.
    Fresh,
    /// Edits made on the call as it still is: they go back into the form.
    Edits(FormValues),
    /// Someone saved the call since the edits were made: the edits, on the
    /// version they were made on (`base`, `etag`), so that the page shows
    /// what changed and a save cannot overwrite it unseen.
    Changed {
        base: FormValues,
        etag: Option<String>,
        values: FormValues,
    },
}

/// Resumes a correction from its draft, the call being `loaded` at `etag`.
/// A changed version whose fields read as they did (nothing the form shows
/// changed) takes the edits as they are.
pub fn resume_edit(draft: Option<Draft>, loaded: &FormValues, etag: &Option<String>) -> Resume {
    let Some(Draft {
        values,
        base: Some((base, base_etag)),
        ..
    }) = draft
    else {
        return Resume::Fresh;
    };
    if values == base {
        Resume::Fresh
    } else if base_etag == *etag || base == *loaded {
        Resume::Edits(values)
    } else {
        Resume::Changed {
            base,
            etag: base_etag,
            values,
        }
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

/// The draft of the form at `at`, if any (one that no longer reads is dropped).
pub fn load(at: &str) -> Option<Draft> {
    let s = storage()?;
    let key = format!("{PREFIX}{at}");
    let text = s.get_item(&key).ok()??;
    let draft = Draft::from_json(&text);
    if draft.is_none() {
        let _ = s.remove_item(&key);
    }
    draft
}

/// Keeps `draft` as the form at `at`'s (a full storage keeps the last one).
fn store(at: &str, draft: &Draft) {
    if let Some(s) = storage() {
        let _ = s.set_item(&format!("{PREFIX}{at}"), &draft.to_json());
    }
}

/// Keeps what the form at `at` holds (`values`) as its draft, or forgets its
/// draft when it holds what it started with (`started`).
pub fn keep(
    at: &str,
    values: &FormValues,
    started: &FormValues,
    base: Option<(FormValues, Option<String>)>,
    sent: Option<(Value, String)>,
) {
    if values == started {
        remove(at);
    } else {
        store(
            at,
            &Draft {
                values: values.clone(),
                saved_at: js_sys::Date::now(),
                base,
                sent,
            },
        );
    }
}

pub fn remove(at: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(&format!("{PREFIX}{at}"));
    }
}

/// Forgets the edits kept for a call that has been deleted: there is
/// nothing left to apply them to.
pub fn forget_call(id: i64) {
    let edit = format!("/calls/{id}/edit");
    // Collected first: removing while reading by index would skip keys.
    let gone: Vec<String> = addresses().filter(|at| path(at) == edit).collect();
    gone.iter().for_each(|at| remove(at));
}

/// A form's address without its query (the page it is).
fn path(at: &str) -> &str {
    at.split(['?', '#']).next().unwrap_or("")
}

/// The addresses of the forms that have drafts.
fn addresses() -> impl Iterator<Item = String> {
    let s = storage();
    let n = s.as_ref().and_then(|s| s.length().ok()).unwrap_or(0);
    (0..n).filter_map(move |i| {
        let key = s.as_ref()?.key(i).ok().flatten()?;
        key.strip_prefix(PREFIX).map(str::to_owned)
    })
}

/// The new calls' drafts other than the one at `at`: (address, when last written).
pub fn other_new_calls(at: &str) -> Vec<(String, f64)> {
    let mut found: Vec<(String, f64)> = addresses()
        .filter(|here| path(here) == "/calls/new" && here != at)
        .filter_map(|here| load(&here).map(|d| (here, d.saved_at)))
        .collect();
    found.sort_by(|a, b| b.1.total_cmp(&a.1));
    found
}

/// When the edits kept for the call at `edit_at` were last written, if any.
pub fn edits_saved_at(edit_at: &str) -> Option<f64> {
    load(edit_at)
        .filter(|d| d.base.as_ref().is_some_and(|(base, _)| *base != d.values))
        .map(|d| d.saved_at)
}

/// Whether any form has a draft.
pub fn any() -> bool {
    addresses().next().is_some()
}

/// Forgets every draft (signing out).
pub fn forget_all() {
    // Collected first: removing while reading by index would skip keys.
    for at in addresses().collect::<Vec<_>>() {
        remove(&at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_forms_page_is_its_address_without_the_query() {
        assert_eq!(path("/calls/7/edit"), "/calls/7/edit");
        assert_eq!(path("/calls/7/edit?x=1"), "/calls/7/edit");
        assert_eq!(path("/calls/new?followUp=7#top"), "/calls/new");
        assert_ne!(path("/calls/70/edit"), "/calls/7/edit");
    }

    fn form(notes: &str) -> FormValues {
        FormValues {
            notes: notes.into(),
            outcome: "Left a message".into(),
            ..FormValues::new_call("2026-12-04".into(), "10:42".into(), "+13:00".into())
        }
    }

    fn edit_draft(values: FormValues, base: FormValues, etag: &str) -> Draft {
        Draft {
            values,
            saved_at: 1.0,
            base: Some((base, Some(etag.into()))),
            sent: None,
        }
    }

    #[test]
    fn a_draft_reads_back_as_written_and_one_that_does_not_read_is_none() {
        let d = Draft {
            values: form("Asked for the file"),
            saved_at: 1_764_800_000_000.0,
            base: None,
            sent: Some((json!({"outcome": "Left a message"}), "key-1".into())),
        };
        assert_eq!(Draft::from_json(&d.to_json()), Some(d.clone()));
        let in_hours = FormValues {
            duration: "1.5".into(),
            unit: crate::form_model::DurationUnit::Hours,
            ..form("b")
        };
        let edit = edit_draft(in_hours, form("a"), "\"7-2\"");
        assert_eq!(Draft::from_json(&edit.to_json()), Some(edit.clone()));
        // A draft written by an app that knew other fields does not read.
        let older = edit
            .to_json()
            .replace("\"phoneNumberType\"", "\"numberKind\"");
        assert_eq!(Draft::from_json(&older), None);
        assert_eq!(Draft::from_json("{\"values\": 3}"), None);
        assert_eq!(Draft::from_json("not json"), None);
    }

    #[test]
    fn a_correction_resumes_on_the_version_its_edits_were_made_on() {
        let (loaded, etag) = (form("as saved"), Some("\"7-2\"".to_owned()));
        assert_eq!(resume_edit(None, &loaded, &etag), Resume::Fresh);
        // No edits in the draft.
        let same = edit_draft(form("as saved"), form("as saved"), "\"7-2\"");
        assert_eq!(resume_edit(Some(same), &loaded, &etag), Resume::Fresh);
        // A new call's draft is not a correction's.
        let new_call = Draft {
            values: form("mine"),
            saved_at: 1.0,
            base: None,
            sent: None,
        };
        assert_eq!(resume_edit(Some(new_call), &loaded, &etag), Resume::Fresh);
        // Edits on the version still there.
        let mine = edit_draft(form("mine"), form("as saved"), "\"7-2\"");
        assert_eq!(
            resume_edit(Some(mine.clone()), &loaded, &etag),
            Resume::Edits(form("mine"))
        );
        // Saved again since, nothing the form shows changed: the edits as they are.
        assert_eq!(
            resume_edit(Some(mine.clone()), &loaded, &Some("\"7-3\"".into())),
            Resume::Edits(form("mine"))
        );
        // Someone changed a field since: the edits on their own version.
        assert_eq!(
            resume_edit(Some(mine), &form("theirs"), &Some("\"7-3\"".into())),
            Resume::Changed {
                base: form("as saved"),
                etag: Some("\"7-2\"".into()),
                values: form("mine"),
            }
        );
    }
}
