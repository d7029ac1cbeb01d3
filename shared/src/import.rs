//! The rules of a CSV import: which record field a column holds (guessed
//! from its header, changed by the person), how a cell becomes a field's JSON
//! value (durations in the unit the column says, directions as phone systems
//! spell them, local times given an offset), and how the rows are cut into
//! the API's batches. The UI applies them; every value then goes through the
//! same `validate::parse_create` as the API.
//!
//! The export's own CSV (worker/src/export.rs: a header of `Field::name`s in
//! `Field::ALL` order, a `'` before cells a spreadsheet would run) comes back
//! unchanged: every header is a field name, `id` is ignored, and the `'` is
//! taken off again.

use serde_json::{Map, Value};

use crate::error::FieldError;
use crate::fields::{Field, MAX_ID};
use crate::validate::parse_create;

/// Largest request body the API accepts (64 KiB).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// A batch's body is kept this far under `MAX_BODY_BYTES` (the wrapper and
/// separators take a few bytes; the rest is headroom).
pub const BATCH_BODY_BYTES: usize = MAX_BODY_BYTES - 1024;

/// The first characters that make a spreadsheet read a cell as a formula
/// (OWASP, "CSV injection"): the export writes a `'` before them.
pub const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A text cell as the export wrote it, without the `'` it put before a
/// value starting with one of `FORMULA_STARTS` (`'+61 2` is `+61 2`).
pub fn without_formula_guard(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest,
        _ => cell,
    }
}

/// The unit of a duration column. Records keep `actualHours` (hours, a
/// decimal); a column in another unit is converted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DurationUnit {
    /// `0.25` is a quarter of an hour (the export's `actualHours`).
    Hours,
    /// `15` or `15.5` minutes.
    Minutes,
    /// `900` seconds (most phone systems' call logs).
    Seconds,
    /// `h:mm:ss` (`0:15:00`), or `mm:ss` with two parts (`15:00`).
    Clock,
}

/// What a column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// Not imported.
    Ignore,
    /// A field other than `id` and `actualHours`.
    Field(Field),
    /// `actualHours`, given in this unit.
    Duration(DurationUnit),
}

impl Target {
    /// Every choice, in the order a person picks from.
    pub fn all() -> Vec<Target> {
        let mut all = vec![Target::Ignore];
        for f in Field::ALL {
            match f {
                Field::Id => {}
                Field::ActualHours => all.extend(
                    [
                        DurationUnit::Hours,
                        DurationUnit::Minutes,
                        DurationUnit::Seconds,
                        DurationUnit::Clock,
                    ]
                    .map(Target::Duration),
                ),
                f => all.push(Target::Field(f)),
            }
        }
        all
    }

    /// The field the column fills, if any.
    pub fn field(self) -> Option<Field> {
        match self {
            Target::Ignore => None,
            Target::Field(f) => Some(f),
            Target::Duration(_) => Some(Field::ActualHours),
        }
    }

    /// A stable name (a `<select>`'s value).
    pub fn key(self) -> &'static str {
        match self {
            Target::Ignore => "",
            Target::Field(f) => f.name(),
            Target::Duration(DurationUnit::Hours) => "actualHours",
            Target::Duration(DurationUnit::Minutes) => "actualHours:minutes",
            Target::Duration(DurationUnit::Seconds) => "actualHours:seconds",
            Target::Duration(DurationUnit::Clock) => "actualHours:clock",
        }
    }

    pub fn from_key(key: &str) -> Target {
        Target::all()
            .into_iter()
            .find(|t| t.key() == key)
            .unwrap_or(Target::Ignore)
    }

    /// What a person reads in the choice.
    pub fn label(self) -> String {
        match self {
            Target::Ignore => "(not imported)".into(),
            Target::Field(f) if f.is_required() => format!("{} (required)", f.label()),
            Target::Field(f) => f.label().into(),
            Target::Duration(DurationUnit::Hours) => "Duration in hours (0.25)".into(),
            Target::Duration(DurationUnit::Minutes) => "Duration in minutes (15)".into(),
            Target::Duration(DurationUnit::Seconds) => "Duration in seconds (900)".into(),
            Target::Duration(DurationUnit::Clock) => {
                "Duration as h:mm:ss or mm:ss (0:15:00)".into()
            }
        }
    }
}

