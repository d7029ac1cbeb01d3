//! The totals and chart of the list's current view, above the list: calls,
//! hours (h:mm), in/out, a bar chart of calls and hours per day, week or
//! month (hand-written SVG, with a table for screen readers), and the view's
//! top matters. `SummaryPanel` is pure (tests mount it with data);
//! `ViewSummary` fetches `/phonerecords/summary` for the list's view.

use leptos::prelude::*;
use phonerecords_shared::summary::{Group, GroupBy, Summary};

use crate::api;
use crate::clock;
use crate::components::list::ListEdited;
use crate::components::undo::use_deletes;
use crate::first_paint::{self, Part};
use crate::format::{calls, duration_hm, thousands};
use crate::list_state::ListState;
use crate::session::use_session;
use crate::summary_model::{Bar, bars, choose_period, cut_notice, regroup, span_days};

/// Matters in the "top matters" panel.
pub const TOP_MATTERS: u32 = 5;

/// The chart's drawing units: a period is `SLOT` wide; bars reach `HEIGHT`.
const SLOT: f64 = 10.0;
const HEIGHT: f64 = 100.0;

fn period_noun(p: GroupBy) -> &'static str {
    match p {
        GroupBy::Week => "week",
        GroupBy::Month => "month",
        _ => "day",
    }
}

/// The chart's one-sentence description (its accessible name).
fn chart_label(period: GroupBy, b: &[Bar]) -> String {
    let (Some(first), Some(last)) = (b.first(), b.last()) else {
        return "No calls to chart".into();
    };
    let busiest = b
        .iter()
        .max_by_key(|x| x.count)
        .map(|x| x.label.clone())
        .unwrap_or_default();
    format!(
        "Calls and hours per {}, {} to {}: {} {}s, busiest {}",
        period_noun(period),
        first.label,
        last.label,
        b.len(),
        period_noun(period),
        busiest
    )
}

/// Bars of calls (and thinner bars of hours) per period, each scaled to its
/// own largest; `cut` says, visibly and in the table's caption, that only the
/// first periods are there.
#[component]
pub fn SummaryChart(period: GroupBy, bars: Vec<Bar>, cut: Option<String>) -> impl IntoView {
    let max_count = bars.iter().map(|b| b.count).max().unwrap_or(0).max(1) as f64;
    let max_hours = bars.iter().map(|b| b.hours).fold(0.0, f64::max);
    let width = (bars.len().max(1) as f64) * SLOT;
    let label = chart_label(period, &bars);
    let first = bars.first().map(|b| b.label.clone()).unwrap_or_default();
    let last = bars.last().map(|b| b.label.clone()).unwrap_or_default();
    let rects = bars
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let x = i as f64 * SLOT;
            let h = b.count as f64 / max_count * HEIGHT;
            let hh = if max_hours > 0.0 {
                b.hours / max_hours * HEIGHT
            } else {
                0.0
            };
            let title = format!("{}: {}, {}", b.label, calls(b.count), duration_hm(b.hours));
            view! {
                <g class="period" data-key=b.key.clone()>
                    <title>{title}</title>
                    <rect class="bar-calls" x=x + 1.0 y=HEIGHT - h width=5 height=h/>
                    <rect class="bar-hours" x=x + 6.0 y=HEIGHT - hh width=3 height=hh/>
                </g>
            }
        })
        .collect_view();
    let rows = bars
        .iter()
        .map(|b| {
            view! {
                <tr>
                    <th scope="row">{b.label.clone()}</th>
                    <td>{thousands(b.count)}</td>
                    <td>{duration_hm(b.hours)}</td>
                </tr>
            }
        })
        .collect_view();
    let caption = match &cut {
        Some(cut) => format!("Calls and hours per {} ({cut})", period_noun(period)),
        None => format!("Calls and hours per {}", period_noun(period)),
    };
    let cut = cut.map(|c| view! { <p class="chart-cut" aria-hidden="true">{c}</p> });
    view! {
        <figure class="summary-chart">
            <svg role="img" aria-label=label viewBox=format!("0 0 {width} {HEIGHT}")
                preserveAspectRatio="none" focusable="false">
                {rects}
            </svg>
            <figcaption class="chart-axis" aria-hidden="true">
                <span>{first}</span>
                <span class="legend"><span class="key-calls">"■"</span>" calls "<span class="key-hours">"■"</span>" hours"</span>
                <span>{last}</span>
            </figcaption>
            {cut}
            <table class="visually-hidden chart-table">
                <caption>{caption}</caption>
                <thead><tr><th scope="col">"Period"</th><th scope="col">"Calls"</th><th scope="col">"Hours"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </figure>
    }
}

