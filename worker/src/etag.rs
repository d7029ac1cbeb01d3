//! Versions as entity tags, and the conditional request headers: `If-Match`
//! (PUT, DELETE) and `If-None-Match` (GET) of one record.
//!
//! A record's ETag is the strong tag `"<id>-<version>"`: the version is raised
//! by every update (sql.rs), and the id makes a tag from one record never
//! match another (ids are never reused). The version is not a field of the
//! record's JSON; the tag names the record's version, whichever of the two
//! representations (plain, Actionstep) or fieldset carried it.

use crate::error::ApiError;

/// The ETag of a record at a version.
pub fn of(id: i64, version: i64) -> String {
    format!("\"{id}-{version}\"")
}

/// A parsed `If-Match` or `If-None-Match`.
#[derive(Debug, PartialEq, Eq)]
pub enum Condition {
    /// `*`: any version (the record exists).
    Any,
    /// The listed tags: (weak, opaque text without quotes).
    Tags(Vec<(bool, String)>),
}

impl Condition {
    /// RFC 9110 section 13.1: `*`, or a comma-separated list of entity tags
    /// (`"…"` or `W/"…"`; inside the quotes any visible ASCII but `"`, or
    /// non-ASCII). Anything else is `Err`.
    pub fn parse(header: &str) -> Result<Condition, ()> {
        let h = header.trim_matches([' ', '\t']);
        if h == "*" {
            return Ok(Condition::Any);
        }
        let mut tags = Vec::new();
        let mut rest = h;
        loop {
            rest = rest.trim_start_matches([' ', '\t']);
            let (weak, after) = match rest.strip_prefix("W/") {
                Some(r) => (true, r),
                None => (false, rest),
            };
            let inner = after.strip_prefix('"').ok_or(())?;
            let end = inner.find('"').ok_or(())?;
            let opaque = &inner[..end];
            if !opaque
                .chars()
                .all(|c| c == '!' || ('#'..='~').contains(&c) || !c.is_ascii())
            {
                return Err(());
            }
            tags.push((weak, opaque.to_owned()));
            rest = inner[end + 1..].trim_start_matches([' ', '\t']);
            if rest.is_empty() {
                break;
            }
            rest = rest.strip_prefix(',').ok_or(())?;
            // Empty list elements (", ,") are allowed by the list syntax.
            rest = rest.trim_start_matches([' ', '\t', ',']);
            if rest.is_empty() {
                break;
            }
        }
        if tags.is_empty() {
            return Err(());
        }
        Ok(Condition::Tags(tags))
    }

    /// The versions of record `id` the tags name. `strong`: weak tags name
    /// none (If-Match compares strongly; If-None-Match weakly).
    pub fn versions(&self, id: i64, strong: bool) -> Option<Vec<i64>> {
        match self {
            Condition::Any => None,
            Condition::Tags(tags) => Some(
                tags.iter()
                    .filter(|(weak, _)| !(strong && *weak))
                    .filter_map(|(_, opaque)| {
                        let (i, v) = opaque.split_once('-')?;
                        // Canonical digits only, as `of` writes them.
                        let canonical = |s: &str| {
                            !s.is_empty()
                                && s.bytes().all(|b| b.is_ascii_digit())
                                && !(s.len() > 1 && s.starts_with('0'))
                        };
                        if !canonical(i) || !canonical(v) {
                            return None;
                        }
                        (i.parse::<i64>().ok()? == id)
                            .then(|| v.parse::<i64>().ok())
                            .flatten()
                    })
                    .collect(),
            ),
        }
    }
}

/// The `If-Match` or `If-None-Match` header of a request, if sent; a malformed one is 400.
pub fn read(value: Option<String>, name: &'static str) -> Result<Option<Condition>, ApiError> {
    match value {
        None => Ok(None),
        Some(v) => Condition::parse(&v).map(Some).map_err(|()| {
            ApiError::bad_request(
                name,
                "invalid_header",
                format!(
                    "{name} must be * or a list of entity tags such as \"12-3\" (the ETag of a record, with its quotes)"
                ),
            )
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_parse_and_name_versions() {
        assert_eq!(of(12, 3), "\"12-3\"");
        assert_eq!(Condition::parse("*"), Ok(Condition::Any));
        let c = Condition::parse(" \"12-3\", W/\"12-4\" ,\"7-1\",\"x\"").unwrap();
        assert_eq!(c.versions(12, true), Some(vec![3]));
        assert_eq!(c.versions(12, false), Some(vec![3, 4]));
        assert_eq!(c.versions(7, true), Some(vec![1]));
        assert_eq!(c.versions(8, true), Some(vec![]));
        assert_eq!(Condition::Any.versions(8, true), None);
        for odd in [
            "\"12-03\"",
            "\"012-3\"",
            "\"12-\"",
            "\"-3\"",
            "\"12-3-1\"",
            "\"12-99999999999999999999\"",
        ] {
            assert_eq!(
                Condition::parse(odd).unwrap().versions(12, true),
                Some(vec![]),
                "{odd}"
            );
        }
        for bad in [
            "",
            " ",
            "12-3",
            "\"12-3",
            "W/12-3",
            "\"a b\"",
            "*, \"1-1\"",
            "\"1-1\" \"1-2\"",
            "w/\"1-1\"",
            ",",
            "\"\\\"\"",
        ] {
            assert!(Condition::parse(bad).is_err(), "{bad:?}");
        }
        assert!(
            Condition::parse("\"\"").is_ok(),
            "an empty tag is well-formed"
        );
        assert!(matches!(
            read(Some("nope".into()), "If-Match"),
            Err(ApiError::BadRequest(_))
        ));
        assert!(matches!(read(None, "If-Match"), Ok(None)));
    }
}
