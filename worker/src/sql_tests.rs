//! The SQL of `sql.rs`, run on real SQLite with D1's schema (the migrations),
//! checked against a plain Rust computation of the same answer, and its query
//! plans checked for full-table scans.

use phonerecords_shared::CreatePhoneRecord;
use phonerecords_shared::fields::{Field, FieldKind};
use phonerecords_shared::query::{
    Comparison, Condition, Filter, ListQuery, Op, SEARCHED, Scalar, SortKey,
};
use phonerecords_shared::validate::parse_create;
use rusqlite::types::Value as Db;
use rusqlite::{Connection, params_from_iter};
use serde_json::{Value, json};
use std::cmp::Ordering;

use crate::sql::{self, SqlValue, Statement};

const MIGRATIONS: [&str; 7] = [
    include_str!("../../migrations/0001_create_phone_records.sql"),
    include_str!("../../migrations/0002_index_documented_filters.sql"),
    include_str!("../../migrations/0003_record_count.sql"),
    include_str!("../../migrations/0004_search_index.sql"),
    include_str!("../../migrations/0005_versions_and_idempotency.sql"),
    include_str!("../../migrations/0006_search_index_in_batches.sql"),
    include_str!("../../migrations/0007_data_version.sql"),
];

pub(crate) fn database() -> Connection {
    let c = Connection::open_in_memory().unwrap();
    for m in MIGRATIONS {
        c.execute_batch(m).unwrap();
    }
    c
}

pub(crate) fn params(stmt: &Statement) -> Vec<Db> {
    stmt.params
        .iter()
        .map(|v| match v {
            SqlValue::Null => Db::Null,
            SqlValue::Int(n) => Db::Integer(*n),
            SqlValue::Real(r) => Db::Real(*r),
            SqlValue::Text(t) => Db::Text(t.clone()),
        })
        .collect()
}

/// One column of every row, in order.
pub(crate) fn column<T: rusqlite::types::FromSql>(
    c: &Connection,
    stmt: &Statement,
    index: usize,
) -> Vec<T> {
    let mut q = c
        .prepare(&stmt.sql)
        .unwrap_or_else(|e| panic!("{e}: {}", stmt.sql));
    q.query_map(params_from_iter(params(stmt)), |r| r.get::<_, T>(index))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// The first column of every row (the id, for record statements).
pub(crate) fn ids(c: &Connection, stmt: &Statement) -> Vec<i64> {
    column(c, stmt, 0)
}

pub(crate) fn plan(c: &Connection, stmt: &Statement) -> String {
    let mut q = c
        .prepare(&format!("EXPLAIN QUERY PLAN {}", stmt.sql))
        .unwrap();
    q.query_map(params_from_iter(params(stmt)), |r| r.get::<_, String>(3))
        .unwrap()
        .map(Result::unwrap)
        .collect::<Vec<_>>()
        .join("\n")
}

/// A deterministic generator (xorshift64*), so every failure can be replayed.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub(crate) fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const NAMES: [&str; 10] = [
    "Ann Lee",
    "ann lee",
    "ANN LEE",
    "Bob_Smith",
    "100% Legal",
    "O'Brien & Co",
    "Zoë Ødegaard",
    "a*b",
    "x[1]?",
    "Émile",
];
const PHONES: [&str; 4] = [
    "+44 493 993938",
    "+1 (555) 010-9999",
    "021 555 0101",
    "0800_100",
];
const PHONE_TYPES: [&str; 3] = ["Business", "Mobile", "home"];
const NOTES: [&str; 8] = [
    "Discussed the invoice",
    "INVOICE sent",
    "invoice",
    "50% deposit_paid",
    "back\\slash",
    "Ünïcode ünïcode",
    "",
    "line1\nline2",
];
const OUTCOMES: [&str; 5] = [
    "Call completed",
    "call completed",
    "Left a message",
    "No answer",
    "Résolu",
];
const HOURS: [f64; 5] = [0.0, 0.25, 0.5, 1.0, 1.5];
const OFFSETS: [&str; 5] = ["Z", "+12:00", "-05:00", "+05:30", "+00:00"];
const PATTERNS: [&str; 14] = [
    "*invoice*",
    "Ann*",
    "*%*",
    "*_*",
    "a*b",
    "*",
    "*lee",
    "*[*",
    "*?*",
    "ann lee",
    "*ü*",
    "*\\*",
    "*Ü*",
    "Call*",
];

fn some<T: Clone>(rng: &mut Rng, items: &[T]) -> Option<T> {
    (!rng.chance(25)).then(|| rng.pick(items).clone())
}

pub(crate) fn random_body(rng: &mut Rng) -> Value {
    let day = 10 + rng.below(10);
    let frac = if rng.chance(20) { ".123" } else { "" };
    let ts = format!(
        "2025-03-{day:02}T{:02}:{:02}:{:02}{frac}{}",
        rng.below(24),
        rng.below(4) * 15,
        rng.below(2) * 30,
        rng.pick(&OFFSETS)
    );
    let mut body = json!({
        "direction": rng.pick(&["in", "out"]),
        "callTimestamp": ts,
        "outcome": rng.pick(&OUTCOMES),
        "links": {},
    });
    let optional: [(&str, Option<Value>); 5] = [
        ("fromParticipantOther", some(rng, &NAMES).map(Value::from)),
        ("toParticipantOther", some(rng, &NAMES).map(Value::from)),
        ("phoneNumber", some(rng, &PHONES).map(Value::from)),
        ("phoneNumberType", some(rng, &PHONE_TYPES).map(Value::from)),
        ("notes", some(rng, &NOTES).map(Value::from)),
    ];
    for (k, v) in optional {
        if let Some(v) = v {
            body[k] = v;
        }
    }
    if let Some(h) = some(rng, &HOURS) {
        body["actualHours"] = json!(h);
    }
    for link in ["action", "fromParticipant", "toParticipant"] {
        if rng.chance(70) {
            body["links"][link] = json!(1 + rng.below(5));
        }
    }
    body
}

/// A record as stored, with the id it was given.
pub(crate) struct Stored {
    pub(crate) id: i64,
    pub(crate) rec: CreatePhoneRecord,
}

pub(crate) fn seed(c: &Connection, rng: &mut Rng, n: usize) -> Vec<Stored> {
    (0..n)
        .map(|_| {
            let rec = parse_create(&random_body(rng)).unwrap();
            let id = ids(c, &sql::insert(&rec))[0];
            Stored { id, rec }
        })
        .collect()
}

/// A field's value, as the reference sees it.
#[derive(Clone, Copy, Debug)]
enum V<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(&'a str),
    Time(i64),
}

