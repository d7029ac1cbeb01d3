//! The Phone Records Worker: `/phonerecords` (also under Actionstep's
//! `/api/rest/`) on D1, and its OpenAPI document; every other path is a
//! static asset (the UI).

mod auth;
mod body;
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
mod usage;

use worker::{Context, Env, Request, Response, Result, event};

use crate::error::ApiError;
use crate::routes::Route;

#[event(fetch)]
pub async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let path = req.path();
    if path == openapi::PATH {
        return openapi::serve(&req);
    }
    let Some(route) = routes::route(&path) else {
        return env.assets("ASSETS")?.fetch_request(req).await;
    };
    let url = req.url()?;
    // Origins first: a refused origin learns nothing else, and a preflight
    // (which browsers send without credentials) needs no token.
    let (cors, outcome) = match cors::check(&req, &env, &url) {
        Err(e) => (None, Err(e)),
        Ok(c) if cors::is_preflight(&req) => {
            let resp = cors::preflight_response(&c).map_err(ApiError::from);
            (Some(c), resp)
        }
        Ok(c) => (Some(c), serve(req, &env, route).await),
    };
    let resp = outcome.or_else(ApiError::into_response)?;
    cors::add_headers(&resp, cors.as_ref())?;
    http::add_common_headers(&resp)?;
    Ok(resp)
}

/// An API request from an acceptable origin: token (a wrong one counted against
/// the address), then the token's rate limit, then the operation.
async fn serve(
    req: Request,
    env: &Env,
    route: Route<'_>,
) -> std::result::Result<Response, ApiError> {
    let token = match auth::authenticate(&req, env) {
        Ok(token) => token,
        Err(refused) => {
            if refused.wrong_credential {
                rate_limit::check_refused(env, &req).await?;
            }
            return Err(refused.into());
        }
    };
    rate_limit::check(env, &token).await?;
    routes::handle(req, env, route).await
}
