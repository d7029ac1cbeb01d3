//! Answers this isolate computed, each with the version of the data it read
//! (migrations/0007: a new random number after every insert, update and
//! delete, in the same transaction): a view's summary, a filtered list's
//! count and a list's page. D1 is asked to compute one *unless* the data is
//! still at the remembered version (`sql::unless_unchanged`,
//! `ListSql::remembering`: one statement either way), so an answer of
//! unchanged data reads one row instead of every call of its view. An answer
//! is only ever given with the version D1 reports in that same statement, so
//! it is never older than the data.
//!
//! Per isolate, in memory, bounded: at most `MAX_ENTRIES` answers of each kind
//! and `MAX_BYTES` of keys and answers, the oldest stored dropped first.

use std::cell::RefCell;
use std::collections::VecDeque;

use crate::sql::{SqlValue, Statement};

/// Most answers of each kind remembered.
pub const MAX_ENTRIES: usize = 32;
/// Most bytes of keys and answers remembered (an answer of 1 000 groups is
/// about 60 KB).
pub const MAX_BYTES: usize = 2 << 20;

/// Which answer: the exact statement and parameters that compute it.
pub fn key(stmt: &Statement) -> String {
    use std::fmt::Write;
    let mut key = stmt.sql.clone();
    for p in &stmt.params {
        // Each variant tagged; a double by its bits (exact, and without the
        // float formatting code, ~25 KB of the Worker's wasm). Writing into
        // a String cannot fail.
        let _ = match p {
            SqlValue::Null => write!(key, "\0n"),
            SqlValue::Int(i) => write!(key, "\0i{i}"),
            SqlValue::Real(r) => write!(key, "\0r{}", r.to_bits()),
            // Its length first: a text holding the separator cannot pass
            // for two parameters.
            SqlValue::Text(t) => write!(key, "\0t{}:{t}", t.len()),
        };
    }
    key
}

struct Entry {
    key: String,
    version: String,
    json: String,
}

impl Entry {
    fn bytes(&self) -> usize {
        self.key.len() + self.version.len() + self.json.len()
    }
}

#[derive(Default)]
pub struct Cache {
    entries: VecDeque<Entry>,
    bytes: usize,
}

impl Cache {
    /// The remembered answer of `key`: (version, answer).
    pub fn get(&self, key: &str) -> Option<(String, String)> {
        self.entries
            .iter()
            .find(|e| e.key == key)
            .map(|e| (e.version.clone(), e.json.clone()))
    }

    /// Remembers (or replaces) the answer of `key`, computed on `version`.
    pub fn put(&mut self, key: String, version: String, json: String) {
        if let Some(i) = self.entries.iter().position(|e| e.key == key) {
            let old = self.entries.remove(i).expect("the position found");
            self.bytes -= old.bytes();
        }
        let entry = Entry { key, version, json };
        if entry.bytes() > MAX_BYTES {
            return;
        }
        self.bytes += entry.bytes();
        self.entries.push_back(entry);
        while self.entries.len() > MAX_ENTRIES || self.bytes > MAX_BYTES {
            let Some(old) = self.entries.pop_front() else {
                break;
            };
            self.bytes -= old.bytes();
        }
    }
}

/// What is remembered.
#[derive(Clone, Copy)]
pub enum Kind {
    /// A summary's JSON answer.
    Summary,
    /// A filtered list's count.
    Count,
    /// A list's page: the JSON array of its records.
    Page,
}

thread_local! {
    static SUMMARIES: RefCell<Cache> = RefCell::new(Cache::default());
    static COUNTS: RefCell<Cache> = RefCell::new(Cache::default());
    static PAGES: RefCell<Cache> = RefCell::new(Cache::default());
}

fn with<T>(kind: Kind, f: impl FnOnce(&RefCell<Cache>) -> T) -> T {
    match kind {
        Kind::Summary => SUMMARIES.with(f),
        Kind::Count => COUNTS.with(f),
        Kind::Page => PAGES.with(f),
    }
}

/// One answer looked up in this isolate: the statement that computes it,
/// and what is remembered of it.
pub struct Lookup {
    kind: Kind,
    key: String,
    known: Option<(String, String)>,
}

impl Lookup {
    pub fn new(kind: Kind, stmt: &Statement) -> Lookup {
        let key = key(stmt);
        let known = with(kind, |c| c.borrow().get(&key));
        Lookup { kind, key, known }
    }

    /// The version the remembered answer was computed on, if any: D1 is
    /// asked to compute the answer unless the data is still at it.
    pub fn version(&self) -> Option<&str> {
        self.known.as_ref().map(|(v, _)| v.as_str())
    }

