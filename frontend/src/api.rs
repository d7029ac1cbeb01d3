//! Calls to the Phone Records API on this origin, with the session's token.

use gloo_net::http::{Request, RequestBuilder, Response};
use phonerecords_shared::{ApiError, ApiErrors, PagedPhoneRecords, PhoneRecord};
use serde::de::DeserializeOwned;
use serde_json::Value;

const BASE: &str = "/phonerecords";

/// Why a call failed, as the UI needs to tell it apart.
#[derive(Clone, Debug, PartialEq)]
pub enum Failure {
    /// The token was refused: back to sign-in.
    Unauthorized,
    /// 422 (or 400): problems by field, from the server.
    Invalid(Vec<ApiError>),
    NotFound,
    /// Anything else: network down, server error. Worth a retry.
    Other(String),
}

impl Failure {
    pub fn message(&self) -> String {
        match self {
            Failure::Unauthorized => "Your token was not accepted. Please sign in again.".into(),
            Failure::Invalid(errors) => errors
                .iter()
                .map(|e| e.detail.clone())
                .collect::<Vec<_>>()
                .join("; "),
            Failure::NotFound => {
                "That phone record does not exist (it may have been deleted).".into()
            }
            Failure::Other(m) => m.clone(),
        }
    }
}

/// The header that carries D1's session bookmark both ways.
const BOOKMARK: &str = "x-d1-bookmark";

thread_local! {
    /// The latest bookmark the API returned: sent back with every request so
    /// that a list read right after a save sees the save (read-your-writes,
    /// even when reads are served by a D1 replica).
    static LAST_BOOKMARK: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

fn authorized(req: RequestBuilder, token: &str) -> RequestBuilder {
    let req = req
        .header("Authorization", &format!("Bearer {token}"))
        .header("Accept", "application/json");
    match LAST_BOOKMARK.with(|b| b.borrow().clone()) {
        Some(bookmark) => req.header(BOOKMARK, &bookmark),
        None => req,
    }
}

/// Sends a request and remembers the session bookmark of its answer.
async fn fetch(req: Request) -> Result<Response, Failure> {
    let resp = req.send().await.map_err(|_| {
        Failure::Other("Could not reach the server. Check your connection and try again.".into())
    })?;
    if let Some(bookmark) = resp.headers().get(BOOKMARK) {
        LAST_BOOKMARK.with(|b| *b.borrow_mut() = Some(bookmark));
    }
    Ok(resp)
}

async fn errors_of(resp: Response) -> Failure {
    let status = resp.status();
    let parsed: Option<ApiErrors> = resp.json().await.ok();
    match (status, parsed) {
        (401, _) => Failure::Unauthorized,
        (404, _) => Failure::NotFound,
        (400 | 422, Some(e)) => Failure::Invalid(e.errors),
        (_, Some(e)) if !e.errors.is_empty() => Failure::Other(e.errors[0].detail.clone()),
        (s, _) => Failure::Other(format!("The server answered {s}. Please try again.")),
    }
}

async fn send<T: DeserializeOwned>(req: Result<Request, gloo_net::Error>) -> Result<T, Failure> {
    let req = req.map_err(|e| Failure::Other(format!("Could not build the request: {e}")))?;
    let resp = fetch(req).await?;
    if !resp.ok() {
        return Err(errors_of(resp).await);
    }
    resp.json::<T>()
        .await
        .map_err(|e| Failure::Other(format!("The server's answer could not be read: {e}")))
}

pub async fn list(token: &str, query: &str) -> Result<PagedPhoneRecords, Failure> {
    send(authorized(Request::get(&format!("{BASE}?{query}")), token).build()).await
}

pub async fn get(token: &str, id: i64) -> Result<PhoneRecord, Failure> {
    send(authorized(Request::get(&format!("{BASE}/{id}")), token).build()).await
}

pub async fn create(token: &str, body: &Value) -> Result<PhoneRecord, Failure> {
    send(authorized(Request::post(BASE), token).json(body)).await
}

pub async fn update(token: &str, id: i64, body: &Value) -> Result<PhoneRecord, Failure> {
    send(authorized(Request::put(&format!("{BASE}/{id}")), token).json(body)).await
}

/// Sends a request whose answer has no body worth reading.
async fn send_for_status(req: RequestBuilder) -> Result<(), Failure> {
    let req = req.build().map_err(|e| Failure::Other(e.to_string()))?;
    let resp = fetch(req).await?;
    if resp.ok() {
        Ok(())
    } else {
        Err(errors_of(resp).await)
    }
}

pub async fn delete(token: &str, id: i64) -> Result<(), Failure> {
    send_for_status(authorized(Request::delete(&format!("{BASE}/{id}")), token)).await
}

/// Whether a token is accepted: the cheapest authenticated request (its
/// body, a sparse fieldset, is not read).
pub async fn check_token(token: &str) -> Result<(), Failure> {
    send_for_status(authorized(
        Request::get(&format!("{BASE}?pageSize=1&fields=id")),
        token,
    ))
    .await
}
