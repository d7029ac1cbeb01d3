//! The query language over HTTP: every operator, sort, fieldset, search,
//! multi-id and error, on a small data set of known answers.

use crate::common::*;
use serde_json::{Value, json};

/// Five records, told apart from everything else in the database by
/// `phoneNumberType`, with matters `a` and `a + 1`.
struct Set {
    marker: String,
    a: u64,
    ids: Vec<i64>,
}

impl Set {
    fn new() -> Set {
        let n = nonce();
        let marker = format!("qt-{n}");
        let a = 1_000_000_000 + n % 1_000_000_000_000;
        let bodies = [
            json!({"direction": "in", "callTimestamp": "2025-09-17T09:12:32+12:00", "actualHours": 0.25,
                   "notes": "Sent the invoice", "outcome": "Call completed", "links": {"action": a},
                   "fromParticipantOther": "Ann Lee"}),
            json!({"direction": "out", "callTimestamp": "2025-09-17T10:00:00Z", "actualHours": 1.5,
                   "notes": "INVOICE overdue", "outcome": "Left a message", "links": {"action": a + 1},
                   "toParticipantOther": "Bob_Smith"}),
            json!({"direction": "in", "callTimestamp": "2025-09-18T00:30:00-05:00",
                   "notes": "50% deposit", "outcome": "No answer"}),
            json!({"direction": "out", "callTimestamp": "2025-09-16T23:59:59Z", "actualHours": 0.5,
                   "outcome": "call completed", "links": {"action": a}}),
            json!({"direction": "in", "callTimestamp": "2025-09-17T00:00:00Z", "actualHours": 0,
                   "notes": "under_score", "outcome": "Call completed", "links": {"action": a + 1},
                   "phoneNumber": "+64 9 555 0101"}),
        ];
        let ids = bodies
            .into_iter()
            .map(|mut b| {
                b["phoneNumberType"] = json!(marker);
                create(&b).id
            })
            .collect();
        Set { marker, a, ids }
    }

    /// `{a}` and `{a1}` in the query stand for the two matters, `{id0}`… for the ids.
    fn fill(&self, query: &str) -> String {
        let mut q = query
            .replace("{a1}", &(self.a + 1).to_string())
            .replace("{a}", &self.a.to_string());
        for (i, id) in self.ids.iter().enumerate() {
            q = q.replace(&format!("{{id{i}}}"), &id.to_string());
        }
        q
    }

    fn url(&self, query: &str) -> String {
        let pairs: Vec<String> = self
            .fill(query)
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| match p.split_once('=') {
                Some((k, v)) => format!("{}={}", enc(k), enc(v)),
                None => enc(p),
            })
            .collect();
        format!(
            "/phonerecords?phoneNumberType={}&pageSize=200&{}",
            enc(&self.marker),
            pairs.join("&")
        )
    }

    /// The indexes (0–4) of the records the query returns, in order.
    fn run(&self, query: &str) -> Vec<usize> {
        let r = get(&self.url(query));
        assert_eq!(r.status, 200, "{query}: {}", r.text());
        r.json()["phonerecords"]
            .as_array()
            .unwrap()
            .iter()
            .map(|rec| {
                let id = rec["id"].as_i64().unwrap();
                self.ids
                    .iter()
                    .position(|x| *x == id)
                    .expect("only this set's records")
            })
            .collect()
    }

    fn check(&self, cases: &[(&str, &[usize])]) {
        for (query, want) in cases {
            assert_eq!(self.run(query), want.to_vec(), "{}", self.fill(query));
        }
    }
}

#[test]
fn equality_and_inequality() {
    let s = Set::new();
    s.check(&[
        ("", &[0, 1, 2, 3, 4]),
        ("direction=in", &[0, 2, 4]),
        ("direction_eq=out", &[1, 3]),
        ("direction_nteq=in", &[1, 3]),
        ("action={a}", &[0, 3]),
        ("action_nteq={a}", &[1, 2, 4]),
        ("actualHours=0", &[4]),
        ("actualHours_nteq=0.25", &[1, 2, 3, 4]),
        ("notes=Sent the invoice", &[0]),
        ("outcome=Call completed", &[0, 4]),
        ("phoneNumber=+64 9 555 0101", &[4]),
        ("fromParticipantOther=Ann Lee", &[0]),
        ("id={id3}", &[3]),
        ("id_nteq={id3}", &[0, 1, 2, 4]),
    ]);
}

