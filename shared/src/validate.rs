//! The rules for create and update bodies, in one place for the API and the UI.
//!
//! Bodies are checked field by field so that every problem is reported at
//! once, each with the path of the field at fault.

use serde_json::{Map, Value};

use crate::error::FieldError;
use crate::fields::{Field, FieldKind, MAX_ACTUAL_HOURS, MAX_ID, TextRule};
use crate::model::{
    CreatePhoneRecord, Direction, Patch, PhoneRecordLinks, UpdatePhoneRecord,
    UpdatePhoneRecordLinks,
};
use crate::timestamp::CallTimestamp;

/// A single field's value, validated.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldValue {
    Text(String),
    Direction(Direction),
    Hours(f64),
    Timestamp(CallTimestamp),
    LinkId(i64),
}

/// Validates one field's (non-null) JSON value.
pub fn field_value(field: Field, value: &Value) -> Result<FieldValue, FieldError> {
    let path = field.path();
    match field.kind() {
        FieldKind::Id => Err(FieldError::new(
            path,
            "read_only",
            "id is assigned by the server and cannot be set",
        )),
        FieldKind::Text(rule) => match value {
            Value::String(s) => check_text(field, rule, s).map(|()| FieldValue::Text(s.clone())),
            _ => Err(wrong_type(field, "a string")),
        },
        FieldKind::Direction => match value {
            Value::String(s) => Direction::parse(s)
                .map(FieldValue::Direction)
                .ok_or_else(|| {
                    FieldError::new(path, "invalid_value", "direction must be \"in\" or \"out\"")
                }),
            _ => Err(wrong_type(field, "the string \"in\" or \"out\"")),
        },
        FieldKind::Hours => hours(value).map(FieldValue::Hours),
        FieldKind::Timestamp => match value {
            Value::String(s) => CallTimestamp::parse(s)
                .map(FieldValue::Timestamp)
                .map_err(|e| {
                    FieldError::new(path, "invalid_timestamp", format!("callTimestamp {e}"))
                }),
            _ => Err(wrong_type(field, "an RFC 3339 date-time string")),
        },
        FieldKind::LinkId => link_id(field, value).map(FieldValue::LinkId),
    }
}

/// Checks a text field's content against its rule.
pub fn check_text(field: Field, rule: TextRule, s: &str) -> Result<(), FieldError> {
    let name = field.name();
    let path = field.path();
    let chars = s.chars().count();
    if chars > rule.max_chars {
        return Err(FieldError::new(
            path,
            "too_long",
            format!(
                "{name} must be at most {} characters (it has {chars})",
                rule.max_chars
            ),
        ));
    }
    let allowed_control = |c: char| rule.multiline && matches!(c, '\n' | '\r' | '\t');
    if s.chars().any(|c| c.is_control() && !allowed_control(c)) {
        let what = if rule.multiline {
            "control characters other than line breaks and tabs"
        } else {
            "line breaks or control characters"
        };
        return Err(FieldError::new(
            path,
            "invalid_characters",
            format!("{name} must not contain {what}"),
        ));
    }
    if rule.non_blank && s.trim().is_empty() {
        return Err(FieldError::new(
            path,
            "blank",
            format!("{name} must not be blank"),
        ));
    }
    if field == Field::PhoneNumber && !s.is_empty() && !s.chars().any(|c| c.is_ascii_digit()) {
        return Err(FieldError::new(
            path,
            "invalid_value",
            "phoneNumber must contain at least one digit",
        ));
    }
    Ok(())
}

/// `actualHours`: a finite number from 0 to 24, or the same as a decimal
/// string ("0.25"), as Actionstep clients send it.
fn hours(value: &Value) -> Result<f64, FieldError> {
    let path = Field::ActualHours.path();
    let n = match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) if is_plain_decimal(s.trim()) => s.trim().parse::<f64>().ok(),
        Value::String(_) => {
            return Err(FieldError::new(
                path,
                "invalid_value",
                "actualHours must be a number of hours such as 0.25 (a string must be a plain decimal)",
            ));
        }
        _ => None,
    };
    match n {
        Some(h) if h.is_finite() && (0.0..=MAX_ACTUAL_HOURS).contains(&h) => Ok(h),
        Some(_) => Err(FieldError::new(
            path,
            "out_of_range",
            format!(
                "actualHours must be between 0 and {} hours",
                MAX_ACTUAL_HOURS as u32
            ),
        )),
        None => Err(wrong_type(
            Field::ActualHours,
            "a number of hours such as 0.25",
        )),
    }
}

