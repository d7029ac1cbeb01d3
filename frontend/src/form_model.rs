//! The record form's values as a person types them, and their translation to
//! API bodies. Validation is the shared crate's, so the messages a person sees
//! while typing are the ones the API would answer with.

use std::collections::BTreeMap;

use phonerecords_shared::validate::{parse_create, parse_update};
use phonerecords_shared::{FieldError, PhoneRecord};
use serde_json::{Map, Value, json};

/// Problems by API path (`outcome`, `links.action`, `callTimestamp`).
pub type Errors = BTreeMap<String, String>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DurationUnit {
    Minutes,
    Hours,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FormValues {
    pub direction: String,
    /// `YYYY-MM-DD`
    pub date: String,
    /// `HH:MM` or `HH:MM:SS`
    pub time: String,
    /// `+13:00`, `-05:30` or `Z`
    pub offset: String,
    pub duration: String,
    pub unit: DurationUnit,
    pub from_name: String,
    pub to_name: String,
    pub phone_number: String,
    pub phone_number_type: String,
    pub outcome: String,
    pub notes: String,
    pub matter: String,
    pub from_id: String,
    pub to_id: String,
}

impl FormValues {
    /// A new call, now, in the browser's time zone.
    pub fn new_call(date: String, time: String, offset: String) -> Self {
        FormValues {
            direction: "out".into(),
            date,
            time,
            offset,
            duration: String::new(),
            unit: DurationUnit::Minutes,
            from_name: String::new(),
            to_name: String::new(),
            phone_number: String::new(),
            phone_number_type: String::new(),
            outcome: String::new(),
            notes: String::new(),
            matter: String::new(),
            from_id: String::new(),
            to_id: String::new(),
        }
    }

    /// A stored record, with the time and offset it was recorded in.
    pub fn from_record(r: &PhoneRecord) -> Self {
        let ts = r.call_timestamp.as_str();
        let (date, rest) = ts.split_once('T').unwrap_or((ts, ""));
        let split = rest.find(['Z', '+', '-']).unwrap_or(rest.len());
        let (time, offset) = rest.split_at(split);
        let (duration, unit) = match r.actual_hours {
            None => (String::new(), DurationUnit::Minutes),
            Some(h) if ((h * 60.0) - (h * 60.0).round()).abs() < 1e-9 => (
                format!("{}", (h * 60.0).round() as i64),
                DurationUnit::Minutes,
            ),
            Some(h) => (format!("{h}"), DurationUnit::Hours),
        };
        let id = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        FormValues {
            direction: r.direction.as_str().into(),
            date: date.into(),
            time: time.into(),
            offset: offset.into(),
            duration,
            unit,
            from_name: s(&r.from_participant_other),
            to_name: s(&r.to_participant_other),
            phone_number: s(&r.phone_number),
            phone_number_type: s(&r.phone_number_type),
            outcome: r.outcome.clone(),
            notes: s(&r.notes),
            matter: id(r.links.action),
            from_id: id(r.links.from_participant),
            to_id: id(r.links.to_participant),
        }
    }

    /// The request body, and problems only the form knows about (a duration
    /// that is not a number). `clear_empty` says what an empty optional field
    /// sends: nothing on create (false), `null` on update (true, to clear it).
    fn body(&self, clear_empty: bool) -> (Value, Errors) {
        let mut errors = Errors::new();
        let mut obj = Map::new();
        let mut links = Map::new();
        let optional = |map: &mut Map<String, Value>, key: &str, v: Value, empty: bool| {
            if !empty {
                map.insert(key.into(), v);
            } else if clear_empty {
                map.insert(key.into(), Value::Null);
            }
        };
        if !self.direction.is_empty() {
            obj.insert("direction".into(), json!(self.direction));
        }
        if !self.date.is_empty() && !self.time.is_empty() {
            let time = if self.time.len() == 5 {
                format!("{}:00", self.time)
            } else {
                self.time.clone()
            };
            obj.insert(
                "callTimestamp".into(),
                json!(format!("{}T{time}{}", self.date, self.offset.trim())),
            );
        }
        obj.insert("outcome".into(), json!(self.outcome));
        for (key, v) in [
            ("fromParticipantOther", &self.from_name),
            ("toParticipantOther", &self.to_name),
            ("phoneNumber", &self.phone_number),
            ("phoneNumberType", &self.phone_number_type),
            ("notes", &self.notes),
        ] {
            optional(&mut obj, key, json!(v), v.trim().is_empty());
        }
        let duration = self.duration.trim();
        match duration.parse::<f64>() {
            _ if duration.is_empty() => optional(&mut obj, "actualHours", Value::Null, true),
            Ok(n) if n.is_finite() => {
                let hours = if self.unit == DurationUnit::Minutes {
                    n / 60.0
                } else {
                    n
                };
                optional(&mut obj, "actualHours", json!(hours), false);
            }
            _ => {
                errors.insert("actualHours".into(), "Duration must be a number".into());
            }
        }
        for (key, v) in [
            ("action", &self.matter),
            ("fromParticipant", &self.from_id),
            ("toParticipant", &self.to_id),
        ] {
            let v = v.trim();
            let value = v
                .parse::<i64>()
                .map(Value::from)
                .unwrap_or_else(|_| json!(v));
            optional(&mut links, key, value, v.is_empty());
        }
        if !links.is_empty() || clear_empty {
            obj.insert("links".into(), Value::Object(links));
        }
        (Value::Object(obj), errors)
    }

    fn check(errors: Errors, result: Result<(), Vec<FieldError>>) -> Errors {
        let mut all = errors;
        if let Err(found) = result {
            for e in found {
                all.entry(e.path).or_insert(e.message);
            }
        }
        all
    }

    /// The create body, or every problem with it.
    pub fn create_body(&self) -> Result<Value, Errors> {
        let (body, errors) = self.body(false);
        let errors = Self::check(errors, parse_create(&body).map(|_| ()));
        if errors.is_empty() {
            Ok(body)
        } else {
            Err(errors)
        }
    }

    /// The update body (every field, empty ones cleared), or every problem with it.
    pub fn update_body(&self) -> Result<Value, Errors> {
        let (body, mut errors) = self.body(true);
        // Required fields are checked as on create: an update must not blank them either.
        let (create_shape, _) = self.body(false);
        errors = Self::check(errors, parse_create(&create_shape).map(|_| ()));
        errors = Self::check(errors, parse_update(&body).map(|_| ()));
        if errors.is_empty() {
            Ok(body)
        } else {
            Err(errors)
        }
    }
}

/// A human description of a record for confirmations: "the call to Bob Smith on 2025-09-17".
pub fn describe(r: &PhoneRecord) -> String {
    let who = match r.direction {
        phonerecords_shared::Direction::In => r
            .from_participant_other
            .as_deref()
            .map(|n| format!("from {n}")),
        phonerecords_shared::Direction::Out => {
            r.to_participant_other.as_deref().map(|n| format!("to {n}"))
        }
    }
    .or_else(|| r.phone_number.as_deref().map(|p| format!("with {p}")))
    .unwrap_or_else(|| format!("#{}", r.id));
    let day = r.call_timestamp.as_str().get(..10).unwrap_or("");
    format!("the call {who} on {day}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> FormValues {
        FormValues::new_call("2025-09-17".into(), "09:12".into(), "+12:00".into())
    }

    #[test]
    fn a_new_call_needs_an_outcome() {
        let errors = form().create_body().unwrap_err();
        assert_eq!(errors.keys().collect::<Vec<_>>(), ["outcome"]);
        assert_eq!(errors["outcome"], "outcome must not be blank");
        let ok = FormValues {
            outcome: "Call completed".into(),
            duration: "15".into(),
            matter: "42".into(),
            ..form()
        };
        assert_eq!(
            ok.create_body().unwrap(),
            json!({"direction": "out", "callTimestamp": "2025-09-17T09:12:00+12:00", "outcome": "Call completed",
                   "actualHours": 0.25, "links": {"action": 42}})
        );
    }

    #[test]
    fn form_and_shared_problems_are_reported_together() {
        let bad = FormValues {
            outcome: "x".repeat(300),
            duration: "abc".into(),
            matter: "-4".into(),
            offset: "".into(),
            phone_number: "call me".into(),
            ..form()
        };
        let errors = bad.create_body().unwrap_err();
        let mut keys: Vec<&str> = errors.keys().map(String::as_str).collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                "actualHours",
                "callTimestamp",
                "links.action",
                "outcome",
                "phoneNumber"
            ]
        );
        assert!(
            errors["callTimestamp"].contains("time zone"),
            "{}",
            errors["callTimestamp"]
        );
    }

    #[test]
    fn records_round_trip_through_the_form() {
        let r: PhoneRecord = serde_json::from_value(
            json!({"id": 7, "direction": "in", "callTimestamp": "2025-09-17T09:12:32-05:30",
            "outcome": "ok", "actualHours": 0.5, "notes": "n", "links": {"toParticipant": 3}}),
        )
        .unwrap();
        let f = FormValues::from_record(&r);
        assert_eq!(
            (f.date.as_str(), f.time.as_str(), f.offset.as_str()),
            ("2025-09-17", "09:12:32", "-05:30")
        );
        assert_eq!((f.duration.as_str(), f.unit), ("30", DurationUnit::Minutes));
        let body = f.update_body().unwrap();
        assert_eq!(body["callTimestamp"], "2025-09-17T09:12:32-05:30");
        assert_eq!(body["actualHours"], 0.5);
        assert_eq!(
            body["phoneNumber"],
            Value::Null,
            "empty fields clear on update"
        );
        assert_eq!(
            body["links"],
            json!({"action": null, "fromParticipant": null, "toParticipant": 3})
        );
        assert_eq!(describe(&r), "the call #7 on 2025-09-17");
        let blank = FormValues {
            outcome: " ".into(),
            ..f
        };
        assert!(blank.update_body().unwrap_err().contains_key("outcome"));
    }
}
