//! The summary statement (`sql::summary`) on real SQLite with D1's schema,
//! checked against a plain Rust computation of the same answer (local dates
//! and ISO weeks by chrono, not by SQL), and its query plans checked: the
//! indexed filters stay indexed.

use chrono::Datelike;
use phonerecords_shared::CallTimestamp;
use phonerecords_shared::summary::{GroupBy, MAX_GROUPS, SummaryQuery};
use phonerecords_shared::validate::parse_create;
use rusqlite::{Connection, params_from_iter};
use serde_json::{Value, json};
use std::cmp::Ordering;

use crate::sql::{self, Statement};
use crate::sql_tests::{
    Rng, Stored, bulk_seed, database, expected, ids, params, plan, random_body, vm_steps,
};

fn summary_query(pairs: &[(&str, &str)]) -> SummaryQuery {
    SummaryQuery::parse(pairs.iter().copied()).unwrap_or_else(|e| panic!("{pairs:?}: {e:?}"))
}

/// The one row's `j`, parsed.
fn answer(c: &Connection, stmt: &Statement) -> Value {
    let text: String = c
        .query_row(&stmt.sql, params_from_iter(params(stmt)), |r| r.get(0))
        .unwrap_or_else(|e| panic!("{e}: {}", stmt.sql));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// Records over two months around a new year (ISO weeks that belong to the
/// other year), with offsets that put the local date on another day than UTC.
fn seed(c: &Connection, rng: &mut Rng, n: usize) -> Vec<Stored> {
    const DAYS: [&str; 8] = [
        "2024-12-23",
        "2024-12-29",
        "2024-12-30",
        "2024-12-31",
        "2025-01-01",
        "2025-01-05",
        "2025-01-06",
        "2025-02-28",
    ];
    const TIMES: [&str; 6] = [
        "00:30:00+12:00",
        "23:45:00-05:00",
        "12:00:00Z",
        "00:10:00+05:30",
        "23:59:59.5-10:00",
        "08:00:00+00:00",
    ];
    const OUTCOMES: [&str; 4] = [
        "Call completed",
        "Left a message",
        "No answer",
        "call completed",
    ];
    (0..n)
        .map(|_| {
            let mut body = random_body(rng);
            body["callTimestamp"] = json!(format!("{}T{}", rng.pick(&DAYS), rng.pick(&TIMES)));
            // More of some outcomes than others, so "most frequent first" is tested.
            body["outcome"] = json!(OUTCOMES[rng.below(4).min(rng.below(4))]);
            let rec = parse_create(&body).unwrap();
            let id = ids(c, &sql::insert(&rec))[0];
            Stored { id, rec }
        })
        .collect()
}

/// A group's key as the reference computes it.
fn key(s: &Stored, g: GroupBy) -> Value {
    let local = s.rec.call_timestamp.instant().date_naive();
    match g {
        GroupBy::Day => json!(local.format("%Y-%m-%d").to_string()),
        GroupBy::Week => {
            let w = local.iso_week();
            json!(format!("{}-W{:02}", w.year(), w.week()))
        }
        GroupBy::Month => json!(local.format("%Y-%m").to_string()),
        GroupBy::Action => json!(s.rec.links.action),
        GroupBy::Outcome => json!(s.rec.outcome),
        GroupBy::Direction => json!(s.rec.direction.as_str()),
    }
}

/// SQLite's order of keys: NULL, then numbers, then text by bytes.
fn key_order(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Less,
        (_, Value::Null) => Ordering::Greater,
        (Value::Number(x), Value::Number(y)) => x.as_i64().cmp(&y.as_i64()),
        (Value::String(x), Value::String(y)) => x.as_bytes().cmp(y.as_bytes()),
        other => panic!("{other:?}"),
    }
}

/// The reference answer: the records of the list's view, grouped in Rust.
fn reference(records: &[Stored], q: &SummaryQuery) -> Value {
    let mut all = q.view.clone();
    all.page.page = 1;
    all.page.page_size = u32::MAX;
    let (hits, _) = expected(records, &all);
    let hits: Vec<&Stored> = hits
        .iter()
        .map(|id| records.iter().find(|s| s.id == *id).unwrap())
        .collect();
    let hours = |s: &Stored| s.rec.actual_hours.unwrap_or(0.0);
    let mut groups: Vec<(Value, u64, f64)> = Vec::new();
    for s in &hits {
        let k = key(s, q.group_by);
        match groups.iter_mut().find(|g| g.0 == k) {
            Some(g) => {
                g.1 += 1;
                g.2 += hours(s);
            }
            None => groups.push((k, 1, hours(s))),
        }
    }
    groups.sort_by(|a, b| {
        if q.group_by.is_period() {
            key_order(&a.0, &b.0)
        } else {
            b.1.cmp(&a.1).then_with(|| key_order(&a.0, &b.0))
        }
    });
    let count_in = hits
        .iter()
        .filter(|s| s.rec.direction.as_str() == "in")
        .count();
    json!({
        "groupBy": q.group_by.as_str(),
        "count": hits.len(),
        "actualHours": hits.iter().map(|s| hours(s)).sum::<f64>(),
        "countIn": count_in,
        "countOut": hits.len() - count_in,
        "groupCount": groups.len(),
        "groups": groups.iter().take(q.limit as usize)
            .map(|(k, c, h)| json!({"key": k, "count": c, "actualHours": h}))
            .collect::<Vec<_>>(),
    })
}

