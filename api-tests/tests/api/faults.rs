//! A failing internal operation (invalid SQL, through the test-only hook in
//! worker/src/fault.rs) answers 500 in the error envelope without detail, and
//! the next request is served normally; a read whose bookmark D1 refuses is
//! answered from the primary. The hook is off without its variable.
use crate::common::*;

const FAULT: (&str, &str) = ("X-Phonerecords-Fault", "store");

/// `send` refuses 500s; this one expects them.
fn send_raw(
    base: &str,
    method: &str,
    path: &str,
    token: &str,
    body: Option<&[u8]>,
) -> (u16, String) {
    send_raw_with(base, method, path, token, &[FAULT], body)
}

fn send_raw_with(
    base: &str,
    method: &str,
    path: &str,
    token: &str,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
) -> (u16, String) {
    let mut all = vec![("Content-Type", "application/json")];
    all.extend_from_slice(headers);
    let r = request(method, path)
        .to(base)
        .token(token)
        .headers(&all)
        .maybe_body(body)
        .send_allowing_500();
    (r.status, r.text())
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

/// D1 may refuse a client's bookmark (here the hook fails any session that
/// starts from one): the read is answered from the primary instead, never 500.
#[test]
fn a_read_whose_bookmark_d1_refuses_is_answered_from_the_primary() {
    let made = post("/phonerecords", &minimal());
    assert_eq!(made.status, 200, "{}", made.text());
    let bookmark = made.header("x-d1-bookmark").expect("a bookmark").to_owned();
    let id = made.record().id;
    let refused = [
        ("X-Phonerecords-Fault", "bookmark"),
        ("x-d1-bookmark", bookmark.as_str()),
    ];
    let path = format!("/phonerecords/{id}");
    let r = request("GET", &path)
        .token(&token())
        .headers(&refused)
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.record(), made.record(), "the record, read at the primary");
    assert!(
        r.header("x-d1-bookmark").is_some(),
        "and a bookmark to go on from"
    );
    let r = request("GET", "/phonerecords?pageSize=1")
        .token(&token())
        .headers(&refused)
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    // Writes start at the primary whatever bookmark comes with them.
    let r = request("PUT", &path)
        .token(&token())
        .headers(&[refused[0], refused[1], ("Content-Type", "application/json")])
        .body(br#"{"notes":"after a refused bookmark"}"#)
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    // A failure that is not the bookmark's is still a 500 after the retry.
    let with_store_fault = [FAULT, ("x-d1-bookmark", bookmark.as_str())];
    let (status, text) =
        send_raw_with(&base_url(), "GET", &path, &token(), &with_store_fault, None);
    assert_eq!(status, 500, "{text}");
    assert_eq!(
        get(&path).record().notes.as_deref(),
        Some("after a refused bookmark")
    );
}

#[test]
fn without_the_variable_the_header_does_nothing() {
    // The rate-limit server's env file does not set PHONERECORDS_FAULT_INJECTION.
    let base = std::env::var("PHONERECORDS_RATE_LIMIT_URL").expect("PHONERECORDS_RATE_LIMIT_URL");
    let other = std::env::var("PHONERECORDS_API_TOKEN_2").expect("PHONERECORDS_API_TOKEN_2");
    let (status, text) = send_raw(&base, "GET", "/phonerecords?pageSize=1", &other, None);
    assert_eq!(status, 200, "{text}");
}
