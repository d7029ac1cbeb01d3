//! Phone records in D1: one statement per operation (see `sql`), read back as
//! the JSON text SQLite wrote, so no record is converted value by value
//! between JavaScript and WebAssembly. Counts what each round trip cost.

use phonerecords_shared::CreatePhoneRecord;
use phonerecords_shared::UpdatePhoneRecord;
use phonerecords_shared::fields::MAX_ID;
use phonerecords_shared::query::{FieldSet, ListQuery, SortKey};
use phonerecords_shared::summary::SummaryQuery;
use std::cell::Cell;

use js_sys::Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use crate::error::ApiError;
use crate::fault::Fault;
use crate::runtime::D1Session;
use crate::sql::{self, KeyOrder, SqlValue, Statement};
use crate::usage::D1Usage;
use crate::versioned_cache::{Kind, Lookup};

// The parts of D1's answer this store reads, as plain property reads.
#[wasm_bindgen]
extern "C" {
    type D1Answer;
    #[wasm_bindgen(method, getter)]
    fn results(this: &D1Answer) -> Option<Array>;
    #[wasm_bindgen(method, getter)]
    fn meta(this: &D1Answer) -> Option<D1Meta>;

    type D1Meta;
    #[wasm_bindgen(method, getter)]
    fn rows_read(this: &D1Meta) -> Option<f64>;
    #[wasm_bindgen(method, getter)]
    fn rows_written(this: &D1Meta) -> Option<f64>;
    #[wasm_bindgen(method, getter)]
    fn duration(this: &D1Meta) -> Option<f64>;

    /// A row of `id, j` (a record) or `n, page` (a list).
    type Row;
    #[wasm_bindgen(method, getter)]
    fn id(this: &Row) -> Option<f64>;
    #[wasm_bindgen(method, getter)]
    fn j(this: &Row) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    fn n(this: &Row) -> Option<f64>;
    #[wasm_bindgen(method, getter)]
    fn page(this: &Row) -> Option<String>;
    /// `n, bytes` (an export's size) or `body, n, fetched, k0…` (its chunk).
    #[wasm_bindgen(method, getter)]
    fn bytes(this: &Row) -> Option<f64>;
    #[wasm_bindgen(method, getter)]
    fn body(this: &Row) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn fetched(this: &Row) -> Option<f64>;
    /// A record's version.
    #[wasm_bindgen(method, getter)]
    fn v(this: &Row) -> Option<f64>;
    /// The data's version (`sql::unless_unchanged`).
    #[wasm_bindgen(method, getter)]
    fn cv(this: &Row) -> Option<String>;

    /// A row of `idempotency_keys` as `sql::idempotent_create` reads it.
    type KeyRow;
    #[wasm_bindgen(method, getter)]
    fn status(this: &KeyRow) -> Option<f64>;
    #[wasm_bindgen(method, getter)]
    fn ct(this: &KeyRow) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    fn body(this: &KeyRow) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    fn location(this: &KeyRow) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    fn etag(this: &KeyRow) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    fn body_hash(this: &KeyRow) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    fn mine(this: &KeyRow) -> Option<f64>;
}

/// One chunk of an export (export.rs): its lines as the runtime's string
/// (never copied into the Worker's memory), and where the next one starts.
pub struct ExportChunk {
    pub body: JsValue,
    pub lines: u64,
    pub fetched: u64,
    /// The keys of the last line (`query.order()`); empty when there are no lines.
    pub last: Vec<SqlValue>,
}

/// A record as stored: its id, its JSON text, and its version when the
/// statement read it (one record's reads and writes do).
pub struct RecordJson {
    pub id: i64,
    pub json: String,
    pub version: Option<i64>,
}

impl RecordJson {
    /// Its ETag, when its version was read.
    pub fn etag(&self) -> Option<String> {
        self.version.map(|v| crate::etag::of(self.id, v))
    }
}

