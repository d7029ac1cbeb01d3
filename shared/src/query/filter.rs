//! Filters: `field=value` or `field_OP=value`, parsed into a typed condition.

use crate::error::FieldError;
use crate::fields::{Field, FieldKind, MAX_ID};
use crate::pattern::{self, MAX_PATTERN_BYTES};

use super::{NULL_VALUE, field_names};

/// A filter operator, as the suffix of a parameter name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    Eq,
    NtEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
    In,
    NtIn,
    Like,
    NtLike,
    ILike,
    NtILike,
}

impl Op {
    pub const ALL: [Op; 12] = [
        Op::Eq,
        Op::NtEq,
        Op::Lt,
        Op::LtEq,
        Op::Gt,
        Op::GtEq,
        Op::In,
        Op::NtIn,
        Op::Like,
        Op::NtLike,
        Op::ILike,
        Op::NtILike,
    ];

    pub const fn suffix(self) -> &'static str {
        match self {
            Op::Eq => "eq",
            Op::NtEq => "nteq",
            Op::Lt => "lt",
            Op::LtEq => "lteq",
            Op::Gt => "gt",
            Op::GtEq => "gteq",
            Op::In => "in",
            Op::NtIn => "ntin",
            Op::Like => "like",
            Op::NtLike => "ntlike",
            Op::ILike => "ilike",
            Op::NtILike => "ntilike",
        }
    }

    pub fn from_suffix(s: &str) -> Option<Op> {
        Op::ALL.into_iter().find(|op| op.suffix() == s)
    }

    /// Negated operators match exactly the records the positive form does not,
    /// records without a value included.
    pub const fn is_negated(self) -> bool {
        matches!(self, Op::NtEq | Op::NtIn | Op::NtLike | Op::NtILike)
    }

    pub const fn is_pattern(self) -> bool {
        matches!(self, Op::Like | Op::NtLike | Op::ILike | Op::NtILike)
    }

    pub const fn is_list(self) -> bool {
        matches!(self, Op::In | Op::NtIn)
    }

    const fn is_order(self) -> bool {
        matches!(self, Op::Lt | Op::LtEq | Op::Gt | Op::GtEq)
    }

    /// Which operators a kind of field supports.
    pub fn applies_to(self, kind: FieldKind) -> bool {
        match kind {
            FieldKind::Text(_) => true,
            FieldKind::Direction => !self.is_order(),
            _ => !self.is_pattern(),
        }
    }
}

/// The part of the time line a `callTimestamp` filter value names: as precise
/// as it was written (a date is a whole UTC day, a time without fractions a
/// whole second), as `[start_ms, start_ms + width_ms)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeSpan {
    pub start_ms: i64,
    pub width_ms: i64,
}

impl TimeSpan {
    pub fn end_ms(self) -> i64 {
        self.start_ms + self.width_ms
    }
}

/// One filter value, typed by its field.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    /// `id` and the links.
    Int(i64),
    /// `actualHours`.
    Real(f64),
    /// Text fields and `direction`.
    Text(String),
    /// `callTimestamp`.
    Time(TimeSpan),
}

/// What a filter asks of its field.
#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    /// `eq`/`nteq`, `lt`, `lteq`, `gt`, `gteq` with a value.
    Compare(Comparison, Scalar),
    /// `eq`/`nteq` with `:NULL`: the field is absent.
    IsNull,
    /// `in`/`ntin`; `null` when the list holds `:NULL`.
    In { values: Vec<Scalar>, null: bool },
    /// `like` family: the pattern as written, `*` its only wildcard.
    Like {
        case_sensitive: bool,
        pattern: String,
    },
}

/// An equality or an ordering. Never negated: a filter's negation is its
/// operator's alone (`Filter::negated`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Comparison {
    Eq,
    Lt,
    LtEq,
    Gt,
    GtEq,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Filter {
    pub field: Field,
    pub op: Op,
    pub condition: Condition,
    /// The value as written, to rebuild the query string.
    pub raw: String,
}

impl Filter {
    /// Whether the filter keeps the records its condition does not match
    /// (records without a value included): said by the operator alone.
    pub const fn negated(&self) -> bool {
        self.op.is_negated()
    }

    /// The query parameter's name: `direction` for `eq`, else `field_op`.
    pub fn param(&self) -> String {
        if self.op == Op::Eq {
            self.field.name().to_owned()
        } else {
            format!("{}_{}", self.field.name(), self.op.suffix())
        }
    }

    /// How many values the filter binds.
    pub(crate) fn value_count(&self) -> usize {
        match &self.condition {
            Condition::Compare(..) | Condition::Like { .. } => 1,
            Condition::IsNull => 0,
            Condition::In { values, .. } => values.len(),
        }
    }
}

