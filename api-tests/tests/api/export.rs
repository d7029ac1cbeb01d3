//! Exports (`Accept: text/csv` or `application/x-ndjson` on the list): the
//! whole view, equal to the same records read page by page through the JSON
//! API, in every order; spreadsheet-safe CSV; errors before any byte as the
//! usual answers; a failure part-way ends the transfer in error, never in a
//! clean, shorter file. The main test server cuts exports into chunks of 7
//! rows (EXPORT_CHUNK_ROWS), so every export here spans several chunks.

use crate::common::*;
use serde_json::{Value, json};
use std::io::Read;

const CSV: &str = "text/csv";
const NDJSON: &str = "application/x-ndjson";

const FIELDS: [&str; 13] = [
    "id",
    "fromParticipantOther",
    "toParticipantOther",
    "direction",
    "phoneNumber",
    "phoneNumberType",
    "actualHours",
    "notes",
    "callTimestamp",
    "outcome",
    "action",
    "fromParticipant",
    "toParticipant",
];

/// Text a spreadsheet or a CSV reader might trip on, in every text field.
const AWKWARD: [&str; 14] = [
    "plain",
    "comma, inside",
    "say \"hello\"",
    "=SUM(A1:A9)",
    "+61 2 9999 0000",
    "-2+3",
    "@cmd",
    "Zoë Ødegaard — 東京 🙂",
    "ends with quote\"",
    " =not first",
    "ann lee",
    "Ann Lee",
    "ANN LEE",
    "'already quoted",
];

/// Notes may hold line breaks and tabs, so they get these too.
const AWKWARD_NOTES: [&str; 4] = ["two\r\nlines", "lf\nonly", "\ttab first", "\rcr first"];

/// Creates the view's records (one batch), all with this action id.
fn seed(action: i64) -> usize {
    let mut records: Vec<Value> = Vec::new();
    for (i, text) in AWKWARD.iter().enumerate() {
        let phone = if text.chars().any(|c| c.is_ascii_digit()) {
            text.to_string()
        } else {
            format!("{text} 5")
        };
        records.push(json!({
            "fromParticipantOther": text,
            "toParticipantOther": if i % 3 == 0 { Value::Null } else { json!(text) },
            "direction": if i % 2 == 0 { "in" } else { "out" },
            "phoneNumber": phone,
            "phoneNumberType": text,
            "actualHours": if i % 4 == 0 { Value::Null } else { json!(0.25 * (i % 5) as f64) },
            "notes": text,
            // Ties in time, and offsets other than Z.
            "callTimestamp": format!("2025-06-{:02}T09:30:00+10:00", 1 + i % 5),
            "outcome": text,
            "links": {"action": action, "fromParticipant": 1 + i % 3},
        }));
    }
    for (i, notes) in AWKWARD_NOTES.iter().enumerate() {
        records.push(json!({
            "direction": "in", "callTimestamp": format!("2025-06-0{}T08:00:00Z", 1 + i),
            "outcome": "Left a message", "notes": notes, "links": {"action": action},
        }));
    }
    let r = post("/phonerecords", &json!({"phonerecords": records}));
    assert_eq!(r.status, 200, "{}", r.text());
    records.len()
}

fn export(path: &str, accept: &str) -> Resp {
    request("GET", path)
        .token(&token())
        .header("Accept", accept)
        .send()
}

/// The view read page by page through the JSON API (pages of 5).
fn pages(query: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for page in 1.. {
        let r = get(&format!("/phonerecords?{query}&pageSize=5&page={page}"));
        assert_eq!(r.status, 200, "{}", r.text());
        let body = r.json();
        out.extend(body["phonerecords"].as_array().unwrap().iter().cloned());
        if body["meta"]["paging"]["phonerecords"]["nextPage"].is_null() {
            break;
        }
    }
    out
}

