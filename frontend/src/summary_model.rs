//! Pure logic of the view's summary panel: which period a chart uses, and
//! its bars (every period from the first call's to the last's, empty ones
//! included, so the chart's spacing is time's).

use phonerecords_shared::date::Date;
use phonerecords_shared::summary::{Group, GroupBy, Summary};

/// Most bars a chart fills in; a longer range shows only periods with calls.
pub const MAX_BARS: usize = 400;

/// A view of up to this many days is charted per day, then per week up to
/// `WEEKS_UP_TO` days, per month beyond.
pub const DAYS_UP_TO: i64 = 31;
pub const WEEKS_UP_TO: i64 = 183;

/// The period for a range of this many days.
pub fn choose_period(span_days: i64) -> GroupBy {
    if span_days <= DAYS_UP_TO {
        GroupBy::Day
    } else if span_days <= WEEKS_UP_TO {
        GroupBy::Week
    } else {
        GroupBy::Month
    }
}

/// The first day of the next period.
fn next_start(start: Date, period: GroupBy) -> Option<Date> {
    match period {
        GroupBy::Week => start.add_days(7),
        GroupBy::Month => {
            let (y, m) = if start.month() == 12 {
                (start.year() + 1, 1)
            } else {
                (start.year(), start.month() + 1)
            };
            Date::new(y, m, 1)
        }
        _ => start.add_days(1),
    }
}

/// Days from the first period's start to the last one's end, from a
/// summary's periods (`None` without periods).
pub fn span_days(s: &Summary) -> Option<i64> {
    let first = s.group_by.period_start(&s.groups.first()?.key_text())?;
    let last = s.group_by.period_start(&s.groups.last()?.key_text())?;
    let end = next_start(last, s.group_by)?;
    Some(end.days_since_epoch() - first.days_since_epoch())
}

/// A summary by day summed into weeks or months (the days in time order
/// give the periods in time order). Exact only when it holds every day of
/// the view: not cut (`cut_notice` is `None`).
pub fn regroup(days: &Summary, period: GroupBy) -> Summary {
    let mut groups: Vec<Group> = Vec::new();
    for g in &days.groups {
        let Some(key) = Date::parse(&g.key_text()).and_then(|d| period.period_key(d)) else {
            continue;
        };
        match groups.last_mut() {
            Some(last) if last.key_text() == key => {
                last.count += g.count;
                last.actual_hours += g.actual_hours;
            }
            _ => groups.push(Group {
                key: key.into(),
                count: g.count,
                actual_hours: g.actual_hours,
            }),
        }
    }
    Summary {
        group_by: period,
        group_count: groups.len() as u64,
        groups,
        ..days.clone()
    }
}

/// "10 Mar 2025", "Week 11, 2025", "Mar 2025".
pub fn period_label(key: &str, period: GroupBy) -> String {
    match (period, period.period_start(key)) {
        (GroupBy::Day, Some(d)) => {
            format!("{} {} {}", d.day(), d.short_month_name(), d.year_text())
        }
        (GroupBy::Week, Some(d)) => {
            let (year, week) = d.iso_week();
            format!("Week {week}, {year}")
        }
        (GroupBy::Month, Some(d)) => format!("{} {}", d.short_month_name(), d.year_text()),
        _ => key.to_owned(),
    }
}

/// When a summary holds only the first of its periods (the API's `limit`),
/// what the panel says so: "Showing the first 1,000 days — choose week or
/// month to see all". `None` when every period is there.
pub fn cut_notice(s: &Summary) -> Option<String> {
    let shown = s.groups.len() as u64;
    if s.group_count <= shown {
        return None;
    }
    let first = format!("Showing the first {}", crate::format::thousands(shown));
    Some(match s.group_by {
        GroupBy::Day => format!("{first} days — choose week or month to see all"),
        GroupBy::Week => format!("{first} weeks — choose month to see all"),
        GroupBy::Month => format!(
            "{first} months of {}",
            crate::format::thousands(s.group_count)
        ),
        GroupBy::Action | GroupBy::Outcome | GroupBy::Direction => {
            format!(
                "{first} of {} groups",
                crate::format::thousands(s.group_count)
            )
        }
    })
}

/// One bar of the chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub key: String,
    pub label: String,
    pub count: u64,
    pub hours: f64,
}

