//! Setting one matter on several calls at once (the list's "Set matter…"),
//! and undoing it: what each call needs, and what to tell the person. Pure,
//! so native tests hold every rule; components/set_matter.rs sends.
//!
//! Nothing is silently overwritten: each call is read first (for its
//! version), and changed only if its matter is still the one the list
//! showed, with `If-Match`, so a call someone else moved meanwhile is left
//! as they set it and named in the report.

use phonerecords_shared::model::Patch;
use phonerecords_shared::validate::parse_update;
use serde_json::{Value, json};

/// A selected call, as the list showed it.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    pub id: i64,
    /// Its matter on the list the person chose it from.
    pub listed: Option<i64>,
    /// "the call from Ann Lee on 17 Sept 2025", for the report.
    pub what: String,
}

/// What one call needs, read as it is now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Already on that matter: nothing to send.
    Already,
    /// Still as listed: send the change (with `If-Match`).
    Send,
    /// Someone else set another matter since the list was shown: leave it.
    Moved,
}

/// `now` is the call's matter as just read; `listed` as the list showed it.
pub fn step(listed: Option<i64>, now: Option<i64>, to: Option<i64>) -> Step {
    if now == to {
        Step::Already
    } else if now == listed {
        Step::Send
    } else {
        Step::Moved
    }
}

/// Why a call was left as it was.
#[derive(Clone, Debug, PartialEq)]
pub enum Left {
    /// Someone else changed it: its matter since the list was shown, or the
    /// call between the read and the write (412), or since the change an
    /// Undo would take back.
    Changed,
    /// It was deleted meanwhile.
    Deleted,
    /// The API refused the change, for this reason.
    Refused(String),
    /// Not sent: the run stopped before it (Cancel, or a failure that would
    /// fail every call, with its message).
    NotSent(Option<String>),
}

impl Left {
    fn reason(&self) -> String {
        match self {
            Left::Changed => "someone else changed it meanwhile".into(),
            Left::Deleted => "it has been deleted".into(),
            Left::Refused(why) => format!("refused: {why}"),
            Left::NotSent(None) => "not sent (stopped)".into(),
            Left::NotSent(Some(why)) => format!("not sent: {why}"),
        }
    }
}

/// The matter typed, checked by the API's own rule for `links.action`.
pub fn parse(input: &str) -> Result<i64, String> {
    let v = input.trim().trim_start_matches('#');
    if v.is_empty() {
        return Err("Enter the matter's number (its action id).".into());
    }
    let value = v
        .parse::<i64>()
        .map(Value::from)
        .unwrap_or_else(|_| json!(v));
    match parse_update(&json!({ "links": { "action": value } })) {
        Ok(up) => match up.links.action {
            Patch::Set(id) => Ok(id),
            Patch::Unchanged | Patch::Clear => {
                Err("Enter the matter's number (its action id).".into())
            }
        },
        // In the API's words, the field named as this panel names it.
        Err(errors) => Err(errors
            .into_iter()
            .map(|e| match e.message.strip_prefix(e.path.as_str()) {
                Some(rest) => format!("The matter{rest}"),
                None => e.message,
            })
            .collect::<Vec<_>>()
            .join("; ")),
    }
}

/// The matters to suggest, most used first, from the summary's groups by
/// matter: each id with how many calls it has ("No matter" left out).
pub fn suggestions(groups: &[phonerecords_shared::summary::Group]) -> Vec<(i64, String)> {
    groups
        .iter()
        .filter_map(|g| g.key.as_i64().map(|id| (id, g.count)))
        .map(|(id, n)| (id, format!("#{id} · {}", crate::format::calls(n))))
        .collect()
}

/// The update that sets (or, undoing, clears) a call's matter, alone.
pub fn body(matter: Option<i64>) -> Value {
    json!({ "links": { "action": matter } })
}

fn calls(n: usize) -> String {
    crate::format::calls(n as u64)
}

