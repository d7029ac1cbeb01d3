//! The query string of `GET /phonerecords`, parsed once into a typed query.

use crate::error::FieldError;
use crate::paging::{MAX_PAGE, MAX_PAGE_SIZE, PageRequest};

/// A list request: which page.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListQuery {
    pub page: PageRequest,
}

/// The parameters this list understands; anything else is refused by name so
/// that a misspelt parameter never silently returns the wrong records.
pub const LIST_PARAMETERS: [&str; 2] = ["page", "pageSize"];

impl ListQuery {
    pub fn parse<K: AsRef<str>, V: AsRef<str>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Result<Self, Vec<FieldError>> {
        let mut query = ListQuery::default();
        let mut errors = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        for (key, value) in pairs {
            let (key, value) = (key.as_ref(), value.as_ref());
            if seen.iter().any(|k| k == key) {
                errors.push(FieldError::new(
                    key,
                    "duplicate_parameter",
                    format!("{key} is given more than once"),
                ));
                continue;
            }
            seen.push(key.to_owned());
            let result = match key {
                "page" => number(key, value, 1, MAX_PAGE).map(|n| query.page.page = n),
                "pageSize" => {
                    number(key, value, 1, MAX_PAGE_SIZE).map(|n| query.page.page_size = n)
                }
                _ => Err(FieldError::new(
                    key,
                    "unknown_parameter",
                    format!(
                        "{key} is not a parameter of this list; the parameters are: {}",
                        LIST_PARAMETERS.join(", ")
                    ),
                )),
            };
            if let Err(e) = result {
                errors.push(e);
            }
        }
        if errors.is_empty() {
            Ok(query)
        } else {
            Err(errors)
        }
    }

    /// The query string that asks for this query (the UI builds its requests with it).
    pub fn to_query_string(&self) -> String {
        let mut parts = Vec::new();
        if self.page.page != 1 {
            parts.push(format!("page={}", self.page.page));
        }
        if self.page.page_size != PageRequest::default().page_size {
            parts.push(format!("pageSize={}", self.page.page_size));
        }
        parts.join("&")
    }
}

fn number(key: &str, value: &str, min: u32, max: u32) -> Result<u32, FieldError> {
    let out_of_range = || {
        FieldError::new(
            key,
            "invalid_parameter",
            format!("{key} must be a whole number from {min} to {max}"),
        )
    };
    if value.is_empty() || value.len() > 10 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(out_of_range());
    }
    match value.parse::<u32>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(out_of_range()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(pairs: &[(&str, &str)]) -> Result<ListQuery, Vec<FieldError>> {
        ListQuery::parse(pairs.iter().copied())
    }

    #[test]
    fn defaults_and_values() {
        assert_eq!(
            parse(&[]).unwrap().page,
            PageRequest {
                page: 1,
                page_size: 50
            }
        );
        let q = parse(&[("page", "2"), ("pageSize", "25")]).unwrap();
        assert_eq!(
            q.page,
            PageRequest {
                page: 2,
                page_size: 25
            }
        );
        assert_eq!(q.to_query_string(), "page=2&pageSize=25");
        assert_eq!(parse(&[("pageSize", "200")]).unwrap().page.page_size, 200);
    }

    #[test]
    fn errors_name_the_parameter() {
        for (k, v) in [
            ("page", "0"),
            ("page", "-1"),
            ("page", "x"),
            ("page", ""),
            ("pageSize", "201"),
            ("pageSize", "0"),
            ("page", "99999999999"),
        ] {
            let errors = parse(&[(k, v)]).unwrap_err();
            assert_eq!(errors[0].path, k, "{k}={v}");
            assert_eq!(errors[0].code, "invalid_parameter");
        }
        let errors = parse(&[("pagesize", "10")]).unwrap_err();
        assert_eq!(
            (errors[0].path.as_str(), errors[0].code),
            ("pagesize", "unknown_parameter")
        );
        let errors = parse(&[("page", "1"), ("page", "2")]).unwrap_err();
        assert_eq!(errors[0].code, "duplicate_parameter");
    }
}
