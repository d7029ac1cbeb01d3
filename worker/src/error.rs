//! Every way a request can fail, and the one envelope each is answered with.

use phonerecords_shared::{ApiErrors, ErrorItem, FieldError};
use wasm_bindgen::JsValue;

use crate::http::Reply;
use crate::runtime::{console_error, error_text};

#[derive(Debug)]
pub enum ApiError {
    /// 400: a malformed body or query; each entry names the parameter or field.
    BadRequest(Vec<FieldError>),
    /// 401: no token, or not one we accept.
    Unauthorized(&'static str),
    /// 403: a cross-origin request from an origin not on the allow-list.
    OriginNotAllowed(String),
    /// 404: one detail for each thing not found.
    NotFound(Vec<String>),
    /// 405, with the methods the resource has.
    MethodNotAllowed(&'static str),
    /// 409: a request with the same Idempotency-Key has not finished.
    Conflict,
    /// 412: the record is not at the version `If-Match` named; its current ETag.
    PreconditionFailed(String),
    /// 413: the body is over this many bytes.
    PayloadTooLarge(usize),
    /// 415: the content type that was sent.
    UnsupportedMediaType(String),
    /// 422: a well-formed body that breaks the rules.
    Unprocessable(Vec<FieldError>),
    /// 429: retry after this many seconds; the detail says who sent too many.
    TooManyRequests(u32, &'static str),
    /// 500: logged in full, answered without detail.
    Internal(String),
}

impl From<JsValue> for ApiError {
    fn from(e: JsValue) -> Self {
        ApiError::Internal(error_text(&e))
    }
}

fn item(
    status: u16,
    code: &str,
    title: &str,
    detail: impl Into<String>,
    path: Option<String>,
) -> ErrorItem {
    ErrorItem {
        status: status.to_string(),
        code: code.to_owned(),
        title: title.to_owned(),
        detail: detail.into(),
        path,
    }
}

fn field_items(status: u16, title: &str, errors: Vec<FieldError>) -> Vec<ErrorItem> {
    errors
        .into_iter()
        .map(|e| item(status, e.code, title, e.message, Some(e.path)))
        .collect()
}

impl ApiError {
    pub fn status(&self) -> u16 {
        match self {
            ApiError::BadRequest(_) => 400,
            ApiError::Unauthorized(_) => 401,
            ApiError::OriginNotAllowed(_) => 403,
            ApiError::NotFound(_) => 404,
            ApiError::MethodNotAllowed(_) => 405,
            ApiError::Conflict => 409,
            ApiError::PreconditionFailed(_) => 412,
            ApiError::PayloadTooLarge(_) => 413,
            ApiError::UnsupportedMediaType(_) => 415,
            ApiError::Unprocessable(_) => 422,
            ApiError::TooManyRequests(..) => 429,
            ApiError::Internal(_) => 500,
        }
    }

    pub fn bad_request(path: &str, code: &'static str, message: impl Into<String>) -> Self {
        ApiError::BadRequest(vec![FieldError::new(path, code, message)])
    }

    fn items(self) -> Vec<ErrorItem> {
        let status = self.status();
        match self {
            ApiError::BadRequest(errors) => field_items(status, "Bad request", errors),
            ApiError::Unprocessable(errors) => field_items(status, "Validation failed", errors),
            ApiError::Unauthorized(detail) => {
                vec![item(status, "unauthorized", "Unauthorized", detail, None)]
            }
            ApiError::OriginNotAllowed(origin) => vec![item(
                status,
                "origin_not_allowed",
                "Forbidden",
                format!("cross-origin requests from {origin:?} are not allowed"),
                None,
            )],
            ApiError::TooManyRequests(retry_after, who) => vec![item(
                status,
                "rate_limited",
                "Too many requests",
                format!("{who}; retry after {retry_after} seconds"),
                None,
            )],
            ApiError::NotFound(details) => details
                .into_iter()
                .map(|d| item(status, "not_found", "Not found", d, Some("id".into())))
                .collect(),
            ApiError::MethodNotAllowed(allow) => vec![item(
                status,
                "method_not_allowed",
                "Method not allowed",
                format!("this resource supports {allow}"),
                None,
            )],
            ApiError::Conflict => vec![item(
                status,
                "idempotency_key_in_use",
                "Conflict",
                "a request with this Idempotency-Key is still being processed; retry it in a moment to get its answer",
                Some("Idempotency-Key".into()),
            )],
            ApiError::PreconditionFailed(etag) => vec![item(
                status,
                "precondition_failed",
                "Precondition failed",
                format!(
                    "the record changed since the version If-Match names (it is now {etag}); nothing was written: read it again and apply your change to the current version"
                ),
                Some("If-Match".into()),
            )],
            ApiError::PayloadTooLarge(limit) => vec![item(
                status,
                "payload_too_large",
                "Payload too large",
                format!("the request body must be at most {limit} bytes"),
                None,
            )],
            ApiError::UnsupportedMediaType(got) => vec![item(
                status,
                "unsupported_media_type",
                "Unsupported media type",
                format!(
                    "send the body as JSON with Content-Type: application/json (or application/vnd.api+json, UTF-8); got {got:?}"
                ),
                None,
            )],
            ApiError::Internal(cause) => {
                console_error(&format!("internal error: {cause}"));
                vec![item(
                    status,
                    "internal_error",
                    "Internal error",
                    "something went wrong on our side; the request may be retried",
                    None,
                )]
            }
        }
    }

    pub fn into_response(self) -> Reply {
        let status = self.status();
        let extra: Option<(&'static str, String)> = match &self {
            ApiError::Unauthorized(_) => Some((
                "WWW-Authenticate",
                r#"Bearer realm="phonerecords""#.to_owned(),
            )),
            ApiError::MethodNotAllowed(allow) => Some(("Allow", (*allow).to_owned())),
            ApiError::TooManyRequests(secs, _) => Some(("Retry-After", secs.to_string())),
            ApiError::PreconditionFailed(etag) => Some(("ETag", etag.clone())),
            ApiError::Conflict => Some(("Retry-After", "1".to_owned())),
            _ => None,
        };
        let body = ApiErrors {
            errors: self.items(),
        };
        let mut resp = Reply::json(&body, status);
        if let Some((name, value)) = extra {
            resp.set(name, value);
        }
        resp
    }
}