/// The totals of a view, its chart and its top matters. Pure: the data in,
/// the panel out; `on_period` (optional) switches the chart's period.
#[component]
pub fn SummaryPanel(
    /// The view's summary grouped by its period (day, week or month).
    summary: Summary,
    /// The view's matters, most calls first.
    #[prop(optional)]
    top: Vec<Group>,
    #[prop(optional)] on_period: Option<Callback<GroupBy>>,
    /// The list's address for one matter, to link each top matter to.
    #[prop(optional)]
    matter_href: Option<Callback<i64, String>>,
    /// Whether a phone shows the chart and top matters (style.css hides
    /// them there behind a button, so that the calls are on the first
    /// screen): held by the list, so a new period keeps them open.
    #[prop(optional)]
    more: Option<RwSignal<bool>>,
) -> impl IntoView {
    let period = summary.group_by;
    let more_button = more.map(|more| {
        let label = if top.is_empty() {
            "Chart"
        } else {
            "Chart and top matters"
        };
        view! {
            <button type="button" class="summary-more" aria-expanded=move || more.get().to_string()
                on:click=move |_| more.update(|m| *m = !*m)>{label}</button>
        }
    });
    let open = move || more.is_some_and(|m| m.get());
    let chart_bars = bars(&summary);
    let switch = on_period.map(|on_period| {
        let options = [GroupBy::Day, GroupBy::Week, GroupBy::Month]
            .into_iter()
            .map(|p| {
                let label = match p {
                    GroupBy::Week => "Week",
                    GroupBy::Month => "Month",
                    _ => "Day",
                };
                view! { <option value=p.as_str() selected=p == period>{label}</option> }
            })
            .collect_view();
        view! {
            <label class="period-switch">
                "Per "
                <select name="period" on:change=move |ev| {
                    if let Some(p) = GroupBy::parse(&event_target_value(&ev)) {
                        on_period.run(p);
                    }
                }>{options}</select>
            </label>
        }
    });
    let matters = (!top.is_empty()).then(|| {
        let items = top
            .into_iter()
            .map(|g| {
                let id = g.key.as_i64();
                let name = id.map_or_else(|| "No matter".to_owned(), |id| format!("Matter #{id}"));
                let link = match (id, matter_href) {
                    (Some(id), Some(href)) => view! { <a href=href.run(id)>{name}</a> }.into_any(),
                    _ => view! { <span>{name}</span> }.into_any(),
                };
                view! {
                    <li>
                        {link}" "
                        <span class="top-figures">{format!("{} · {}", calls(g.count), duration_hm(g.actual_hours))}</span>
                    </li>
                }
            })
            .collect_view();
        view! {
            <section class="top-matters">
                <h3>"Top matters"</h3>
                <ol>{items}</ol>
            </section>
        }
    });
    view! {
        <section class="summary-panel" class:open=open>
            <h2 class="visually-hidden">"Totals of this view"</h2>
            <dl class="totals">
                <div><dt>"Calls"</dt><dd class="total-calls">{thousands(summary.count)}</dd></div>
                <div><dt>"Hours"</dt><dd class="total-hours">{duration_hm(summary.actual_hours)}</dd></div>
                <div>
                    <dt>"In / out"</dt>
                    <dd class="total-split">{format!("{} / {}", thousands(summary.count_in), thousands(summary.count_out))}</dd>
                </div>
            </dl>
            {more_button}
            <div class="chart-head">{switch}</div>
            <SummaryChart period=period bars=chart_bars cut=cut_notice(&summary)/>
            {matters}
        </section>
    }
}