#[test]
fn null_matches_an_absent_value() {
    let s = Set::new();
    s.check(&[
        ("actualHours=:NULL", &[2]),
        ("actualHours_nteq=:NULL", &[0, 1, 3, 4]),
        ("notes_eq=:NULL", &[3]),
        ("action=:NULL", &[2]),
        ("action_in={a},:NULL", &[0, 2, 3]),
        ("action_ntin={a},:NULL", &[1, 4]),
        ("toParticipantOther_nteq=:NULL", &[1]),
    ]);
}

#[test]
fn order_comparisons_on_numbers_and_ids() {
    let s = Set::new();
    s.check(&[
        ("actualHours_lt=0.5", &[0, 4]),
        ("actualHours_lteq=0.5", &[0, 3, 4]),
        ("actualHours_gt=0.25", &[1, 3]),
        ("actualHours_gteq=0.25", &[0, 1, 3]),
        ("action_gt={a}", &[1, 4]),
        ("id_gt={id2}", &[3, 4]),
        ("id_lteq={id1}", &[0, 1]),
        ("notes_lt=INVOICE", &[2]),
    ]);
}

#[test]
fn timestamps_compare_as_instants_at_the_precision_given() {
    let s = Set::new();
    s.check(&[
        ("callTimestamp=2025-09-17", &[1, 4]),
        ("callTimestamp_gteq=2025-09-17", &[1, 2, 4]),
        ("callTimestamp_lt=2025-09-17", &[0, 3]),
        ("callTimestamp_lteq=2025-09-17", &[0, 1, 3, 4]),
        ("callTimestamp_gt=2025-09-17", &[2]),
        ("callTimestamp_nteq=2025-09-17", &[0, 2, 3]),
        ("callTimestamp_in=2025-09-16,2025-09-18", &[0, 2, 3]),
        ("callTimestamp_ntin=2025-09-16,2025-09-18", &[1, 4]),
        ("callTimestamp=2025-09-16T21:12:32", &[0]),
        ("callTimestamp=2025-09-17T09:12:32+12:00", &[0]),
        ("callTimestamp_gt=2025-09-17T09:12:32+12:00", &[1, 2, 3, 4]),
        (
            "callTimestamp_gteq=2025-09-17T05:00:00+05:00&callTimestamp_lt=2025-09-18",
            &[1, 4],
        ),
    ]);
}

#[test]
fn lists() {
    let s = Set::new();
    s.check(&[
        ("direction_in=in,out", &[0, 1, 2, 3, 4]),
        ("actualHours_in=0,1.5", &[1, 4]),
        ("actualHours_ntin=0,1.5", &[0, 2, 3]),
        ("id_in={id4},{id0}", &[0, 4]),
        ("id_ntin={id4},{id0}", &[1, 2, 3]),
        ("outcome_in=No answer,Left a message", &[1, 2]),
    ]);
}

#[test]
fn patterns_with_star_as_the_only_wildcard() {
    let s = Set::new();
    s.check(&[
        ("notes_ilike=*invoice*", &[0, 1]),
        ("notes_like=*invoice*", &[0]),
        ("notes_like=*INVOICE*", &[1]),
        ("notes_ntilike=*invoice*", &[2, 3, 4]),
        ("notes_ntlike=*invoice*", &[1, 2, 3, 4]),
        ("notes_like=*%*", &[2]),
        ("notes_like=*_*", &[4]),
        ("notes_ilike=50%*", &[2]),
        ("notes_like=Sent?the*", &[]),
        ("outcome_ilike=call completed", &[0, 3, 4]),
        ("outcome_ntilike=*message*", &[0, 2, 3, 4]),
        ("fromParticipantOther_ilike=ann*", &[0]),
        ("direction_like=o*", &[1, 3]),
    ]);
}