/// Equal, numbers within a rounding of the sums.
fn same(actual: &Value, expected: &Value) -> bool {
    match (actual, expected) {
        (Value::Number(a), Value::Number(b)) => {
            (a.as_f64().unwrap() - b.as_f64().unwrap()).abs() < 1e-6
        }
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len() && a.iter().all(|(k, v)| b.get(k).is_some_and(|w| same(v, w)))
        }
        (a, b) => a == b,
    }
}

const VIEWS: [&[(&str, &str)]; 12] = [
    &[],
    &[("direction", "in")],
    &[("action", "3")],
    &[("action", ":NULL")],
    &[("action_in", "1,2"), ("direction", "out")],
    &[
        ("callTimestamp_gteq", "2024-12-31T00:00:00Z"),
        ("callTimestamp_lt", "2025-01-06"),
    ],
    &[("q", "invoice")],
    &[("q", "an")],
    &[("outcome_like", "*message*")],
    &[("actualHours_gt", "0.3")],
    &[("notes", ":NULL"), ("sort", "-callTimestamp")],
    &[("id", "999999")],
];

#[test]
fn every_grouping_of_every_view_matches_the_reference() {
    let c = database();
    let mut rng = Rng(0x5EED_5033);
    let records = seed(&c, &mut rng, 400);
    for view in VIEWS {
        for g in GroupBy::ALL {
            for limit in [None, Some("2")] {
                let mut pairs = view.to_vec();
                pairs.push(("groupBy", g.as_str()));
                if let Some(l) = limit {
                    pairs.push(("limit", l));
                }
                let q = summary_query(&pairs);
                let got = answer(&c, &sql::summary(&q));
                let want = reference(&records, &q);
                assert!(same(&got, &want), "{pairs:?}\n got: {got}\nwant: {want}");
                // The totals are the view's: the list's count for the same filters.
                let (_, n) = expected(&records, &q.view);
                assert_eq!(got["count"], json!(n), "{pairs:?}");
            }
        }
    }
}

#[test]
fn top_actions_are_the_views_matters_in_the_same_answer() {
    let c = database();
    let mut rng = Rng(0x5EED_70B5);
    let records = seed(&c, &mut rng, 300);
    for view in VIEWS {
        for g in [GroupBy::Day, GroupBy::Month] {
            let mut pairs = view.to_vec();
            pairs.extend([("groupBy", g.as_str()), ("topActions", "3")]);
            let q = summary_query(&pairs);
            let mut got = answer(&c, &sql::summary(&q));
            // The matters, exactly as `groupBy=action&limit=3` answers them.
            let mut by_action = view.to_vec();
            by_action.extend([("groupBy", "action"), ("limit", "3")]);
            let want_top = reference(&records, &summary_query(&by_action))["groups"].clone();
            let top = got
                .as_object_mut()
                .unwrap()
                .remove("topActions")
                .expect("topActions answered");
            assert!(
                same(&top, &want_top),
                "{pairs:?}\n got: {top}\nwant: {want_top}"
            );
            // The rest is the answer without it.
            let want = reference(&records, &q);
            assert!(same(&got, &want), "{pairs:?}\n got: {got}\nwant: {want}");
        }
    }
}

#[test]
fn an_empty_view_has_zero_totals_and_no_groups() {
    let c = database();
    for g in GroupBy::ALL {
        let got = answer(
            &c,
            &sql::summary(&summary_query(&[("groupBy", g.as_str())])),
        );
        assert_eq!(
            got,
            json!({"groupBy": g.as_str(), "count": 0, "actualHours": 0.0, "countIn": 0,
                   "countOut": 0, "groupCount": 0, "groups": []})
        );
    }
}

