//! A failing internal operation (invalid SQL, through the test-only hook in
//! worker/src/fault.rs) answers 500 in the error envelope without detail, and
//! the next request is served normally. The hook is off without its variable.
mod common;

use common::*;

const FAULT: (&str, &str) = ("X-Phonerecords-Fault", "store");

/// `send` refuses 500s; this one expects them.
fn send_raw(
    base: &str,
    method: &str,
    path: &str,
    token: &str,
    body: Option<&[u8]>,
) -> (u16, String) {
    let req = ureq::request(method, &format!("{base}{path}"))
        .set("Authorization", &format!("Bearer {token}"))
        .set("Content-Type", "application/json")
        .set(FAULT.0, FAULT.1);
    let result = match body {
        Some(b) => req.send_bytes(b),
        None => req.call(),
    };
    match result {
        Ok(r) => (r.status(), r.into_string().unwrap()),
        Err(ureq::Error::Status(code, r)) => (code, r.into_string().unwrap()),
        Err(e) => panic!("{method} {path}: {e}"),
    }
}

#[test]
fn an_internal_failure_is_500_and_the_next_request_is_served() {
    let before = record_count();
    let body = serde_json::to_vec(&minimal()).unwrap();
    for (method, path, body) in [
        ("GET", "/phonerecords".to_owned(), None),
        ("POST", "/phonerecords".to_owned(), Some(body.as_slice())),
        ("DELETE", "/phonerecords/1".to_owned(), None),
    ] {
        let (status, text) = send_raw(&base_url(), method, &path, &token(), body);
        assert_eq!(status, 500, "{method} {path}: {text}");
        let env: phonerecords_shared::ApiErrors = serde_json::from_str(&text).unwrap();
        assert_eq!(env.errors.len(), 1);
        assert_eq!(env.errors[0].code, "internal_error");
        let lower = text.to_lowercase();
        assert!(
            !lower.contains("no_such") && !lower.contains("sqlite"),
            "{text}"
        );
        // Served normally right after.
        assert_eq!(get("/phonerecords?pageSize=1").status, 200);
    }
    assert_eq!(record_count(), before, "a failed request stored nothing");
    create(&minimal());
    assert_eq!(record_count(), before + 1);
}

#[test]
fn without_the_variable_the_header_does_nothing() {
    // The rate-limit server's env file does not set PHONERECORDS_FAULT_INJECTION.
    let base = std::env::var("PHONERECORDS_RATE_LIMIT_URL").expect("PHONERECORDS_RATE_LIMIT_URL");
    let other = std::env::var("PHONERECORDS_API_TOKEN_2").expect("PHONERECORDS_API_TOKEN_2");
    let (status, text) = send_raw(&base, "GET", "/phonerecords?pageSize=1", &other, None);
    assert_eq!(status, 200, "{text}");
}