#[test]
fn search_is_case_insensitive_and_literal() {
    let s = Set::new();
    s.check(&[
        ("q=invoice", &[0, 1]),
        ("q=ANN", &[0]),
        ("q=0101", &[4]),
        ("q=50%", &[2]),
        ("q=_", &[1, 4]),
        ("q=answer", &[2]),
        ("q=invoice&direction=out", &[1]),
        ("q=nothing like this", &[]),
        ("q=%", &[2]),
        ("q=  invoice\t", &[0, 1]),
    ]);
    // The search text is limited in characters (40, surrounding whitespace
    // not counted), whatever their bytes; `%` and `_` are characters like any.
    for q in [
        "%".repeat(40),
        "é".repeat(40),
        "😀".repeat(40),
        format!("  {}  ", "x".repeat(40)),
    ] {
        assert_eq!(s.run(&format!("q={q}")), Vec::<usize>::new(), "{q}");
    }
    for q in ["é".repeat(41), "x".repeat(41)] {
        let errs = get(&format!("/phonerecords?q={}", enc(&q))).errors(400);
        assert_eq!(errs[0].0, "q");
    }
}

#[test]
fn sorting() {
    let s = Set::new();
    s.check(&[
        ("sort=-callTimestamp", &[2, 1, 4, 3, 0]),
        ("sort=callTimestamp", &[0, 3, 4, 1, 2]),
        ("sort[phonerecords]=actualHours", &[2, 4, 0, 3, 1]),
        ("sort=-actualHours", &[1, 3, 0, 4, 2]),
        ("sort=outcome,-id", &[4, 3, 0, 1, 2]),
        ("sort=direction,-callTimestamp", &[2, 4, 0, 1, 3]),
        ("sort=-id", &[4, 3, 2, 1, 0]),
        ("sort=action", &[2, 0, 3, 1, 4]),
        // A key named again is ignored: the first one orders.
        ("sort=-id,id", &[4, 3, 2, 1, 0]),
        ("sort=outcome,-id,outcome", &[4, 3, 0, 1, 2]),
    ]);
}

#[test]
fn fieldsets_on_lists_and_single_records() {
    let s = Set::new();
    let body = get(&s.url("fields=id,notes&sort=id")).json();
    for rec in body["phonerecords"].as_array().unwrap() {
        for key in rec.as_object().unwrap().keys() {
            assert!(key == "id" || key == "notes", "{key} in {rec}");
        }
    }
    assert_eq!(
        body["phonerecords"][0],
        json!({"id": s.ids[0], "notes": "Sent the invoice"})
    );
    assert_eq!(
        body["phonerecords"][3],
        json!({"id": s.ids[3]}),
        "an absent field stays absent"
    );
    let body = get(&s.url("fields[phonerecords]=callTimestamp,action&sort=id")).json();
    assert_eq!(
        body["phonerecords"][0],
        json!({"id": s.ids[0], "callTimestamp": "2025-09-17T09:12:32+12:00", "links": {"action": s.a}})
    );
    let full = get(&format!("/phonerecords/{}", s.ids[0])).json();
    assert_eq!(
        get(&format!("/phonerecords/{}?fields=:default", s.ids[0])).json(),
        full
    );
    assert_eq!(
        get(&format!("/phonerecords/{}?fields=outcome,links", s.ids[0])).json(),
        json!({"id": s.ids[0], "outcome": "Call completed", "links": {"action": s.a}})
    );
    assert_eq!(
        get(&format!(
            "/phonerecords/{}?fields%5Bphonerecords%5D=direction",
            s.ids[0]
        ))
        .json(),
        json!({"id": s.ids[0], "direction": "in"})
    );
}

#[test]
fn multi_id_get_returns_records_in_the_order_asked() {
    let s = Set::new();
    let path = format!("/phonerecords/{},{},{}", s.ids[3], s.ids[0], s.ids[1]);
    let body = get(&path).json();
    let got: Vec<Value> = body["phonerecords"].as_array().unwrap().clone();
    let want: Vec<Value> = [3, 0, 1]
        .iter()
        .map(|i| get(&format!("/phonerecords/{}", s.ids[*i])).json())
        .collect();
    assert_eq!(got, want);
    assert!(body.get("meta").is_none());
    let body = get(&format!("{path}?fields=id")).json();
    assert_eq!(
        body["phonerecords"],
        json!([{"id": s.ids[3]}, {"id": s.ids[0]}, {"id": s.ids[1]}])
    );
}

#[test]
fn multi_id_get_names_every_missing_id() {
    let s = Set::new();
    let gone = create(&minimal()).id;
    delete(&format!("/phonerecords/{gone}"));
    let r = get(&format!("/phonerecords/{},{gone},{}", s.ids[0], s.ids[1]));
    let errs = r.errors(404);
    assert_eq!(errs.len(), 1);
    assert!(r.text().contains(&gone.to_string()), "{}", r.text());
}

