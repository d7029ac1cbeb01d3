//! The SQL of `export.rs` on real SQLite with D1's schema: every export,
//! chunked however small, is byte for byte what a plain Rust rendering of the
//! same records in the list's order gives; text survives a CSV parser; no
//! chunk's string reaches D1's 2 MB limit; chunks after the first start from
//! an index.

use phonerecords_shared::fields::Field;
use phonerecords_shared::query::{FieldSet, ListQuery, Op};
use phonerecords_shared::validate::parse_create;
use rusqlite::types::Value as Db;
use rusqlite::{Connection, params_from_iter};
use serde_json::{Value, json};

use crate::export::{self, ChunkLimits, Format};
use crate::sql::{self, KeyOrder, SqlValue};
use crate::sql_tests::{
    Rng, Stored, applicable, database, expected, filter_value, ids, json_of, params, plan, query,
    seed,
};

/// What an export sends, run chunk after chunk as the Worker does, with how
/// many statements it took (the size statement included).
struct Exported {
    text: String,
    statements: u64,
    records: u64,
    bytes: u64,
}

fn run_export(c: &Connection, q: &ListQuery, format: Format, limits: ChunkLimits) -> Exported {
    let size = export::size(q, format);
    let (records, bytes) = c
        .query_row(&size.sql, params_from_iter(params(&size)), |r| {
            Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64))
        })
        .unwrap_or_else(|e| panic!("{e}: {}", size.sql));
    let keys = q.order();
    let mut text = export::preamble(format, q.fields.as_ref());
    let mut statements = 1;
    let mut after: Option<Vec<SqlValue>> = None;
    loop {
        let stmt = export::chunk(q, format, after.as_deref(), limits);
        statements += 1;
        let (body, n, fetched, last) = c
            .query_row(&stmt.sql, params_from_iter(params(&stmt)), |r| {
                let last: Vec<SqlValue> = keys
                    .iter()
                    .enumerate()
                    .map(|(i, k)| {
                        let (number, text) = match r.get::<_, Db>(3 + i).unwrap() {
                            Db::Integer(n) => (Some(n as f64), None),
                            Db::Real(x) => (Some(x), None),
                            Db::Text(t) => (None, Some(t)),
                            Db::Null | Db::Blob(_) => (None, None),
                        };
                        export::key_value(k.field, number, text)
                    })
                    .collect();
                Ok((
                    r.get::<_, Option<String>>(0)?,
                    r.get::<_, i64>(1)? as u64,
                    r.get::<_, i64>(2)? as u64,
                    last,
                ))
            })
            .unwrap_or_else(|e| panic!("{e}: {}", stmt.sql));
        let body = body.unwrap_or_default();
        assert!(
            n <= 1 || body.len() <= limits.bytes as usize,
            "a chunk of {n} lines holds {} bytes, over {}",
            body.len(),
            limits.bytes
        );
        text.push_str(&body);
        if n > 0 {
            after = Some(last);
        }
        if !export::more_after(n, fetched, limits) {
            break;
        }
    }
    Exported {
        text,
        statements,
        records,
        bytes,
    }
}

/// The reference: the records the list would show (every page, in order),
/// each written in Rust from the record's JSON.
fn reference(c: &Connection, records: &[Stored], q: &ListQuery, format: Format) -> (String, usize) {
    let mut all = q.clone();
    all.page.page = 1;
    all.page.page_size = u32::MAX;
    let (order, _) = expected(records, &all);
    let mut out = export::preamble(format, q.fields.as_ref());
    for id in &order {
        let json = &json_of(c, &sql::get(*id, KeyOrder::Name, q.fields.as_ref()))[0];
        match format {
            Format::Ndjson => {
                out.push_str(json);
                out.push('\n');
            }
            Format::Csv => {
                let record: Value = serde_json::from_str(json).unwrap();
                let cells: Vec<String> = Field::ALL
                    .into_iter()
                    .filter(|f| q.fields.as_ref().is_none_or(|s| s.includes(*f)))
                    .map(|f| {
                        let v = if f.is_link() {
                            &record["links"][f.name()]
                        } else {
                            &record[f.name()]
                        };
                        csv_cell(f, v)
                    })
                    .collect();
                out.push_str(&cells.join(","));
                out.push_str("\r\n");
            }
        }
    }
    (out, order.len())
}

/// A cell as the README describes it, written independently of the SQL.
fn csv_cell(field: Field, v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if matches!(field, Field::CallTimestamp | Field::Direction) => s.clone(),
        Value::String(s) => {
            let guarded = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                format!("'{s}")
            } else {
                s.clone()
            };
            format!("\"{}\"", guarded.replace('"', "\"\""))
        }
        other => panic!("{field:?}: {other}"),
    }
}

