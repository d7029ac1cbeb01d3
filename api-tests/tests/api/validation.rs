//! Every validation rule over HTTP: 422 naming the field, and nothing stored.

use crate::common::*;
use serde_json::{Value, json};

fn with(key: &str, value: Value) -> Value {
    let mut body = minimal();
    if let Some(link) = key.strip_prefix("links.") {
        body["links"] = json!({ link: value });
    } else {
        body[key] = value;
    }
    body
}

/// (field, value, code): each is one broken rule of the create body.
fn broken_rules() -> Vec<(&'static str, Value, &'static str)> {
    vec![
        ("direction", json!("sideways"), "invalid_value"),
        ("direction", json!("IN"), "invalid_value"),
        ("direction", json!(1), "invalid_type"),
        (
            "callTimestamp",
            json!("2025-09-17T09:12:32"),
            "invalid_timestamp",
        ),
        ("callTimestamp", json!("2025-09-17"), "invalid_timestamp"),
        (
            "callTimestamp",
            json!("17/09/2025 09:12"),
            "invalid_timestamp",
        ),
        (
            "callTimestamp",
            json!("2025-02-30T10:00:00Z"),
            "invalid_timestamp",
        ),
        ("callTimestamp", json!(1758057152), "invalid_type"),
        ("outcome", json!(""), "blank"),
        ("outcome", json!("   "), "blank"),
        ("outcome", json!("x".repeat(256)), "too_long"),
        ("outcome", json!("a\nb"), "invalid_characters"),
        ("outcome", json!(false), "invalid_type"),
        ("fromParticipantOther", json!("x".repeat(256)), "too_long"),
        ("toParticipantOther", json!("x".repeat(256)), "too_long"),
        ("toParticipantOther", json!(["x"]), "invalid_type"),
        ("phoneNumber", json!("1".repeat(51)), "too_long"),
        ("phoneNumber", json!("call me"), "invalid_value"),
        ("phoneNumberType", json!("x".repeat(51)), "too_long"),
        ("notes", json!("x".repeat(10_001)), "too_long"),
        ("notes", json!("nul\u{0}byte"), "invalid_characters"),
        ("notes", json!({"text": "x"}), "invalid_type"),
        ("actualHours", json!(-0.25), "out_of_range"),
        ("actualHours", json!(24.5), "out_of_range"),
        ("actualHours", json!(1e300), "out_of_range"),
        ("actualHours", json!("NaN"), "invalid_value"),
        ("actualHours", json!("Infinity"), "invalid_value"),
        ("actualHours", json!("1e2"), "invalid_value"),
        ("actualHours", json!(null), "ok"),
        ("actualHours", json!(true), "invalid_type"),
        ("links.action", json!(0), "out_of_range"),
        ("links.action", json!(-3), "out_of_range"),
        (
            "links.action",
            json!(9_007_199_254_740_992_i64),
            "out_of_range",
        ),
        ("links.action", json!(2.5), "invalid_type"),
        ("links.fromParticipant", json!("abc"), "invalid_type"),
        ("links.toParticipant", json!([1]), "invalid_type"),
        ("links.matter", json!(1), "unknown_field"),
        ("outcom", json!("typo"), "unknown_field"),
        ("Direction", json!("in"), "unknown_field"),
        ("action", json!(1), "unknown_field"),
        ("id", json!(5), "read_only"),
    ]
}

#[test]
fn every_rule_is_a_422_naming_the_field_and_stores_nothing() {
    let before = record_count();
    let mut accepted = 0;
    for (field, value, code) in broken_rules() {
        let r = post("/phonerecords", &with(field, value.clone()));
        if code == "ok" {
            assert_eq!(r.status, 200, "{field}={value}: {}", r.text());
            accepted += 1;
            continue;
        }
        let errs = r.errors(422);
        assert_eq!(
            errs,
            vec![(field.to_string(), code.to_string())],
            "{field} = {value}"
        );
    }
    assert_eq!(
        record_count(),
        before + accepted,
        "rejected bodies store nothing"
    );
}

#[test]
fn the_same_rules_apply_to_updates_and_change_nothing() {
    let rec = create(&minimal());
    let path = format!("/phonerecords/{}", rec.id);
    for (field, value, code) in broken_rules() {
        if code == "ok" {
            continue;
        }
        let body = with(field, value.clone());
        let body = json!({ field.split('.').next().unwrap(): body[field.split('.').next().unwrap()].clone() });
        let errs = put(&path, &body).errors(422);
        assert_eq!(
            errs,
            vec![(field.to_string(), code.to_string())],
            "PUT {field} = {value}"
        );
    }
    assert_eq!(get(&path).record(), rec);
}

#[test]
fn every_problem_is_reported_at_once() {
    let errs = post(
        "/phonerecords",
        &json!({"direction": "up", "actualHours": -1, "notez": "x", "links": {"action": 0}}),
    )
    .errors(422);
    let mut paths: Vec<&str> = errs.iter().map(|(p, _)| p.as_str()).collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "actualHours",
            "callTimestamp",
            "direction",
            "links.action",
            "notez",
            "outcome"
        ]
    );
}

#[test]
fn required_fields_are_required() {
    let errs = post("/phonerecords", &json!({})).errors(422);
    assert_eq!(
        errs,
        vec![
            ("direction".into(), "required".into()),
            ("callTimestamp".into(), "required".into()),
            ("outcome".into(), "required".into())
        ]
    );
}

#[test]
fn limits_are_inclusive() {
    let mut body = minimal();
    body["outcome"] = json!("x".repeat(255));
    body["fromParticipantOther"] = json!("x".repeat(255));
    body["phoneNumber"] = json!("1".repeat(50));
    body["phoneNumberType"] = json!("x".repeat(50));
    body["notes"] = json!("é".repeat(10_000));
    body["actualHours"] = json!(24);
    create(&body);
}
