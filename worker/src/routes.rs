//! The five operations of `/phonerecords`, and how a path and method pick one.

use phonerecords_shared::fields::MAX_ID;
use phonerecords_shared::query::{FieldSet, ListQuery, parse_ids, parse_record_query};
use phonerecords_shared::validate::{parse_create, parse_update};
use phonerecords_shared::{PageMetaData, PagingData, PhoneRecord, PhoneRecordPageData};
use serde::Serialize;
use serde_json::Value;
use worker::{Env, Method, Request, Response, Url};

use crate::body::read_json;
use crate::error::ApiError;
use crate::http::json_response;
use crate::store::Store;

pub const COLLECTION: &str = "/phonerecords";

/// What a path under `/phonerecords` names.
pub enum Resource<'a> {
    Collection,
    /// One id, or several separated by commas.
    Item(&'a str),
}

/// `None` for paths this API does not own (they are static assets).
pub fn resource(path: &str) -> Option<Resource<'_>> {
    let rest = path.strip_prefix(COLLECTION)?;
    match rest {
        "" | "/" => Some(Resource::Collection),
        _ => {
            let seg = rest.strip_prefix('/')?;
            let seg = seg.strip_suffix('/').unwrap_or(seg);
            (!seg.contains('/')).then_some(Resource::Item(seg))
        }
    }
}

fn not_found(ids: &[i64]) -> ApiError {
    ApiError::NotFound(
        ids.iter()
            .map(|id| format!("there is no phone record with id {id}"))
            .collect(),
    )
}

/// A list page, or the records of a multi-id request, each shaped by the fieldset.
#[derive(Serialize)]
struct Records {
    phonerecords: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    meta: Option<PageMetaData>,
}

fn shape(record: &PhoneRecord, fields: Option<&FieldSet>) -> Value {
    match fields {
        Some(f) => f.project(record),
        None => serde_json::to_value(record).unwrap_or_default(),
    }
}

