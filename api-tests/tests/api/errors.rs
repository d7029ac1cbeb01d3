//! Malformed requests: 400, 405, 413, 415, each in the error envelope, none a 500, nothing stored.

use crate::common::*;

fn raw_post(content_type: &str, body: &[u8]) -> Resp {
    request("POST", "/phonerecords")
        .token(&token())
        .header("Content-Type", content_type)
        .body(body)
        .send()
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
    let errs = request("PUT", "/phonerecords/1")
        .token(&token())
        .header("Content-Type", "application/json")
        .body(&bytes)
        .send()
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
    let errs = request("POST", "/phonerecords")
        .token(&token())
        .body(&body)
        .send()
        .errors(415);
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

/// A POST with a chunked body (no Content-Length), over a raw HTTP/1.1
/// connection: the status and the body of the answer.
fn chunked_post(body: &[u8]) -> (u16, String) {
    use std::io::{Read, Write};
    let base = base_url();
    let host = base
        .strip_prefix("http://")
        .expect("the test server is plain http");
    let mut stream = std::net::TcpStream::connect(host).expect("connect");
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "POST /phonerecords HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        token()
    )
    .unwrap();
    for chunk in body.chunks(4096) {
        write!(stream, "{:x}\r\n", chunk.len()).unwrap();
        stream.write_all(chunk).unwrap();
        stream.write_all(b"\r\n").unwrap();
    }
    stream.write_all(b"0\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status line");
    (status, text)
}

/// A body sent without a length is read as a stream, under the same rules as
/// one with a length: stored when valid, 413 past 64 KiB with nothing stored.
#[test]
fn chunked_bodies_follow_the_same_rules() {
    let before = record_count();
    let mut body = minimal();
    body["notes"] = serde_json::json!("sent in chunks");
    let (status, text) = chunked_post(&serde_json::to_vec(&body).unwrap());
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("sent in chunks"), "{text}");
    assert_eq!(record_count(), before + 1);
    body["notes"] = serde_json::json!("x".repeat(70_000));
    let (status, text) = chunked_post(&serde_json::to_vec(&body).unwrap());
    assert_eq!(status, 413, "{text}");
    assert!(text.contains("payload_too_large"), "{text}");
    assert_eq!(record_count(), before + 1);
}