    /// The answer, from what D1 said in that statement: the data's version
    /// now and the answer it computed (None when the version was the one
    /// asked about). A computed answer is remembered; the remembered one is
    /// given only for the version it was computed on. None: neither.
    pub fn answer(self, version: Option<String>, computed: Option<String>) -> Option<String> {
        match (computed, self.known) {
            (Some(answer), _) => {
                if let Some(version) = version {
                    with(self.kind, |c| {
                        c.borrow_mut().put(self.key, version, answer.clone())
                    });
                }
                Some(answer)
            }
            (None, Some((known, answer))) if version.as_deref() == Some(known.as_str()) => {
                Some(answer)
            }
            (None, _) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_is_found_by_its_exact_statement_and_parameters() {
        let stmt = |p: SqlValue| Statement {
            sql: "SELECT ?1".into(),
            params: vec![p],
        };
        let keys = [
            key(&stmt(SqlValue::Int(1))),
            key(&stmt(SqlValue::Real(1.0))),
            key(&stmt(SqlValue::Text("1".into()))),
            key(&stmt(SqlValue::Null)),
            key(&stmt(SqlValue::Real(0.1 + 0.2))),
            key(&stmt(SqlValue::Real(0.3))),
        ];
        let two = |a: SqlValue, b: SqlValue| {
            key(&Statement {
                sql: "SELECT ?1, ?2".into(),
                params: vec![a, b],
            })
        };
        assert_ne!(
            two(SqlValue::Text("a\0tb".into()), SqlValue::Text("c".into())),
            two(SqlValue::Text("a".into()), SqlValue::Text("b\0tc".into())),
            "a text with the separator in it is one parameter"
        );
        for (i, a) in keys.iter().enumerate() {
            for b in &keys[i + 1..] {
                assert_ne!(a, b);
            }
        }
        let mut c = Cache::default();
        c.put(keys[0].clone(), "7.1".into(), "{\"count\":1}".into());
        assert_eq!(
            c.get(&keys[0]),
            Some(("7.1".into(), "{\"count\":1}".into()))
        );
        assert_eq!(c.get(&keys[1]), None);
        // A newer computation replaces the older one.
        c.put(keys[0].clone(), "7.2".into(), "{\"count\":2}".into());
        assert_eq!(
            c.get(&keys[0]),
            Some(("7.2".into(), "{\"count\":2}".into()))
        );
        assert_eq!(c.entries.len(), 1);
    }

    #[test]
    fn an_answer_is_remembered_and_given_only_for_its_version() {
        let stmt = Statement {
            sql: "SELECT 'lookup test'".into(),
            params: vec![],
        };
        let first = Lookup::new(Kind::Count, &stmt);
        assert_eq!(first.version(), None, "nothing remembered yet");
        assert_eq!(
            first.answer(Some("5.1".into()), Some("42".into())),
            Some("42".into())
        );
        let again = Lookup::new(Kind::Count, &stmt);
        assert_eq!(again.version(), Some("5.1"));
        assert_eq!(again.answer(Some("5.1".into()), None), Some("42".into()));
        // The same statement's summary is another answer.
        assert_eq!(Lookup::new(Kind::Summary, &stmt).version(), None);
        // Not computed, and the data at another version: no answer.
        let moved = Lookup::new(Kind::Count, &stmt);
        assert_eq!(moved.answer(Some("5.2".into()), None), None);
        assert_eq!(Lookup::new(Kind::Count, &stmt).answer(None, None), None);
        // Computed again on newer data: that one is remembered.
        let newer = Lookup::new(Kind::Count, &stmt);
        assert_eq!(
            newer.answer(Some("5.2".into()), Some("43".into())),
            Some("43".into())
        );
        assert_eq!(Lookup::new(Kind::Count, &stmt).version(), Some("5.2"));
    }

    #[test]
    fn the_oldest_answers_go_first_beyond_the_bounds() {
        let mut c = Cache::default();
        for i in 0..MAX_ENTRIES + 3 {
            c.put(format!("k{i}"), "1.1".into(), "{}".into());
        }
        assert_eq!(c.entries.len(), MAX_ENTRIES);
        assert_eq!(c.get("k0"), None);
        assert_eq!(c.get("k2"), None);
        assert!(c.get("k3").is_some());
        assert!(c.get(&format!("k{}", MAX_ENTRIES + 2)).is_some());

        let big = "x".repeat(MAX_BYTES / 3);
        let mut c = Cache::default();
        for i in 0..4 {
            c.put(format!("b{i}"), "1.1".into(), big.clone());
        }
        assert!(c.bytes <= MAX_BYTES);
        assert_eq!(c.get("b0"), None, "the oldest dropped for the bytes");
        assert!(c.get("b3").is_some());
        // One answer larger than the bound is not kept (and drops nothing).
        c.put("huge".into(), "1.1".into(), "x".repeat(MAX_BYTES + 1));
        assert_eq!(c.get("huge"), None);
        assert!(c.get("b3").is_some());
        let counted: usize = c.entries.iter().map(Entry::bytes).sum();
        assert_eq!(c.bytes, counted);
    }
}
