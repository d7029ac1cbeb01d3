//! The record form's values as a person types them, and their translation to
//! API bodies. Validation is the shared crate's, so the messages a person sees
//! while typing are the ones the API would answer with.

use std::collections::BTreeMap;

use phonerecords_shared::validate::{parse_create, parse_update};
use phonerecords_shared::{Direction, FieldError, PhoneRecord};
use serde_json::{Map, Value, json};

/// Problems by API path (`outcome`, `links.action`, `callTimestamp`).
pub type Errors = BTreeMap<String, String>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DurationUnit {
    Minutes,
    Hours,
}

/// What the form holds, as typed.
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
    /// A new call being timed: when its timer started (ms since 1970). Not
    /// sent; stopping the timer writes the duration.
    pub timer_started: Option<f64>,
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
            timer_started: None,
        }
    }

    /// Starts timing the call at `now` (ms since 1970), which is when it
    /// happens: its date, time and offset become `now`'s (`date`, `time`,
    /// `offset`, the browser's local reading of it).
    pub fn start_timer(&mut self, now: f64, (date, time, offset): (String, String, String)) {
        self.timer_started = Some(now);
        (self.date, self.time, self.offset) = (date, time, offset);
    }

    /// Stops the timer at `now`: the duration is the time since it started,
    /// in whole minutes, a started minute counting as one.
    pub fn stop_timer(&mut self, now: f64) {
        if let Some(started) = self.timer_started.take() {
            let minutes = ((now - started).max(0.0) / 60_000.0).ceil().max(1.0);
            self.duration = format!("{minutes}");
            self.unit = DurationUnit::Minutes;
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
            timer_started: None,
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

    /// The update body: ONLY the fields the person changed from `original`
    /// (what the page loaded), an emptied one cleared (`null`); a field changed
    /// back to its original value is not sent, and an untouched field is never
    /// rewritten, whatever its stored form (whitespace-only notes, hours that
    /// are no whole number of minutes). Or every problem with the changed fields.
    pub fn changes_body(&self, original: &FormValues) -> Result<Value, Errors> {
        let changed: Vec<&'static str> = API_FIELDS
            .iter()
            .filter(|f| (f.display)(self) != (f.display)(original))
            .map(|f| f.path)
            .collect();
        let (full, form_errors) = self.body(true);
        let (create_shape, _) = self.body(false);
        let mut body = Map::new();
        let mut links = Map::new();
        for path in &changed {
            match path.strip_prefix("links.") {
                Some(link) => {
                    if let Some(v) = full["links"].get(link) {
                        links.insert(link.to_owned(), v.clone());
                    }
                }
                None => {
                    if let Some(v) = full.get(*path) {
                        body.insert((*path).to_owned(), v.clone());
                    }
                }
            }
        }
        if !links.is_empty() {
            body.insert("links".into(), Value::Object(links));
        }
        let body = Value::Object(body);
        // Required fields are checked as on create (an update must not blank
        // them either), but only the changed fields can be at fault.
        let mut errors = Self::check(form_errors, parse_create(&create_shape).map(|_| ()));
        errors = Self::check(errors, parse_update(&body).map(|_| ()));
        errors.retain(|path, _| changed.iter().any(|c| path == c));
        if errors.is_empty() {
            Ok(body)
        } else {
            Err(errors)
        }
    }
}

/// A field of the API as the form shows it: its path in a body (`links.action`),
/// its label, and its value as a person reads it in the form.
pub struct ApiField {
    pub path: &'static str,
    pub label: &'static str,
    pub display: fn(&FormValues) -> String,
}

fn or_empty(s: &str) -> String {
    s.to_owned()
}

/// Every field a person can change, in the form's order.
pub const API_FIELDS: [ApiField; 12] = [
    ApiField {
        path: "direction",
        label: "Direction",
        display: |v| match v.direction.as_str() {
            "in" => "Incoming".into(),
            "out" => "Outgoing".into(),
            other => other.into(),
        },
    },
    ApiField {
        path: "callTimestamp",
        label: "Date and time",
        display: |v| format!("{} {} {}", v.date, v.time, v.offset.trim()),
    },
    ApiField {
        path: "actualHours",
        label: "Duration",
        display: |v| {
            let d = v.duration.trim();
            if d.is_empty() {
                String::new()
            } else {
                format!(
                    "{d} {}",
                    if v.unit == DurationUnit::Hours {
                        "hours"
                    } else {
                        "minutes"
                    }
                )
            }
        },
    },
    ApiField {
        path: "outcome",
        label: "Outcome",
        display: |v| or_empty(&v.outcome),
    },
    ApiField {
        path: "fromParticipantOther",
        label: "From (name)",
        display: |v| or_empty(&v.from_name),
    },
    ApiField {
        path: "toParticipantOther",
        label: "To (name)",
        display: |v| or_empty(&v.to_name),
    },
    ApiField {
        path: "phoneNumber",
        label: "Phone number",
        display: |v| or_empty(&v.phone_number),
    },
    ApiField {
        path: "phoneNumberType",
        label: "Phone number type",
        display: |v| or_empty(&v.phone_number_type),
    },
    ApiField {
        path: "links.action",
        label: "Matter (action id)",
        display: |v| or_empty(&v.matter),
    },
    ApiField {
        path: "links.fromParticipant",
        label: "From participant id",
        display: |v| or_empty(&v.from_id),
    },
    ApiField {
        path: "links.toParticipant",
        label: "To participant id",
        display: |v| or_empty(&v.to_id),
    },
    ApiField {
        path: "notes",
        label: "Notes",
        display: |v| or_empty(&v.notes),
    },
];

/// One field two versions of a record disagree on, as the form shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldChange {
    pub path: &'static str,
    pub label: &'static str,
    pub before: String,
    pub after: String,
}

