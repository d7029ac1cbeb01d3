//! Component tests in a real headless Chromium (wasm-bindgen-test-runner with
//! Debian's chromedriver): each mounts a component into a fresh element,
//! acts on it as a person would, and checks what the page shows.

use leptos::prelude::*;
use phonerecords_shared::{Field, PhoneRecord, PhoneRecordPageData};
use phonerecords_ui::components::call_page::CallDetails;
use phonerecords_ui::components::list::{Pager, RecordsTable};
use phonerecords_ui::components::record_form::RecordForm;
use phonerecords_ui::form_model::{Errors, FormValues};
use phonerecords_ui::list_state::{ListState, Sort};
use serde_json::{Value, json};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Event, HtmlElement, HtmlInputElement};

mod common;
use common::*;

wasm_bindgen_test_configure!(run_in_browser);

fn click(root: &HtmlElement, selector: &str) {
    find(root, selector).unchecked_into::<HtmlElement>().click();
}

/// Clicks the button under `scope` whose text is `text`.
fn click_button(root: &HtmlElement, scope: &str, text: &str) {
    all(root, &format!("{scope} button"))
        .into_iter()
        .find(|b| b.text_content().unwrap() == text)
        .unwrap_or_else(|| panic!("no {text:?} button in {scope}"))
        .unchecked_into::<HtmlElement>()
        .click();
}

fn type_into(root: &HtmlElement, selector: &str, value: &str) {
    let input: HtmlInputElement = find(root, selector).unchecked_into();
    input.set_value(value);
    input.dispatch_event(&Event::new("input").unwrap()).unwrap();
    input.dispatch_event(&Event::new("blur").unwrap()).unwrap();
}

fn record(id: i64, direction: &str, notes: &str) -> PhoneRecord {
    serde_json::from_value(json!({
        "id": id, "direction": direction, "callTimestamp": "2025-09-17T09:12:32+12:00",
        "outcome": "Call completed", "actualHours": 1.5, "toParticipantOther": "AJ Accountants LLC",
        "phoneNumber": "+44 493 993938", "phoneNumberType": "Business", "notes": notes,
        "links": {"action": 321845, "fromParticipant": 8945}
    }))
    .unwrap()
}

#[wasm_bindgen_test]
async fn the_table_shows_each_record_and_marks_the_sorted_column() {
    let root = container();
    let sorted = RwSignal::new(None::<Field>);
    let records = vec![
        record(1, "in", "Discussed <b>progress</b>"),
        record(2, "out", &"long note ".repeat(20)),
    ];
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <RecordsTable records=records sort=Sort::default() on_sort=Callback::new(move |f| sorted.set(Some(f)))/> }
    });
    let rows = all(&root, "tbody tr");
    assert_eq!(rows.len(), 2);
    let first = rows[0].text_content().unwrap();
    for expected in [
        "In",
        "AJ Accountants LLC",
        "Participant #8945",
        "+44 493 993938 (Business)",
        "1:30",
        "Call completed",
        "#321845",
    ] {
        assert!(first.contains(expected), "{expected} missing from {first}");
    }
    assert!(
        first.contains("Discussed <b>progress</b>"),
        "markup in notes is shown as text"
    );
    assert!(all(&root, "td b").is_empty(), "and never becomes markup");
    assert!(
        rows[1].text_content().unwrap().contains('…'),
        "long notes are cut"
    );
    assert_eq!(
        find(&root, ".dir-out").text_content().unwrap().trim(),
        "↗ Out"
    );
    let time = find(&root, "td[data-label=When] a");
    assert_eq!(
        time.get_attribute("title").unwrap(),
        "Recorded as 2025-09-17T09:12:32+12:00"
    );
    assert_eq!(time.get_attribute("href").unwrap(), "/calls/1");

    let sorted_headers = all(&root, "th[aria-sort]");
    assert_eq!(
        sorted_headers.len(),
        1,
        "only the sorted column has aria-sort"
    );
    assert_eq!(
        sorted_headers[0].get_attribute("aria-sort").unwrap(),
        "descending"
    );
    assert!(sorted_headers[0].text_content().unwrap().contains("When"));

    let duration_button = all(&root, "th button.sort")
        .into_iter()
        .find(|b| b.text_content().unwrap().contains("Duration"))
        .unwrap();
    duration_button.unchecked_into::<HtmlElement>().click();
    leptos::task::tick().await;
    assert_eq!(sorted.get_untracked(), Some(Field::ActualHours));
}

