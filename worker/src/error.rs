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

/// Most problems one answer lists; more are counted in one last entry.
pub const MAX_ERROR_ITEMS: usize = 20;
/// Longest `path` an entry keeps (a body's key or a query parameter's name
/// is the client's text, of any length).
pub const MAX_PATH_CHARS: usize = 100;
/// Longest `detail`: ours are shorter; one that quotes a long text of the
/// client's is cut.
pub const MAX_DETAIL_CHARS: usize = 600;

/// `text`, at most `max` characters: longer is cut and ends with `…`.
fn cut(text: String, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text,
        Some((end, _)) => {
            let mut kept: String = text[..end].chars().take(max - 1).collect();
            kept.push('…');
            kept
        }
    }
}

/// An answer's size is bounded whatever was sent (a 64 KiB body of thousands
/// of unknown keys): at most `MAX_ERROR_ITEMS` entries, then one
/// `too_many_errors` entry saying how many more there are; each entry's
/// `path` and `detail` cut to a fixed length.
fn bounded(items: Vec<ErrorItem>) -> Vec<ErrorItem> {
    let more = items.len().saturating_sub(MAX_ERROR_ITEMS);
    let status = items.first().map(|i| i.status.clone()).unwrap_or_default();
    let title = items.first().map(|i| i.title.clone()).unwrap_or_default();
    let mut out: Vec<ErrorItem> = items
        .into_iter()
        .take(MAX_ERROR_ITEMS)
        .map(|mut i| {
            i.path = i.path.map(|p| cut(p, MAX_PATH_CHARS));
            i.detail = cut(i.detail, MAX_DETAIL_CHARS);
            i
        })
        .collect();
    if more > 0 {
        out.push(ErrorItem {
            status,
            code: "too_many_errors".to_owned(),
            title,
            detail: format!(
                "and {more} more problem{} of the same request, not listed (an answer lists at most {MAX_ERROR_ITEMS})",
                if more == 1 { "" } else { "s" }
            ),
            path: None,
        });
    }
    out
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
            errors: bounded(self.items()),
        };
        let mut resp = Reply::json(&body, status);
        if let Some((name, value)) = extra {
            resp.set(name, value);
        }
        resp
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unknown_keys(n: usize, key_len: usize) -> ApiError {
        ApiError::Unprocessable(
            (0..n)
                .map(|i| {
                    let key = format!("{i}{}", "k".repeat(key_len));
                    FieldError::new(
                        key.clone(),
                        "unknown_field",
                        format!("{key} is not a field of a phone record"),
                    )
                })
                .collect(),
        )
    }

    #[test]
    fn at_most_20_problems_then_one_counting_the_rest() {
        let items = bounded(unknown_keys(6000, 1).items());
        assert_eq!(items.len(), MAX_ERROR_ITEMS + 1);
        assert!(
            items[..MAX_ERROR_ITEMS]
                .iter()
                .all(|i| i.code == "unknown_field")
        );
        let last = &items[MAX_ERROR_ITEMS];
        assert_eq!(last.code, "too_many_errors");
        assert_eq!(last.status, "422");
        assert_eq!(last.title, "Validation failed");
        assert!(
            last.detail.contains("5980 more problems"),
            "{}",
            last.detail
        );
        assert_eq!(last.path, None);
        // The first 20 are the first 20, in order.
        assert_eq!(items[0].path.as_deref(), Some("0k"));
        assert_eq!(items[19].path.as_deref(), Some("19k"));
    }

    #[test]
    fn twenty_or_fewer_are_answered_unchanged() {
        let items = unknown_keys(20, 1).items();
        assert_eq!(bounded(items.clone()), items);
        let one_more = bounded(unknown_keys(21, 1).items());
        assert!(
            one_more[20].detail.contains("1 more problem of"),
            "{}",
            one_more[20].detail
        );
    }

    #[test]
    fn the_clients_long_text_is_cut() {
        let items = bounded(unknown_keys(3, 60_000).items());
        for i in &items {
            let path = i.path.as_deref().unwrap();
            assert_eq!(path.chars().count(), MAX_PATH_CHARS);
            assert!(path.ends_with('…'));
            assert_eq!(i.detail.chars().count(), MAX_DETAIL_CHARS);
        }
        // Multi-byte text is cut on a character boundary.
        assert_eq!(cut("é".repeat(10), 4), "ééé…");
        assert_eq!(cut("abc".to_owned(), 3), "abc");
    }

    #[test]
    fn a_64_kib_body_of_unknown_keys_answers_a_small_error() {
        // ~6 000 keys of ~10 bytes: the issue's 1.5 MB answer.
        let body = serde_json::to_vec(&ApiErrors {
            errors: bounded(unknown_keys(6000, 8).items()),
        })
        .unwrap();
        assert!(body.len() < 8 * 1024, "{} bytes", body.len());
    }
}
