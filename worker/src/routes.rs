//! Which operation a request asks for: the one table of (method, path) →
//! operation, and each operation as one function over a small context.

use phonerecords_shared::body::{CreateBody, parse_create_body, parse_update_body};
use phonerecords_shared::query::{ListQuery, parse_ids, parse_record_query};
use phonerecords_shared::summary::{SUMMARY_SEGMENT, SummaryQuery};
use phonerecords_shared::{FieldError, PageMetaData, PagingData, PhoneRecordPageData};
use web_sys::Request;

use crate::body::read_json;
use crate::config::Config;
use crate::envelope::{self, Payload, Representation};
use crate::error::ApiError;
use crate::etag::{self, Condition};
use crate::export::{self, Format};
use crate::http::Reply;
use crate::sql::{IdempotentCreate, KeyOrder};
use crate::store::{Remembered, Store, Written};
use crate::target::Target;

pub const COLLECTION: &str = phonerecords_shared::COLLECTION_PATH;

/// The prefix Actionstep's API puts before its resources. The collection
/// answers under it too, so a client written for Actionstep changes only the host.
pub const ACTIONSTEP_PREFIX: &str = "/api/rest";

/// `COLLECTION` under `ACTIONSTEP_PREFIX`.
const ACTIONSTEP_COLLECTION: &str = "/api/rest/phonerecords";

/// What a path under `/phonerecords` names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resource<'a> {
    Collection,
    /// One id, or several separated by commas.
    Item(&'a str),
    /// `/summary`: the totals and groups of a view (never an id).
    Summary,
}

/// A path this API owns: which collection path it is under (the URLs we
/// answer with keep it), and what it names there.
#[derive(Clone, Copy, Debug)]
pub struct Route<'a> {
    pub collection: &'static str,
    pub resource: Resource<'a>,
}

/// `None` for paths this API does not own (they are the UI's: worker/ui.js).
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
            if seg == SUMMARY_SEGMENT {
                Resource::Summary
            } else {
                Resource::Item(seg)
            }
        }
    };
    Some(Route {
        collection,
        resource,
    })
}

/// The operations of the API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    List,
    /// The list's whole view as CSV or NDJSON (`Accept` chooses; export.rs).
    Export(Format),
    Create,
    Read,
    Update,
    Delete,
    /// A view's totals and groups (`/phonerecords/summary`).
    Summary,
}

/// Whether a path names the collection, its records or its summary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Collection,
    Item,
    Summary,
}

/// THE routing table: every (method, resource) the API answers. Anything
/// else on an API path — an unknown method included — is 405 with `Allow`.
const TABLE: [(&str, Kind, Operation); 6] = [
    ("GET", Kind::Collection, Operation::List),
    ("POST", Kind::Collection, Operation::Create),
    ("GET", Kind::Item, Operation::Read),
    ("PUT", Kind::Item, Operation::Update),
    ("DELETE", Kind::Item, Operation::Delete),
    ("GET", Kind::Summary, Operation::Summary),
];

/// The operation for a method on a resource, or 405 naming the methods it has.
pub fn operation(method: &str, resource: Resource) -> Result<Operation, ApiError> {
    let kind = match resource {
        Resource::Collection => Kind::Collection,
        Resource::Item(_) => Kind::Item,
        Resource::Summary => Kind::Summary,
    };
    TABLE
        .iter()
        .find(|(m, k, _)| *m == method && *k == kind)
        .map(|(_, _, op)| *op)
        .ok_or(ApiError::MethodNotAllowed(allowed(kind)))
}

/// A list asked for as CSV or NDJSON is an export of its whole view.
pub fn negotiate(op: Operation, accept: Option<&str>) -> Operation {
    match (op, accept.and_then(Format::for_accept)) {
        (Operation::List, Some(format)) => Operation::Export(format),
        (op, _) => op,
    }
}

/// The `Allow` header of a resource: its methods in the table.
const fn allowed(kind: Kind) -> &'static str {
    match kind {
        Kind::Collection => "GET, POST",
        Kind::Item => "GET, PUT, DELETE",
        Kind::Summary => "GET",
    }
}

/// What an operation works with.
pub struct Ctx<'a> {
    pub req: &'a Request,
    pub target: &'a Target,
    pub route: Route<'a>,
    pub representation: &'a Representation,
    pub store: &'a Store<'a>,
    pub config: &'a Config,
    /// Whose request it is (`Token::limiter_key`, a hash): Idempotency-Keys are per token.
    pub token_scope: &'a str,
}

impl Ctx<'_> {
    fn header(&self, name: &str) -> Option<String> {
        self.req.headers().get(name).ok().flatten()
    }
}

