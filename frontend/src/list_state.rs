//! What the list shows (filters, sort, page), kept in the page's URL so that a
//! link reproduces the view, and turned into the API's query.

use phonerecords_shared::Field;
use phonerecords_shared::date::{Date, days_in_month};
use phonerecords_shared::paging::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};
use phonerecords_shared::query::SortKey;

use crate::format::query_string;

pub const PAGE_SIZES: [u32; 4] = [25, 50, 100, 200];
// The largest offered size is one the API accepts.
const _: () = assert!(PAGE_SIZES[PAGE_SIZES.len() - 1] <= MAX_PAGE_SIZE);

/// The columns a person can sort by.
pub const SORTABLE: [Field; 5] = [
    Field::CallTimestamp,
    Field::Direction,
    Field::ActualHours,
    Field::Outcome,
    Field::Action,
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sort {
    pub field: Field,
    pub descending: bool,
}

impl Default for Sort {
    /// Most recent calls first.
    fn default() -> Self {
        Sort {
            field: Field::CallTimestamp,
            descending: true,
        }
    }
}

impl Sort {
    fn param(self) -> String {
        SortKey {
            field: self.field,
            descending: self.descending,
        }
        .param()
    }

    fn parse(s: &str) -> Option<Sort> {
        let (descending, name) = match s.strip_prefix('-') {
            Some(n) => (true, n),
            None => (false, s),
        };
        let field = Field::from_name(name).filter(|f| SORTABLE.contains(f))?;
        Some(Sort { field, descending })
    }

    /// Clicking a column: the same column flips, another starts ascending
    /// (time starts with the most recent).
    pub fn toggled(self, field: Field) -> Sort {
        if field == self.field {
            Sort {
                field,
                descending: !self.descending,
            }
        } else {
            Sort {
                field,
                descending: field == Field::CallTimestamp,
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ListState {
    pub q: String,
    /// "", "in" or "out".
    pub direction: String,
    /// Local dates, `YYYY-MM-DD`, inclusive.
    pub from: String,
    pub to: String,
    pub outcome: String,
    pub matter: String,
    pub sort: Sort,
    pub page: u32,
    pub page_size: u32,
}

impl Default for ListState {
    fn default() -> Self {
        ListState {
            q: String::new(),
            direction: String::new(),
            from: String::new(),
            to: String::new(),
            outcome: String::new(),
            matter: String::new(),
            sort: Sort::default(),
            page: 1,
            page_size: DEFAULT_PAGE_SIZE,
        }
    }
}

/// The date ranges the filters offer by name, as the person's own days
/// (weeks from Monday, as in New Zealand, Australia and the UK; inclusive).
/// "Last month" is the billing question: what a matter took last month.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dates {
    Today,
    Yesterday,
    ThisWeek,
    LastWeek,
    ThisMonth,
    LastMonth,
    ThisYear,
}

impl Dates {
    pub const ALL: [Dates; 7] = [
        Dates::Today,
        Dates::Yesterday,
        Dates::ThisWeek,
        Dates::LastWeek,
        Dates::ThisMonth,
        Dates::LastMonth,
        Dates::ThisYear,
    ];

    /// The select's value. list.rs's `Filters` and main.js's first paint
    /// list them with their labels (a test below holds all three together).
    pub fn key(self) -> &'static str {
        match self {
            Dates::Today => "today",
            Dates::Yesterday => "yesterday",
            Dates::ThisWeek => "this-week",
            Dates::LastWeek => "last-week",
            Dates::ThisMonth => "this-month",
            Dates::LastMonth => "last-month",
            Dates::ThisYear => "this-year",
        }
    }

    /// Its first and last day, for `today`.
    pub fn range(self, today: Date) -> (Date, Date) {
        let day = |d: Date, n: i64| d.add_days(n).unwrap_or(d);
        let monday = day(today, -(today.weekday_from_monday() as i64));
        let month = |y: i32, m: u32| {
            let first = Date::new(y, m, 1).unwrap_or(today);
            let last = Date::new(y, m, days_in_month(y, m)).unwrap_or(today);
            (first, last)
        };
        match self {
            Dates::Today => (today, today),
            Dates::Yesterday => (day(today, -1), day(today, -1)),
            Dates::ThisWeek => (monday, day(monday, 6)),
            Dates::LastWeek => (day(monday, -7), day(monday, -1)),
            Dates::ThisMonth => month(today.year(), today.month()),
            Dates::LastMonth => match today.month() {
                1 => month(today.year() - 1, 12),
                m => month(today.year(), m - 1),
            },
            Dates::ThisYear => (
                Date::new(today.year(), 1, 1).unwrap_or(today),
                Date::new(today.year(), 12, 31).unwrap_or(today),
            ),
        }
    }
}

/// What the filters' "When" shows: any time (no dates), the named range the
/// dates are (for `today`), or "custom".
pub fn dates_key(s: &ListState, today: Date) -> &'static str {
    if s.from.is_empty() && s.to.is_empty() {
        return "";
    }
    let view = (Date::parse(&s.from), Date::parse(&s.to));
    Dates::ALL
        .into_iter()
        .find(|d| {
            let (from, to) = d.range(today);
            view == (Some(from), Some(to))
        })
        .map_or("custom", Dates::key)
}

/// The view with the dates "When" names: a named range's days, or none for
/// "" (any time); anything else leaves them as they are.
pub fn set_dates(s: &mut ListState, key: &str, today: Date) {
    if key.is_empty() {
        s.from.clear();
        s.to.clear();
    } else if let Some(d) = Dates::ALL.into_iter().find(|d| d.key() == key) {
        let (from, to) = d.range(today);
        s.from = from.ymd();
        s.to = to.ymd();
    }
}

fn is_date(s: &str) -> bool {
    Date::parse(s).is_some()
}

impl ListState {
    /// Reads the page URL's parameters; anything unusable falls back to its default.
    pub fn from_url(get: impl Fn(&str) -> Option<String>) -> ListState {
        let d = ListState::default();
        let text = |k: &str| get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
        let direction = text("direction");
        let page_size = get("pageSize")
            .and_then(|v| v.parse().ok())
            .filter(|n| PAGE_SIZES.contains(n))
            .unwrap_or(d.page_size);
        ListState {
            q: get("q").unwrap_or_default(),
            direction: if direction == "in" || direction == "out" {
                direction
            } else {
                String::new()
            },
            from: Some(text("from"))
                .filter(|s| is_date(s))
                .unwrap_or_default(),
            to: Some(text("to")).filter(|s| is_date(s)).unwrap_or_default(),
            outcome: text("outcome"),
            matter: Some(text("matter"))
                .filter(|s| s.bytes().all(|b| b.is_ascii_digit()))
                .unwrap_or_default(),
            sort: get("sort").and_then(|s| Sort::parse(&s)).unwrap_or(d.sort),
            page: get("page")
                .and_then(|v| v.parse().ok())
                .filter(|n| *n >= 1)
                .unwrap_or(1),
            page_size,
        }
    }

    /// This view narrowed to one matter's calls, from its first page (a
    /// matter's link in the list, the call page and the top matters).
    pub fn with_matter(&self, id: i64) -> ListState {
        ListState {
            matter: id.to_string(),
            page: 1,
            ..self.clone()
        }
    }

    /// What this view holds, in words, for its printed copy (where the
    /// filters' boxes are not printed): "Calls on matter #5 · incoming ·
    /// from 2024-03-01 to 2024-03-31 · matching “smith”", or "All calls".
    pub fn criteria(&self) -> String {
        let mut parts = Vec::new();
        match self.direction.as_str() {
            "in" => parts.push("incoming".to_owned()),
            "out" => parts.push("outgoing".to_owned()),
            _ => {}
        }
        match (self.from.as_str(), self.to.as_str()) {
            ("", "") => {}
            (from, "") => parts.push(format!("from {from}")),
            ("", to) => parts.push(format!("up to {to}")),
            (from, to) => parts.push(format!("from {from} to {to}")),
        }
        if !self.outcome.is_empty() {
            parts.push(format!("outcome “{}”", self.outcome));
        }
        if !self.q.trim().is_empty() {
            parts.push(format!("matching “{}”", self.q.trim()));
        }
        let calls = match self.matter.as_str() {
            "" => "Calls".to_owned(),
            m => format!("Calls on matter #{m}"),
        };
        match (parts.is_empty(), self.matter.is_empty()) {
            (true, true) => "All calls".to_owned(),
            (true, false) => calls,
            _ => format!("{calls} · {}", parts.join(" · ")),
        }
    }

    /// The matter, when this view is one matter's calls and nothing else
    /// narrows it (its empty state then offers to record the first).
    pub fn only_matter(&self) -> Option<&str> {
        let rest = ListState {
            matter: String::new(),
            ..self.clone()
        };
        (!self.matter.is_empty() && !rest.has_filters()).then_some(self.matter.as_str())
    }

    /// "Record a call" from this view: on one matter's calls, a call on that
    /// matter (the form's `?matter=`), else a blank one.
    pub fn new_call_href(&self) -> String {
        match self.matter.as_str() {
            "" => "/calls/new".to_owned(),
            m => format!("/calls/new?matter={m}"),
        }
    }

    /// The page URL's query (defaults left out), without the `?`.
    /// The list's address for this state: `/`, or `/?` and `to_url()`.
    pub fn href(&self) -> String {
        match self.to_url() {
            q if q.is_empty() => "/".to_owned(),
            q => format!("/?{q}"),
        }
    }

    pub fn to_url(&self) -> String {
        let d = ListState::default();
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut put = |k: &str, v: &str| {
            if !v.is_empty() {
                pairs.push((k.to_owned(), v.to_owned()));
            }
        };
        put("q", &self.q);
        put("direction", &self.direction);
        put("from", &self.from);
        put("to", &self.to);
        put("outcome", &self.outcome);
        put("matter", &self.matter);
        if self.sort != d.sort {
            put("sort", &self.sort.param());
        }
        if self.page != 1 {
            put("page", &self.page.to_string());
        }
        if self.page_size != d.page_size {
            put("pageSize", &self.page_size.to_string());
        }
        query_string(&pairs)
    }

    /// How many of the filters behind the phone's "Filters" button are set
    /// (all but the search; the dates count once): its label counts them,
    /// and a view with any opens with them shown.
    pub fn narrowing(&self) -> usize {
        let dates = !(self.from.is_empty() && self.to.is_empty());
        [
            !self.direction.is_empty(),
            dates,
            !self.outcome.is_empty(),
            !self.matter.is_empty(),
        ]
        .into_iter()
        .filter(|set| *set)
        .count()
    }

    pub fn has_filters(&self) -> bool {
        let d = ListState::default();
        ListState {
            sort: d.sort,
            page: 1,
            page_size: d.page_size,
            ..self.clone()
        } != d
    }

    /// The API query. `local_offset(date, time)` gives the browser's UTC
    /// offset then, so that the date range means the person's own days.
    pub fn api_query(&self, local_offset: impl Fn(&str, &str) -> String) -> String {
        let mut pairs = self.view_pairs(local_offset);
        pairs.push(("page".into(), self.page.to_string()));
        pairs.push(("pageSize".into(), self.page_size.to_string()));
        query_string(&pairs)
    }

    /// The API query of the whole view, every page: what an export asks for.
    pub fn export_query(&self, local_offset: impl Fn(&str, &str) -> String) -> String {
        query_string(&self.view_pairs(local_offset))
    }

    /// The view's filters, search and sort, as the shared query parser's
    /// canonical pairs would have them (`ListQuery::to_pairs`: filters in
    /// order, then `q`, then `sort`), so each view has one URL (main.js asks
    /// for the default view's early; the Worker remembers answers by URL).
    /// Not parsed here: the API checks them with that parser and answers a
    /// view it refuses (a matter id of 30 digits, a search of 200
    /// characters) with its reasons, which the list shows. Keeping the
    /// parser out of the first screen's WebAssembly saves ~21 KB gzipped
    /// (issue 13); the tests below hold these pairs to the parser's.
    fn view_pairs(&self, local_offset: impl Fn(&str, &str) -> String) -> Vec<(String, String)> {
        let mut pairs: Vec<(String, String)> = Vec::new();
        if !self.direction.is_empty() {
            pairs.push(("direction".into(), self.direction.clone()));
        }
        if !self.from.is_empty() {
            let t = "00:00:00";
            pairs.push((
                "callTimestamp_gteq".into(),
                format!("{}T{t}{}", self.from, local_offset(&self.from, t)),
            ));
        }
        if !self.to.is_empty() {
            let t = "23:59:59";
            pairs.push((
                "callTimestamp_lteq".into(),
                format!("{}T{t}{}", self.to, local_offset(&self.to, t)),
            ));
        }
        if !self.outcome.trim().is_empty() {
            let literal = self.outcome.trim().replace('*', "");
            pairs.push(("outcome_ilike".into(), format!("*{literal}*")));
        }
        if !self.matter.is_empty() {
            pairs.push(("action".into(), self.matter.clone()));
        }
        if !self.q.trim().is_empty() {
            pairs.push(("q".into(), self.q.trim().to_owned()));
        }
        pairs.push(("sort".into(), self.sort.param()));
        pairs
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use phonerecords_shared::query::ListQuery;

    fn from(pairs: &[(&str, &str)]) -> ListState {
        ListState::from_url(|k| {
            pairs
                .iter()
                .find(|(key, _)| *key == k)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn url_round_trip_and_defaults() {
        let s = from(&[
            ("q", "smith"),
            ("direction", "out"),
            ("sort", "actualHours"),
            ("page", "3"),
            ("pageSize", "100"),
        ]);
        assert_eq!(
            s.sort,
            Sort {
                field: Field::ActualHours,
                descending: false
            }
        );
        assert_eq!(from_url_str(&s.to_url()), s);
        assert_eq!(ListState::default().to_url(), "");
        let junk = from(&[
            ("direction", "up"),
            ("sort", "notes"),
            ("page", "0"),
            ("pageSize", "7"),
            ("from", "yesterday"),
        ]);
        assert_eq!(junk, ListState::default());
    }

    #[test]
    fn record_a_call_from_a_matter_s_calls_is_on_that_matter() {
        assert_eq!(ListState::default().new_call_href(), "/calls/new");
        let matter = from(&[("matter", "42"), ("direction", "in"), ("q", "smith")]);
        assert_eq!(matter.new_call_href(), "/calls/new?matter=42");
        assert_eq!(
            from(&[("matter", "42"), ("sort", "actualHours")]).only_matter(),
            Some("42")
        );
        assert_eq!(matter.only_matter(), None, "narrowed further");
        assert_eq!(ListState::default().only_matter(), None);
        assert_eq!(
            from(&[("matter", "4x2")]).new_call_href(),
            "/calls/new",
            "a matter the list does not take is not passed on"
        );
    }

    #[test]
    fn a_printed_view_says_what_it_holds() {
        assert_eq!(
            from(&[("sort", "actualHours"), ("page", "3")]).criteria(),
            "All calls"
        );
        assert_eq!(from(&[("matter", "5")]).criteria(), "Calls on matter #5");
        assert_eq!(
            from(&[
                ("matter", "5"),
                ("direction", "in"),
                ("from", "2024-03-01"),
                ("to", "2024-03-31"),
                ("outcome", "Left a message"),
                ("q", " smith ")
            ])
            .criteria(),
            "Calls on matter #5 · incoming · from 2024-03-01 to 2024-03-31 · outcome “Left a message” · matching “smith”"
        );
        assert_eq!(
            from(&[("to", "2024-03-31"), ("direction", "out")]).criteria(),
            "Calls · outgoing · up to 2024-03-31"
        );
        assert_eq!(
            from(&[("from", "2024-03-01")]).criteria(),
            "Calls · from 2024-03-01"
        );
    }

    fn from_url_str(q: &str) -> ListState {
        let pairs: Vec<(String, String)> = q
            .split('&')
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.replace("%20", " ")))
            .collect();
        ListState::from_url(|k| {
            pairs
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn api_query_uses_local_days() {
        let s = from(&[
            ("from", "2025-09-01"),
            ("to", "2025-09-30"),
            ("outcome", "left*"),
            ("matter", "42"),
            ("direction", "in"),
        ]);
        let q = s.api_query(|_, _| "+12:00".into());
        assert_eq!(
            q,
            "direction=in&callTimestamp_gteq=2025-09-01T00%3A00%3A00%2B12%3A00&callTimestamp_lteq=2025-09-30T23%3A59%3A59%2B12%3A00\
             &outcome_ilike=%2Aleft%2A&action=42&sort=-callTimestamp&page=1&pageSize=50"
        );
        // The export of the view: the same filters and sort, no page.
        assert_eq!(
            s.export_query(|_, _| "+12:00".into()),
            q.trim_end_matches("&page=1&pageSize=50")
        );
    }

    /// The shared parser's canonical pairs of what `view_pairs` asks for.
    fn canonical(pairs: &[(String, String)]) -> Result<Vec<(String, String)>, String> {
        ListQuery::parse(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .map(|q| q.to_pairs())
            .map_err(|e| format!("{e:?}"))
    }

    /// Every view the list can be in asks in the parser's canonical form:
    /// each filter alone and all together, with awkward values, in every
    /// sort, with and without dates, for each offset form.
    #[test]
    fn the_api_query_is_the_shared_parsers_canonical_form() {
        let values: [(&str, &[&str]); 6] = [
            ("q", &["smith", "  Zoë  O'Brien ", "a&b=c?d", "50%_off"]),
            ("direction", &["in", "out"]),
            ("from", &["2025-09-01", "2024-02-29"]),
            ("to", &["2025-09-30", "1999-12-31"]),
            ("outcome", &["left*", " Call completed ", "*", "100%"]),
            ("matter", &["42", "1"]),
        ];
        let sorts = SORTABLE
            .iter()
            .flat_map(|f| [f.name().to_owned(), format!("-{}", f.name())]);
        let mut views: Vec<Vec<(&str, String)>> = vec![vec![]];
        for (key, vs) in values {
            for v in vs {
                views.push(vec![(key, v.to_string())]);
            }
        }
        views.push(
            values
                .iter()
                .map(|(k, vs)| (*k, vs[0].to_string()))
                .collect(),
        );
        views.push(
            values
                .iter()
                .map(|(k, vs)| (*k, vs[1].to_string()))
                .collect(),
        );
        let mut checked = 0;
        for sort in sorts {
            for view in &views {
                for offset in ["+12:00", "Z", "-05:30"] {
                    let mut pairs = view.clone();
                    pairs.push(("sort", sort.clone()));
                    let s = from(
                        &pairs
                            .iter()
                            .map(|(k, v)| (*k, v.as_str()))
                            .collect::<Vec<_>>(),
                    );
                    let asked = s.view_pairs(|_, _| offset.into());
                    assert_eq!(
                        canonical(&asked).as_ref(),
                        Ok(&asked),
                        "{pairs:?} at {offset}"
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 500, "{checked} views checked");
    }

    /// What the API refuses is sent as it is: its answer says why (the
    /// shared parser refuses it, the Worker answers 400 with its reasons).
    #[test]
    fn a_view_the_api_refuses_is_left_to_it() {
        for view in [
            ListState {
                q: "x".repeat(100),
                ..ListState::default()
            },
            ListState {
                matter: "9".repeat(30),
                ..ListState::default()
            },
        ] {
            let asked = view.view_pairs(|_, _| "Z".into());
            assert!(
                canonical(&asked).is_err(),
                "{asked:?} is refused by the API"
            );
        }
    }

    #[test]
    fn sorting_toggles() {
        let s = Sort::default();
        assert_eq!(
            s.toggled(Field::CallTimestamp),
            Sort {
                field: Field::CallTimestamp,
                descending: false
            }
        );
        assert_eq!(
            s.toggled(Field::Outcome),
            Sort {
                field: Field::Outcome,
                descending: false
            }
        );
        assert!(
            ListState {
                q: "x".into(),
                ..Default::default()
            }
            .has_filters()
        );
        assert!(
            !ListState {
                page: 4,
                ..Default::default()
            }
            .has_filters()
        );
    }

    #[test]
    fn when_names_the_date_ranges_as_the_persons_own_days() {
        let d = |s: &str| Date::parse(s).unwrap();
        let range = |which: Dates, today: &str| {
            let (from, to) = which.range(d(today));
            (from.ymd(), to.ymd())
        };
        // Friday 4 December 2026; then across a year's start, a leap
        // February, a Monday and a Sunday.
        let today = "2026-12-04";
        for (which, on, from, to) in [
            (Dates::Today, today, "2026-12-04", "2026-12-04"),
            (Dates::Yesterday, today, "2026-12-03", "2026-12-03"),
            (Dates::ThisWeek, today, "2026-11-30", "2026-12-06"),
            (Dates::LastWeek, today, "2026-11-23", "2026-11-29"),
            (Dates::ThisMonth, today, "2026-12-01", "2026-12-31"),
            (Dates::LastMonth, today, "2026-11-01", "2026-11-30"),
            (Dates::ThisYear, today, "2026-01-01", "2026-12-31"),
            (Dates::LastMonth, "2027-01-15", "2026-12-01", "2026-12-31"),
            (Dates::Yesterday, "2027-01-01", "2026-12-31", "2026-12-31"),
            (Dates::LastMonth, "2028-03-31", "2028-02-01", "2028-02-29"),
            (Dates::ThisWeek, "2026-11-30", "2026-11-30", "2026-12-06"),
            (Dates::ThisWeek, "2026-12-06", "2026-11-30", "2026-12-06"),
        ] {
            let expected = (from.to_owned(), to.to_owned());
            assert_eq!(range(which, on), expected, "{which:?} on {on}");
        }
        // What "When" shows for a view, and what choosing sets.
        let today = d(today);
        let mut s = from(&[]);
        assert_eq!(dates_key(&s, today), "");
        for which in Dates::ALL {
            set_dates(&mut s, which.key(), today);
            assert_eq!(dates_key(&s, today), which.key(), "{which:?}");
        }
        s.to = "2026-12-30".into();
        assert_eq!(dates_key(&s, today), "custom");
        set_dates(&mut s, "custom", today);
        assert_eq!(
            (s.from.as_str(), s.to.as_str()),
            ("2026-01-01", "2026-12-30"),
            "custom keeps the dates"
        );
        set_dates(&mut s, "", today);
        assert_eq!(dates_key(&s, today), "");
        assert_eq!(from(&[("from", "2026-12-01")]).narrowing(), 1);
        assert_eq!(dates_key(&from(&[("from", "2026-12-01")]), today), "custom");
    }

    #[test]
    fn when_offers_each_named_range_in_the_app_and_in_the_first_paint() {
        let labels = [
            "Today",
            "Yesterday",
            "This week",
            "Last week",
            "This month",
            "Last month",
            "This year",
        ];
        let app = include_str!("components/list.rs");
        let paint = include_str!("../main.js");
        for (d, label) in Dates::ALL.into_iter().zip(labels) {
            let option = format!("<option value=\"{}\">\"{label}\"</option>", d.key());
            assert!(app.contains(&option), "list.rs lacks {option}");
            let pair = format!("[\"{}\", \"{label}\"]", d.key());
            assert!(paint.contains(&pair), "main.js lacks {pair}");
        }
        assert_eq!(
            app.matches("<option value=\"").count(),
            3 + 1 + Dates::ALL.len() + 1,
            "Direction's three, Any time, the ranges, Custom dates"
        );
    }

    #[test]
    fn the_filters_behind_the_phones_button_are_counted_without_the_search() {
        assert_eq!(from(&[]).narrowing(), 0);
        assert_eq!(
            from(&[("q", "smith"), ("page", "3"), ("sort", "outcome")]).narrowing(),
            0
        );
        assert_eq!(from(&[("matter", "7")]).narrowing(), 1);
        let all = [
            ("direction", "in"),
            ("from", "2026-01-01"),
            ("to", "2026-02-01"),
            ("outcome", "x"),
            ("matter", "7"),
            ("q", "y"),
        ];
        assert_eq!(from(&all).narrowing(), 4, "the dates count once");
    }
}
