//! The two forms of a request body: the contract's bare record, and
//! Actionstep's wrapped `{"phonerecords": {…}}` — on create also
//! `{"phonerecords": [{…}, …]}` for several records at once.
//!
//! A body is wrapped when it is an object whose only key is `phonerecords`;
//! that is never a field's name, so a bare record cannot be taken for one.
//! Problems inside a wrapped body name where they are in what was sent:
//! `phonerecords.outcome`, `phonerecords[2].links.action`.

use serde_json::Value;

use crate::error::FieldError;
use crate::model::{CreatePhoneRecord, UpdatePhoneRecord};
use crate::validate::{parse_create, parse_update};

/// The wrapping key: the resource's name, as in Actionstep's bodies and envelopes.
pub const RESOURCE: &str = "phonerecords";

/// Most records one request may create. Every record of a batch is one
/// statement of one D1 batch; the 64 KiB body limit applies as well.
pub const MAX_BATCH: usize = 100;

/// A validated create body: one record, or several to store all or none of.
// One per request, matched at once: boxing the single record would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum CreateBody {
    One(CreatePhoneRecord),
    Many(Vec<CreatePhoneRecord>),
}

/// What a body holds, before any record in it is validated.
enum Wrapping<'a> {
    Bare,
    One(&'a Value),
    Many(&'a [Value]),
    /// Wrapped, but around something that is neither an object nor an array.
    NotARecord,
}

fn wrapping(body: &Value) -> Wrapping<'_> {
    let Some(obj) = body.as_object() else {
        return Wrapping::Bare;
    };
    match obj.get(RESOURCE) {
        Some(inner) if obj.len() == 1 => match inner {
            Value::Object(_) => Wrapping::One(inner),
            Value::Array(items) => Wrapping::Many(items),
            _ => Wrapping::NotARecord,
        },
        _ => Wrapping::Bare,
    }
}

/// Validates a create body in either form; on failure, every problem found.
pub fn parse_create_body(body: &Value) -> Result<CreateBody, Vec<FieldError>> {
    match wrapping(body) {
        Wrapping::Bare => parse_create(body)
            .map(CreateBody::One)
            .map_err(explain_stray_wrapper),
        Wrapping::One(record) => parse_create(record)
            .map(CreateBody::One)
            .map_err(|errors| within(RESOURCE, errors)),
        Wrapping::Many(items) => parse_batch(items).map(CreateBody::Many),
        Wrapping::NotARecord => Err(vec![not_a_record(
            "phonerecords must be a phone record object, or an array of them to create several",
        )]),
    }
}

/// A record sent back as it was read repeats its own `id`: that one is
/// accepted and dropped. Any other `id` is left for validation to refuse.
fn without_own_id(record: &Value, path_id: i64) -> std::borrow::Cow<'_, Value> {
    let own = |v: &Value| match v {
        Value::Number(n) => n.as_i64() == Some(path_id),
        Value::String(s) => s.parse::<i64>().ok() == Some(path_id),
        _ => false,
    };
    match record.as_object() {
        Some(obj) if obj.get("id").is_some_and(own) => {
            let mut obj = obj.clone();
            obj.remove("id");
            std::borrow::Cow::Owned(Value::Object(obj))
        }
        _ => std::borrow::Cow::Borrowed(record),
    }
}

/// Validates an update body in either form, for the record `path_id`. An
/// update names one record, so an array is refused.
pub fn parse_update_body(path_id: i64, body: &Value) -> Result<UpdatePhoneRecord, Vec<FieldError>> {
    match wrapping(body) {
        Wrapping::Bare => {
            parse_update(&without_own_id(body, path_id)).map_err(explain_stray_wrapper)
        }
        Wrapping::One(record) => parse_update(&without_own_id(record, path_id))
            .map_err(|errors| within(RESOURCE, errors)),
        Wrapping::Many(_) => Err(vec![not_a_record(
            "an update changes one record: send {\"phonerecords\": {…}} with an object, not an array",
        )]),
        Wrapping::NotARecord => Err(vec![not_a_record(
            "phonerecords must be a phone record object",
        )]),
    }
}