fn value(s: &Stored, f: Field) -> V<'_> {
    let r = &s.rec;
    fn t(o: Option<&String>) -> V<'_> {
        o.map_or(V::Null, |x| V::Text(x.as_str()))
    }
    let i = |o: Option<i64>| o.map_or(V::Null, V::Int);
    match f {
        Field::Id => V::Int(s.id),
        Field::FromParticipantOther => t(r.from_participant_other.as_ref()),
        Field::ToParticipantOther => t(r.to_participant_other.as_ref()),
        Field::Direction => V::Text(r.direction.as_str()),
        Field::PhoneNumber => t(r.phone_number.as_ref()),
        Field::PhoneNumberType => t(r.phone_number_type.as_ref()),
        Field::ActualHours => r.actual_hours.map_or(V::Null, V::Real),
        Field::Notes => t(r.notes.as_ref()),
        Field::CallTimestamp => V::Time(r.call_timestamp.epoch_millis()),
        Field::Outcome => V::Text(&r.outcome),
        Field::Action => i(r.links.action),
        Field::FromParticipant => i(r.links.from_participant),
        Field::ToParticipant => i(r.links.to_participant),
    }
}

fn holds(ord: Ordering, c: Comparison) -> bool {
    match c {
        Comparison::Lt => ord.is_lt(),
        Comparison::LtEq => ord.is_le(),
        Comparison::Gt => ord.is_gt(),
        Comparison::GtEq => ord.is_ge(),
        Comparison::Eq => ord.is_eq(),
    }
}

fn compares(v: V, c: Comparison, x: &Scalar) -> bool {
    match (v, x) {
        (V::Null, _) => false,
        (V::Time(ms), Scalar::Time(span)) => match c {
            Comparison::Lt => ms < span.start_ms,
            Comparison::LtEq => ms < span.end_ms(),
            Comparison::Gt => ms >= span.end_ms(),
            Comparison::GtEq => ms >= span.start_ms,
            Comparison::Eq => span.start_ms <= ms && ms < span.end_ms(),
        },
        (V::Int(a), Scalar::Int(b)) => holds(a.cmp(b), c),
        (V::Real(a), Scalar::Real(b)) => a.partial_cmp(b).is_some_and(|o| holds(o, c)),
        (V::Text(a), Scalar::Text(b)) => holds(a.as_bytes().cmp(b.as_bytes()), c),
        other => panic!("value and filter of different kinds: {other:?}"),
    }
}

/// `*` matches any run of characters; case folding is ASCII-only, as SQLite's.
fn wildcard(pattern: &str, text: &str, case_sensitive: bool) -> bool {
    let fold = |c: char| {
        if case_sensitive {
            c
        } else {
            c.to_ascii_lowercase()
        }
    };
    let p: Vec<char> = pattern.chars().map(fold).collect();
    let t: Vec<char> = text.chars().map(fold).collect();
    // dp[j]: p[..i] matches t[..j]
    let mut dp = vec![false; t.len() + 1];
    dp[0] = true;
    for pc in &p {
        let mut next = vec![false; t.len() + 1];
        if *pc == '*' {
            let mut any = false;
            for j in 0..=t.len() {
                any |= dp[j];
                next[j] = any;
            }
        } else {
            for j in 1..=t.len() {
                next[j] = dp[j - 1] && t[j - 1] == *pc;
            }
        }
        dp = next;
    }
    dp[t.len()]
}

fn matches(s: &Stored, f: &Filter) -> bool {
    let v = value(s, f.field);
    let positive = match &f.condition {
        Condition::IsNull => matches!(v, V::Null),
        Condition::Compare(c, x) => compares(v, *c, x),
        Condition::In { values, null } => {
            (*null && matches!(v, V::Null)) || values.iter().any(|x| compares(v, Comparison::Eq, x))
        }
        Condition::Like {
            case_sensitive,
            pattern,
        } => match v {
            V::Text(t) => wildcard(pattern, t, *case_sensitive),
            _ => false,
        },
    };
    positive != f.negated()
}

fn searched(s: &Stored, q: &str) -> bool {
    let q = q.to_ascii_lowercase();
    SEARCHED.iter().any(|f| match value(s, *f) {
        V::Text(t) => t.to_ascii_lowercase().contains(&q),
        _ => false,
    })
}

/// SQLite's order: NULL first ascending; text fields case-insensitively (ASCII).
fn order(a: &Stored, b: &Stored, keys: &[SortKey]) -> Ordering {
    for k in keys {
        let (x, y) = (value(a, k.field), value(b, k.field));
        let ord = match (x, y) {
            (V::Null, V::Null) => Ordering::Equal,
            (V::Null, _) => Ordering::Less,
            (_, V::Null) => Ordering::Greater,
            (V::Int(p), V::Int(q)) | (V::Time(p), V::Time(q)) => p.cmp(&q),
            (V::Real(p), V::Real(q)) => p.total_cmp(&q),
            (V::Text(p), V::Text(q)) if matches!(k.field.kind(), FieldKind::Text(_)) => p
                .bytes()
                .map(|c| c.to_ascii_lowercase())
                .cmp(q.bytes().map(|c| c.to_ascii_lowercase())),
            (V::Text(p), V::Text(q)) => p.cmp(q),
            other => panic!("{other:?}"),
        };
        let ord = if k.descending { ord.reverse() } else { ord };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    Ordering::Equal
}

/// The reference answer: (ids of the page, count of all matches).
pub(crate) fn expected(records: &[Stored], q: &ListQuery) -> (Vec<i64>, u64) {
    let mut hits: Vec<&Stored> = records
        .iter()
        .filter(|s| q.filters.iter().all(|f| matches(s, f)))
        .filter(|s| q.search.as_deref().is_none_or(|text| searched(s, text)))
        .collect();
    let keys = q.order();
    hits.sort_by(|a, b| order(a, b, &keys));
    let page: Vec<i64> = hits
        .iter()
        .skip(q.page.offset() as usize)
        .take(q.page.page_size as usize)
        .map(|s| s.id)
        .collect();
    (page, hits.len() as u64)
}

/// The answer of the one statement the Worker sends (count and page), its
/// page checked against the page statement's own rows.
fn actual(c: &Connection, q: &ListQuery) -> (Vec<i64>, u64) {
    let stmts = sql::list(q);
    let page_ids = ids(c, &stmts.page);
    let (n, page) = combined(c, stmts.remembering(None, None));
    let page: Value = serde_json::from_str(&page).unwrap();
    let listed: Vec<i64> = page
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(
        listed, page_ids,
        "the JSON page holds the page's rows, in order"
    );
    (listed, n)
}

/// `cv`, `n` and `page` of `ListSql::remembering`.
fn versioned(c: &Connection, stmt: Statement) -> (String, Option<u64>, Option<String>) {
    c.query_row(&stmt.sql, params_from_iter(params(&stmt)), |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, Option<i64>>(1)?.map(|n| n as u64),
            r.get::<_, Option<String>>(2)?,
        ))
    })
    .unwrap_or_else(|e| panic!("{e}: {}", stmt.sql))
}

