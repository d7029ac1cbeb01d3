//! Phone records in D1: one statement per operation (see `sql`), read back as
//! the JSON text SQLite wrote, so no record is converted value by value
//! between JavaScript and WebAssembly. Counts what each round trip cost.

use phonerecords_shared::CreatePhoneRecord;
use phonerecords_shared::UpdatePhoneRecord;
use phonerecords_shared::fields::MAX_ID;
use phonerecords_shared::query::{FieldSet, ListQuery, SortKey};
use std::cell::Cell;

use js_sys::Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::error::ApiError;
use crate::fault::Fault;
use crate::runtime::D1Session;
use crate::sql::{self, KeyOrder, SqlValue, Statement};
use crate::usage::D1Usage;

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

/// A record as stored: its id and its JSON text.
pub struct RecordJson {
    pub id: i64,
    pub json: String,
}

impl Row {
    fn record(&self) -> Result<RecordJson, ApiError> {
        match (self.id(), self.j()) {
            (Some(id), Some(json)) => Ok(RecordJson {
                id: id as i64,
                json,
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

    async fn run(&self, stmt: &Statement) -> Result<Vec<Row>, ApiError> {
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
        let bound = prepared.bind(&values).map_err(js_error)?;
        let answer: D1Answer = JsFuture::from(bound.all().map_err(js_error)?)
            .await
            .map_err(js_error)?
            .unchecked_into();
        let mut usage = self.usage.get();
        let meta = answer.meta();
        usage.add_statement(
            meta.as_ref().and_then(D1Meta::rows_read),
            meta.as_ref().and_then(D1Meta::rows_written),
            meta.as_ref().and_then(D1Meta::duration),
        );
        self.usage.set(usage);
        Ok(answer
            .results()
            .map(|rows| rows.iter().map(JsCast::unchecked_into).collect())
            .unwrap_or_default())
    }

    async fn first_record(&self, stmt: &Statement) -> Result<Option<RecordJson>, ApiError> {
        self.rows(stmt)
            .await?
            .first()
            .map(Row::record)
            .transpose()
    }

    async fn records(&self, stmt: &Statement) -> Result<Vec<RecordJson>, ApiError> {
        self.rows(stmt).await?.iter().map(Row::record).collect()
    }

    pub async fn create(&self, rec: &CreatePhoneRecord) -> Result<RecordJson, ApiError> {
        self.first_record(&sql::insert(rec))
            .await?
            .ok_or_else(|| ApiError::Internal("INSERT … RETURNING returned no row".into()))
    }

    /// Stores every record or none (one statement) and returns them in the order given.
    pub async fn create_all(&self, recs: &[CreatePhoneRecord]) -> Result<Vec<RecordJson>, ApiError> {
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

    /// Applies a partial update in one statement; `None` if there is no such record.
    pub async fn update(
        &self,
        id: i64,
        up: &UpdatePhoneRecord,
    ) -> Result<Option<RecordJson>, ApiError> {
        if id > MAX_ID {
            return Ok(None);
        }
        match sql::update(id, up) {
            Some(stmt) => self.first_record(&stmt).await,
            None => self.get(id, KeyOrder::Contract, None).await,
        }
    }

    /// One page (a JSON array of records) and the count of all matching
    /// records, in one statement.
    /// A page whose records make a string over D1's 2 MB limit (the longest
    /// notes) is read as two statements: the count, and the page's rows.
    pub async fn list(&self, query: &ListQuery) -> Result<(String, u64), ApiError> {
        let stmts = sql::list(query);
        let (count, page) = (stmts.count.clone(), stmts.page.clone());
        let rows = match self.rows(&stmts.combined()).await {
            Err(ApiError::Internal(e)) if sql::is_too_big(&e) => {
                let n = self.rows(&count).await?.first().and_then(Row::n);
                let records = self.records(&page).await?;
                return match n {
                    Some(n) => Ok((crate::envelope::array(&records), n as u64)),
                    None => Err(ApiError::Internal("the count statement returned no row".into())),
                };
            }
            rows => rows?,
        };
        match rows.first().map(|r| (r.n(), r.page())) {
            Some((Some(n), Some(page))) => Ok((page, n as u64)),
            _ => Err(ApiError::Internal("the list statement returned no row".into())),
        }
    }

    /// An export's size: (records, bytes of their lines).
    pub async fn export_size(&self, stmt: &Statement) -> Result<(u64, u64), ApiError> {
        let rows = self.rows(stmt).await?;
        match rows.first().map(|r| (r.n(), r.bytes())) {
            Some((Some(n), Some(bytes))) => Ok((n as u64, bytes as u64)),
            _ => Err(ApiError::Internal("the export's size statement returned no row".into())),
        }
    }

    /// One chunk of an export, its last keys read as `keys` says they are typed.
    pub async fn export_chunk(&self, stmt: &Statement, keys: &[SortKey]) -> Result<ExportChunk, ApiError> {
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
