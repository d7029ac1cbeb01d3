//! A call's own page (`/calls/{id}`): every field as text, readable on a
//! phone, with Edit and Delete. The list's "when" links here, and so does a
//! shared link; an unknown id gets a clear "no such call" page.

use std::time::Duration;

use crate::router::{Link, use_router};
use leptos::prelude::*;
use phonerecords_shared::{CallTimestamp, Direction, Field, PhoneRecord};

use crate::api::{self, Failure, Versioned};
use crate::clock;
use crate::components::list::matter_cell;
use crate::components::record_pages::{DeleteCall, record_in_path};
use crate::components::{fetched, retry_panel};
use crate::draft;
use crate::first_paint::{self, Part};
use crate::form_model::{call_back_href, calls_with_number, follow_up_href, history_line, title};
use crate::format::{duration_hm, tel_href, thousands};
use crate::list_state::ListState;
use crate::session::use_session;

/// How many of the number's other calls the call's page lists.
const HISTORY_SIZE: usize = 5;

/// The list's search for a number, when the search takes it (3–40
/// characters): every call that holds it, in its number or its notes.
pub fn number_search_href(number: &str) -> Option<String> {
    let n = number.trim();
    (3..=40).contains(&n.chars().count()).then(|| {
        ListState {
            q: n.to_owned(),
            ..ListState::default()
        }
        .href()
    })
}

/// The other calls with this call's number, most recent first: what came of
/// them before, at a glance, before calling back. Nothing while they load
/// or when there are none; a failure is one line with Try again.
#[component]
fn NumberHistory(id: i64, number: String) -> impl IntoView {
    let session = use_session();
    let retry = RwSignal::new(0u32);
    let query = calls_with_number(&number, Some(id), HISTORY_SIZE);
    let calls = fetched(
        move || {
            retry.track();
            (session.token(), query.clone())
        },
        move |(token, query)| async move {
            let result = api::list(&token, &query).await;
            session.check(&result);
            result
        },
    );
    let heading = format!("Other calls with {number}");
    let search = number_search_href(&number);
    move || {
        match calls.get() {
        None => ().into_any(),
        Some(Err(Failure::Unauthorized)) => ().into_any(),
        Some(Err(_)) => view! {
            <p class="history-failed">
                "Other calls with this number could not be loaded. "
                <button type="button" class="link" on:click=move |_| retry.update(|n| *n += 1)>"Try again"</button>
            </p>
        }
        .into_any(),
        Some(Ok(page)) if page.phonerecords.is_empty() => ().into_any(),
        Some(Ok(page)) => {
            let total = page.meta.paging.phonerecords.record_count;
            let items = page
                .phonerecords
                .into_iter()
                .map(|r| {
                    let href = format!("/calls/{}", r.id);
                    let line = format!(" · {}", history_line(&r));
                    view! {
                        <li>
                            <Link href=href>
                                <time datetime=r.call_timestamp.as_str().to_owned()>{clock::local_display(&r.call_timestamp)}</time>
                            </Link>
                            {line}
                        </li>
                    }
                })
                .collect_view();
            let more = (total > HISTORY_SIZE as u64).then(|| {
                let text = format!("{} other calls with this number", thousands(total));
                match search.clone() {
                    Some(href) => view! { <p>{text}" — "<Link href=href>"search the records for it"</Link></p> }.into_any(),
                    None => view! { <p>{text}</p> }.into_any(),
                }
            });
            view! {
                <section class="history" aria-labelledby="history-title">
                    <h2 id="history-title">{heading.clone()}</h2>
                    <ul class="history-list">{items}</ul>
                    {more}
                </section>
            }
            .into_any()
        }
    }
    }
}

/// A call's fields in the order a person reads a call: when and which way,
/// who and on what number, how long and what came of it, the matter, the
/// notes, then the participants' ids. Every field but the id (shown below).
pub const READING_ORDER: [Field; 12] = [
    Field::CallTimestamp,
    Field::Direction,
    Field::FromParticipantOther,
    Field::ToParticipantOther,
    Field::PhoneNumber,
    Field::PhoneNumberType,
    Field::ActualHours,
    Field::Outcome,
    Field::Action,
    Field::Notes,
    Field::FromParticipant,
    Field::ToParticipant,
];

