//! Hostile input not covered by errors.rs and validation.rs: SQL-looking text
//! in every field and parameter, NaN-like and extreme hours, odd path ids and
//! very long query strings. Each is a clear 4xx (or, where the text is a
//! valid value, stored verbatim), never a 500, and changes nothing else.
use crate::common::*;
use serde_json::json;

const SQL: &str = "x'); DROP TABLE phone_records; --";

#[test]
fn sql_looking_text_in_every_field_is_stored_verbatim() {
    let before = record_count();
    let body = json!({
        "direction": "in", "callTimestamp": "2025-09-17T09:12:32+12:00",
        "outcome": SQL, "fromParticipantOther": SQL, "toParticipantOther": SQL,
        "phoneNumber": format!("1 {SQL}"), "phoneNumberType": SQL, "notes": SQL,
    });
    let rec = create(&body);
    let back = get(&format!("/phonerecords/{}", rec.id)).record();
    assert_eq!(back, rec);
    assert_eq!(back.notes.as_deref(), Some(SQL));
    assert_eq!(record_count(), before + 1);
    let r = put(
        &format!("/phonerecords/{}", rec.id),
        &json!({"notes": format!("{SQL} 2")}),
    );
    assert_eq!(r.record().notes, Some(format!("{SQL} 2")));
}

#[test]
fn sql_looking_text_in_every_parameter_is_a_value_or_a_400() {
    let before = record_count();
    let v = enc(SQL);
    // Text is a value (200); anywhere a number, time, name or list of names
    // belongs, it is a 400 naming the parameter.
    for (query, want) in [
        (format!("notes={v}"), 200),
        (format!("notes_like={v}"), 200),
        (format!("outcome_ilike={v}"), 200),
        (format!("notes_in={v},{v}"), 200),
        (format!("q={}", enc("'; DROP TABLE x; --")), 200),
        (format!("action={v}"), 400),
        (format!("callTimestamp_gteq={v}"), 400),
        (format!("actualHours_lt={v}"), 400),
        (format!("sort={v}"), 400),
        (format!("fields={v}"), 400),
        (format!("page={v}"), 400),
        (format!("pageSize={v}"), 400),
        (format!("{v}=1"), 400),
        (format!("notes_{v}=1"), 400),
    ] {
        let r = get(&format!("/phonerecords?{query}"));
        assert_eq!(r.status, want, "{query}: {}", r.text());
        if want == 400 {
            r.errors(400);
        }
    }
    get(&format!("/phonerecords/1?fields={v}")).errors(400);
    assert_eq!(record_count(), before);
}

#[test]
fn odd_path_ids_are_400_or_404() {
    let before = record_count();
    for id in [
        "abc",
        "1;DROP%20TABLE%20x",
        "-1",
        "0",
        "1.5",
        "0x10",
        "1e3",
        "%00",
        "%27",
        "1,,2",
        "99999999999999999999999",
    ] {
        for method in ["GET", "PUT", "DELETE"] {
            let body = serde_json::to_vec(&json!({"notes": "x"})).unwrap();
            let r = request(method, &format!("/phonerecords/{id}"))
                .token(&token())
                .header("Content-Type", "application/json")
                .maybe_body((method == "PUT").then_some(body.as_slice()))
                .send();
            assert!(
                r.status == 400 || r.status == 404,
                "{method} {id}: {}",
                r.status
            );
            r.errors(r.status);
        }
    }
    assert_eq!(record_count(), before);
}

#[test]
fn nan_like_and_extreme_hours_are_422() {
    let before = record_count();
    for hours in [
        json!("NaN"),
        json!("Infinity"),
        json!("-Infinity"),
        json!("nan"),
        json!(-0.01),
        json!(-1),
        json!(24.01),
        json!(1e308),
        json!("1e3"),
        json!("0x1"),
        json!(""),
        json!(true),
        json!([1]),
        json!({"h": 1}),
    ] {
        let mut body = minimal();
        body["actualHours"] = hours.clone();
        let errs = post("/phonerecords", &body).errors(422);
        assert_eq!(errs[0].0, "actualHours", "{hours}");
    }
    assert_eq!(record_count(), before);
}

#[test]
fn very_long_query_strings_are_answered_clearly() {
    let long = "x".repeat(16_000);
    // A value too long for its parameter is a 400 naming it.
    for (query, param) in [
        (format!("q={long}"), "q"),
        (format!("notes_like={long}"), "notes_like"),
        (format!("sort={long}"), "sort"),
    ] {
        let errs = get(&format!("/phonerecords?{query}")).errors(400);
        assert_eq!(errs[0].0, param);
    }
    // Filter values are held to the field's own limit; unknown names are refused.
    let errs = get(&format!("/phonerecords?notes={long}")).errors(400);
    assert_eq!(errs[0].0, "notes");
    get(&format!("/phonerecords?{long}=1")).errors(400);
}

/// An error answer is bounded whatever was sent: at most 20 problems, then one
/// saying how many more; the client's text quoted cut short.
#[test]
fn error_answers_are_bounded() {
    // A 64 KiB body of ~6 000 unknown keys (once a 1.5 MB answer).
    let mut body = minimal();
    let mut n = 0;
    while serde_json::to_vec(&body).unwrap().len() < 63 * 1024 {
        body[format!("k{n}")] = json!(1);
        n += 1;
    }
    let r = post("/phonerecords", &body);
    let errs = r.errors(422);
    assert_eq!(errs.len(), 21, "{}", r.text());
    assert!(errs[..20].iter().all(|(_, code)| code == "unknown_field"));
    assert_eq!(errs[20], (String::new(), "too_many_errors".to_owned()));
    let more = n - 20;
    assert!(
        r.json()["errors"][20]["detail"]
            .as_str()
            .unwrap()
            .contains(&format!("{more} more problems")),
        "{}",
        r.text()
    );
    assert!(r.body.len() < 8 * 1024, "{} bytes", r.body.len());

    // Twenty problems are all listed, without the extra entry.
    let mut body = minimal();
    for i in 0..20 {
        body[format!("k{i}")] = json!(1);
    }
    assert_eq!(post("/phonerecords", &body).errors(422).len(), 20);

    // A long key is quoted cut short; the detail still lists the fields.
    let key = "z".repeat(20_000);
    let mut body = minimal();
    body[&key] = json!(1);
    let r = post("/phonerecords", &body);
    let errs = r.errors(422);
    assert_eq!(errs[0].0.chars().count(), 100, "path cut to 100 characters");
    let detail = r.json()["errors"][0]["detail"].as_str().unwrap().to_owned();
    assert!(detail.contains("the fields are: "), "{detail}");
    assert!(detail.chars().count() <= 600, "{detail}");
    assert!(r.body.len() < 2048, "{} bytes", r.body.len());

    // A long query parameter name, likewise.
    let r = get(&format!("/phonerecords?{}=1", "y".repeat(16_000)));
    let errs = r.errors(400);
    assert!(errs[0].0.chars().count() <= 100, "{}", errs[0].0);
    assert!(r.body.len() < 2048, "{} bytes", r.body.len());
}
