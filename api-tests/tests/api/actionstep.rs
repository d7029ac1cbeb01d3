//! Drop-in for Actionstep clients: wrapped bodies, the `application/vnd.api+json`
//! envelope with link templates, and the `/api/rest/` prefix; and the plain
//! form pinned byte for byte.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::common::*;
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
    let mut body = contract_example();
    body["notes"] = json!(marker);
    body
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
        get(&format!(
            "/phonerecords/{other},{id}?fields=id,outcome,links"
        ))
        .text(),
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

/// No `Accept`, `Accept: */*` and `Accept: application/json` get the same
/// bytes, and so does the same request under `/api/rest/`.
#[test]
fn the_plain_form_does_not_depend_on_accept_or_prefix() {
    let marker = format!("plain-{}", nonce());
    let id = create(&golden_body(&marker)).id;
    let other = create(&minimal()).id;
    for path in [
        format!("/phonerecords/{id}"),
        format!("/phonerecords/{id},{other}?fields=id,notes,links"),
        format!("/phonerecords?notes={marker}&sort=-callTimestamp&fields=id,notes,links"),
    ] {
        let (status, bare) = get_without_accept(&path);
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bare));
        let any = get(&path);
        let json = request("GET", &path)
            .token(&token())
            .header("Accept", "application/json")
            .send();
        assert_eq!(any.body, bare, "{path}");
        assert_eq!(json.body, bare, "{path}");
        assert_eq!(
            json.header("content-type"),
            Some("application/json; charset=utf-8")
        );
        let (status, prefixed) = get_without_accept(&format!("/api/rest{path}"));
        assert_eq!(status, 200);
        assert_eq!(
            String::from_utf8_lossy(&prefixed),
            String::from_utf8_lossy(&bare),
            "/api/rest{path}"
        );
    }
}

const VND: &str = "application/vnd.api+json";
const API: &str = "/api/rest/phonerecords";

/// A request as an Actionstep client sends it: its media type both ways.
fn actionstep(method: &str, path: &str, body: Option<&Value>) -> Resp {
    let bytes = body.map(|b| serde_json::to_vec(b).unwrap());
    let mut headers = vec![("Accept", VND)];
    if bytes.is_some() {
        headers.push(("Content-Type", VND));
    }
    request(method, path)
        .token(&token())
        .headers(&headers)
        .maybe_body(bytes.as_deref())
        .send()
}

/// The link templates, with this service's own `/api/rest` as the base
/// (wrangler.toml leaves `ACTIONSTEP_API_BASE` empty).
fn link_templates() -> Value {
    let base = format!("{}/api/rest", base_url());
    json!({
        "phonerecords.action": {"href": format!("{base}/actions/{{phonerecords.action}}"), "type": "actions"},
        "phonerecords.fromParticipant": {"href": format!("{base}/participants/{{phonerecords.fromParticipant}}"), "type": "participants"},
        "phonerecords.toParticipant": {"href": format!("{base}/participants/{{phonerecords.toParticipant}}"), "type": "participants"},
    })
}

/// The body of an enveloped 200, after checking its media type and link templates.
fn envelope(r: &Resp) -> Value {
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("content-type"), Some(VND));
    assert_eq!(r.header("vary"), Some("Accept"));
    let v = r.json();
    assert_eq!(v["links"], link_templates(), "{v}");
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    keys.retain(|k| *k != "meta");
    assert_eq!(keys, ["links", "phonerecords"], "{v}");
    assert!(
        r.text().starts_with("{\"links\":"),
        "links come first: {}",
        r.text()
    );
    v
}

/// A valid record told apart by `phoneNumberType`, with this outcome and day of September 2025.
fn marked(marker: &str, outcome: &str, day: u32) -> Value {
    json!({
        "direction": "out",
        "callTimestamp": format!("2025-09-{day:02}T09:12:32+12:00"),
        "outcome": outcome,
        "phoneNumberType": marker,
        "actualHours": "0.25",
        "links": {"action": 321845, "toParticipant": 4912}
    })
}

fn count_marked(marker: &str) -> u64 {
    let r = get(&format!(
        "/phonerecords?phoneNumberType={marker}&pageSize=1"
    ));
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()["meta"]["paging"]["phonerecords"]["recordCount"]
        .as_u64()
        .unwrap()
}