#[test]
fn days_are_local_and_weeks_are_iso() {
    let c = database();
    let cases = [
        // (recorded, day, ISO week, month)
        (
            "2025-03-10T23:30:00-05:00",
            "2025-03-10",
            "2025-W11",
            "2025-03",
        ),
        (
            "2025-03-11T00:30:00+12:00",
            "2025-03-11",
            "2025-W11",
            "2025-03",
        ),
        ("2024-12-30T09:00:00Z", "2024-12-30", "2025-W01", "2024-12"),
        (
            "2021-01-03T09:00:00+01:00",
            "2021-01-03",
            "2020-W53",
            "2021-01",
        ),
        (
            "2026-12-31T23:59:59.999+14:00",
            "2026-12-31",
            "2026-W53",
            "2026-12",
        ),
        (
            "2024-01-01T00:00:00-12:00",
            "2024-01-01",
            "2024-W01",
            "2024-01",
        ),
        ("2023-01-01T12:00:00Z", "2023-01-01", "2022-W52", "2023-01"),
    ];
    for (ts, day, week, month) in cases {
        c.execute_batch("DELETE FROM phone_records").unwrap();
        let rec = parse_create(
            &json!({"direction": "in", "callTimestamp": ts, "outcome": "x",
            "actualHours": 0.1, "links": {}}),
        )
        .unwrap();
        ids(&c, &sql::insert(&rec));
        // chrono agrees (the reference of the other tests).
        let local = CallTimestamp::parse(ts).unwrap().instant().date_naive();
        let w = local.iso_week();
        assert_eq!(format!("{}-W{:02}", w.year(), w.week()), week, "{ts}");
        for (g, k) in [
            (GroupBy::Day, day),
            (GroupBy::Week, week),
            (GroupBy::Month, month),
        ] {
            let got = answer(
                &c,
                &sql::summary(&summary_query(&[("groupBy", g.as_str())])),
            );
            assert_eq!(
                got["groups"],
                json!([{"key": k, "count": 1, "actualHours": 0.1}]),
                "{ts} {g:?}"
            );
        }
    }
}

#[test]
fn sums_of_hours_are_rounded_not_binary_fractions() {
    let c = database();
    for h in [0.1, 0.2] {
        let rec = parse_create(
            &json!({"direction": "out", "callTimestamp": "2025-01-01T10:00:00Z",
            "outcome": "x", "actualHours": h, "links": {}}),
        )
        .unwrap();
        ids(&c, &sql::insert(&rec));
    }
    let got = answer(
        &c,
        &sql::summary(&summary_query(&[("groupBy", "direction")])),
    );
    assert_eq!(got["actualHours"], json!(0.3));
    assert_eq!(got["groups"][0]["actualHours"], json!(0.3));
    assert_eq!(MAX_GROUPS, 1000);
}

/// The documented (indexed) filters are a SEARCH of an index, never a scan
/// of the table, with and without ANALYZE's statistics.
#[test]
fn indexed_filters_stay_indexed() {
    for analyze in [false, true] {
        let c = database();
        seed(&c, &mut Rng(0x5EED_5034), 200);
        if analyze {
            c.execute_batch("ANALYZE").unwrap();
        }
        let filters: [&[(&str, &str)]; 7] = [
            &[("id", "5")],
            &[("direction", "in")],
            &[("action", "3")],
            &[("action_in", "1,2")],
            &[("callTimestamp_gteq", "2025-01-01")],
            &[("callTimestamp", "2025-01-01")],
            &[("q", "invoice")],
        ];
        for f in filters {
            // With statistics SQLite may read half the table (one direction)
            // by scanning it rather than through the index: at most twice
            // the matches, its own cost estimate, not a growing cost.
            if analyze && f[0].0 == "direction" {
                continue;
            }
            for g in GroupBy::ALL {
                let mut pairs = f.to_vec();
                pairs.push(("groupBy", g.as_str()));
                let stmt = sql::summary(&summary_query(&pairs));
                let p = plan(&c, &stmt);
                // (The search's FTS5 table is an index: `SCAN phone_records_search VIRTUAL TABLE`.)
                let scans_table = p
                    .lines()
                    .any(|l| l == "SCAN phone_records" || l.starts_with("SCAN phone_records "));
                assert!(
                    p.contains("SEARCH") && !scans_table,
                    "{pairs:?} (analyze: {analyze}) scans the table:\n{p}"
                );
            }
        }
    }
}

