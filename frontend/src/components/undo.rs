//! Undoable deletes, react-admin style: the calls disappear at once and a
//! notice offers Undo for a few seconds; the `DELETE` is sent only when the
//! notice expires, another delete starts, or the tab is hidden or closed
//! (a `keepalive` request, so it still arrives). Undo restores the calls
//! without any request. If the delete then fails, they come back with the
//! reason. The pending delete is app-level state (in context), so it
//! survives moving between the app's pages.

use std::collections::BTreeSet;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use phonerecords_shared::PhoneRecord;

use crate::api::{self, Failure, Versioned};
use crate::clock;
use crate::form_model::{FormValues, changed_fields, describe};
use crate::session::Session;

/// How long the Undo notice stays before the delete is sent.
pub const UNDO_WINDOW: Duration = Duration::from_secs(5);

/// A delete waiting for its undo window to pass.
#[derive(Clone, Debug, PartialEq)]
pub struct PendingDelete {
    pub ids: Vec<i64>,
    /// What the notice says: "3 calls deleted", "Deleted the call …".
    pub done: String,
    /// What was deleted, for later messages: "3 calls", "the call …".
    pub subject: String,
    /// The version a single delete is conditional on (`If-Match`).
    pub if_match: Option<String>,
    /// The call as the page showed it (single delete), to say what changed
    /// when the delete is refused with 412.
    pub loaded: Option<PhoneRecord>,
    pub token: String,
    seq: u64,
}

/// A single delete refused because the call changed (412): the notice that
/// says what changed, and the call as it is now, to delete anyway.
#[derive(Clone, Debug, PartialEq)]
pub struct Refused {
    pub notice: String,
    pub now: Versioned,
}

/// What sends a delete: the real one is [`api::delete_now`]; tests count.
/// Called synchronously (the request must start even while the page is
/// being closed); the future waits for the answer.
pub type Sender = Rc<dyn Fn(&PendingDelete) -> Pin<Box<dyn Future<Output = Result<(), Failure>>>>>;

/// The app's deletes: the one pending (with Undo), and every id hidden from
/// the list (pending, being sent, or deleted).
#[derive(Clone, Copy)]
pub struct Deletes {
    pending: RwSignal<Option<PendingDelete>>,
    hidden: RwSignal<BTreeSet<i64>>,
    /// The last single delete refused with 412, offered "Delete it anyway"
    /// while its notice shows.
    refused: RwSignal<Option<Refused>>,
    /// Bumped when a delete has been answered: lists load again.
    settled: RwSignal<u32>,
    seq: StoredValue<u64>,
    delay: Duration,
    session: Session,
    send: StoredValue<Sender, LocalStorage>,
}

impl Deletes {
    pub fn new(session: Session, delay: Duration, send: Sender) -> Deletes {
        Deletes {
            pending: RwSignal::new(None),
            hidden: RwSignal::new(BTreeSet::new()),
            refused: RwSignal::new(None),
            settled: RwSignal::new(0),
            seq: StoredValue::new(0),
            delay,
            session,
            send: StoredValue::new_local(send),
        }
    }

    /// The app's: sends with [`api::delete_now`], and sends at once when the
    /// tab is hidden or the page goes away.
    pub fn for_app(session: Session) -> Deletes {
        let deletes = Deletes::new(
            session,
            UNDO_WINDOW,
            Rc::new(|p: &PendingDelete| {
                Box::pin(api::delete_now(&p.token, &p.ids, p.if_match.as_deref()))
            }),
        );
        let flush_when_hidden = move |_| {
            if document().hidden() {
                deletes.flush();
            }
        };
        let _ = window_event_listener_untyped("visibilitychange", flush_when_hidden);
        let _ = window_event_listener_untyped("pagehide", move |_| deletes.flush());
        deletes
    }

    pub fn pending(&self) -> Option<PendingDelete> {
        self.pending.get()
    }

    /// Whether a call is to be left out of the list (tracked).
    pub fn is_hidden(&self, id: i64) -> bool {
        self.hidden.with(|h| h.contains(&id))
    }