fn parse_batch(items: &[Value]) -> Result<Vec<CreatePhoneRecord>, Vec<FieldError>> {
    if items.is_empty() {
        return Err(vec![FieldError::new(
            RESOURCE,
            "empty",
            "phonerecords is an empty array: send at least one record",
        )]);
    }
    if items.len() > MAX_BATCH {
        return Err(vec![FieldError::new(
            RESOURCE,
            "too_many",
            format!(
                "one request creates at most {MAX_BATCH} records (this one has {}); send the rest in further requests",
                items.len()
            ),
        )]);
    }
    let mut records = Vec::with_capacity(items.len());
    let mut errors = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let at = format!("{RESOURCE}[{i}]");
        if !item.is_object() {
            errors.push(FieldError::new(
                at.as_str(),
                "invalid_type",
                format!("{at} must be a phone record object"),
            ));
            continue;
        }
        match parse_create(item) {
            Ok(record) => records.push(record),
            Err(e) => errors.extend(within(&at, e)),
        }
    }
    if errors.is_empty() {
        Ok(records)
    } else {
        Err(errors)
    }
}

fn not_a_record(message: &str) -> FieldError {
    FieldError::new(RESOURCE, "invalid_type", message)
}

/// Moves problems found in a wrapped record to where the record sits.
fn within(prefix: &str, errors: Vec<FieldError>) -> Vec<FieldError> {
    errors
        .into_iter()
        .map(|mut e| {
            e.path = if e.path.is_empty() {
                prefix.to_owned()
            } else {
                format!("{prefix}.{}", e.path)
            };
            e
        })
        .collect()
}

