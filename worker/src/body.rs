//! Reading a JSON request body: content type, size limit, UTF-8, syntax.

use js_sys::Uint8Array;
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{ReadableStreamDefaultReader, Request};

use crate::error::ApiError;

/// Largest accepted body. The largest valid record is about 42 KB of text
/// (10 000 characters of notes may take up to 4 bytes each).
pub const MAX_BODY_BYTES: usize = phonerecords_shared::import::MAX_BODY_BYTES;

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

pub async fn read_json(req: &Request) -> Result<Value, ApiError> {
    let headers = req.headers();
    let header = |name| headers.get(name).ok().flatten();
    let content_type = header("Content-Type").unwrap_or_default();
    if !is_json_content_type(&content_type) {
        return Err(ApiError::UnsupportedMediaType(content_type));
    }
    let declared = header("Content-Length").and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return Err(ApiError::PayloadTooLarge(MAX_BODY_BYTES));
    }
    // A declared length within the limit is the body's length (HTTP's framing
    // holds the body to it): read it whole, one call. Without one, read it as
    // a stream, so that it is cut off at the limit too.
    if declared.is_some() {
        let promise = req.array_buffer().map_err(body_error)?;
        let buffer = crate::driver::wait(promise).await.map_err(body_error)?;
        return parse_json(&Uint8Array::new(&buffer).to_vec());
    }
    let mut bytes = Vec::new();
    if let Some(body) = req.body() {
        let reader: ReadableStreamDefaultReader = body.get_reader().unchecked_into();
        loop {
            let chunk = crate::driver::wait(reader.read())
                .await
                .map_err(body_error)?;
            let done = js_sys::Reflect::get(&chunk, &"done".into()).map_err(body_error)?;
            if done.as_bool() == Some(true) {
                break;
            }
            let value: Uint8Array = js_sys::Reflect::get(&chunk, &"value".into())
                .map_err(body_error)?
                .unchecked_into();
            if bytes.len() + value.length() as usize > MAX_BODY_BYTES {
                let _ = reader.cancel();
                return Err(ApiError::PayloadTooLarge(MAX_BODY_BYTES));
            }
            let start = bytes.len();
            bytes.resize(start + value.length() as usize, 0);
            value.copy_to(&mut bytes[start..]);
        }
    }
    parse_json(&bytes)
}

/// The body could not be read (the client went away, or sent a broken stream).
fn body_error(e: JsValue) -> ApiError {
    ApiError::bad_request(
        "",
        "invalid_body",
        format!(
            "the body could not be read: {}",
            e.as_string().unwrap_or_else(|| "the stream failed".into())
        ),
    )
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