#[wasm_bindgen_test]
async fn a_calls_matter_links_to_the_list_of_that_matters_calls() {
    let root = container();
    let mut without = record(2, "out", "");
    without.links.action = None;
    let records = vec![record(1, "in", ""), without];
    let view_of = ListState {
        direction: "in".into(),
        page: 3,
        ..ListState::default()
    };
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        let href = Callback::new(move |id: i64| view_of.with_matter(id).href());
        view! { <RecordsTable records=records sort=Sort::default() on_sort=Callback::new(|_| {}) matter_href=href/> }
    });
    let cells = all(&root, "td[data-label=Matter]");
    // The row's matter narrows the view the list shows, from its first page.
    let link = cells[0].query_selector("a").unwrap().expect("a link");
    assert_eq!(link.text_content().unwrap(), "#321845");
    assert_eq!(
        link.get_attribute("href").unwrap(),
        "/?direction=in&matter=321845"
    );
    assert_eq!(
        link.get_attribute("title").unwrap(),
        "All calls on matter #321845"
    );
    assert!(
        cells[1].query_selector("a").unwrap().is_none(),
        "no matter, no link"
    );
    assert_eq!(cells[1].text_content().unwrap(), "—");

    // On a call's own page, the matter leads to all of its calls.
    let page = container();
    let _page = leptos::mount::mount_to(page.clone(), move || {
        view! { <CallDetails record=record(5, "in", "")/> }
    });
    let link = find(&page, "dd a[href^='/']");
    assert_eq!(link.text_content().unwrap(), "#321845");
    assert_eq!(link.get_attribute("href").unwrap(), "/?matter=321845");
    // And the number dials.
    let tel = find(&page, "dd a[href^='tel:']");
    assert_eq!(tel.text_content().unwrap(), "+44 493 993938");
    assert_eq!(tel.get_attribute("href").unwrap(), "tel:+44493993938");
    assert_eq!(
        all(&page, "dd a").len(),
        2,
        "only the matter and the number are links"
    );
}

#[wasm_bindgen_test]
async fn ascending_sort_is_announced() {
    let root = container();
    let sort = Sort {
        field: Field::Outcome,
        descending: false,
    };
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <RecordsTable records=vec![record(3, "in", "x")] sort=sort on_sort=Callback::new(|_| {})/> }
    });
    let th = find(&root, "th[aria-sort]");
    assert_eq!(th.get_attribute("aria-sort").unwrap(), "ascending");
    assert!(th.text_content().unwrap().contains("Outcome"));
}

fn meta(page: u64, count: u64) -> PhoneRecordPageData {
    PhoneRecordPageData {
        record_count: count,
        page_count: count.div_ceil(50),
        page,
        page_size: 50,
        prev_page: None,
        next_page: None,
    }
}

fn button(root: &HtmlElement, label: &str) -> HtmlElement {
    find(root, &format!("button[aria-label='{label}']")).unchecked_into()
}

fn disabled(root: &HtmlElement, label: &str) -> bool {
    button(root, label).has_attribute("disabled")
}

#[wasm_bindgen_test]
async fn the_pager_shows_the_range_and_moves_between_pages() {
    let root = container();
    let went = RwSignal::new(Vec::<u32>::new());
    let size = RwSignal::new(None::<u32>);
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        view! {
            <Pager meta=meta(2, 2487)
                on_page=Callback::new(move |p| went.update(|w| w.push(p)))
                on_page_size=Callback::new(move |n| size.set(Some(n)))/>
        }
    });
    assert_eq!(text(&root, ".range"), "51–100 of 2,487");
    assert!(text(&root, ".page-of").contains("Page 2 of 50"));
    assert!(!disabled(&root, "First page") && !disabled(&root, "Next page"));
    for label in ["First page", "Previous page", "Next page", "Last page"] {
        button(&root, label).click();
    }
    leptos::task::tick().await;
    assert_eq!(went.get_untracked(), vec![1, 1, 3, 50]);
    let select: web_sys::HtmlSelectElement = find(&root, ".page-size select").unchecked_into();
    assert_eq!(select.value(), "50");
    select.set_value("200");
    select
        .dispatch_event(&Event::new("change").unwrap())
        .unwrap();
    leptos::task::tick().await;
    assert_eq!(size.get_untracked(), Some(200));
}

#[wasm_bindgen_test]
async fn the_pager_disables_what_leads_nowhere() {
    let first = container();
    let _a = leptos::mount::mount_to(first.clone(), || {
        view! { <Pager meta=meta(1, 30) on_page=Callback::new(|_| {}) on_page_size=Callback::new(|_| {})/> }
    });
    for label in ["First page", "Previous page", "Next page", "Last page"] {
        assert!(disabled(&first, label), "{label} on the only page");
    }
    assert_eq!(text(&first, ".range"), "1–30 of 30");
    let last = container();
    let _b = leptos::mount::mount_to(last.clone(), || {
        view! { <Pager meta=meta(50, 2487) on_page=Callback::new(|_| {}) on_page_size=Callback::new(|_| {})/> }
    });
    assert!(disabled(&last, "Next page") && disabled(&last, "Last page"));
    assert!(!disabled(&last, "Previous page"));
    assert_eq!(text(&last, ".range"), "2,451–2,487 of 2,487");
}