/// The record's fields as (label, text), in the reading order; `—` for
/// what it does not hold. `local` shows a time in the browser's time zone.
pub fn field_rows(
    r: &PhoneRecord,
    local: impl Fn(&CallTimestamp) -> String,
) -> Vec<(&'static str, String)> {
    let text = |v: &Option<String>| {
        v.clone()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| "—".into())
    };
    let id = |v: Option<i64>| v.map(|n| format!("#{n}")).unwrap_or_else(|| "—".into());
    READING_ORDER
        .into_iter()
        .map(|f| {
            let value = match f {
                Field::Id => r.id.to_string(),
                Field::FromParticipantOther => text(&r.from_participant_other),
                Field::ToParticipantOther => text(&r.to_participant_other),
                Field::Direction => match r.direction {
                    Direction::In => "Incoming".into(),
                    Direction::Out => "Outgoing".into(),
                },
                Field::PhoneNumber => text(&r.phone_number),
                Field::PhoneNumberType => text(&r.phone_number_type),
                Field::ActualHours => r
                    .actual_hours
                    .map(duration_hm)
                    .unwrap_or_else(|| "—".into()),
                Field::Notes => text(&r.notes),
                Field::CallTimestamp => format!(
                    "{} (recorded as {})",
                    local(&r.call_timestamp),
                    r.call_timestamp.as_str()
                ),
                Field::Outcome => r.outcome.clone(),
                Field::Action => id(r.links.action),
                Field::FromParticipant => id(r.links.from_participant),
                Field::ToParticipant => id(r.links.to_participant),
            };
            (f.label(), value)
        })
        .collect()
}

/// The record, every field as text; its matter links to the matter's calls.
#[component]
pub fn CallDetails(record: PhoneRecord) -> impl IntoView {
    let matter_href = Callback::new(|id: i64| ListState::default().with_matter(id).href());
    let rows = field_rows(&record, clock::local_display)
        .into_iter()
        .map(|(label, value)| {
            let class = if label == Field::Notes.label() {
                "notes-text"
            } else {
                ""
            };
            let tel = (label == Field::PhoneNumber.label())
                .then(|| record.phone_number.as_deref().and_then(tel_href))
                .flatten();
            let value = if label == Field::Action.label() {
                matter_cell(record.links.action, Some(matter_href))
            } else if let Some(href) = tel {
                view! { <a href=href>{value}</a> }.into_any()
            } else {
                value.into_any()
            };
            view! { <dt>{label}</dt><dd class=class>{value}</dd> }
        })
        .collect_view();
    view! { <dl class="call-details">{rows}</dl> }
}

