//! Versions and conditional requests: every single-record answer carries a
//! strong `ETag` that changes on every update and only then; `If-Match` on
//! PUT and DELETE (412 when the record changed, nothing written), `If-None-Match`
//! on GET (304); malformed headers 400; and two writers on the same record:
//! exactly one wins per version, and no acknowledged change is lost.
use std::collections::HashSet;
use std::sync::{Arc, Barrier};
use std::thread;

use crate::common::*;
use serde_json::{Value, json};

fn etag(r: &Resp) -> String {
    r.header("etag")
        .unwrap_or_else(|| panic!("no ETag on {} {}", r.status, r.text()))
        .to_owned()
}

fn with(method: &str, path: &str, headers: &[(&str, &str)], body: Option<&Value>) -> Resp {
    let bytes = body.map(|b| serde_json::to_vec(b).unwrap());
    let mut h = headers.to_vec();
    if body.is_some() {
        h.push(("Content-Type", "application/json"));
    }
    request(method, path)
        .token(&token())
        .headers(&h)
        .maybe_body(bytes.as_deref())
        .send()
}

fn error_detail(r: &Resp) -> String {
    r.json()["errors"][0]["detail"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn etag_on_every_single_record_answer_changing_only_with_updates() {
    let r = post("/phonerecords", &minimal());
    let id = r.record().id;
    let created = etag(&r);
    assert_eq!(
        created,
        format!("\"{id}-1\""),
        "strong, the record's id and version"
    );
    let path = format!("/phonerecords/{id}");
    // Reads do not change it, in either representation, with or without a fieldset.
    assert_eq!(etag(&get(&path)), created);
    assert_eq!(etag(&get(&format!("{path}?fields=outcome"))), created);
    let env = request("GET", &format!("/api/rest{path}"))
        .token(&token())
        .header("Accept", "application/vnd.api+json")
        .send();
    assert_eq!(etag(&env), created);
    // The version is not a field: the record's JSON keeps the contract's shape.
    assert!(get(&path).json().get("version").is_none());
    // Every update changes it, once.
    let mut seen = HashSet::from([created.clone()]);
    let mut last = created;
    for i in 0..3 {
        let r = put(&path, &json!({"notes": format!("update {i}")}));
        assert_eq!(r.status, 200, "{}", r.text());
        let now = etag(&r);
        assert!(seen.insert(now.clone()), "a new ETag each update: {now}");
        assert_eq!(etag(&get(&path)), now);
        last = now;
    }
    assert_eq!(last, format!("\"{id}-4\""));
    // A PUT with nothing to change writes nothing: the same ETag.
    let r = put(&path, &json!({}));
    assert_eq!((r.status, etag(&r)), (200, last.clone()));
    // Failed writes do not change it.
    let r = put(&path, &json!({"direction": "sideways"}));
    assert_eq!(r.status, 422);
    assert_eq!(etag(&get(&path)), last);
    // Lists and multi-id reads have no one ETag.
    assert!(
        get(&format!("/phonerecords/{id},{id}"))
            .header("etag")
            .is_none()
    );
    assert!(get("/phonerecords?pageSize=1").header("etag").is_none());
    // A batch create: no ETag (several records).
    let r = post(
        "/phonerecords",
        &json!({"phonerecords": [minimal(), minimal()]}),
    );
    assert_eq!(r.status, 200);
    assert!(r.header("etag").is_none());
}

#[test]
fn if_match_on_put_and_delete() {
    let id = create(&minimal()).id;
    let path = format!("/phonerecords/{id}");
    let v1 = etag(&get(&path));
    let r = with(
        "PUT",
        &path,
        &[("If-Match", &v1)],
        Some(&json!({"notes": "first"})),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let v2 = etag(&r);
    // The old ETag: 412, the envelope, the current ETag, nothing written.
    let r = with(
        "PUT",
        &path,
        &[("If-Match", &v1)],
        Some(&json!({"notes": "lost?"})),
    );
    assert_eq!(
        r.errors(412),
        vec![("If-Match".to_owned(), "precondition_failed".to_owned())]
    );
    assert_eq!(etag(&r), v2);
    assert!(error_detail(&r).contains("changed"), "{}", error_detail(&r));
    assert_eq!(get(&path).record().notes.as_deref(), Some("first"));
    // The same through Actionstep's path and envelope.
    let r = request("PUT", &format!("/api/rest{path}"))
        .token(&token())
        .header("If-Match", &v1)
        .header("Content-Type", "application/vnd.api+json")
        .header("Accept", "application/vnd.api+json")
        .body(br#"{"phonerecords":{"notes":"lost?"}}"#)
        .send();
    assert_eq!(r.status, 412, "{}", r.text());
    assert_eq!(etag(&r), v2);
    // A list naming the current one; W/ tags never match If-Match (strong comparison).
    let weak = format!("W/{v2}");
    let r = with(
        "PUT",
        &path,
        &[("If-Match", &weak)],
        Some(&json!({"notes": "weak"})),
    );
    assert_eq!(r.status, 412);
    let list = format!("{v1}, \"x\", {v2}");
    let r = with(
        "PUT",
        &path,
        &[("If-Match", &list)],
        Some(&json!({"notes": "second"})),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let v3 = etag(&r);
    // Another record's ETag never matches this one.
    let other = create(&minimal()).id;
    let r = with(
        "PUT",
        &format!("/phonerecords/{other}"),
        &[("If-Match", &v3)],
        Some(&json!({"notes": "x"})),
    );
    assert_eq!(r.status, 412);
    // `*`: any version of an existing record; a missing one is 404.
    let r = with(
        "PUT",
        &path,
        &[("If-Match", "*")],
        Some(&json!({"notes": "third"})),
    );
    assert_eq!(r.status, 200);
    let v4 = etag(&r);
    let r = with(
        "PUT",
        "/phonerecords/999999999",
        &[("If-Match", "*")],
        Some(&json!({"notes": "x"})),
    );
    r.errors(404);
    let r = with(
        "PUT",
        "/phonerecords/999999999",
        &[("If-Match", "\"999999999-1\"")],
        Some(&json!({"notes": "x"})),
    );
    r.errors(404);
    // An empty change with a stale ETag is still refused.
    let r = with("PUT", &path, &[("If-Match", &v3)], Some(&json!({})));
    assert_eq!((r.status, etag(&r)), (412, v4.clone()));
    // DELETE: the old ETag is refused and the record stays; the current one deletes.
    let r = with("DELETE", &path, &[("If-Match", &v3)], None);
    r.errors(412);
    assert_eq!(etag(&r), v4);
    assert_eq!(get(&path).status, 200);
    let r = with("DELETE", &path, &[("If-Match", &v4)], None);
    assert_eq!(r.status, 204, "{}", r.text());
    assert_eq!(get(&path).status, 404);
    let r = with("DELETE", &path, &[("If-Match", &v4)], None);
    r.errors(404);
    let r = with("DELETE", &path, &[("If-Match", "*")], None);
    r.errors(404);
    // DELETE with `*` deletes an existing record.
    let id = create(&minimal()).id;
    assert_eq!(
        with(
            "DELETE",
            &format!("/phonerecords/{id}"),
            &[("If-Match", "*")],
            None
        )
        .status,
        204
    );
}

#[test]
fn if_none_match_on_get() {
    let id = create(&minimal()).id;
    let path = format!("/phonerecords/{id}");
    let v1 = etag(&get(&path));
    let r = with("GET", &path, &[("If-None-Match", &v1)], None);
    assert_eq!(r.status, 304);
    assert!(r.body.is_empty());
    assert_eq!(etag(&r), v1);
    // Weak comparison: W/ matches; `*` matches any existing record.
    assert_eq!(
        with("GET", &path, &[("If-None-Match", &format!("W/{v1}"))], None).status,
        304
    );
    assert_eq!(
        with("GET", &path, &[("If-None-Match", "*")], None).status,
        304
    );
    assert_eq!(
        with("GET", &path, &[("If-None-Match", "\"1-999\"")], None).status,
        200
    );
    // Changed: the record, with its new ETag.
    put(&path, &json!({"notes": "changed"})).record();
    let r = with("GET", &path, &[("If-None-Match", &v1)], None);
    assert_eq!(r.status, 200);
    assert_eq!(r.record().notes.as_deref(), Some("changed"));
    assert_ne!(etag(&r), v1);
    with(
        "GET",
        "/phonerecords/999999999",
        &[("If-None-Match", "*")],
        None,
    )
    .errors(404);
}

#[test]
fn malformed_conditions_are_400() {
    let id = create(&minimal()).id;
    let path = format!("/phonerecords/{id}");
    for bad in [
        "12-1",
        "\"1-1",
        "W/1-1",
        "\"a b\"",
        "*, \"1-1\"",
        ",",
        "\"1-1\" \"1-2\"",
    ] {
        let r = with(
            "PUT",
            &path,
            &[("If-Match", bad)],
            Some(&json!({"notes": "x"})),
        );
        assert_eq!(
            r.errors(400),
            vec![("If-Match".to_owned(), "invalid_header".to_owned())],
            "{bad}"
        );
        let r = with("DELETE", &path, &[("If-Match", bad)], None);
        r.errors(400);
        let r = with("GET", &path, &[("If-None-Match", bad)], None);
        assert_eq!(
            r.errors(400),
            vec![("If-None-Match".to_owned(), "invalid_header".to_owned())],
            "{bad}"
        );
    }
    assert_eq!(get(&path).record().notes, None, "nothing written");
    // A multi-id DELETE with If-Match: 400, saying why, nothing deleted.
    let other = create(&minimal()).id;
    let tag = etag(&get(&path));
    let r = with(
        "DELETE",
        &format!("/phonerecords/{id},{other}"),
        &[("If-Match", &tag)],
        None,
    );
    r.errors(400);
    assert!(
        error_detail(&r).contains("one record"),
        "{}",
        error_detail(&r)
    );
    assert_eq!(get(&path).status, 200);
    assert_eq!(get(&format!("/phonerecords/{other}")).status, 200);
}

/// Writers on the SAME record, each a read-modify-write with If-Match (the
/// edit page's save): per version exactly one wins, the rest get 412 and try
/// again on the new version, and the stored notes hold every acknowledged
/// change. Bounded: 6 threads × 5 changes.
#[test]
fn concurrent_writers_on_one_record_lose_nothing() {
    const WRITERS: usize = 6;
    const CHANGES: usize = 5;
    let id = create(&minimal()).id;
    let path = format!("/phonerecords/{id}");
    let start = Arc::new(Barrier::new(WRITERS));
    let workers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let path = path.clone();
            let start = start.clone();
            thread::spawn(move || {
                start.wait();
                let (mut won, mut refused) = (Vec::new(), 0);
                for i in 0..CHANGES {
                    let mark = format!("[w{w}c{i}]");
                    loop {
                        let r = get(&path);
                        let tag = etag(&r);
                        let notes = r.record().notes.unwrap_or_default();
                        let r = with(
                            "PUT",
                            &path,
                            &[("If-Match", &tag)],
                            Some(&json!({"notes": format!("{notes}{mark}")})),
                        );
                        match r.status {
                            200 => {
                                won.push((tag, etag(&r), mark));
                                break;
                            }
                            412 => {
                                assert_ne!(etag(&r), tag, "a 412 names another version");
                                refused += 1;
                            }
                            s => panic!("{s}: {}", r.text()),
                        }
                    }
                }
                (won, refused)
            })
        })
        .collect();
    let mut wins = Vec::new();
    let mut refused = 0;
    for w in workers {
        let (won, r) = w.join().expect("a writer failed");
        wins.extend(won);
        refused += r;
    }
    assert_eq!(wins.len(), WRITERS * CHANGES);
    // One winner per version: each If-Match version was won once, and each win made the next.
    let from: HashSet<&String> = wins.iter().map(|(f, ..)| f).collect();
    assert_eq!(from.len(), wins.len(), "two writers won the same version");
    for (f, t, _) in &wins {
        let v = |s: &str| {
            s.trim_matches('"')
                .split('-')
                .nth(1)
                .unwrap()
                .parse::<u64>()
                .unwrap()
        };
        assert_eq!(v(t), v(f) + 1);
    }
    let r = get(&path);
    assert_eq!(etag(&r), format!("\"{id}-{}\"", 1 + wins.len()));
    let notes = r.record().notes.unwrap_or_default();
    for (.., mark) in &wins {
        assert_eq!(
            notes.matches(mark.as_str()).count(),
            1,
            "{mark} lost or doubled in {notes}"
        );
    }
    println!(
        "{} acknowledged changes, {refused} refused with 412 and retried",
        wins.len()
    );
}
