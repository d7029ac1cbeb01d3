//! The query language of `GET /phonerecords`, written the way Actionstep
//! clients write it, parsed once into a typed query.
//!
//! - filters: `field=value` (equal) or `field_OP=value`, OP one of `eq`,
//!   `nteq`, `lt`, `lteq`, `gt`, `gteq`, `in`, `ntin` (comma-separated),
//!   `like`, `ntlike` (case-sensitive), `ilike`, `ntilike`; `*` is the only
//!   wildcard; `:NULL` matches an absent value. All filters combine with AND.
//! - `sort=-callTimestamp,id` (or `sort[phonerecords]=`): minus is descending.
//! - `fields=id,notes` (or `fields[phonerecords]=`): a fieldset; `:default` is every field.
//! - `q=text`: case-insensitive search of the names, number, notes and outcome.
//! - `page`, `pageSize`.

use crate::error::FieldError;
use crate::fields::Field;
use crate::paging::{MAX_PAGE, MAX_PAGE_SIZE, PageRequest};

/// D1 binds at most 100 parameters a statement: paging takes two, search two
/// (and counts as one of these values), so 99 at most are bound.
pub const MAX_FILTER_VALUES: usize = 95;
/// Most ids in one multi-id request.
pub const MAX_IDS: usize = 200;
/// Longest search text, in characters (after trimming surrounding whitespace).
pub const MAX_SEARCH_CHARS: usize = 40;
/// The fields `q` searches (case-insensitively, as a literal substring).
pub const SEARCHED: [Field; 5] = [
    Field::FromParticipantOther,
    Field::ToParticipantOther,
    Field::PhoneNumber,
    Field::Notes,
    Field::Outcome,
];
/// The value that stands for "no value" in filters.
pub const NULL_VALUE: &str = ":NULL";

mod fieldset;
mod filter;
mod ids;
mod sort;

pub(crate) use fieldset::field_names;
pub use fieldset::{FieldSet, parse_record_query};
pub(crate) use filter::parse_filter;
pub use filter::{Comparison, Condition, Filter, Op, Scalar, TimeSpan, time_span};
pub use ids::parse_ids;
pub use sort::SortKey;
pub(crate) use sort::parse_sort;

/// A list request, typed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ListQuery {
    pub page: PageRequest,
    pub filters: Vec<Filter>,
    /// As asked; `id` breaks ties after these (see `order`).
    pub sort: Vec<SortKey>,
    /// `None`: every field.
    pub fields: Option<FieldSet>,
    /// Search text, trimmed, never empty.
    pub search: Option<String>,
}

pub(crate) fn duplicate(key: &str) -> FieldError {
    FieldError::new(
        key,
        "duplicate_parameter",
        format!("{key} is given more than once (to match several values, use a _in filter)"),
    )
}

pub(crate) fn is_include(key: &str) -> bool {
    key == "include" || key.starts_with("include[")
}

pub(crate) fn include_error(key: &str) -> FieldError {
    FieldError::new(
        key,
        "unsupported_parameter",
        "includes are not available: the related actions and participants are not held by this service; \
         use the ids in each record's links to fetch them from Actionstep",
    )
}

impl ListQuery {
    /// The query of an export: the list's, whose whole view it holds, so
    /// `page` and `pageSize` are refused (rather than ignored: nobody should
    /// believe they exported one page). Every problem is reported at once.
    pub fn parse_export<K: AsRef<str>, V: AsRef<str>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Result<Self, Vec<FieldError>> {
        let pairs: Vec<(K, V)> = pairs.into_iter().collect();
        let mut errors: Vec<FieldError> = pairs
            .iter()
            .map(|(k, _)| k.as_ref())
            .filter(|k| *k == "page" || *k == "pageSize")
            .map(|k| {
                FieldError::new(
                    k,
                    "not_for_export",
                    format!(
                        "an export holds every record of the view, so {k} does not apply: remove it \
                         (filters, q, sort and fields do apply)"
                    ),
                )
            })
            .collect();
        match ListQuery::parse(pairs) {
            Ok(query) if errors.is_empty() => Ok(query),
            Ok(_) => Err(errors),
            Err(parse_errors) => {
                errors.extend(parse_errors);
                Err(errors)
            }
        }
    }

