//! A batch create is one SQL statement (one D1 query, whatever its size, so
//! the Free plan's 50 queries per invocation never bind it) and all or
//! nothing: an invalid record stores none, and so does a statement D1 itself
//! refuses part-way (the fault hook `batch`, test servers only).

use crate::common::*;
use serde_json::{Value, json};

fn batch(n: usize, marker: &str) -> Value {
    let records: Vec<Value> = (0..n)
        .map(|i| {
            let mut r = minimal();
            r["notes"] = json!(format!("{marker} {i}"));
            r
        })
        .collect();
    json!({ "phonerecords": records })
}

fn statements(r: &Resp) -> u64 {
    let h = r.header("server-timing").expect("Server-Timing");
    h.split("statements=")
        .nth(1)
        .and_then(|v| v.trim_end_matches('"').split(['"', ' ']).next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no statements= in {h}"))
}

#[test]
fn a_hundred_records_are_one_statement_in_the_order_sent() {
    let marker = format!("batch-{}", nonce());
    let before = record_count();
    let r = post("/phonerecords", &batch(100, &marker));
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(statements(&r), 1, "one SQL statement");
    let (_, written, calls) = d1_cost(&r);
    assert_eq!(calls, 1);
    assert!(written >= 100, "{written}");
    let made = r.json();
    let notes: Vec<String> = made["phonerecords"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["notes"].as_str().unwrap().to_owned())
        .collect();
    let expected: Vec<String> = (0..100).map(|i| format!("{marker} {i}")).collect();
    assert_eq!(notes, expected, "answered in the order sent");
    let ids = ids_of(&made["phonerecords"]);
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "ids follow the order sent"
    );
    assert_eq!(record_count(), before + 100);
    // Each is stored as answered.
    let listed = get(&format!(
        "/phonerecords?notes_like={}*&pageSize=200&sort=id",
        enc(&marker)
    ))
    .json();
    assert_eq!(ids_of(&listed["phonerecords"]), ids);
    let path = format!(
        "/phonerecords/{}",
        ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
    );
    assert_eq!(delete(&path).status, 204);
    assert_eq!(record_count(), before);
}

#[test]
fn a_batch_d1_refuses_part_way_stores_nothing() {
    let marker = format!("refused-{}", nonce());
    let before = record_count();
    let body = serde_json::to_vec(&batch(20, &marker)).unwrap();
    let r = request("POST", "/phonerecords")
        .to(&base_url())
        .token(&token())
        .header("Content-Type", "application/json")
        .header("X-Phonerecords-Fault", "batch")
        .body(&body)
        .send_allowing_500();
    assert_eq!(r.status, 500, "{}", r.text());
    assert_eq!(record_count(), before, "none of the 20 was stored");
    let found = get(&format!("/phonerecords?notes_like={}*", enc(&marker))).json();
    assert_eq!(found["phonerecords"], json!([]));
    let searched = get(&format!("/phonerecords?q={}", enc(&marker))).json();
    assert_eq!(
        searched["phonerecords"],
        json!([]),
        "nor indexed for search"
    );
    // Without the fault the same batch is stored whole.
    let r = post("/phonerecords", &batch(20, &marker));
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(record_count(), before + 20);
    let ids = ids_of(&r.json()["phonerecords"]);
    let path = format!(
        "/phonerecords/{}",
        ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
    );
    assert_eq!(delete(&path).status, 204);
}

#[test]
fn a_batch_with_one_invalid_record_stores_none() {
    let marker = format!("invalid-{}", nonce());
    let before = record_count();
    let mut body = batch(10, &marker);
    body["phonerecords"][7]["direction"] = json!("sideways");
    let errs = post("/phonerecords", &body).errors(422);
    assert_eq!(errs[0].0, "phonerecords[7].direction");
    assert_eq!(record_count(), before);
}