/// RFC 4180, strictly: rows of cells, and whether each cell was quoted.
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

const CHUNKINGS: [ChunkLimits; 4] = [
    ChunkLimits {
        rows: 1,
        bytes: 1_800_000,
    },
    ChunkLimits {
        rows: 7,
        bytes: 1_800_000,
    },
    ChunkLimits {
        rows: 5000,
        bytes: 700,
    },
    ChunkLimits { rows: 4, bytes: 1 },
];

#[test]
fn exports_of_random_views_equal_the_list_in_any_chunking() {
    let c = database();
    let mut rng = Rng(0x5EED_0E01);
    let records = seed(&c, &mut rng, 120);
    let pairs: Vec<(Field, Op)> = Field::ALL
        .into_iter()
        .flat_map(|f| Op::ALL.into_iter().map(move |o| (f, o)))
        .filter(|(f, o)| applicable(*f, *o))
        .collect();
    let mut lines = 0;
    for round in 0..160 {
        let mut ps: Vec<(String, String)> = Vec::new();
        if rng.chance(60) {
            let (f, op) = *rng.pick(&pairs);
            ps.push((
                format!("{}_{}", f.name(), op.suffix()),
                filter_value(&mut rng, &records, f, op),
            ));
        }
        if rng.chance(20) {
            ps.push((
                "q".into(),
                rng.pick(&["invoice", "ann", "555", "ü", "e"]).to_string(),
            ));
        }
        if rng.chance(85) {
            let mut keys: Vec<String> = Vec::new();
            for _ in 0..1 + rng.below(3) {
                let f = *rng.pick(&Field::ALL);
                if !keys.iter().any(|k| k.trim_start_matches('-') == f.name()) {
                    keys.push(format!(
                        "{}{}",
                        if rng.chance(50) { "-" } else { "" },
                        f.name()
                    ));
                }
            }
            ps.push(("sort".into(), keys.join(",")));
        }
        if rng.chance(25) {
            let set = FieldSet::new([*rng.pick(&Field::ALL), *rng.pick(&Field::ALL)]);
            ps.push(("fields".into(), set.to_param()));
        }
        let q = query(&ps);
        let format = if round % 2 == 0 {
            Format::Csv
        } else {
            Format::Ndjson
        };
        let (want, n) = reference(&c, &records, &q, format);
        lines += n;
        for limits in CHUNKINGS {
            let got = run_export(&c, &q, format, limits);
            assert_eq!(got.text, want, "{ps:?} {format:?} {limits:?}");
            assert_eq!(got.records, n as u64, "{ps:?}");
            let preamble = export::preamble(format, q.fields.as_ref()).len() as u64;
            assert_eq!(
                got.bytes + preamble,
                want.len() as u64,
                "{ps:?}: the size's bytes"
            );
            assert!(
                got.statements <= 1 + export::statements_needed(got.records, got.bytes, limits),
                "{ps:?} {limits:?}: {} statements",
                got.statements
            );
        }
    }
    assert!(lines > 3000, "the views mostly hold records: {lines}");
}

