//! Reading a JSON request body: content type, size limit, UTF-8, syntax.

use futures_util::StreamExt;
use serde_json::Value;
use worker::Request;

use crate::error::ApiError;

/// Largest accepted body. The largest valid record is about 42 KB of text
/// (10 000 characters of notes may take up to 4 bytes each).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// `application/json` or `application/vnd.api+json`, UTF-8 if a charset is given.
pub fn is_json_content_type(value: &str) -> bool {
    let mut parts = value.split(';');
    let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
    if media != "application/json" && media != "application/vnd.api+json" {
        return false;
    }
    parts.all(|p| match p.split_once('=') {
        Some((k, v)) if k.trim().eq_ignore_ascii_case("charset") => {
            v.trim().trim_matches('"').eq_ignore_ascii_case("utf-8")
        }
        _ => true,
    })
}

pub async fn read_json(req: &mut Request) -> Result<Value, ApiError> {
    let content_type = req
        .headers()
        .get("Content-Type")
        .ok()
        .flatten()
        .unwrap_or_default();
    if !is_json_content_type(&content_type) {
        return Err(ApiError::UnsupportedMediaType(content_type));
    }
    let declared = req
        .headers()
        .get("Content-Length")
        .ok()
        .flatten()
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return Err(ApiError::PayloadTooLarge(MAX_BODY_BYTES));
    }
    // Read as a stream so that a body without a length is cut off at the limit too.
    let mut bytes = Vec::new();
    if req.inner().body().is_some() {
        let mut stream = req.stream()?;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk?;
            if bytes.len() + chunk.len() > MAX_BODY_BYTES {
                return Err(ApiError::PayloadTooLarge(MAX_BODY_BYTES));
            }
            bytes.extend_from_slice(&chunk);
        }
    }
    parse_json(&bytes)
}

pub fn parse_json(bytes: &[u8]) -> Result<Value, ApiError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        ApiError::bad_request(
            "",
            "invalid_body",
            format!("the body is not valid UTF-8 (at byte {})", e.valid_up_to()),
        )
    })?;
    if text.trim().is_empty() {
        return Err(ApiError::bad_request(
            "",
            "invalid_body",
            "the body is empty; send a JSON object",
        ));
    }
    serde_json::from_str(text).map_err(|e| {
        ApiError::bad_request(
            "",
            "invalid_json",
            format!("the body is not valid JSON: {e}"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types() {
        for ok in [
            "application/json",
            "Application/JSON; charset=UTF-8",
            "application/vnd.api+json",
            "application/json;charset=\"utf-8\"",
        ] {
            assert!(is_json_content_type(ok), "{ok}");
        }
        for bad in [
            "",
            "text/plain",
            "application/x-www-form-urlencoded",
            "application/json; charset=latin1",
            "application/jsonp",
        ] {
            assert!(!is_json_content_type(bad), "{bad}");
        }
    }

    #[test]
    fn json_errors_are_bad_requests() {
        for bad in [&b""[..], b"  ", b"{", b"\xff\xfe", b"{\"a\":1e999}", b"nul"] {
            assert_eq!(parse_json(bad).unwrap_err().status(), 400, "{bad:?}");
        }
        let deep = "[".repeat(10_000);
        assert_eq!(parse_json(deep.as_bytes()).unwrap_err().status(), 400);
        assert!(parse_json(b"{\"a\": [1, \"\xc3\xa9\"]}").is_ok());
    }
}
