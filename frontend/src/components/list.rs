//! The list of phone records: filters, a sortable table, and paging.

use std::time::Duration;

use crate::router::{Link, use_router};
use leptos::prelude::*;
use phonerecords_shared::{Direction, Field, PhoneRecord, PhoneRecordPageData};

use crate::api;
use crate::chunks;
use crate::clock;
use crate::components::retry_panel;
use crate::components::undo::{Selection, SelectionBar, use_deletes};
use crate::first_paint::{self, Part};
use crate::form_model::describe;
use crate::format::{duration_hm, excerpt, range_text, tel_href, thousands};
use crate::list_state::{ListState, PAGE_SIZES, Sort, dates_key, set_dates};
use crate::matter_model::Target;
use crate::session::use_session;

/// The address of the list as last shown, to return to after a save or delete.
#[derive(Clone, Copy)]
pub struct LastList(pub RwSignal<String>);

fn party(name: &Option<String>, id: Option<i64>) -> String {
    match (name, id) {
        (Some(n), _) if !n.trim().is_empty() => n.clone(),
        (_, Some(id)) => format!("Participant #{id}"),
        _ => "—".into(),
    }
}

/// Bumped when calls were changed from the list (Set matter…): the list and
/// its totals load again. Provided by the list page.
#[derive(Clone, Copy)]
pub struct ListEdited(pub RwSignal<u32>);

/// A table column whose header sorts.
#[component]
fn SortHeader(
    field: Field,
    label: &'static str,
    sort: Sort,
    on_sort: Callback<Field>,
) -> impl IntoView {
    let active = sort.field == field;
    let aria = active.then(|| {
        if sort.descending {
            "descending"
        } else {
            "ascending"
        }
    });
    let arrow = match (active, sort.descending) {
        (false, _) => "↕",
        (true, false) => "▲",
        (true, true) => "▼",
    };
    view! {
        <th scope="col" aria-sort=aria>
            <button type="button" class="sort" on:click=move |_| on_sort.run(field)>
                {label}
                <span class="sort-arrow" aria-hidden="true">{arrow}</span>
            </button>
        </th>
    }
}

/// A call's time as the list shows it, the day and the time each kept whole
/// ("5 Dec 2026," and "1:06 am"): a narrow column breaks between them only.
fn when_parts(when: String) -> AnyView {
    match when.rsplit_once(", ") {
        Some((day, time)) => {
            let (day, time) = (format!("{day},"), time.to_owned());
            view! { <span class="nw">{day}</span>" "<span class="nw">{time}</span> }.into_any()
        }
        None => when.into_any(),
    }
}

/// A matter's id as the list and the call page show it: `#id`, a link to
/// the list of its calls when there is an address for that; `—` for none.
pub fn matter_cell(action: Option<i64>, href: Option<Callback<i64, String>>) -> AnyView {
    match (action, href) {
        (Some(id), Some(href)) => {
            let title = format!("All calls on matter #{id}");
            view! { <a href=href.run(id) title=title>{format!("#{id}")}</a> }.into_any()
        }
        (Some(id), None) => format!("#{id}").into_any(),
        (None, _) => "—".into_any(),
    }
}

