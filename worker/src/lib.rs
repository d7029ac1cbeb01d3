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
mod envelope;
mod error;
mod fault;
mod http;
mod openapi;
mod rate_limit;
mod routes;
mod session;
mod sql;
#[cfg(test)]
mod sql_tests;
mod store;
mod target;
mod usage;

use web_sys::{Headers, Request};
use worker::{Context, Env, IntoResponse, Response, Result, event};

use crate::config::Config;
use crate::envelope::Representation;
use crate::error::ApiError;
use crate::routes::Route;
use crate::target::Target;

/// Takes the runtime's own request (not `worker::Request`, whose conversion
/// reads every request's `cf` object) and answers the runtime's response.
#[event(fetch)]
pub async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<web_sys::Response> {
    let target = Target::parse(&req.url());
    let method = req.method();
    if target.path == openapi::PATH {
        return raw(openapi::serve(&method)?);
    }
    let Some(route) = routes::route(&target.path) else {
        let asset = env.assets("ASSETS")?.fetch_request(worker::Request::from(req)).await?;
        return raw(asset);
    };
    let config = Config::get(&env);
    let headers = req.headers();
    // Origins first: a refused origin learns nothing else, and a preflight
    // (which browsers send without credentials) needs no token.
    let origin = header(&headers, "Origin");
    let (cors, outcome) =
        match cors::classify(origin.as_deref(), &target.origin, &config.allowed_origins) {
            Err(e) => (None, Err(e)),
            Ok(c) if cors::is_preflight(
                &method,
                headers.has("Access-Control-Request-Method").unwrap_or(false),
            ) =>
            {
                let resp = cors::preflight_response(&c).map_err(ApiError::from);
                (Some(c), resp)
            }
            Ok(c) => {
                let served = serve(&req, &headers, &env, &config, &method, &target, route).await;
                (Some(c), served)
            }
        };
    let resp = outcome.or_else(ApiError::into_response)?;
    cors::add_headers(&resp, cors.as_ref())?;
    http::add_common_headers(&resp)?;
    raw(resp)
}

/// The runtime's response for ours.
fn raw(resp: Response) -> Result<web_sys::Response> {
    resp.into_raw()
        .map_err(|e| worker::Error::RustError(e.into().to_string()))
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
) -> std::result::Result<Response, ApiError> {
    let token = match auth::authenticate(header(headers, "Authorization").as_deref(), &config.tokens) {
        Ok(token) => token,
        Err(refused) => {
            if refused.wrong_credential {
                let address = header(headers, "CF-Connecting-IP");
                rate_limit::check_refused(env, address.as_deref()).await?;
            }
            return Err(refused.into());
        }
    };
    rate_limit::check(env, &token.limiter_key).await?;
    let op = routes::operation(method, route.resource)?;
    let representation = Representation::for_accept(
        header(headers, "Accept").as_deref(),
        &config.actionstep_base,
        &target.origin,
    );
    let fault = fault::requested(
        config.fault_injection,
        config
            .fault_injection
            .then(|| header(headers, fault::HEADER))
            .flatten()
            .as_deref(),
    );
    let bookmark = header(headers, session::BOOKMARK_HEADER);
    let db = env.d1("DB")?;
    session::run(&db, method, bookmark.as_deref(), fault, async |store| {
        let mut ctx = routes::Ctx {
            req,
            target,
            route,
            representation: &representation,
            store,
        };
        routes::run(op, &mut ctx).await
    })
    .await
}
