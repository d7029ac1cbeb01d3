//! The Phone Records Worker: `/phonerecords` (also under Actionstep's
//! `/api/rest/`) on D1; every other path is a static asset (the UI).

mod auth;
mod body;
mod envelope;
mod error;
mod http;
mod routes;
mod session;
mod sql;
#[cfg(test)]
mod sql_tests;
mod store;
mod usage;

use worker::{Context, Env, Request, Response, Result, event};

use crate::error::ApiError;

#[event(fetch)]
pub async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let path = req.path();
    let Some(route) = routes::route(&path) else {
        return env.assets("ASSETS")?.fetch_request(req).await;
    };
    let outcome = match auth::authenticate(&req, &env) {
        Ok(()) => routes::handle(req, &env, route).await,
        Err(e) => Err(e),
    };
    let resp = outcome.or_else(ApiError::into_response)?;
    http::add_common_headers(&resp)?;
    Ok(resp)
}