    pub fn parse<K: AsRef<str>, V: AsRef<str>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Result<Self, Vec<FieldError>> {
        let mut query = ListQuery::default();
        let mut errors = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        let mut values = 0usize;
        for (key, value) in pairs {
            let (key, value) = (key.as_ref(), value.as_ref());
            let canonical = match key {
                "sort[phonerecords]" => "sort",
                "fields[phonerecords]" => "fields",
                k => k,
            };
            if seen.iter().any(|k| k == canonical) {
                errors.push(duplicate(key));
                continue;
            }
            seen.push(canonical.to_owned());
            let result = match canonical {
                "page" => number(key, value, 1, MAX_PAGE).map(|n| query.page.page = n),
                "pageSize" => {
                    number(key, value, 1, MAX_PAGE_SIZE).map(|n| query.page.page_size = n)
                }
                "sort" => parse_sort(key, value).map(|s| query.sort = s),
                "fields" => FieldSet::parse(key, value).map(|f| query.fields = f),
                "q" => parse_search(key, value).map(|q| {
                    values += usize::from(q.is_some());
                    query.search = q;
                }),
                k if is_include(k) => Err(include_error(k)),
                _ => parse_filter(key, value).map(|f| {
                    values += f.value_count();
                    query.filters.push(f);
                }),
            };
            if let Err(e) = result {
                errors.push(e);
            } else if values > MAX_FILTER_VALUES {
                errors.push(FieldError::new(
                    key,
                    "too_many_values",
                    format!(
                        "a list request may hold at most {MAX_FILTER_VALUES} filter values in all"
                    ),
                ));
                break;
            }
        }
        if errors.is_empty() {
            Ok(query)
        } else {
            Err(errors)
        }
    }

    /// The complete order: the sort asked for, then `id` (in the direction of
    /// the first key, so one index serves both) to make paging stable.
    pub fn order(&self) -> Vec<SortKey> {
        let mut keys = self.sort.clone();
        if !keys.iter().any(|k| k.field == Field::Id) {
            let descending = keys.first().is_some_and(|k| k.descending);
            keys.push(SortKey {
                field: Field::Id,
                descending,
            });
        }
        keys
    }

    /// The query string's pairs that ask for this query.
    pub fn to_pairs(&self) -> Vec<(String, String)> {
        let mut pairs: Vec<(String, String)> = self
            .filters
            .iter()
            .map(|f| (f.param(), f.raw.clone()))
            .collect();
        if let Some(q) = &self.search {
            pairs.push(("q".into(), q.clone()));
        }
        if !self.sort.is_empty() {
            let keys: Vec<String> = self.sort.iter().map(SortKey::param).collect();
            pairs.push(("sort".into(), keys.join(",")));
        }
        if let Some(fields) = &self.fields {
            pairs.push(("fields".into(), fields.to_param()));
        }
        if self.page.page != 1 {
            pairs.push(("page".into(), self.page.page.to_string()));
        }
        if self.page.page_size != PageRequest::default().page_size {
            pairs.push(("pageSize".into(), self.page.page_size.to_string()));
        }
        pairs
    }
}

pub(crate) fn number(key: &str, value: &str, min: u32, max: u32) -> Result<u32, FieldError> {
    let err = || {
        FieldError::new(
            key,
            "invalid_parameter",
            format!("{key} must be a whole number from {min} to {max}"),
        )
    };
    if value.is_empty() || value.len() > 10 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(err());
    }
    value
        .parse::<u32>()
        .ok()
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(err)
}

