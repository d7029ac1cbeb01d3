//! The five operations of `/phonerecords` (also under `/api/rest`), and how a path and method pick one.

use phonerecords_shared::body::{CreateBody, parse_create_body, parse_update_body};
use phonerecords_shared::query::{FieldSet, ListQuery, parse_ids, parse_record_query};
use phonerecords_shared::{PageMetaData, PagingData, PhoneRecord, PhoneRecordPageData};
use serde_json::Value;
use worker::{D1Database, Env, Method, Request, Response, Url, console_warn};

use crate::body::read_json;
use crate::envelope::{Form, Payload};
use crate::error::ApiError;
use crate::fault::{self, Fault};
use crate::session::{self, Start};
use crate::store::Store;

pub const COLLECTION: &str = "/phonerecords";

/// The prefix Actionstep's API puts before its resources. The collection
/// answers under it too, so a client written for Actionstep changes only the host.
pub const ACTIONSTEP_PREFIX: &str = "/api/rest";

/// `COLLECTION` under `ACTIONSTEP_PREFIX`.
const ACTIONSTEP_COLLECTION: &str = "/api/rest/phonerecords";

/// What a path under `/phonerecords` names.
#[derive(Clone, Copy)]
pub enum Resource<'a> {
    Collection,
    /// One id, or several separated by commas.
    Item(&'a str),
}

/// A path this API owns: which collection path it is under (the URLs we
/// answer with keep it), and what it names there.
#[derive(Clone, Copy)]
pub struct Route<'a> {
    pub collection: &'static str,
    pub resource: Resource<'a>,
}

/// `None` for paths this API does not own (they are static assets).
pub fn route(path: &str) -> Option<Route<'_>> {
    let (collection, rest) = [COLLECTION, ACTIONSTEP_COLLECTION]
        .into_iter()
        .find_map(|c| path.strip_prefix(c).map(|rest| (c, rest)))?;
    let resource = match rest {
        "" | "/" => Resource::Collection,
        _ => {
            let seg = rest.strip_prefix('/')?;
            let seg = seg.strip_suffix('/').unwrap_or(seg);
            if seg.contains('/') {
                return None;
            }
            Resource::Item(seg)
        }
    };
    Some(Route {
        collection,
        resource,
    })
}

