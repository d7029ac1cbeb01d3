//! `sort=-callTimestamp,id`: the keys of a list's order.

use crate::error::FieldError;
use crate::fields::Field;

use super::field_names;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SortKey {
    pub field: Field,
    pub descending: bool,
}

impl SortKey {
    /// The key as `sort=` writes it: `-callTimestamp` (descending), `id`.
    pub fn param(&self) -> String {
        let sign = if self.descending { "-" } else { "" };
        format!("{sign}{}", self.field.name())
    }
}

pub(crate) fn parse_sort(key: &str, value: &str) -> Result<Vec<SortKey>, FieldError> {
    let mut keys: Vec<SortKey> = Vec::new();
    for part in value.split(',').map(str::trim) {
        let (descending, name) = match part.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, part.strip_prefix('+').unwrap_or(part)),
        };
        let Some(field) = Field::from_name(name) else {
            return Err(FieldError::new(
                key,
                "invalid_parameter",
                format!(
                    "{name:?} is not a sortable field; sort takes a comma-separated list of {} (a leading - sorts descending)",
                    field_names()
                ),
            ));
        };
        // A key named again adds nothing (the first one already orders by
        // it), so it is ignored rather than refused: the document's pattern
        // for sort can then say exactly what is accepted.
        if keys.iter().any(|k| k.field == field) {
            continue;
        }
        keys.push(SortKey { field, descending });
    }
    Ok(keys)
}