    /// The refused delete to offer again, while its notice is the one shown (tracked).
    pub fn refused(&self) -> Option<Refused> {
        let refused = self.refused.get()?;
        self.session
            .notice
            .with(|n| n.as_deref() == Some(refused.notice.as_str()))
            .then_some(refused)
    }

    /// "Delete it anyway": the call as it is now, undoable like any delete.
    pub fn delete_anyway(&self) {
        if let Some(r) = self.refused.get_untracked() {
            self.refused.set(None);
            self.delete_one(&r.now.record, r.now.etag);
        }
    }

    /// A counter that moves whenever a delete has been answered (tracked).
    pub fn settled(&self) -> u32 {
        self.settled.get()
    }

    fn schedule(
        &self,
        ids: Vec<i64>,
        done: String,
        subject: String,
        if_match: Option<String>,
        loaded: Option<PhoneRecord>,
    ) {
        self.flush();
        let seq = self.seq.get_value() + 1;
        self.seq.set_value(seq);
        self.hidden.update(|h| h.extend(ids.iter().copied()));
        self.refused.set(None);
        self.session.notice.set(None);
        self.pending.set(Some(PendingDelete {
            ids,
            done,
            subject,
            if_match,
            loaded,
            token: self.session.token(),
            seq,
        }));
        let this = *self;
        set_timeout(
            move || {
                if this
                    .pending
                    .with_untracked(|p| p.as_ref().is_some_and(|p| p.seq == seq))
                {
                    this.flush();
                }
            },
            self.delay,
        );
    }

    /// Several calls at once (one multi-id `DELETE`, all or none).
    pub fn delete_many(&self, ids: Vec<i64>) {
        if ids.is_empty() {
            return;
        }
        let calls = crate::format::calls(ids.len() as u64);
        self.schedule(ids, format!("{calls} deleted"), calls, None, None);
    }

    /// One call, conditional on the version the page showed (`etag`).
    pub fn delete_one(&self, record: &PhoneRecord, etag: Option<String>) {
        let name = describe(record, &clock::local_day(&record.call_timestamp));
        self.schedule(
            vec![record.id],
            format!("Deleted {name}"),
            name,
            etag,
            Some(record.clone()),
        );
    }

    /// Undo: the calls come back, nothing is sent.
    pub fn undo(&self) {
        if let Some(p) = self.pending.get_untracked() {
            self.pending.set(None);
            self.hidden.update(|h| {
                for id in &p.ids {
                    h.remove(id);
                }
            });
            self.session
                .notice
                .set(Some(format!("Restored {}.", p.subject)));
        }
    }

    /// Sends the pending delete now (if any); when it fails, its calls come
    /// back and the notice says why.
    pub fn flush(&self) {
        let Some(p) = self.pending.get_untracked() else {
            return;
        };
        self.pending.set(None);
        let answer = self.send.with_value(|send| send(&p));
        let this = *self;
        leptos::task::spawn_local(async move {
            let result = answer.await;
            this.session.check(&result);
            match result {
                Ok(()) => {
                    p.ids.iter().for_each(|id| crate::draft::forget_call(*id));
                    this.session.notice.set(Some(format!("{}.", p.done)));
                }
                Err(failure) => {
                    let (reason, now) = this.reason(&p, failure).await;
                    this.hidden.update(|h| {
                        for id in &p.ids {
                            h.remove(id);
                        }
                    });
                    let notice = format!("Could not delete {}: {reason}", p.subject);
                    this.refused.set(now.map(|now| Refused {
                        notice: notice.clone(),
                        now,
                    }));
                    this.session.notice.set(Some(notice));
                }
            }
            this.settled.update(|n| *n += 1);
        });
    }

