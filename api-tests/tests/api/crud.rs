//! The five operations, partial-update semantics, and faithful round trips.

use crate::common::*;
use phonerecords_shared::PhoneRecord;
use serde_json::{Value, json};

/// The stored record as JSON, without its id.
fn without_id(mut v: Value) -> Value {
    v.as_object_mut().unwrap().remove("id");
    v
}

#[test]
fn create_returns_the_stored_record_and_its_location() {
    let r = post("/phonerecords", &contract_example());
    assert_eq!(r.status, 200, "{}", r.text());
    let body = r.json();
    assert!(body["id"].as_i64().unwrap() > 0);
    assert_eq!(
        without_id(body.clone()),
        contract_example(),
        "every field comes back as sent"
    );
    let location = r.header("location").expect("Location header");
    assert_eq!(
        location,
        format!("{}/phonerecords/{}", base_url(), body["id"])
    );
    let again = get(&format!("/phonerecords/{}", body["id"]));
    assert_eq!(again.json(), body);
}

#[test]
fn absent_optional_fields_are_omitted_not_null() {
    let body = post("/phonerecords", &minimal()).json();
    let keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut keys = keys.clone();
    keys.sort();
    assert_eq!(
        keys,
        ["callTimestamp", "direction", "id", "links", "outcome"]
    );
    assert_eq!(body["links"], json!({}), "links is always an object");
    let explicit_nulls = post(
        "/phonerecords",
        &json!({"direction": "in", "callTimestamp": "2025-01-01T00:00:00Z", "outcome": "x", "notes": null, "links": {"action": null}}),
    )
    .json();
    assert!(explicit_nulls.get("notes").is_none());
    assert_eq!(explicit_nulls["links"], json!({}));
}

#[test]
fn ids_are_distinct_and_ascending() {
    let a = create(&minimal()).id;
    let b = create(&minimal()).id;
    assert!(b > a);
}

#[test]
fn get_unknown_or_malformed_ids() {
    let id = create(&minimal()).id;
    assert_eq!(delete(&format!("/phonerecords/{id}")).status, 204);
    assert_eq!(
        get(&format!("/phonerecords/{id}")).errors(404),
        vec![("id".to_string(), "not_found".to_string())]
    );
    assert_eq!(
        get("/phonerecords/99999999999999999999").errors(404).len(),
        1
    );
    assert_eq!(get("/phonerecords/0").errors(404).len(), 1);
    for bad in ["abc", "-1", "1.5", "1e3", "%20"] {
        let errs = get(&format!("/phonerecords/{bad}")).errors(400);
        assert_eq!(
            errs,
            vec![("id".to_string(), "invalid_id".to_string())],
            "{bad}"
        );
    }
}

#[test]
fn put_changes_only_what_it_names() {
    let rec = create(&contract_example());
    let path = format!("/phonerecords/{}", rec.id);
    let updated = put(
        &path,
        &json!({"outcome": "Left a message", "actualHours": "0.5"}),
    )
    .record();
    let mut expected = rec.clone();
    expected.outcome = "Left a message".into();
    expected.actual_hours = Some(0.5);
    assert_eq!(updated, expected);
    assert_eq!(get(&path).record(), expected, "the update is stored");
}

#[test]
fn put_null_clears_optional_fields_and_links() {
    let rec = create(&contract_example());
    let path = format!("/phonerecords/{}", rec.id);
    let body = put(&path, &json!({"notes": null, "phoneNumberType": null, "actualHours": null, "links": {"action": null}})).json();
    for gone in ["notes", "phoneNumberType", "actualHours"] {
        assert!(body.get(gone).is_none(), "{gone} was not cleared: {body}");
    }
    assert_eq!(
        body["links"],
        json!({"fromParticipant": 8945, "toParticipant": 4912})
    );
    assert_eq!(
        body["phoneNumber"], "+44 493 993938",
        "untouched fields stay"
    );
    assert_eq!(get(&path).json(), body);
}

#[test]
fn put_cannot_clear_required_fields_and_changes_nothing() {
    let rec = create(&contract_example());
    let path = format!("/phonerecords/{}", rec.id);
    let errs = put(
        &path,
        &json!({"outcome": null, "direction": null, "callTimestamp": null, "notes": "changed"}),
    )
    .errors(422);
    let mut paths: Vec<&str> = errs.iter().map(|(p, _)| p.as_str()).collect();
    paths.sort();
    assert_eq!(paths, ["callTimestamp", "direction", "outcome"]);
    assert!(errs.iter().all(|(_, c)| c == "cannot_clear"));
    assert_eq!(
        get(&path).record(),
        rec,
        "a rejected update changes nothing"
    );
}

#[test]
fn put_with_an_empty_body_is_a_no_op() {
    let rec = create(&contract_example());
    assert_eq!(
        put(&format!("/phonerecords/{}", rec.id), &json!({})).record(),
        rec
    );
}

#[test]
fn put_on_a_missing_record_is_404_and_creates_nothing() {
    let id = create(&minimal()).id;
    delete(&format!("/phonerecords/{id}"));
    let before = record_count();
    put(&format!("/phonerecords/{id}"), &json!({"outcome": "x"})).errors(404);
    assert_eq!(record_count(), before);
}

