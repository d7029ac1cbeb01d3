//! `Idempotency-Key` on POST: the first request is performed and its answer
//! remembered; a repeat with the same body gets the same status, body and
//! Location without creating anything (plain and Actionstep, one record and
//! batches); another body under the key is 422; keys are per token; repeats
//! at the same moment create exactly one record; old clients see no change.
use std::sync::{Arc, Barrier};
use std::thread;

use crate::common::*;
use serde_json::{Value, json};

fn post_keyed(path: &str, key: &str, headers: &[(&str, &str)], body: &[u8]) -> Resp {
    let mut h = vec![
        ("Content-Type", "application/json"),
        ("Idempotency-Key", key),
    ];
    h.extend_from_slice(headers);
    request("POST", path)
        .token(&token())
        .headers(&h)
        .body(body)
        .send()
}

fn tagged(tag: &str) -> Value {
    let mut b = minimal();
    b["notes"] = json!(tag);
    b
}

fn stored_with(tag: &str) -> usize {
    let r = get(&format!("/phonerecords?notes={}&pageSize=200", enc(tag)));
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()["phonerecords"].as_array().unwrap().len()
}

#[test]
fn a_repeat_replays_the_first_answer_and_creates_nothing() {
    let run = nonce();
    let tag = format!("idempotent {run}");
    let key = format!("key-{run}");
    let body = serde_json::to_vec(&tagged(&tag)).unwrap();
    let before = record_count();
    let first = post_keyed("/phonerecords", &key, &[], &body);
    assert_eq!(first.status, 200, "{}", first.text());
    let id = first.record().id;
    assert_eq!(
        first.header("location"),
        Some(format!("{}/phonerecords/{id}", base_url()).as_str())
    );
    assert_eq!(first.header("etag"), Some(format!("\"{id}-1\"").as_str()));
    assert!(first.header("idempotent-replayed").is_none());
    // The same answer as a create without a key would give (the record, the contract's order).
    let plain = post("/phonerecords", &tagged(&format!("{tag} plain")));
    assert_eq!(
        first.text().replace(&format!("\"id\":{id}"), "ID"),
        plain
            .text()
            .replace(&format!("\"id\":{}", plain.record().id), "ID")
            .replace(" plain", "")
    );
    // Repeats (the same JSON, even spaced differently): byte-identical, nothing created.
    let spaced = serde_json::to_vec_pretty(&tagged(&tag)).unwrap();
    for b in [&body, &spaced] {
        let again = post_keyed("/phonerecords", &key, &[], b);
        assert_eq!(again.status, 200);
        assert_eq!(again.body, first.body);
        assert_eq!(again.header("location"), first.header("location"));
        assert_eq!(again.header("etag"), first.header("etag"));
        assert_eq!(again.header("content-type"), first.header("content-type"));
        assert_eq!(again.header("idempotent-replayed"), Some("true"));
    }
    assert_eq!(stored_with(&tag), 1);
    assert_eq!(record_count(), before + 2);
    // Replayed as first answered, even after the record changed.
    put(
        &format!("/phonerecords/{id}"),
        &json!({"outcome": "changed"}),
    )
    .record();
    assert_eq!(
        post_keyed("/phonerecords", &key, &[], &body).body,
        first.body
    );
    // Another body under the key: 422 saying why, nothing created.
    let other = post_keyed(
        "/phonerecords",
        &key,
        &[],
        &serde_json::to_vec(&tagged(&format!("{tag} other"))).unwrap(),
    );
    assert_eq!(
        other.errors(422),
        vec![(
            "Idempotency-Key".to_owned(),
            "idempotency_key_reused".to_owned()
        )]
    );
    assert!(other.text().contains("different body"), "{}", other.text());
    assert_eq!(stored_with(&format!("{tag} other")), 0);
    // Keys are per token: the other token's same key is a new request.
    let mine = request("POST", "/phonerecords")
        .token(&std::env::var("PHONERECORDS_API_TOKEN_2").unwrap())
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", &key)
        .body(&body)
        .send();
    assert_eq!(mine.status, 200);
    assert_ne!(mine.record().id, id);
    assert_eq!(stored_with(&tag), 2);
}

