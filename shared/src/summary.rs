//! The summary of a view (`GET /phonerecords/summary`): its totals and its
//! groups, the request parsed here so the Worker and the UI agree on it.

use serde::{Deserialize, Serialize};

use crate::FieldError;
use crate::date::Date;
use crate::query::{ListQuery, number};

/// The path under the collection that answers a view's summary.
pub const SUMMARY_SEGMENT: &str = "summary";

/// Most groups an answer holds (and `limit`'s default).
pub const MAX_GROUPS: u32 = 1000;

/// What the calls of a view are grouped by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    /// The call's local date (`2025-03-10`) in the offset it was recorded with.
    Day,
    /// The ISO 8601 week of that local date (`2025-W11`; weeks start on Monday,
    /// week 1 holds the year's first Thursday).
    Week,
    /// The local month (`2025-03`).
    Month,
    /// The matter: `links.action` (an integer, or `null` for calls without one).
    Action,
    Outcome,
    Direction,
}

impl GroupBy {
    pub const ALL: [GroupBy; 6] = [
        GroupBy::Day,
        GroupBy::Week,
        GroupBy::Month,
        GroupBy::Action,
        GroupBy::Outcome,
        GroupBy::Direction,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Day => "day",
            GroupBy::Week => "week",
            GroupBy::Month => "month",
            GroupBy::Action => "action",
            GroupBy::Outcome => "outcome",
            GroupBy::Direction => "direction",
        }
    }

    pub fn parse(s: &str) -> Option<GroupBy> {
        Self::ALL.into_iter().find(|g| g.as_str() == s)
    }

    /// Periods are in time order; the others most calls first.
    pub fn is_period(self) -> bool {
        matches!(self, GroupBy::Day | GroupBy::Week | GroupBy::Month)
    }

    /// The key of the period a date is in, as the summary answers it
    /// (`2025-03-10`, `2025-W11`, `2025-03`); `None` for the groupings that
    /// are not periods.
    pub fn period_key(self, date: Date) -> Option<String> {
        match self {
            GroupBy::Day => Some(date.ymd()),
            GroupBy::Week => {
                let (year, week) = date.iso_week();
                Some(format!("{year}-W{week:02}"))
            }
            GroupBy::Month => Some(date.ym()),
            GroupBy::Action | GroupBy::Outcome | GroupBy::Direction => None,
        }
    }

    /// The first day of the period a key names (`period_key`'s inverse).
    pub fn period_start(self, key: &str) -> Option<Date> {
        match self {
            GroupBy::Day => Date::parse(key),
            GroupBy::Week => {
                let (y, w) = key.split_once("-W")?;
                Date::from_iso_week(y.parse().ok()?, w.parse().ok()?)
            }
            GroupBy::Month => Date::parse(&format!("{key}-01")),
            GroupBy::Action | GroupBy::Outcome | GroupBy::Direction => None,
        }
    }
}

/// A summary request: the list's filters and search, and how to group.
#[derive(Clone, Debug, PartialEq)]
pub struct SummaryQuery {
    /// Only its filters and search count (its sort, which cannot change a
    /// total, is accepted and ignored, so a list's query can be reused).
    pub view: ListQuery,
    pub group_by: GroupBy,
    /// Groups answered, at most (1 to `MAX_GROUPS`).
    pub limit: u32,
    /// `topActions`: also answer the view's this many matters with the most
    /// calls (`Summary::top_actions`), so one request serves a chart by
    /// period and its top matters.
    pub top_actions: Option<u32>,
}

/// Parameters of the list that do not apply to a summary.
const REFUSED: [&str; 4] = ["page", "pageSize", "fields", "fields[phonerecords]"];

impl SummaryQuery {
    pub fn parse<K: AsRef<str>, V: AsRef<str>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut group_by = None;
        let mut limit = None;
        let mut top_actions = None;
        let mut view_pairs: Vec<(String, String)> = Vec::new();
        for (key, value) in pairs {
            let (key, value) = (key.as_ref(), value.as_ref());
            match key {
                "groupBy" | "limit" | "topActions"
                    if (key == "groupBy" && group_by.is_some())
                        || (key == "limit" && limit.is_some())
                        || (key == "topActions" && top_actions.is_some()) =>
                {
                    errors.push(FieldError::new(
                        key,
                        "duplicate_parameter",
                        format!("{key} is given more than once"),
                    ));
                }
                "groupBy" => match GroupBy::parse(value) {
                    Some(g) => group_by = Some(g),
                    None => {
                        group_by = Some(GroupBy::Day);
                        errors.push(FieldError::new(
                            key,
                            "invalid_parameter",
                            "groupBy must be one of day, week, month, action, outcome, direction",
                        ));
                    }
                },
                "limit" => match number(key, value, 1, MAX_GROUPS) {
                    Ok(n) => limit = Some(n),
                    Err(e) => {
                        limit = Some(MAX_GROUPS);
                        errors.push(e);
                    }
                },
                "topActions" => match number(key, value, 1, MAX_GROUPS) {
                    Ok(n) => top_actions = Some(n),
                    Err(e) => {
                        top_actions = Some(MAX_GROUPS);
                        errors.push(e);
                    }
                },
                k if REFUSED.contains(&k) => errors.push(FieldError::new(
                    k,
                    "not_for_summary",
                    format!(
                        "a summary counts every record of the view, so {k} does not apply: remove it \
                         (filters and q do apply)"
                    ),
                )),
                _ => view_pairs.push((key.to_owned(), value.to_owned())),
            }
        }
        if group_by.is_none() {
            errors.push(FieldError::new(
                "groupBy",
                "missing_parameter",
                "groupBy is required: one of day, week, month, action, outcome, direction",
            ));
        }
        let view = match ListQuery::parse(view_pairs) {
            Ok(view) => Some(view),
            Err(e) => {
                errors.extend(e);
                None
            }
        };
        match (view, group_by) {
            (Some(view), Some(group_by)) if errors.is_empty() => Ok(SummaryQuery {
                view,
                group_by,
                limit: limit.unwrap_or(MAX_GROUPS),
                top_actions,
            }),
            _ => Err(errors),
        }
    }
}