/// A filtered view's count and a list's page are computed again exactly when
/// the data changed since the version they were computed on (migrations/0007),
/// each on its own: another page of the view is read with its count
/// remembered. Unchanged, neither reads anything: the same page again reads
/// the version's row.
#[test]
fn a_lists_count_and_page_are_computed_again_exactly_when_the_data_changed() {
    let c = database();
    let mut rng = Rng(0x5EED_0C07);
    let records = seed(&c, &mut rng, 400);
    let wide = query(&[
        ("direction".into(), "in".into()),
        ("sort".into(), "-id".into()),
        ("pageSize".into(), "5".into()),
    ]);
    let at = |q: &ListQuery, count: Option<&str>, page: Option<&str>| {
        versioned(&c, sql::list(q).remembering(count, page))
    };
    let (v1, n1, page1) = at(&wide, None, None);
    assert_eq!(n1, Some(expected(&records, &wide).1));
    let page1 = page1.unwrap();
    assert_eq!(
        at(&wide, Some(&v1), None),
        (v1.clone(), None, Some(page1.clone())),
        "unchanged: the page without the count"
    );
    assert_eq!(
        at(&wide, None, Some(&v1)),
        (v1.clone(), n1, None),
        "unchanged: the count without the page"
    );
    assert_eq!(at(&wide, Some(&v1), Some(&v1)), (v1.clone(), None, None));
    let vm = |count: Option<&str>, page: Option<&str>| {
        vm_steps(&c, &sql::list(&wide).remembering(count, page))
    };
    let (full, count_known, both_known) = (
        vm(None, None),
        vm(Some(&v1), None),
        vm(Some(&v1), Some(&v1)),
    );
    assert!(
        full > 2 * count_known && count_known > 2 * both_known,
        "VM steps: {full} computing both, {count_known} the page, {both_known} neither"
    );
    // Unfiltered, the count is the counter's row, read with the version.
    let all = query(&[("pageSize".into(), "5".into())]);
    let (v, n, page) = at(&all, None, None);
    assert_eq!((v.as_str(), n), (v1.as_str(), Some(records.len() as u64)));
    assert_eq!(at(&all, None, Some(&v)), (v.clone(), n, None));
    assert!(page.unwrap().starts_with("[{"));
    // A new call in the view: counted again, and on the page.
    let mut body = random_body(&mut rng);
    body["direction"] = json!("in");
    let rec = parse_create(&body).unwrap();
    let id = ids(&c, &sql::insert(&rec))[0];
    let (v2, n2, page2) = at(&wide, Some(&v1), Some(&v1));
    assert_ne!(v2, v1);
    assert_eq!(n2, Some(n1.unwrap() + 1));
    let page2 = page2.unwrap();
    assert!(page2.contains(&format!("\"id\":{id}")), "{page2}");
    // An update that changes the page but not the count: the page is
    // read again.
    let up = phonerecords_shared::validate::parse_update(&json!({"outcome": "updated outcome"}))
        .unwrap();
    ids(&c, &sql::update(id, &up, None).unwrap());
    let (v3, n3, page3) = at(&wide, Some(&v2), Some(&v2));
    assert_ne!(v3, v2);
    assert_eq!(n3, n2);
    assert!(page3.unwrap().contains("updated outcome"));
    // An update that takes a call out of the view.
    let up = phonerecords_shared::validate::parse_update(&json!({"direction": "out"})).unwrap();
    ids(&c, &sql::update(id, &up, None).unwrap());
    let (v4, n4, page4) = at(&wide, Some(&v3), Some(&v3));
    assert_ne!(v4, v3);
    assert_eq!((n4, page4), (n1, Some(page1)));
}

/// `n` and `page` of the list statement, nothing remembered.
fn combined(c: &Connection, stmt: Statement) -> (u64, String) {
    match versioned(c, stmt) {
        (_, Some(n), Some(page)) => (n, page),
        other => panic!("a count and a page: {other:?}"),
    }
}

/// The `j` column (a record's JSON) of every row, in order.
pub(crate) fn json_of(c: &Connection, stmt: &Statement) -> Vec<String> {
    column(c, stmt, 1)
}