#[test]
fn create_bare_or_wrapped_one_record() {
    let marker = format!("one-{}", nonce());
    let bare = post("/phonerecords", &marked(&marker, "bare", 1));
    let wrapped = post(
        "/phonerecords",
        &json!({"phonerecords": marked(&marker, "wrapped", 1)}),
    );
    for (r, outcome) in [(&bare, "bare"), (&wrapped, "wrapped")] {
        let rec = r.record();
        assert_eq!(rec.outcome, outcome);
        assert_eq!(
            r.header("location"),
            Some(format!("{}/phonerecords/{}", base_url(), rec.id).as_str())
        );
    }
    let mut a = bare.json();
    let mut b = wrapped.json();
    for v in [&mut a, &mut b] {
        let obj = v.as_object_mut().unwrap();
        obj.remove("id");
        obj.remove("outcome");
    }
    assert_eq!(a, b, "the same record either way");

    // Either body form, answered in the envelope.
    for body in [
        marked(&marker, "enveloped", 2),
        json!({"phonerecords": marked(&marker, "enveloped", 2)}),
    ] {
        let r = actionstep("POST", "/phonerecords", Some(&body));
        let location = r.header("location").expect("Location").to_owned();
        let v = envelope(&r);
        let id = v["phonerecords"]["id"].as_i64().unwrap();
        assert_eq!(location, format!("{}/phonerecords/{id}", base_url()));
        assert_eq!(v["phonerecords"]["outcome"], "enveloped");
        assert_eq!(
            v["phonerecords"]["links"],
            json!({"action": 321845, "toParticipant": 4912}),
            "records keep their link ids"
        );
        assert_eq!(
            get(&format!("/phonerecords/{id}")).json(),
            v["phonerecords"]
        );
    }
    assert_eq!(count_marked(&marker), 4);
}