#[component]
pub fn CallPage() -> impl IntoView {
    let router = use_router();
    let retry = RwSignal::new(0u32);
    let record = record_in_path(retry);
    let failure = RwSignal::new(None::<String>);
    // On screen (the call, no such call, or why not): main.js's first paint can go.
    Effect::new(move |_| {
        if record.with(Option::is_some) {
            first_paint::done(Part::Call);
        }
    });
    view! {
        <section class="call-page" aria-labelledby="call-title">
            {move || match record.get() {
                None => view! {
                    <h1 id="call-title">"Phone record"</h1>
                    <p class="loading" role="status">"Loading…"</p>
                }
                .into_any(),
                Some(Err(Failure::NotFound)) => view! {
                    <h1 id="call-title">"No such call"</h1>
                    <div class="error-panel" role="alert">
                        <p>{Failure::NotFound.message()}</p>
                        <Link href="/">"Back to the phone records"</Link>
                    </div>
                }
                .into_any(),
                Some(Err(f)) => view! {
                    <h1 id="call-title">"Phone record"</h1>
                    {retry_panel(f.message(), retry)}
                }
                .into_any(),
                Some(Ok(Versioned { record, etag })) => {
                    let edit = format!("/calls/{}/edit", record.id);
                    // "Call back": the number dials (a tel: link, followed by
                    // the browser), and the app opens the follow-up's form
                    // with its timer running — after the click, so that the
                    // link is followed first.
                    let call_back = record.phone_number.as_deref().and_then(tel_href).map(|tel| {
                        let form = call_back_href(&record);
                        view! {
                            <a href=tel class="button" on:click=move |_| {
                                let form = form.clone();
                                set_timeout(move || router.navigate(&form), Duration::ZERO);
                            }>"Call back"</a>
                        }
                    });
                    view! {
                        <div class="page-head">
                            <h1 id="call-title">{title(&record, &clock::local_day(&record.call_timestamp))}</h1>
                            <div class="page-actions">
                                {call_back}
                                <Link href=follow_up_href(&record) class="button">"Record a follow-up"</Link>
                                <Link href=edit.clone() class="button primary">"Edit"</Link>
                            </div>
                        </div>
                        {move || failure.get().map(|m| view! { <p class="error-panel" role="alert">{m}</p> })}
                        {draft::edits_saved_at(&edit).map(|at| view! {
                            <p class="draft-notice" role="status">
                                {format!("You have unsaved edits to this call from {}. ", clock::recent_display(at))}
                                <Link href=edit.clone()>"Continue editing"</Link>
                            </p>
                        })}
                        <CallDetails record=record.clone()/>
                        <p class="subtitle">{format!("id {}", record.id)}</p>
                        {record.phone_number.clone().filter(|n| !n.trim().is_empty()).map(|number| view! {
                            <NumberHistory id=record.id number=number/>
                        })}
                        <DeleteCall record=record etag=etag/>
                    }
                    .into_any()
                }
            }}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use phonerecords_shared::validate::parse_create;

    fn record(body: serde_json::Value) -> PhoneRecord {
        let c = parse_create(&body).unwrap();
        PhoneRecord {
            id: 7,
            from_participant_other: c.from_participant_other,
            to_participant_other: c.to_participant_other,
            direction: c.direction,
            phone_number: c.phone_number,
            phone_number_type: c.phone_number_type,
            actual_hours: c.actual_hours,
            notes: c.notes,
            call_timestamp: c.call_timestamp,
            outcome: c.outcome,
            links: c.links,
        }
    }

    #[test]
    fn the_rest_of_a_numbers_calls_is_the_lists_search_for_it() {
        assert_eq!(
            number_search_href("+64 9 555 0101").as_deref(),
            Some("/?q=%2B64%209%20555%200101")
        );
        assert_eq!(number_search_href(" 12 "), None);
        assert_eq!(number_search_href(&"1".repeat(41)), None);
    }

    #[test]
    fn every_field_has_a_row_and_absent_ones_a_dash() {
        let body = serde_json::json!({"direction": "out", "callTimestamp": "2025-09-17T09:12:32+12:00",
            "outcome": "Call completed", "notes": "Line one\nline two", "actualHours": 0.25,
            "links": {"action": 321845}});
        let r = record(body);
        let rows = field_rows(&r, |_| "17 Sep 2025, 9:12 am".into());
        assert_eq!(rows.len(), Field::ALL.len() - 1);
        // Each field once (all but the id), in the order a person reads a call.
        let labels: Vec<&str> = rows.iter().map(|(l, _)| *l).collect();
        for f in Field::ALL.into_iter().filter(|f| *f != Field::Id) {
            assert_eq!(
                labels.iter().filter(|l| **l == f.label()).count(),
                1,
                "{f:?}"
            );
        }
        assert_eq!(
            labels[..4],
            ["Date and time", "Direction", "From (name)", "To (name)"]
        );
        let get = |f: Field| {
            rows.iter()
                .find(|(l, _)| *l == f.label())
                .unwrap()
                .1
                .clone()
        };
        assert_eq!(get(Field::Direction), "Outgoing");
        assert_eq!(get(Field::ActualHours), "0:15");
        assert_eq!(get(Field::Action), "#321845");
        assert_eq!(get(Field::FromParticipant), "—");
        assert_eq!(get(Field::PhoneNumber), "—");
        assert_eq!(get(Field::Notes), "Line one\nline two");
        assert_eq!(
            get(Field::CallTimestamp),
            "17 Sep 2025, 9:12 am (recorded as 2025-09-17T09:12:32+12:00)"
        );
    }
}