/// Digits with at most one decimal point: no signs, exponents, `NaN` or `inf`.
fn is_plain_decimal(s: &str) -> bool {
    let mut dots = 0;
    let mut digits = 0;
    for c in s.chars() {
        match c {
            '0'..='9' => digits += 1,
            '.' => dots += 1,
            _ => return false,
        }
    }
    digits > 0 && dots <= 1 && s.len() <= 32
}

/// A link id: a whole number from 1 to 2^53 − 1 (as a JSON number or a string of digits).
fn link_id(field: Field, value: &Value) -> Result<i64, FieldError> {
    let parsed = match value {
        Value::Number(n) => n.as_i64().or_else(|| n.as_u64().map(|_| i64::MAX)),
        Value::String(s)
            if !s.is_empty() && s.len() <= 20 && s.bytes().all(|b| b.is_ascii_digit()) =>
        {
            Some(s.parse::<i64>().unwrap_or(i64::MAX))
        }
        _ => None,
    };
    match parsed {
        Some(id) if (1..=MAX_ID).contains(&id) => Ok(id),
        Some(_) => Err(FieldError::new(
            field.path(),
            "out_of_range",
            format!("{} must be a whole number from 1 to {MAX_ID}", field.path()),
        )),
        None => Err(wrong_type(field, "a whole number (an id)")),
    }
}

fn wrong_type(field: Field, expected: &str) -> FieldError {
    FieldError::new(
        field.path(),
        "invalid_type",
        format!("{} must be {expected}", field.path()),
    )
}

/// What a body names, before the create or update rules are applied.
enum Entry<'a> {
    Field(Field, &'a Value),
}

/// Walks a body's fields (links flattened), reporting unknown and read-only ones.
fn entries<'a>(body: &'a Value, errors: &mut Vec<FieldError>) -> Vec<Entry<'a>> {
    let Some(obj) = body.as_object() else {
        errors.push(FieldError::new(
            "",
            "invalid_type",
            "the body must be a JSON object of phone record fields",
        ));
        return Vec::new();
    };
    let mut out = Vec::new();
    for (key, value) in obj {
        if key == "links" {
            match value {
                Value::Object(links) => links_entries(links, &mut out, errors),
                Value::Null => errors.push(FieldError::new(
                    "links",
                    "invalid_type",
                    "links must be an object; to remove one link, set it to null",
                )),
                _ => errors.push(FieldError::new(
                    "links",
                    "invalid_type",
                    "links must be an object",
                )),
            }
            continue;
        }
        match Field::from_name(key) {
            Some(Field::Id) => errors.push(FieldError::new(
                "id",
                "read_only",
                "id is assigned by the server and cannot be set",
            )),
            Some(f) if f.is_link() => errors.push(FieldError::new(
                key.as_str(),
                "unknown_field",
                format!("{key} is a link: send it as links.{key}"),
            )),
            Some(f) => out.push(Entry::Field(f, value)),
            None => errors.push(unknown(key, "", Field::ALL.iter().filter(|f| !f.is_link()))),
        }
    }
    out
}

fn links_entries<'a>(
    links: &'a Map<String, Value>,
    out: &mut Vec<Entry<'a>>,
    errors: &mut Vec<FieldError>,
) {
    for (key, value) in links {
        match Field::from_name(key) {
            Some(f) if f.is_link() => out.push(Entry::Field(f, value)),
            _ => errors.push(unknown(
                key,
                "links.",
                Field::ALL.iter().filter(|f| f.is_link()),
            )),
        }
    }
}