/// A header as compared: lower case, letters and digits only
/// (`Start Time`, `start_time` and `startTime` are all `starttime`).
pub fn normalized(header: &str) -> String {
    header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Phone systems' names for our fields, normalized. (Our own names and
/// labels match as well.)
const SYNONYMS: &[(&str, Field)] = &[
    ("date", Field::CallTimestamp),
    ("datetime", Field::CallTimestamp),
    ("time", Field::CallTimestamp),
    ("timestamp", Field::CallTimestamp),
    ("start", Field::CallTimestamp),
    ("starttime", Field::CallTimestamp),
    ("startdate", Field::CallTimestamp),
    ("started", Field::CallTimestamp),
    ("calldate", Field::CallTimestamp),
    ("calltime", Field::CallTimestamp),
    ("callstart", Field::CallTimestamp),
    ("when", Field::CallTimestamp),
    ("calldirection", Field::Direction),
    ("inout", Field::Direction),
    ("result", Field::Outcome),
    ("disposition", Field::Outcome),
    ("status", Field::Outcome),
    ("callresult", Field::Outcome),
    ("callstatus", Field::Outcome),
    ("from", Field::FromParticipantOther),
    ("caller", Field::FromParticipantOther),
    ("callername", Field::FromParticipantOther),
    ("to", Field::ToParticipantOther),
    ("callee", Field::ToParticipantOther),
    ("calleename", Field::ToParticipantOther),
    ("recipient", Field::ToParticipantOther),
    ("phone", Field::PhoneNumber),
    ("number", Field::PhoneNumber),
    ("telephone", Field::PhoneNumber),
    ("tel", Field::PhoneNumber),
    ("phoneno", Field::PhoneNumber),
    ("callerid", Field::PhoneNumber),
    ("externalnumber", Field::PhoneNumber),
    ("remotenumber", Field::PhoneNumber),
    ("numbertype", Field::PhoneNumberType),
    ("phonetype", Field::PhoneNumberType),
    ("linetype", Field::PhoneNumberType),
    ("note", Field::Notes),
    ("comment", Field::Notes),
    ("comments", Field::Notes),
    ("description", Field::Notes),
    ("memo", Field::Notes),
    ("matter", Field::Action),
    ("matterid", Field::Action),
    ("actionid", Field::Action),
    ("fromparticipantid", Field::FromParticipant),
    ("toparticipantid", Field::ToParticipant),
];

/// Duration headers by unit. A bare "Duration" is not here: its unit is
/// read from its values (see `guess`).
const DURATIONS: &[(&str, DurationUnit)] = &[
    ("actualhours", DurationUnit::Hours),
    ("hours", DurationUnit::Hours),
    ("durationhours", DurationUnit::Hours),
    ("durationh", DurationUnit::Hours),
    ("minutes", DurationUnit::Minutes),
    ("mins", DurationUnit::Minutes),
    ("durationminutes", DurationUnit::Minutes),
    ("durationmin", DurationUnit::Minutes),
    ("durationmins", DurationUnit::Minutes),
    ("seconds", DurationUnit::Seconds),
    ("secs", DurationUnit::Seconds),
    ("durationseconds", DurationUnit::Seconds),
    ("durationsec", DurationUnit::Seconds),
    ("durations", DurationUnit::Seconds),
    ("billsec", DurationUnit::Seconds),
];

/// Headers that are durations of a unit the values tell: `h:mm:ss` if they
/// hold a `:`, otherwise seconds (as phone systems write them).
const BARE_DURATIONS: &[&str] = &[
    "duration",
    "callduration",
    "length",
    "calllength",
    "talktime",
];

/// The likely target of one column, from its header and some of its values.
pub fn guess(header: &str, samples: &[&str]) -> Target {
    let h = normalized(header);
    if h.is_empty() || h == "id" {
        return Target::Ignore;
    }
    if let Some((_, unit)) = DURATIONS.iter().find(|(n, _)| *n == h) {
        return Target::Duration(*unit);
    }
    if BARE_DURATIONS.contains(&h.as_str()) {
        let clock = samples.iter().any(|s| s.contains(':'));
        return Target::Duration(if clock {
            DurationUnit::Clock
        } else {
            DurationUnit::Seconds
        });
    }
    let own = Field::ALL.into_iter().find(|f| {
        *f != Field::Id
            && *f != Field::ActualHours
            && (normalized(f.name()) == h || normalized(f.label()) == h)
    });
    match own.or_else(|| SYNONYMS.iter().find(|(n, _)| *n == h).map(|(_, f)| *f)) {
        Some(f) => Target::Field(f),
        None => Target::Ignore,
    }
}

/// Targets for every column: each field goes to the first column that
/// names it; later columns naming it again are not imported.
pub fn guess_all(headers: &[String], rows: &[Vec<String>]) -> Vec<Target> {
    let mut taken: Vec<Field> = Vec::new();
    headers
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let samples: Vec<&str> = rows
                .iter()
                .take(20)
                .filter_map(|r| r.get(i).map(|s| s.trim()).filter(|s| !s.is_empty()))
                .collect();
            let t = guess(h, &samples);
            match t.field() {
                Some(f) if taken.contains(&f) => Target::Ignore,
                Some(f) => {
                    taken.push(f);
                    t
                }
                None => t,
            }
        })
        .collect()
}