#[wasm_bindgen_test]
async fn the_pager_counts_only_the_calls_on_screen() {
    // Page 1 of 100 calls, one of its 25 waiting for its undo window: the
    // list hides it and passes the paging without it (`without_hidden`).
    let root = container();
    let mut paging = meta(1, 99);
    paging.page_size = 25;
    paging.page_count = 4;
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <Pager meta=paging.clone() shown=24 on_page=Callback::new(|_| {}) on_page_size=Callback::new(|_| {})/> }
    });
    assert_eq!(text(&root, ".range"), "1–24 of 99");
}

struct Form {
    root: HtmlElement,
    submitted: RwSignal<Vec<Value>>,
    server: RwSignal<Errors>,
}

fn mount_form(values: FormValues, is_new: bool) -> (Form, impl Sized) {
    let root = container();
    let submitted = RwSignal::new(Vec::<Value>::new());
    let server = RwSignal::new(Errors::new());
    let handle = leptos::mount::mount_to(root.clone(), move || {
        view! {
            <RecordForm initial=values is_new=is_new server_errors=server saving=Signal::stored(false)
                on_submit=Callback::new(move |b| submitted.update(|s| s.push(b)))
                on_cancel=Callback::new(|_| {})/>
        }
    });
    (
        Form {
            root,
            submitted,
            server,
        },
        handle,
    )
}

fn new_call() -> FormValues {
    FormValues::new_call("2025-09-17".into(), "09:12".into(), "+12:00".into())
}

/// Resolves at the next animation frame, after any the page asked for.
async fn next_frame() {
    let frame = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .request_animation_frame(&resolve)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(frame).await.unwrap();
}

fn error_text(root: &HtmlElement, id: &str) -> Option<String> {
    root.query_selector(&format!("#{id}-error"))
        .unwrap()
        .map(|e| e.text_content().unwrap_or_default())
}

#[wasm_bindgen_test]
async fn the_form_shows_the_shared_rules_as_a_person_types() {
    let (f, _h) = mount_form(new_call(), true);
    assert_eq!(
        error_text(&f.root, "outcome"),
        None,
        "no complaint before the person acts"
    );
    click(&f.root, "button[type=submit]");
    leptos::task::tick().await;
    assert_eq!(
        error_text(&f.root, "outcome").as_deref(),
        Some("outcome must not be blank")
    );
    assert_eq!(
        find(&f.root, "#outcome")
            .get_attribute("aria-invalid")
            .as_deref(),
        Some("true")
    );
    assert_eq!(
        find(&f.root, "#outcome")
            .get_attribute("aria-describedby")
            .as_deref(),
        Some("outcome-error")
    );
    assert!(text(&f.root, ".form-summary").contains("1 problem"));
    assert!(
        f.submitted.get_untracked().is_empty(),
        "nothing is sent while a rule is broken"
    );
    next_frame().await;
    assert_eq!(
        document().active_element().map(|e| e.id()).as_deref(),
        Some("outcome"),
        "the person is taken to the first problem"
    );

    type_into(&f.root, "#outcome", &"x".repeat(256));
    leptos::task::tick().await;
    assert_eq!(
        error_text(&f.root, "outcome").as_deref(),
        Some("outcome must be at most 255 characters (it has 256)")
    );
    type_into(&f.root, "#duration", "ten");
    type_into(&f.root, "#phoneNumber", "call me");
    type_into(&f.root, "#matter", "0");
    type_into(&f.root, "#offset", "");
    leptos::task::tick().await;
    assert_eq!(
        error_text(&f.root, "duration").as_deref(),
        Some("Duration must be a number")
    );
    assert_eq!(
        error_text(&f.root, "phoneNumber").as_deref(),
        Some("phoneNumber must contain at least one digit")
    );
    assert!(error_text(&f.root, "matter").unwrap().contains("from 1 to"));
    assert!(
        error_text(&f.root, "when")
            .unwrap()
            .contains("no time zone offset")
    );

    type_into(&f.root, "#outcome", "Call completed");
    type_into(&f.root, "#duration", "15");
    type_into(&f.root, "#phoneNumber", "+64 9 555 0101");
    type_into(&f.root, "#matter", "42");
    type_into(&f.root, "#offset", "+12:00");
    leptos::task::tick().await;
    for id in ["outcome", "duration", "phoneNumber", "matter", "when"] {
        assert_eq!(error_text(&f.root, id), None, "{id} still complains");
    }
    click(&f.root, "button[type=submit]");
    leptos::task::tick().await;
    assert_eq!(
        f.submitted.get_untracked(),
        vec![
            json!({"direction": "out", "callTimestamp": "2025-09-17T09:12:00+12:00", "outcome": "Call completed",
                    "actualHours": 0.25, "phoneNumber": "+64 9 555 0101", "links": {"action": 42}})
        ]
    );
}