/// How many calls left a report names; the rest it counts.
const NAMED: usize = 10;

fn left_list(left: &[(String, Left)]) -> String {
    // The reasons are clauses of one sentence: a message's own full stop goes.
    let mut named = left
        .iter()
        .take(NAMED)
        .map(|(what, why)| format!("{what} — {}", why.reason().trim_end_matches('.')))
        .collect::<Vec<_>>();
    if left.len() > NAMED {
        let more = left.len() - NAMED;
        named.push(format!(
            "and {more} more call{}",
            if more == 1 { "" } else { "s" }
        ));
    }
    named.join("; ")
}

/// The report of a run: how many of `total` calls are on matter `to` now
/// (`None`: on none), and each one left as it was, with why.
pub fn set_report(to: Option<i64>, total: usize, set: usize, left: &[(String, Left)]) -> String {
    let head = match (to, left.is_empty(), set) {
        (Some(m), true, _) => format!("Matter #{m} set on {}.", calls(total)),
        (Some(m), false, 0) if total == 1 => format!("Matter #{m} was not set on the call."),
        (Some(m), false, 0) => format!("Matter #{m} was set on none of the {}.", calls(total)),
        (Some(m), false, _) => format!("Matter #{m} set on {set} of {}.", calls(total)),
        (None, true, _) => format!("Matter removed from {}.", calls(total)),
        (None, false, 0) if total == 1 => "The matter was not removed from the call.".to_owned(),
        (None, false, 0) => format!("The matter was removed from none of the {}.", calls(total)),
        (None, false, _) => format!("Matter removed from {set} of {}.", calls(total)),
    };
    if left.is_empty() {
        head
    } else {
        format!("{head} Not changed: {}.", left_list(left))
    }
}

/// The report of an Undo: how many calls are back on their earlier matters.
pub fn undo_report(total: usize, undone: usize, left: &[(String, Left)]) -> String {
    if left.is_empty() {
        let are = if total == 1 { "is" } else { "are" };
        format!("Undone: {} {are} back as before.", calls(total))
    } else {
        format!(
            "Undone on {undone} of {}. Not undone: {}.",
            calls(total),
            left_list(left)
        )
    }
}

/// What a run changed, to undo it: each call's earlier matter and the
/// version the change gave it (so an Undo never overwrites a later edit).
#[derive(Clone, Debug, PartialEq)]
pub struct Changed {
    pub id: i64,
    pub before: Option<i64>,
    pub etag: Option<String>,
    pub what: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_is_changed_only_while_its_matter_is_as_listed() {
        assert_eq!(step(None, None, Some(7)), Step::Send);
        assert_eq!(step(Some(3), Some(3), Some(7)), Step::Send);
        assert_eq!(
            step(Some(3), Some(7), Some(7)),
            Step::Already,
            "someone set it already"
        );
        assert_eq!(step(Some(3), Some(5), Some(7)), Step::Moved);
        assert_eq!(step(None, Some(5), Some(7)), Step::Moved);
        // Undoing: back to none, if still on the matter set.
        assert_eq!(step(Some(7), Some(7), None), Step::Send);
        assert_eq!(step(Some(7), Some(8), None), Step::Moved);
    }

    #[test]
    fn the_matter_is_checked_by_the_apis_rule() {
        assert_eq!(parse(" 4242 "), Ok(4242));
        assert_eq!(parse("#17"), Ok(17), "as the list writes a matter");
        assert_eq!(
            parse(""),
            Err("Enter the matter's number (its action id).".into())
        );
        for bad in ["0", "-3", "abc", "1.5", "99999999999999999999"] {
            let err = parse(bad).unwrap_err();
            assert!(!err.is_empty(), "{bad}");
        }
        // The API's own words for a link that is no positive id, the field
        // named as the panel names it.
        let api = parse_update(&json!({"links": {"action": 0}})).unwrap_err();
        let rest = api[0].message.strip_prefix("links.action").unwrap();
        assert_eq!(parse("0"), Err(format!("The matter{rest}")));
        assert_eq!(
            parse("abc"),
            Err("The matter must be a whole number (an id)".into())
        );
    }

