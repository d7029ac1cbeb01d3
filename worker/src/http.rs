//! Small helpers for building responses.

use serde::Serialize;
use worker::{Response, Result};

/// The content type of every plain JSON response (and of every error).
pub const PLAIN_CONTENT_TYPE: &str = "application/json; charset=utf-8";

/// A JSON response with the given status.
pub fn json_response<T: Serialize>(body: &T, status: u16) -> Result<Response> {
    bytes_response(serde_json::to_vec(body)?, PLAIN_CONTENT_TYPE, status)
}

/// A response of these bytes, of this content type.
pub fn bytes_response(bytes: Vec<u8>, content_type: &str, status: u16) -> Result<Response> {
    let resp = Response::from_bytes(bytes)?.with_status(status);
    resp.headers().set("Content-Type", content_type)?;
    Ok(resp)
}

/// An API response is data, never a page: it may load nothing, be framed
/// nowhere, and is never sniffed as anything but what it says. (The UI's
/// static files get theirs from `frontend/_headers`.)
const API_CSP: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// Headers every API response carries: the data is private and never cached,
/// and the browser's defences are on.
pub fn add_common_headers(resp: &Response) -> Result<()> {
    let h = resp.headers();
    h.set("Cache-Control", "no-store")?;
    add_security_headers(resp)
}

/// The browser defences, also on responses that may be cached (the OpenAPI document).
pub fn add_security_headers(resp: &Response) -> Result<()> {
    let h = resp.headers();
    h.set("X-Content-Type-Options", "nosniff")?;
    h.set("Content-Security-Policy", API_CSP)?;
    h.set("X-Frame-Options", "DENY")?;
    h.set("Referrer-Policy", "no-referrer")?;
    Ok(())
}