#[test]
fn csv_cells_are_quoted_and_spreadsheet_safe() {
    let c = database();
    let awkward = [
        "comma, inside",
        "say \"hello\"",
        "two\r\nlines",
        "lf\nonly",
        "\ttab first",
        "\rcr first",
        "=SUM(A1:A9)",
        "+61 2 9999 0000",
        "-2+3",
        "@cmd",
        "Zoë Ødegaard — 東京 🙂",
        "ends with quote\"",
        " =not first",
    ];
    // One-line fields refuse line breaks and control characters; notes take them.
    let one_line = |text: &str| text.replace(['\r', '\n', '\t'], " ");
    let mut stored = Vec::new();
    for (i, text) in awkward.iter().enumerate() {
        let line = one_line(text);
        let body = json!({
            "direction": "in",
            "callTimestamp": format!("2025-04-{:02}T10:00:00+10:00", i + 1),
            "outcome": line,
            "notes": text,
            "fromParticipantOther": line,
            "toParticipantOther": line,
            "phoneNumber": format!("{line}5"),
            "phoneNumberType": line,
            "actualHours": 0.1 * i as f64,
            "links": {"action": i + 1},
        });
        let rec = parse_create(&body).unwrap();
        stored.push(ids(&c, &sql::insert(&rec))[0]);
    }
    let q = query(&[]);
    let got = run_export(
        &c,
        &q,
        Format::Csv,
        ChunkLimits {
            rows: 3,
            bytes: 1_800_000,
        },
    );
    let rows = parse_csv(&got.text);
    assert_eq!(rows.len(), 1 + awkward.len());
    let header: Vec<&str> = rows[0].iter().map(|(c, _)| c.as_str()).collect();
    let names: Vec<&str> = Field::ALL.iter().map(|f| f.name()).collect();
    assert_eq!(header, names);
    for (row, text) in rows[1..].iter().zip(awkward) {
        for field in [
            Field::FromParticipantOther,
            Field::ToParticipantOther,
            Field::PhoneNumber,
            Field::PhoneNumberType,
            Field::Notes,
            Field::Outcome,
        ] {
            let i = Field::ALL.iter().position(|f| *f == field).unwrap();
            let (cell, quoted) = &row[i];
            assert!(quoted, "{field:?}: text cells are quoted");
            let text = match field {
                Field::Notes => text.to_string(),
                Field::PhoneNumber => format!("{}5", one_line(text)),
                _ => one_line(text),
            };
            if text.starts_with(export::FORMULA_STARTS) {
                assert_eq!(cell, &format!("'{text}"), "{field:?}: neutralised");
            } else {
                assert_eq!(cell, &text, "{field:?}: kept as it is");
            }
        }
        let ts = Field::ALL
            .iter()
            .position(|f| *f == Field::CallTimestamp)
            .unwrap();
        assert!(row[ts].0.starts_with("2025-04-") && row[ts].0.ends_with("+10:00"));
    }
    // Nothing the export wrote starts a cell a spreadsheet would run.
    for row in &rows[1..] {
        for (cell, _) in row {
            assert!(!cell.starts_with(export::FORMULA_STARTS), "{cell:?}");
        }
    }
    // An empty view is the header alone.
    let none = run_export(
        &c,
        &query(&[("outcome".into(), "no such".into())]),
        Format::Csv,
        export::CHUNK,
    );
    assert_eq!(none.text, export::preamble(Format::Csv, None));
    assert_eq!((none.records, none.bytes, none.statements), (0, 0, 2));
    let none = run_export(
        &c,
        &query(&[("outcome".into(), "no such".into())]),
        Format::Ndjson,
        export::CHUNK,
    );
    assert_eq!(none.text, "");
}

/// D1 refuses any string over 2 MB: chunks of the longest records stay under
/// it, where one string of every record would not.
#[test]
fn chunks_stay_under_d1s_string_limit() {
    let c = database();
    c.set_limit(rusqlite::limits::Limit::SQLITE_LIMIT_LENGTH, 2_000_000)
        .unwrap();
    let notes = "\"é\t".repeat(3333);
    for i in 0..300 {
        let body = json!({"direction": "out", "callTimestamp": format!("2025-05-01T00:00:{:02}Z", i % 60),
            "outcome": "long", "notes": notes});
        ids(&c, &sql::insert(&parse_create(&body).unwrap()));
    }
    for format in [Format::Csv, Format::Ndjson] {
        let got = run_export(
            &c,
            &query(&[("sort".into(), "-callTimestamp".into())]),
            format,
            export::CHUNK,
        );
        assert_eq!(
            got.text.len() as u64,
            got.bytes + export::preamble(format, None).len() as u64
        );
        assert!(
            got.bytes > 4_000_000,
            "{format:?}: the whole export is over the limit"
        );
        assert!(got.statements > 3, "{format:?}: so it took several chunks");
    }
}

/// A chunk after the first starts where the last one stopped, through the
/// index of the order (the default and the UI's), not from the table's start.
#[test]
fn later_chunks_seek_through_an_index() {
    let c = database();
    let mut rng = Rng(0x5EED_0E02);
    seed(&c, &mut rng, 200);
    for (sort, after) in [
        (None, vec![SqlValue::Int(50)]),
        (
            Some("-callTimestamp"),
            vec![SqlValue::Int(1_742_000_000_000), SqlValue::Int(50)],
        ),
        (
            Some("callTimestamp"),
            vec![SqlValue::Int(1_742_000_000_000), SqlValue::Int(50)],
        ),
    ] {
        let ps: Vec<(String, String)> = sort
            .map(|s| ("sort".to_owned(), s.to_owned()))
            .into_iter()
            .collect();
        let stmt = export::chunk(&query(&ps), Format::Csv, Some(&after), export::CHUNK);
        let p = plan(&c, &stmt);
        let page = p
            .lines()
            .find(|l| l.contains("phone_records"))
            .unwrap_or_default();
        assert!(page.contains("SEARCH"), "sort={sort:?}: {p}");
    }
}
