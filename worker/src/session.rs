//! D1 sessions (read replication) with read-your-writes across requests: the
//! client sends back the bookmark of its last response in `x-d1-bookmark`,
//! and the request's session starts no earlier than that point.

use worker::{D1Database, D1DatabaseSession, Method, Request, Response};

use crate::error::ApiError;

/// The request and response header carrying a D1 session bookmark.
pub const BOOKMARK_HEADER: &str = "x-d1-bookmark";

/// Longest bookmark we pass on (D1's are about 60 characters).
const MAX_BOOKMARK_LEN: usize = 200;

/// A bookmark as D1 writes them (hex digits and dashes); anything else is
/// ignored rather than sent to D1, so a client's bad header is never a 500.
pub fn valid_bookmark(b: &str) -> bool {
    !b.is_empty()
        && b.len() <= MAX_BOOKMARK_LEN
        && b.bytes().all(|c| c.is_ascii_hexdigit() || c == b'-')
}

/// What a session starts from: the client's bookmark, else any replica for
/// reads and the primary for writes.
pub fn constraint<'a>(method: &Method, bookmark: Option<&'a str>) -> &'a str {
    match bookmark.filter(|b| valid_bookmark(b)) {
        Some(b) => b,
        None if *method == Method::Get => "first-unconstrained",
        None => "first-primary",
    }
}

pub fn open(db: &D1Database, req: &Request) -> Result<D1DatabaseSession, ApiError> {
    let sent = req.headers().get(BOOKMARK_HEADER)?;
    Ok(db.with_session(Some(constraint(&req.method(), sent.as_deref())))?)
}

/// Hands the session's latest bookmark to the client, for its next request.
pub fn return_bookmark(session: &D1DatabaseSession, resp: &Response) -> Result<(), ApiError> {
    if let Some(b) = session.get_bookmark()? {
        resp.headers().set(BOOKMARK_HEADER, &b)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bookmarks_and_constraints() {
        let b = "0000000a-00000001-00004f1d-3f7a6c2b9d1e4a5b8c7d6e5f4a3b2c1d";
        assert_eq!(constraint(&Method::Get, Some(b)), b);
        assert_eq!(constraint(&Method::Post, Some(b)), b);
        assert_eq!(constraint(&Method::Get, None), "first-unconstrained");
        assert_eq!(constraint(&Method::Put, None), "first-primary");
        for bad in ["", "first-primary", "x y", "<script>", &"a".repeat(201)] {
            assert!(!valid_bookmark(bad), "{bad}");
            assert_eq!(constraint(&Method::Delete, Some(bad)), "first-primary");
        }
    }
}
