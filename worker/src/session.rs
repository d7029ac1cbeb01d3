//! D1 sessions (read replication) with read-your-writes across requests: the
//! client sends back the bookmark of its last response in `x-d1-bookmark`,
//! and a read's session starts no earlier than that point.
//!
//! Sessions matter only to a database with read replicas, which D1 turns on
//! per database; `D1_READ_REPLICATION` says whether this one has them. Without
//! replicas every query is answered by the primary, which has every write, so
//! requests go to the database directly: a session there would only cost time
//! (locally it was the largest single cost of a cheap request:
//! docs/performance.md).

use crate::error::ApiError;
use crate::http::Reply;
use wasm_bindgen::JsCast;

use crate::fault::Fault;
use crate::runtime::{D1Database, D1Session, console_warn};
use crate::store::Store;

/// The request and response header carrying a D1 session bookmark.
pub use phonerecords_shared::BOOKMARK_HEADER;

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
pub enum SessionStart {
    /// A read that continues from the client's bookmark (read-your-writes).
    Bookmark(String),
    /// A read without a bookmark: any replica will do.
    Unconstrained,
    /// A write, or a read retried: the primary, which has every write, so a
    /// write needs no bookmark to see what its client saw.
    Primary,
    /// No read replicas (`D1_READ_REPLICATION` is not `auto`): the database
    /// itself, always its primary; no session, no bookmark.
    Direct,
}

impl SessionStart {
    /// Reads continue from a well-formed bookmark the client sent; writes
    /// always start at the primary (the bookmark would add nothing there).
    pub fn for_request(method: &str, bookmark: Option<&str>, replicas: bool) -> SessionStart {
        if !replicas {
            return SessionStart::Direct;
        }
        if method != "GET" {
            return SessionStart::Primary;
        }
        match bookmark.filter(|b| valid_bookmark(b)) {
            Some(b) => SessionStart::Bookmark(b.to_owned()),
            None => SessionStart::Unconstrained,
        }
    }

    /// What D1's `withSession` is given; `None`: no session.
    fn constraint(&self) -> Option<&str> {
        match self {
            SessionStart::Bookmark(b) => Some(b),
            SessionStart::Unconstrained => Some("first-unconstrained"),
            SessionStart::Primary => Some("first-primary"),
            SessionStart::Direct => None,
        }
    }
}

/// Runs an operation in a D1 session started where the request calls for;
/// the answer (an error's too) says what it cost in D1 (`Server-Timing`) and
/// where the session got to (the bookmark, for the client's next request).
///
/// D1 may refuse a client's bookmark (stale, foreign or forged): that must
/// not be a 500, so a read that failed inside D1 from a bookmark is run once
/// more at the primary, which has every write (reads are safe to repeat).
pub async fn run(
    db: &D1Database,
    replicas: bool,
    method: &str,
    bookmark: Option<&str>,
    fault: Option<Fault>,
    mut op: impl AsyncFnMut(&Store<'_>) -> Result<Reply, ApiError>,
) -> Result<Reply, ApiError> {
    let start = SessionStart::for_request(method, bookmark, replicas);
    if matches!(start, SessionStart::Bookmark(_)) {
        match answer(db, &start, fault, Retry::Allowed, &mut op).await {
            Err(e) => {
                console_warn(&format!(
                    "a read from the client's bookmark failed ({e:?}); reading at the primary"
                ));
            }
            answered => return answered,
        }
        return answer(db, &SessionStart::Primary, fault, Retry::No, &mut op).await;
    }
    answer(db, &start, fault, Retry::No, &mut op).await
}

/// Whether an internal failure is handed back for another try, or answered.
#[derive(PartialEq)]
enum Retry {
    Allowed,
    No,
}

async fn answer(
    db: &D1Database,
    start: &SessionStart,
    fault: Option<Fault>,
    retry: Retry,
    op: &mut impl AsyncFnMut(&Store<'_>) -> Result<Reply, ApiError>,
) -> Result<Reply, ApiError> {
    let session: D1Session = match start.constraint() {
        Some(constraint) => db.with_session(constraint)?,
        // The database answers `prepare` and `batch` as a session does.
        None => wasm_bindgen::JsValue::clone(db).unchecked_into(),
    };
    // The fault hook (tests only): `bookmark` fails only a session started from one.
    let fault =
        fault.filter(|f| *f != Fault::Bookmark || matches!(start, SessionStart::Bookmark(_)));
    let store = Store::new(&session, fault);
    let resp = match op(&store).await {
        Ok(resp) => resp,
        Err(e @ ApiError::Internal(_)) if retry == Retry::Allowed => return Err(e),
        Err(e) => e.into_response(),
    };
    let mut resp = resp;
    resp.set("Server-Timing", store.usage().server_timing());
    if start.constraint().is_some()
        && let Some(b) = session.get_bookmark()?
    {
        resp.set(BOOKMARK_HEADER, b);
    }
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bookmarks_and_starts() {
        let b = "0000000a-00000001-00004f1d-3f7a6c2b9d1e4a5b8c7d6e5f4a3b2c1d";
        let start = |m, b| SessionStart::for_request(m, b, true);
        assert_eq!(start("GET", Some(b)), SessionStart::Bookmark(b.to_owned()));
        assert_eq!(start("GET", Some(b)).constraint(), Some(b));
        assert_eq!(start("POST", Some(b)), SessionStart::Primary);
        assert_eq!(start("GET", None).constraint(), Some("first-unconstrained"));
        assert_eq!(start("PUT", None).constraint(), Some("first-primary"));
        for bad in ["", "first-primary", "x y", "<script>", &"a".repeat(201)] {
            assert!(!valid_bookmark(bad), "{bad}");
            assert_eq!(start("GET", Some(bad)), SessionStart::Unconstrained);
            assert_eq!(start("DELETE", Some(bad)), SessionStart::Primary);
        }
        // Without replicas: no session whatever the request sends.
        for (m, bm) in [
            ("GET", Some(b)),
            ("GET", None),
            ("POST", Some(b)),
            ("DELETE", None),
        ] {
            let s = SessionStart::for_request(m, bm, false);
            assert_eq!(s, SessionStart::Direct);
            assert_eq!(s.constraint(), None);
        }
    }
}