    /// Why a delete was refused, in words; for a call someone changed, what
    /// they changed, and the call as it is now (when it could be read).
    async fn reason(&self, p: &PendingDelete, failure: Failure) -> (String, Option<Versioned>) {
        match (failure, &p.loaded) {
            (Failure::Changed, Some(loaded)) => {
                let now = api::get(&p.token, loaded.id).await.ok();
                let changes = now
                    .as_ref()
                    .map(|now| {
                        changed_fields(
                            &FormValues::from_record(loaded),
                            &FormValues::from_record(&now.record),
                        )
                        .into_iter()
                        .map(|c| format!("{}: {} (was {})", c.label, c.after, c.before))
                        .collect::<Vec<_>>()
                        .join("; ")
                    })
                    .unwrap_or_default();
                let what = if changes.is_empty() {
                    String::new()
                } else {
                    format!(" ({changes})")
                };
                let reason = format!(
                    "someone else changed it since you opened it{what}. It is still there: open it to see it as it is now."
                );
                (reason, now)
            }
            (f, _) => (f.message(), None),
        }
    }
}

pub fn use_deletes() -> Deletes {
    expect_context::<Deletes>()
}

/// The pending delete's notice, "3 calls deleted — Undo", inside the app's
/// announced notice area. Undo takes the focus, so a keyboard user reaches it
/// at once.
#[component]
pub fn UndoNotice(deletes: Deletes) -> impl IntoView {
    let undo_button = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(button) = undo_button.get() {
            let _ = button.focus();
        }
    });
    move || {
        deletes.pending().map(|p| {
            view! {
                <p class="undo">
                    <span>{p.done}" — "</span>
                    <button type="button" class="undo-button" node_ref=undo_button on:click=move |_| {
                        deletes.undo();
                        // The button goes: the focus moves to the page, not the void.
                        if let Some(main) = document().get_element_by_id("main") {
                            use wasm_bindgen::JsCast;
                            let _ = main.unchecked_into::<web_sys::HtmlElement>().focus();
                        }
                    }>
                        "Undo"
                    </button>
                </p>
            }
        })
    }
}

/// After a single delete refused with 412, next to its notice: "Delete it
/// anyway" deletes the call as it is now (its current version as If-Match),
/// again with Undo. A plain button, in the tab order right after the header.
#[component]
pub fn DeleteAnyway(deletes: Deletes) -> impl IntoView {
    move || {
        deletes.refused().map(|_| {
            view! {
                <button type="button" class="delete-anyway" on:click=move |_| deletes.delete_anyway()>
                    "Delete it anyway"
                </button>
            }
        })
    }
}

/// The rows chosen on the list's page.
#[derive(Clone, Copy)]
pub struct Selection {
    pub selected: RwSignal<BTreeSet<i64>>,
    pub on_delete: Callback<Vec<i64>>,
    /// "Set matter…" for these calls.
    pub on_set_matter: Callback<Vec<i64>>,
}

/// Above the list: "Select all on this page", and with a selection, "3
/// selected", "Set matter…" and Delete.
#[component]
pub fn SelectionBar(ids: Vec<i64>, selection: Selection) -> impl IntoView {
    let selected = selection.selected;
    let on_page = StoredValue::new(ids);
    let count = move || {
        on_page.with_value(|ids| selected.with(|s| ids.iter().filter(|id| s.contains(id)).count()))
    };
    let total = on_page.with_value(Vec::len);
    let chosen = move || -> Vec<i64> {
        on_page.with_value(|ids| {
            selected.with_untracked(|s| ids.iter().copied().filter(|id| s.contains(id)).collect())
        })
    };
    view! {
        <div class="bulk-bar">
            <label class="select-all">
                <input type="checkbox" disabled={total == 0}
                    prop:checked=move || { total != 0 && count() == total }
                    prop:indeterminate=move || { let n = count(); n != 0 && n != total }
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        on_page.with_value(|ids| selected.update(|s| for id in ids {
                            if on { s.insert(*id); } else { s.remove(id); }
                        }));
                    }/>
                "Select all on this page"
            </label>
            <Show when=move || { count() > 0 }>
                <span class="selected-count">{move || format!("{} selected", count())}</span>
                <button type="button" class="button set-matter-open" on:click=move |_| selection.on_set_matter.run(chosen())>"Set matter…"</button>
                <button type="button" class="danger" on:click=move |_| selection.on_delete.run(chosen())>"Delete"</button>
                <button type="button" class="link" on:click=move |_| selected.set(BTreeSet::new())>"Clear selection"</button>
            </Show>
        </div>
    }
}
