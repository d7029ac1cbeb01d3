//! A test-only hook: with the Worker variable `PHONERECORDS_FAULT_INJECTION=1`
//! (set only in the test server's env file, never in wrangler.toml), a request
//! carrying `X-Phonerecords-Fault: store` makes the store run invalid SQL, so
//! the tests can see a real internal failure answered 500 and the next request
//! served normally. Without the variable the header means nothing.

use worker::{Env, Request};

pub const HEADER: &str = "X-Phonerecords-Fault";
const VAR: &str = "PHONERECORDS_FAULT_INJECTION";

pub fn enabled(var: Option<&str>, header: Option<&str>) -> bool {
    var.map(str::trim) == Some("1") && header.map(str::trim) == Some("store")
}

pub fn requested(req: &Request, env: &Env) -> bool {
    let var = env.var(VAR).ok().map(|v| v.to_string());
    let header = req.headers().get(HEADER).ok().flatten();
    enabled(var.as_deref(), header.as_deref())
}

#[cfg(test)]
mod tests {
    use super::enabled;

    #[test]
    fn only_with_the_variable_and_the_header() {
        assert!(enabled(Some("1"), Some("store")));
        assert!(!enabled(None, Some("store")));
        assert!(!enabled(Some(""), Some("store")));
        assert!(!enabled(Some("0"), Some("store")));
        assert!(!enabled(Some("true"), Some("store")));
        assert!(!enabled(Some("1"), None));
        assert!(!enabled(Some("1"), Some("other")));
    }
}