#[test]
fn batches_and_actionstep_envelopes_replay_too() {
    let run = nonce();
    let tag = format!("idempotent batch {run}");
    let key = format!("batch-{run}");
    let body = serde_json::to_vec(
        &json!({"phonerecords": (0..20).map(|_| tagged(&tag)).collect::<Vec<_>>()}),
    )
    .unwrap();
    let accept = [("Accept", "application/vnd.api+json")];
    let first = post_keyed("/api/rest/phonerecords", &key, &accept, &body);
    assert_eq!(first.status, 200, "{}", first.text());
    assert_eq!(
        first.header("content-type"),
        Some("application/vnd.api+json")
    );
    let ids = ids_of(&first.json()["phonerecords"]);
    assert_eq!(ids.len(), 20);
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "in the order sent");
    assert!(first.json()["links"].is_object());
    assert!(first.header("location").is_none() && first.header("etag").is_none());
    let again = post_keyed("/api/rest/phonerecords", &key, &accept, &body);
    assert_eq!((again.status, &again.body), (200, &first.body));
    assert_eq!(
        again.header("content-type"),
        Some("application/vnd.api+json")
    );
    assert_eq!(stored_with(&tag), 20);
    // A batch D1 refuses part-way: 500, no record, and the key is not used up.
    let fault_key = format!("fault-{run}");
    let fault_tag = format!("{tag} fault");
    let fault_body = serde_json::to_vec(
        &json!({"phonerecords": (0..5).map(|_| tagged(&fault_tag)).collect::<Vec<_>>()}),
    )
    .unwrap();
    let r = request("POST", "/phonerecords")
        .to(&base_url())
        .token(&token())
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", &fault_key)
        .header("X-Phonerecords-Fault", "batch")
        .body(&fault_body)
        .send_allowing_500();
    assert_eq!(r.status, 500, "{}", r.text());
    assert_eq!(stored_with(&fault_tag), 0);
    let r = post_keyed("/phonerecords", &fault_key, &[], &fault_body);
    assert_eq!(r.status, 200, "the retry is performed: {}", r.text());
    assert!(r.header("idempotent-replayed").is_none());
    assert_eq!(stored_with(&fault_tag), 5);
    // One D1 round trip for the whole idempotent create.
    let (_, _, calls) = d1_cost(&post_keyed(
        "/phonerecords",
        &format!("cost-{run}"),
        &[],
        &serde_json::to_vec(&minimal()).unwrap(),
    ));
    assert_eq!(calls, 1);
}

#[test]
fn bad_keys_are_400_and_invalid_bodies_are_not_remembered() {
    let run = nonce();
    let body = serde_json::to_vec(&minimal()).unwrap();
    let before = record_count();
    let long = "k".repeat(256);
    for bad in ["", "has space", "tab\there", long.as_str()] {
        let r = post_keyed("/phonerecords", bad, &[], &body);
        assert_eq!(
            r.errors(400),
            vec![("Idempotency-Key".to_owned(), "invalid_header".to_owned())],
            "{bad:?}"
        );
    }
    assert_eq!(
        post_keyed(
            "/phonerecords",
            &"k".repeat(255)
                .replace("kkkkkkkkkkkkkkkkkkkk", &format!("{run:020}")),
            &[],
            &body
        )
        .status,
        200
    );
    assert_eq!(record_count(), before + 1);
    // A body that breaks the rules is 422 and leaves the key free.
    let key = format!("invalid-{run}");
    let r = post_keyed("/phonerecords", &key, &[], br#"{"direction":"up"}"#);
    assert_eq!(r.status, 422);
    assert_eq!(post_keyed("/phonerecords", &key, &[], &body).status, 200);
}

/// The same key sent by 8 clients at the same moment: one record, and every
/// answer is that record's.
#[test]
fn concurrent_repeats_of_one_key_create_one_record() {
    const CLIENTS: usize = 8;
    for round in 0..3 {
        let run = nonce();
        let tag = format!("idempotent race {run}");
        let key = Arc::new(format!("race-{run}-{round}"));
        let body = Arc::new(serde_json::to_vec(&tagged(&tag)).unwrap());
        let start = Arc::new(Barrier::new(CLIENTS));
        let answers: Vec<Resp> = (0..CLIENTS)
            .map(|_| {
                let (key, body, start) = (key.clone(), body.clone(), start.clone());
                thread::spawn(move || {
                    start.wait();
                    post_keyed("/phonerecords", &key, &[], &body)
                })
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|t| t.join().unwrap())
            .collect();
        let ok: Vec<&Resp> = answers.iter().filter(|r| r.status == 200).collect();
        for r in &answers {
            assert!(
                r.status == 200 || r.status == 409,
                "{}: {}",
                r.status,
                r.text()
            );
        }
        assert!(!ok.is_empty());
        assert!(
            ok.iter().all(|r| r.body == ok[0].body),
            "every answer is the one record"
        );
        assert_eq!(
            ok.iter()
                .filter(|r| r.header("idempotent-replayed").is_none())
                .count(),
            1,
            "one performed it"
        );
        assert_eq!(stored_with(&tag), 1, "exactly one record");
    }
}
