//! The two representations of an answer: the contract's plain shapes, and
//! Actionstep's envelope for clients whose `Accept` asks for
//! `application/vnd.api+json`.
//!
//! Plain: one record is the record itself; several are
//! `{"phonerecords":[…],"meta"?}`. Envelope: `{"links":{templates},
//! "phonerecords":{…} or […],"meta"?}`, each record unchanged (its `links`
//! keep their ids; the templates say where those ids point). Errors have one
//! envelope in both (see error.rs). Records arrive as the JSON text SQLite
//! wrote (store.rs), so an answer is assembled from strings.

use crate::http::{PLAIN_CONTENT_TYPE, Reply, accepted_quality};
use crate::routes::ACTIONSTEP_PREFIX;
use crate::store::RecordJson;
use phonerecords_shared::PageMetaData;
use phonerecords_shared::body::RESOURCE;
use phonerecords_shared::fields::Field;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

/// Actionstep's media type, asked for with `Accept` and answered with `Content-Type`.
pub const MEDIA_TYPE: &str = "application/vnd.api+json";

/// What an answer carries: one record, or a JSON array of records in order.
pub enum Payload<'a> {
    One(&'a str),
    Many(&'a str),
}

/// Records as one JSON array.
pub fn array(records: &[RecordJson]) -> String {
    let mut out =
        String::with_capacity(2 + records.iter().map(|r| r.json.len() + 1).sum::<usize>());
    out.push('[');
    for (i, r) in records.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&r.json);
    }
    out.push(']');
    out
}

pub enum Representation {
    Plain,
    /// The envelope, its link templates under this base URL (no trailing slash).
    Actionstep {
        links_base: String,
    },
}

impl Representation {
    /// From the `Accept` header; `configured` is `ACTIONSTEP_API_BASE`
    /// (empty: `origin` + `/api/rest`).
    pub fn for_accept(accept: Option<&str>, configured: &str, origin: &str) -> Representation {
        if !wants_envelope(accept.unwrap_or_default()) {
            return Representation::Plain;
        }
        Representation::Actionstep {
            links_base: links_base(configured, origin),
        }
    }

    /// A 200 with the payload in this representation (`meta` for list pages).
    pub fn respond(&self, payload: Payload, meta: Option<&PageMetaData>) -> Reply {
        let content_type = match self {
            Representation::Plain => PLAIN_CONTENT_TYPE,
            Representation::Actionstep { .. } => MEDIA_TYPE,
        };
        let mut resp = Reply::bytes(self.body(payload, meta).into_bytes(), content_type, 200);
        resp.set("Vary", "Accept");
        resp
    }

    /// The content type of its answers.
    pub fn content_type(&self) -> &'static str {
        match self {
            Representation::Plain => PLAIN_CONTENT_TYPE,
            Representation::Actionstep { .. } => MEDIA_TYPE,
        }
    }

    /// The text of an answer (without `meta`) before and after the record
    /// (`one`) or the JSON array of records: `body` is `before + records + after`.
    pub fn around(&self, one: bool) -> (String, String) {
        const MARK: &str = "\u{0}records\u{0}";
        let body = self.body(
            if one {
                Payload::One(MARK)
            } else {
                Payload::Many(MARK)
            },
            None,
        );
        match body.split_once(MARK) {
            Some((before, after)) => (before.to_owned(), after.to_owned()),
            None => (String::new(), String::new()),
        }
    }

    fn body(&self, payload: Payload, meta: Option<&PageMetaData>) -> String {
        let meta = meta
            .map(|m| format!(",\"meta\":{}", serde_json::to_string(m).unwrap_or_default()))
            .unwrap_or_default();
        match (self, payload) {
            (Representation::Plain, Payload::One(record)) => record.to_owned(),
            (Representation::Plain, Payload::Many(records)) => {
                format!("{{\"phonerecords\":{records}{meta}}}")
            }
            (
                Representation::Actionstep { links_base },
                Payload::One(records) | Payload::Many(records),
            ) => {
                let links = serde_json::to_string(&LinkTemplates(links_base)).unwrap_or_default();
                format!("{{\"links\":{links},\"phonerecords\":{records}{meta}}}")
            }
        }
    }
}

/// `"phonerecords.action": {"href": "<base>/actions/{phonerecords.action}", "type": "actions"}`,
/// one for each link, in field order.
struct LinkTemplates<'a>(&'a str);

#[derive(Serialize)]
struct LinkTemplate {
    href: String,
    #[serde(rename = "type")]
    kind: &'static str,
}

impl Serialize for LinkTemplates<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        for field in Field::ALL {
            if let Some(resource) = field.linked_resource() {
                let key = format!("{RESOURCE}.{}", field.name());
                let href = format!("{}/{resource}/{{{key}}}", self.0);
                map.serialize_entry(
                    &key,
                    &LinkTemplate {
                        href,
                        kind: resource,
                    },
                )?;
            }
        }
        map.end()
    }
}

/// Whether an `Accept` header prefers Actionstep's media type: it is named
/// with a q above 0, and no JSON range (`application/json`, `application/*`,
/// `*/*`) has a higher q. No header, or one without it, is plain.
pub fn wants_envelope(accept: &str) -> bool {
    let envelope = accepted_quality(accept, &[MEDIA_TYPE]);
    envelope > 0.0
        && envelope >= accepted_quality(accept, &["application/json", "application/*", "*/*"])
}

