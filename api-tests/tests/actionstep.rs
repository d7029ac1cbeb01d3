//! Drop-in for Actionstep clients: wrapped bodies, the `application/vnd.api+json`
//! envelope with link templates, and the `/api/rest/` prefix; and the plain
//! form pinned byte for byte.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::*;
use serde_json::{Value, json};

/// A GET with no `Accept` header at all (ureq always sends `Accept: */*`):
/// status and body over a raw HTTP/1.1 connection.
fn get_without_accept(path: &str) -> (u16, Vec<u8>) {
    let base = base_url();
    let host = base
        .strip_prefix("http://")
        .expect("the test server is plain http");
    let mut stream = TcpStream::connect(host).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {}\r\nConnection: close\r\n\r\n",
        token()
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read the response");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of headers");
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status line");
    assert!(
        !head.contains("\r\naccept"),
        "a response header, not ours: {head}"
    );
    let body = &raw[split + 4..];
    let body = if head.contains("transfer-encoding: chunked") {
        dechunk(body)
    } else {
        body.to_vec()
    };
    (status, body)
}

fn dechunk(mut rest: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("chunk size line");
        let size_text = String::from_utf8_lossy(&rest[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16)
            .expect("chunk size");
        rest = &rest[line_end + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&rest[..size]);
        rest = &rest[size + 2..];
    }
}

fn golden_body(marker: &str) -> Value {
    json!({
        "fromParticipantOther": "John Smith",
        "toParticipantOther": "AJ Accountants LLC",
        "direction": "out",
        "phoneNumber": "+44 493 993938",
        "phoneNumberType": "Business",
        "actualHours": 0.25,
        "notes": marker,
        "callTimestamp": "2025-09-17T09:12:32+12:00",
        "outcome": "Call completed",
        "links": {"action": 321845, "fromParticipant": 8945, "toParticipant": 4912}
    })
}

/// The plain form's exact bytes, as the service answered before the Actionstep
/// forms existed: POST and PUT write the record's fields in the contract's
/// order, GET and lists in name order.
#[test]
fn plain_responses_are_byte_for_byte_unchanged() {
    let marker = format!("golden-{}", nonce());
    let r = post("/phonerecords", &golden_body(&marker));
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        r.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    let id = r.json()["id"].as_i64().unwrap();
    assert_eq!(
        r.text(),
        format!(
            r#"{{"id":{id},"fromParticipantOther":"John Smith","toParticipantOther":"AJ Accountants LLC","direction":"out","phoneNumber":"+44 493 993938","phoneNumberType":"Business","actualHours":0.25,"notes":"{marker}","callTimestamp":"2025-09-17T09:12:32+12:00","outcome":"Call completed","links":{{"action":321845,"fromParticipant":8945,"toParticipant":4912}}}}"#
        )
    );

    let fetched = format!(
        r#"{{"actualHours":0.25,"callTimestamp":"2025-09-17T09:12:32+12:00","direction":"out","fromParticipantOther":"John Smith","id":{id},"links":{{"action":321845,"fromParticipant":8945,"toParticipant":4912}},"notes":"{marker}","outcome":"Call completed","phoneNumber":"+44 493 993938","phoneNumberType":"Business","toParticipantOther":"AJ Accountants LLC"}}"#
    );
    let r = get(&format!("/phonerecords/{id}"));
    assert_eq!(
        r.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    assert_eq!(r.text(), fetched);

    assert_eq!(
        get(&format!("/phonerecords?notes={marker}")).text(),
        format!(
            r#"{{"phonerecords":[{fetched}],"meta":{{"paging":{{"phonerecords":{{"recordCount":1,"pageCount":1,"page":1,"pageSize":50}}}}}}}}"#
        )
    );
    assert_eq!(
        get(&format!(
            "/phonerecords?notes={marker}&fields=id,notes&pageSize=1"
        ))
        .text(),
        format!(
            r#"{{"phonerecords":[{{"id":{id},"notes":"{marker}"}}],"meta":{{"paging":{{"phonerecords":{{"recordCount":1,"pageCount":1,"page":1,"pageSize":1}}}}}}}}"#
        )
    );

    let other = create(&minimal()).id;
    assert_eq!(
        get(&format!("/phonerecords/{other},{id}?fields=id,outcome,links")).text(),
        format!(
            r#"{{"phonerecords":[{{"id":{other},"links":{{}},"outcome":"Call completed"}},{{"id":{id},"links":{{"action":321845,"fromParticipant":8945,"toParticipant":4912}},"outcome":"Call completed"}}]}}"#
        )
    );

    let r = put(
        &format!("/phonerecords/{id}"),
        &json!({"outcome": "Left a message", "phoneNumberType": null, "links": {"fromParticipant": null}}),
    );
    assert_eq!(
        r.text(),
        format!(
            r#"{{"id":{id},"fromParticipantOther":"John Smith","toParticipantOther":"AJ Accountants LLC","direction":"out","phoneNumber":"+44 493 993938","actualHours":0.25,"notes":"{marker}","callTimestamp":"2025-09-17T09:12:32+12:00","outcome":"Left a message","links":{{"action":321845,"toParticipant":4912}}}}"#
        )
    );
    let r = delete(&format!("/phonerecords/{other},{id}"));
    assert_eq!((r.status, r.body.len()), (204, 0));
}

/// No `Accept`, `Accept: */*` and `Accept: application/json` get the same bytes.
#[test]
fn the_plain_form_does_not_depend_on_accept() {
    let marker = format!("plain-{}", nonce());
    let id = create(&golden_body(&marker)).id;
    for path in [
        format!("/phonerecords/{id}"),
        format!("/phonerecords?notes={marker}&sort=-callTimestamp&fields=id,notes,links"),
    ] {
        let (status, bare) = get_without_accept(&path);
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bare));
        let any = get(&path);
        let json = send(
            "GET",
            &path,
            Some(&token()),
            &[("Accept", "application/json")],
            None,
        );
        assert_eq!(any.body, bare, "{path}");
        assert_eq!(json.body, bare, "{path}");
    }
}