#[test]
fn create_several_at_once_in_order() {
    let marker = format!("many-{}", nonce());
    let body = json!({"phonerecords": [
        marked(&marker, "first", 3),
        marked(&marker, "second", 1),
        marked(&marker, "third", 2),
    ]});
    let r = post("/phonerecords", &body);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        r.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    assert!(
        r.header("location").is_none(),
        "a batch has no one Location"
    );
    let v = r.json();
    assert_eq!(
        v.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["phonerecords"]
    );
    let records = v["phonerecords"].as_array().unwrap();
    let outcomes: Vec<&str> = records
        .iter()
        .map(|r| r["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["first", "second", "third"], "in the order sent");
    let ids = ids_of(&v["phonerecords"]);
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
    for rec in records {
        assert_eq!(&get(&format!("/phonerecords/{}", rec["id"])).json(), rec);
    }

    // In the envelope, and an array of one is still an array.
    let r = actionstep(
        "POST",
        API,
        Some(&json!({"phonerecords": [marked(&marker, "alone", 4)]})),
    );
    assert!(r.header("location").is_none());
    let v = envelope(&r);
    assert_eq!(v["phonerecords"].as_array().unwrap().len(), 1);
    assert_eq!(v["phonerecords"][0]["outcome"], "alone");
    assert_eq!(count_marked(&marker), 4);
}

#[test]
fn a_batch_is_all_or_none() {
    let marker = format!("atomic-{}", nonce());
    let mut no_outcome = marked(&marker, "x", 2);
    no_outcome.as_object_mut().unwrap().remove("outcome");
    let mut bad_link = marked(&marker, "x", 3);
    bad_link["links"]["action"] = json!(0);
    let body = json!({"phonerecords": [marked(&marker, "fine", 1), no_outcome, bad_link, "x"]});
    for r in [
        post("/phonerecords", &body),
        actionstep("POST", API, Some(&body)),
    ] {
        assert_eq!(
            r.errors(422),
            vec![
                (
                    "phonerecords[1].outcome".to_string(),
                    "required".to_string()
                ),
                ("phonerecords[2].links.action".into(), "out_of_range".into()),
                ("phonerecords[3]".into(), "invalid_type".into()),
            ]
        );
    }
    assert_eq!(
        count_marked(&marker),
        0,
        "nothing stored, not even the fine one"
    );

    assert_eq!(
        post("/phonerecords", &json!({"phonerecords": []})).errors(422),
        vec![("phonerecords".to_string(), "empty".to_string())]
    );
    let many: Vec<Value> = (0..101).map(|_| marked(&marker, "x", 1)).collect();
    let r = post("/phonerecords", &json!({"phonerecords": many}));
    assert_eq!(
        r.errors(422),
        vec![("phonerecords".to_string(), "too_many".to_string())]
    );
    assert!(r.text().contains("at most 100"), "{}", r.text());
    // The body limit still applies to a batch.
    let mut big = marked(&marker, "x", 1);
    big["notes"] = json!("n".repeat(700));
    let r = post("/phonerecords", &json!({"phonerecords": vec![big; 100]}));
    assert_eq!(r.errors(413)[0].1, "payload_too_large");
    assert_eq!(count_marked(&marker), 0);

    // The largest batch is stored whole.
    let hundred: Vec<Value> = (0..100).map(|_| marked(&marker, "x", 1)).collect();
    let r = post("/phonerecords", &json!({"phonerecords": hundred}));
    assert_eq!(ids_of(&r.json()["phonerecords"]).len(), 100, "{}", r.text());
    assert_eq!(count_marked(&marker), 100);
}

#[test]
fn wrapped_bodies_report_problems_where_they_are() {
    let before = record_count();
    let errs = post(
        "/phonerecords",
        &json!({"phonerecords": {"direction": "in", "outcom": "x"}}),
    )
    .errors(422);
    assert_eq!(
        errs,
        vec![
            (
                "phonerecords.outcom".to_string(),
                "unknown_field".to_string()
            ),
            ("phonerecords.callTimestamp".into(), "required".into()),
            ("phonerecords.outcome".into(), "required".into()),
        ]
    );
    for inner in [json!(null), json!("x"), json!(5)] {
        let errs = post("/phonerecords", &json!({"phonerecords": inner})).errors(422);
        assert_eq!(
            errs,
            vec![("phonerecords".to_string(), "invalid_type".to_string())]
        );
    }
    let mut stray = minimal();
    stray["phonerecords"] = minimal();
    let r = post("/phonerecords", &stray);
    assert_eq!(
        r.errors(422),
        vec![("phonerecords".to_string(), "unknown_field".to_string())]
    );
    assert!(r.text().contains("one key"), "{}", r.text());
    assert_eq!(record_count(), before);
}

#[test]
fn update_bare_or_wrapped() {
    let marker = format!("put-{}", nonce());
    let rec = create(&marked(&marker, "Call completed", 1));
    let path = format!("/phonerecords/{}", rec.id);
    let bare = put(&path, &json!({"notes": "bare"})).json();
    assert_eq!(bare["notes"], "bare");
    let wrapped = put(
        &path,
        &json!({"phonerecords": {"notes": "wrapped", "links": {"toParticipant": null}}}),
    );
    let wrapped = wrapped.json();
    assert_eq!(wrapped["notes"], "wrapped");
    assert_eq!(wrapped["links"], json!({"action": 321845}));
    assert_eq!(get(&path).json(), wrapped);

    let v = envelope(&actionstep(
        "PUT",
        &format!("{API}/{}", rec.id),
        Some(&json!({"phonerecords": {"outcome": "Left a message"}})),
    ));
    assert_eq!(v["phonerecords"]["outcome"], "Left a message");
    assert_eq!(v["phonerecords"]["notes"], "wrapped");
    assert_eq!(v["phonerecords"], get(&path).json());
    let v = envelope(&actionstep("PUT", &path, Some(&json!({"notes": null}))));
    assert!(v["phonerecords"].get("notes").is_none());

    let errs = put(&path, &json!({"phonerecords": [{"outcome": "x"}]})).errors(422);
    assert_eq!(
        errs,
        vec![("phonerecords".to_string(), "invalid_type".to_string())]
    );
    let errs = actionstep(
        "PUT",
        &path,
        Some(&json!({"phonerecords": {"outcome": null}})),
    )
    .errors(422);
    assert_eq!(
        errs,
        vec![(
            "phonerecords.outcome".to_string(),
            "cannot_clear".to_string()
        )]
    );
    assert_eq!(
        get(&path).json(),
        v["phonerecords"],
        "a refused update changes nothing"
    );
}

#[test]
fn reads_in_the_envelope() {
    let marker = format!("read-{}", nonce());
    let a = create(&marked(&marker, "a", 1));
    let b = create(&marked(&marker, "b", 2));
    let one = envelope(&actionstep("GET", &format!("/phonerecords/{}", a.id), None));
    assert_eq!(
        one["phonerecords"],
        get(&format!("/phonerecords/{}", a.id)).json()
    );
    assert!(one.get("meta").is_none());

    let fields = envelope(&actionstep(
        "GET",
        &format!("/phonerecords/{}?fields=outcome", a.id),
        None,
    ));
    assert_eq!(fields["phonerecords"], json!({"id": a.id, "outcome": "a"}));

    let several = envelope(&actionstep(
        "GET",
        &format!("/phonerecords/{},{}?fields[phonerecords]=links", b.id, a.id),
        None,
    ));
    assert_eq!(
        several["phonerecords"],
        json!([
            {"id": b.id, "links": {"action": 321845, "toParticipant": 4912}},
            {"id": a.id, "links": {"action": 321845, "toParticipant": 4912}},
        ])
    );
    assert!(several.get("meta").is_none());

    // A list: the same records and the same meta.paging as the plain form.
    let query = format!("?phoneNumberType={marker}&sort=-callTimestamp&pageSize=1&page=2");
    let plain = get(&format!("/phonerecords{query}")).json();
    let list = envelope(&actionstep("GET", &format!("/phonerecords{query}"), None));
    assert_eq!(list["phonerecords"], plain["phonerecords"]);
    assert_eq!(list["meta"], plain["meta"]);
    assert_eq!(ids_of(&list["phonerecords"]), [a.id]);
    let paging = &list["meta"]["paging"]["phonerecords"];
    assert_eq!(
        (paging["recordCount"].as_u64(), paging["pageCount"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(
        paging["prevPage"],
        format!(
            "{}/phonerecords?phoneNumberType={marker}&sort=-callTimestamp&pageSize=1&page=1",
            base_url()
        )
    );

    // An empty page is an empty array.
    let empty = envelope(&actionstep(
        "GET",
        &format!("/phonerecords?phoneNumberType=none-{marker}"),
        None,
    ));
    assert_eq!(empty["phonerecords"], json!([]));
    assert_eq!(empty["meta"]["paging"]["phonerecords"]["recordCount"], 0);
}

#[test]
fn errors_keep_their_envelope_when_actionstep_asks() {
    let id = create(&minimal()).id;
    assert_eq!(
        actionstep("DELETE", &format!("{API}/{id}"), None).status,
        204
    );
    let path = format!("{API}/{id}");
    assert_eq!(
        actionstep("GET", &path, None).errors(404),
        vec![("id".to_string(), "not_found".to_string())]
    );
    actionstep(
        "PUT",
        &path,
        Some(&json!({"phonerecords": {"outcome": "x"}})),
    )
    .errors(404);
    actionstep("DELETE", &path, None).errors(404);
    actionstep("GET", &format!("{API}?pageSize=0"), None).errors(400);
    actionstep("PATCH", &path, None).errors(405);
    let r = request("GET", API).header("Accept", VND).send();
    r.errors(401);
    assert!(r.header("www-authenticate").is_some());
}

#[test]
fn the_prefix_is_kept_in_every_url_we_answer_with() {
    let marker = format!("prefix-{}", nonce());
    let body = json!({"phonerecords": [marked(&marker, "a", 1), marked(&marker, "b", 2), marked(&marker, "c", 3)]});
    assert_eq!(post(API, &body).status, 200);
    let r = post(&format!("{API}/"), &marked(&marker, "d", 4));
    let id = r.record().id;
    assert_eq!(
        r.header("location"),
        Some(format!("{}{API}/{id}", base_url()).as_str())
    );
    let page = get(&format!("{API}/?phoneNumberType={marker}&pageSize=2")).json();
    let paging = &page["meta"]["paging"]["phonerecords"];
    assert_eq!(paging["recordCount"], 4);
    assert_eq!(
        paging["nextPage"],
        format!(
            "{}{API}/?phoneNumberType={marker}&pageSize=2&page=2",
            base_url()
        )
    );
    let page = envelope(&actionstep(
        "GET",
        &format!("{API}?phoneNumberType={marker}&pageSize=2&page=2"),
        None,
    ));
    assert_eq!(
        page["meta"]["paging"]["phonerecords"]["prevPage"],
        format!(
            "{}{API}?phoneNumberType={marker}&pageSize=2&page=1",
            base_url()
        )
    );
    assert_eq!(get(&format!("{API}/{id}/")).json()["id"], id);
}

#[test]
fn delete_in_either_form_is_204_without_a_body() {
    let a = create(&minimal()).id;
    let b = create(&minimal()).id;
    let c = create(&minimal()).id;
    let r = actionstep("DELETE", &format!("{API}/{a},{b}"), None);
    assert_eq!((r.status, r.body.len()), (204, 0));
    let r = actionstep("DELETE", &format!("/phonerecords/{c}"), None);
    assert_eq!((r.status, r.body.len()), (204, 0));
    for id in [a, b, c] {
        get(&format!("/phonerecords/{id}")).errors(404);
    }
}

/// What "drop-in" means: a client written for Actionstep — wrapped bodies,
/// its media type, the `/api/rest/` prefix, its sort, fieldset and paging
/// parameters — does every operation here with only the host changed.
#[test]
fn an_actionstep_client_works_unchanged() {
    let marker = format!("client-{}", nonce());

    // Create several at once, then one more.
    let batch: Vec<Value> = (1..=5)
        .map(|day| marked(&marker, &format!("Call {day}"), day))
        .collect();
    let created = envelope(&actionstep(
        "POST",
        API,
        Some(&json!({"phonerecords": batch})),
    ));
    let mut ids = ids_of(&created["phonerecords"]);
    assert_eq!(ids.len(), 5);
    let r = actionstep(
        "POST",
        API,
        Some(&json!({"phonerecords": marked(&marker, "Call 6", 6)})),
    );
    let location = r.header("location").expect("Location").to_owned();
    let sixth = envelope(&r)["phonerecords"].clone();
    let sixth_id = sixth["id"].as_i64().unwrap();
    assert_eq!(location, format!("{}{API}/{sixth_id}", base_url()));
    ids.push(sixth_id);

    // List newest first, two at a time, a few fields, following nextPage.
    let mut url = format!(
        "{API}?phoneNumberType={marker}&sort=-callTimestamp&fields=callTimestamp,outcome,links&page=1&pageSize=2"
    );
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let page = envelope(&actionstep("GET", &url, None));
        pages += 1;
        let paging = &page["meta"]["paging"]["phonerecords"];
        assert_eq!(
            (
                paging["recordCount"].as_u64(),
                paging["pageCount"].as_u64(),
                paging["page"].as_u64(),
                paging["pageSize"].as_u64()
            ),
            (Some(6), Some(3), Some(pages), Some(2))
        );
        for rec in page["phonerecords"].as_array().unwrap() {
            let mut keys: Vec<&str> = rec
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            keys.sort();
            assert_eq!(keys, ["callTimestamp", "id", "links", "outcome"], "{rec}");
            seen.push(rec["id"].as_i64().unwrap());
        }
        match paging["nextPage"].as_str() {
            Some(next) => {
                url = next
                    .strip_prefix(&base_url())
                    .unwrap_or_else(|| panic!("{next} is not on this server"))
                    .to_owned();
                assert!(url.starts_with(&format!("{API}?")), "{url}");
            }
            None => break,
        }
    }
    let newest_first: Vec<i64> = ids.iter().rev().copied().collect();
    assert_eq!(seen, newest_first);

    // Read one, and several.
    let one = envelope(&actionstep("GET", &format!("{API}/{sixth_id}"), None));
    assert_eq!(one["phonerecords"], sixth);
    let two = envelope(&actionstep(
        "GET",
        &format!("{API}/{},{}", ids[2], ids[0]),
        None,
    ));
    assert_eq!(ids_of(&two["phonerecords"]), [ids[2], ids[0]]);
    assert_eq!(two["phonerecords"][1], created["phonerecords"][0]);

    // Update.
    let updated = envelope(&actionstep(
        "PUT",
        &format!("{API}/{sixth_id}"),
        Some(&json!({"phonerecords": {
            "outcome": "Left a message",
            "notes": "Will call back",
            "links": {"toParticipant": null, "fromParticipant": 8945}
        }})),
    ));
    let rec = &updated["phonerecords"];
    assert_eq!(rec["outcome"], "Left a message");
    assert_eq!(rec["notes"], "Will call back");
    assert_eq!(
        rec["links"],
        json!({"action": 321845, "fromParticipant": 8945})
    );
    assert_eq!(rec["callTimestamp"], sixth["callTimestamp"]);
    assert_eq!(
        envelope(&actionstep("GET", &format!("{API}/{sixth_id}"), None))["phonerecords"],
        *rec
    );

    // Delete them all.
    let all: Vec<String> = ids.iter().map(i64::to_string).collect();
    let r = actionstep("DELETE", &format!("{API}/{}", all.join(",")), None);
    assert_eq!((r.status, r.body.len()), (204, 0));
    actionstep("GET", &format!("{API}/{sixth_id}"), None).errors(404);
    assert_eq!(count_marked(&marker), 0);
}