/// Runs the operation. Reads take everything from the URL and headers, so
/// the same context can run a read again (session.rs retries one).
pub async fn run(op: Operation, ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    match op {
        Operation::List => list(ctx).await,
        Operation::Export(format) => export(ctx, format).await,
        Operation::Create => create(ctx).await,
        Operation::Read => read(ctx).await,
        Operation::Update => update(ctx).await,
        Operation::Delete => delete(ctx).await,
        Operation::Summary => summary(ctx).await,
    }
}

fn not_found(ids: &[i64]) -> ApiError {
    ApiError::NotFound(
        ids.iter()
            .map(|id| format!("there is no phone record with id {id}"))
            .collect(),
    )
}

/// POST, PUT and DELETE take no query parameters.
fn no_query(target: &Target) -> Result<(), ApiError> {
    match form_urlencoded::parse(target.query.as_bytes()).next() {
        None => Ok(()),
        Some((k, _)) => Err(ApiError::bad_request(
            &k,
            "unknown_parameter",
            format!("{k} is not a parameter of this request"),
        )),
    }
}

/// The ids a record path names; `many` when it is a comma-separated list.
fn ids(route: &Route) -> Result<(Vec<i64>, bool), ApiError> {
    let Resource::Item(segment) = route.resource else {
        return Err(ApiError::Internal(
            "an item operation on the collection".into(),
        ));
    };
    let ids = parse_ids(segment).map_err(|e| ApiError::BadRequest(vec![e]))?;
    Ok((ids, segment.contains(',')))
}

async fn list(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let query = ListQuery::parse(ctx.target.pairs()).map_err(ApiError::BadRequest)?;
    let (records, count) = ctx.store.list(&query).await?;
    let page = query.page;
    let meta = PageMetaData {
        paging: PagingData {
            phonerecords: PhoneRecordPageData {
                record_count: count,
                page_count: page.page_count(count),
                page: u64::from(page.page),
                page_size: u64::from(page.page_size),
                prev_page: page.prev_page(count).map(|p| ctx.target.page_url(p)),
                next_page: page.next_page(count).map(|p| ctx.target.page_url(p)),
            },
        },
    };
    Ok(ctx
        .representation
        .respond(Payload::Many(&records), Some(&meta)))
}

/// The totals and groups of the list's view, in one statement, as the JSON
/// SQLite wrote (always plain JSON: there is no record to envelope).
async fn summary(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let query = SummaryQuery::parse(ctx.target.pairs()).map_err(ApiError::BadRequest)?;
    let json = ctx.store.summary(&query).await?;
    let mut resp = Reply::bytes(json.into_bytes(), crate::http::PLAIN_CONTENT_TYPE, 200);
    resp.set("Vary", "Accept");
    Ok(resp)
}

async fn export(ctx: &mut Ctx<'_>, format: Format) -> Result<Reply, ApiError> {
    let query = ListQuery::parse_export(ctx.target.pairs()).map_err(ApiError::BadRequest)?;
    let budget = export::Budget {
        statements: ctx.config.d1_queries_per_request,
        chunk: export::ChunkLimits {
            rows: ctx.config.export_chunk_rows,
            ..export::CHUNK
        },
        max_records: ctx.config.export_max_rows,
    };
    export::send(ctx.store, query, format, budget).await
}

async fn create(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    no_query(ctx.target)?;
    let key = idempotency_key(ctx.header(IDEMPOTENCY_KEY))?;
    let body = read_json(ctx.req).await?;
    let parsed = parse_create_body(&body).map_err(ApiError::Unprocessable)?;
    if let Some(key) = key {
        return create_once(ctx, &key, &body, parsed).await;
    }
    match parsed {
        CreateBody::One(create) => {
            let record = ctx.store.create(&create).await?;
            let mut resp = ctx.representation.respond(Payload::One(&record.json), None);
            resp.set(
                "Location",
                ctx.target.item_url(ctx.route.collection, record.id),
            );
            if let Some(tag) = record.etag() {
                resp.set("ETag", tag);
            }
            Ok(resp)
        }
        // Several records have no one Location.
        CreateBody::Many(creates) => {
            let records = ctx.store.create_all(&creates).await?;
            Ok(ctx
                .representation
                .respond(Payload::Many(&envelope::array(&records)), None))
        }
    }
}

/// The header that makes a POST safe to retry.
pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";

/// Longest Idempotency-Key accepted.
const MAX_IDEMPOTENCY_KEY: usize = 255;

/// A well-formed Idempotency-Key (1 to 255 visible ASCII characters), if sent.
fn idempotency_key(value: Option<String>) -> Result<Option<String>, ApiError> {
    let Some(value) = value else {
        return Ok(None);
    };
    if value.is_empty()
        || value.len() > MAX_IDEMPOTENCY_KEY
        || !value.bytes().all(|b| b.is_ascii_graphic())
    {
        return Err(ApiError::bad_request(
            IDEMPOTENCY_KEY,
            "invalid_header",
            format!(
                "{IDEMPOTENCY_KEY} must be 1 to {MAX_IDEMPOTENCY_KEY} visible ASCII characters (no spaces), such as a UUID"
            ),
        ));
    }
    Ok(Some(value))
}

