//! D1 sessions (read replication) with read-your-writes across requests: the
//! client sends back the bookmark of its last response in `x-d1-bookmark`,
//! and a read's session starts no earlier than that point.

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

/// Where a request's D1 session starts.
#[derive(Debug, PartialEq, Eq)]
pub enum Start {
    /// A read that continues from the client's bookmark (read-your-writes).
    Bookmark(String),
    /// A read without a bookmark: any replica will do.
    Unconstrained,
    /// A write, or a read retried: the primary, which has every write, so a
    /// write needs no bookmark to see what its client saw.
    Primary,
}

impl Start {
    /// Reads continue from a well-formed bookmark the client sent; writes
    /// always start at the primary (the bookmark would add nothing there).
    pub fn for_request(method: &Method, bookmark: Option<&str>) -> Start {
        if *method != Method::Get {
            return Start::Primary;
        }
        match bookmark.filter(|b| valid_bookmark(b)) {
            Some(b) => Start::Bookmark(b.to_owned()),
            None => Start::Unconstrained,
        }
    }

    fn constraint(&self) -> &str {
        match self {
            Start::Bookmark(b) => b,
            Start::Unconstrained => "first-unconstrained",
            Start::Primary => "first-primary",
        }
    }
}

/// The bookmark the client sent, if any.
pub fn sent_bookmark(req: &Request) -> Result<Option<String>, ApiError> {
    Ok(req.headers().get(BOOKMARK_HEADER)?)
}

pub fn open(db: &D1Database, start: &Start) -> Result<D1DatabaseSession, ApiError> {
    Ok(db.with_session(Some(start.constraint()))?)
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
    fn bookmarks_and_starts() {
        let b = "0000000a-00000001-00004f1d-3f7a6c2b9d1e4a5b8c7d6e5f4a3b2c1d";
        let start = Start::for_request;
        assert_eq!(start(&Method::Get, Some(b)), Start::Bookmark(b.to_owned()));
        assert_eq!(start(&Method::Get, Some(b)).constraint(), b);
        assert_eq!(start(&Method::Post, Some(b)), Start::Primary);
        assert_eq!(
            start(&Method::Get, None).constraint(),
            "first-unconstrained"
        );
        assert_eq!(start(&Method::Put, None).constraint(), "first-primary");
        for bad in ["", "first-primary", "x y", "<script>", &"a".repeat(201)] {
            assert!(!valid_bookmark(bad), "{bad}");
            assert_eq!(start(&Method::Get, Some(bad)), Start::Unconstrained);
            assert_eq!(start(&Method::Delete, Some(bad)), Start::Primary);
        }
    }
}
