//! A test-only hook: with the Worker variable `PHONERECORDS_FAULT_INJECTION=1`
//! (set only in the test server's env file, never in wrangler.toml), a request
//! carrying `X-Phonerecords-Fault` makes the store run invalid SQL, so the
//! tests can see a real internal failure: `store` fails every attempt (500,
//! and the next request served normally); `bookmark` fails only a session
//! started from the client's bookmark, standing in for D1 refusing one;
//! `batch` sends the last record of a batch create to D1 with a direction its
//! CHECK constraint refuses, so the statement fails inside D1 after the
//! records before it were inserted (and must store none); `export` fails an
//! export's chunks after the first, inside D1, once bytes have been sent.
//! Without the variable the header means nothing.

pub const HEADER: &str = "X-Phonerecords-Fault";

#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum Fault {
    Store,
    Bookmark,
    Batch,
    Export,
}

/// The fault a request asks for, when the variable (config.rs) allows any.
pub fn requested(enabled: bool, header: Option<&str>) -> Option<Fault> {
    if !enabled {
        return None;
    }
    match header.map(str::trim) {
        Some("store") => Some(Fault::Store),
        Some("bookmark") => Some(Fault::Bookmark),
        Some("batch") => Some(Fault::Batch),
        Some("export") => Some(Fault::Export),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::{Fault, requested};

    #[test]
    fn only_with_the_variable_and_the_header() {
        assert_eq!(requested(true, Some("store")), Some(Fault::Store));
        assert_eq!(requested(true, Some(" bookmark ")), Some(Fault::Bookmark));
        assert_eq!(requested(false, Some("store")), None);
        assert_eq!(requested(false, Some("bookmark")), None);
        assert_eq!(requested(true, Some("batch")), Some(Fault::Batch));
        assert_eq!(requested(true, Some("export")), Some(Fault::Export));
        assert_eq!(requested(true, None), None);
        assert_eq!(requested(true, Some("other")), None);
    }
}
