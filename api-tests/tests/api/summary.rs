//! GET /phonerecords/summary: a view's totals and groups. Every test works on
//! its own matter (a fresh action id), so other tests' records never count.
use crate::common::*;
use serde_json::{Value, json};

/// A matter no other test or run uses.
fn matter() -> i64 {
    // Below 2^53 and unlikely to collide with seeded matters.
    1_000_000_000 + (nonce() % 8_000_000_000_000) as i64
}

/// The calls of one matter, varied in day, offset, direction, hours and outcome.
fn seed(action: i64) -> Vec<Value> {
    let calls = [
        (
            "2025-03-10T23:30:00-05:00",
            "in",
            Some(0.25),
            "Call completed",
            "Invoice sent",
        ),
        (
            "2025-03-11T00:30:00+12:00",
            "out",
            Some(1.5),
            "Left a message",
            "about the lease",
        ),
        (
            "2025-03-11T09:00:00Z",
            "out",
            None,
            "Call completed",
            "invoice query",
        ),
        (
            "2025-03-17T10:00:00+01:00",
            "in",
            Some(0.1),
            "No answer",
            "lease",
        ),
        (
            "2025-03-23T10:00:00Z",
            "out",
            Some(0.2),
            "Call completed",
            "other",
        ),
        (
            "2025-04-02T08:15:00+10:00",
            "in",
            Some(2.0),
            "Call completed",
            "INVOICE",
        ),
        (
            "2024-12-30T09:00:00Z",
            "out",
            Some(0.5),
            "Left a message",
            "year end",
        ),
    ];
    let bodies: Vec<Value> = calls
        .iter()
        .map(|(ts, dir, hours, outcome, notes)| {
            let mut b = json!({"direction": dir, "callTimestamp": ts, "outcome": outcome,
                "notes": notes, "links": {"action": action}});
            if let Some(h) = hours {
                b["actualHours"] = json!(h);
            }
            b
        })
        .collect();
    let r = post("/phonerecords", &json!({"phonerecords": bodies}));
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()["phonerecords"].as_array().unwrap().clone()
}