#[test]
fn multi_id_delete_is_all_or_none() {
    let s = Set::new();
    let gone = create(&minimal()).id;
    delete(&format!("/phonerecords/{gone}"));
    let r = delete(&format!("/phonerecords/{},{gone},{}", s.ids[0], s.ids[1]));
    r.errors(404);
    assert!(r.text().contains(&gone.to_string()));
    assert_eq!(s.run("").len(), 5, "nothing was deleted");
    assert_eq!(
        delete(&format!("/phonerecords/{},{}", s.ids[0], s.ids[1])).status,
        204
    );
    assert_eq!(s.run(""), vec![2, 3, 4]);
}

#[test]
fn multi_id_limits_and_syntax() {
    let ids: Vec<String> = (1..=201).map(|i| i.to_string()).collect();
    let errs = get(&format!("/phonerecords/{}", ids.join(","))).errors(400);
    assert_eq!(errs, vec![("id".into(), "invalid_id".into())]);
    let ok: Vec<String> = (1..=200)
        .map(|i| (i + 9_000_000_000_000_000u64).to_string())
        .collect();
    // 200 missing ids: the first 20 are named, then one entry counts the rest.
    let r = get(&format!("/phonerecords/{}", ok.join(",")));
    let errs = r.errors(404);
    assert_eq!(errs.len(), 21);
    assert!(errs[..20].iter().all(|(_, code)| code == "not_found"));
    assert_eq!(errs[20].1, "too_many_errors");
    assert!(r.text().contains("and 180 more problems"), "{}", r.text());
    for bad in ["1,,2", "1,x", ",1"] {
        get(&format!("/phonerecords/{bad}")).errors(400);
    }
    let errs = put("/phonerecords/1,2", &json!({"outcome": "x"})).errors(400);
    assert_eq!(errs[0].0, "id");
}

#[test]
fn paging_links_keep_the_whole_query() {
    let s = Set::new();
    let first = get(&s.url("direction=in&sort=-callTimestamp&fields=id&pageSize=1"));
    // pageSize appears twice in s.url; use a hand-built URL instead.
    assert_eq!(first.status, 400, "a parameter given twice is refused");
    let url = format!(
        "/phonerecords?phoneNumberType={}&direction=in&sort=-callTimestamp&fields=id&pageSize=1",
        enc(&s.marker)
    );
    let mut next = Some(url);
    let mut seen = Vec::new();
    while let Some(u) = next {
        let body = get(&u).json();
        let recs = body["phonerecords"].as_array().unwrap();
        assert_eq!(recs.len(), 1);
        assert_eq!(
            recs[0].as_object().unwrap().len(),
            1,
            "the fieldset is kept"
        );
        seen.push(recs[0]["id"].as_i64().unwrap());
        let meta = &body["meta"]["paging"]["phonerecords"];
        assert_eq!(meta["recordCount"], 3);
        next = meta["nextPage"].as_str().map(|n| {
            let rel = n.strip_prefix(&base_url()).unwrap().to_owned();
            for kept in [
                "direction=in",
                "sort=-callTimestamp",
                "fields=id",
                "pageSize=1",
                "phoneNumberType=",
            ] {
                assert!(rel.contains(kept), "{kept} missing from {rel}");
            }
            rel
        });
    }
    assert_eq!(seen, vec![s.ids[2], s.ids[4], s.ids[0]]);
}