fn parse_search(key: &str, value: &str) -> Result<Option<String>, FieldError> {
    let q = value.trim();
    if q.chars().count() > MAX_SEARCH_CHARS {
        return Err(FieldError::new(
            key,
            "invalid_parameter",
            format!("search text must be at most {MAX_SEARCH_CHARS} characters"),
        ));
    }
    if q.chars().any(char::is_control) {
        return Err(FieldError::new(
            key,
            "invalid_parameter",
            "search text must not contain control characters",
        ));
    }
    Ok((!q.is_empty()).then(|| q.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(q: &str) -> Result<ListQuery, Vec<FieldError>> {
        let pairs: Vec<(String, String)> = q
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| match p.split_once('=') {
                Some((k, v)) => (k.to_owned(), v.to_owned()),
                None => (p.to_owned(), String::new()),
            })
            .collect();
        ListQuery::parse(pairs)
    }

    fn err(q: &str) -> (String, &'static str) {
        let e = parse(q).unwrap_err();
        (e[0].path.clone(), e[0].code)
    }

    #[test]
    fn the_actionstep_example() {
        let q = parse("direction=in&callTimestamp_gteq=2025-01-01&sort=-callTimestamp&fields=id,notes&page=2&pageSize=25").unwrap();
        assert_eq!(
            q.page,
            PageRequest {
                page: 2,
                page_size: 25
            }
        );
        assert_eq!(q.filters.len(), 2);
        assert_eq!(
            q.filters[0].condition,
            Condition::Compare(Comparison::Eq, Scalar::Text("in".into()))
        );
        let jan1 = 1_735_689_600_000;
        assert_eq!(
            q.filters[1].condition,
            Condition::Compare(
                Comparison::GtEq,
                Scalar::Time(TimeSpan {
                    start_ms: jan1,
                    width_ms: 86_400_000
                })
            )
        );
        assert_eq!(
            q.sort,
            vec![SortKey {
                field: Field::CallTimestamp,
                descending: true
            }]
        );
        assert_eq!(
            q.order(),
            vec![
                SortKey {
                    field: Field::CallTimestamp,
                    descending: true
                },
                SortKey {
                    field: Field::Id,
                    descending: true
                }
            ]
        );
        let fields = q.fields.clone().unwrap();
        assert!(
            fields.includes(Field::Notes)
                && fields.includes(Field::Id)
                && !fields.includes(Field::Outcome)
        );
        let again = ListQuery::parse(q.to_pairs()).unwrap();
        assert_eq!(again, q, "to_pairs round-trips");
    }

    #[test]
    fn operators_and_values() {
        let q = parse("action_in=1,2,:NULL&notes_ilike=*invoice*&actualHours_lt=0.5&outcome_nteq=:NULL&id_ntin=3").unwrap();
        assert_eq!(
            q.filters[0].condition,
            Condition::In {
                values: vec![Scalar::Int(1), Scalar::Int(2)],
                null: true
            }
        );
        assert_eq!(
            q.filters[1].condition,
            Condition::Like {
                case_sensitive: false,
                pattern: "*invoice*".into()
            }
        );
        assert_eq!(
            q.filters[2].condition,
            Condition::Compare(Comparison::Lt, Scalar::Real(0.5))
        );
        assert_eq!(q.filters[3].condition, Condition::IsNull);
        assert!(q.filters[3].negated());
        assert_eq!(q.filters[3].param(), "outcome_nteq");
        assert_eq!(
            q.filters[4].condition,
            Condition::In {
                values: vec![Scalar::Int(3)],
                null: false
            }
        );
    }

    #[test]
    fn time_values_name_spans() {
        assert_eq!(time_span("2025-09-17").unwrap().width_ms, 86_400_000);
        let s = time_span("2025-09-17T09:12:32").unwrap();
        assert_eq!((s.start_ms, s.width_ms), (1_758_100_352_000, 1000));
        let s = time_span("2025-09-17T21:12:32+12:00").unwrap();
        assert_eq!((s.start_ms, s.width_ms), (1_758_100_352_000, 1000));
        assert_eq!(time_span("2025-09-17T09:12:32.250Z").unwrap().width_ms, 1);
        assert!(time_span("17/09/2025").is_none());
        assert!(time_span("2025-13-01").is_none());
    }

    #[test]
    fn sort_and_fields() {
        let q = parse(
            "sort[phonerecords]=-actualHours,+outcome&fields[phonerecords]=links,callTimestamp",
        )
        .unwrap();
        assert_eq!(q.sort.len(), 2);
        assert!(!q.sort[1].descending);
        assert_eq!(
            q.order().last().unwrap(),
            &SortKey {
                field: Field::Id,
                descending: true
            }
        );
        let f = q.fields.unwrap();
        assert!(
            f.includes(Field::Action)
                && f.includes(Field::ToParticipant)
                && !f.includes(Field::Notes)
        );
        assert_eq!(parse("fields=:default").unwrap().fields, None);
        assert_eq!(
            parse("sort=id,-callTimestamp").unwrap().order().len(),
            2,
            "id given: no second tie-breaker"
        );
    }

    #[test]
    fn an_export_refuses_paging_and_reports_every_problem() {
        assert!(ListQuery::parse_export([("sort", "-id"), ("q", "x")]).is_ok());
        let errors =
            ListQuery::parse_export([("page", "2"), ("pageSize", "10"), ("colour", "red")])
                .unwrap_err();
        let codes: Vec<&str> = errors.iter().map(|e| e.code).collect();
        assert_eq!(
            codes,
            ["not_for_export", "not_for_export", "unknown_parameter"]
        );
    }

    #[test]
    fn errors_name_the_parameter_and_say_what_is_allowed() {
        assert_eq!(err("colour=red"), ("colour".into(), "unknown_parameter"));
        assert_eq!(
            err("direction_sideways=in"),
            ("direction_sideways".into(), "unknown_parameter")
        );
        assert_eq!(
            err("direction=up"),
            ("direction".into(), "invalid_parameter")
        );
        assert_eq!(
            err("direction_lt=in"),
            ("direction_lt".into(), "invalid_parameter")
        );
        assert_eq!(
            err("actualHours_like=*1*"),
            ("actualHours_like".into(), "invalid_parameter")
        );
        assert_eq!(err("action=abc"), ("action".into(), "invalid_parameter"));
        assert_eq!(
            err("actualHours=NaN"),
            ("actualHours".into(), "invalid_parameter")
        );
        assert_eq!(
            err("callTimestamp_gt=yesterday"),
            ("callTimestamp_gt".into(), "invalid_parameter")
        );
        assert_eq!(
            err("action_lt=:NULL"),
            ("action_lt".into(), "invalid_parameter")
        );
        assert_eq!(
            err("action_in=1,,2"),
            ("action_in".into(), "invalid_parameter")
        );
        assert_eq!(err("sort=colour"), ("sort".into(), "invalid_parameter"));
        // A key named again is ignored: the first one orders.
        assert_eq!(
            parse("sort=-id,id,-id").unwrap().sort,
            parse("sort=-id").unwrap().sort
        );
        assert_eq!(
            err("fields=id,colour"),
            ("fields".into(), "invalid_parameter")
        );
        assert_eq!(
            err("include=action"),
            ("include".into(), "unsupported_parameter")
        );
        assert_eq!(
            err("include[phonerecords]=action"),
            ("include[phonerecords]".into(), "unsupported_parameter")
        );
        assert_eq!(
            err("direction=in&direction=out"),
            ("direction".into(), "duplicate_parameter")
        );
        assert_eq!(
            err("sort=id&sort[phonerecords]=id"),
            ("sort[phonerecords]".into(), "duplicate_parameter")
        );
    }

    #[test]
    fn long_values_are_cut_in_errors() {
        let long = "9".repeat(20_000);
        let e = ListQuery::parse([("action", long.as_str())]).unwrap_err();
        assert!(e[0].message.len() < 200, "{}", e[0].message.len());
        assert!(e[0].message.contains('…'));
    }

    #[test]
    fn limits() {
        let many: Vec<String> = (1..=96).map(|i| i.to_string()).collect();
        assert_eq!(
            err(&format!("id_in={}", many.join(","))),
            ("id_in".into(), "too_many_values")
        );
        let ok: Vec<String> = (1..=95).map(|i| i.to_string()).collect();
        assert!(parse(&format!("id_in={}", ok.join(","))).is_ok());
        assert_eq!(
            err(&format!("q={}", "x".repeat(41))),
            ("q".into(), "invalid_parameter")
        );
        assert_eq!(
            ListQuery::parse([("q", "  ")]).unwrap().search,
            None,
            "blank search is no search"
        );
    }

    #[test]
    fn fieldsets_project_records() {
        let record: crate::PhoneRecord = serde_json::from_value(serde_json::json!({
            "id": 3, "direction": "in", "callTimestamp": "2025-09-17T09:12:32Z", "outcome": "ok",
            "notes": "n", "links": {"action": 1, "toParticipant": 2}
        }))
        .unwrap();
        let only = |v: &str| {
            FieldSet::parse("fields", v)
                .unwrap()
                .unwrap()
                .project(&record)
        };
        assert_eq!(only("notes"), serde_json::json!({"id": 3, "notes": "n"}));
        assert_eq!(
            only("action,outcome"),
            serde_json::json!({"id": 3, "outcome": "ok", "links": {"action": 1}})
        );
        assert_eq!(
            only("links"),
            serde_json::json!({"id": 3, "links": {"action": 1, "toParticipant": 2}})
        );
        assert_eq!(
            only("phoneNumber"),
            serde_json::json!({"id": 3}),
            "absent fields stay absent"
        );
    }

    #[test]
    fn id_lists() {
        assert_eq!(parse_ids("42").unwrap(), vec![42]);
        assert_eq!(parse_ids("7,1,7,42").unwrap(), vec![7, 1, 42]);
        assert_eq!(parse_ids("99999999999999999999").unwrap(), vec![i64::MAX]);
        for bad in ["", "1,", ",1", "a", "1;2", "-1", "1 ,2"] {
            assert!(parse_ids(bad).is_err(), "{bad:?}");
        }
        let max: Vec<String> = (1..=200).map(|i| i.to_string()).collect();
        assert_eq!(parse_ids(&max.join(",")).unwrap().len(), 200);
        let over: Vec<String> = (1..=201).map(|i| i.to_string()).collect();
        assert!(parse_ids(&over.join(",")).is_err());
    }

    #[test]
    fn patterns_over_d1s_limit_once_escaped_are_refused() {
        // 20 `?` are 60 bytes as GLOB classes; 30 `%` are 62 as an escaped search.
        let e = parse(&format!("notes_like=*{}*", "?".repeat(20))).unwrap_err();
        assert_eq!(e[0].path, "notes_like");
        assert!(
            e[0].message.contains("at most 50 bytes once escaped"),
            "{}",
            e[0].message
        );
        // Within the limit, they parse.
        assert!(parse(&format!("notes_like=*{}*", "?".repeat(10))).is_ok());
    }

    #[test]
    fn search_text_is_limited_in_characters_after_trimming() {
        // The search is not a LIKE pattern: `%` is a character like any other,
        // and the limit counts characters, not bytes.
        assert!(parse(&format!("q={}", "%".repeat(40))).is_ok());
        assert!(parse(&format!("q={}", "é".repeat(40))).is_ok());
        assert!(parse(&format!("q={}", "😀".repeat(40))).is_ok());
        // Surrounding whitespace is not counted (it is trimmed).
        let q = parse(&format!("q=  {}\t ", "x".repeat(40))).unwrap();
        assert_eq!(q.search.unwrap().len(), 40);
        assert_eq!(
            err(&format!("q={}", "é".repeat(41))),
            ("q".into(), "invalid_parameter")
        );
        assert_eq!(err("q=a\u{7}b"), ("q".into(), "invalid_parameter"));
    }
}