/// The fields `after` changed from `before`, in the form's order.
pub fn changed_fields(before: &FormValues, after: &FormValues) -> Vec<FieldChange> {
    API_FIELDS
        .iter()
        .filter_map(|f| {
            let (b, a) = ((f.display)(before), (f.display)(after));
            (b != a).then_some(FieldChange {
                path: f.path,
                label: f.label,
                before: b,
                after: a,
            })
        })
        .collect()
}

/// "call to Bob Smith on 17 Sept 2025": what `describe` and `title` say of a
/// record. `day` is the call's day as the viewer's clock shows it
/// (`clock::local_day`), the day beside it on the page and in the list, not
/// the day in the offset it was recorded with: near midnight they differ.
/// The other party of a call, whom the firm spoke with: the caller of an
/// incoming call, the one called on an outgoing call. Their name and
/// participant id, with the word that names them ("from", "to").
pub fn other_party(r: &PhoneRecord) -> (&'static str, Option<&str>, Option<i64>) {
    match r.direction {
        Direction::In => (
            "from",
            r.from_participant_other.as_deref(),
            r.links.from_participant,
        ),
        Direction::Out => (
            "to",
            r.to_participant_other.as_deref(),
            r.links.to_participant,
        ),
    }
}

fn call_phrase(r: &PhoneRecord, day: &str) -> String {
    let (word, name, _) = other_party(r);
    let who = name
        .map(|n| format!("{word} {n}"))
        .or_else(|| r.phone_number.as_deref().map(|p| format!("with {p}")))
        .unwrap_or_else(|| format!("#{}", r.id));
    format!("call {who} on {day}")
}

/// A human description of a record for confirmations: "the call to Bob Smith on 17 Sept 2025".
pub fn describe(r: &PhoneRecord, day: &str) -> String {
    format!("the {}", call_phrase(r, day))
}

/// A record's title, its description as a heading: "The call to Bob Smith on 17 Sept 2025".
pub fn title(r: &PhoneRecord, day: &str) -> String {
    format!("The {}", call_phrase(r, day))
}

