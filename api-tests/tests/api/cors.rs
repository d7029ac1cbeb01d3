//! Cross-origin requests: only from CORS_ALLOWED_ORIGINS (the test server
//! allows PHONERECORDS_CORS_ORIGIN); preflights need no token.
use crate::common::*;

const FOREIGN: &str = "https://evil.example";

fn allowed() -> String {
    std::env::var("PHONERECORDS_CORS_ORIGIN")
        .expect("PHONERECORDS_CORS_ORIGIN (set by scripts/test)")
}

fn preflight(origin: &str, method: &str) -> Resp {
    request("OPTIONS", "/phonerecords")
        .header("Origin", origin)
        .header("Access-Control-Request-Method", method)
        .header(
            "Access-Control-Request-Headers",
            "authorization, content-type",
        )
        .send()
}

#[test]
fn preflight_from_an_allowed_origin_needs_no_token() {
    let origin = allowed();
    let r = preflight(&origin, "POST");
    assert_eq!(r.status, 204, "{}", r.text());
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some(origin.as_str())
    );
    let methods = r.header("access-control-allow-methods").unwrap();
    for m in ["GET", "POST", "PUT", "DELETE"] {
        assert!(methods.contains(m), "{methods}");
    }
    let headers = r
        .header("access-control-allow-headers")
        .unwrap()
        .to_lowercase();
    for h in [
        "authorization",
        "content-type",
        "accept",
        "x-d1-bookmark",
        "if-match",
        "if-none-match",
        "idempotency-key",
    ] {
        assert!(headers.contains(h), "{headers}");
    }
    assert!(
        r.header("access-control-max-age")
            .unwrap()
            .parse::<u32>()
            .unwrap()
            > 0
    );
    assert!(r.header("vary").unwrap().contains("Origin"));
}

#[test]
fn a_foreign_origin_is_refused_with_403() {
    let errs = preflight(FOREIGN, "DELETE").errors(403);
    assert_eq!(errs[0].1, "origin_not_allowed");
    for r in [
        request("GET", "/phonerecords")
            .token(&token())
            .header("Origin", FOREIGN)
            .send(),
        request("GET", "/phonerecords")
            .header("Origin", "null")
            .send(),
    ] {
        assert_eq!(r.errors(403)[0].1, "origin_not_allowed");
        assert_eq!(r.header("access-control-allow-origin"), None);
    }
}

#[test]
fn a_foreign_origin_changes_nothing() {
    let id = create(&minimal()).id;
    let before = record_count();
    let body = serde_json::to_vec(&minimal()).unwrap();
    let hdrs = [("Origin", FOREIGN), ("Content-Type", "application/json")];
    request("POST", "/phonerecords")
        .token(&token())
        .headers(&hdrs)
        .body(&body)
        .send()
        .errors(403);
    request("DELETE", &format!("/phonerecords/{id}"))
        .token(&token())
        .headers(&hdrs)
        .send()
        .errors(403);
    assert_eq!(record_count(), before);
    assert_eq!(get(&format!("/phonerecords/{id}")).status, 200);
}

#[test]
fn an_allowed_origin_reads_and_writes_with_a_token() {
    let origin = allowed();
    let r = request("GET", "/phonerecords")
        .token(&token())
        .header("Origin", &origin)
        .send();
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some(origin.as_str())
    );
    let body = serde_json::to_vec(&minimal()).unwrap();
    let hdrs = [
        ("Origin", origin.as_str()),
        ("Content-Type", "application/json"),
    ];
    let r = request("POST", "/phonerecords")
        .token(&token())
        .headers(&hdrs)
        .body(&body)
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    let exposed = r.header("access-control-expose-headers").unwrap();
    for h in [
        "Location",
        "x-d1-bookmark",
        "Server-Timing",
        "ETag",
        "Idempotent-Replayed",
    ] {
        assert!(exposed.contains(h), "{exposed}");
    }
    // The ETag is there for the script to read.
    assert!(r.header("etag").is_some());
    // The token is still needed.
    let r = request("GET", "/phonerecords")
        .header("Origin", &origin)
        .send();
    r.errors(401);
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some(origin.as_str())
    );
}

#[test]
fn same_origin_requests_work_as_before() {
    let own = base_url();
    let r = request("GET", "/phonerecords")
        .token(&token())
        .header("Origin", &own)
        .send();
    assert_eq!(r.status, 200);
    assert_eq!(r.header("access-control-allow-origin"), None);
    let r = request("GET", "/phonerecords").token(&token()).send();
    assert_eq!(r.status, 200);
}