/// `field` or `field_op`: field names hold no `_`, so the last one splits.
pub(crate) fn parse_filter(key: &str, value: &str) -> Result<Filter, FieldError> {
    let (name, op) = match key.rsplit_once('_') {
        Some((name, suffix)) => match Op::from_suffix(suffix) {
            Some(op) => (name, op),
            None => {
                let ops: Vec<&str> = Op::ALL.iter().map(|o| o.suffix()).collect();
                return Err(FieldError::new(
                    key,
                    "unknown_parameter",
                    format!(
                        "{suffix:?} is not a filter operator; use one of: {}",
                        ops.join(", ")
                    ),
                ));
            }
        },
        None => (key, Op::Eq),
    };
    let Some(field) = Field::from_name(name) else {
        return Err(FieldError::new(
            key,
            "unknown_parameter",
            format!(
                "{name:?} is not a parameter of this list; filter on {}, or use page, pageSize, sort, fields or q",
                field_names()
            ),
        ));
    };
    let kind = field.kind();
    if !op.applies_to(kind) {
        let ops: Vec<&str> = Op::ALL
            .iter()
            .filter(|o| o.applies_to(kind))
            .map(|o| o.suffix())
            .collect();
        return Err(FieldError::new(
            key,
            "invalid_parameter",
            format!(
                "{name} cannot be filtered with {}; it takes: {}",
                op.suffix(),
                ops.join(", ")
            ),
        ));
    }
    let null = value == NULL_VALUE;
    let compare = |c: Comparison| -> Result<Condition, FieldError> {
        if null {
            return Err(FieldError::new(
                key,
                "invalid_parameter",
                ":NULL can only be used with eq, nteq, in and ntin",
            ));
        }
        Ok(Condition::Compare(c, scalar(key, field, value)?))
    };
    // Exhaustive over the operators: a new one says here what it means.
    let condition = match op {
        Op::Like | Op::NtLike | Op::ILike | Op::NtILike => {
            if value.is_empty() {
                return Err(FieldError::new(
                    key,
                    "invalid_parameter",
                    format!("{key} needs a pattern, e.g. *invoice*"),
                ));
            }
            let case_sensitive = matches!(op, Op::Like | Op::NtLike);
            if pattern::filter_pattern(value, case_sensitive).len() > MAX_PATTERN_BYTES {
                return Err(FieldError::new(
                    key,
                    "invalid_parameter",
                    pattern::too_long_message(),
                ));
            }
            Condition::Like {
                case_sensitive,
                pattern: value.to_owned(),
            }
        }
        Op::In | Op::NtIn => {
            let mut values = Vec::new();
            let mut has_null = false;
            for item in value.split(',') {
                if item == NULL_VALUE {
                    has_null = true;
                } else {
                    values.push(scalar(key, field, item)?);
                }
            }
            Condition::In {
                values,
                null: has_null,
            }
        }
        Op::Eq | Op::NtEq if null => Condition::IsNull,
        Op::Eq | Op::NtEq => compare(Comparison::Eq)?,
        Op::Lt => compare(Comparison::Lt)?,
        Op::LtEq => compare(Comparison::LtEq)?,
        Op::Gt => compare(Comparison::Gt)?,
        Op::GtEq => compare(Comparison::GtEq)?,
    };
    Ok(Filter {
        field,
        op,
        condition,
        raw: value.to_owned(),
    })
}

/// A value quoted back in an error: long ones are cut, so a 16 KB value
/// does not come back as a 16 KB error.
pub(crate) fn shown(value: &str) -> String {
    const MAX: usize = 60;
    if value.chars().count() <= MAX {
        value.to_owned()
    } else {
        format!("{}…", value.chars().take(MAX).collect::<String>())
    }
}

/// A single filter value for `field`.
pub(crate) fn scalar(key: &str, field: Field, value: &str) -> Result<Scalar, FieldError> {
    let bad = |expected: &str| {
        FieldError::new(
            key,
            "invalid_parameter",
            format!("{key} must be {expected}, not {:?}", shown(value)),
        )
    };
    match field.kind() {
        FieldKind::Id | FieldKind::LinkId => {
            let digits = value.strip_prefix('-').unwrap_or(value);
            if digits.is_empty() || digits.len() > 16 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad("a whole number"));
            }
            match value.parse::<i64>() {
                Ok(n) if n.abs() <= MAX_ID => Ok(Scalar::Int(n)),
                _ => Err(bad("a whole number")),
            }
        }
        FieldKind::Hours => {
            let ok = !value.is_empty()
                && value.len() <= 32
                && value.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b'-');
            match value.parse::<f64>() {
                Ok(h) if ok && h.is_finite() => Ok(Scalar::Real(h)),
                _ => Err(bad("a number of hours such as 0.25")),
            }
        }
        FieldKind::Direction => match value {
            "in" | "out" => Ok(Scalar::Text(value.to_owned())),
            _ => Err(bad("\"in\" or \"out\"")),
        },
        FieldKind::Text(rule) => {
            if value.chars().count() > rule.max_chars {
                Err(bad(&format!("at most {} characters", rule.max_chars)))
            } else {
                Ok(Scalar::Text(value.to_owned()))
            }
        }
        FieldKind::Timestamp => time_span(value).map(Scalar::Time).ok_or_else(|| {
            bad("a date (2025-09-17), a UTC date and time (2025-09-17T09:12:32) or an RFC 3339 time")
        }),
    }
}

/// `2025-09-17` (that UTC day), `2025-09-17T09:12:32[.fff]` (UTC) or RFC 3339.
pub fn time_span(value: &str) -> Option<TimeSpan> {
    const DAY_MS: i64 = 86_400_000;
    let width_of = |text: &str| if text.contains('.') { 1 } else { 1000 };
    if let Some(d) = crate::date::Date::parse(value) {
        let start = d.days_since_epoch() * DAY_MS;
        return Some(TimeSpan {
            start_ms: start,
            width_ms: DAY_MS,
        });
    }
    if let Some(start_ms) = crate::date::parse_naive_datetime_millis(value) {
        return Some(TimeSpan {
            start_ms,
            width_ms: width_of(value),
        });
    }
    let t = crate::timestamp::CallTimestamp::parse(value).ok()?;
    Some(TimeSpan {
        start_ms: t.epoch_millis(),
        width_ms: width_of(value),
    })
}