/// The fields a link may fill in a new call's form (`/calls/new?matter=42`),
/// named as the API names them, in the order a link lists them: a matter's
/// list links its "Record a call" so, a call's page its "Record a follow-up",
/// and so can an integrator's page. (`direction` comes first, and only `in`
/// or `out`.)
const PREFILL: [(&str, fn(&mut FormValues) -> &mut String); 7] = [
    ("matter", |f| &mut f.matter),
    ("phoneNumber", |f| &mut f.phone_number),
    ("phoneNumberType", |f| &mut f.phone_number_type),
    ("fromParticipant", |f| &mut f.from_id),
    ("fromParticipantOther", |f| &mut f.from_name),
    ("toParticipant", |f| &mut f.to_id),
    ("toParticipantOther", |f| &mut f.to_name),
];

impl FormValues {
    /// The form as a JSON object, for drafts (draft.rs): kept in the tab's
    /// own storage, so the names may change freely (a draft that no longer
    /// reads is dropped). Every field is named here and in `from_json`, so a
    /// new one does not compile until drafts keep it too.
    pub fn to_json(&self) -> Value {
        let FormValues {
            direction,
            date,
            time,
            offset,
            duration,
            unit,
            from_name,
            to_name,
            phone_number,
            phone_number_type,
            outcome,
            notes,
            matter,
            from_id,
            to_id,
            timer_started,
        } = self;
        let unit = match unit {
            DurationUnit::Minutes => "minutes",
            DurationUnit::Hours => "hours",
        };
        json!({
            "direction": direction, "date": date, "time": time, "offset": offset,
            "duration": duration, "unit": unit, "fromName": from_name, "toName": to_name,
            "phoneNumber": phone_number, "phoneNumberType": phone_number_type,
            "outcome": outcome, "notes": notes, "matter": matter, "fromId": from_id, "toId": to_id,
            "timerStarted": timer_started,
        })
    }

    /// The form `to_json` wrote; `None` if anything is missing.
    pub fn from_json(v: &Value) -> Option<FormValues> {
        let text = |name: &str| Some(v.get(name)?.as_str()?.to_owned());
        Some(FormValues {
            direction: text("direction")?,
            date: text("date")?,
            time: text("time")?,
            offset: text("offset")?,
            duration: text("duration")?,
            unit: match text("unit")?.as_str() {
                "minutes" => DurationUnit::Minutes,
                "hours" => DurationUnit::Hours,
                _ => return None,
            },
            from_name: text("fromName")?,
            to_name: text("toName")?,
            phone_number: text("phoneNumber")?,
            phone_number_type: text("phoneNumberType")?,
            outcome: text("outcome")?,
            notes: text("notes")?,
            matter: text("matter")?,
            from_id: text("fromId")?,
            to_id: text("toId")?,
            timer_started: match v.get("timerStarted")? {
                Value::Null => None,
                t => Some(t.as_f64()?),
            },
        })
    }

