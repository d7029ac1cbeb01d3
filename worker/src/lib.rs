//! The Phone Records Worker: `/phonerecords` (also under Actionstep's
//! `/api/rest/`) on D1, and its OpenAPI document; every other path is a
//! static asset (the UI).
//!
//! The path of a request: `fetch` (origins, preflight) → `serve` (token, rate
//! limit, the routing table's operation) → `session::run` (a D1 session, a
//! read retried at the primary) → `routes::run` (one function per operation)
//! → `store` → `sql`. docs/architecture.md draws it.

mod auth;
mod body;
mod config;
mod cors;
mod driver;
mod envelope;
mod error;
mod etag;
mod export;
#[cfg(test)]
mod export_tests;
mod fault;
mod http;
mod openapi;
mod rate_limit;
mod routes;
mod runtime;
mod session;
mod sql;
#[cfg(test)]
mod sql_tests;
mod store;
#[cfg(test)]
mod summary_tests;
mod target;
mod usage;
mod versioned_cache;

use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;
use web_sys::{Headers, Request};

use crate::config::Config;
use crate::envelope::Representation;
use crate::error::ApiError;
use crate::http::Reply;
use crate::routes::Route;
use crate::runtime::{D1Database, Env, Fetcher};
use crate::target::Target;

/// Makes a request's task (worker/shim.js, for every request); `step`
/// runs it. `files` fetches the Worker's own files (worker/ui.js).
#[wasm_bindgen]
pub fn start(req: Request, env: Env, files: Fetcher) -> u32 {
    driver::start(fetch(req, env, files))
}

/// Runs a request's task to its next promise (returned, for the entry to
/// await) or to its Response (driver.rs).
#[wasm_bindgen]
pub fn step(task: u32, ok: bool, settled: JsValue) -> Result<JsValue, JsValue> {
    driver::step(task, ok, settled)
}

/// Frees a request's task that will never be stepped again.
#[wasm_bindgen(js_name = dropTask)]
pub fn drop_task(task: u32) {
    driver::drop_task(task)
}

/// The Worker's answer to a request.
async fn fetch(req: Request, env: Env, files: Fetcher) -> Result<web_sys::Response, JsValue> {
    let target = Target::parse(&req.url());
    let method = req.method();
    if target.path == openapi::PATH {
        let reply = openapi::serve(&req, &files)
            .await
            .unwrap_or_else(|e| e.into_response().with_security_headers());
        return reply.into_response();
    }
    let Some(route) = routes::route(&target.path) else {
        return file(&files, &req).await;
    };
    let config = Config::get(&env);
    let headers = req.headers();
    // Origins first: a refused origin learns nothing else, and a preflight
    // (which browsers send without credentials) needs no token.
    let origin = header(&headers, "Origin");
    let (cors, outcome) =
        match cors::classify(origin.as_deref(), &target.origin, &config.allowed_origins) {
            Err(e) => (None, Err(e)),
            Ok(c)
                if cors::is_preflight(&method, || {
                    headers
                        .has("Access-Control-Request-Method")
                        .unwrap_or(false)
                }) =>
            {
                let resp = cors::preflight_response(&c);
                (Some(c), Ok(resp))
            }
            Ok(c) => {
                let served = serve(&req, &headers, &env, &config, &method, &target, route).await;
                (Some(c), served)
            }
        };
    let mut resp = outcome.unwrap_or_else(ApiError::into_response);
    cors::add_headers(&mut resp, cors.as_ref());
    resp.with_common_headers().into_response()
}

/// One of the Worker's files (the UI's, or the OpenAPI document).
pub async fn file(files: &Fetcher, req: &Request) -> Result<web_sys::Response, JsValue> {
    Ok(driver::wait(files.fetch(req)?).await?.into())
}

fn header(headers: &Headers, name: &str) -> Option<String> {
    headers.get(name).ok().flatten()
}

/// An API request from an acceptable origin: token (a wrong one counted against
/// the address), then the token's rate limit, then the operation in its session.
async fn serve(
    req: &Request,
    headers: &Headers,
    env: &Env,
    config: &Config,
    method: &str,
    target: &Target,
    route: Route<'_>,
) -> Result<Reply, ApiError> {
    let token =
        match auth::authenticate(header(headers, "Authorization").as_deref(), &config.tokens) {
            Ok(token) => token,
            Err(refused) => {
                if refused.wrong_credential {
                    let address = header(headers, "CF-Connecting-IP");
                    rate_limit::check_refused(env, address.as_deref()).await?;
                }
                return Err(refused.into());
            }
        };
    rate_limit::check(env, &token.limiter_key, config.rate_limit_batch).await?;
    let accept = header(headers, "Accept");
    let op = routes::negotiate(
        routes::operation(method, route.resource)?,
        accept.as_deref(),
    );
    let representation =
        Representation::for_accept(accept.as_deref(), &config.actionstep_base, &target.origin);
    let fault = fault::requested(
        config.fault_injection,
        config
            .fault_injection
            .then(|| header(headers, fault::HEADER))
            .flatten()
            .as_deref(),
    );
    // Without read replicas a bookmark is ignored: not even read.
    let bookmark = config
        .read_replicas
        .then(|| header(headers, session::BOOKMARK_HEADER))
        .flatten();
    let db: D1Database = env
        .binding("DB")
        .ok_or_else(|| ApiError::Internal("the DB binding is missing".into()))?;
    session::run(
        &db,
        config.read_replicas,
        method,
        bookmark.as_deref(),
        fault,
        async |store| {
            let mut ctx = routes::Ctx {
                req,
                target,
                route,
                representation: &representation,
                store,
                config,
                token_scope: &token.limiter_key,
            };
            routes::run(op, &mut ctx).await
        },
    )
    .await
}