#[wasm_bindgen_test]
async fn a_new_call_can_be_timed_and_saving_stops_its_timer() {
    let (f, _h) = mount_form(
        FormValues {
            outcome: "Call completed".into(),
            ..new_call()
        },
        true,
    );
    let timer_button = || find(&f.root, ".timer-button").text_content().unwrap();
    assert_eq!(timer_button(), "Start timer");
    assert!(f.root.query_selector("[role=timer]").unwrap().is_none());
    click(&f.root, ".timer-button");
    leptos::task::tick().await;
    assert_eq!(timer_button(), "Stop timer");
    assert_eq!(text(&f.root, "[role=timer]"), "0:00:00");
    let date: HtmlInputElement = find(&f.root, "#date").unchecked_into();
    assert_ne!(date.value(), "2025-09-17", "the call is now");
    // Saving while timing: the timer stops and the body has its minute.
    click(&f.root, "button[type=submit]");
    leptos::task::tick().await;
    let sent = f.submitted.get_untracked();
    assert_eq!(sent.len(), 1);
    let hours = sent[0]["actualHours"].as_f64().expect("a duration");
    assert!(
        (hours - 1.0 / 60.0).abs() < 1e-6,
        "one started minute: {hours}"
    );
    assert_eq!(timer_button(), "Start timer");
    let duration: HtmlInputElement = find(&f.root, "#duration").unchecked_into();
    assert_eq!(duration.value(), "1");
    // A correction is not timed.
    let (edit, _e) = mount_form(new_call(), false);
    assert!(edit.root.query_selector(".timer-button").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn server_errors_appear_next_to_their_fields_until_edited() {
    let (f, _h) = mount_form(
        FormValues {
            outcome: "Call completed".into(),
            ..new_call()
        },
        true,
    );
    f.server.set(Errors::from([
        (
            "outcome".to_owned(),
            "outcome was refused by the server".to_owned(),
        ),
        (
            "links.action".to_owned(),
            "links.action must be a whole number from 1 to 9007199254740991".to_owned(),
        ),
        (
            "callTimestamp".to_owned(),
            "callTimestamp is not a valid date and time".to_owned(),
        ),
    ]));
    leptos::task::tick().await;
    assert_eq!(
        error_text(&f.root, "outcome").as_deref(),
        Some("outcome was refused by the server")
    );
    assert!(
        error_text(&f.root, "matter")
            .unwrap()
            .starts_with("links.action must be")
    );
    assert_eq!(
        error_text(&f.root, "when").as_deref(),
        Some("callTimestamp is not a valid date and time")
    );
    type_into(&f.root, "#matter", "7");
    leptos::task::tick().await;
    assert_eq!(
        error_text(&f.root, "matter"),
        None,
        "editing the field clears the server's complaint"
    );
    assert!(error_text(&f.root, "outcome").is_some(), "the others stay");
}

#[wasm_bindgen_test]
async fn editing_a_record_sends_only_the_changed_fields() {
    let r = record(9, "in", "to be removed");
    let (f, _h) = mount_form(FormValues::from_record(&r), false);
    leptos::task::tick().await;
    let offset: HtmlInputElement = find(&f.root, "#offset").unchecked_into();
    assert_eq!(offset.value(), "+12:00");
    assert_eq!(
        find(&f.root, "#duration")
            .unchecked_into::<HtmlInputElement>()
            .value(),
        "90"
    );
    // Nothing changed: nothing sent (no field rewritten).
    click(&f.root, "button[type=submit]");
    leptos::task::tick().await;
    assert_eq!(f.submitted.get_untracked(), vec![json!({})]);
    let notes: web_sys::HtmlTextAreaElement = find(&f.root, "#notes").unchecked_into();
    notes.set_value("");
    notes.dispatch_event(&Event::new("input").unwrap()).unwrap();
    // Changed and changed back: not sent.
    type_into(&f.root, "#phoneNumber", "+1 555 0100");
    type_into(&f.root, "#phoneNumber", "+44 493 993938");
    type_into(&f.root, "#matter", "42");
    click(&f.root, "button[type=submit]");
    leptos::task::tick().await;
    let sent = f.submitted.get_untracked();
    assert_eq!(sent.len(), 2);
    assert_eq!(
        sent[1],
        json!({"notes": null, "links": {"action": 42}}),
        "only the emptied notes and the changed matter"
    );
}

// ---- Selecting rows, and undoable deletes ----

use phonerecords_ui::api::Failure;
use phonerecords_ui::components::undo::{Deletes, PendingDelete, Selection, Sender, UndoNotice};
use phonerecords_ui::session::Session;
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;
use std::time::Duration;

fn checkbox(root: &HtmlElement, selector: &str) -> HtmlInputElement {
    find(root, selector).unchecked_into()
}

#[wasm_bindgen_test]
async fn rows_are_selected_one_by_one_or_all_on_the_page_and_deleted_together() {
    let root = container();
    let selected = RwSignal::new(BTreeSet::<i64>::new());
    let deleted = RwSignal::new(Vec::<Vec<i64>>::new());
    let setting = RwSignal::new(Vec::<Vec<i64>>::new());
    let records = vec![
        record(11, "in", "a"),
        record(12, "out", "b"),
        record(13, "in", "c"),
    ];
    let selection = Selection {
        selected,
        on_delete: Callback::new(move |ids| deleted.update(|d| d.push(ids))),
        on_set_matter: Callback::new(move |ids| setting.update(|d| d.push(ids))),
    };
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <RecordsTable records=records sort=Sort::default() on_sort=Callback::new(|_| {}) selection=selection/> }
    });
    let boxes = all(&root, "tbody td.select input[type=checkbox]");
    assert_eq!(boxes.len(), 3, "a checkbox on every row");
    // The day as the browser's clock and locale name it ("17 Sept 2025").
    let day = phonerecords_ui::clock::local_day(&record(11, "in", "a").call_timestamp);
    assert!(day.contains("17") && day.contains("2025"), "{day}");
    assert_eq!(
        boxes[0].get_attribute("aria-label").unwrap(),
        format!("Select the call with +44 493 993938 on {day}"),
        "each names its call"
    );
    assert!(
        root.query_selector(".selected-count").unwrap().is_none(),
        "no bar without a selection"
    );
    boxes[0].unchecked_ref::<HtmlElement>().click();
    boxes[2].unchecked_ref::<HtmlElement>().click();
    leptos::task::tick().await;
    assert_eq!(selected.get_untracked(), BTreeSet::from([11, 13]));
    assert_eq!(text(&root, ".selected-count"), "2 selected");
    assert_eq!(all(&root, "tbody tr.selected").len(), 2);
    let select_all = checkbox(&root, ".select-all input");
    assert!(
        select_all.indeterminate() && !select_all.checked(),
        "some, not all, selected"
    );
    select_all.click();
    leptos::task::tick().await;
    assert_eq!(text(&root, ".selected-count"), "3 selected");
    assert!(select_all.checked() && !select_all.indeterminate());
    assert!(
        all(&root, "tbody td.select input")
            .iter()
            .all(|b| b.unchecked_ref::<HtmlInputElement>().checked())
    );
    click_button(&root, ".bulk-bar", "Set matter…");
    leptos::task::tick().await;
    assert_eq!(
        setting.get_untracked(),
        vec![vec![11, 12, 13]],
        "Set matter… hands over the selected ids"
    );
    assert!(deleted.get_untracked().is_empty());
    find(&root, ".bulk-bar button.danger")
        .unchecked_into::<HtmlElement>()
        .click();
    leptos::task::tick().await;
    assert_eq!(
        deleted.get_untracked(),
        vec![vec![11, 12, 13]],
        "Delete hands over the selected ids"
    );
    select_all.click();
    leptos::task::tick().await;
    assert!(
        selected.get_untracked().is_empty(),
        "unchecking 'select all' clears the page"
    );
    assert!(root.query_selector(".selected-count").unwrap().is_none());
    boxes[1].unchecked_ref::<HtmlElement>().click();
    leptos::task::tick().await;
    click_button(&root, ".bulk-bar", "Clear selection");
    leptos::task::tick().await;
    assert!(selected.get_untracked().is_empty());
}