/// SHA-256 (hex) of the request's JSON as parsed: the same body sent again
/// (whatever its whitespace) has the same hash.
fn body_hash(body: &serde_json::Value) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(serde_json::to_vec(body).unwrap_or_default());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A value no other request has (to tell this request's claim of a key from another's).
fn claim() -> String {
    let r = || (js_sys::Math::random() * 9_007_199_254_740_991.0) as u64;
    format!("{:x}-{:x}-{:x}", js_sys::Date::now() as u64, r(), r())
}

/// A POST with an Idempotency-Key: performed the first time (the records,
/// the key and the answer stored in one transaction), answered from what was
/// remembered every other time within 24 hours.
async fn create_once(
    ctx: &mut Ctx<'_>,
    key: &str,
    body: &serde_json::Value,
    parsed: CreateBody,
) -> Result<Reply, ApiError> {
    let (records, one) = match parsed {
        CreateBody::One(create) => (vec![create], true),
        CreateBody::Many(creates) => (creates, false),
    };
    let (before, after) = ctx.representation.around(one);
    let hash = body_hash(body);
    let claim = claim();
    let collection_url = format!("{}{}", ctx.target.origin, ctx.route.collection);
    let remembered = ctx
        .store
        .idempotent_create(
            &records,
            &IdempotentCreate {
                scope: ctx.token_scope,
                key,
                body_hash: &hash,
                claim: &claim,
                now_ms: js_sys::Date::now() as i64,
                one,
                before: &before,
                after: &after,
                content_type: ctx.representation.content_type(),
                collection_url: &collection_url,
                refused_last: false,
            },
        )
        .await?;
    if !remembered.mine && remembered.body_hash != hash {
        return Err(ApiError::Unprocessable(vec![FieldError::new(
            IDEMPOTENCY_KEY,
            "idempotency_key_reused",
            "this Idempotency-Key was used in the last 24 hours for a request with a different body; send a new key for a new request (a key is remembered with the body it was first sent with)",
        )]));
    }
    replay(remembered)
}

/// The answer remembered under an Idempotency-Key, byte for byte.
fn replay(r: Remembered) -> Result<Reply, ApiError> {
    let Some(status) = r.status else {
        return Err(ApiError::Conflict);
    };
    let mut resp = Reply::bytes(r.body.into_bytes(), &r.content_type, status);
    resp.set("Vary", "Accept");
    if let Some(location) = r.location {
        resp.set("Location", location);
    }
    if let Some(tag) = r.etag {
        resp.set("ETag", tag);
    }
    if !r.mine {
        resp.set("Idempotent-Replayed", "true");
    }
    Ok(resp)
}

async fn read(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (ids, many) = ids(&ctx.route)?;
    let fields = parse_record_query(ctx.target.pairs()).map_err(ApiError::BadRequest)?;
    match ids.as_slice() {
        [id] if !many => {
            let unless = etag::read(ctx.header("If-None-Match"), "If-None-Match")?;
            match ctx.store.get(*id, KeyOrder::Name, fields.as_ref()).await? {
                Some(record) => {
                    let tag = record.etag();
                    // If-None-Match compares weakly: W/"7-3" matches "7-3".
                    let unchanged = match (&unless, record.version) {
                        (Some(Condition::Any), _) => true,
                        (Some(c), Some(v)) => {
                            c.versions(*id, false).is_some_and(|vs| vs.contains(&v))
                        }
                        _ => false,
                    };
                    let mut resp = if unchanged {
                        let mut r = Reply::empty(304);
                        r.set("Vary", "Accept");
                        r
                    } else {
                        ctx.representation.respond(Payload::One(&record.json), None)
                    };
                    if let Some(tag) = tag {
                        resp.set("ETag", tag);
                    }
                    Ok(resp)
                }
                None => Err(not_found(&[*id])),
            }
        }
        _ => match ctx.store.get_many(&ids, fields.as_ref()).await? {
            Ok(records) => Ok(ctx
                .representation
                .respond(Payload::Many(&envelope::array(&records)), None)),
            Err(missing) => Err(not_found(&missing)),
        },
    }
}