/// The summary's query for a view (`ListState::export_query`) by `period`, with its top matters.
pub fn summary_query(view: &str, period: GroupBy) -> String {
    format!(
        "{view}&groupBy={}&topActions={TOP_MATTERS}",
        period.as_str()
    )
}

/// What the panel shows: the view's summary by period, and its top matters.
type Loaded = (Summary, Vec<Group>);

/// The view's summary by its period and its top matters, in ONE request:
/// the period chosen, or from the view's date range when it has both ends;
/// else by day, which shows the span, its weeks or months then summed from
/// the days. Only a view with calls on more than 1,000 days (its days cut,
/// so not summable; by its span, months) asks once more, for its months.
async fn load(token: &str, s: &ListState, manual: Option<GroupBy>) -> Result<Loaded, api::Failure> {
    let query = s.export_query(clock::local_offset);
    let ask = |period: GroupBy| summary_query(&query, period);
    let day = |d: &str| phonerecords_shared::date::Date::parse(d);
    let known = manual.or_else(|| match (day(&s.from), day(&s.to)) {
        (Some(from), Some(to)) => Some(choose_period(
            to.days_since_epoch() - from.days_since_epoch() + 1,
        )),
        _ => None,
    });
    let summary = match known {
        Some(period) => api::summary(token, &ask(period)).await?,
        None => {
            let days = api::summary(token, &ask(GroupBy::Day)).await?;
            if cut_notice(&days).is_some() {
                let months = api::summary(token, &format!("{query}&groupBy=month")).await?;
                Summary {
                    top_actions: days.top_actions,
                    ..months
                }
            } else {
                match span_days(&days).map_or(GroupBy::Day, choose_period) {
                    GroupBy::Day => days,
                    period => regroup(&days, period),
                }
            }
        }
    };
    let top = summary.top_actions.clone().unwrap_or_default();
    Ok((summary, top))
}

/// The summary panel of the list's current view: exactly its filters and
/// search (`ListState::export_query`, every page). Nothing while it loads or
/// when the view is empty; a failure is a line that says so, never the list's.
#[component]
pub fn ViewSummary(#[prop(into)] state: Signal<ListState>) -> impl IntoView {
    let session = use_session();
    // The period the person chose; `None`: chosen from the view's range.
    let chosen = RwSignal::new(None::<GroupBy>);
    let retry = RwSignal::new(0u32);
    // Only what changes the totals: paging, page size and sort do not refetch.
    let view = Memo::new(move |_| {
        state.with(|s| {
            let d = ListState::default();
            ListState {
                page: 1,
                page_size: d.page_size,
                sort: d.sort,
                ..s.clone()
            }
        })
    });
    let deletes = use_deletes();
    let edited = use_context::<ListEdited>();
    let data = LocalResource::new(move || {
        let s = view.get();
        let manual = chosen.get();
        retry.track();
        // A delete answered, or calls changed from the list: the view's
        // totals changed with them.
        deletes.settled();
        if let Some(ListEdited(edited)) = edited {
            edited.track();
        }
        let token = session.token();
        async move {
            let result = load(&token, &s, manual).await;
            session.check(&result);
            result
        }
    });
    Effect::new(move |_| {
        if data.with(Option::is_some) {
            first_paint::done(Part::Summary);
        }
    });
    let on_period = Callback::new(move |p: GroupBy| chosen.set(Some(p)));
    let more = RwSignal::new(false);
    let matter_href =
        Callback::new(move |id: i64| state.with_untracked(|s| s.with_matter(id).href()));
    move || {
        match data.get() {
        None => None,
        Some(Err(failure)) => Some(
            view! {
                <p class="summary-error" role="status">
                    {format!("Totals are not available: {}", failure.message())}" "
                    <button type="button" class="link" on:click=move |_| retry.update(|n| *n += 1)>"Try again"</button>
                </p>
            }
            .into_any(),
        ),
        Some(Ok((summary, _))) if summary.count == 0 => None,
        Some(Ok((summary, top))) => Some(
            view! { <SummaryPanel summary=summary top=top on_period=on_period matter_href=matter_href more=more/> }
                .into_any(),
        ),
    }
    }
}