fn unknown<'a>(key: &str, prefix: &str, known: impl Iterator<Item = &'a Field>) -> FieldError {
    let known: Vec<&str> = known
        .filter(|f| **f != Field::Id)
        .map(|f| f.name())
        .collect();
    let hint = known
        .iter()
        .filter(|name| similar(key, name))
        .map(|name| format!(" (did you mean {prefix}{name}?)"))
        .next()
        .unwrap_or_default();
    // The key is the client's text, of any length: quoted cut short, so the
    // list of fields still comes through.
    const QUOTED_CHARS: usize = 60;
    let quoted = if key.chars().count() > QUOTED_CHARS {
        format!("{}…", key.chars().take(QUOTED_CHARS).collect::<String>())
    } else {
        key.to_owned()
    };
    FieldError::new(
        format!("{prefix}{key}"),
        "unknown_field",
        format!(
            "{prefix}{quoted} is not a field of a phone record{hint}; the fields are: {}",
            known.join(", ")
        ),
    )
}

/// Same ignoring case, or at most two edits apart: likely a typo.
fn similar(a: &str, b: &str) -> bool {
    if a.eq_ignore_ascii_case(b) {
        return true;
    }
    let (a, b): (Vec<char>, Vec<char>) = (
        a.to_ascii_lowercase().chars().collect(),
        b.to_ascii_lowercase().chars().collect(),
    );
    if a.len().abs_diff(b.len()) > 2 || a.len() > 64 {
        return false;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()] <= 2
}

/// Validates a create body; on failure, every problem found.
pub fn parse_create(body: &Value) -> Result<CreatePhoneRecord, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut direction = None;
    let mut call_timestamp = None;
    let mut outcome = None;
    let mut rec = CreateParts::default();
    for Entry::Field(field, value) in entries(body, &mut errors) {
        if value.is_null() {
            // An explicit null on create means "not given".
            continue;
        }
        match field_value(field, value) {
            Ok(v) => match (field, v) {
                (Field::Direction, FieldValue::Direction(d)) => direction = Some(d),
                (Field::CallTimestamp, FieldValue::Timestamp(t)) => call_timestamp = Some(t),
                (Field::Outcome, FieldValue::Text(s)) => outcome = Some(s),
                (f, v) => rec.set(f, v),
            },
            Err(e) => errors.push(e),
        }
    }
    let named = |f: Field, errors: &Vec<FieldError>| errors.iter().any(|e| e.path == f.path());
    for (field, missing) in [
        (Field::Direction, direction.is_none()),
        (Field::CallTimestamp, call_timestamp.is_none()),
        (Field::Outcome, outcome.is_none()),
    ] {
        if missing && !named(field, &errors) {
            errors.push(FieldError::new(
                field.path(),
                "required",
                format!("{} is required", field.name()),
            ));
        }
    }
    match (direction, call_timestamp, outcome) {
        (Some(direction), Some(call_timestamp), Some(outcome)) if errors.is_empty() => {
            Ok(CreatePhoneRecord {
                from_participant_other: rec.from_participant_other,
                to_participant_other: rec.to_participant_other,
                direction,
                phone_number: rec.phone_number,
                phone_number_type: rec.phone_number_type,
                actual_hours: rec.actual_hours,
                notes: rec.notes,
                call_timestamp,
                outcome,
                links: rec.links,
            })
        }
        _ => Err(errors),
    }
}

/// The optional fields of a create body while it is being read.
#[derive(Default)]
struct CreateParts {
    from_participant_other: Option<String>,
    to_participant_other: Option<String>,
    phone_number: Option<String>,
    phone_number_type: Option<String>,
    actual_hours: Option<f64>,
    notes: Option<String>,
    links: PhoneRecordLinks,
}

impl CreateParts {
    /// Keeps an optional field's value. Matched by field, exhaustively: a new
    /// field does not compile until it says where its value goes.
    fn set(&mut self, field: Field, value: FieldValue) {
        match field {
            Field::FromParticipantOther => self.from_participant_other = value.text(),
            Field::ToParticipantOther => self.to_participant_other = value.text(),
            Field::PhoneNumber => self.phone_number = value.text(),
            Field::PhoneNumberType => self.phone_number_type = value.text(),
            Field::Notes => self.notes = value.text(),
            Field::ActualHours => self.actual_hours = value.hours(),
            Field::Action => self.links.action = value.link_id(),
            Field::FromParticipant => self.links.from_participant = value.link_id(),
            Field::ToParticipant => self.links.to_participant = value.link_id(),
            // Required, or never sent: parse_create takes these itself.
            Field::Id | Field::Direction | Field::CallTimestamp | Field::Outcome => {}
        }
    }
}