/// The records of one page. Pure: the page fetches, this only shows. With a
/// `selection`, each row (and card) has a checkbox, and a bar above offers
/// "Select all on this page" and Delete.
#[component]
pub fn RecordsTable(
    records: Vec<PhoneRecord>,
    sort: Sort,
    on_sort: Callback<Field>,
    #[prop(optional)] selection: Option<Selection>,
    /// The list's address for one matter: each row's matter links there.
    #[prop(optional)]
    matter_href: Option<Callback<i64, String>>,
    /// Each call's notes whole (a printout of the view), not an excerpt.
    #[prop(optional)]
    full_notes: bool,
) -> impl IntoView {
    let ids: Vec<i64> = records.iter().map(|r| r.id).collect();
    let rows = records
        .into_iter()
        .map(|r| {
            let id = r.id;
            let select = selection.map(|sel| {
                let label = format!("Select {}", describe(&r, &clock::local_day(&r.call_timestamp)));
                view! {
                    <td data-label="Select" class="select">
                        <input type="checkbox" aria-label=label
                            prop:checked=move || sel.selected.with(|s| s.contains(&id))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                sel.selected.update(|s| if on { s.insert(id); } else { s.remove(&id); });
                            }/>
                    </td>
                }
            });
            let is_selected = move || selection.is_some_and(|sel| sel.selected.with(|s| s.contains(&id)));
            let href = format!("/calls/{}", r.id);
            let (dir_class, dir_label, dir_icon) = match r.direction {
                Direction::In => ("dir dir-in", "In", "↙"),
                Direction::Out => ("dir dir-out", "Out", "↗"),
            };
            let when = clock::local_display(&r.call_timestamp);
            let recorded = format!("Recorded as {}", r.call_timestamp.as_str());
            let phone = phone_cell(&r.phone_number, &r.phone_number_type);
            let no_number = r.phone_number.is_none();
            let duration = r.actual_hours.map(duration_hm).unwrap_or_else(|| "—".into());
            let matter = matter_cell(r.links.action, matter_href);
            let notes = match (r.notes.as_deref(), full_notes) {
                (Some(n), true) => n.to_owned(),
                (Some(n), false) => excerpt(n, 80),
                (None, _) => String::new(),
            };
            view! {
                <tr class:selected=is_selected>
                    {select}
                    <td data-label="When">
                        <a href=href title=recorded.clone()>
                            <time datetime=r.call_timestamp.as_str().to_owned()>{when_parts(when)}</time>
                        </a>
                    </td>
                    <td data-label="Direction">
                        <span class=dir_class><span aria-hidden="true">{dir_icon}" "</span>{dir_label}</span>
                    </td>
                    <td data-label="From">{party(&r.from_participant_other, r.links.from_participant)}</td>
                    <td data-label="To">{party(&r.to_participant_other, r.links.to_participant)}</td>
                    <td data-label="Phone" class:none=no_number>{phone}</td>
                    <td data-label="Duration" class="num">{duration}</td>
                    <td data-label="Outcome">{r.outcome.clone()}</td>
                    <td data-label="Matter" class="num">{matter}</td>
                    <td data-label="Notes" class="notes">{notes}</td>
                </tr>
            }
        })
        .collect_view();
    let select_header = selection.map(|_| view! { <th scope="col" class="select"><span class="visually-hidden">"Select"</span></th> });
    view! {
        {selection.map(|sel| view! { <SelectionBar ids=ids selection=sel/> })}
        <div class="table-wrap">
            <table class="records">
                <caption class="visually-hidden">"Phone records"</caption>
                <thead>
                    <tr>
                        {select_header}
                        <SortHeader field=Field::CallTimestamp label="When" sort=sort on_sort=on_sort/>
                        <SortHeader field=Field::Direction label="Direction" sort=sort on_sort=on_sort/>
                        <th scope="col">"From"</th>
                        <th scope="col">"To"</th>
                        <th scope="col">"Phone"</th>
                        <SortHeader field=Field::ActualHours label="Duration" sort=sort on_sort=on_sort/>
                        <SortHeader field=Field::Outcome label="Outcome" sort=sort on_sort=on_sort/>
                        <SortHeader field=Field::Action label="Matter" sort=sort on_sort=on_sort/>
                        <th scope="col">"Notes"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// A call's number, a link that dials it (format.rs's `tel_href`), and its
/// type: "+64 21 555 0142 (Mobile)"; "—" without a number.
fn phone_cell(number: &Option<String>, kind: &Option<String>) -> AnyView {
    let Some(n) = number else {
        return "—".into_any();
    };
    let kind = kind.as_ref().map(|t| format!(" ({t})"));
    match tel_href(n) {
        Some(href) => view! { <a href=href>{n.clone()}</a>{kind} }.into_any(),
        None => format!("{n}{}", kind.unwrap_or_default()).into_any(),
    }
}

/// The paging as shown while `hidden` calls of the page are hidden (deleted,
/// or waiting for their undo window to pass): neither counted nor paged to,
/// until the page loads again (or Undo brings them back).
pub fn without_hidden(meta: PhoneRecordPageData, hidden: u64) -> PhoneRecordPageData {
    let record_count = meta.record_count.saturating_sub(hidden);
    PhoneRecordPageData {
        record_count,
        page_count: record_count.div_ceil(meta.page_size.max(1)),
        ..meta
    }
}

/// First / previous / next / last, the range shown, and the page size.
/// `shown`: how many of the page's records are on screen (all, unless said).
#[component]
pub fn Pager(
    meta: PhoneRecordPageData,
    #[prop(optional)] shown: Option<u64>,
    on_page: Callback<u32>,
    on_page_size: Callback<u32>,
) -> impl IntoView {
    let page = meta.page as u32;
    let last = (meta.page_count as u32).max(1);
    let at_start = page <= 1;
    let at_end = page >= last;
    let text = range_text(
        meta.page,
        meta.page_size,
        meta.record_count,
        shown.unwrap_or(meta.page_size),
    );
    let size = meta.page_size as u32;
    view! {
        <nav class="pager" aria-label="Pages">
            <span class="range" aria-live="polite">{text}</span>
            <div class="pager-buttons">
                <button type="button" disabled=at_start on:click=move |_| on_page.run(1) aria-label="First page">"« First"</button>
                <button type="button" disabled=at_start on:click=move |_| on_page.run(page.saturating_sub(1).max(1)) aria-label="Previous page">"‹ Previous"</button>
                <span class="page-of">{format!("Page {} of {}", thousands(meta.page), thousands(last as u64))}</span>
                <button type="button" disabled=at_end on:click=move |_| on_page.run((page + 1).min(last)) aria-label="Next page">"Next ›"</button>
                <button type="button" disabled=at_end on:click=move |_| on_page.run(last) aria-label="Last page">"Last »"</button>
            </div>
            <label class="page-size">
                "Per page "
                <select on:change=move |ev| {
                    if let Ok(n) = event_target_value(&ev).parse::<u32>() {
                        on_page_size.run(n);
                    }
                }>
                    {PAGE_SIZES
                        .iter()
                        .map(|n| view! { <option value=n.to_string() selected=*n == size>{n.to_string()}</option> })
                        .collect_view()}
                </select>
            </label>
        </nav>
    }
}

/// The filters. Each change applies at once (search after a pause in typing)
/// and returns to the first page. Rendered once and bound to the URL's state,
/// so typing is never interrupted by the list reloading.
#[component]
pub fn Filters(
    #[prop(into)] state: Signal<ListState>,
    on_change: Callback<ListState>,
) -> impl IntoView {
    let apply = move |f: &dyn Fn(&mut ListState)| {
        let mut s = state.get_untracked();
        f(&mut s);
        s.page = 1;
        on_change.run(s);
    };
    let search = RwSignal::new(state.get_untracked().q);
    // A view that is filtered opens with its filters shown (a link to a
    // matter's calls shows the matter).
    let open = RwSignal::new(state.with_untracked(ListState::narrowing) > 0);
    // Back/forward or "Clear filters" change the search from outside.
    Effect::new(move |_| {
        let q = state.with(|s| s.q.clone());
        if search.get_untracked() != q {
            search.set(q);
        }
    });
    let typed = move |ev| {
        let value = event_target_value(&ev);
        search.set(value.clone());
        set_timeout(
            move || {
                if search.get_untracked() == value && state.with_untracked(|s| s.q != value) {
                    apply(&|s: &mut ListState| s.q = value.clone());
                }
            },
            Duration::from_millis(300),
        );
    };
    let text_filter = move |get: fn(&ListState) -> String, set: fn(&mut ListState, String)| {
        (
            move || state.with(get),
            move |ev| {
                let v = event_target_value(&ev);
                apply(&|s: &mut ListState| set(s, v.clone()));
            },
        )
    };
    let (from_value, from_change) = text_filter(|s| s.from.clone(), |s, v| s.from = v);
    let (to_value, to_change) = text_filter(|s| s.to.clone(), |s, v| s.to = v);
    let (outcome_value, outcome_change) = text_filter(|s| s.outcome.clone(), |s, v| s.outcome = v);
    let (matter_value, matter_change) = text_filter(
        |s| s.matter.clone(),
        |s, v| s.matter = v.chars().filter(char::is_ascii_digit).collect(),
    );
    view! {
        <form class="filters" role="search" on:submit=move |ev| {
            ev.prevent_default();
            let q = search.get_untracked();
            apply(&|s: &mut ListState| s.q = q.clone());
        }>
            <label class="grow">
                "Search"
                <input type="search" name="q" placeholder="Names, number, notes, outcome"
                    prop:value=move || search.get() on:input=typed/>
            </label>
            // On a phone the filters wait behind this button, so that the
            // calls are on the first screen (style.css hides it elsewhere).
            <button type="button" class="filters-toggle" aria-controls="more-filters"
                aria-expanded=move || open.get().to_string() on:click=move |_| open.update(|o| *o = !*o)>
                {move || match state.with(ListState::narrowing) {
                    0 => "Filters".to_owned(),
                    n => format!("Filters ({n})"),
                }}
            </button>
            <div id="more-filters" class="more-filters" class:open=move || open.get()>
                <label>
                    "Direction"
                    <select name="direction" prop:value=move || state.with(|s| s.direction.clone()) on:change=move |ev| {
                        let v = event_target_value(&ev);
                        apply(&|s: &mut ListState| s.direction = v.clone());
                    }>
                        <option value="">"Any"</option>
                        <option value="in">"In"</option>
                        <option value="out">"Out"</option>
                    </select>
                </label>
                <label>
                    "When"
                    <select name="dates" prop:value=move || state.with(|s| dates_key(s, clock::today())) on:change=move |ev| {
                        let v = event_target_value(&ev);
                        if v == "custom" {
                            // Not a choice (hidden, but some phones list it): show the view's dates again.
                            let select = event_target::<web_sys::HtmlSelectElement>(&ev);
                            select.set_value(state.with_untracked(|s| dates_key(s, clock::today())));
                            return;
                        }
                        apply(&|s: &mut ListState| set_dates(s, &v, clock::today()));
                    }>
                        <option value="">"Any time"</option>
                        <option value="today">"Today"</option>
                        <option value="yesterday">"Yesterday"</option>
                        <option value="this-week">"This week"</option>
                        <option value="last-week">"Last week"</option>
                        <option value="this-month">"This month"</option>
                        <option value="last-month">"Last month"</option>
                        <option value="this-year">"This year"</option>
                        <option value="custom" hidden>"Custom dates"</option>
                    </select>
                </label>
                <label>"From"<input type="date" name="from" prop:value=from_value on:change=from_change/></label>
                <label>"To"<input type="date" name="to" prop:value=to_value on:change=to_change/></label>
                <label>"Outcome"<input type="text" name="outcome" prop:value=outcome_value on:change=outcome_change/></label>
                <label>
                    "Matter"
                    <input type="text" inputmode="numeric" name="matter" prop:value=matter_value on:change=matter_change/>
                </label>
            </div>
            <Show when=move || state.with(ListState::has_filters)>
                <button type="button" class="link" on:click=move |_| {
                    search.set(String::new());
                    apply(&|s: &mut ListState| {
                        *s = ListState { sort: s.sort, page_size: s.page_size, ..ListState::default() };
                    });
                }>"Clear filters"</button>
            </Show>
        </form>
    }
}

/// The list page: the view in the URL, fetched from the API.
#[component]
pub fn ListPage() -> impl IntoView {
    let session = use_session();
    let router = use_router();
    let state = Memo::new(move |_| router.with_query(|get| ListState::from_url(get)));
    if let Some(last) = use_context::<LastList>() {
        Effect::new(move |_| last.0.set(state.with(ListState::href)));
    }
    let go = Callback::new(move |s: ListState| router.navigate(&s.href()));
    let retry = RwSignal::new(0u32);
    let deletes = use_deletes();
    // The rows chosen on this page; a new view starts with none.
    let selected = RwSignal::new(std::collections::BTreeSet::<i64>::new());
    Effect::new(move |_| {
        state.track();
        selected.set(Default::default());
    });
    // "Set matter…": the selected calls as listed, until the panel closes.
    let setting = RwSignal::new(None::<Vec<Target>>);
    let edited = ListEdited(RwSignal::new(0));
    provide_context(edited);
    let busy = RwSignal::new(false);
    let data = LocalResource::new(move || {
        let s = state.get();
        retry.track();
        edited.0.track();
        // A delete answered: load the page again (it fills up again).
        deletes.settled();
        let token = session.token();
        async move {
            busy.set(true);
            let result = api::list(&token, &s.api_query(clock::local_offset)).await;
            busy.set(false);
            session.check(&result);
            result
        }
    });
    let selection = Selection {
        selected,
        on_delete: Callback::new(move |ids: Vec<i64>| {
            selected.set(Default::default());
            deletes.delete_many(ids);
        }),
        on_set_matter: Callback::new(move |ids: Vec<i64>| {
            let calls = data.with_untracked(|d| match d {
                Some(Ok(page)) => page
                    .phonerecords
                    .iter()
                    .filter(|r| ids.contains(&r.id))
                    .map(|r| Target {
                        id: r.id,
                        listed: r.links.action,
                        what: describe(r, &clock::local_day(&r.call_timestamp)),
                    })
                    .collect(),
                _ => Vec::new(),
            });
            setting.set(Some(calls));
        }),
    };
    let close_setting = Callback::new(move |()| setting.set(None));
    // A run or its Undo changed calls: the page and totals again, as stored now.
    let matters_set = Callback::new(move |()| {
        selected.set(Default::default());
        edited.0.update(|n| *n += 1);
    });
    // On screen (rows, empty or failed): main.js's first paint can go.
    Effect::new(move |_| {
        if data.with(Option::is_some) {
            first_paint::done(Part::List);
        }
    });
    let on_sort = Callback::new(move |field: Field| {
        let mut s = state.get_untracked();
        s.sort = s.sort.toggled(field);
        s.page = 1;
        go.run(s);
    });
    let matter_href =
        Callback::new(move |id: i64| state.with_untracked(|s| s.with_matter(id).href()));
    let on_page = Callback::new(move |page: u32| {
        go.run(ListState {
            page,
            ..state.get_untracked()
        })
    });
    let on_page_size = Callback::new(move |page_size: u32| {
        go.run(ListState {
            page_size,
            page: 1,
            ..state.get_untracked()
        })
    });
    view! {
        <section class="list-page" aria-labelledby="list-title" aria-busy=move || busy.get().to_string()>
            <div class="page-head">
                <h1 id="list-title">"Phone records"</h1>
                <div class="page-actions">
                    {chunks::export(state.into())}
                    <Link href="/import" class="button">"Import calls"</Link>
                    <a href=move || state.with(ListState::new_call_href) class="button primary">"Record a call"</a>
                </div>
            </div>
            <p class="print-only view-criteria">{move || state.with(ListState::criteria)}</p>
            <Filters state=state on_change=go/>
            {chunks::summary(state.into())}
            {move || setting.get().map(|calls| chunks::set_matter(calls, close_setting, matters_set))}
            {move || match data.get() {
                None => view! { <p class="loading" role="status">"Loading phone records…"</p> }.into_any(),
                Some(Err(failure)) => retry_panel(failure.message(), retry).into_any(),
                Some(Ok(page)) => {
                    let (sort, filtered) = state.with(|s| (s.sort, s.has_filters()));
                    let listed = page.phonerecords.len();
                    let records: Vec<PhoneRecord> = page
                        .phonerecords
                        .into_iter()
                        .filter(|r| !deletes.is_hidden(r.id))
                        .collect();
                    let only_page = page.meta.paging.phonerecords.page_count <= 1;
                    let meta = without_hidden(page.meta.paging.phonerecords, (listed - records.len()) as u64);
                    // Empty: nothing matches, or every call of the only page was just deleted.
                    if records.is_empty() && (meta.record_count == 0 || only_page) {
                        let only_matter = state.with(|s| s.only_matter().map(|m| (m.to_owned(), s.new_call_href())));
                        if let Some((matter, href)) = only_matter {
                            view! {
                                <div class="empty">
                                    <p>{format!("No calls on matter #{matter} yet — ")}<a href=href>"record the first"</a>"."</p>
                                </div>
                            }
                            .into_any()
                        } else if filtered {
                            view! {
                                <div class="empty">
                                    <p>"No phone records match these filters."</p>
                                </div>
                            }
                            .into_any()
                        } else {
                            view! {
                                <div class="empty">
                                    <p>"No phone records yet — "<Link href="/calls/new">"record the first call"</Link>"."</p>
                                </div>
                            }
                            .into_any()
                        }
                    } else {
                        let shown = records.len() as u64;
                        view! {
                            <RecordsTable records=records sort=sort on_sort=on_sort selection=selection matter_href=matter_href/>
                            <Pager meta=meta shown=shown on_page=on_page on_page_size=on_page_size/>
                        }
                        .into_any()
                    }
                }
            }}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_calls_are_neither_counted_nor_paged_to() {
        let meta = |record_count, page_count| PhoneRecordPageData {
            record_count,
            page_count,
            page: 1,
            page_size: 25,
            prev_page: None,
            next_page: None,
        };
        assert_eq!(without_hidden(meta(26, 2), 0), meta(26, 2));
        assert_eq!(without_hidden(meta(26, 2), 1), meta(25, 1));
        assert_eq!(without_hidden(meta(51, 3), 2), meta(49, 2));
        assert_eq!(without_hidden(meta(3, 1), 3), meta(0, 0));
    }
}