/// What became of a write conditional on the record's version.
pub enum Written<T> {
    Done(T),
    /// No such record.
    Missing,
    /// The record is at another version (this one).
    Stale(i64),
}

/// The remembered answer to a POST with an Idempotency-Key.
pub struct Remembered {
    /// `None` only while the request that has the key has not finished.
    pub status: Option<u16>,
    pub content_type: String,
    pub body: String,
    pub location: Option<String>,
    pub etag: Option<String>,
    pub body_hash: String,
    /// This request made it (otherwise it is an earlier request's).
    pub mine: bool,
}

impl Row {
    fn record(&self) -> Result<RecordJson, ApiError> {
        match (self.id(), self.j()) {
            (Some(id), Some(json)) => Ok(RecordJson {
                id: id as i64,
                json,
                version: self.v().map(|v| v as i64),
            }),
            _ => Err(ApiError::Internal("a record row lacks id or j".into())),
        }
    }
}

/// The records of one request, read and written through its D1 session,
/// counting what each round trip cost.
pub struct Store<'a> {
    db: &'a D1Session,
    usage: Cell<D1Usage>,
    /// The fault hook (fault.rs, tests only).
    fault: Option<Fault>,
}

impl<'a> Store<'a> {
    pub fn new(db: &'a D1Session, fault: Option<Fault>) -> Self {
        Self {
            db,
            usage: Cell::new(D1Usage::default()),
            fault,
        }
    }

    /// The session, for work that outlives the request's handler (an export's stream).
    pub fn session(&self) -> D1Session {
        JsValue::clone(self.db).unchecked_into()
    }

    /// The fault hook this request asked for.
    pub fn fault(&self) -> Option<Fault> {
        self.fault
    }

    /// What this request has cost in D1 so far.
    pub fn usage(&self) -> D1Usage {
        self.usage.get()
    }

    /// Runs one statement (one round trip) and returns its rows.
    async fn rows(&self, stmt: &Statement) -> Result<Vec<Row>, ApiError> {
        if matches!(self.fault, Some(Fault::Store | Fault::Bookmark)) {
            // A real failure inside D1, on purpose: SQL it refuses.
            return self
                .run(&Statement {
                    sql: "SELECT no_such_column FROM no_such_table".into(),
                    params: vec![],
                })
                .await;
        }
        self.run(stmt).await
    }

    fn prepare(&self, stmt: &Statement) -> Result<crate::runtime::D1Statement, ApiError> {
        let values: Array = stmt
            .params
            .iter()
            .map(|v| match v {
                SqlValue::Null => JsValue::NULL,
                // D1 binds numbers as doubles: exact up to MAX_ID (2^53 - 1),
                // so larger ids are answered "not found" before they get here.
                SqlValue::Int(n) => JsValue::from_f64(*n as f64),
                SqlValue::Real(r) => JsValue::from_f64(*r),
                SqlValue::Text(t) => JsValue::from_str(t),
            })
            .collect();
        let prepared = self.db.prepare(&stmt.sql).map_err(js_error)?;
        prepared.bind(&values).map_err(js_error)
    }

    async fn run(&self, stmt: &Statement) -> Result<Vec<Row>, ApiError> {
        let bound = self.prepare(stmt)?;
        let answer: D1Answer = crate::driver::wait(bound.all().map_err(js_error)?)
            .await
            .map_err(js_error)?
            .unchecked_into();
        Ok(self.rows_of(&answer))
    }

    /// Counts a statement's cost and returns its rows.
    fn rows_of<T: JsCast>(&self, answer: &D1Answer) -> Vec<T> {
        let mut usage = self.usage.get();
        let meta = answer.meta();
        usage.add_statement(
            meta.as_ref().and_then(D1Meta::rows_read),
            meta.as_ref().and_then(D1Meta::rows_written),
            meta.as_ref().and_then(D1Meta::duration),
        );
        self.usage.set(usage);
        answer
            .results()
            .map(|rows| rows.iter().map(JsCast::unchecked_into).collect())
            .unwrap_or_default()
    }