#[wasm_bindgen_test]
async fn set_matter_asks_for_a_matter_the_api_would_take_and_sends_nothing_else() {
    use phonerecords_ui::components::set_matter::SetMatterPanel;
    use phonerecords_ui::matter_model::Target;
    let root = container();
    let closed = RwSignal::new(0);
    let changed = RwSignal::new(0);
    let calls = vec![
        Target {
            id: 11,
            listed: None,
            what: "the call from Ann".into(),
        },
        Target {
            id: 12,
            listed: Some(4),
            what: "the call to Bo".into(),
        },
    ];
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        provide_context(Session::with_token("t"));
        view! {
            <SetMatterPanel calls=calls
                on_close=Callback::new(move |()| closed.update(|n| *n += 1))
                on_changed=Callback::new(move |()| changed.update(|n| *n += 1))/>
        }
    });
    leptos::task::tick().await;
    assert_eq!(
        text(&root, "label[for=set-matter-input]"),
        "Matter for the 2 selected calls"
    );
    let input: HtmlInputElement = find(&root, "#set-matter-input").unchecked_into();
    let focused = web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .active_element();
    assert_eq!(
        focused.map(|e| e.id()),
        Some("set-matter-input".into()),
        "the field takes the focus"
    );
    for (typed, expected) in [
        ("", "Enter the matter's number (its action id)."),
        ("abc", ""),
        ("0", ""),
    ] {
        type_into(&root, "#set-matter-input", typed);
        click(&root, ".set-matter button[type=submit]");
        leptos::task::tick().await;
        let error = text(&root, "#set-matter-error");
        assert!(!error.is_empty(), "{typed:?} is refused");
        if !expected.is_empty() {
            assert_eq!(error, expected);
        }
        assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("true"));
        assert!(
            root.query_selector("progress").unwrap().is_none(),
            "nothing sent for {typed:?}"
        );
    }
    click_button(&root, ".set-matter", "Cancel");
    leptos::task::tick().await;
    assert_eq!(closed.get_untracked(), 1);
    assert_eq!(changed.get_untracked(), 0);
}

