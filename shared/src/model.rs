//! The resources and bodies of the contract, with its exact JSON names.

use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::timestamp::CallTimestamp;
use crate::validate;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    In,
    Out,
}

impl Direction {
    pub const fn as_str(self) -> &'static str {
        match self {
            Direction::In => "in",
            Direction::Out => "out",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "in" => Some(Direction::In),
            "out" => Some(Direction::Out),
            _ => None,
        }
    }
}

/// Ids of the matter and participants a call belongs to. Always serialised as
/// an object; an absent link is omitted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PhoneRecordLinks {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_participant: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_participant: Option<i64>,
}

/// The links of a create body have the same shape as a stored record's.
pub type CreatePhoneRecordLinks = PhoneRecordLinks;

/// A stored phone record. Absent optional fields are omitted, never `null`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PhoneRecord {
    pub id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_participant_other: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_participant_other: Option<String>,
    pub direction: Direction,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual_hours: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    pub call_timestamp: CallTimestamp,
    pub outcome: String,
    #[serde(default)]
    pub links: PhoneRecordLinks,
}

/// The body of `POST /phonerecords`, validated. Deserialising one runs the
/// same rules as the API (`validate::parse_create`), so it cannot hold bad data.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatePhoneRecord {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_participant_other: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_participant_other: Option<String>,
    pub direction: Direction,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_number_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual_hours: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    pub call_timestamp: CallTimestamp,
    pub outcome: String,
    pub links: CreatePhoneRecordLinks,
}

/// One optional field of a partial update.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Patch<T> {
    /// Absent from the body: leave the stored value alone.
    #[default]
    Unchanged,
    /// `null` in the body: remove the stored value.
    Clear,
    Set(T),
}

impl<T> Patch<T> {
    pub fn is_unchanged(&self) -> bool {
        matches!(self, Patch::Unchanged)
    }

    /// The new value, or `None` for a clear; `None` for `Unchanged` too, so
    /// check `is_unchanged` first.
    pub fn value(&self) -> Option<&T> {
        match self {
            Patch::Set(v) => Some(v),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct UpdatePhoneRecordLinks {
    pub action: Patch<i64>,
    pub from_participant: Patch<i64>,
    pub to_participant: Patch<i64>,
}

/// The body of `PUT /phonerecords/{id}`: a partial update. Required fields
/// can be changed but not cleared, so they are plain `Option`s.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UpdatePhoneRecord {
    pub from_participant_other: Patch<String>,
    pub to_participant_other: Patch<String>,
    pub direction: Option<Direction>,
    pub phone_number: Patch<String>,
    pub phone_number_type: Patch<String>,
    pub actual_hours: Patch<f64>,
    pub notes: Patch<String>,
    pub call_timestamp: Option<CallTimestamp>,
    pub outcome: Option<String>,
    pub links: UpdatePhoneRecordLinks,
}

impl UpdatePhoneRecord {
    pub fn is_empty(&self) -> bool {
        *self == UpdatePhoneRecord::default()
    }
}

impl<'de> Deserialize<'de> for CreatePhoneRecord {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        validate::parse_create(&value).map_err(|errors| first_error(&errors))
    }
}

impl<'de> Deserialize<'de> for UpdatePhoneRecord {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        validate::parse_update(&value).map_err(|errors| first_error(&errors))
    }
}

fn first_error<E: serde::de::Error>(errors: &[crate::FieldError]) -> E {
    match errors.first() {
        Some(e) => E::custom(e),
        None => E::custom("invalid phone record"),
    }
}

fn put_patch<M: SerializeMap, T: Serialize>(
    map: &mut M,
    key: &str,
    patch: &Patch<T>,
) -> Result<(), M::Error> {
    match patch {
        Patch::Unchanged => Ok(()),
        Patch::Clear => map.serialize_entry(key, &()),
        Patch::Set(v) => map.serialize_entry(key, v),
    }
}

fn put_option<M: SerializeMap, T: Serialize>(
    map: &mut M,
    key: &str,
    value: &Option<T>,
) -> Result<(), M::Error> {
    match value {
        Some(v) => map.serialize_entry(key, v),
        None => Ok(()),
    }
}

