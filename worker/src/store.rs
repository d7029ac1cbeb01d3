//! Phone records in D1. Column names come from this file only; every value is bound.

use phonerecords_shared::paging::PageRequest;
use phonerecords_shared::{
    CallTimestamp, CreatePhoneRecord, Direction, Patch, PhoneRecord, PhoneRecordLinks,
    UpdatePhoneRecord,
};
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::D1Database;

use crate::error::ApiError;

const COLUMNS: &str = "id, from_participant_other, to_participant_other, direction, phone_number, \
    phone_number_type, actual_hours, notes, call_timestamp, outcome, action_id, \
    from_participant_id, to_participant_id";

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

fn text(v: &Option<String>) -> JsValue {
    v.as_deref().map_or(JsValue::NULL, JsValue::from_str)
}

/// Ids are at most 2^53 − 1 (validated), so a JS number holds them exactly.
fn int(v: Option<i64>) -> JsValue {
    v.map_or(JsValue::NULL, |n| JsValue::from_f64(n as f64))
}

fn real(v: Option<f64>) -> JsValue {
    v.map_or(JsValue::NULL, JsValue::from_f64)
}

fn patch_text(p: &Patch<String>) -> JsValue {
    text(&p.value().cloned())
}

fn rows_to_records(rows: Vec<Row>) -> Result<Vec<PhoneRecord>, ApiError> {
    rows.into_iter().map(PhoneRecord::try_from).collect()
}

pub struct Store<'a> {
    db: &'a D1Database,
}

impl<'a> Store<'a> {
    pub fn new(db: &'a D1Database) -> Self {
        Self { db }
    }

    pub async fn create(&self, rec: &CreatePhoneRecord) -> Result<PhoneRecord, ApiError> {
        let sql = format!(
            "INSERT INTO phone_records (from_participant_other, to_participant_other, direction, \
             phone_number, phone_number_type, actual_hours, notes, call_timestamp, call_at_ms, \
             outcome, action_id, from_participant_id, to_participant_id) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) RETURNING {COLUMNS}"
        );
        let stmt = self.db.prepare(sql).bind(&[
            text(&rec.from_participant_other),
            text(&rec.to_participant_other),
            JsValue::from_str(rec.direction.as_str()),
            text(&rec.phone_number),
            text(&rec.phone_number_type),
            real(rec.actual_hours),
            text(&rec.notes),
            JsValue::from_str(rec.call_timestamp.as_str()),
            int(Some(rec.call_timestamp.epoch_millis())),
            JsValue::from_str(&rec.outcome),
            int(rec.links.action),
            int(rec.links.from_participant),
            int(rec.links.to_participant),
        ])?;
        stmt.first::<Row>(None)
            .await?
            .ok_or_else(|| ApiError::Internal("INSERT … RETURNING returned no row".into()))?
            .try_into()
    }

    pub async fn get(&self, id: i64) -> Result<Option<PhoneRecord>, ApiError> {
        let stmt = self
            .db
            .prepare(format!("SELECT {COLUMNS} FROM phone_records WHERE id = ?1"))
            .bind(&[int(Some(id))])?;
        stmt.first::<Row>(None)
            .await?
            .map(PhoneRecord::try_from)
            .transpose()
    }

    /// Applies a partial update in one statement; `None` if there is no such record.
    pub async fn update(
        &self,
        id: i64,
        up: &UpdatePhoneRecord,
    ) -> Result<Option<PhoneRecord>, ApiError> {
        let mut sets: Vec<&str> = Vec::new();
        let mut values: Vec<JsValue> = Vec::new();
        let mut set = |column: &'static str, value: JsValue| {
            sets.push(column);
            values.push(value);
        };
        let texts = [
            ("from_participant_other", &up.from_participant_other),
            ("to_participant_other", &up.to_participant_other),
            ("phone_number", &up.phone_number),
            ("phone_number_type", &up.phone_number_type),
            ("notes", &up.notes),
        ];
        for (column, patch) in texts {
            if !patch.is_unchanged() {
                set(column, patch_text(patch));
            }
        }
        if !up.actual_hours.is_unchanged() {
            set("actual_hours", real(up.actual_hours.value().copied()));
        }
        let links = [
            ("action_id", &up.links.action),
            ("from_participant_id", &up.links.from_participant),
            ("to_participant_id", &up.links.to_participant),
        ];
        for (column, patch) in links {
            if !patch.is_unchanged() {
                set(column, int(patch.value().copied()));
            }
        }
        if let Some(d) = up.direction {
            set("direction", JsValue::from_str(d.as_str()));
        }
        if let Some(t) = &up.call_timestamp {
            set("call_timestamp", JsValue::from_str(t.as_str()));
            set("call_at_ms", int(Some(t.epoch_millis())));
        }
        if let Some(o) = &up.outcome {
            set("outcome", JsValue::from_str(o));
        }
        if sets.is_empty() {
            return self.get(id).await;
        }
        let assignments: Vec<String> = sets
            .iter()
            .enumerate()
            .map(|(i, column)| format!("{column} = ?{}", i + 1))
            .collect();
        let sql = format!(
            "UPDATE phone_records SET {} WHERE id = ?{} RETURNING {COLUMNS}",
            assignments.join(", "),
            values.len() + 1
        );
        values.push(int(Some(id)));
        let stmt = self.db.prepare(sql).bind(&values)?;
        stmt.first::<Row>(None)
            .await?
            .map(PhoneRecord::try_from)
            .transpose()
    }

    /// Whether a record was deleted.
    pub async fn delete(&self, id: i64) -> Result<bool, ApiError> {
        let stmt = self
            .db
            .prepare("DELETE FROM phone_records WHERE id = ?1 RETURNING id")
            .bind(&[int(Some(id))])?;
        Ok(stmt.first::<serde_json::Value>(None).await?.is_some())
    }

    /// One page in id order and the total count, in one round trip.
    pub async fn list(&self, page: PageRequest) -> Result<(Vec<PhoneRecord>, u64), ApiError> {
        let count = self.db.prepare("SELECT COUNT(*) AS n FROM phone_records");
        let rows = self
            .db
            .prepare(format!(
                "SELECT {COLUMNS} FROM phone_records ORDER BY id LIMIT ?1 OFFSET ?2"
            ))
            .bind(&[
                JsValue::from_f64(f64::from(page.page_size)),
                JsValue::from_f64(page.offset() as f64),
            ])?;
        let mut results = self.db.batch(vec![count, rows]).await?.into_iter();
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
}