/// Deletes whose requests are only counted, answering `answer`.
fn counted(
    delay_ms: u64,
    answer: Result<(), Failure>,
) -> (Deletes, Session, Rc<RefCell<Vec<PendingDelete>>>) {
    let session = Session::with_token("t");
    let sent = Rc::new(RefCell::new(Vec::new()));
    let log = sent.clone();
    let send: Sender = Rc::new(move |p: &PendingDelete| {
        log.borrow_mut().push(p.clone());
        let answer = answer.clone();
        Box::pin(async move { answer })
    });
    (
        Deletes::new(session, Duration::from_millis(delay_ms), send),
        session,
        sent,
    )
}

async fn sleep(ms: i32) {
    let done = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(done).await.unwrap();
}

#[wasm_bindgen_test]
async fn undo_brings_the_calls_back_without_any_request() {
    let root = container();
    let (deletes, session, sent) = counted(60_000, Ok(()));
    let _handle = leptos::mount::mount_to(
        root.clone(),
        move || view! { <UndoNotice deletes=deletes/> },
    );
    assert!(root.query_selector(".undo").unwrap().is_none());
    deletes.delete_many(vec![1, 2, 3]);
    leptos::task::tick().await;
    next_frame().await;
    assert_eq!(text(&root, ".undo span"), "3 calls deleted — ");
    assert!(deletes.is_hidden(2), "the rows disappear at once");
    let undo = find(&root, ".undo button");
    assert_eq!(undo.text_content().unwrap().trim(), "Undo");
    assert_eq!(
        document().active_element().as_ref(),
        Some(&undo),
        "Undo has the focus, for keyboard users"
    );
    undo.unchecked_into::<HtmlElement>().click();
    leptos::task::tick().await;
    assert!(
        root.query_selector(".undo").unwrap().is_none(),
        "the notice goes"
    );
    assert!(!deletes.is_hidden(2), "the rows come back");
    assert!(sent.borrow().is_empty(), "and nothing was sent");
    assert_eq!(
        session.notice.get_untracked().as_deref(),
        Some("Restored 3 calls.")
    );
}

#[wasm_bindgen_test]
async fn the_delete_is_sent_when_the_notice_expires_or_another_delete_starts() {
    let root = container();
    let (deletes, session, sent) = counted(150, Ok(()));
    let _handle = leptos::mount::mount_to(
        root.clone(),
        move || view! { <UndoNotice deletes=deletes/> },
    );
    deletes.delete_many(vec![4, 5]);
    leptos::task::tick().await;
    sleep(50).await;
    assert!(
        sent.borrow().is_empty(),
        "nothing is sent during the undo window"
    );
    assert!(root.query_selector(".undo").unwrap().is_some());
    sleep(200).await;
    leptos::task::tick().await;
    assert_eq!(
        sent.borrow()
            .iter()
            .map(|p| p.ids.clone())
            .collect::<Vec<_>>(),
        vec![vec![4, 5]]
    );
    assert_eq!(
        sent.borrow()[0].if_match,
        None,
        "a multi-id delete has no If-Match"
    );
    assert_eq!(sent.borrow()[0].token, "t");
    assert!(root.query_selector(".undo").unwrap().is_none());
    assert!(deletes.is_hidden(4), "deleted rows stay gone");
    assert_eq!(
        session.notice.get_untracked().as_deref(),
        Some("2 calls deleted.")
    );

    let one = record(6, "in", "x");
    deletes.delete_one(&one, Some("\"6-2\"".into()));
    leptos::task::tick().await;
    assert_eq!(
        text(&root, ".undo span"),
        format!(
            "Deleted the call with +44 493 993938 on {} — ",
            phonerecords_ui::clock::local_day(&one.call_timestamp)
        )
    );
    deletes.delete_many(vec![7]);
    leptos::task::tick().await;
    assert_eq!(
        sent.borrow().len(),
        2,
        "a second delete sends the first at once"
    );
    assert_eq!(sent.borrow()[1].ids, vec![6]);
    assert_eq!(
        sent.borrow()[1].if_match.as_deref(),
        Some("\"6-2\""),
        "a single delete keeps If-Match"
    );
    assert_eq!(text(&root, ".undo span"), "1 call deleted — ");
    deletes.flush();
    leptos::task::tick().await;
    assert_eq!(
        sent.borrow().len(),
        3,
        "flush (the tab hidden or closed) sends at once"
    );
    sleep(250).await;
    assert_eq!(sent.borrow().len(), 3, "and only once");
}

