//! A test-only hook: with the Worker variable `PHONERECORDS_FAULT_INJECTION=1`
//! (set only in the test server's env file, never in wrangler.toml), a request
//! carrying `X-Phonerecords-Fault` makes the store run invalid SQL, so the
//! tests can see a real internal failure: `store` fails every attempt (500,
//! and the next request served normally); `bookmark` fails only a session
//! started from the client's bookmark, standing in for D1 refusing one.
//! Without the variable the header means nothing.

use worker::{Env, Request};

pub const HEADER: &str = "X-Phonerecords-Fault";
const VAR: &str = "PHONERECORDS_FAULT_INJECTION";

#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum Fault {
    Store,
    Bookmark,
}

pub fn enabled(var: Option<&str>, header: Option<&str>) -> Option<Fault> {
    if var.map(str::trim) != Some("1") {
        return None;
    }
    match header.map(str::trim) {
        Some("store") => Some(Fault::Store),
        Some("bookmark") => Some(Fault::Bookmark),
        _ => None,
    }
}

pub fn requested(req: &Request, env: &Env) -> Option<Fault> {
    let var = env.var(VAR).ok().map(|v| v.to_string());
    let header = req.headers().get(HEADER).ok().flatten();
    enabled(var.as_deref(), header.as_deref())
}

#[cfg(test)]
mod tests {
    use super::{Fault, enabled};

    #[test]
    fn only_with_the_variable_and_the_header() {
        assert_eq!(enabled(Some("1"), Some("store")), Some(Fault::Store));
        assert_eq!(enabled(Some("1"), Some("bookmark")), Some(Fault::Bookmark));
        assert_eq!(enabled(None, Some("store")), None);
        assert_eq!(enabled(Some(""), Some("store")), None);
        assert_eq!(enabled(Some("0"), Some("store")), None);
        assert_eq!(enabled(Some("true"), Some("bookmark")), None);
        assert_eq!(enabled(Some("1"), None), None);
        assert_eq!(enabled(Some("1"), Some("other")), None);
    }
}
