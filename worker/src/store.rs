//! Phone records in D1. Column names come from this file only; every value is bound.

use phonerecords_shared::fields::MAX_ID;
use phonerecords_shared::query::ListQuery;
use phonerecords_shared::{
    CallTimestamp, CreatePhoneRecord, Direction, PhoneRecord, PhoneRecordLinks, UpdatePhoneRecord,
};
use std::cell::Cell;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;
use worker::{D1DatabaseSession, D1PreparedStatement, D1Result};

use crate::error::ApiError;
use crate::sql::{self, SqlValue, Statement};
use crate::usage::D1Usage;

/// A row as D1 returns it.
#[derive(Deserialize)]
struct Row {
    id: i64,
    from_participant_other: Option<String>,
    to_participant_other: Option<String>,
    direction: String,
    phone_number: Option<String>,
    phone_number_type: Option<String>,
    actual_hours: Option<f64>,
    notes: Option<String>,
    call_timestamp: String,
    outcome: String,
    action_id: Option<i64>,
    from_participant_id: Option<i64>,
    to_participant_id: Option<i64>,
}

impl TryFrom<Row> for PhoneRecord {
    type Error = ApiError;

    fn try_from(r: Row) -> Result<Self, ApiError> {
        let corrupt =
            |what: &str| ApiError::Internal(format!("row {} has an invalid {what}", r.id));
        Ok(PhoneRecord {
            id: r.id,
            direction: Direction::parse(&r.direction).ok_or_else(|| corrupt("direction"))?,
            call_timestamp: CallTimestamp::parse(&r.call_timestamp)
                .map_err(|_| corrupt("call_timestamp"))?,
            from_participant_other: r.from_participant_other,
            to_participant_other: r.to_participant_other,
            phone_number: r.phone_number,
            phone_number_type: r.phone_number_type,
            actual_hours: r.actual_hours,
            notes: r.notes,
            outcome: r.outcome,
            links: PhoneRecordLinks {
                action: r.action_id,
                from_participant: r.from_participant_id,
                to_participant: r.to_participant_id,
            },
        })
    }
}

fn rows_to_records(rows: Vec<Row>) -> Result<Vec<PhoneRecord>, ApiError> {
    rows.into_iter().map(PhoneRecord::try_from).collect()
}

/// The records of one request, read and written through its D1 session,
/// counting what each round trip cost.
pub struct Store<'a> {
    db: &'a D1DatabaseSession,
    usage: Cell<D1Usage>,
}

impl<'a> Store<'a> {
    pub fn new(db: &'a D1DatabaseSession) -> Self {
        Self {
            db,
            usage: Cell::new(D1Usage::default()),
        }
    }

    /// What this request has cost in D1 so far.
    pub fn usage(&self) -> D1Usage {
        self.usage.get()
    }

    fn count(&self, results: &[D1Result]) {
        let metas: Vec<_> = results.iter().map(|r| r.meta().ok().flatten()).collect();
        let mut u = self.usage.get();
        u.add_call(metas.iter().map(Option::as_ref));
        self.usage.set(u);
    }

    /// Every row of one statement: one round trip.
    async fn all<T: DeserializeOwned>(&self, stmt: &Statement) -> Result<Vec<T>, ApiError> {
        let result = self.prepare(stmt)?.all().await?;
        self.count(std::slice::from_ref(&result));
        Ok(result.results::<T>()?)
    }

    /// Several statements in one round trip and one transaction.
    async fn batch(&self, statements: Vec<D1PreparedStatement>) -> Result<Vec<D1Result>, ApiError> {
        let results = self.db.batch(statements).await?;
        self.count(&results);
        Ok(results)
    }

    /// The first row of a statement, if any.
    async fn first(&self, stmt: &Statement) -> Result<Option<PhoneRecord>, ApiError> {
        self.all::<Row>(stmt)
            .await?
            .into_iter()
            .next()
            .map(PhoneRecord::try_from)
            .transpose()
    }