impl FieldValue {
    fn text(self) -> Option<String> {
        match self {
            FieldValue::Text(s) => Some(s),
            FieldValue::Direction(_)
            | FieldValue::Hours(_)
            | FieldValue::Timestamp(_)
            | FieldValue::LinkId(_) => None,
        }
    }

    fn hours(self) -> Option<f64> {
        match self {
            FieldValue::Hours(h) => Some(h),
            FieldValue::Text(_)
            | FieldValue::Direction(_)
            | FieldValue::Timestamp(_)
            | FieldValue::LinkId(_) => None,
        }
    }

    fn link_id(self) -> Option<i64> {
        match self {
            FieldValue::LinkId(id) => Some(id),
            FieldValue::Text(_)
            | FieldValue::Direction(_)
            | FieldValue::Hours(_)
            | FieldValue::Timestamp(_) => None,
        }
    }
}

/// Validates a partial update: absent fields stay, `null` clears an optional
/// field, and a required field cannot be cleared.
pub fn parse_update(body: &Value) -> Result<UpdatePhoneRecord, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut up = UpdatePhoneRecord::default();
    for Entry::Field(field, value) in entries(body, &mut errors) {
        if value.is_null() {
            if field.is_required() {
                errors.push(FieldError::new(
                    field.path(),
                    "cannot_clear",
                    format!("{} is required and cannot be cleared", field.name()),
                ));
            } else {
                set_patch(&mut up, field, Patch::Clear);
            }
            continue;
        }
        match field_value(field, value) {
            Ok(FieldValue::Direction(d)) => up.direction = Some(d),
            Ok(FieldValue::Timestamp(t)) => up.call_timestamp = Some(t),
            Ok(FieldValue::Text(s)) if field == Field::Outcome => up.outcome = Some(s),
            Ok(v) => set_patch(&mut up, field, Patch::Set(v)),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(up)
    } else {
        Err(errors)
    }
}

