//! The two forms of a response: the contract's plain shapes, and Actionstep's
//! envelope for clients whose `Accept` asks for `application/vnd.api+json`.
//!
//! Plain: one record is the record itself; several are
//! `{"phonerecords":[…],"meta"?}`. Envelope: `{"links":{templates},
//! "phonerecords":{…} or […],"meta"?}`, each record unchanged (its `links`
//! keep their ids; the templates say where those ids point). Errors have one
//! envelope in both forms (see error.rs).

use phonerecords_shared::PageMetaData;
use phonerecords_shared::body::RESOURCE;
use phonerecords_shared::fields::Field;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use worker::{Env, Request, Response, Url};

use crate::http::{PLAIN_CONTENT_TYPE, bytes_response};
use crate::routes::ACTIONSTEP_PREFIX;

/// Actionstep's media type, asked for with `Accept` and answered with `Content-Type`.
pub const MEDIA_TYPE: &str = "application/vnd.api+json";

/// Where the link templates point; empty means this service's own origin + `/api/rest`.
const BASE_VARIABLE: &str = "ACTIONSTEP_API_BASE";

/// What a response carries: one record, or several in order.
#[derive(Serialize)]
#[serde(untagged)]
pub enum Payload<T> {
    One(T),
    Many(Vec<T>),
}

pub enum Form {
    Plain,
    /// The envelope, its link templates under this base URL (no trailing slash).
    Actionstep {
        links_base: String,
    },
}

impl Form {
    pub fn for_request(req: &Request, env: &Env, url: &Url) -> Form {
        let accept = req
            .headers()
            .get("Accept")
            .ok()
            .flatten()
            .unwrap_or_default();
        if !wants_envelope(&accept) {
            return Form::Plain;
        }
        let configured = env
            .var(BASE_VARIABLE)
            .map(|v| v.to_string())
            .unwrap_or_default();
        Form::Actionstep {
            links_base: links_base(&configured, url),
        }
    }

    /// A 200 with the payload in this form (`meta` for list pages).
    pub fn respond<T: Serialize>(
        &self,
        payload: Payload<T>,
        meta: Option<PageMetaData>,
    ) -> worker::Result<Response> {
        let content_type = match self {
            Form::Plain => PLAIN_CONTENT_TYPE,
            Form::Actionstep { .. } => MEDIA_TYPE,
        };
        let resp = bytes_response(self.body(payload, meta)?, content_type, 200)?;
        resp.headers().set("Vary", "Accept")?;
        Ok(resp)
    }

    fn body<T: Serialize>(
        &self,
        payload: Payload<T>,
        meta: Option<PageMetaData>,
    ) -> serde_json::Result<Vec<u8>> {
        match (self, payload) {
            (Form::Plain, Payload::One(record)) => serde_json::to_vec(&record),
            (Form::Plain, Payload::Many(records)) => serde_json::to_vec(&Records {
                phonerecords: records,
                meta,
            }),
            (Form::Actionstep { links_base }, payload) => serde_json::to_vec(&Envelope {
                links: LinkTemplates(links_base),
                phonerecords: payload,
                meta,
            }),
        }
    }
}

/// The plain form of several records (a list page, a multi-id read, a batch).
#[derive(Serialize)]
struct Records<T> {
    phonerecords: Vec<T>,
    #[serde(skip_serializing_if = "Option::is_none")]
    meta: Option<PageMetaData>,
}

#[derive(Serialize)]
struct Envelope<'a, T> {
    links: LinkTemplates<'a>,
    phonerecords: Payload<T>,
    #[serde(skip_serializing_if = "Option::is_none")]
    meta: Option<PageMetaData>,
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
    let (mut envelope, mut plain) = (0.0_f32, 0.0_f32);
    for range in accept.split(',') {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.split_once('='))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case("q"))
            .map_or(1.0, |(_, v)| {
                v.trim()
                    .parse::<f32>()
                    .ok()
                    .filter(|q| (0.0..=1.0).contains(q))
                    .unwrap_or(1.0)
            });
        match media.as_str() {
            MEDIA_TYPE => envelope = envelope.max(q),
            "application/json" | "application/*" | "*/*" => plain = plain.max(q),
            _ => {}
        }
    }
    envelope > 0.0 && envelope >= plain
}