fn query_pairs(url: &Url) -> Vec<(String, String)> {
    url.query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// POST and PUT take no query parameters.
fn no_query(url: &Url) -> Result<(), ApiError> {
    match url.query_pairs().next() {
        None => Ok(()),
        Some((k, _)) => Err(ApiError::bad_request(
            &k,
            "unknown_parameter",
            format!("{k} is not a parameter of this request"),
        )),
    }
}

fn item_url(url: &Url, id: i64) -> String {
    let mut u = url.clone();
    u.set_path(&format!("{COLLECTION}/{id}"));
    u.set_query(None);
    u.set_fragment(None);
    u.to_string()
}

/// The same request on another page: every other parameter kept, in order.
fn page_url(url: &Url, page: u64) -> String {
    let mut u = url.clone();
    let mut pairs: Vec<(String, String)> = query_pairs(url)
        .into_iter()
        .filter(|(k, _)| k != "page")
        .collect();
    pairs.push(("page".into(), page.to_string()));
    u.query_pairs_mut().clear().extend_pairs(pairs);
    u.set_fragment(None);
    u.to_string()
}

pub async fn handle(
    mut req: Request,
    env: &Env,
    resource: Resource<'_>,
) -> Result<Response, ApiError> {
    let url = req.url()?;
    let method = req.method();
    let db = env.d1("DB")?;
    let store = Store::new(&db);
    match resource {
        Resource::Collection => match method {
            Method::Get => {
                let query = ListQuery::parse(query_pairs(&url)).map_err(ApiError::BadRequest)?;
                let (records, count) = store.list(&query).await?;
                let page = query.page;
                let body = Records {
                    phonerecords: records
                        .iter()
                        .map(|r| shape(r, query.fields.as_ref()))
                        .collect(),
                    meta: Some(PageMetaData {
                        paging: PagingData {
                            phonerecords: PhoneRecordPageData {
                                record_count: count,
                                page_count: page.page_count(count),
                                page: u64::from(page.page),
                                page_size: u64::from(page.page_size),
                                prev_page: page.prev_page(count).map(|p| page_url(&url, p)),
                                next_page: page.next_page(count).map(|p| page_url(&url, p)),
                            },
                        },
                    }),
                };
                Ok(json_response(&body, 200)?)
            }
            Method::Post => {
                no_query(&url)?;
                let body = read_json(&mut req).await?;
                let create = parse_create(&body).map_err(ApiError::Unprocessable)?;
                let record = store.create(&create).await?;
                let resp = json_response(&record, 200)?;
                resp.headers().set("Location", &item_url(&url, record.id))?;
                Ok(resp)
            }
            _ => Err(ApiError::MethodNotAllowed("GET, POST")),
        },
        Resource::Item(segment) => {
            if !matches!(method, Method::Get | Method::Put | Method::Delete) {
                return Err(ApiError::MethodNotAllowed("GET, PUT, DELETE"));
            }
            let ids = parse_ids(segment).map_err(|e| ApiError::BadRequest(vec![e]))?;
            let many = segment.contains(',');
            match (method, ids.as_slice()) {
                (Method::Get, [id]) if !many => {
                    let fields =
                        parse_record_query(query_pairs(&url)).map_err(ApiError::BadRequest)?;
                    match store_get(&store, *id).await? {
                        Some(record) => Ok(json_response(&shape(&record, fields.as_ref()), 200)?),
                        None => Err(not_found(&[*id])),
                    }
                }
                (Method::Get, _) => {
                    let fields =
                        parse_record_query(query_pairs(&url)).map_err(ApiError::BadRequest)?;
                    match store.get_many(&ids).await? {
                        Ok(records) => Ok(json_response(
                            &Records {
                                phonerecords: records
                                    .iter()
                                    .map(|r| shape(r, fields.as_ref()))
                                    .collect(),
                                meta: None,
                            },
                            200,
                        )?),
                        Err(missing) => Err(not_found(&missing)),
                    }
                }
                (Method::Put, [id]) if !many => {
                    no_query(&url)?;
                    let body = read_json(&mut req).await?;
                    let update = parse_update(&body).map_err(ApiError::Unprocessable)?;
                    match (*id <= MAX_ID).then_some(*id) {
                        Some(id) => match store.update(id, &update).await? {
                            Some(record) => Ok(json_response(&record, 200)?),
                            None => Err(not_found(&[id])),
                        },
                        None => Err(not_found(&[*id])),
                    }
                }
                (Method::Put, _) => Err(ApiError::bad_request(
                    "id",
                    "invalid_id",
                    "PUT updates one record at a time: give a single id",
                )),
                _ => {
                    no_query(&url)?;
                    match store.delete_many(&ids).await? {
                        Ok(()) => Ok(Response::empty()?.with_status(204)),
                        Err(missing) => Err(not_found(&missing)),
                    }
                }
            }
        }
    }
}

/// An id too large to exist is not looked up.
async fn store_get(store: &Store<'_>, id: i64) -> Result<Option<PhoneRecord>, ApiError> {
    if id > MAX_ID {
        Ok(None)
    } else {
        store.get(id).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert!(matches!(
            resource("/phonerecords"),
            Some(Resource::Collection)
        ));
        assert!(matches!(
            resource("/phonerecords/"),
            Some(Resource::Collection)
        ));
        assert!(matches!(
            resource("/phonerecords/12"),
            Some(Resource::Item("12"))
        ));
        assert!(matches!(
            resource("/phonerecords/12/"),
            Some(Resource::Item("12"))
        ));
        assert!(resource("/phonerecords/12/x").is_none());
        assert!(resource("/phonerecordsx").is_none());
        assert!(resource("/").is_none());
    }

    #[test]
    fn page_urls_keep_other_parameters() {
        let url =
            Url::parse("http://127.0.0.1:8787/phonerecords?pageSize=10&page=2&x=a%20b").unwrap();
        assert_eq!(
            page_url(&url, 3),
            "http://127.0.0.1:8787/phonerecords?pageSize=10&x=a+b&page=3"
        );
        assert_eq!(item_url(&url, 7), "http://127.0.0.1:8787/phonerecords/7");
    }
}