impl Serialize for UpdatePhoneRecordLinks {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        put_patch(&mut map, "action", &self.action)?;
        put_patch(&mut map, "fromParticipant", &self.from_participant)?;
        put_patch(&mut map, "toParticipant", &self.to_participant)?;
        map.end()
    }
}

/// Writes only what changes: absent for `Unchanged`, `null` for `Clear`.
impl Serialize for UpdatePhoneRecord {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        put_patch(
            &mut map,
            "fromParticipantOther",
            &self.from_participant_other,
        )?;
        put_patch(&mut map, "toParticipantOther", &self.to_participant_other)?;
        put_option(&mut map, "direction", &self.direction)?;
        put_patch(&mut map, "phoneNumber", &self.phone_number)?;
        put_patch(&mut map, "phoneNumberType", &self.phone_number_type)?;
        put_patch(&mut map, "actualHours", &self.actual_hours)?;
        put_patch(&mut map, "notes", &self.notes)?;
        put_option(&mut map, "callTimestamp", &self.call_timestamp)?;
        put_option(&mut map, "outcome", &self.outcome)?;
        if self.links != UpdatePhoneRecordLinks::default() {
            map.serialize_entry("links", &self.links)?;
        }
        map.end()
    }
}

/// `GET /phonerecords`: one page and where it sits.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PagedPhoneRecords {
    pub phonerecords: Vec<PhoneRecord>,
    pub meta: PageMetaData,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PageMetaData {
    pub paging: PagingData,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PagingData {
    pub phonerecords: PhoneRecordPageData,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PhoneRecordPageData {
    pub record_count: u64,
    pub page_count: u64,
    pub page: u64,
    pub page_size: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prev_page: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record() -> PhoneRecord {
        PhoneRecord {
            id: 1176,
            from_participant_other: None,
            to_participant_other: Some("AJ Accountants LLC".into()),
            direction: Direction::Out,
            phone_number: Some("+44 493 993938".into()),
            phone_number_type: None,
            actual_hours: Some(0.25),
            notes: None,
            call_timestamp: CallTimestamp::parse("2025-09-17T09:12:32+12:00").unwrap(),
            outcome: "Call completed".into(),
            links: PhoneRecordLinks {
                action: Some(321845),
                ..Default::default()
            },
        }
    }

    #[test]
    fn record_serialises_with_contract_names_and_omits_absent_fields() {
        let v = serde_json::to_value(record()).unwrap();
        assert_eq!(
            v,
            json!({
                "id": 1176,
                "toParticipantOther": "AJ Accountants LLC",
                "direction": "out",
                "phoneNumber": "+44 493 993938",
                "actualHours": 0.25,
                "callTimestamp": "2025-09-17T09:12:32+12:00",
                "outcome": "Call completed",
                "links": {"action": 321845}
            })
        );
    }

    #[test]
    fn links_is_always_an_object() {
        let mut r = record();
        r.links = PhoneRecordLinks::default();
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["links"], json!({}));
        let back: PhoneRecord = serde_json::from_value(v).unwrap();
        assert_eq!(back, r);
    }

    #[test]
    fn update_serialises_only_what_changes() {
        let u = UpdatePhoneRecord {
            notes: Patch::Clear,
            outcome: Some("Left a message".into()),
            links: UpdatePhoneRecordLinks {
                action: Patch::Set(7),
                ..Default::default()
            },
            ..Default::default()
        };
        let v = serde_json::to_value(&u).unwrap();
        assert_eq!(
            v,
            json!({"notes": null, "outcome": "Left a message", "links": {"action": 7}})
        );
        let back: UpdatePhoneRecord = serde_json::from_value(v).unwrap();
        assert_eq!(back, u);
        assert!(UpdatePhoneRecord::default().is_empty());
        assert_eq!(
            serde_json::to_value(UpdatePhoneRecord::default()).unwrap(),
            json!({})
        );
    }

    #[test]
    fn create_deserialisation_runs_validation() {
        let err = serde_json::from_value::<CreatePhoneRecord>(json!({"direction": "in"}))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("callTimestamp") || err.contains("outcome"),
            "{err}"
        );
        let ok: CreatePhoneRecord = serde_json::from_value(json!({
            "direction": "in",
            "callTimestamp": "2025-09-17T09:12:32+12:00",
            "outcome": "Call completed"
        }))
        .unwrap();
        assert_eq!(ok.direction, Direction::In);
    }
}