/// The required fields no column is mapped to.
pub fn unmapped_required(targets: &[Target]) -> Vec<Field> {
    Field::ALL
        .into_iter()
        .filter(|f| f.is_required() && !targets.iter().any(|t| t.field() == Some(*f)))
        .collect()
}

/// `in` and `out` as phone systems also write them (`Inbound`,
/// `outgoing`, `outbound-api`); anything else is left for validation.
pub fn direction(cell: &str) -> Option<&'static str> {
    let d = cell.trim().to_ascii_lowercase();
    match d.as_str() {
        "in" | "inbound" | "incoming" | "received" => Some("in"),
        "out" | "outbound" | "outgoing" | "dialed" | "dialled" | "placed" => Some("out"),
        _ if d.starts_with("inbound") => Some("in"),
        _ if d.starts_with("outbound") => Some("out"),
        _ => None,
    }
}

/// A local date and time without an offset (`2025-09-17 09:12`,
/// `2025-09-17T09:12:32`): its date and time (seconds added when missing).
pub fn local_date_time(cell: &str) -> Option<(String, String)> {
    let s = cell.trim();
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|p| p.iter().all(u8::is_ascii_digit));
    let date_ok = b.len() >= 16
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && matches!(b[10], b'T' | b't' | b' ')
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16);
    if !date_ok {
        return None;
    }
    let rest = &s[16..];
    let seconds = match rest.as_bytes() {
        [] => ":00".to_owned(),
        [b':', a, b2, tail @ ..]
            if a.is_ascii_digit()
                && b2.is_ascii_digit()
                && (tail.is_empty()
                    || (tail[0] == b'.'
                        && tail.len() > 1
                        && tail[1..].iter().all(u8::is_ascii_digit))) =>
        {
            rest.to_owned()
        }
        _ => return None,
    };
    Some((s[..10].to_owned(), format!("{}{seconds}", &s[11..16])))
}

/// A duration cell in `unit`, as hours; `None` if it is not one.
pub fn hours(unit: DurationUnit, cell: &str) -> Option<f64> {
    let s = cell.trim();
    let number = |t: &str| -> Option<f64> {
        let plain = !t.is_empty()
            && t.len() <= 32
            && t.chars().all(|c| c.is_ascii_digit() || c == '.')
            && t.chars().filter(|c| *c == '.').count() <= 1
            && t.chars().any(|c| c.is_ascii_digit());
        plain.then(|| t.parse::<f64>().ok()).flatten()
    };
    let h = match unit {
        DurationUnit::Hours => number(s)?,
        DurationUnit::Minutes => number(s)? / 60.0,
        DurationUnit::Seconds => number(s)? / 3600.0,
        DurationUnit::Clock => {
            let parts: Vec<&str> = s.split(':').collect();
            let whole = |t: &str| {
                (!t.is_empty() && t.len() <= 6 && t.bytes().all(|c| c.is_ascii_digit()))
                    .then(|| t.parse::<u32>().ok())
                    .flatten()
            };
            let (h, m, sec) = match parts.as_slice() {
                [h, m, sec] => (whole(h)?, whole(m)?, number(sec)?),
                [m, sec] => (0, whole(m)?, number(sec)?),
                _ => return None,
            };
            if parts.len() == 3 && m >= 60 || sec >= 60.0 {
                return None;
            }
            f64::from(h) + f64::from(m) / 60.0 + sec / 3600.0
        }
    };
    // Nine decimal places, as the summary rounds: 125 s is 0.034722222 h.
    Some((h * 1e9).round() / 1e9)
}