    /// This form with the fields a link's query fills (`get` reads one
    /// parameter). Values are kept as text, trimmed, for the form's checks
    /// and the API to judge on save; a direction other than `in` or `out`,
    /// an empty value or another name is ignored.
    pub fn prefilled(mut self, get: &dyn Fn(&str) -> Option<String>) -> Self {
        let value = |name: &str| {
            get(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        if let Some(d) = value("direction").filter(|d| d == "in" || d == "out") {
            self.direction = d;
        }
        for (name, field) in PREFILL {
            if let Some(v) = value(name) {
                *field(&mut self) = v;
            }
        }
        self
    }

    /// The link to a new call's form filled with this form's direction and
    /// the fields a link may fill (blank ones left out): `prefilled`'s inverse.
    fn prefill_href(mut self) -> String {
        let mut pairs = vec![("direction".to_owned(), self.direction.clone())];
        for (name, field) in PREFILL {
            let v = std::mem::take(field(&mut self));
            if !v.trim().is_empty() {
                pairs.push((name.to_owned(), v));
            }
        }
        format!("/calls/new?{}", crate::format::query_string(&pairs))
    }
}

/// The new call's form for a follow-up to `r`: an outgoing call on the same
/// matter to the same person at the same number. The person is who called
/// in, or who was called; the one calling is whoever took or made `r`. The
/// form names the call it follows (`FOLLOWS`).
pub fn follow_up_href(r: &PhoneRecord) -> String {
    let mut f = FormValues::from_record(r);
    if r.direction == Direction::In {
        std::mem::swap(&mut f.from_id, &mut f.to_id);
        std::mem::swap(&mut f.from_name, &mut f.to_name);
    }
    f.direction = "out".into();
    format!("{}&{FOLLOWS}={}", f.prefill_href(), r.id)
}

/// "Call back" on `r`: its follow-up's form, timed from when it opens.
pub fn call_back_href(r: &PhoneRecord) -> String {
    format!("{}&{}={}", follow_up_href(r), TIMED.0, TIMED.1)
}

/// The new call's link parameter naming the call it follows up (an id).
const FOLLOWS: &str = "followUp";
/// The new call's link parameter and value that start its timer.
const TIMED: (&str, &str) = ("timer", "start");

/// The API query for the calls with `number` (exact, as recorded: the
/// indexed `phoneNumber` filter, so a few rows are read), most recent first,
/// `size` of them, leaving out the call `except`.
pub fn calls_with_number(number: &str, except: Option<i64>, size: usize) -> String {
    let mut pairs = vec![("phoneNumber".to_owned(), number.to_owned())];
    pairs.extend(except.map(|id| ("id_nteq".to_owned(), id.to_string())));
    pairs.push(("sort".into(), "-callTimestamp".into()));
    pairs.push(("pageSize".into(), size.to_string()));
    crate::format::query_string(&pairs)
}

/// What a call with a number was, after its time: "In · from Ana Smith ·
/// Left a message · matter #42" (the call page's list of the number's
/// calls, the form's last call with the number).
pub fn history_line(r: &PhoneRecord) -> String {
    let direction = match r.direction {
        Direction::In => "In",
        Direction::Out => "Out",
    };
    let (word, name, _) = other_party(r);
    let party = name
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(|n| format!("{word} {n}"));
    std::iter::once(direction.to_owned())
        .chain(party)
        .chain(Some(r.outcome.clone()))
        .chain(r.links.action.map(|m| format!("matter #{m}")))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// A new call's form with what the last call with its number says of the
/// other party: their name and participant id (on the side the form's
/// direction puts them), the matter and the number's type — only into
/// fields still empty, so nothing typed is replaced. Who took or made the
/// last call is not copied: that is whoever is on this one.
pub fn recall(values: &FormValues, last: &PhoneRecord) -> FormValues {
    let (_, name, id) = other_party(last);
    let fill = |slot: &mut String, with: Option<String>| {
        if let Some(with) = with.filter(|w| !w.trim().is_empty() && slot.trim().is_empty()) {
            *slot = with;
        }
    };
    let mut v = values.clone();
    let (their_name, their_id) = if v.direction == "in" {
        (&mut v.from_name, &mut v.from_id)
    } else {
        (&mut v.to_name, &mut v.to_id)
    };
    fill(their_name, name.map(str::to_owned));
    fill(their_id, id.map(|n| n.to_string()));
    fill(&mut v.matter, last.links.action.map(|n| n.to_string()));
    fill(&mut v.phone_number_type, last.phone_number_type.clone());
    v
}

/// What a link to the new call's form asks for (`/calls/new?…`): the
/// fields it fills, the call it follows up, whether the call is timed from
/// the start. `get` reads one parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct FormLink {
    pub values: FormValues,
    pub follows: Option<i64>,
    pub timed: bool,
}

impl FormLink {
    pub fn read(get: &dyn Fn(&str) -> Option<String>) -> FormLink {
        FormLink {
            values: FormValues::new_call(String::new(), String::new(), String::new())
                .prefilled(get),
            follows: get(FOLLOWS).and_then(|v| v.parse().ok()),
            timed: get(TIMED.0).as_deref() == Some(TIMED.1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::router::percent_decoded;

    fn form() -> FormValues {
        FormValues::new_call("2025-09-17".into(), "09:12".into(), "+12:00".into())
    }

    #[test]
    fn a_timed_call_starts_when_the_timer_does_and_lasts_its_started_minutes() {
        let mut f = form();
        let start = 1_764_800_000_000.0;
        f.start_timer(
            start,
            ("2026-12-04".into(), "14:43".into(), "+13:00".into()),
        );
        assert_eq!(
            (f.date.as_str(), f.time.as_str(), f.offset.as_str()),
            ("2026-12-04", "14:43", "+13:00")
        );
        assert_eq!(f.timer_started, Some(start));
        let stopped = |ms: f64| {
            let mut g = f.clone();
            g.stop_timer(start + ms);
            assert_eq!(g.timer_started, None);
            (g.duration, g.unit)
        };
        assert_eq!(
            stopped(0.0),
            ("1".into(), DurationUnit::Minutes),
            "a call counts at least a minute"
        );
        assert_eq!(stopped(60_000.0).0, "1");
        assert_eq!(stopped(60_001.0).0, "2");
        assert_eq!(stopped(130_000.0).0, "3");
        assert_eq!(stopped(90.0 * 60_000.0).0, "90");
        // Stopping a form that is not being timed changes nothing.
        let mut idle = form();
        idle.duration = "7".into();
        idle.stop_timer(start);
        assert_eq!(
            idle,
            FormValues {
                duration: "7".into(),
                ..form()
            }
        );
        // The body sent is the same whatever the timer holds.
        let mut timed = FormValues {
            outcome: "Call completed".into(),
            ..form()
        };
        let body = timed.create_body().unwrap();
        timed.timer_started = Some(start);
        assert_eq!(timed.create_body().unwrap(), body);
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
    fn a_numbers_calls_are_asked_for_and_told_in_a_line() {
        assert_eq!(
            calls_with_number("+64 9 555 0101", Some(7), 5),
            "phoneNumber=%2B64%209%20555%200101&id_nteq=7&sort=-callTimestamp&pageSize=5"
        );
        assert_eq!(
            calls_with_number("021 555", None, 1),
            "phoneNumber=021%20555&sort=-callTimestamp&pageSize=1"
        );
        let incoming: PhoneRecord = serde_json::from_value(json!({"id": 7, "direction": "in",
            "callTimestamp": "2025-09-17T09:12:32+12:00", "outcome": "Left a message",
            "fromParticipantOther": "Ana Smith", "toParticipantOther": "Reception", "links": {"action": 42}}))
        .unwrap();
        assert_eq!(
            history_line(&incoming),
            "In · from Ana Smith · Left a message · matter #42"
        );
        let outgoing: PhoneRecord = serde_json::from_value(json!({"id": 8, "direction": "out",
            "callTimestamp": "2025-09-17T09:12:32+12:00", "outcome": "Agreed",
            "fromParticipantOther": "Ana Smith", "toParticipantOther": "  "}))
        .unwrap();
        assert_eq!(history_line(&outgoing), "Out · Agreed");
    }

    #[test]
    fn the_last_call_with_a_number_fills_only_empty_fields_with_the_other_party() {
        let last: PhoneRecord = serde_json::from_value(json!({"id": 7, "direction": "in",
            "callTimestamp": "2025-09-17T09:12:32+12:00", "outcome": "Left a message",
            "fromParticipantOther": "Ana Smith", "toParticipantOther": "Reception",
            "phoneNumber": "+64 9 555 0101", "phoneNumberType": "Mobile", "notes": "n", "actualHours": 0.5,
            "links": {"action": 42, "fromParticipant": 9, "toParticipant": 3}}))
        .unwrap();
        let typed = FormValues {
            phone_number: "+64 9 555 0101".into(),
            outcome: "Agreed".into(),
            ..form()
        };
        // An outgoing call: the caller of the last one is called.
        let out = recall(&typed, &last);
        assert_eq!(
            (
                out.to_name.as_str(),
                out.to_id.as_str(),
                out.from_name.as_str(),
                out.from_id.as_str()
            ),
            ("Ana Smith", "9", "", ""),
            "the other party, not who took the last call"
        );
        assert_eq!(
            (out.matter.as_str(), out.phone_number_type.as_str()),
            ("42", "Mobile")
        );
        assert_eq!(
            (
                out.outcome.as_str(),
                out.notes.as_str(),
                out.duration.as_str(),
                out.date.as_str()
            ),
            ("Agreed", "", "", "2025-09-17"),
            "what came of this call is its own"
        );
        // An incoming call: they are calling.
        let incoming = FormValues {
            direction: "in".into(),
            ..typed.clone()
        };
        let back = recall(&incoming, &last);
        assert_eq!(
            (
                back.from_name.as_str(),
                back.from_id.as_str(),
                back.to_name.as_str()
            ),
            ("Ana Smith", "9", "")
        );
        // What was typed stays; filling twice changes nothing more.
        let started = FormValues {
            to_name: "Ana S.".into(),
            matter: "77".into(),
            ..typed.clone()
        };
        let kept = recall(&started, &last);
        assert_eq!(
            (
                kept.to_name.as_str(),
                kept.to_id.as_str(),
                kept.matter.as_str()
            ),
            ("Ana S.", "9", "77")
        );
        assert_eq!(recall(&kept, &last), kept);
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
        assert_eq!(
            f.changes_body(&f).unwrap(),
            json!({}),
            "nothing changed: nothing sent"
        );
        let edited = FormValues {
            phone_number: "+1 555 0100".into(),
            notes: String::new(),
            to_id: String::new(),
            matter: "42".into(),
            ..f.clone()
        };
        assert_eq!(
            edited.changes_body(&f).unwrap(),
            json!({"phoneNumber": "+1 555 0100", "notes": null, "links": {"action": 42, "toParticipant": null}}),
            "only what changed; emptied fields cleared"
        );
        let back = FormValues {
            notes: "n".into(),
            ..FormValues {
                notes: "x".into(),
                ..f.clone()
            }
        };
        assert_eq!(
            back.changes_body(&f).unwrap(),
            json!({}),
            "changed back: not sent"
        );
        let when = FormValues {
            time: "10:00".into(),
            ..f.clone()
        };
        assert_eq!(
            when.changes_body(&f).unwrap(),
            json!({"callTimestamp": "2025-09-17T10:00:00-05:30"})
        );
        assert_eq!(describe(&r, "17 Sept 2025"), "the call #7 on 17 Sept 2025");
        assert_eq!(title(&r, "18 Sept 2025"), "The call #7 on 18 Sept 2025");
        let blank = FormValues {
            outcome: " ".into(),
            ..f.clone()
        };
        assert!(blank.changes_body(&f).unwrap_err().contains_key("outcome"));
        let changes = changed_fields(&f, &edited);
        let labels: Vec<&str> = changes.iter().map(|c| c.label).collect();
        assert_eq!(
            labels,
            [
                "Phone number",
                "Matter (action id)",
                "To participant id",
                "Notes"
            ]
        );
        assert_eq!(
            (changes[3].before.as_str(), changes[3].after.as_str()),
            ("n", "")
        );
    }

    /// The query's parameters as a browser's `URLSearchParams` reads them.
    fn query(href: &str) -> impl Fn(&str) -> Option<String> {
        let q = href.split_once('?').map_or("", |(_, q)| q).to_owned();
        move |k: &str| {
            q.split('&').find_map(|pair| {
                let (name, value) = pair.split_once('=')?;
                (name == k).then(|| percent_decoded(&value.replace('+', " ")).unwrap())
            })
        }
    }

    #[test]
    fn a_link_fills_the_fields_it_names_and_nothing_else() {
        let get = query(
            "/calls/new?matter=+42+&direction=sideways&phoneNumber=%2B64%209%20555%200100&toParticipant=&colour=red",
        );
        let f = form().prefilled(&get);
        assert_eq!(
            f,
            FormValues {
                matter: "42".into(),
                phone_number: "+64 9 555 0100".into(),
                ..form()
            },
            "trimmed; an unknown direction, an empty value and another name ignored"
        );
        let f = form().prefilled(&query("/calls/new?direction=in&matter=abc"));
        assert_eq!((f.direction.as_str(), f.matter.as_str()), ("in", "abc"));
        assert!(
            f.create_body().unwrap_err().contains_key("links.action"),
            "what a link fills is judged on save like what is typed"
        );
        assert_eq!(form().prefilled(&query("/calls/new")), form());
    }

    #[test]
    fn a_follow_up_calls_the_same_person_back_on_the_same_matter() {
        let incoming: PhoneRecord = serde_json::from_value(json!({
            "id": 9, "direction": "in", "callTimestamp": "2025-09-17T09:12:32+12:00", "outcome": "Left a message",
            "fromParticipantOther": "Hēmi Walker & Co", "toParticipantOther": "Ana", "phoneNumber": "+64 9 555 0100",
            "phoneNumberType": "Mobile", "notes": "call back", "actualHours": 0.25,
            "links": {"action": 42, "fromParticipant": 7, "toParticipant": 3}}))
        .unwrap();
        let href = follow_up_href(&incoming);
        assert_eq!(
            href,
            "/calls/new?direction=out&matter=42&phoneNumber=%2B64%209%20555%200100&phoneNumberType=Mobile\
             &fromParticipant=3&fromParticipantOther=Ana&toParticipant=7\
             &toParticipantOther=H%C4%93mi%20Walker%20%26%20Co&followUp=9",
            "the caller is called back by whoever took the call"
        );
        let link = FormLink::read(&query(&href));
        assert_eq!((link.follows, link.timed), (Some(9), false));
        let back = FormLink::read(&query(&call_back_href(&incoming)));
        assert_eq!(
            (back.follows, back.timed),
            (Some(9), true),
            "Call back times it"
        );
        assert_eq!(back.values, link.values);
        assert_eq!(
            FormLink::read(&query("/calls/new?followUp=x&timer=on")).follows,
            None
        );
        assert!(!FormLink::read(&query("/calls/new?followUp=x&timer=on")).timed);
        let f = form().prefilled(&query(&href));
        assert_eq!(
            (
                f.direction.as_str(),
                f.from_name.as_str(),
                f.from_id.as_str()
            ),
            ("out", "Ana", "3")
        );
        assert_eq!(
            (f.to_name.as_str(), f.to_id.as_str(), f.matter.as_str()),
            ("Hēmi Walker & Co", "7", "42")
        );
        assert_eq!(
            (f.notes.as_str(), f.outcome.as_str(), f.duration.as_str()),
            ("", "", ""),
            "what came of the call is not copied"
        );
        assert_eq!(
            (f.date.as_str(), f.time.as_str()),
            ("2025-09-17", "09:12"),
            "now, not then"
        );
        let outgoing: PhoneRecord = serde_json::from_value(json!({
            "id": 10, "direction": "out", "callTimestamp": "2025-09-17T09:12:32+12:00", "outcome": "No answer",
            "toParticipantOther": " ", "links": {"fromParticipant": 3}}))
        .unwrap();
        assert_eq!(
            follow_up_href(&outgoing),
            "/calls/new?direction=out&fromParticipant=3&followUp=10",
            "the same way round; blank and missing fields left out"
        );
    }

    #[test]
    fn untouched_fields_are_never_rewritten_whatever_their_stored_form() {
        // Whitespace-only notes, hours that are no whole number of minutes, an
        // outcome the rules would now refuse: none of them is sent unless changed.
        let r: PhoneRecord = serde_json::from_value(json!({
            "id": 8, "direction": "out", "callTimestamp": "2025-09-17T09:12:32.5+12:00",
            "outcome": "ok", "actualHours": 0.333333, "notes": "   ", "phoneNumber": "call me"
        }))
        .unwrap();
        let f = FormValues::from_record(&r);
        assert_eq!(f.changes_body(&f).unwrap(), json!({}));
        let one = FormValues {
            outcome: "changed".into(),
            ..f.clone()
        };
        assert_eq!(
            one.changes_body(&f).unwrap(),
            json!({"outcome": "changed"}),
            "the stored phone number the rules refuse does not block another field's change"
        );
        let bad = FormValues {
            phone_number: "still call me".into(),
            ..f.clone()
        };
        assert!(
            bad.changes_body(&f)
                .unwrap_err()
                .contains_key("phoneNumber")
        );
    }
}