#[test]
fn put_changes_direction_and_timestamp() {
    let rec = create(&contract_example());
    let path = format!("/phonerecords/{}", rec.id);
    let body = put(&path, &json!({"direction": "in", "callTimestamp": "2026-01-02T03:04:05-05:00", "links": {"action": 7}})).json();
    assert_eq!(body["direction"], "in");
    assert_eq!(body["callTimestamp"], "2026-01-02T03:04:05-05:00");
    assert_eq!(body["links"]["action"], 7);
    assert_eq!(body["links"]["fromParticipant"], 8945);
}

#[test]
fn delete_removes_once() {
    let id = create(&minimal()).id;
    let path = format!("/phonerecords/{id}");
    let r = delete(&path);
    assert_eq!(r.status, 204);
    assert!(r.body.is_empty());
    delete(&path).errors(404);
    get(&path).errors(404);
}

#[test]
fn timestamps_keep_their_offsets() {
    for ts in [
        "2025-09-17T09:12:32+12:00",
        "2025-09-17T09:12:32-05:30",
        "2025-09-17T09:12:32Z",
        "2025-09-17T09:12:32+00:00",
        "2025-09-17T09:12:32.123+13:45",
        "1999-12-31T23:59:59.999999999-12:00",
    ] {
        let mut body = minimal();
        body["callTimestamp"] = json!(ts);
        let rec = create(&body);
        assert_eq!(rec.call_timestamp.as_str(), ts);
        assert_eq!(
            get(&format!("/phonerecords/{}", rec.id)).json()["callTimestamp"],
            ts
        );
    }
    let mut body = minimal();
    body["callTimestamp"] = json!("2025-09-17t09:12:32z");
    assert_eq!(
        create(&body).call_timestamp.as_str(),
        "2025-09-17T09:12:32Z",
        "stored in canonical case"
    );
}

#[test]
fn unicode_text_round_trips_exactly() {
    let notes = "Café ☕ — 電話で話しました. مكالمة هاتفية. e\u{301} (combining) 👩‍⚖️📞\nSecond line\twith tab";
    let body = json!({
        "direction": "out",
        "callTimestamp": "2025-09-17T09:12:32+09:00",
        "outcome": "Réglé ✔",
        "fromParticipantOther": "Zoë O'Brien-Łukasiewicz",
        "toParticipantOther": "株式会社テスト",
        "notes": notes,
    });
    let rec = create(&body);
    let stored = get(&format!("/phonerecords/{}", rec.id)).json();
    assert_eq!(stored["notes"], notes);
    assert_eq!(stored["toParticipantOther"], "株式会社テスト");
    assert_eq!(stored["outcome"], "Réglé ✔");
    // Limits count characters: 255 four-byte emoji fit, 256 do not.
    let mut body = minimal();
    body["outcome"] = json!("📞".repeat(255));
    assert_eq!(create(&body).outcome.chars().count(), 255);
    body["outcome"] = json!("📞".repeat(256));
    assert_eq!(
        post("/phonerecords", &body).errors(422),
        vec![("outcome".into(), "too_long".into())]
    );
}

#[test]
fn sql_looking_text_is_stored_verbatim() {
    let evil = "'); DROP TABLE phone_records; -- \" OR 1=1 %_*";
    let mut body = minimal();
    body["notes"] = json!(evil);
    body["outcome"] = json!(evil);
    let rec = create(&body);
    assert_eq!(
        get(&format!("/phonerecords/{}", rec.id))
            .record()
            .notes
            .as_deref(),
        Some(evil)
    );
    assert!(record_count() > 0);
}

#[test]
fn numeric_strings_and_big_ids_round_trip() {
    let max = 9_007_199_254_740_991_i64;
    let mut body = minimal();
    body["actualHours"] = json!("0.25");
    body["links"] = json!({"action": max, "fromParticipant": "8945"});
    let rec: PhoneRecord = create(&body);
    assert_eq!(rec.actual_hours, Some(0.25));
    assert_eq!(rec.links.action, Some(max));
    assert_eq!(rec.links.from_participant, Some(8945));
    let raw = get(&format!("/phonerecords/{}", rec.id)).text();
    assert!(
        raw.contains("\"action\":9007199254740991"),
        "exact in the JSON text: {raw}"
    );
    assert!(raw.contains("\"actualHours\":0.25"), "{raw}");
}

#[test]
fn vnd_api_json_is_accepted() {
    let bytes = serde_json::to_vec(&minimal()).unwrap();
    let r = request("POST", "/phonerecords")
        .token(&token())
        .header("Content-Type", "application/vnd.api+json; charset=UTF-8")
        .body(&bytes)
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
}

#[test]
fn put_accepts_the_record_sent_back_with_its_own_id() {
    let rec = create(&contract_example());
    let path = format!("/phonerecords/{}", rec.id);
    let mut body = serde_json::to_value(&rec).unwrap();
    body["outcome"] = json!("Changed");
    let updated = put(&path, &body).record();
    assert_eq!(
        updated,
        PhoneRecord {
            outcome: "Changed".into(),
            ..rec.clone()
        }
    );
    let errs = put(&path, &json!({"id": rec.id + 1, "outcome": "x"})).errors(422);
    assert_eq!(errs, vec![("id".to_string(), "read_only".to_string())]);
    assert_eq!(
        get(&path).record().outcome,
        "Changed",
        "a refused update changes nothing"
    );
}