#[wasm_bindgen_test]
async fn a_failed_delete_brings_the_rows_back_with_the_reason() {
    let root = container();
    let reason = "there is no phone record with id 9, so none was deleted.";
    let (deletes, session, sent) = counted(60_000, Err(Failure::Other(reason.into())));
    let _handle = leptos::mount::mount_to(
        root.clone(),
        move || view! { <UndoNotice deletes=deletes/> },
    );
    deletes.delete_many(vec![8, 9]);
    leptos::task::tick().await;
    assert!(deletes.is_hidden(8));
    deletes.flush();
    leptos::task::tick().await;
    sleep(10).await;
    assert_eq!(sent.borrow().len(), 1);
    assert!(
        !deletes.is_hidden(8) && !deletes.is_hidden(9),
        "the rows come back"
    );
    assert_eq!(
        session.notice.get_untracked().unwrap(),
        format!("Could not delete 2 calls: {reason}")
    );
}

fn summary_data(by: &str, groups: Value) -> phonerecords_shared::summary::Summary {
    let list = groups.as_array().unwrap();
    let count: u64 = list.iter().map(|g| g["count"].as_u64().unwrap()).sum();
    let hours: f64 = list
        .iter()
        .map(|g| g["actualHours"].as_f64().unwrap())
        .sum();
    serde_json::from_value(json!({
        "groupBy": by, "count": count, "actualHours": hours, "countIn": 2, "countOut": count - 2,
        "groupCount": list.len(), "groups": groups
    }))
    .unwrap()
}

#[wasm_bindgen_test]
async fn the_summary_panel_shows_totals_and_one_bar_per_period() {
    use phonerecords_shared::summary::{Group, GroupBy};
    use phonerecords_ui::components::summary::SummaryPanel;
    let root = container();
    // Three days with calls, two without between them: five bars.
    let s = summary_data(
        "day",
        json!([
            {"key": "2025-03-10", "count": 3, "actualHours": 1.5},
            {"key": "2025-03-12", "count": 1, "actualHours": 0.25},
            {"key": "2025-03-14", "count": 2, "actualHours": 0.0}
        ]),
    );
    let top = vec![
        Group {
            key: json!(321845),
            count: 4,
            actual_hours: 1.5,
        },
        Group {
            key: Value::Null,
            count: 2,
            actual_hours: 0.25,
        },
    ];
    let chosen = RwSignal::new(None::<GroupBy>);
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <SummaryPanel summary=s top=top on_period=Callback::new(move |p| chosen.set(Some(p)))/> }
    });
    leptos::task::tick().await;
    assert_eq!(text(&root, ".total-calls"), "6");
    assert_eq!(text(&root, ".total-hours"), "1:45");
    assert_eq!(text(&root, ".total-split"), "2 / 4");
    let bars = all(&root, "svg rect.bar-calls");
    assert_eq!(
        bars.len(),
        5,
        "one bar per day from the first call's to the last's"
    );
    let heights: Vec<f64> = bars
        .iter()
        .map(|b| b.get_attribute("height").unwrap().parse().unwrap())
        .collect();
    assert_eq!(heights[0], 100.0, "the busiest day is the full height");
    assert_eq!(heights[1], 0.0, "a day without calls has an empty bar");
    assert!((heights[4] - 200.0 / 3.0).abs() < 1e-6);
    assert_eq!(all(&root, "svg rect.bar-hours").len(), 5);
    // Accessible: an image with a name, and a table with the same figures.
    let svg = find(&root, "svg");
    assert_eq!(svg.get_attribute("role").as_deref(), Some("img"));
    let label = svg.get_attribute("aria-label").unwrap();
    assert!(
        label.contains("per day") && label.contains("10 Mar 2025") && label.contains("14 Mar 2025"),
        "{label}"
    );
    let rows = all(&root, "table.chart-table tbody tr");
    assert_eq!(rows.len(), 5);
    let first = rows[0].text_content().unwrap();
    assert!(
        first.starts_with("10 Mar 2025") && first.ends_with("1:30"),
        "{first}"
    );
    // Top matters, most calls first; calls without a matter named so.
    let matters: Vec<String> = all(&root, ".top-matters li")
        .iter()
        .map(|l| l.text_content().unwrap())
        .collect();
    assert_eq!(matters.len(), 2);
    assert!(
        matters[0].starts_with("Matter #321845 4 calls · "),
        "{matters:?}"
    );
    assert!(matters[1].starts_with("No matter"), "{matters:?}");
    // The period switch.
    let select: web_sys::HtmlSelectElement = find(&root, "select[name=period]").unchecked_into();
    assert_eq!(select.value(), "day");
    select.set_value("week");
    select
        .dispatch_event(&Event::new("change").unwrap())
        .unwrap();
    assert_eq!(chosen.get_untracked(), Some(GroupBy::Week));
}