pub(crate) fn query(pairs: &[(String, String)]) -> ListQuery {
    ListQuery::parse(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .unwrap_or_else(|e| panic!("{pairs:?}: {e:?}"))
}

/// A value for a filter on `field` with `op`, drawn from what the records hold.
pub(crate) fn filter_value(rng: &mut Rng, records: &[Stored], field: Field, op: Op) -> String {
    let null_ok = matches!(op, Op::Eq | Op::NtEq | Op::In | Op::NtIn);
    if null_ok && rng.chance(10) {
        return ":NULL".into();
    }
    if op.is_pattern() {
        return rng.pick(&PATTERNS).to_string();
    }
    let one = |rng: &mut Rng| -> String {
        match field.kind() {
            FieldKind::Id => (1 + rng.below(records.len() + 5)).to_string(),
            FieldKind::LinkId => (1 + rng.below(6)).to_string(),
            FieldKind::Hours => rng
                .pick(&["0", "0.25", "0.5", "1", "1.5", "2", "0.3"])
                .to_string(),
            FieldKind::Direction => rng.pick(&["in", "out"]).to_string(),
            FieldKind::Timestamp => {
                let ts = rng.pick(records).rec.call_timestamp.as_str().to_owned();
                match rng.below(4) {
                    0 => ts[..10].to_owned(),
                    1 => ts[..19].to_owned(),
                    2 => ts,
                    _ => format!("2025-03-{:02}", 9 + rng.below(12)),
                }
            }
            FieldKind::Text(_) => {
                let pool: &[&str] = match field {
                    Field::PhoneNumber => &PHONES,
                    Field::PhoneNumberType => &PHONE_TYPES,
                    Field::Notes => &NOTES,
                    Field::Outcome => &OUTCOMES,
                    _ => &NAMES,
                };
                rng.pick(pool).replace(',', "")
            }
        }
    };
    if op.is_list() {
        let n = 1 + rng.below(3);
        let mut items: Vec<String> = (0..n).map(|_| one(rng)).collect();
        if rng.chance(20) {
            items.push(":NULL".into());
        }
        items.join(",")
    } else {
        one(rng)
    }
}

pub(crate) fn applicable(field: Field, op: Op) -> bool {
    op.applies_to(field.kind())
}

#[test]
fn every_operator_on_every_field_matches_the_reference() {
    let c = database();
    let mut rng = Rng(0x5EED_0001);
    let records = seed(&c, &mut rng, 180);
    let mut checked = 0;
    for field in Field::ALL {
        for op in Op::ALL {
            if !applicable(field, op) {
                continue;
            }
            for _ in 0..12 {
                let v = filter_value(&mut rng, &records, field, op);
                let q = query(&[
                    (format!("{}_{}", field.name(), op.suffix()), v),
                    ("pageSize".into(), "200".into()),
                ]);
                assert_eq!(actual(&c, &q), expected(&records, &q), "{q:?}");
                checked += 1;
            }
        }
    }
    assert!(checked > 400, "{checked}");
}

#[test]
fn random_combinations_of_filters_search_sort_and_paging_match_the_reference() {
    let c = database();
    let mut rng = Rng(0x5EED_0002);
    let records = seed(&c, &mut rng, 150);
    let pairs: Vec<(Field, Op)> = Field::ALL
        .into_iter()
        .flat_map(|f| Op::ALL.into_iter().map(move |o| (f, o)))
        .filter(|(f, o)| applicable(*f, *o))
        .collect();
    let mut nonempty = 0;
    for _ in 0..600 {
        let mut params: Vec<(String, String)> = Vec::new();
        for _ in 0..rng.below(3) {
            let (f, op) = *rng.pick(&pairs);
            let key = if op == Op::Eq && rng.chance(50) {
                f.name().to_owned()
            } else {
                format!("{}_{}", f.name(), op.suffix())
            };
            if params.iter().all(|(k, _)| *k != key) {
                params.push((key, filter_value(&mut rng, &records, f, op)));
            }
        }
        if rng.chance(25) {
            params.push((
                "q".into(),
                rng.pick(&[
                    "invoice", "ANN", "%", "_", "ü", "lee", "a*b", "\\", "555", "ÜNÏ", "ünï",
                    "50%", "t_p", "e l", "0101", "\"", "o'b", "x[1", "ann lee", "émile",
                ])
                .to_string(),
            ));
        }
        if rng.chance(70) {
            let mut keys: Vec<String> = Vec::new();
            for _ in 0..1 + rng.below(2) {
                let f = *rng.pick(&Field::ALL);
                if !keys.iter().any(|k| k.trim_start_matches('-') == f.name()) {
                    keys.push(format!(
                        "{}{}",
                        if rng.chance(50) { "-" } else { "" },
                        f.name()
                    ));
                }
            }
            params.push(("sort".into(), keys.join(",")));
        }
        params.push(("pageSize".into(), (1 + rng.below(20)).to_string()));
        params.push(("page".into(), (1 + rng.below(4)).to_string()));
        let q = query(&params);
        let want = expected(&records, &q);
        nonempty += usize::from(!want.0.is_empty());
        assert_eq!(actual(&c, &q), want, "{params:?}");
    }
    assert!(
        nonempty > 150,
        "the generated queries mostly find something: {nonempty}"
    );
}

#[test]
fn update_and_multi_id_statements() {
    let c = database();
    let mut rng = Rng(0x5EED_0003);
    let records = seed(&c, &mut rng, 10);
    let (a, b) = (records[2].id, records[7].id);
    let mut got = ids(&c, &sql::get_many(&[b, a, 999], None));
    got.sort();
    assert_eq!(got, vec![a, b]);
    let before = ids(
        &c,
        &Statement {
            sql: "SELECT COUNT(*) FROM phone_records".into(),
            params: vec![],
        },
    )[0];
    assert!(
        ids(&c, &sql::delete_all_or_none(&[a, 999])).is_empty(),
        "one missing: nothing deleted"
    );
    assert_eq!(
        ids(
            &c,
            &Statement {
                sql: "SELECT COUNT(*) FROM phone_records".into(),
                params: vec![]
            }
        )[0],
        before
    );
    assert_eq!(ids(&c, &sql::existing_ids(&[a, 999])), vec![a]);
    let mut deleted = ids(&c, &sql::delete_all_or_none(&[b, a]));
    deleted.sort();
    assert_eq!(deleted, vec![a, b]);
    let update = phonerecords_shared::validate::parse_update(
        &json!({"notes": null, "outcome": "x", "callTimestamp": "2026-01-01T00:00:00+01:00"}),
    )
    .unwrap();
    let id = records[0].id;
    assert_eq!(ids(&c, &sql::update(id, &update, None).unwrap()), vec![id]);
    let (notes, ms): (Option<String>, i64) = c
        .query_row(
            "SELECT notes, call_at_ms FROM phone_records WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((notes, ms), (None, 1_767_222_000_000));
    assert!(sql::update(id, &Default::default(), None).is_none());
}

#[test]
fn d1_limits_are_refused_not_sent() {
    // Over-long patterns are refused by the parser (shared::pattern); the
    // largest list it lets through still binds what D1 allows.
    let many: Vec<String> = (1..=95).map(|i| i.to_string()).collect();
    let stmts = sql::list(&query(&[("id_in".into(), many.join(","))]));
    assert!(
        stmts.page.params.len() <= 100,
        "D1 binds at most 100 parameters"
    );
}

/// D1 refuses a string over 2 MB, intermediate ones included: a page of 200
/// records with the longest notes is too big for the one-string page, so the
/// store falls back to the count and the page's rows (store.rs, `list`).
#[test]
fn pages_over_d1s_string_limit_have_a_fallback() {
    let c = database();
    c.set_limit(rusqlite::limits::Limit::SQLITE_LIMIT_LENGTH, 2_000_000)
        .unwrap();
    let notes = "x".repeat(10_000);
    for i in 0..200 {
        let body = json!({"direction": "out", "callTimestamp": format!("2025-05-01T00:00:{:02}Z", i % 60),
            "outcome": "long", "notes": notes});
        ids(&c, &sql::insert(&parse_create(&body).unwrap()));
    }
    let stmts = sql::list(&query(&[("pageSize".into(), "200".into())]));
    let (count, page) = (stmts.count.clone(), stmts.page.clone());
    let combined = stmts.remembering(None, None);
    let err = c
        .query_row(&combined.sql, params_from_iter(params(&combined)), |r| {
            r.get::<_, String>(2)
        })
        .unwrap_err();
    assert!(sql::is_too_big(&err.to_string()), "{err}");
    assert_eq!(column::<i64>(&c, &count, 0), vec![200]);
    assert_eq!(json_of(&c, &page).len(), 200);
}

/// Query plans of the documented filters and sorts: a filter is a SEARCH of an
/// index, never a SCAN; a sort walks an index in order, never sorts the table.
#[test]
fn documented_filters_and_sorts_use_indexes() {
    // With and without the statistics of ANALYZE: D1 may have either.
    for analyze in [false, true] {
        let c = database();
        let mut rng = Rng(0x5EED_0004);
        seed(&c, &mut rng, 200);
        if analyze {
            c.execute_batch("ANALYZE").unwrap();
        }
        assert_plans_use_indexes(&c);
    }
}

fn assert_plans_use_indexes(c: &Connection) {
    // (parameter, value, is a range of callTimestamp)
    let filters = [
        ("id", "5", false),
        ("id_in", "1,2,3", false),
        ("direction", "in", false),
        ("action", "3", false),
        ("action_in", "1,2", false),
        ("fromParticipant", "2", false),
        ("toParticipant", "2", false),
        ("phoneNumber", "021 555 0101", false),
        ("callTimestamp_gteq", "2025-03-15", true),
        ("callTimestamp_lt", "2025-03-15T10:00:00Z", true),
        ("callTimestamp", "2025-03-15", true),
    ];
    for (k, v, range) in filters {
        // A time range is read through the time index when the list is in time
        // order (the UI's); in id order SQLite may walk ids and stop at the page.
        let sorts: &[Option<&str>] = if range {
            &[Some("-callTimestamp"), Some("callTimestamp")]
        } else {
            &[None, Some("-callTimestamp")]
        };
        for sort in sorts {
            let mut params = vec![(k.to_owned(), v.to_owned())];
            if let Some(s) = sort {
                params.push(("sort".into(), (*s).into()));
            }
            let stmts = sql::list(&query(&params));
            for stmt in [&stmts.count, &stmts.page] {
                let p = plan(c, stmt);
                assert!(
                    p.contains("SEARCH") && !p.contains("SCAN"),
                    "{k}={v} sort={sort:?} scans:\n{p}\n{}",
                    stmt.sql
                );
            }
        }
    }
    for sort in ["callTimestamp", "-callTimestamp", "id", "-id"] {
        let stmts = sql::list(&query(&[("sort".into(), sort.into())]));
        let p = plan(c, &stmts.page);
        assert!(
            !p.contains("TEMP B-TREE"),
            "sort={sort} sorts the whole table:\n{p}"
        );
    }
    let example = query(&[
        ("direction".into(), "in".into()),
        ("callTimestamp_gteq".into(), "2025-01-01".into()),
        ("sort".into(), "-callTimestamp".into()),
    ]);
    let p = plan(c, &sql::list(&example).page);
    assert!(p.contains("SEARCH") && !p.contains("TEMP B-TREE"), "{p}");
}

#[test]
fn records_read_back_as_written() {
    let c = database();
    let body = json!({"direction": "out", "callTimestamp": "2025-09-17T09:12:32+12:00", "outcome": "ok",
        "notes": "x", "actualHours": 0.25, "links": {"action": 9_007_199_254_740_991_i64}});
    let rec = parse_create(&body).unwrap();
    let id = ids(&c, &sql::insert(&rec))[0];
    let row: (String, i64, f64, i64) = c
        .query_row(
            "SELECT call_timestamp, call_at_ms, actual_hours, action_id FROM phone_records WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(
        row,
        (
            "2025-09-17T09:12:32+12:00".into(),
            1_758_057_152_000,
            0.25,
            9_007_199_254_740_991
        )
    );
}

fn count_all(c: &Connection) -> (i64, i64) {
    c.query_row(
        "SELECT (SELECT n FROM phone_records_count), (SELECT COUNT(*) FROM phone_records)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .unwrap()
}

/// The counter row and the search index stay exact through inserts, updates,
/// all-or-none deletes (kept and refused) and multi-statement transactions.
#[test]
fn record_count_and_search_index_stay_exact() {
    let c = database();
    let mut rng = Rng(0x5EED_0005);
    let records = seed(&c, &mut rng, 60);
    assert_eq!(count_all(&c), (60, 60));
    let unfiltered = sql::list(&query(&[]));
    assert!(unfiltered.count.sql.contains("phone_records_count"));
    assert_eq!(ids(&c, &unfiltered.count), vec![60]);
    // A transaction of several inserts (as a D1 batch is), then one rolled back.
    c.execute_batch("BEGIN").unwrap();
    let more = seed(&c, &mut rng, 5);
    c.execute_batch("COMMIT; BEGIN").unwrap();
    seed(&c, &mut rng, 3);
    c.execute_batch("ROLLBACK").unwrap();
    assert_eq!(count_all(&c), (65, 65));
    assert!(ids(&c, &sql::delete_all_or_none(&[records[0].id, 9999])).is_empty());
    assert_eq!(count_all(&c), (65, 65));
    ids(&c, &sql::delete_all_or_none(&[records[1].id, more[2].id]));
    assert_eq!(count_all(&c), (63, 63));
    let up = phonerecords_shared::validate::parse_update(
        &json!({"notes": "Quarterly zebra review", "outcome": "Left a message"}),
    )
    .unwrap();
    ids(&c, &sql::update(records[3].id, &up, None).unwrap());
    let up = phonerecords_shared::validate::parse_update(&json!({"actualHours": 2})).unwrap();
    ids(&c, &sql::update(records[4].id, &up, None).unwrap());
    let found = actual(&c, &query(&[("q".into(), "ZEBRA".into())]));
    assert_eq!(found, (vec![records[3].id], 1));
    assert_eq!(count_all(&c).0, 63);
    // Ids 1-64 went into the index together (at 64); 65 waits for it.
    // A waiting record changed, and one deleted, are found as they are now.
    assert_eq!(waiting(&c), 1);
    let up =
        phonerecords_shared::validate::parse_update(&json!({"notes": "Quokka sighting"})).unwrap();
    ids(&c, &sql::update(more[4].id, &up, None).unwrap());
    let later = seed(&c, &mut rng, 2);
    ids(&c, &sql::delete_all_or_none(&[later[0].id]));
    assert_eq!((waiting(&c), count_all(&c)), (2, (64, 64)));
    let quokka = query(&[("q".into(), "QUOKKA".into())]);
    assert_eq!(actual(&c, &quokka), (vec![more[4].id], 1));
    // A record is in the index exactly when its id is up to the mark: once
    // the waiting ones are indexed (by the batch trigger), the index is
    // exactly its content.
    let misplaced: i64 = c
        .query_row(
            "SELECT COUNT(*) FROM phone_records WHERE \
             (id IN (SELECT id FROM phone_records_search_docsize)) \
             <> (id <= (SELECT upto FROM phone_records_search_indexed))",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        misplaced, 0,
        "the index holds the records up to its mark, no others"
    );
    // Creates up to the next multiple of 64: the trigger indexes the rest.
    while waiting(&c) > 0 {
        seed(&c, &mut rng, 1);
    }
    c.execute_batch(
        "INSERT INTO phone_records_search (phone_records_search, rank) VALUES ('integrity-check', 1)",
    )
    .unwrap();
    assert_eq!(actual(&c, &quokka), (vec![more[4].id], 1));
}

/// Records waiting for the search index: after its mark (migrations/0006).
fn waiting(c: &Connection) -> i64 {
    c.query_row(
        "SELECT COUNT(*) FROM phone_records \
         WHERE id > (SELECT upto FROM phone_records_search_indexed)",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

/// A search of 3 characters or more reads the records the index names; a
/// shorter one scans (documented).
#[test]
fn search_uses_the_trigram_index() {
    let c = database();
    let mut rng = Rng(0x5EED_0006);
    seed(&c, &mut rng, 200);
    c.execute_batch("ANALYZE").unwrap();
    for (q, sort) in [
        ("invoice", None),
        ("50%", Some("-callTimestamp")),
        ("ANN", Some("notes")),
    ] {
        let mut params = vec![("q".to_owned(), q.to_owned())];
        if let Some(s) = sort {
            params.push(("sort".into(), s.into()));
        }
        let stmts = sql::list(&query(&params));
        for stmt in [&stmts.count, &stmts.page] {
            let p = plan(&c, stmt);
            assert!(
                p.contains("VIRTUAL TABLE")
                    && !p
                        .lines()
                        .any(|l| l.starts_with("SCAN phone_records ") || l == "SCAN phone_records"),
                "q={q} scans:\n{p}\n{}",
                stmt.sql
            );
        }
    }
    let short = sql::list(&query(&[("q".into(), "ab".into())]));
    assert!(!short.page.sql.contains("MATCH"));
}

/// `n` varied records inserted directly (as scripts/seed does, through the
/// triggers): about 40 calls a matter, times over seven years, a rare
/// reference number in one note in eight.
pub(crate) fn bulk_seed(c: &mut Connection, n: i64) {
    let tx = c.transaction().unwrap();
    {
        let mut insert = tx
            .prepare(
                "INSERT INTO phone_records (from_participant_other, to_participant_other, direction, \
                 phone_number, phone_number_type, actual_hours, notes, call_timestamp, call_at_ms, \
                 outcome, action_id, from_participant_id, to_participant_id) \
                 VALUES (?1, NULL, ?2, ?3, 'Mobile', 0.25, ?4, '2020-01-01T00:00:00Z', ?5, ?6, ?7, ?8, NULL)",
            )
            .unwrap();
        let mut rng = Rng(0x5EED_0007);
        let matters = (n / 40).max(1);
        for i in 0..n {
            let name = format!("{} {}", rng.pick(&NAMES), rng.below(1000));
            let reference = if i % 8 == 0 {
                format!(" Ref #{}", 10_000 + rng.below(90_000))
            } else {
                String::new()
            };
            let notes = format!("{}{reference}", rng.pick(&NOTES));
            insert
                .execute(rusqlite::params![
                    name,
                    rng.pick(&["in", "out"]),
                    format!("+64 21 {} {}", rng.below(900) + 100, rng.below(9000) + 1000),
                    notes,
                    1_546_300_800_000 + (rng.below(220_000_000) as i64) * 1000,
                    rng.pick(&OUTCOMES),
                    1 + rng.below(matters as usize) as i64,
                    1 + rng.below(50_000) as i64,
                ])
                .unwrap();
        }
    }
    tx.commit().unwrap();
    c.execute_batch("ANALYZE").unwrap();
}

/// SQLite's virtual-machine steps for a statement: a proxy for D1's rows
/// read (which local SQLite does not count), proportional to the rows visited.
pub(crate) fn vm_steps(c: &Connection, stmt: &Statement) -> i32 {
    let mut q = c.prepare(&stmt.sql).unwrap();
    let mut rows = q.query(params_from_iter(params(stmt))).unwrap();
    while rows.next().unwrap().is_some() {}
    drop(rows);
    q.get_status(rusqlite::StatementStatus::VmStep)
}

/// The cost of the benchmark's scenarios (scripts/bench) at about 10 000 and
/// 100 000 records: the page, the count and a record by id read what the
/// index names, so their cost stays within a bound that does not grow with
/// the table. Both sizes leave 63 records waiting for the search index
/// (migrations/0006): a search's worst case, the same at any size.
/// docs/performance.md has D1's own rows_read for the same requests.
#[test]
fn reads_do_not_grow_with_the_table() {
    let scenarios: [(&str, &[(&str, &str)], i32); 5] = [
        ("first page", &[], 4_000),
        (
            "one matter, by time",
            &[("action", "7"), ("sort", "-callTimestamp")],
            8_000,
        ),
        ("rare search", &[("q", "#42424")], 8_000),
        (
            "search, by time",
            &[("q", "#42424"), ("sort", "-callTimestamp")],
            8_000,
        ),
        ("id", &[("id", "1234")], 1_000),
    ];
    let mut small = Vec::new();
    for n in [10_047, 100_031] {
        let mut c = database();
        bulk_seed(&mut c, n);
        assert_eq!(waiting(&c), 63);
        for (i, (name, params, bound)) in scenarios.iter().enumerate() {
            let pairs: Vec<(String, String)> = params
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .chain([("pageSize".to_owned(), "50".to_owned())])
                .collect();
            let stmts = sql::list(&query(&pairs));
            let steps = vm_steps(&c, &stmts.count) + vm_steps(&c, &stmts.page);
            eprintln!("{n} records, {name}: {steps} VM steps");
            assert!(steps <= *bound, "{name} at {n}: {steps} steps > {bound}");
            if n == 10_047 {
                small.push(steps);
            } else {
                assert!(
                    steps <= small[i] * 3 / 2 + 200,
                    "{name} grows with the table: {} at 10 000, {steps} at 100 000",
                    small[i]
                );
            }
        }
        let get = vm_steps(&c, &sql::get(n / 2, sql::KeyOrder::Name, None));
        assert!(get < 100, "get by id: {get}");
    }
}

/// The record a stored one is, as the API's model holds it.
fn model(s: &Stored) -> phonerecords_shared::PhoneRecord {
    let r = &s.rec;
    phonerecords_shared::PhoneRecord {
        id: s.id,
        from_participant_other: r.from_participant_other.clone(),
        to_participant_other: r.to_participant_other.clone(),
        direction: r.direction,
        phone_number: r.phone_number.clone(),
        phone_number_type: r.phone_number_type.clone(),
        actual_hours: r.actual_hours,
        notes: r.notes.clone(),
        call_timestamp: r.call_timestamp.clone(),
        outcome: r.outcome.clone(),
        links: r.links.clone(),
    }
}

/// SQLite writes each record's JSON byte for byte as serde did before
/// (writes in the contract's order, reads by name, fieldsets as projected),
/// text with quotes, escapes, control characters and non-ASCII included.
#[test]
fn records_are_written_as_json_exactly_as_serde_writes_them() {
    use phonerecords_shared::query::FieldSet;
    use sql::KeyOrder;
    let c = database();
    let mut rng = Rng(0x5EED_0006);
    let mut records = seed(&c, &mut rng, 150);
    let hostile = json!({"direction": "in", "callTimestamp": "2025-01-02T03:04:05.678-09:30",
        "outcome": "\"Quoted\" \\ back/slash <tag> & émoji 😀 \u{2028}",
        "notes": "line one\nline two\ttabbed\r\nwindows", "fromParticipantOther": "Ødegaard, Zoë",
        "actualHours": 24, "links": {"action": 9_007_199_254_740_991_i64}});
    let rec = parse_create(&hostile).unwrap();
    let id = ids(&c, &sql::insert(&rec))[0];
    records.push(Stored { id, rec });
    let fieldsets = [
        None,
        Some("id,notes"),
        Some("outcome,links"),
        Some("action,actualHours"),
        Some("toParticipant,callTimestamp,direction"),
        Some("id"),
    ];
    for s in &records {
        let m = model(s);
        let written = json_of(&c, &sql::get(s.id, KeyOrder::Contract, None));
        assert_eq!(written, vec![serde_json::to_string(&m).unwrap()]);
        for f in fieldsets {
            let set = f.map(|f| FieldSet::parse("fields", f).unwrap().unwrap());
            let expected = match &set {
                Some(set) => serde_json::to_string(&set.project(&m)).unwrap(),
                None => serde_json::to_string(&serde_json::to_value(&m).unwrap()).unwrap(),
            };
            let read = json_of(&c, &sql::get(s.id, KeyOrder::Name, set.as_ref()));
            assert_eq!(read, vec![expected.clone()], "fields={f:?}");
            let many = json_of(&c, &sql::get_many(&[s.id], set.as_ref()));
            assert_eq!(many, vec![expected], "fields={f:?}");
        }
    }
    // The list's page is the same JSON, as one array.
    let q = query(&[("pageSize".into(), "200".into())]);
    let (n, page) = combined(&c, sql::list(&q).remembering(None, None));
    assert_eq!(n as usize, records.len());
    let expected: Vec<String> = records
        .iter()
        .map(|s| serde_json::to_string(&serde_json::to_value(model(s)).unwrap()).unwrap())
        .collect();
    assert_eq!(page, format!("[{}]", expected.join(",")));
    // An empty page is an empty array, and the count still counts.
    let (n, page) = combined(
        &c,
        sql::list(&query(&[("page".into(), "99".into())])).remembering(None, None),
    );
    assert_eq!((n as usize, page.as_str()), (records.len(), "[]"));
}

/// An hours value needing more than 15 significant digits is written by
/// SQLite with 17 (serde writes the shortest form): the same number, exactly.
#[test]
fn hours_keep_their_exact_value() {
    let c = database();
    for h in [
        1.0 / 3.0,
        0.1 + 0.2,
        23.999_999_999_999_996,
        1e-7,
        0.000_05,
        24.0,
        0.0,
    ] {
        let rec = parse_create(
            &json!({"direction": "in", "callTimestamp": "2025-01-01T00:00:00Z",
            "outcome": "x", "actualHours": h}),
        )
        .unwrap();
        let j = json_of(&c, &sql::insert(&rec)).remove(0);
        let v: Value = serde_json::from_str(&j).unwrap();
        assert_eq!(v["actualHours"].as_f64(), Some(h), "{j}");
    }
}

/// A batch of records is one statement: stored in the order sent, every
/// record or none (a record D1 refuses part-way stores nothing), and the
/// counter and search index follow.
#[test]
fn a_batch_is_one_statement_all_or_nothing() {
    let c = database();
    let mut rng = Rng(0x5EED_0007);
    seed(&c, &mut rng, 5);
    let recs: Vec<CreatePhoneRecord> = (0..100)
        .map(|i| {
            let mut body = random_body(&mut rng);
            body["notes"] = json!(format!("batch record {i} zebrafinch"));
            parse_create(&body).unwrap()
        })
        .collect();
    let before = count_all(&c);
    let refused = sql::insert_all(&recs, true);
    assert!(
        c.execute(&refused.sql, params_from_iter(params(&refused)))
            .is_err(),
        "D1 refuses the last record"
    );
    assert_eq!(count_all(&c), before, "and stores none");
    let stmt = sql::insert_all(&recs, false);
    assert_eq!(
        stmt.params.len(),
        1,
        "one bound parameter whatever the size"
    );
    let stored = ids(&c, &stmt);
    assert_eq!(stored.len(), 100);
    let mut sorted = stored.clone();
    sorted.sort();
    let notes: Vec<String> = sorted
        .iter()
        .map(|id| {
            c.query_row("SELECT notes FROM phone_records WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .unwrap()
        })
        .collect();
    let expected: Vec<String> = (0..100)
        .map(|i| format!("batch record {i} zebrafinch"))
        .collect();
    assert_eq!(notes, expected, "ids follow the order sent");
    assert_eq!(count_all(&c), (before.0 + 100, before.1 + 100));
    let found = ids(
        &c,
        &sql::list(&query(&[
            ("q".into(), "zebrafinch".into()),
            ("pageSize".into(), "200".into()),
        ]))
        .page,
    );
    assert_eq!(found.len(), 100, "the search index has them");
    // Each stored record reads back as the one sent.
    for (id, rec) in sorted.iter().zip(&recs) {
        let m = model(&Stored {
            id: *id,
            rec: rec.clone(),
        });
        assert_eq!(
            json_of(&c, &sql::get(*id, sql::KeyOrder::Contract, None)),
            vec![serde_json::to_string(&m).unwrap()]
        );
    }
}

fn version(c: &Connection, id: i64) -> Option<i64> {
    c.query_row(
        "SELECT version FROM phone_records WHERE id = ?1",
        [id],
        |r| r.get(0),
    )
    .ok()
}

/// Versions: 1 when created, raised by every update (in the update's own
/// statement, read back with it), and conditional writes act only at the
/// versions named.
#[test]
fn versions_and_conditional_writes() {
    let c = database();
    let mut rng = Rng(0x5EED_0011);
    let records = seed(&c, &mut rng, 4);
    let id = records[0].id;
    assert_eq!(version(&c, id), Some(1));
    let create = sql::insert(&records[1].rec);
    let v: Vec<i64> = column(&c, &create, 2);
    assert_eq!(v, vec![1], "a create returns version 1 (`v`)");
    let up = phonerecords_shared::validate::parse_update(&json!({"outcome": "changed"})).unwrap();
    let stmt = sql::update(id, &up, None).unwrap();
    assert_eq!(
        column::<i64>(&c, &stmt, 2),
        vec![2],
        "the update returns the new version"
    );
    assert_eq!(version(&c, id), Some(2));
    // At a version it is not: nothing written, no row.
    let stale = sql::update(id, &up, Some(&[1])).unwrap();
    assert!(ids(&c, &stale).is_empty());
    assert_eq!(version(&c, id), Some(2));
    assert_eq!(column::<i64>(&c, &sql::version_of(id), 1), vec![2]);
    assert!(ids(&c, &sql::version_of(999_999)).is_empty());
    // At one of the versions named: written once.
    let fresh = sql::update(id, &up, Some(&[1, 2])).unwrap();
    assert_eq!(ids(&c, &fresh), vec![id]);
    assert_eq!(version(&c, id), Some(3));
    assert!(
        ids(&c, &sql::update(id, &up, Some(&[])).unwrap()).is_empty(),
        "no version: nothing"
    );
    // The other records are untouched.
    assert_eq!(version(&c, records[2].id), Some(1));
    // Two writers that read version 3: the first wins, the second finds none.
    let a = phonerecords_shared::validate::parse_update(&json!({"notes": "a"})).unwrap();
    let b = phonerecords_shared::validate::parse_update(&json!({"outcome": "b"})).unwrap();
    assert_eq!(ids(&c, &sql::update(id, &a, Some(&[3])).unwrap()), vec![id]);
    assert!(ids(&c, &sql::update(id, &b, Some(&[3])).unwrap()).is_empty());
    // Deletes: only at the version named.
    assert!(ids(&c, &sql::delete_if_version(id, &[3])).is_empty());
    assert_eq!(version(&c, id), Some(4));
    assert_eq!(ids(&c, &sql::delete_if_version(id, &[4])), vec![id]);
    assert_eq!(version(&c, id), None);
    // Each statement finds the record by its primary key, never by scanning.
    for stmt in [
        sql::update(records[2].id, &up, Some(&[1])).unwrap(),
        sql::delete_if_version(records[2].id, &[1]),
        sql::version_of(records[2].id),
    ] {
        let p = plan(&c, &stmt);
        assert!(!p.contains("SCAN phone_records"), "{p}\n{}", stmt.sql);
    }
}

/// Runs statements as D1 runs a batch: in one transaction, all or none;
/// returns the last one's rows as (status, ct, body, location, etag, body_hash, mine).
type KeyRow = (
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    i64,
);

fn batch(c: &mut Connection, stmts: &[Statement]) -> Result<Vec<KeyRow>, rusqlite::Error> {
    let tx = c.transaction()?;
    let mut last = Vec::new();
    for s in stmts {
        let mut q = tx.prepare(&s.sql)?;
        let n = q.column_count();
        let mut rows = q.query(params_from_iter(params(s)))?;
        last.clear();
        while let Some(r) = rows.next()? {
            if n == 7 {
                last.push((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ));
            }
        }
    }
    tx.commit()?;
    Ok(last)
}

fn idempotent<'a>(
    key: &'a str,
    hash: &'a str,
    claim: &'a str,
    now_ms: i64,
    one: bool,
) -> sql::IdempotentCreate<'a> {
    sql::IdempotentCreate {
        scope: "token-a",
        key,
        body_hash: hash,
        claim,
        now_ms,
        one,
        before: if one { "" } else { "{\"phonerecords\":" },
        after: if one { "" } else { "}" },
        content_type: "application/json; charset=utf-8",
        collection_url: "http://x/phonerecords",
        refused_last: false,
    }
}

/// An idempotent create is one batch: the first request with a key stores
/// its records and its answer together; a repeat stores nothing and reads
/// the first answer; a batch refused part-way leaves neither records nor
/// key; an expired key is claimed anew; keys are per token.
#[test]
fn idempotent_creates_store_records_and_answer_together() {
    let mut c = database();
    let mut rng = Rng(0x5EED_0012);
    seed(&c, &mut rng, 3);
    let rec = parse_create(&random_body(&mut rng)).unwrap();
    let t0 = 1_800_000_000_000;
    let first = batch(
        &mut c,
        &sql::idempotent_create(&[rec.clone()], &idempotent("k1", "h1", "c1", t0, true)),
    )
    .unwrap();
    let (status, ct, body, location, etag, hash, mine) = first[0].clone();
    assert_eq!((status, mine, hash.as_str()), (Some(200), 1, "h1"));
    assert_eq!(ct.as_deref(), Some("application/json; charset=utf-8"));
    let id: i64 = c
        .query_row("SELECT MAX(id) FROM phone_records", [], |r| r.get(0))
        .unwrap();
    assert_eq!(location, Some(format!("http://x/phonerecords/{id}")));
    assert_eq!(etag, Some(format!("\"{id}-1\"")));
    // The answer is the record exactly as a plain create answers it.
    let m = model(&Stored {
        id,
        rec: rec.clone(),
    });
    assert_eq!(
        body.as_deref(),
        Some(serde_json::to_string(&m).unwrap().as_str())
    );
    let count = count_all(&c);
    // A repeat (another claim) inserts nothing and reads the first answer.
    let again = batch(
        &mut c,
        &sql::idempotent_create(
            &[rec.clone()],
            &idempotent("k1", "h1", "c2", t0 + 1000, true),
        ),
    )
    .unwrap();
    assert_eq!(again[0].0, Some(200));
    assert_eq!(again[0].2, body);
    assert_eq!(again[0].6, 0, "not this request's");
    assert_eq!(count_all(&c), count);
    // Another body under the key: the first hash comes back (the route answers 422).
    let other = batch(
        &mut c,
        &sql::idempotent_create(
            &[rec.clone()],
            &idempotent("k1", "h2", "c3", t0 + 2000, true),
        ),
    )
    .unwrap();
    assert_eq!((other[0].5.as_str(), other[0].6), ("h1", 0));
    assert_eq!(count_all(&c), count);
    // Another token's same key is another key.
    let mut ic = idempotent("k1", "h1", "c4", t0 + 3000, true);
    ic.scope = "token-b";
    assert_eq!(
        batch(&mut c, &sql::idempotent_create(&[rec.clone()], &ic)).unwrap()[0].6,
        1
    );
    assert_eq!(count_all(&c).0, count.0 + 1);
    // A batch of records, in the envelope given; refused part-way: nothing, key included.
    let recs: Vec<CreatePhoneRecord> = (0..20)
        .map(|_| parse_create(&random_body(&mut rng)).unwrap())
        .collect();
    let before = count_all(&c);
    let mut refused = idempotent("k2", "h", "c5", t0, false);
    refused.refused_last = true;
    assert!(batch(&mut c, &sql::idempotent_create(&recs, &refused)).is_err());
    assert_eq!(count_all(&c), before);
    let keys: i64 = c
        .query_row(
            "SELECT COUNT(*) FROM idempotency_keys WHERE key = 'k2'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(keys, 0, "the key is not remembered without its records");
    let many = batch(
        &mut c,
        &sql::idempotent_create(&recs, &idempotent("k2", "h", "c6", t0, false)),
    )
    .unwrap();
    let (status, _, body, location, etag, _, mine) = many[0].clone();
    assert_eq!((status, location, etag, mine), (Some(200), None, None, 1));
    let body: Value = serde_json::from_str(&body.unwrap()).unwrap();
    let got: Vec<i64> = body["phonerecords"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(got.len(), 20);
    assert!(
        got.windows(2).all(|w| w[1] == w[0] + 1),
        "in the order sent: {got:?}"
    );
    assert_eq!(count_all(&c), (before.0 + 20, before.1 + 20));
    // Deleting the newest record does not confuse the next key's records (ids only grow).
    c.execute("DELETE FROM phone_records WHERE id = ?1", [got[19]])
        .unwrap();
    let next = batch(
        &mut c,
        &sql::idempotent_create(&[rec.clone()], &idempotent("k3", "h", "c7", t0, true)),
    )
    .unwrap();
    assert_eq!(
        next[0].3,
        Some(format!("http://x/phonerecords/{}", got[19] + 1))
    );
    // 24 hours on, the key is expired: claimed anew (a new record), and others purged.
    let later = t0 + sql::IDEMPOTENCY_TTL_MS + 1;
    let before = count_all(&c);
    let renewed = batch(
        &mut c,
        &sql::idempotent_create(&[rec.clone()], &idempotent("k1", "h9", "c8", later, true)),
    )
    .unwrap();
    assert_eq!((renewed[0].6, renewed[0].5.as_str()), (1, "h9"));
    assert_eq!(count_all(&c).0, before.0 + 1);
    let left: Vec<String> = {
        let mut q = c
            .prepare("SELECT key FROM idempotency_keys WHERE scope = 'token-a' ORDER BY key")
            .unwrap();
        q.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(left, vec!["k1"], "the expired keys are purged");
    // The purge and the key look-up use the index and the key, not a scan.
    for stmt in &sql::idempotent_create(&[rec], &idempotent("k4", "h", "c9", later, true)) {
        let p = plan(&c, stmt);
        assert!(
            !p.contains("SCAN idempotency_keys") && !p.contains("SCAN phone_records"),
            "{p}\n{}",
            stmt.sql
        );
    }
}