fn not_found(ids: &[i64]) -> ApiError {
    ApiError::NotFound(
        ids.iter()
            .map(|id| format!("there is no phone record with id {id}"))
            .collect(),
    )
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

/// The record's URL, under the collection path the request used.
fn item_url(url: &Url, collection: &str, id: i64) -> String {
    let mut u = url.clone();
    u.set_path(&format!("{collection}/{id}"));
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

/// Answers a request through its own D1 session, saying in the response what
/// it cost in D1 (`Server-Timing`) and where the session got to (the bookmark).
pub async fn handle(req: Request, env: &Env, route: Route<'_>) -> Result<Response, ApiError> {
    let db = env.d1("DB")?;
    let start = Start::for_request(&req.method(), session::sent_bookmark(&req)?.as_deref());
    if matches!(start, Start::Bookmark(_)) {
        // D1 may refuse a client's bookmark (stale, foreign or forged): that
        // must not be a 500, so the read is tried once more at the primary,
        // which has every write (reads are safe to repeat).
        let again = req.clone()?;
        return match answer(req, env, route, &db, start, Retry::Allowed).await {
            Err(e) => {
                console_warn!(
                    "a read from the client's bookmark failed ({e:?}); reading at the primary"
                );
                answer(again, env, route, &db, Start::Primary, Retry::No).await
            }
            answered => answered,
        };
    }
    answer(req, env, route, &db, start, Retry::No).await
}

/// Whether an internal failure is handed back for another try, or answered.
#[derive(PartialEq)]
enum Retry {
    Allowed,
    No,
}

/// Runs the operation in a session that starts from `start`; the response
/// says what it cost (Server-Timing) and where the session got to (bookmark).
async fn answer(
    req: Request,
    env: &Env,
    route: Route<'_>,
    db: &D1Database,
    start: Start,
    retry: Retry,
) -> Result<Response, ApiError> {
    let session = session::open(db, &start)?;
    let store = Store::new(&session);
    let resp = match dispatch(req, env, route, &store, &start).await {
        Ok(resp) => resp,
        Err(e @ ApiError::Internal(_)) if retry == Retry::Allowed => return Err(e),
        Err(e) => e.into_response()?,
    };
    resp.headers()
        .set("Server-Timing", &store.usage().server_timing())?;
    session::return_bookmark(&session, &resp)?;
    Ok(resp)
}

async fn dispatch(
    mut req: Request,
    env: &Env,
    route: Route<'_>,
    store: &Store<'_>,
    start: &Start,
) -> Result<Response, ApiError> {
    let url = req.url()?;
    let method = req.method();
    let form = Form::for_request(&req, env, &url);
    match fault::requested(&req, env) {
        Some(Fault::Store) => store.run_invalid_sql().await?,
        Some(Fault::Bookmark) if matches!(start, Start::Bookmark(_)) => {
            store.run_invalid_sql().await?
        }
        _ => {}
    }
    match route.resource {
        Resource::Collection => match method {
            Method::Get => {
                let query = ListQuery::parse(query_pairs(&url)).map_err(ApiError::BadRequest)?;
                let (records, count) = store.list(&query).await?;
                let page = query.page;
                let shaped = records
                    .iter()
                    .map(|r| shape(r, query.fields.as_ref()))
                    .collect();
                let meta = PageMetaData {
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
                };
                Ok(form.respond(Payload::Many(shaped), Some(meta))?)
            }
            Method::Post => {
                no_query(&url)?;
                let body = read_json(&mut req).await?;
                match parse_create_body(&body).map_err(ApiError::Unprocessable)? {
                    CreateBody::One(create) => {
                        let record = store.create(&create).await?;
                        let location = item_url(&url, route.collection, record.id);
                        let resp = form.respond(Payload::One(record), None)?;
                        resp.headers().set("Location", &location)?;
                        Ok(resp)
                    }
                    // Several records have no one Location.
                    CreateBody::Many(creates) => {
                        let records = store.create_all(&creates).await?;
                        Ok(form.respond(Payload::Many(records), None)?)
                    }
                }
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
                    match store.get(*id).await? {
                        Some(record) => {
                            Ok(form.respond(Payload::One(shape(&record, fields.as_ref())), None)?)
                        }
                        None => Err(not_found(&[*id])),
                    }
                }
                (Method::Get, _) => {
                    let fields =
                        parse_record_query(query_pairs(&url)).map_err(ApiError::BadRequest)?;
                    match store.get_many(&ids).await? {
                        Ok(records) => {
                            let shaped =
                                records.iter().map(|r| shape(r, fields.as_ref())).collect();
                            Ok(form.respond(Payload::Many(shaped), None)?)
                        }
                        Err(missing) => Err(not_found(&missing)),
                    }
                }
                (Method::Put, [id]) if !many => {
                    no_query(&url)?;
                    let body = read_json(&mut req).await?;
                    let update = parse_update_body(*id, &body).map_err(ApiError::Unprocessable)?;
                    match store.update(*id, &update).await? {
                        Some(record) => Ok(form.respond(Payload::One(record), None)?),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn resource(path: &str) -> Option<(&'static str, Resource<'_>)> {
        route(path).map(|r| (r.collection, r.resource))
    }

    #[test]
    fn paths() {
        for c in [COLLECTION, ACTIONSTEP_COLLECTION] {
            assert!(matches!(
                resource(c),
                Some((col, Resource::Collection)) if col == c
            ));
            assert!(matches!(
                resource(&format!("{c}/")),
                Some((col, Resource::Collection)) if col == c
            ));
            assert!(matches!(
                resource(&format!("{c}/12")),
                Some((col, Resource::Item("12"))) if col == c
            ));
            assert!(matches!(
                resource(&format!("{c}/12,7/")),
                Some((col, Resource::Item("12,7"))) if col == c
            ));
            assert!(resource(&format!("{c}/12/x")).is_none());
            assert!(resource(&format!("{c}x")).is_none());
        }
        assert_eq!(
            ACTIONSTEP_COLLECTION,
            format!("{ACTIONSTEP_PREFIX}{COLLECTION}")
        );
        for other in [
            "/",
            "/api/rest",
            "/api/rest/",
            "/api/phonerecords",
            "/x/phonerecords",
        ] {
            assert!(resource(other).is_none(), "{other}");
        }
    }

    #[test]
    fn page_urls_keep_other_parameters() {
        let url =
            Url::parse("http://127.0.0.1:8787/phonerecords?pageSize=10&page=2&x=a%20b").unwrap();
        assert_eq!(
            page_url(&url, 3),
            "http://127.0.0.1:8787/phonerecords?pageSize=10&x=a+b&page=3"
        );
        assert_eq!(
            item_url(&url, COLLECTION, 7),
            "http://127.0.0.1:8787/phonerecords/7"
        );
        let prefixed =
            Url::parse("http://127.0.0.1:8787/api/rest/phonerecords/?pageSize=10&page=2").unwrap();
        assert_eq!(
            page_url(&prefixed, 1),
            "http://127.0.0.1:8787/api/rest/phonerecords/?pageSize=10&page=1"
        );
        assert_eq!(
            item_url(&prefixed, ACTIONSTEP_COLLECTION, 7),
            "http://127.0.0.1:8787/api/rest/phonerecords/7"
        );
    }
}