    #[test]
    fn the_body_changes_the_matter_alone() {
        assert_eq!(body(Some(12)), json!({"links": {"action": 12}}));
        assert_eq!(body(None), json!({"links": {"action": null}}));
        assert_eq!(
            parse_update(&body(Some(12))).unwrap().links.action,
            Patch::Set(12)
        );
        assert_eq!(
            parse_update(&body(None)).unwrap().links.action,
            Patch::Clear
        );
    }

    #[test]
    fn a_long_report_names_ten_calls_and_counts_the_rest() {
        let left: Vec<(String, Left)> = (1..=13)
            .map(|i| (format!("call {i}"), Left::NotSent(None)))
            .collect();
        let report = set_report(Some(5), 13, 0, &left);
        assert!(
            report.contains("call 10 — not sent (stopped); and 3 more calls."),
            "{report}"
        );
        assert!(!report.contains("call 11"), "{report}");
        let one_more = set_report(Some(5), 11, 0, &left[..11]);
        assert!(
            one_more.ends_with("call 10 — not sent (stopped); and 1 more call."),
            "{one_more}"
        );
    }

    #[test]
    fn suggestions_are_the_most_used_matters() {
        use phonerecords_shared::summary::Group;
        let group = |key: Value, count| Group {
            key,
            count,
            actual_hours: 0.0,
        };
        let groups = [
            group(json!(321845), 12),
            group(Value::Null, 5),
            group(json!(7), 1),
        ];
        assert_eq!(
            suggestions(&groups),
            vec![
                (321845, "#321845 · 12 calls".to_owned()),
                (7, "#7 · 1 call".to_owned())
            ]
        );
    }

    #[test]
    fn reports_name_each_call_left_and_why() {
        assert_eq!(
            set_report(Some(42), 3, 3, &[]),
            "Matter #42 set on 3 calls."
        );
        assert_eq!(set_report(Some(42), 1, 1, &[]), "Matter #42 set on 1 call.");
        assert_eq!(set_report(None, 2, 2, &[]), "Matter removed from 2 calls.");
        let left = vec![
            ("the call from Ann on 1 Sept 2025".to_owned(), Left::Changed),
            ("the call to Bo on 2 Sept 2025".to_owned(), Left::Deleted),
        ];
        assert_eq!(
            set_report(Some(42), 3, 1, &left),
            "Matter #42 set on 1 of 3 calls. Not changed: the call from Ann on 1 Sept 2025 — \
             someone else changed it meanwhile; the call to Bo on 2 Sept 2025 — it has been deleted."
        );
        assert_eq!(
            set_report(
                Some(42),
                2,
                0,
                &[
                    (
                        "the call from Ann".into(),
                        Left::NotSent(Some("offline".into()))
                    ),
                    ("the call to Bo".into(), Left::NotSent(None))
                ]
            ),
            "Matter #42 was set on none of the 2 calls. Not changed: the call from Ann — not sent: offline; \
             the call to Bo — not sent (stopped)."
        );
        assert_eq!(
            set_report(
                Some(7),
                1,
                0,
                &[(
                    "the call to Bo".into(),
                    Left::NotSent(Some("Could not reach the server. Try again.".into()))
                )]
            ),
            "Matter #7 was not set on the call. Not changed: the call to Bo — not sent: Could not reach the server. Try again."
        );
        assert_eq!(
            undo_report(2, 2, &[]),
            "Undone: 2 calls are back as before."
        );
        assert_eq!(undo_report(1, 1, &[]), "Undone: 1 call is back as before.");
        assert_eq!(
            undo_report(2, 1, &left[..1]),
            "Undone on 1 of 2 calls. Not undone: the call from Ann on 1 Sept 2025 — someone else changed it meanwhile."
        );
    }
}