#[test]
fn the_actionstep_example_request() {
    // At least 27 incoming calls since 2025, so that page 2 of 25 has records.
    for _ in 0..9 {
        Set::new();
    }
    let query = "direction=in&callTimestamp_gteq=2025-01-01&sort=-callTimestamp&fields=id,notes&page=2&pageSize=25";
    let r = get(&format!("/phonerecords?{query}"));
    assert_eq!(r.status, 200, "{}", r.text());
    let body = r.json();
    let meta = &body["meta"]["paging"]["phonerecords"];
    assert_eq!(
        (meta["page"].as_u64(), meta["pageSize"].as_u64()),
        (Some(2), Some(25))
    );
    let page = ids_of(&body["phonerecords"]);
    assert!(!page.is_empty(), "page 2 of the example has records");
    for rec in body["phonerecords"].as_array().unwrap() {
        assert!(
            rec.as_object()
                .unwrap()
                .keys()
                .all(|k| k == "id" || k == "notes"),
            "{rec}"
        );
    }
    // The same records are the second 25 of the unpaged, full answer.
    let all = get(
        "/phonerecords?direction=in&callTimestamp_gteq=2025-01-01&sort=-callTimestamp&pageSize=50",
    )
    .json();
    let all_recs = all["phonerecords"].as_array().unwrap();
    let expect = ids_of(&all["phonerecords"])[25..].to_vec();
    assert_eq!(page, expect);
    assert_eq!(
        meta["recordCount"],
        all["meta"]["paging"]["phonerecords"]["recordCount"]
    );
    for w in all_recs.windows(2) {
        assert_eq!(w[0]["direction"], "in");
        let (a, b) = (&w[0]["callTimestamp"], &w[1]["callTimestamp"]);
        let parse = |v: &Value| {
            phonerecords_shared::CallTimestamp::parse(v.as_str().unwrap())
                .unwrap()
                .epoch_millis()
        };
        assert!(parse(a) >= parse(b), "descending by instant: {a} then {b}");
    }
}

#[test]
fn query_errors_are_400_naming_the_parameter() {
    let many: Vec<String> = (1..=96).map(|i| i.to_string()).collect();
    let id_in = format!("id_in={}", many.join(","));
    let long_pattern = format!("notes_like=*{}*", "%3F".repeat(20));
    let long_q = format!("q={}", "x".repeat(41));
    let cases: Vec<(&str, &str, &str)> = vec![
        ("colour=red", "colour", "unknown_parameter"),
        ("notes_contains=x", "notes_contains", "unknown_parameter"),
        ("sort=colour", "sort", "invalid_parameter"),
        ("sort=-", "sort", "invalid_parameter"),
        ("fields=id,colour", "fields", "invalid_parameter"),
        ("actualHours_gt=abc", "actualHours_gt", "invalid_parameter"),
        ("action=1.5", "action", "invalid_parameter"),
        (
            "callTimestamp_gt=yesterday",
            "callTimestamp_gt",
            "invalid_parameter",
        ),
        ("direction_lt=in", "direction_lt", "invalid_parameter"),
        ("direction=sideways", "direction", "invalid_parameter"),
        (
            "actualHours_like=*1*",
            "actualHours_like",
            "invalid_parameter",
        ),
        ("action_gt=:NULL", "action_gt", "invalid_parameter"),
        ("include=action", "include", "unsupported_parameter"),
        (
            "include%5Bphonerecords%5D=action",
            "include[phonerecords]",
            "unsupported_parameter",
        ),
        (
            "direction=in&direction=out",
            "direction",
            "duplicate_parameter",
        ),
        (&id_in, "id_in", "too_many_values"),
        (&long_pattern, "notes_like", "invalid_parameter"),
        (&long_q, "q", "invalid_parameter"),
    ];
    for (query, path, code) in cases {
        let r = get(&format!("/phonerecords?{query}"));
        let errs = r.errors(400);
        assert_eq!(
            errs[0],
            (path.to_string(), code.to_string()),
            "{query}: {}",
            r.text()
        );
    }
    let r = get("/phonerecords?include=action");
    assert!(
        r.text().contains("not held by this service"),
        "{}",
        r.text()
    );
    let errs = get("/phonerecords/1?fields=colour").errors(400);
    assert_eq!(errs[0].0, "fields");
    let errs = get("/phonerecords/1?sort=id").errors(400);
    assert_eq!(errs[0], ("sort".into(), "unknown_parameter".into()));
}

#[test]
fn sql_in_every_parameter_is_just_a_value() {
    let s = Set::new();
    let evil = "' OR 1=1; DROP TABLE phone_records; --";
    s.check(&[
        (&format!("notes={evil}"), &[]),
        (&format!("notes_ilike=*{}*", "' OR '1'='1"), &[]),
        (&format!("q={}", "') OR 1=1 --"), &[]),
    ]);
    get(&format!("/phonerecords?sort={}", enc(evil))).errors(400);
    get(&format!("/phonerecords?fields={}", enc(evil))).errors(400);
    get(&format!("/phonerecords?{}=1", enc(evil))).errors(400);
    assert_eq!(s.run("").len(), 5);
}
