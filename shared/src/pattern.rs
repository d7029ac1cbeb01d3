//! `*` patterns and search text as SQLite (and so D1) matches them, and D1's
//! limit on their length: part of the query language, because a pattern too
//! long once escaped is refused when the query is parsed, in the UI as in the API.

/// SQLite's (and D1's) longest LIKE or GLOB pattern, in bytes.
pub const MAX_PATTERN_BYTES: usize = 50;

/// LIKE text that matches `text` literally (with `ESCAPE '\'`), except that
/// `*` is the wildcard when `star_is_wildcard` (filters) and literal otherwise (search).
pub fn like_escaped(text: &str, star_is_wildcard: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '*' if star_is_wildcard => out.push('%'),
            '%' | '_' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// A case-sensitive filter pattern as GLOB, whose own specials are escaped as classes.
pub fn glob_pattern(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    for c in pattern.chars() {
        match c {
            '?' => out.push_str("[?]"),
            '[' => out.push_str("[[]"),
            _ => out.push(c),
        }
    }
    out
}

/// A filter's pattern as SQLite gets it: GLOB when case-sensitive, else LIKE.
pub fn filter_pattern(pattern: &str, case_sensitive: bool) -> String {
    if case_sensitive {
        glob_pattern(pattern)
    } else {
        like_escaped(pattern, true)
    }
}

/// The search text as a LIKE pattern: a literal substring anywhere.
pub fn search_pattern(q: &str) -> String {
    format!("%{}%", like_escaped(q, false))
}

/// The message for a pattern over `MAX_PATTERN_BYTES` once escaped.
pub fn too_long_message() -> String {
    format!(
        "the pattern is too long: at most {MAX_PATTERN_BYTES} bytes once escaped (%, _, \\, ? and [ count twice or more)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(filter_pattern("*50%_off\\*", false), "%50\\%\\_off\\\\%");
        assert_eq!(filter_pattern("a?[b]*", true), "a[?][[]b]*");
        assert_eq!(search_pattern("5*%"), "%5*\\%%");
    }
}