#[wasm_bindgen_test]
async fn the_summary_chart_of_weeks_and_months_counts_their_periods() {
    use phonerecords_ui::components::summary::SummaryPanel;
    let root = container();
    let weeks = summary_data(
        "week",
        json!([{"key": "2024-W52", "count": 1, "actualHours": 0.5}, {"key": "2025-W02", "count": 3, "actualHours": 1.0}]),
    );
    let months = summary_data(
        "month",
        json!([{"key": "2025-01", "count": 2, "actualHours": 0.5}]),
    );
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <div class="w"><SummaryPanel summary=weeks/></div><div class="m"><SummaryPanel summary=months/></div> }
    });
    leptos::task::tick().await;
    assert_eq!(
        all(&root, ".w rect.bar-calls").len(),
        3,
        "2024-W52, 2025-W01, 2025-W02"
    );
    assert_eq!(all(&root, ".m rect.bar-calls").len(), 1);
    assert!(
        all(&root, "select[name=period]").is_empty(),
        "no switch without a handler"
    );
    assert!(
        all(&root, ".top-matters").is_empty(),
        "no top matters without data"
    );
    assert_eq!(
        text(&root, ".w .chart-table caption"),
        "Calls and hours per week"
    );
}

#[wasm_bindgen_test]
async fn a_chart_of_only_the_first_periods_says_so_visibly_and_in_its_table() {
    use phonerecords_ui::components::summary::SummaryPanel;
    let root = container();
    // The API answered the first 2 of 1,500 days (its limit).
    let mut cut = summary_data(
        "day",
        json!([{"key": "2021-01-04", "count": 1, "actualHours": 0.5}, {"key": "2021-01-05", "count": 2, "actualHours": 1.0}]),
    );
    cut.group_count = 1500;
    let whole = summary_data(
        "month",
        json!([{"key": "2025-01", "count": 2, "actualHours": 0.5}]),
    );
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <div class="cut"><SummaryPanel summary=cut/></div><div class="whole"><SummaryPanel summary=whole/></div> }
    });
    leptos::task::tick().await;
    let notice = "Showing the first 2 days — choose week or month to see all";
    assert_eq!(text(&root, ".cut .chart-cut"), notice, "said on screen");
    let caption = text(&root, ".cut .chart-table caption");
    assert!(
        caption.contains(notice),
        "and in the table for screen readers: {caption}"
    );
    assert!(
        all(&root, ".whole .chart-cut").is_empty(),
        "nothing to say when every period is there"
    );
}

#[wasm_bindgen_test]
async fn the_outcome_suggests_outcomes_and_stays_free_text() {
    let root = container();
    let outcomes = RwSignal::new(vec![
        "Call completed".to_owned(),
        "Left a message".to_owned(),
    ]);
    let submitted = RwSignal::new(Vec::<Value>::new());
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        view! {
            <RecordForm initial=new_call() is_new=true server_errors=RwSignal::new(Errors::new())
                saving=Signal::stored(false)
                on_submit=Callback::new(move |b| submitted.update(|s| s.push(b)))
                on_cancel=Callback::new(|_| {})
                outcomes=outcomes/>
        }
    });
    leptos::task::tick().await;
    let input = find(&root, "#outcome");
    let list = input.get_attribute("list").unwrap();
    let options: Vec<String> = all(&root, &format!("datalist#{list} option"))
        .iter()
        .map(|o| o.get_attribute("value").unwrap())
        .collect();
    assert_eq!(
        options,
        ["Call completed", "Left a message"],
        "most used first"
    );
    outcomes.set(vec!["No answer".to_owned()]);
    leptos::task::tick().await;
    assert_eq!(all(&root, &format!("datalist#{list} option")).len(), 1);
    // Anything else may still be typed.
    type_into(&root, "#outcome", "Something new");
    click(&root, "button[type=submit]");
    leptos::task::tick().await;
    let sent = submitted.get_untracked();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["outcome"], "Something new");
}
