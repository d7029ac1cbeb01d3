//! Small helpers for building responses.

use serde::Serialize;
use worker::{Response, Result};

/// A JSON response with the given status.
pub fn json_response<T: Serialize>(body: &T, status: u16) -> Result<Response> {
    let bytes = serde_json::to_vec(body)?;
    let resp = Response::from_bytes(bytes)?.with_status(status);
    resp.headers()
        .set("Content-Type", "application/json; charset=utf-8")?;
    Ok(resp)
}

/// Headers every API response carries: the data is private and never cached.
pub fn add_common_headers(resp: &Response) -> Result<()> {
    let h = resp.headers();
    h.set("Cache-Control", "no-store")?;
    h.set("X-Content-Type-Options", "nosniff")?;
    Ok(())
}