/// `phonerecords` beside other keys is neither form: say how to send either.
fn explain_stray_wrapper(errors: Vec<FieldError>) -> Vec<FieldError> {
    errors
        .into_iter()
        .map(|mut e| {
            if e.path == RESOURCE && e.code == "unknown_field" {
                e.message = "phonerecords wraps a record only as the body's one key: send {\"phonerecords\": {…}} with nothing beside it, or the record's fields alone".into();
            }
            e
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(outcome: &str) -> Value {
        json!({"direction": "out", "callTimestamp": "2025-09-17T09:12:32+12:00", "outcome": outcome})
    }

    fn paths(errors: &[FieldError]) -> Vec<(&str, &str)> {
        errors.iter().map(|e| (e.path.as_str(), e.code)).collect()
    }

    fn one(body: &Value) -> CreatePhoneRecord {
        match parse_create_body(body) {
            Ok(CreateBody::One(r)) => r,
            other => panic!("expected one record from {body}: {other:?}"),
        }
    }

    #[test]
    fn bare_and_wrapped_objects_are_the_same_record() {
        let bare = one(&record("Call completed"));
        assert_eq!(
            one(&json!({"phonerecords": record("Call completed")})),
            bare
        );
        assert_eq!(bare, parse_create(&record("Call completed")).unwrap());
    }

    #[test]
    fn a_wrapped_array_is_a_batch_in_order() {
        let body = json!({"phonerecords": [record("first"), record("second"), record("third")]});
        let Ok(CreateBody::Many(records)) = parse_create_body(&body) else {
            panic!("a batch");
        };
        let outcomes: Vec<&str> = records.iter().map(|r| r.outcome.as_str()).collect();
        assert_eq!(outcomes, ["first", "second", "third"]);
        let Ok(CreateBody::Many(single)) =
            parse_create_body(&json!({"phonerecords": [record("x")]}))
        else {
            panic!("an array of one is still a batch");
        };
        assert_eq!(single.len(), 1);
    }

    #[test]
    fn problems_in_a_batch_name_their_element() {
        let mut bad = record("x");
        bad["outcome"] = json!("");
        bad["links"] = json!({"action": 0});
        let body = json!({"phonerecords": [record("ok"), json!({"direction": "in"}), bad, 5]});
        let errors = parse_create_body(&body).unwrap_err();
        assert_eq!(
            paths(&errors),
            vec![
                ("phonerecords[1].callTimestamp", "required"),
                ("phonerecords[1].outcome", "required"),
                ("phonerecords[2].links.action", "out_of_range"),
                ("phonerecords[2].outcome", "blank"),
                ("phonerecords[3]", "invalid_type"),
            ]
        );
    }

    #[test]
    fn problems_in_a_wrapped_object_are_under_phonerecords() {
        let errors =
            parse_create_body(&json!({"phonerecords": {"direction": "sideways", "outcom": "x"}}))
                .unwrap_err();
        assert_eq!(
            paths(&errors),
            vec![
                ("phonerecords.outcom", "unknown_field"),
                ("phonerecords.direction", "invalid_value"),
                ("phonerecords.callTimestamp", "required"),
                ("phonerecords.outcome", "required"),
            ]
        );
        let errors = parse_update_body(7, &json!({"phonerecords": {"notes": 1}})).unwrap_err();
        assert_eq!(paths(&errors), vec![("phonerecords.notes", "invalid_type")]);
        let errors =
            parse_create_body(&json!({"phonerecords": {"phonerecords": record("x")}})).unwrap_err();
        assert_eq!(
            paths(&errors)[0],
            ("phonerecords.phonerecords", "unknown_field"),
            "wrapped once only"
        );
    }

    #[test]
    fn empty_oversized_and_non_record_wrappers_are_refused() {
        let errors = parse_create_body(&json!({"phonerecords": []})).unwrap_err();
        assert_eq!(paths(&errors), vec![("phonerecords", "empty")]);
        let many = vec![record("x"); MAX_BATCH + 1];
        let errors = parse_create_body(&json!({"phonerecords": many})).unwrap_err();
        assert_eq!(paths(&errors), vec![("phonerecords", "too_many")]);
        assert!(
            errors[0].message.contains("at most 100"),
            "{}",
            errors[0].message
        );
        let full = vec![record("x"); MAX_BATCH];
        assert!(matches!(
            parse_create_body(&json!({"phonerecords": full})),
            Ok(CreateBody::Many(r)) if r.len() == MAX_BATCH
        ));
        for inner in [json!(null), json!("x"), json!(1), json!(true)] {
            let body = json!({"phonerecords": inner});
            let errors = parse_create_body(&body).unwrap_err();
            assert_eq!(
                paths(&errors),
                vec![("phonerecords", "invalid_type")],
                "{body}"
            );
            let errors = parse_update_body(7, &body).unwrap_err();
            assert_eq!(
                paths(&errors),
                vec![("phonerecords", "invalid_type")],
                "{body}"
            );
        }
    }

    #[test]
    fn phonerecords_beside_other_keys_is_a_bare_body_with_advice() {
        let mut body = record("x");
        body["phonerecords"] = record("y");
        let errors = parse_create_body(&body).unwrap_err();
        assert_eq!(paths(&errors), vec![("phonerecords", "unknown_field")]);
        assert!(
            errors[0].message.contains("only as the body's one key"),
            "{}",
            errors[0].message
        );
        let errors = parse_update_body(7, &json!({"phonerecords": {}, "notes": "x"})).unwrap_err();
        assert_eq!(paths(&errors), vec![("phonerecords", "unknown_field")]);
    }

    #[test]
    fn updates_in_either_form() {
        let bare =
            parse_update_body(7, &json!({"outcome": "Left a message", "notes": null})).unwrap();
        let wrapped = parse_update_body(
            7,
            &json!({"phonerecords": {"outcome": "Left a message", "notes": null}}),
        )
        .unwrap();
        assert_eq!(bare, wrapped);
        assert_eq!(bare.outcome.as_deref(), Some("Left a message"));
        assert!(
            parse_update_body(7, &json!({"phonerecords": {}}))
                .unwrap()
                .is_empty()
        );
        let errors =
            parse_update_body(7, &json!({"phonerecords": [{"outcome": "x"}]})).unwrap_err();
        assert_eq!(paths(&errors), vec![("phonerecords", "invalid_type")]);
        assert!(
            errors[0].message.contains("not an array"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn bare_bodies_are_unchanged() {
        for body in [json!([]), json!([record("x")]), json!(null), json!("x")] {
            assert_eq!(
                parse_create_body(&body).unwrap_err(),
                parse_create(&body).unwrap_err(),
                "{body}"
            );
            assert_eq!(
                parse_update_body(7, &body).unwrap_err(),
                parse_update(&body).unwrap_err(),
                "{body}"
            );
        }
        let body = json!({"outcome": null});
        assert_eq!(
            parse_update_body(7, &body).unwrap_err(),
            parse_update(&body).unwrap_err()
        );
    }

    #[test]
    fn an_update_may_repeat_its_own_id_but_no_other() {
        let own = parse_update_body(7, &json!({"id": 7, "outcome": "x"})).unwrap();
        assert_eq!(own.outcome.as_deref(), Some("x"));
        let wrapped =
            parse_update_body(7, &json!({"phonerecords": {"id": "7", "notes": null}})).unwrap();
        assert!(wrapped.notes == crate::Patch::Clear);
        let other = parse_update_body(7, &json!({"id": 8, "outcome": "x"})).unwrap_err();
        assert_eq!((other[0].path.as_str(), other[0].code), ("id", "read_only"));
        let other = parse_update_body(7, &json!({"phonerecords": {"id": 8}})).unwrap_err();
        assert_eq!(other[0].path, "phonerecords.id");
    }
}