/// The answer: the view's totals and its groups.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub group_by: GroupBy,
    /// Calls in the view.
    pub count: u64,
    /// Their `actualHours` summed (calls without a value count as 0).
    pub actual_hours: f64,
    pub count_in: u64,
    pub count_out: u64,
    /// Groups in the view; `groups` holds the first `limit` of them.
    pub group_count: u64,
    pub groups: Vec<Group>,
    /// With `topActions=n`: the view's first `n` groups by action (most
    /// calls first, as `groupBy=action&limit=n` lists them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_actions: Option<Vec<Group>>,
}

/// One group: its key (text, or the action's id or `null` by action), and its totals.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    pub key: serde_json::Value,
    pub count: u64,
    pub actual_hours: f64,
}

impl Group {
    /// The key as text (`""` for a missing action).
    pub fn key_text(&self) -> String {
        match &self.key {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Null => String::new(),
            other => other.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(q: &[(&str, &str)]) -> Result<SummaryQuery, Vec<FieldError>> {
        SummaryQuery::parse(q.iter().copied())
    }

    fn codes(q: &[(&str, &str)]) -> Vec<(String, String)> {
        parse(q)
            .unwrap_err()
            .into_iter()
            .map(|e| (e.path, e.code.to_owned()))
            .collect()
    }

    #[test]
    fn period_keys_round_trip() {
        for (key, p) in [
            ("2025-03-10", GroupBy::Day),
            ("2020-W53", GroupBy::Week),
            ("2025-12", GroupBy::Month),
        ] {
            assert_eq!(
                p.period_start(key).and_then(|d| p.period_key(d)).as_deref(),
                Some(key)
            );
        }
        let day = Date::parse("2025-03-10").unwrap();
        for p in [GroupBy::Action, GroupBy::Outcome, GroupBy::Direction] {
            assert_eq!(
                (p.period_key(day), p.period_start("2025-03-10")),
                (None, None)
            );
        }
    }

    #[test]
    fn parses_group_limit_and_the_lists_filters() {
        let s = parse(&[
            ("groupBy", "week"),
            ("direction", "in"),
            ("q", "ann"),
            ("sort", "-id"),
            ("limit", "5"),
        ])
        .unwrap();
        assert_eq!(s.group_by, GroupBy::Week);
        assert_eq!(s.limit, 5);
        assert_eq!(s.view.filters.len(), 1);
        assert_eq!(s.view.search.as_deref(), Some("ann"));
        assert_eq!(parse(&[("groupBy", "day")]).unwrap().limit, MAX_GROUPS);
        assert_eq!(parse(&[("groupBy", "day")]).unwrap().top_actions, None);
        assert_eq!(
            parse(&[("groupBy", "day"), ("topActions", "5")])
                .unwrap()
                .top_actions,
            Some(5)
        );
        for g in GroupBy::ALL {
            assert_eq!(GroupBy::parse(g.as_str()), Some(g));
            assert_eq!(serde_json::to_value(g).unwrap(), g.as_str());
        }
    }

    #[test]
    fn refuses_what_does_not_apply() {
        let c = |code: &str, path: &str| (path.to_owned(), code.to_owned());
        assert_eq!(codes(&[]), vec![c("missing_parameter", "groupBy")]);
        assert_eq!(
            codes(&[("groupBy", "year")]),
            vec![c("invalid_parameter", "groupBy")]
        );
        assert_eq!(
            codes(&[("groupBy", "Day")]),
            vec![c("invalid_parameter", "groupBy")]
        );
        assert_eq!(
            codes(&[("groupBy", "day"), ("groupBy", "day")]),
            vec![c("duplicate_parameter", "groupBy")]
        );
        for bad in ["0", "1001", "x", "", "-1", "99999"] {
            assert_eq!(
                codes(&[("groupBy", "day"), ("limit", bad)]),
                vec![c("invalid_parameter", "limit")],
                "{bad}"
            );
        }
        for bad in ["0", "1001", "x"] {
            assert_eq!(
                codes(&[("groupBy", "day"), ("topActions", bad)]),
                vec![c("invalid_parameter", "topActions")],
                "{bad}"
            );
        }
        assert_eq!(
            codes(&[("groupBy", "day"), ("topActions", "1"), ("topActions", "1")]),
            vec![c("duplicate_parameter", "topActions")]
        );
        for p in ["page", "pageSize", "fields"] {
            assert_eq!(
                codes(&[("groupBy", "day"), (p, "1")]),
                vec![c("not_for_summary", p)]
            );
        }
        // The list's own errors, unchanged.
        let e = codes(&[("groupBy", "day"), ("nosuch", "1")]);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].0, "nosuch");
        assert_eq!(
            codes(&[("groupBy", "day"), ("actualHours_gt", "x")])[0].0,
            "actualHours_gt"
        );
    }
}
