//! A record path's ids: `42` or `1,7,42`.

use super::MAX_IDS;
use crate::error::FieldError;

/// A path's id list: `42` or `1,7,42` (at most 200). Ids too large to exist
/// are kept (they are simply not found); anything but digits is an error.
pub fn parse_ids(segment: &str) -> Result<Vec<i64>, FieldError> {
    let err = |detail: String| FieldError::new("id", "invalid_id", detail);
    let mut ids = Vec::new();
    for part in segment.split(',') {
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err(format!(
                "the id in the path must be a positive whole number, or several separated by commas; not {part:?}"
            )));
        }
        let id = part.parse::<i64>().unwrap_or(i64::MAX);
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.len() > MAX_IDS {
        return Err(err(format!(
            "at most {MAX_IDS} ids can be asked for at once"
        )));
    }
    Ok(ids)
}