    pub async fn create(&self, rec: &CreatePhoneRecord) -> Result<PhoneRecord, ApiError> {
        self.first(&sql::insert(rec))
            .await?
            .ok_or_else(|| ApiError::Internal("INSERT … RETURNING returned no row".into()))
    }

    /// Stores every record or none (a D1 batch is one transaction) and
    /// returns them in the order given.
    pub async fn create_all(
        &self,
        recs: &[CreatePhoneRecord],
    ) -> Result<Vec<PhoneRecord>, ApiError> {
        let statements = recs
            .iter()
            .map(|rec| self.prepare(&sql::insert(rec)))
            .collect::<Result<Vec<_>, _>>()?;
        let results = self.batch(statements).await?;
        if results.len() != recs.len() {
            return Err(ApiError::Internal(format!(
                "D1 batch of {} inserts returned {} results",
                recs.len(),
                results.len()
            )));
        }
        results
            .iter()
            .map(|result| {
                result
                    .results::<Row>()?
                    .into_iter()
                    .next()
                    .ok_or_else(|| ApiError::Internal("INSERT … RETURNING returned no row".into()))
                    .and_then(PhoneRecord::try_from)
            })
            .collect()
    }

    /// Runs a statement D1 refuses (see fault.rs): a real failure, on purpose.
    pub async fn run_invalid_sql(&self) -> Result<(), ApiError> {
        self.db
            .prepare("SELECT no_such_column FROM no_such_table")
            .all()
            .await?;
        Err(ApiError::Internal(
            "invalid SQL ran without an error".into(),
        ))
    }

    pub async fn get(&self, id: i64) -> Result<Option<PhoneRecord>, ApiError> {
        if id > MAX_ID {
            return Ok(None);
        }
        self.first(&sql::get(id)).await
    }

    /// Applies a partial update in one statement; `None` if there is no such record.
    pub async fn update(
        &self,
        id: i64,
        up: &UpdatePhoneRecord,
    ) -> Result<Option<PhoneRecord>, ApiError> {
        if id > MAX_ID {
            return Ok(None);
        }
        match sql::update(id, up) {
            Some(stmt) => self.first(&stmt).await,
            None => self.get(id).await,
        }
    }

    fn prepare(&self, stmt: &Statement) -> Result<D1PreparedStatement, ApiError> {
        let values: Vec<JsValue> = stmt
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
        Ok(self.db.prepare(&stmt.sql).bind(&values)?)
    }

    /// One page and the count of all matching records, in one round trip.
    pub async fn list(&self, query: &ListQuery) -> Result<(Vec<PhoneRecord>, u64), ApiError> {
        let statements = sql::list(query);
        let batch = vec![
            self.prepare(&statements.count)?,
            self.prepare(&statements.page)?,
        ];
        let mut results = self.batch(batch).await?.into_iter();
        let (Some(count), Some(rows)) = (results.next(), results.next()) else {
            return Err(ApiError::Internal(
                "D1 batch returned fewer results than statements".into(),
            ));
        };
        #[derive(Deserialize)]
        struct Count {
            n: u64,
        }
        let total = count.results::<Count>()?.first().map_or(0, |c| c.n);
        Ok((rows_to_records(rows.results::<Row>()?)?, total))
    }

    /// The records with these ids, in the order asked; `Err` names the missing ones.
    pub async fn get_many(
        &self,
        ids: &[i64],
    ) -> Result<Result<Vec<PhoneRecord>, Vec<i64>>, ApiError> {
        let rows = self.all::<Row>(&sql::get_many(ids)).await?;
        let mut found = rows_to_records(rows)?;
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
        #[derive(Deserialize)]
        struct Id {
            id: i64,
        }
        let deleted = self.all::<Id>(&sql::delete_all_or_none(ids)).await?;
        if deleted.len() == ids.len() {
            return Ok(Ok(()));
        }
        let existing = self.all::<Id>(&sql::existing_ids(ids)).await?;
        Ok(Err(ids
            .iter()
            .copied()
            .filter(|id| !existing.iter().any(|e| e.id == *id))
            .collect()))
    }
}