/// Rows visited are the view's, not the table's: a matter's summary costs
/// the same at 10 000 and 40 000 records (VM steps, local SQLite's proxy
/// for D1's rows read).
#[test]
fn cost_follows_the_matches_not_the_table() {
    let mut small = Vec::new();
    for n in [10_000, 40_000] {
        let mut c = database();
        bulk_seed(&mut c, n);
        for (i, g) in GroupBy::ALL.into_iter().enumerate() {
            let stmt = sql::summary(&summary_query(&[("action", "7"), ("groupBy", g.as_str())]));
            let steps = vm_steps(&c, &stmt);
            let matches: i64 = c
                .query_row(
                    "SELECT COUNT(*) FROM phone_records WHERE action_id = 7",
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            eprintln!("{n} records, {matches} matches, by {g:?}: {steps} VM steps");
            assert!(steps < 200 * matches as i32 + 500, "{g:?} at {n}: {steps}");
            if n == 10_000 {
                small.push(steps);
            } else {
                assert!(
                    steps <= small[i] * 3 / 2 + 200,
                    "{g:?} grows with the table: {} → {steps}",
                    small[i]
                );
            }
        }
    }
}

/// `unless_unchanged`'s row: the data's version and the answer (None when
/// the version was the one given).
fn versioned(c: &Connection, stmt: &Statement, known: Option<&str>) -> (String, Option<Value>) {
    let wrapped = sql::unless_unchanged(stmt.clone(), known);
    c.query_row(&wrapped.sql, params_from_iter(params(&wrapped)), |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
    })
    .map(|(v, j)| (v, j.map(|j| serde_json::from_str(&j).unwrap())))
    .unwrap_or_else(|e| panic!("{e}: {}", wrapped.sql))
}

/// A summary is computed again exactly when the data changed since the
/// version it was computed on (migrations/0007): every insert, update and
/// delete raises the version; nothing else runs the summary.
#[test]
fn a_summary_is_computed_again_exactly_when_the_data_changed() {
    let c = database();
    let mut rng = Rng(0x5EED_5035);
    let records = seed(&c, &mut rng, 60);
    let stmt = sql::summary(&summary_query(&[("groupBy", "month"), ("topActions", "3")]));
    let (v1, first) = versioned(&c, &stmt, None);
    assert_eq!(first, Some(answer(&c, &stmt)), "unknown: computed");
    let (again, none) = versioned(&c, &stmt, Some(&v1));
    assert_eq!(
        (again.as_str(), none),
        (v1.as_str(), None),
        "unchanged: not computed"
    );
    let wrapped = sql::unless_unchanged(stmt.clone(), Some(&v1));
    let (cheap, full) = (vm_steps(&c, &wrapped), vm_steps(&c, &stmt));
    assert!(
        cheap < 60 && full > 20 * cheap,
        "{cheap} VM steps unchanged, {full} computed"
    );
    assert!(
        versioned(&c, &stmt, Some("0")).1.is_some(),
        "another version: computed"
    );

    let up = phonerecords_shared::validate::parse_update(&json!({"actualHours": 7.25})).unwrap();
    let more = parse_create(&random_body(&mut rng)).unwrap();
    let changes: [(&str, Statement); 5] = [
        ("a create", sql::insert(&more)),
        (
            "a batch",
            sql::insert_all(&[more.clone(), more.clone()], false),
        ),
        ("an update", sql::update(records[0].id, &up, None).unwrap()),
        ("a delete", sql::delete_all_or_none(&[records[1].id])),
        (
            "a versioned delete",
            sql::delete_if_version(records[2].id, &[1]),
        ),
    ];
    let mut version = v1;
    let mut seen = vec![version.clone()];
    for (what, change) in changes {
        assert!(!ids(&c, &change).is_empty(), "{what} changed a record");
        let (now, answered) = versioned(&c, &stmt, Some(&version));
        assert!(!seen.contains(&now), "{what} raised the version: {now}");
        assert_eq!(
            answered,
            Some(answer(&c, &stmt)),
            "after {what}: computed on the data now"
        );
        seen.push(now.clone());
        version = now;
    }
    // A change that matches nothing (a stale If-Match) leaves it.
    assert!(ids(&c, &sql::delete_if_version(records[3].id, &[99])).is_empty());
    assert_eq!(versioned(&c, &stmt, Some(&version)).1, None);

    // Another database with the same history has another version.
    let other = database();
    seed(&other, &mut Rng(0x5EED_5035), 60);
    let (elsewhere, _) = versioned(&other, &stmt, None);
    assert_ne!(elsewhere, seen[0]);

    // Taken back to an earlier state (as D1 Time Travel or a restore does)
    // and changed otherwise, the data never reaches a version it had with
    // other data (a counter would: the same count of changes, other data).
    c.execute_batch("SAVEPOINT before").unwrap();
    ids(&c, &sql::insert(&more));
    let (abandoned, _) = versioned(&c, &stmt, None);
    c.execute_batch("ROLLBACK TO before; RELEASE before")
        .unwrap();
    assert_eq!(
        versioned(&c, &stmt, Some(&version)).1,
        None,
        "back at its version"
    );
    let up = phonerecords_shared::validate::parse_update(&json!({"actualHours": 0.5})).unwrap();
    ids(&c, &sql::update(records[4].id, &up, None).unwrap());
    let (now, answered) = versioned(&c, &stmt, Some(&abandoned));
    assert_ne!(now, abandoned, "another change, another version");
    assert_eq!(answered, Some(answer(&c, &stmt)));
}