/// The chart's bars: every period from the first group's to the last's,
/// those without calls at zero (only the groups themselves when that would
/// be more than `MAX_BARS`, or the keys are not periods).
pub fn bars(s: &Summary) -> Vec<Bar> {
    let of = |key: String, count: u64, hours: f64| Bar {
        label: period_label(&key, s.group_by),
        key,
        count,
        hours,
    };
    let as_groups = || {
        s.groups
            .iter()
            .map(|g| of(g.key_text(), g.count, g.actual_hours))
            .collect()
    };
    let (Some(first), Some(last)) = (s.groups.first(), s.groups.last()) else {
        return Vec::new();
    };
    let (Some(mut day), Some(end)) = (
        s.group_by.period_start(&first.key_text()),
        s.group_by.period_start(&last.key_text()),
    ) else {
        return as_groups();
    };
    let mut out = Vec::new();
    while day <= end {
        if out.len() >= MAX_BARS {
            return as_groups();
        }
        let Some(key) = s.group_by.period_key(day) else {
            return as_groups();
        };
        let (count, hours) = s
            .groups
            .iter()
            .find(|g| g.key_text() == key)
            .map_or((0, 0.0), |g| (g.count, g.actual_hours));
        out.push(of(key, count, hours));
        match next_start(day, s.group_by) {
            Some(next) => day = next,
            None => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn summary(by: GroupBy, groups: &[(&str, u64, f64)]) -> Summary {
        Summary {
            group_by: by,
            count: groups.iter().map(|g| g.1).sum(),
            actual_hours: groups.iter().map(|g| g.2).sum(),
            count_in: 0,
            count_out: 0,
            group_count: groups.len() as u64,
            groups: groups
                .iter()
                .map(|(k, c, h)| Group {
                    key: json!(k),
                    count: *c,
                    actual_hours: *h,
                })
                .collect(),
            top_actions: None,
        }
    }

    #[test]
    fn periods_follow_the_range() {
        assert_eq!(choose_period(1), GroupBy::Day);
        assert_eq!(choose_period(31), GroupBy::Day);
        assert_eq!(choose_period(32), GroupBy::Week);
        assert_eq!(choose_period(183), GroupBy::Week);
        assert_eq!(choose_period(184), GroupBy::Month);
        let s = summary(GroupBy::Month, &[("2025-01", 1, 0.0), ("2025-03", 1, 0.0)]);
        assert_eq!(span_days(&s), Some(31 + 28 + 31));
        let s = summary(GroupBy::Month, &[("2025-03", 1, 0.0)]);
        assert_eq!(span_days(&s), Some(31));
        assert_eq!(span_days(&summary(GroupBy::Month, &[])), None);
    }

    #[test]
    fn bars_fill_the_periods_between() {
        let s = summary(
            GroupBy::Day,
            &[("2025-02-27", 2, 0.5), ("2025-03-02", 1, 0.25)],
        );
        let b = bars(&s);
        let keys: Vec<&str> = b.iter().map(|b| b.key.as_str()).collect();
        assert_eq!(
            keys,
            ["2025-02-27", "2025-02-28", "2025-03-01", "2025-03-02"]
        );
        assert_eq!(b.iter().map(|b| b.count).collect::<Vec<_>>(), [2, 0, 0, 1]);
        assert_eq!(b[0].label, "27 Feb 2025");
        let w = bars(&summary(
            GroupBy::Week,
            &[("2024-W52", 1, 0.0), ("2025-W02", 1, 0.0)],
        ));
        let keys: Vec<&str> = w.iter().map(|b| b.key.as_str()).collect();
        assert_eq!(keys, ["2024-W52", "2025-W01", "2025-W02"]);
        assert_eq!(w[1].label, "Week 1, 2025");
        let m = bars(&summary(
            GroupBy::Month,
            &[("2024-11", 1, 0.0), ("2025-02", 1, 0.0)],
        ));
        assert_eq!(m.len(), 4);
        assert_eq!(m[2].label, "Jan 2025");
        // Too long a range: only the periods with calls.
        let far = bars(&summary(
            GroupBy::Day,
            &[("2020-01-01", 1, 0.0), ("2025-01-01", 1, 0.0)],
        ));
        assert_eq!(far.len(), 2);
        // Not periods: as given.
        let by_outcome = bars(&summary(GroupBy::Outcome, &[("b", 2, 0.0), ("a", 1, 0.0)]));
        assert_eq!(by_outcome.len(), 2);
        assert!(bars(&summary(GroupBy::Day, &[])).is_empty());
    }

    #[test]
    fn days_sum_into_weeks_and_months() {
        let days = summary(
            GroupBy::Day,
            &[
                ("2024-12-30", 1, 0.5),
                ("2025-01-05", 2, 0.25),
                ("2025-01-06", 1, 1.0),
                ("2025-02-01", 3, 0.0),
            ],
        );
        let weeks = regroup(&days, GroupBy::Week);
        let got: Vec<(String, u64, f64)> = weeks
            .groups
            .iter()
            .map(|g| (g.key_text(), g.count, g.actual_hours))
            .collect();
        assert_eq!(
            got,
            [
                ("2025-W01".into(), 3, 0.75),
                ("2025-W02".into(), 1, 1.0),
                ("2025-W05".into(), 3, 0.0)
            ]
        );
        assert_eq!(
            (weeks.group_by, weeks.group_count, weeks.count),
            (GroupBy::Week, 3, 7)
        );
        let months = regroup(&days, GroupBy::Month);
        let got: Vec<(String, u64)> = months
            .groups
            .iter()
            .map(|g| (g.key_text(), g.count))
            .collect();
        assert_eq!(
            got,
            [
                ("2024-12".into(), 1),
                ("2025-01".into(), 3),
                ("2025-02".into(), 3)
            ]
        );
    }

    #[test]
    fn a_cut_summary_says_so() {
        let mut s = summary(
            GroupBy::Day,
            &[("2025-01-01", 1, 0.0), ("2025-01-02", 1, 0.0)],
        );
        assert_eq!(cut_notice(&s), None);
        s.group_count = 1500;
        assert_eq!(
            cut_notice(&s).as_deref(),
            Some("Showing the first 2 days — choose week or month to see all")
        );
        s.group_by = GroupBy::Week;
        assert_eq!(
            cut_notice(&s).as_deref(),
            Some("Showing the first 2 weeks — choose month to see all")
        );
    }
}