async fn update(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (ids, many) = ids(&ctx.route)?;
    let [id] = ids.as_slice() else {
        return Err(single_id());
    };
    if many {
        return Err(single_id());
    }
    no_query(ctx.target)?;
    let condition = etag::read(ctx.header("If-Match"), "If-Match")?;
    let body = read_json(ctx.req).await?;
    let update = parse_update_body(*id, &body).map_err(ApiError::Unprocessable)?;
    let versions = condition.and_then(|c| c.versions(*id, true));
    match ctx.store.update(*id, &update, versions.as_deref()).await? {
        Written::Done(record) => {
            let mut resp = ctx.representation.respond(Payload::One(&record.json), None);
            if let Some(tag) = record.etag() {
                resp.set("ETag", tag);
            }
            Ok(resp)
        }
        Written::Missing => Err(not_found(&[*id])),
        Written::Stale(v) => Err(ApiError::PreconditionFailed(etag::of(*id, v))),
    }
}

fn single_id() -> ApiError {
    ApiError::bad_request(
        "id",
        "invalid_id",
        "PUT updates one record at a time: give a single id",
    )
}

async fn delete(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let (ids, many) = ids(&ctx.route)?;
    no_query(ctx.target)?;
    if let Some(condition) = etag::read(ctx.header("If-Match"), "If-Match")? {
        let [id] = ids.as_slice() else {
            return Err(if_match_one());
        };
        if many {
            return Err(if_match_one());
        }
        if let Some(versions) = condition.versions(*id, true) {
            return match ctx.store.delete_if_version(*id, &versions).await? {
                Written::Done(()) => Ok(Reply::empty(204)),
                Written::Missing => Err(not_found(&[*id])),
                Written::Stale(v) => Err(ApiError::PreconditionFailed(etag::of(*id, v))),
            };
        }
    }
    match ctx.store.delete_many(&ids).await? {
        Ok(()) => Ok(Reply::empty(204)),
        Err(missing) => Err(not_found(&missing)),
    }
}

fn if_match_one() -> ApiError {
    ApiError::bad_request(
        "If-Match",
        "invalid_header",
        "If-Match names one record's version: delete several ids without it, or one at a time with each one's ETag",
    )
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
            assert_eq!(resource(c), Some((c, Resource::Collection)));
            assert_eq!(resource(&format!("{c}/")), Some((c, Resource::Collection)));
            assert_eq!(
                resource(&format!("{c}/12")),
                Some((c, Resource::Item("12")))
            );
            assert_eq!(
                resource(&format!("{c}/12,7/")),
                Some((c, Resource::Item("12,7")))
            );
            assert!(resource(&format!("{c}/12/x")).is_none());
            assert_eq!(
                resource(&format!("{c}/summary")),
                Some((c, Resource::Summary))
            );
            assert_eq!(
                resource(&format!("{c}/summary/")),
                Some((c, Resource::Summary))
            );
            assert!(resource(&format!("{c}/summary/x")).is_none());
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
    fn the_table_answers_its_methods_and_405_for_the_rest() {
        let item = Resource::Item("1");
        assert_eq!(
            operation("GET", Resource::Collection).unwrap(),
            Operation::List
        );
        assert_eq!(
            operation("POST", Resource::Collection).unwrap(),
            Operation::Create
        );
        assert_eq!(operation("GET", item).unwrap(), Operation::Read);
        assert_eq!(operation("PUT", item).unwrap(), Operation::Update);
        assert_eq!(operation("DELETE", item).unwrap(), Operation::Delete);
        assert_eq!(
            operation("GET", Resource::Summary).unwrap(),
            Operation::Summary
        );
        assert_eq!(
            negotiate(Operation::Summary, Some("text/csv")),
            Operation::Summary
        );
        assert_eq!(
            negotiate(Operation::List, Some("text/csv")),
            Operation::Export(Format::Csv)
        );
        assert_eq!(
            negotiate(Operation::List, Some("application/json")),
            Operation::List
        );
        assert_eq!(
            negotiate(Operation::Read, Some("text/csv")),
            Operation::Read
        );
        for (method, resource, allow) in [
            ("QUERY", Resource::Collection, "GET, POST"),
            ("PUT", Resource::Collection, "GET, POST"),
            ("HEAD", Resource::Collection, "GET, POST"),
            ("get", Resource::Collection, "GET, POST"),
            ("POST", item, "GET, PUT, DELETE"),
            ("PATCH", item, "GET, PUT, DELETE"),
            ("OPTIONS", item, "GET, PUT, DELETE"),
            ("POST", Resource::Summary, "GET"),
            ("DELETE", Resource::Summary, "GET"),
        ] {
            match operation(method, resource) {
                Err(ApiError::MethodNotAllowed(a)) => assert_eq!(a, allow, "{method}"),
                other => panic!("{method}: {other:?}"),
            }
        }
        // Every entry's Allow names its own method.
        for (method, kind, _) in TABLE {
            assert!(allowed(kind).split(", ").any(|m| m == method));
        }
    }
}
