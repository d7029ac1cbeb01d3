//! Malformed requests: 400, 405, 413, 415, each in the error envelope, none a 500, nothing stored.

use crate::common::*;

fn raw_post(content_type: &str, body: &[u8]) -> Resp {
    request("POST", "/phonerecords").token(&token()).header("Content-Type", content_type).body(body).send()
}

#[test]
fn malformed_bodies_are_400_and_store_nothing() {
    let before = record_count();
    let deep = "[".repeat(5_000) + &"]".repeat(5_000);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("truncated", b"{\"direction\": \"in\"".to_vec()),
        ("empty", Vec::new()),
        ("whitespace", b"   ".to_vec()),
        ("invalid UTF-8", b"{\"outcome\": \"\xff\xfe\"}".to_vec()),
        ("trailing garbage", b"{} {}".to_vec()),
        ("NaN literal", b"{\"actualHours\": NaN}".to_vec()),
        ("huge number", b"{\"actualHours\": 1e999}".to_vec()),
        ("deep nesting", deep.into_bytes()),
        ("single quotes", b"{'direction': 'in'}".to_vec()),
    ];
    for (what, body) in cases {
        let errs = raw_post("application/json", &body).errors(400);
        assert!(
            errs[0].1 == "invalid_json" || errs[0].1 == "invalid_body",
            "{what}: {errs:?}"
        );
    }
    for body in [&b"[]"[..], b"\"x\"", b"null", b"42"] {
        raw_post("application/json", body).errors(422);
    }
    assert_eq!(record_count(), before);
}

#[test]
fn bodies_over_64_kib_are_413() {
    let before = record_count();
    let mut body = minimal();
    body["notes"] = serde_json::json!("x".repeat(70_000));
    let bytes = serde_json::to_vec(&body).unwrap();
    let errs = raw_post("application/json", &bytes).errors(413);
    assert_eq!(errs[0].1, "payload_too_large");
    let errs = request("PUT", "/phonerecords/1").token(&token()).header("Content-Type", "application/json").body(&bytes).send()
    .errors(413);
    assert_eq!(errs[0].1, "payload_too_large");
    assert_eq!(record_count(), before);
}

#[test]
fn non_json_content_types_are_415() {
    let body = serde_json::to_vec(&minimal()).unwrap();
    for ct in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/json; charset=latin1",
        "application/xml",
    ] {
        let errs = raw_post(ct, &body).errors(415);
        assert_eq!(errs[0].1, "unsupported_media_type", "{ct}");
    }
    let errs = request("POST", "/phonerecords").token(&token()).body(&body).send().errors(415);
    assert_eq!(
        errs[0].1, "unsupported_media_type",
        "no content type at all"
    );
}

#[test]
fn unsupported_methods_are_405_with_allow() {
    for (method, path, allow) in [
        ("DELETE", "/phonerecords", "GET, POST"),
        ("PUT", "/phonerecords", "GET, POST"),
        ("PATCH", "/phonerecords", "GET, POST"),
        ("POST", "/phonerecords/1", "GET, PUT, DELETE"),
        ("PATCH", "/phonerecords/1", "GET, PUT, DELETE"),
        // Methods the runtime passes through that HTTP libraries don't name:
        // never answered as if they were GET.
        ("QUERY", "/phonerecords", "GET, POST"),
        ("QUERY", "/phonerecords/1", "GET, PUT, DELETE"),
        ("PROPFIND", "/api/rest/phonerecords", "GET, POST"),
    ] {
        let r = request(method, path).token(&token()).send();
        assert_eq!(r.header("allow"), Some(allow), "{method} {path}");
        assert_eq!(r.errors(405)[0].1, "method_not_allowed");
    }
}

#[test]
fn query_parameters_on_a_single_record_are_refused() {
    let id = create(&minimal()).id;
    let errs = get(&format!("/phonerecords/{id}?foo=1")).errors(400);
    assert_eq!(errs, vec![("foo".into(), "unknown_parameter".into())]);
}

#[test]
fn api_responses_are_not_cacheable() {
    let r = get("/phonerecords");
    assert_eq!(r.header("cache-control"), Some("no-store"));
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    assert!(
        r.header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
}

#[test]
fn the_server_keeps_serving_after_bad_requests() {
    raw_post("application/json", b"{{{{");
    raw_post("application/json", &vec![b'['; 60_000]);
    assert_eq!(get("/phonerecords").status, 200);
    create(&minimal());
}