    /// Runs the statements as one D1 batch (one round trip, one transaction:
    /// every statement or none) and returns the last one's rows.
    async fn batch_last<T: JsCast>(&self, stmts: &[Statement]) -> Result<Vec<T>, ApiError> {
        if matches!(self.fault, Some(Fault::Store | Fault::Bookmark)) {
            self.rows(
                stmts
                    .first()
                    .ok_or_else(|| ApiError::Internal("an empty batch".into()))?,
            )
            .await?;
        }
        let prepared: Array = stmts
            .iter()
            .map(|s| self.prepare(s).map(JsValue::from))
            .collect::<Result<_, _>>()?;
        let answers: Array = crate::driver::wait(self.db.batch(&prepared).map_err(js_error)?)
            .await
            .map_err(js_error)?
            .unchecked_into();
        let calls = self.usage.get().calls;
        let mut last = Vec::new();
        for answer in answers.iter() {
            last = self.rows_of(&answer.unchecked_into::<D1Answer>());
        }
        // Each statement counted, the batch one round trip.
        let mut usage = self.usage.get();
        usage.calls = calls + 1;
        self.usage.set(usage);
        Ok(last)
    }

    async fn first_record(&self, stmt: &Statement) -> Result<Option<RecordJson>, ApiError> {
        self.rows(stmt).await?.first().map(Row::record).transpose()
    }

    async fn records(&self, stmt: &Statement) -> Result<Vec<RecordJson>, ApiError> {
        self.rows(stmt).await?.iter().map(Row::record).collect()
    }

    /// The summary of a view (one statement): the JSON answer SQLite wrote,
    /// or the one this isolate remembers if the data has not changed since
    /// (`versioned_cache`; that statement then reads one row).
    pub async fn summary(&self, query: &SummaryQuery) -> Result<String, ApiError> {
        let stmt = sql::summary(query);
        let lookup = Lookup::new(Kind::Summary, &stmt);
        let rows = self
            .rows(&sql::unless_unchanged(stmt, lookup.version()))
            .await?;
        let row = rows
            .first()
            .ok_or_else(|| ApiError::Internal("the summary returned no row".into()))?;
        lookup
            .answer(row.cv(), row.j())
            .ok_or_else(|| ApiError::Internal("the summary returned no answer".into()))
    }

    pub async fn create(&self, rec: &CreatePhoneRecord) -> Result<RecordJson, ApiError> {
        self.first_record(&sql::insert(rec))
            .await?
            .ok_or_else(|| ApiError::Internal("INSERT … RETURNING returned no row".into()))
    }

    /// Stores every record or none (one statement) and returns them in the order given.
    pub async fn create_all(
        &self,
        recs: &[CreatePhoneRecord],
    ) -> Result<Vec<RecordJson>, ApiError> {
        let refused_last = self.fault == Some(Fault::Batch);
        let mut stored = self.records(&sql::insert_all(recs, refused_last)).await?;
        if stored.len() != recs.len() {
            return Err(ApiError::Internal(format!(
                "an insert of {} records returned {}",
                recs.len(),
                stored.len()
            )));
        }
        // Ids are given in the order sent.
        stored.sort_by_key(|r| r.id);
        Ok(stored)
    }

    /// One record, keys in `order`, with this fieldset.
    pub async fn get(
        &self,
        id: i64,
        order: KeyOrder,
        fields: Option<&FieldSet>,
    ) -> Result<Option<RecordJson>, ApiError> {
        if id > MAX_ID {
            return Ok(None);
        }
        self.first_record(&sql::get(id, order, fields)).await
    }