/// RFC 4180, strictly: rows of (cell, quoted).
fn parse_csv(text: &str) -> Vec<Vec<(String, bool)>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut chars = text.chars().peekable();
    while chars.peek().is_some() {
        let mut cell = String::new();
        let quoted = chars.peek() == Some(&'"');
        if quoted {
            chars.next();
            loop {
                match chars.next().expect("an unterminated quoted cell") {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        cell.push('"');
                    }
                    '"' => break,
                    c => cell.push(c),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == ',' || c == '\r' {
                    break;
                }
                assert!(c != '"' && c != '\n', "a bare {c:?} in an unquoted cell");
                cell.push(c);
                chars.next();
            }
        }
        row.push((cell, quoted));
        match chars.next() {
            Some(',') => {}
            Some('\r') => {
                assert_eq!(chars.next(), Some('\n'), "lines end in CRLF");
                rows.push(std::mem::take(&mut row));
            }
            other => panic!("after a cell: {other:?}"),
        }
    }
    assert!(row.is_empty(), "the last line ends in CRLF");
    rows
}

/// A record's value as the CSV must show it, read back from its cell.
fn cell_value(field: &str, cell: &str, quoted: bool, record: &Value) -> Value {
    let v = if ["action", "fromParticipant", "toParticipant"].contains(&field) {
        &record["links"][field]
    } else {
        &record[field]
    };
    match v {
        Value::Null => {
            assert!(
                cell.is_empty() && !quoted,
                "{field}: absent is an empty cell, got {cell:?}"
            );
            Value::Null
        }
        Value::Number(_) => {
            assert!(!quoted, "{field}: numbers are bare");
            serde_json::from_str(cell).unwrap_or_else(|_| panic!("{field}: {cell:?}"))
        }
        Value::String(s) if field == "callTimestamp" || field == "direction" => {
            assert_eq!(cell, s, "{field}: exactly as stored");
            json!(cell)
        }
        Value::String(s) => {
            assert!(quoted, "{field}: text cells are quoted");
            let formula = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
            match cell.strip_prefix('\'') {
                Some(rest) if formula => json!(rest),
                _ => {
                    assert!(!formula, "{field}: {s:?} is neutralised");
                    json!(cell)
                }
            }
        }
        other => panic!("{field}: {other}"),
    }
}

fn today_utc() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        / 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let (era, doe) = (z.div_euclid(146_097), z.rem_euclid(146_097));
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    format!("{:04}-{m:02}-{d:02}", yoe + era * 400 + i64::from(m <= 2))
}

#[test]
fn csv_and_ndjson_equal_the_pages_of_every_order() {
    let action = 700_000_000 + (nonce() % 100_000_000) as i64;
    let n = seed(action);
    for sort in [
        "",
        "&sort=-callTimestamp",
        "&sort=callTimestamp,-id",
        "&sort=fromParticipantOther,-actualHours",
        "&sort=-toParticipantOther,outcome",
        "&sort=-actualHours,direction",
        "&sort=phoneNumber",
    ] {
        let query = format!("action={action}{sort}");
        let want = pages(&query);
        assert_eq!(want.len(), n, "{query}");
        for base in ["/phonerecords", "/api/rest/phonerecords"] {
            // NDJSON: each line the plain record, in the list's order.
            let r = export(&format!("{base}?{query}"), NDJSON);
            assert_eq!(r.status, 200, "{}", r.text());
            assert_eq!(
                r.header("content-type"),
                Some("application/x-ndjson; charset=utf-8")
            );
            let text = r.text();
            assert!(text.ends_with('\n'));
            let lines: Vec<Value> = text
                .lines()
                .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
                .collect();
            assert_eq!(lines, want, "{base}?{query}: NDJSON");
            assert_eq!(
                r.header("x-expected-bytes"),
                Some(text.len().to_string().as_str())
            );

            // CSV: a header row, then one row per record, every value kept.
            let r = export(&format!("{base}?{query}"), CSV);
            assert_eq!(r.status, 200, "{}", r.text());
            assert_eq!(
                r.header("content-type"),
                Some("text/csv; charset=utf-8; header=present")
            );
            assert_eq!(
                r.header("content-disposition"),
                Some(format!("attachment; filename=\"phonerecords-{}.csv\"", today_utc()).as_str())
            );
            assert_eq!(r.header("x-record-count"), Some(n.to_string().as_str()));
            assert_eq!(
                r.header("x-expected-bytes"),
                Some(r.body.len().to_string().as_str())
            );
            assert_eq!(r.header("cache-control"), Some("no-store"));
            let rows = parse_csv(&r.text());
            let header: Vec<&str> = rows[0].iter().map(|(c, _)| c.as_str()).collect();
            assert_eq!(header, FIELDS);
            assert_eq!(rows.len() - 1, want.len(), "{query}: CSV rows");
            for (row, record) in rows[1..].iter().zip(&want) {
                for ((cell, quoted), field) in row.iter().zip(FIELDS) {
                    let v = cell_value(field, cell, *quoted, record);
                    let stored = if ["action", "fromParticipant", "toParticipant"].contains(&field)
                    {
                        &record["links"][field]
                    } else {
                        &record[field]
                    };
                    assert_eq!(&v, stored, "{query}: {field} of {}", record["id"]);
                }
            }
        }
    }
    // A fieldset chooses the columns, in the contract's order.
    let r = export(
        &format!("/phonerecords?action={action}&fields=notes,action&sort=id"),
        CSV,
    );
    let rows = parse_csv(&r.text());
    assert_eq!(
        rows[0].iter().map(|(c, _)| c.as_str()).collect::<Vec<_>>(),
        ["id", "notes", "action"]
    );
    assert_eq!(rows.len(), n + 1);
    // Filters and search apply as in the list.
    let r = export(
        &format!("/phonerecords?action={action}&q=ann%20lee"),
        NDJSON,
    );
    assert_eq!(r.text().lines().count(), 3, "{}", r.text());
    let r = export(
        &format!("/phonerecords?action={action}&direction=out&notes_like=*%22*"),
        CSV,
    );
    assert_eq!(
        parse_csv(&r.text()).len() - 1,
        pages(&format!("action={action}&direction=out&notes_like=*%22*")).len()
    );
}