/// The base URL of the link templates: the configured one without a trailing
/// slash, or this service's origin + `/api/rest`.
pub fn links_base(configured: &str, origin: &str) -> String {
    let configured = configured.trim().trim_end_matches('/');
    if configured.is_empty() {
        format!("{origin}{ACTIONSTEP_PREFIX}")
    } else {
        configured.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use phonerecords_shared::{PagingData, PhoneRecordPageData};
    use serde_json::{Value, json};

    fn envelope() -> Representation {
        Representation::Actionstep {
            links_base: "https://example.actionstep.com/api/rest".into(),
        }
    }

    fn meta() -> PageMetaData {
        PageMetaData {
            paging: PagingData {
                phonerecords: PhoneRecordPageData {
                    record_count: 3,
                    page_count: 2,
                    page: 1,
                    page_size: 2,
                    prev_page: None,
                    next_page: Some("https://h/api/rest/phonerecords?page=2".into()),
                },
            },
        }
    }

    #[test]
    fn accept_negotiation() {
        for yes in [
            "application/vnd.api+json",
            "Application/VND.API+JSON",
            "application/vnd.api+json; charset=utf-8",
            "application/json;q=0.9, application/vnd.api+json",
            "application/vnd.api+json, */*",
            "application/json, application/vnd.api+json",
            "text/html, application/vnd.api+json;q=0.5",
            "application/vnd.api+json;q=x",
        ] {
            assert!(wants_envelope(yes), "{yes}");
        }
        for no in [
            "",
            "*/*",
            "application/json",
            "application/json; charset=utf-8",
            "text/html",
            "application/vnd.api+json;q=0",
            "application/vnd.api+json;q=0.5, application/json",
            "application/vnd.api+json;q=0.5, */*;q=0.8",
            "application/vnd.api+jsonx",
        ] {
            assert!(!wants_envelope(no), "{no}");
        }
    }

    #[test]
    fn links_base_is_configured_or_our_own_origin() {
        let origin = "http://127.0.0.1:8787";
        assert_eq!(links_base("", origin), "http://127.0.0.1:8787/api/rest");
        assert_eq!(links_base("  ", origin), "http://127.0.0.1:8787/api/rest");
        assert_eq!(
            links_base("", "https://records.example"),
            "https://records.example/api/rest"
        );
        assert_eq!(
            links_base("https://ap-southeast-2.actionstep.com/api/rest/", origin),
            "https://ap-southeast-2.actionstep.com/api/rest"
        );
    }

    #[test]
    fn the_envelope_holds_link_templates_records_and_meta() {
        let record = r#"{"id":7,"links":{"action":5}}"#;
        assert_eq!(
            envelope().body(Payload::One(record), None),
            r#"{"links":{"phonerecords.action":{"href":"https://example.actionstep.com/api/rest/actions/{phonerecords.action}","type":"actions"},"phonerecords.fromParticipant":{"href":"https://example.actionstep.com/api/rest/participants/{phonerecords.fromParticipant}","type":"participants"},"phonerecords.toParticipant":{"href":"https://example.actionstep.com/api/rest/participants/{phonerecords.toParticipant}","type":"participants"}},"phonerecords":{"id":7,"links":{"action":5}}}"#
        );
        let two = format!("[{record},{record}]");
        let many: Value =
            serde_json::from_str(&envelope().body(Payload::Many(&two), Some(&meta()))).unwrap();
        let parsed: Value = serde_json::from_str(record).unwrap();
        assert_eq!(many["phonerecords"], json!([parsed, parsed]));
        assert_eq!(
            many["meta"]["paging"]["phonerecords"]["nextPage"],
            "https://h/api/rest/phonerecords?page=2"
        );
        assert_eq!(many.as_object().unwrap().len(), 3);
        let empty: Value =
            serde_json::from_str(&envelope().body(Payload::Many("[]"), None)).unwrap();
        assert_eq!(empty["phonerecords"], json!([]));
        assert!(empty.get("meta").is_none());
    }

    #[test]
    fn the_plain_form_is_the_contracts() {
        let record = r#"{"id":7}"#;
        let plain = Representation::Plain;
        assert_eq!(plain.body(Payload::One(record), None), record);
        assert_eq!(
            plain.body(Payload::Many(&format!("[{record}]")), None),
            r#"{"phonerecords":[{"id":7}]}"#
        );
        assert_eq!(
            plain.body(Payload::Many(&format!("[{record}]")), Some(&meta())),
            r#"{"phonerecords":[{"id":7}],"meta":{"paging":{"phonerecords":{"recordCount":3,"pageCount":2,"page":1,"pageSize":2,"nextPage":"https://h/api/rest/phonerecords?page=2"}}}}"#
        );
        let records = [
            RecordJson {
                id: 1,
                json: "{\"id\":1}".into(),
                version: None,
            },
            RecordJson {
                id: 2,
                json: "{\"id\":2}".into(),
                version: None,
            },
        ];
        assert_eq!(array(&records), r#"[{"id":1},{"id":2}]"#);
        assert_eq!(array(&[]), "[]");
    }
}