/// A problem with one row: the column at fault (`None`: the row, e.g. a
/// required field no column holds) and what to do about it.
#[derive(Clone, Debug, PartialEq)]
pub struct CellProblem {
    pub column: Option<usize>,
    pub message: String,
}

/// One row made into a create body with the given targets, and its problems
/// (the conversion's and the shared validation's, by column). `offset` gives
/// the UTC offset (`+13:00`) of a local date and time without one.
pub fn row_body(
    targets: &[Target],
    cells: &[String],
    offset: &dyn Fn(&str, &str) -> String,
) -> (Value, Vec<CellProblem>) {
    let mut body = Map::new();
    let mut links = Map::new();
    let mut problems = Vec::new();
    for (i, target) in targets.iter().enumerate() {
        let Some(field) = target.field() else {
            continue;
        };
        let cell = cells.get(i).map(String::as_str).unwrap_or("");
        if cell.trim().is_empty() {
            continue;
        }
        let value = match (*target, field) {
            (Target::Duration(unit), _) => match hours(unit, cell) {
                Some(h) => Value::from(h),
                None => {
                    problems.push(CellProblem {
                        column: Some(i),
                        message: format!(
                            "“{}” is not a duration {}",
                            cut(cell),
                            match unit {
                                DurationUnit::Hours => "in hours such as 0.25",
                                DurationUnit::Minutes => "in minutes such as 15",
                                DurationUnit::Seconds => "in seconds such as 900",
                                DurationUnit::Clock => "such as 0:15:00 or 15:00",
                            }
                        ),
                    });
                    continue;
                }
            },
            (_, Field::Direction) => Value::from(direction(cell).unwrap_or(cell)),
            (_, Field::CallTimestamp) => match local_date_time(cell) {
                Some((date, time)) => Value::from(format!("{date}T{time}{}", offset(&date, &time))),
                None => Value::from(cell.trim()),
            },
            (_, f) if f.is_link() => match cell.trim().parse::<u64>() {
                Ok(n) if n <= MAX_ID as u64 => Value::from(n),
                _ => Value::from(cell.trim()),
            },
            _ => Value::from(without_formula_guard(cell)),
        };
        if field.is_link() {
            links.insert(field.name().into(), value);
        } else {
            body.insert(field.name().into(), value);
        }
    }
    if !links.is_empty() {
        body.insert("links".into(), Value::Object(links));
    }
    let body = Value::Object(body);
    if let Err(errors) = parse_create(&body) {
        for e in errors {
            let column = targets
                .iter()
                .position(|t| t.field().is_some_and(|f| f.path() == e.path));
            // A column that already has a conversion problem says it once.
            if column.is_none() || !problems.iter().any(|p| p.column == column) {
                problems.push(CellProblem {
                    column,
                    message: message_for(&e, column.is_none()),
                });
            }
        }
    }
    // Left to right; a row's own problems (no column) first.
    problems.sort_by_key(|p| p.column.map_or(0, |c| c + 1));
    (body, problems)
}

/// The shared validation's message; a required field no column holds says so.
fn message_for(e: &FieldError, unmapped: bool) -> String {
    match Field::ALL.into_iter().find(|f| f.path() == e.path) {
        Some(f) if unmapped && e.code == "required" => {
            format!("{} is required: choose the column that holds it", f.label())
        }
        _ => e.message.clone(),
    }
}

fn cut(cell: &str) -> String {
    if cell.chars().count() > 40 {
        format!("{}…", cell.chars().take(40).collect::<String>())
    } else {
        cell.to_owned()
    }
}

