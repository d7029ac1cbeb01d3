//! Component tests of the import's preview in a real headless Chromium:
//! the guessed columns, the required fields, and the first rows with the
//! shared validation's messages by cell, following a changed column.

use leptos::prelude::*;
use phonerecords_shared::import::{self, Target};
use phonerecords_ui::components::import::{ImportPreview, PREVIEW_ROWS};
use phonerecords_ui::csv;
use phonerecords_ui::import_model;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, Event, HtmlElement, HtmlSelectElement};

mod common;
use common::*;

wasm_bindgen_test_configure!(run_in_browser);

fn select(root: &HtmlElement, selector: &str) -> HtmlSelectElement {
    root.query_selector(selector)
        .unwrap()
        .unwrap()
        .unchecked_into()
}

const FILE: &str = "Start time,Direction,Result,Duration,Caller,Extension\n\
    2025-09-17 09:00,Inbound,Call completed,900,Ann,201\n\
    2025-09-17 10:00,sideways,Left a message,60,Bob,202\n\
    2025-09-17 11:00,out,,abc,Cy,203\n";

fn rows_of(root: &HtmlElement) -> Vec<Element> {
    all(root, ".import-rows tbody tr")
}

#[wasm_bindgen_test]
async fn the_preview_shows_the_guessed_columns_and_each_cells_problems() {
    let root = container();
    let mut long = String::from(FILE);
    for i in 0..15 {
        long.push_str(&format!("2025-09-18 09:{i:02},in,Done,30,Dee,204\n"));
    }
    let table = csv::parse(&long).unwrap();
    let targets = RwSignal::new(import::guess_all(&table.header, &[]));
    let t = table.clone();
    let checked = Signal::derive(move || {
        targets.with(|ts| import_model::check(&t, ts, &|_, _| "+13:00".into()))
    });
    let t = table.clone();
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <ImportPreview table=Signal::derive(move || t.clone()) targets=targets checked=checked/> }
    });

    // Guessed from the headers; an unknown header is not imported.
    let chosen: Vec<String> = (0..6)
        .map(|i| select(&root, &format!("#import-col-{i}")).value())
        .collect();
    assert_eq!(
        chosen,
        [
            "callTimestamp",
            "direction",
            "outcome",
            "actualHours:seconds",
            "fromParticipantOther",
            ""
        ]
    );
    assert_eq!(text(&root, "label[for=import-col-3]"), "Column “Duration”");
    assert_eq!(
        select(&root, "#import-col-3")
            .selected_options()
            .item(0)
            .unwrap()
            .text_content()
            .unwrap(),
        "Duration in seconds (900)"
    );
    assert!(text(&root, ".import-required").contains("Date and time: column “Start time”"));
    assert_eq!(
        text(&root, ".import-counts"),
        "18 rows: 16 ready to import, 2 with problems (skipped)."
    );

    // The first rows, each cell with the shared validation's message.
    let rows = rows_of(&root);
    assert_eq!(rows.len(), PREVIEW_ROWS);
    assert!(rows[0].text_content().unwrap().contains("Ready"));
    let second = rows[1].text_content().unwrap();
    assert!(
        second.contains("Skipped") && second.contains("direction must be \"in\" or \"out\""),
        "{second}"
    );
    let invalid: Vec<String> = all(&root, ".import-rows tbody tr:nth-child(3) td.invalid")
        .iter()
        .map(|td| td.get_attribute("data-label").unwrap())
        .collect();
    assert_eq!(invalid, ["Result", "Duration"]);
    assert!(text(&root, ".import-rows tbody tr:nth-child(3)").contains("outcome is required"));
    assert!(
        text(&root, ".import-rows tbody tr:nth-child(3)")
            .contains("“abc” is not a duration in seconds such as 900")
    );
    assert_eq!(
        text(&root, ".import-rows tbody tr:nth-child(3) th"),
        "4",
        "rows are named by their line in the file"
    );
    assert_eq!(
        all(&root, ".import-rows thead th").len(),
        2 + 5,
        "ignored columns are not shown"
    );

    // A column changed by hand: the preview follows.
    let direction = select(&root, "#import-col-1");
    direction.set_value("");
    direction
        .dispatch_event(&Event::new("change").unwrap())
        .unwrap();
    leptos::task::tick().await;
    assert_eq!(targets.get_untracked()[1], Target::Ignore);
    let missing = text(&root, ".import-required li.missing");
    assert_eq!(missing, "Direction: no column chosen");
    assert!(
        text(&root, ".import-rows tbody tr:nth-child(1)")
            .contains("Direction is required: choose the column that holds it")
    );
    assert_eq!(
        text(&root, ".import-counts"),
        "18 rows: 0 ready to import, 18 with problems (skipped)."
    );

    let duration = select(&root, "#import-col-3");
    direction.set_value("direction");
    direction
        .dispatch_event(&Event::new("change").unwrap())
        .unwrap();
    duration.set_value("actualHours:minutes");
    duration
        .dispatch_event(&Event::new("change").unwrap())
        .unwrap();
    leptos::task::tick().await;
    assert_eq!(all(&root, ".import-required li.missing").len(), 0);
    let checked_now = checked.get_untracked();
    assert_eq!(
        checked_now[0].body["actualHours"], 15.0,
        "900 read as minutes is 15 hours"
    );
    assert!(
        text(&root, ".import-rows tbody tr:nth-child(3)")
            .contains("“abc” is not a duration in minutes such as 15")
    );
}