fn summary(query: &str) -> Value {
    let path = format!("/phonerecords/summary?{query}");
    let r = get(&path);
    assert_eq!(r.status, 200, "{path}: {}", r.text());
    assert!(
        r.header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
    r.json()
}

/// Every record of the list's view (pages of 200).
fn listed(query: &str) -> Vec<Value> {
    let mut all = Vec::new();
    for page in 1.. {
        let r = get(&format!("/phonerecords?{query}&pageSize=200&page={page}"));
        assert_eq!(r.status, 200, "{}", r.text());
        let records = r.json()["phonerecords"].as_array().unwrap().clone();
        let done = records.len() < 200;
        all.extend(records);
        if done {
            break;
        }
    }
    all
}

fn hours(records: &[&Value]) -> f64 {
    records
        .iter()
        .map(|r| r["actualHours"].as_f64().unwrap_or(0.0))
        .sum()
}

fn close(a: &Value, b: f64) -> bool {
    (a.as_f64().unwrap() - b).abs() < 1e-6
}

/// The totals equal the sums of the listed records, and the groups add up.
fn check_totals(query: &str) -> Value {
    let records = listed(query);
    let refs: Vec<&Value> = records.iter().collect();
    let s = summary(&format!("{query}&groupBy=direction"));
    assert_eq!(s["count"], json!(records.len()), "{query}: {s}");
    assert!(close(&s["actualHours"], hours(&refs)), "{query}: {s}");
    let ins = records.iter().filter(|r| r["direction"] == "in").count();
    assert_eq!(s["countIn"], json!(ins), "{query}");
    assert_eq!(s["countOut"], json!(records.len() - ins), "{query}");
    for g in ["day", "week", "month", "action", "outcome", "direction"] {
        let s = summary(&format!("{query}&groupBy={g}"));
        let groups = s["groups"].as_array().unwrap();
        assert_eq!(s["groupCount"], json!(groups.len()));
        let sum: u64 = groups.iter().map(|g| g["count"].as_u64().unwrap()).sum();
        assert_eq!(sum, records.len() as u64, "{query} by {g}: {s}");
        let h: f64 = groups
            .iter()
            .map(|g| g["actualHours"].as_f64().unwrap())
            .sum();
        assert!((h - hours(&refs)).abs() < 1e-6, "{query} by {g}");
    }
    s
}

#[test]
fn totals_equal_the_sums_of_the_listed_records() {
    let action = matter();
    seed(action);
    let a = format!("action={action}");
    let s = check_totals(&a);
    assert_eq!(s["count"], 7);
    assert!(close(&s["actualHours"], 4.55), "{s}");
    for extra in [
        "direction=in",
        "direction=out",
        "q=invoice",
        "q=lease",
        "outcome_like=*message*",
        "callTimestamp_gteq=2025-03-11T00:00:00Z&callTimestamp_lt=2025-04-01",
        "actualHours=:NULL",
        "q=nothing-like-this",
    ] {
        check_totals(&format!("{a}&{extra}"));
    }
}

#[test]
fn each_grouping_keys_and_orders_its_groups() {
    let action = matter();
    seed(action);
    let by = |g: &str| summary(&format!("action={action}&groupBy={g}"));
    let keys = |s: &Value| -> Vec<(Value, u64)> {
        s["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| (g["key"].clone(), g["count"].as_u64().unwrap()))
            .collect()
    };
    // Local days, in the offset each call was recorded with.
    assert_eq!(
        keys(&by("day")),
        vec![
            (json!("2024-12-30"), 1),
            (json!("2025-03-10"), 1),
            (json!("2025-03-11"), 2),
            (json!("2025-03-17"), 1),
            (json!("2025-03-23"), 1),
            (json!("2025-04-02"), 1),
        ]
    );
    // ISO weeks: 2024-12-30 is in 2025's first week; 23 March is a Sunday.
    assert_eq!(
        keys(&by("week")),
        vec![
            (json!("2025-W01"), 1),
            (json!("2025-W11"), 3),
            (json!("2025-W12"), 2),
            (json!("2025-W14"), 1),
        ]
    );
    assert_eq!(
        keys(&by("month")),
        vec![
            (json!("2024-12"), 1),
            (json!("2025-03"), 5),
            (json!("2025-04"), 1)
        ]
    );
    // Most calls first.
    assert_eq!(
        keys(&by("outcome")),
        vec![
            (json!("Call completed"), 4),
            (json!("Left a message"), 2),
            (json!("No answer"), 1),
        ]
    );
    assert_eq!(
        keys(&by("direction")),
        vec![(json!("out"), 4), (json!("in"), 3)]
    );
    let s = by("action");
    assert_eq!(keys(&s), vec![(json!(action), 7)]);
    assert!(close(&s["groups"][0]["actualHours"], 4.55));
    let limited = summary(&format!("action={action}&groupBy=day&limit=2"));
    assert_eq!(limited["groupCount"], 6);
    assert_eq!(limited["groups"].as_array().unwrap().len(), 2);
    assert_eq!(limited["count"], 7);
}

#[test]
fn calls_without_a_matter_group_under_null() {
    let r = post(
        "/phonerecords",
        &json!({"direction": "in", "callTimestamp": "2025-03-10T10:00:00Z", "outcome": "x",
                "notes": format!("summary-null-{}", nonce())}),
    );
    let rec = r.json();
    let s = summary(&format!("id={}&groupBy=action", rec["id"]));
    assert_eq!(
        s["groups"],
        json!([{"key": null, "count": 1, "actualHours": 0.0}])
    );
}

#[test]
fn an_empty_view_has_zero_totals() {
    let s = summary(&format!("action={}&groupBy=day", matter()));
    assert_eq!(
        s,
        json!({"groupBy": "day", "count": 0, "actualHours": 0.0, "countIn": 0, "countOut": 0,
               "groupCount": 0, "groups": []})
    );
}

#[test]
fn client_mistakes_are_400() {
    let cases = [
        ("", "groupBy", "missing_parameter"),
        ("groupBy=year", "groupBy", "invalid_parameter"),
        ("groupBy=", "groupBy", "invalid_parameter"),
        ("groupBy=day&groupBy=week", "groupBy", "duplicate_parameter"),
        ("groupBy=day&limit=0", "limit", "invalid_parameter"),
        ("groupBy=day&limit=1001", "limit", "invalid_parameter"),
        ("groupBy=day&page=2", "page", "not_for_summary"),
        ("groupBy=day&pageSize=10", "pageSize", "not_for_summary"),
        ("groupBy=day&fields=id", "fields", "not_for_summary"),
        ("groupBy=day&nosuch=1", "nosuch", "unknown_parameter"),
        (
            "groupBy=day&actualHours_gt=abc",
            "actualHours_gt",
            "invalid_filter",
        ),
        (
            "groupBy=day&callTimestamp=yesterday",
            "callTimestamp",
            "invalid_filter",
        ),
        ("groupBy=day&sort=nosuch", "sort", "invalid_sort"),
    ];
    for (query, path, code) in cases {
        let errors = get(&format!("/phonerecords/summary?{query}")).errors(400);
        let paths: Vec<&str> = errors.iter().map(|(p, _)| p.as_str()).collect();
        assert!(paths.contains(&path), "{query}: {errors:?}");
        if code != "invalid_filter" && code != "invalid_sort" && code != "unknown_parameter" {
            assert!(
                errors.contains(&(path.to_owned(), code.to_owned())),
                "{query}: {errors:?}"
            );
        }
    }
    // The list's own errors, the same for the same mistake.
    let list = get("/phonerecords?nosuch=1").errors(400);
    assert_eq!(
        get("/phonerecords/summary?groupBy=day&nosuch=1").errors(400),
        list
    );
    // Read-only.
    let r = post("/phonerecords/summary", &json!({}));
    assert_eq!(r.header("allow"), Some("GET"));
    r.errors(405);
    assert_eq!(delete("/phonerecords/summary").errors(405).len(), 1);
    // Without a token, as every endpoint.
    request("GET", "/phonerecords/summary?groupBy=day")
        .send()
        .errors(401);
}

#[test]
fn one_statement_nothing_written_and_no_more_read_than_the_list() {
    let action = matter();
    seed(action);
    for view in [
        format!("action={action}"),
        format!("action={action}&q=invoice"),
    ] {
        // What the list reads for the same view (its count and one page).
        let (list_read, _, _) = d1_cost(&get(&format!("/phonerecords?{view}&pageSize=200")));
        for g in ["day", "week", "month", "action", "outcome", "direction"] {
            let r = get(&format!("/phonerecords/summary?{view}&groupBy={g}"));
            assert_eq!(r.status, 200);
            let timing = r.header("server-timing").unwrap();
            assert!(timing.contains("statements=1"), "{g}: {timing}");
            let (read, written, calls) = d1_cost(&r);
            assert_eq!((written, calls), (0, 1), "{g}");
            // The rows the list reads for the view (the matter's 7 calls through
            // its index; with q, the candidates the search index finds), and
            // each group a few times (its sorts), never the table.
            let groups = r.json()["groupCount"].as_u64().unwrap();
            assert!(
                read <= list_read + 3 * groups + 10,
                "{view} by {g}: {read} rows read, the list {list_read}, {groups} groups"
            );
            if !view.contains("q=") {
                assert!(
                    read <= 40,
                    "{view} by {g}: {read} rows read for a matter of 7 calls"
                );
            }
        }
    }
}

#[test]
fn the_actionstep_path_answers_the_same() {
    let action = matter();
    seed(action);
    let q = format!("action={action}&groupBy=week");
    let plain = summary(&q);
    let r = get(&format!("/api/rest/phonerecords/summary?{q}"));
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json(), plain);
    let r = request("GET", &format!("/api/rest/phonerecords/summary?{q}"))
        .token(&token())
        .header("Accept", "application/vnd.api+json")
        .send();
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), plain, "always plain JSON");
    // "summary" is never taken for an id; records still are.
    let id = seed(matter())[0]["id"].as_i64().unwrap();
    assert_eq!(get(&format!("/api/rest/phonerecords/{id}")).status, 200);
    assert_eq!(get(&format!("/phonerecords/summary/?{q}")).json(), plain);
}