/// Cuts bodies (by their serialized size in bytes) into batches of at most
/// `body::MAX_BATCH` records whose `{"phonerecords":[…]}` stays within
/// `BATCH_BODY_BYTES`: the indexes of each batch, in order.
pub fn batches(sizes: &[usize]) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut bytes = 0;
    for (i, size) in sizes.iter().enumerate() {
        let fits = out
            .last()
            .is_some_and(|b| b.len() < crate::body::MAX_BATCH && bytes + size < BATCH_BODY_BYTES);
        if fits {
            bytes += size + 1;
            out.last_mut().unwrap().push(i);
        } else {
            bytes = size + 20;
            out.push(vec![i]);
        }
    }
    out
}

/// Which record of a batch a server error names (`phonerecords[3].outcome`
/// is the fourth), and the rest of its path.
pub fn batch_error_index(path: &str) -> Option<(usize, &str)> {
    let rest = path
        .strip_prefix(crate::body::RESOURCE)?
        .strip_prefix('[')?;
    let (n, rest) = rest.split_once(']')?;
    Some((n.parse().ok()?, rest.strip_prefix('.').unwrap_or(rest)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nz(_: &str, _: &str) -> String {
        "+13:00".into()
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_exports_own_header_maps_back_field_for_field() {
        let header: Vec<String> = Field::ALL.iter().map(|f| f.name().to_owned()).collect();
        let targets = guess_all(&header, &[]);
        assert_eq!(targets[0], Target::Ignore, "ids are the server's");
        for (f, t) in Field::ALL.iter().zip(&targets).skip(1) {
            assert_eq!(t.field(), Some(*f));
        }
        assert_eq!(targets[6], Target::Duration(DurationUnit::Hours));
        assert!(unmapped_required(&targets).is_empty());
    }

    #[test]
    fn headers_match_names_labels_and_phone_system_words_whatever_their_case() {
        let g = |h: &str| guess(h, &[]);
        assert_eq!(g("Start Time"), Target::Field(Field::CallTimestamp));
        assert_eq!(g("start_time"), Target::Field(Field::CallTimestamp));
        assert_eq!(g("Date and time"), Target::Field(Field::CallTimestamp));
        assert_eq!(g("CALL DIRECTION"), Target::Field(Field::Direction));
        assert_eq!(g("Matter (action id)"), Target::Field(Field::Action));
        assert_eq!(g("phone_number"), Target::Field(Field::PhoneNumber));
        assert_eq!(g("Disposition"), Target::Field(Field::Outcome));
        assert_eq!(g("Minutes"), Target::Duration(DurationUnit::Minutes));
        assert_eq!(g("Duration (s)"), Target::Duration(DurationUnit::Seconds));
        assert_eq!(g("Hours"), Target::Duration(DurationUnit::Hours));
        assert_eq!(g("Extension"), Target::Ignore);
        assert_eq!(
            guess("Duration", &["125", "60"]),
            Target::Duration(DurationUnit::Seconds)
        );
        assert_eq!(
            guess("Duration", &["0:02:05"]),
            Target::Duration(DurationUnit::Clock)
        );
        let t = guess_all(&strings(&["Date", "Time", "Caller", "Result"]), &[]);
        assert_eq!(t[1], Target::Ignore, "one column per field");
        assert_eq!(unmapped_required(&t), vec![Field::Direction]);
    }

    #[test]
    fn every_target_has_a_distinct_key_that_reads_back() {
        let all = Target::all();
        assert_eq!(all.len(), 1 + 11 + 4);
        for t in &all {
            assert_eq!(Target::from_key(t.key()), *t);
        }
    }

    #[test]
    fn durations_convert_to_hours_in_the_unit_the_column_says() {
        use DurationUnit::*;
        assert_eq!(hours(Hours, "0.25"), Some(0.25));
        assert_eq!(hours(Minutes, "15"), Some(0.25));
        assert_eq!(hours(Minutes, "1.5"), Some(0.025));
        assert_eq!(hours(Seconds, "900"), Some(0.25));
        assert_eq!(hours(Seconds, "125"), Some(0.034722222));
        assert_eq!(hours(Clock, "1:30:00"), Some(1.5));
        assert_eq!(
            hours(Clock, "15:00"),
            Some(0.25),
            "two parts are minutes and seconds"
        );
        assert_eq!(hours(Clock, "0:61:00"), None);
        assert_eq!(hours(Seconds, "-5"), None);
        assert_eq!(hours(Seconds, "1e3"), None);
        assert_eq!(hours(Minutes, "abc"), None);
    }

    #[test]
    fn directions_and_local_times_as_phone_systems_write_them() {
        assert_eq!(direction("Inbound"), Some("in"));
        assert_eq!(direction("outbound-api"), Some("out"));
        assert_eq!(direction("OUT"), Some("out"));
        assert_eq!(direction("sideways"), None);
        assert_eq!(
            local_date_time("2025-09-17 09:12"),
            Some(("2025-09-17".into(), "09:12:00".into()))
        );
        assert_eq!(
            local_date_time("2025-09-17T09:12:32.5"),
            Some(("2025-09-17".into(), "09:12:32.5".into()))
        );
        assert_eq!(
            local_date_time("2025-09-17T09:12:32+12:00"),
            None,
            "it has its offset"
        );
        assert_eq!(local_date_time("17/09/2025 09:12"), None);
    }

    #[test]
    fn a_row_becomes_a_body_with_the_shared_rules_messages_by_column() {
        let targets = guess_all(
            &strings(&[
                "Start time",
                "Direction",
                "Result",
                "Duration",
                "Phone",
                "Matter",
            ]),
            &[strings(&["", "", "", "125", "", ""])],
        );
        let (body, problems) = row_body(
            &targets,
            &strings(&[
                "2025-09-17 09:12",
                "Inbound",
                "Call completed",
                "900",
                "'+64 9 555",
                "321845",
            ]),
            &nz,
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            body,
            serde_json::json!({"callTimestamp": "2025-09-17T09:12:00+13:00", "direction": "in",
                "outcome": "Call completed", "actualHours": 0.25, "phoneNumber": "+64 9 555",
                "links": {"action": 321845}})
        );
        let (_, problems) = row_body(
            &targets,
            &strings(&["yesterday", "up", " ", "x", "none", "0"]),
            &nz,
        );
        let by_column: Vec<Option<usize>> = problems.iter().map(|p| p.column).collect();
        assert_eq!(
            by_column,
            vec![Some(0), Some(1), Some(2), Some(3), Some(4), Some(5)],
            "{problems:?}"
        );
        assert!(
            problems[0]
                .message
                .starts_with("callTimestamp is not a valid date and time")
        );
        assert_eq!(problems[1].message, "direction must be \"in\" or \"out\"");
        assert_eq!(problems[2].message, "outcome is required");
        assert_eq!(
            problems[3].message,
            "“x” is not a duration in seconds such as 900"
        );
        let (_, problems) = row_body(&[Target::Field(Field::Outcome)], &strings(&["Done"]), &nz);
        assert_eq!(
            problems[0],
            CellProblem {
                column: None,
                message: "Direction is required: choose the column that holds it".into()
            }
        );
    }

    #[test]
    fn formula_guards_come_off_only_where_the_export_put_them() {
        assert_eq!(without_formula_guard("'=SUM(A1)"), "=SUM(A1)");
        assert_eq!(without_formula_guard("'-5"), "-5");
        assert_eq!(without_formula_guard("'tis"), "'tis");
        assert_eq!(without_formula_guard("plain"), "plain");
    }

    #[test]
    fn batches_hold_at_most_100_records_and_fit_the_body_limit() {
        let sizes = vec![200; 250];
        let b = batches(&sizes);
        assert_eq!(
            b.iter().map(Vec::len).collect::<Vec<_>>(),
            vec![100, 100, 50]
        );
        assert_eq!(b[2][0], 200);
        let big = vec![30_000; 5];
        assert_eq!(
            batches(&big).iter().map(Vec::len).collect::<Vec<_>>(),
            vec![2, 2, 1]
        );
        assert!(batches(&[]).is_empty());
    }

    #[test]
    fn server_errors_name_their_record_in_the_batch() {
        assert_eq!(
            batch_error_index("phonerecords[3].outcome"),
            Some((3, "outcome"))
        );
        assert_eq!(
            batch_error_index("phonerecords[12].links.action"),
            Some((12, "links.action"))
        );
        assert_eq!(batch_error_index("phonerecords[0]"), Some((0, "")));
        assert_eq!(batch_error_index("phonerecords"), None);
        assert_eq!(batch_error_index("outcome"), None);
    }
}
