//! The five operations of `/phonerecords`, and how a path and method pick one.

use phonerecords_shared::fields::MAX_ID;
use phonerecords_shared::query::ListQuery;
use phonerecords_shared::validate::{parse_create, parse_update};
use phonerecords_shared::{PageMetaData, PagedPhoneRecords, PagingData, PhoneRecordPageData};
use worker::{Env, Method, Request, Response, Url};

use crate::body::read_json;
use crate::error::ApiError;
use crate::http::json_response;
use crate::store::Store;

pub const COLLECTION: &str = "/phonerecords";

/// What a path under `/phonerecords` names.
pub enum Resource<'a> {
    Collection,
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

/// A path id: digits only. An id too large to exist is simply not found.
fn parse_id(segment: &str) -> Result<i64, ApiError> {
    if segment.is_empty() || !segment.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::bad_request(
            "id",
            "invalid_id",
            format!("the id in the path must be a positive whole number, not {segment:?}"),
        ));
    }
    match segment.parse::<i64>() {
        Ok(id) if (1..=MAX_ID).contains(&id) => Ok(id),
        _ => Err(not_found(segment)),
    }
}

fn not_found(id: &str) -> ApiError {
    ApiError::NotFound(format!("there is no phone record with id {id}"))
}

fn query_pairs(url: &Url) -> Vec<(String, String)> {
    url.query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// A single record's operations take no query parameters yet.
fn no_query(url: &Url) -> Result<(), ApiError> {
    match url.query_pairs().next() {
        None => Ok(()),
        Some((k, _)) => Err(ApiError::bad_request(
            &k,
            "unknown_parameter",
            format!("{k} is not a parameter of a single phone record"),
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
                let (records, count) = store.list(query.page).await?;
                let page = query.page;
                let body = PagedPhoneRecords {
                    phonerecords: records,
                    meta: PageMetaData {
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
                    },
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
            let id = parse_id(segment)?;
            no_query(&url)?;
            match method {
                Method::Get => match store.get(id).await? {
                    Some(record) => Ok(json_response(&record, 200)?),
                    None => Err(not_found(segment)),
                },
                Method::Put => {
                    let body = read_json(&mut req).await?;
                    let update = parse_update(&body).map_err(ApiError::Unprocessable)?;
                    match store.update(id, &update).await? {
                        Some(record) => Ok(json_response(&record, 200)?),
                        None => Err(not_found(segment)),
                    }
                }
                _ => {
                    if store.delete(id).await? {
                        Ok(Response::empty()?.with_status(204))
                    } else {
                        Err(not_found(segment))
                    }
                }
            }
        }
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
    fn ids() {
        assert_eq!(parse_id("42").unwrap(), 42);
        assert_eq!(parse_id("abc").unwrap_err().status(), 400);
        assert_eq!(parse_id("-1").unwrap_err().status(), 400);
        assert_eq!(parse_id("0").unwrap_err().status(), 404);
        assert_eq!(parse_id("99999999999999999999").unwrap_err().status(), 404);
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