#[test]
fn an_empty_view_is_the_header_alone() {
    let r = export(
        "/phonerecords?action=1&outcome=no%20such%20outcome%20anywhere",
        CSV,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.text(), format!("{}\r\n", FIELDS.join(",")));
    assert_eq!(r.header("x-record-count"), Some("0"));
    let r = export(
        "/phonerecords?action=1&outcome=no%20such%20outcome%20anywhere",
        NDJSON,
    );
    assert_eq!((r.status, r.text().as_str()), (200, ""));
}

#[test]
fn accept_chooses_json_unless_an_export_is_preferred() {
    for accept in [
        "*/*",
        "application/json",
        "application/json, text/csv",
        "text/csv;q=0",
    ] {
        let r = export("/phonerecords?pageSize=1", accept);
        assert_eq!(r.status, 200);
        assert!(
            r.header("content-type")
                .unwrap()
                .starts_with("application/json"),
            "{accept}"
        );
    }
    let r = export(
        "/phonerecords?action=1",
        "text/csv;q=0.9, application/json;q=0.5",
    );
    assert!(r.header("content-type").unwrap().starts_with("text/csv"));
}

#[test]
fn bad_queries_and_paging_are_400s_before_any_byte() {
    for (query, code) in [
        ("page=2", "not_for_export"),
        ("pageSize=50", "not_for_export"),
        ("nosuchfield=1", "unknown_parameter"),
        ("sort=nosuch", "invalid_parameter"),
        ("callTimestamp_gt=yesterday", "invalid_parameter"),
    ] {
        let r = export(&format!("/phonerecords?{query}"), CSV);
        let errors = r.errors(400);
        assert!(errors.iter().any(|(_, c)| c == code), "{query}: {errors:?}");
    }
    // Without a token: 401, nothing exported.
    let r = request("GET", "/phonerecords").header("Accept", CSV).send();
    r.errors(401);
}

#[test]
fn a_failure_before_the_first_byte_is_a_500_answer() {
    let r = request("GET", "/phonerecords")
        .to(&base_url())
        .token(&token())
        .header("Accept", CSV)
        .header("X-Phonerecords-Fault", "store")
        .send_allowing_500();
    r.errors(500);
}