/// The base URL of the link templates: the configured one without a trailing
/// slash, or this service's origin + `/api/rest`.
pub fn links_base(configured: &str, url: &Url) -> String {
    let configured = configured.trim().trim_end_matches('/');
    if configured.is_empty() {
        format!("{}{ACTIONSTEP_PREFIX}", url.origin().ascii_serialization())
    } else {
        configured.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use phonerecords_shared::{PagingData, PhoneRecordPageData};
    use serde_json::{Value, json};

    fn envelope() -> Form {
        Form::Actionstep {
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

    fn text(form: &Form, payload: Payload<Value>, meta: Option<PageMetaData>) -> String {
        String::from_utf8(form.body(payload, meta).unwrap()).unwrap()
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
        let url = Url::parse("http://127.0.0.1:8787/api/rest/phonerecords/7?x=1").unwrap();
        assert_eq!(links_base("", &url), "http://127.0.0.1:8787/api/rest");
        assert_eq!(links_base("  ", &url), "http://127.0.0.1:8787/api/rest");
        let plain = Url::parse("https://records.example/phonerecords").unwrap();
        assert_eq!(links_base("", &plain), "https://records.example/api/rest");
        assert_eq!(
            links_base("https://ap-southeast-2.actionstep.com/api/rest/", &url),
            "https://ap-southeast-2.actionstep.com/api/rest"
        );
    }

    #[test]
    fn the_envelope_holds_link_templates_records_and_meta() {
        let record = json!({"id": 7, "links": {"action": 5}});
        assert_eq!(
            text(&envelope(), Payload::One(record.clone()), None),
            r#"{"links":{"phonerecords.action":{"href":"https://example.actionstep.com/api/rest/actions/{phonerecords.action}","type":"actions"},"phonerecords.fromParticipant":{"href":"https://example.actionstep.com/api/rest/participants/{phonerecords.fromParticipant}","type":"participants"},"phonerecords.toParticipant":{"href":"https://example.actionstep.com/api/rest/participants/{phonerecords.toParticipant}","type":"participants"}},"phonerecords":{"id":7,"links":{"action":5}}}"#
        );
        let many: Value = serde_json::from_str(&text(
            &envelope(),
            Payload::Many(vec![record.clone(), record.clone()]),
            Some(meta()),
        ))
        .unwrap();
        assert_eq!(many["phonerecords"], json!([record, record]));
        assert_eq!(
            many["meta"]["paging"]["phonerecords"]["nextPage"],
            "https://h/api/rest/phonerecords?page=2"
        );
        let keys: Vec<&String> = many.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), 3);
        let empty: Value =
            serde_json::from_str(&text(&envelope(), Payload::Many(vec![]), None)).unwrap();
        assert_eq!(empty["phonerecords"], json!([]));
        assert!(empty.get("meta").is_none());
    }

    #[test]
    fn the_plain_form_is_the_contracts() {
        let record = json!({"id": 7});
        assert_eq!(
            text(&Form::Plain, Payload::One(record.clone()), None),
            r#"{"id":7}"#
        );
        assert_eq!(
            text(&Form::Plain, Payload::Many(vec![record.clone()]), None),
            r#"{"phonerecords":[{"id":7}]}"#
        );
        assert_eq!(
            text(&Form::Plain, Payload::Many(vec![record]), Some(meta())),
            r#"{"phonerecords":[{"id":7}],"meta":{"paging":{"phonerecords":{"recordCount":3,"pageCount":2,"page":1,"pageSize":2,"nextPage":"https://h/api/rest/phonerecords?page=2"}}}}"#
        );
    }
}