    /// Applies a partial update in one statement (the version raised in it),
    /// if the record is at one of `versions` (`If-Match`; `None`: any).
    pub async fn update(
        &self,
        id: i64,
        up: &UpdatePhoneRecord,
        versions: Option<&[i64]>,
    ) -> Result<Written<RecordJson>, ApiError> {
        if id > MAX_ID {
            return Ok(Written::Missing);
        }
        let Some(stmt) = sql::update(id, up, versions) else {
            // Nothing to change: nothing written, the version stays.
            return Ok(match self.get(id, KeyOrder::Contract, None).await? {
                None => Written::Missing,
                Some(r) => match (versions, r.version) {
                    (Some(vs), Some(v)) if !vs.contains(&v) => Written::Stale(v),
                    _ => Written::Done(r),
                },
            });
        };
        match self.first_record(&stmt).await? {
            Some(r) => Ok(Written::Done(r)),
            None if versions.is_some() => self.why_not_written(id).await,
            None => Ok(Written::Missing),
        }
    }

    /// After a conditional write changed nothing: missing, or at another version.
    async fn why_not_written<T>(&self, id: i64) -> Result<Written<T>, ApiError> {
        let rows = self.rows(&sql::version_of(id)).await?;
        Ok(match rows.first().and_then(Row::v) {
            Some(v) => Written::Stale(v as i64),
            None => Written::Missing,
        })
    }

    /// Deletes one record if it is at one of these versions (`If-Match`).
    pub async fn delete_if_version(
        &self,
        id: i64,
        versions: &[i64],
    ) -> Result<Written<()>, ApiError> {
        if id > MAX_ID {
            return Ok(Written::Missing);
        }
        if self
            .rows(&sql::delete_if_version(id, versions))
            .await?
            .is_empty()
        {
            return self.why_not_written(id).await;
        }
        Ok(Written::Done(()))
    }

    /// Creates the records under an Idempotency-Key, or finds the answer of
    /// the request that used the key first: one D1 batch (`sql::idempotent_create`).
    pub async fn idempotent_create(
        &self,
        recs: &[CreatePhoneRecord],
        ic: &sql::IdempotentCreate<'_>,
    ) -> Result<Remembered, ApiError> {
        let ic = sql::IdempotentCreate {
            refused_last: self.fault == Some(Fault::Batch),
            ..*ic
        };
        let rows: Vec<KeyRow> = self.batch_last(&sql::idempotent_create(recs, &ic)).await?;
        let row = rows
            .first()
            .ok_or_else(|| ApiError::Internal("the idempotency key row is missing".into()))?;
        let remembered = Remembered {
            status: row.status().map(|s| s as u16),
            content_type: row.ct().unwrap_or_default(),
            body: row.body().unwrap_or_default(),
            location: row.location(),
            etag: row.etag(),
            body_hash: row.body_hash().unwrap_or_default(),
            mine: row.mine() == Some(1.0),
        };
        if remembered.mine && remembered.status.is_none() {
            return Err(ApiError::Internal(
                "an idempotent create wrote no answer".into(),
            ));
        }
        Ok(remembered)
    }

    /// One page (a JSON array of records) and the count of all matching
    /// records, in one statement. Both are remembered with the data's
    /// version (`versioned_cache`): the same page of unchanged data reads one
    /// row, and another page of a filtered view does not count it again.
    /// A page whose records make a string over D1's 2 MB limit (the longest
    /// notes) is read as two statements: the count, and the page's rows.
    pub async fn list(&self, query: &ListQuery) -> Result<(String, u64), ApiError> {
        let stmts = sql::list(query);
        // The record counter's row (unfiltered) needs no remembering.
        let count = stmts
            .filtered
            .then(|| Lookup::new(Kind::Count, &stmts.count));
        let page = Lookup::new(Kind::Page, &stmts.page);
        let stmt = stmts.remembering(count.as_ref().and_then(Lookup::version), page.version());
        let rows = match self.rows(&stmt).await {
            Err(ApiError::Internal(e)) if sql::is_too_big(&e) => {
                // Rare: the statements are built again rather than kept for every list.
                let stmts = sql::list(query);
                let n = self.rows(&stmts.count).await?.first().and_then(Row::n);
                let records = self.records(&stmts.page).await?;
                return match n {
                    Some(n) => Ok((crate::envelope::array(&records), n as u64)),
                    None => Err(ApiError::Internal(
                        "the count statement returned no row".into(),
                    )),
                };
            }
            rows => rows?,
        };
        let Some(row) = rows.first() else {
            return Err(ApiError::Internal(
                "the list statement returned no row".into(),
            ));
        };
        let version = row.cv();
        let n = match count {
            None => row.n().map(|n| n as u64),
            Some(l) => l
                .answer(version.clone(), row.n().map(|n| (n as u64).to_string()))
                .and_then(|n| n.parse().ok()),
        };
        let n =
            n.ok_or_else(|| ApiError::Internal("the list statement returned no count".into()))?;
        let page = page
            .answer(version, row.page())
            .ok_or_else(|| ApiError::Internal("the list statement returned no page".into()))?;
        Ok((page, n))
    }

