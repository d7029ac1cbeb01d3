//! What a request costs in D1 (`Server-Timing`), the session bookmark
//! (`x-d1-bookmark`), and the counter and search index the triggers keep.

use crate::common::*;
use serde_json::json;

#[test]
fn every_request_is_one_d1_round_trip_and_says_what_it_cost() {
    let rec = create(&minimal());
    let created = post("/phonerecords", &minimal());
    let (_, written, calls) = d1_cost(&created);
    assert_eq!(calls, 1);
    assert!(written >= 1, "an insert writes: {written}");
    for path in [
        "/phonerecords".to_owned(),
        "/phonerecords?q=completed&sort=-callTimestamp".to_owned(),
        format!("/phonerecords/{}", rec.id),
    ] {
        let r = get(&path);
        assert_eq!(r.status, 200, "{}", r.text());
        let (read, written, calls) = d1_cost(&r);
        assert_eq!((written, calls), (0, 1), "{path}");
        assert!(read >= 1, "{path} read {read}");
    }
    let r = put(&format!("/phonerecords/{}", rec.id), &json!({"notes": "x"}));
    assert_eq!(d1_cost(&r).2, 1);
}

#[test]
fn the_unfiltered_count_stays_exact() {
    let before = record_count();
    let made = post(
        "/phonerecords",
        &json!({"phonerecords": [minimal(), minimal(), minimal()]}),
    )
    .json();
    let ids = ids_of(&made["phonerecords"]);
    assert_eq!(record_count(), before + 3);
    assert_eq!(
        delete(&format!("/phonerecords/{},{}", ids[0], ids[1])).status,
        204
    );
    assert_eq!(
        delete(&format!("/phonerecords/{},999999999", ids[2])).status,
        404
    );
    assert_eq!(record_count(), before + 1);
    delete(&format!("/phonerecords/{}", ids[2]));
    assert_eq!(record_count(), before);
}

#[test]
fn search_follows_creates_updates_and_deletes() {
    let found = |q: &str| -> Vec<i64> {
        ids_of(&get(&format!("/phonerecords?q={}", enc(q))).json()["phonerecords"])
    };
    let mut body = minimal();
    body["notes"] = json!("Spoke about the Xylophonic Settlement");
    let rec = create(&body);
    assert_eq!(found("xylophonic"), vec![rec.id]);
    assert_eq!(found("XYLO"), vec![rec.id]);
    put(
        &format!("/phonerecords/{}", rec.id),
        &json!({"notes": "Quokkaesque terms agreed"}),
    );
    assert!(found("xylophonic").is_empty());
    assert_eq!(found("quokkaesque"), vec![rec.id]);
    delete(&format!("/phonerecords/{}", rec.id));
    assert!(found("quokkaesque").is_empty());
}

#[test]
fn a_bookmark_sent_back_reads_your_writes() {
    let created = post("/phonerecords", &minimal());
    let id = created.record().id;
    let path = format!("/phonerecords/{id}");
    let bookmark = created
        .header("x-d1-bookmark")
        .expect("a write returns its session's bookmark")
        .to_owned();
    assert!(
        !bookmark.is_empty() && bookmark.bytes().all(|c| c.is_ascii_hexdigit() || c == b'-'),
        "{bookmark}"
    );
    let r = request("GET", &path)
        .token(&token())
        .header("x-d1-bookmark", &bookmark)
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(
        r.header("x-d1-bookmark").is_some(),
        "a read returns one too"
    );
    // Not a bookmark: ignored, never an error.
    for bad in ["not a bookmark", "first-primary", "zz-zz"] {
        let r = request("GET", &path)
            .token(&token())
            .header("x-d1-bookmark", bad)
            .send();
        assert_eq!(r.status, 200, "{bad}: {}", r.text());
    }
}