fn set_patch(up: &mut UpdatePhoneRecord, field: Field, patch: Patch<FieldValue>) {
    fn take<T>(p: Patch<FieldValue>, get: fn(FieldValue) -> Option<T>) -> Patch<T> {
        match p {
            Patch::Set(v) => get(v).map_or(Patch::Unchanged, Patch::Set),
            Patch::Clear => Patch::Clear,
            Patch::Unchanged => Patch::Unchanged,
        }
    }
    let text = |p| take(p, FieldValue::text);
    let id = |p| take(p, FieldValue::link_id);
    let links: &mut UpdatePhoneRecordLinks = &mut up.links;
    match field {
        Field::FromParticipantOther => up.from_participant_other = text(patch),
        Field::ToParticipantOther => up.to_participant_other = text(patch),
        Field::PhoneNumber => up.phone_number = text(patch),
        Field::PhoneNumberType => up.phone_number_type = text(patch),
        Field::Notes => up.notes = text(patch),
        Field::ActualHours => up.actual_hours = take(patch, FieldValue::hours),
        Field::Action => links.action = id(patch),
        Field::FromParticipant => links.from_participant = id(patch),
        Field::ToParticipant => links.to_participant = id(patch),
        Field::Id | Field::Direction | Field::CallTimestamp | Field::Outcome => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn minimal() -> Value {
        json!({"direction": "out", "callTimestamp": "2025-09-17T09:12:32+12:00", "outcome": "Call completed"})
    }

    fn with(mut body: Value, key: &str, value: Value) -> Value {
        body[key] = value;
        body
    }

    fn paths(errors: &[FieldError]) -> Vec<(&str, &str)> {
        errors.iter().map(|e| (e.path.as_str(), e.code)).collect()
    }

    #[test]
    fn accepts_the_contract_example() {
        let body = json!({
            "fromParticipantOther": "John Smith",
            "toParticipantOther": "AJ Accountants LLC",
            "direction": "out",
            "phoneNumber": "+44 493 993938",
            "phoneNumberType": "Business",
            "actualHours": 0.25,
            "notes": "Discussed progress for this week.",
            "callTimestamp": "2025-09-17T09:12:32+12:00",
            "outcome": "Call completed",
            "links": {"action": 321845, "fromParticipant": 8945, "toParticipant": 4912}
        });
        let rec = parse_create(&body).unwrap();
        assert_eq!(rec.actual_hours, Some(0.25));
        assert_eq!(rec.links.to_participant, Some(4912));
        assert_eq!(
            serde_json::to_value(&rec).unwrap(),
            body,
            "round-trips exactly"
        );
    }

    #[test]
    fn reports_every_missing_required_field() {
        let errors = parse_create(&json!({})).unwrap_err();
        assert_eq!(
            paths(&errors),
            vec![
                ("direction", "required"),
                ("callTimestamp", "required"),
                ("outcome", "required")
            ]
        );
        let errors = parse_create(&json!({"direction": null, "outcome": "  "})).unwrap_err();
        assert_eq!(
            paths(&errors),
            vec![
                ("outcome", "blank"),
                ("direction", "required"),
                ("callTimestamp", "required")
            ]
        );
    }

    #[test]
    fn rejects_unknown_fields_by_name_with_a_hint() {
        let errors = parse_create(&with(minimal(), "outcom", json!("x"))).unwrap_err();
        assert_eq!(paths(&errors), vec![("outcom", "unknown_field")]);
        assert!(
            errors[0].message.contains("did you mean outcome?"),
            "{}",
            errors[0].message
        );
        let errors = parse_create(&with(minimal(), "links", json!({"matter": 1}))).unwrap_err();
        assert_eq!(paths(&errors), vec![("links.matter", "unknown_field")]);
        let errors = parse_create(&with(minimal(), "action", json!(1))).unwrap_err();
        assert_eq!(paths(&errors), vec![("action", "unknown_field")]);
        let errors = parse_create(&with(minimal(), "id", json!(1))).unwrap_err();
        assert_eq!(paths(&errors), vec![("id", "read_only")]);
    }

    #[test]
    fn actual_hours_rules() {
        for ok in [
            json!(0),
            json!(0.25),
            json!("0.25"),
            json!(" 1.5 "),
            json!(24),
            json!("3"),
        ] {
            assert!(
                parse_create(&with(minimal(), "actualHours", ok.clone())).is_ok(),
                "{ok}"
            );
        }
        for (bad, code) in [
            (json!(-0.25), "out_of_range"),
            (json!(24.01), "out_of_range"),
            (json!(1e300), "out_of_range"),
            (json!("NaN"), "invalid_value"),
            (json!("inf"), "invalid_value"),
            (json!("1e3"), "invalid_value"),
            (json!("-1"), "invalid_value"),
            (json!(""), "invalid_value"),
            (json!(true), "invalid_type"),
            (json!([1]), "invalid_type"),
        ] {
            let errors = parse_create(&with(minimal(), "actualHours", bad.clone())).unwrap_err();
            assert_eq!(paths(&errors), vec![("actualHours", code)], "{bad}");
        }
    }

    #[test]
    fn link_ids_are_positive_and_exact_up_to_2_pow_53_minus_1() {
        let max = with(
            minimal(),
            "links",
            json!({"action": 9_007_199_254_740_991_i64}),
        );
        assert_eq!(parse_create(&max).unwrap().links.action, Some(MAX_ID));
        let as_string = with(minimal(), "links", json!({"action": "42"}));
        assert_eq!(parse_create(&as_string).unwrap().links.action, Some(42));
        for (bad, code) in [
            (json!(0), "out_of_range"),
            (json!(-5), "out_of_range"),
            (json!(9_007_199_254_740_992_i64), "out_of_range"),
            (json!(u64::MAX), "out_of_range"),
            (json!("99999999999999999999"), "out_of_range"),
            (json!(1.5), "invalid_type"),
            (json!(1e3), "invalid_type"),
            (json!("12a"), "invalid_type"),
            (json!({}), "invalid_type"),
        ] {
            let body = with(minimal(), "links", json!({"fromParticipant": bad}));
            let errors = parse_create(&body).unwrap_err();
            assert_eq!(
                paths(&errors),
                vec![("links.fromParticipant", code)],
                "{}",
                body
            );
        }
    }

    #[test]
    fn text_limits_and_characters() {
        let long = "x".repeat(256);
        let errors = parse_create(&with(minimal(), "outcome", json!(long))).unwrap_err();
        assert_eq!(paths(&errors), vec![("outcome", "too_long")]);
        assert!(
            parse_create(&with(minimal(), "outcome", json!("é".repeat(255)))).is_ok(),
            "limits count characters, not bytes"
        );
        assert!(parse_create(&with(minimal(), "notes", json!("line 1\nline 2\ttab"))).is_ok());
        let errors = parse_create(&with(minimal(), "notes", json!("bell\u{7}"))).unwrap_err();
        assert_eq!(paths(&errors), vec![("notes", "invalid_characters")]);
        let errors = parse_create(&with(minimal(), "outcome", json!("two\nlines"))).unwrap_err();
        assert_eq!(paths(&errors), vec![("outcome", "invalid_characters")]);
        let errors = parse_create(&with(minimal(), "phoneNumber", json!("John"))).unwrap_err();
        assert_eq!(paths(&errors), vec![("phoneNumber", "invalid_value")]);
        let errors = parse_create(&with(minimal(), "notes", json!(12))).unwrap_err();
        assert_eq!(paths(&errors), vec![("notes", "invalid_type")]);
        assert!(parse_create(&with(minimal(), "notes", json!("x".repeat(10_000)))).is_ok());
    }

    #[test]
    fn direction_and_timestamp() {
        let errors = parse_create(&with(minimal(), "direction", json!("IN"))).unwrap_err();
        assert_eq!(paths(&errors), vec![("direction", "invalid_value")]);
        let errors = parse_create(&with(
            minimal(),
            "callTimestamp",
            json!("2025-09-17T09:12:32"),
        ))
        .unwrap_err();
        assert_eq!(paths(&errors), vec![("callTimestamp", "invalid_timestamp")]);
        assert!(errors[0].message.contains("time zone"));
    }

    #[test]
    fn not_an_object() {
        for body in [json!([]), json!("x"), json!(null), json!(1)] {
            let errors = parse_create(&body).unwrap_err();
            assert_eq!(errors[0].code, "invalid_type");
            assert!(parse_update(&body).is_err());
        }
    }

    #[test]
    fn update_is_partial() {
        let up = parse_update(&json!({})).unwrap();
        assert!(up.is_empty());
        let up = parse_update(&json!({"notes": null, "actualHours": "0.5", "links": {"action": null, "toParticipant": 3}})).unwrap();
        assert_eq!(up.notes, Patch::Clear);
        assert_eq!(up.actual_hours, Patch::Set(0.5));
        assert_eq!(up.links.action, Patch::Clear);
        assert_eq!(up.links.to_participant, Patch::Set(3));
        assert_eq!(up.links.from_participant, Patch::Unchanged);
        assert_eq!(up.direction, None);
    }

    #[test]
    fn update_cannot_clear_required_fields() {
        let errors =
            parse_update(&json!({"outcome": null, "direction": null, "callTimestamp": null}))
                .unwrap_err();
        let mut p = paths(&errors);
        p.sort();
        assert_eq!(
            p,
            vec![
                ("callTimestamp", "cannot_clear"),
                ("direction", "cannot_clear"),
                ("outcome", "cannot_clear")
            ]
        );
        let errors = parse_update(&json!({"links": null, "outcome": ""})).unwrap_err();
        assert_eq!(
            paths(&errors),
            vec![("links", "invalid_type"), ("outcome", "blank")]
        );
    }

    #[test]
    fn typo_detector() {
        assert!(similar("notse", "notes"));
        assert!(similar("PhoneNumber", "phoneNumber"));
        assert!(!similar("colour", "notes"));
    }
}