/// D1 failing after the answer started (the hook `export` fails every chunk
/// after the first): the transfer ends in error, so no reader mistakes what
/// it got for the whole view.
#[test]
fn a_failure_part_way_ends_the_transfer_in_error() {
    let action = 800_000_000 + (nonce() % 100_000_000) as i64;
    let n = seed(action);
    assert!(n > 7, "more than one chunk");
    let path = format!("{}/phonerecords?action={action}", base_url());
    let resp = ureq::get(&path)
        .set("Authorization", &format!("Bearer {}", token()))
        .set("Accept", CSV)
        .set("X-Phonerecords-Fault", "export")
        .call()
        .expect("the answer starts as a 200");
    assert_eq!(resp.status(), 200);
    let mut body = Vec::new();
    let read = resp.into_reader().read_to_end(&mut body);
    assert!(
        read.is_err(),
        "the transfer must fail, not end cleanly after {} bytes: {}",
        body.len(),
        String::from_utf8_lossy(&body)
    );
    // The same export without the fault is whole.
    let r = export(&format!("/phonerecords?action={action}"), CSV);
    assert_eq!(parse_csv(&r.text()).len(), n + 1);
}

/// The rate-limit test server allows 2 D1 queries per request
/// (D1_QUERIES_PER_REQUEST), less than any export needs: refused before any byte.
#[test]
fn a_view_too_large_for_one_request_is_refused_with_a_reason() {
    let base = std::env::var("PHONERECORDS_RATE_LIMIT_URL").expect("PHONERECORDS_RATE_LIMIT_URL");
    let r = request("GET", "/phonerecords")
        .to(&base)
        .token(&token())
        .header("Accept", CSV)
        .send();
    let errors = r.errors(400);
    assert_eq!(
        errors,
        vec![("export".to_owned(), "export_too_large".to_owned())]
    );
    let detail = r.json()["errors"][0]["detail"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(detail.contains("narrow the view"), "{detail}");
    // The JSON list is unaffected by the limit.
    let r = request("GET", "/phonerecords?pageSize=1")
        .to(&base)
        .token(&token())
        .send();
    assert_eq!(r.status, 200);
}

/// An allowed origin's script can read what an export's download needs.
#[test]
fn allowed_origins_may_read_the_export_headers() {
    let origin = std::env::var("PHONERECORDS_CORS_ORIGIN").expect("PHONERECORDS_CORS_ORIGIN");
    let r = request("GET", "/phonerecords?action=1")
        .token(&token())
        .header("Accept", CSV)
        .header("Origin", &origin)
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some(origin.as_str())
    );
    let exposed = r
        .header("access-control-expose-headers")
        .unwrap_or_default()
        .to_ascii_lowercase();
    for h in ["content-disposition", "x-record-count", "x-expected-bytes"] {
        assert!(exposed.contains(h), "{h} in {exposed}");
    }
}

/// The main test server holds one export to 100 records (EXPORT_MAX_ROWS):
/// a view of 101 is refused before any byte, one of 100 is whole.
#[test]
fn the_operators_record_cap_is_a_400_with_a_reason() {
    let action = 900_000_000 + (nonce() % 100_000_000) as i64;
    let records: Vec<Value> = (0..101)
        .map(|i| {
            json!({"direction": "in", "callTimestamp": "2025-07-01T10:00:00Z",
            "outcome": format!("cap {i}"), "links": {"action": action}})
        })
        .collect();
    // A batch holds at most 100.
    assert_eq!(
        post("/phonerecords", &json!({"phonerecords": records[..100]})).status,
        200
    );
    assert_eq!(post("/phonerecords", &records[100]).status, 200);
    let r = export(&format!("/phonerecords?action={action}"), CSV);
    assert_eq!(
        r.errors(400),
        vec![("export".to_owned(), "export_too_large".to_owned())]
    );
    let detail = r.json()["errors"][0]["detail"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        detail.contains("101 records") && detail.contains("about 100"),
        "{detail}"
    );
    let r = export(
        &format!("/phonerecords?action={action}&outcome_nteq=cap%20100"),
        CSV,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(parse_csv(&r.text()).len(), 101, "the header and 100 rows");
}