    /// An export's size: (records, bytes of their lines).
    pub async fn export_size(&self, stmt: &Statement) -> Result<(u64, u64), ApiError> {
        let rows = self.rows(stmt).await?;
        match rows.first().map(|r| (r.n(), r.bytes())) {
            Some((Some(n), Some(bytes))) => Ok((n as u64, bytes as u64)),
            _ => Err(ApiError::Internal(
                "the export's size statement returned no row".into(),
            )),
        }
    }

    /// One chunk of an export, its last keys read as `keys` says they are typed.
    pub async fn export_chunk(
        &self,
        stmt: &Statement,
        keys: &[SortKey],
    ) -> Result<ExportChunk, ApiError> {
        let rows = self.rows(stmt).await?;
        let row = rows
            .first()
            .ok_or_else(|| ApiError::Internal("an export chunk returned no row".into()))?;
        let lines = row.n().unwrap_or(0.0) as u64;
        let last = if lines == 0 {
            Vec::new()
        } else {
            keys.iter()
                .enumerate()
                .map(|(i, k)| {
                    let v = js_sys::Reflect::get(row, &JsValue::from_str(&format!("k{i}")))
                        .unwrap_or(JsValue::NULL);
                    crate::export::key_value(k.field, v.as_f64(), v.as_string())
                })
                .collect()
        };
        Ok(ExportChunk {
            body: row.body(),
            lines,
            fetched: row.fetched().unwrap_or(0.0) as u64,
            last,
        })
    }

    /// The records with these ids, in the order asked; `Err` names the missing ones.
    pub async fn get_many(
        &self,
        ids: &[i64],
        fields: Option<&FieldSet>,
    ) -> Result<Result<Vec<RecordJson>, Vec<i64>>, ApiError> {
        let mut found = self.records(&sql::get_many(ids, fields)).await?;
        let missing: Vec<i64> = ids
            .iter()
            .copied()
            .filter(|id| !found.iter().any(|r| r.id == *id))
            .collect();
        if !missing.is_empty() {
            return Ok(Err(missing));
        }
        found.sort_by_key(|r| ids.iter().position(|id| *id == r.id));
        Ok(Ok(found))
    }

    /// Deletes every one of these records, or none; `Err` names the missing ones.
    pub async fn delete_many(&self, ids: &[i64]) -> Result<Result<(), Vec<i64>>, ApiError> {
        let deleted = self.rows(&sql::delete_all_or_none(ids)).await?;
        if deleted.len() == ids.len() {
            return Ok(Ok(()));
        }
        let existing: Vec<i64> = self
            .rows(&sql::existing_ids(ids))
            .await?
            .iter()
            .filter_map(|r| r.id().map(|id| id as i64))
            .collect();
        Ok(Err(ids
            .iter()
            .copied()
            .filter(|id| !existing.contains(id))
            .collect()))
    }
}

/// A failure D1 (or the binding) reported.
fn js_error(e: JsValue) -> ApiError {
    ApiError::Internal(format!("D1: {}", crate::runtime::error_text(&e)))
}
