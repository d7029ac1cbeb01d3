//! The UI's files, served by the Worker from its bundle (worker/ui.js):
//! the bytes of dist/, precompressed, with frontend/_headers' headers;
//! index.html for the app's own paths; 404 for a hashed file that is not
//! there (never index.html under a year-long cache header).
use std::path::PathBuf;

use crate::common::*;

fn dist() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../dist")
}

/// The files index.html names (content-hashed, under /assets/).
fn hashed_files() -> Vec<String> {
    let index = std::fs::read_to_string(dist().join("index.html")).unwrap();
    index
        .split('"')
        .filter(|s| s.starts_with("/assets/"))
        .map(str::to_owned)
        .collect()
}

fn identity(path: &str) -> Resp {
    request("GET", path)
        .header("Accept-Encoding", "identity")
        .send()
}

#[test]
fn every_file_is_the_built_file_with_its_type() {
    let files = hashed_files();
    // Style, glue, split loader (frontend/src/chunks.rs), wasm, main.js.
    assert_eq!(files.len(), 5, "{files:?}");
    for path in &files {
        let r = identity(path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("content-encoding"), None, "{path}");
        let built = std::fs::read(dist().join(path.trim_start_matches('/'))).unwrap();
        assert!(
            r.body == built,
            "{path}: {} bytes served, {} built",
            r.body.len(),
            built.len()
        );
        let ext = path.rsplit('.').next().unwrap();
        let want = match ext {
            "wasm" => "application/wasm",
            "js" => "text/javascript; charset=utf-8",
            "css" => "text/css; charset=utf-8",
            _ => panic!("{path}"),
        };
        assert_eq!(r.header("content-type"), Some(want), "{path}");
        assert_eq!(r.header("vary"), Some("Accept-Encoding"), "{path}");
    }
}

#[test]
fn a_client_that_takes_brotli_gets_the_precompressed_bytes() {
    for path in hashed_files().iter().map(String::as_str).chain(["/"]) {
        let r = request("GET", path).header("Accept-Encoding", "br").send();
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("content-encoding"), Some("br"), "{path}");
        let plain = identity(path);
        assert!(
            r.body.len() < plain.body.len(),
            "{path}: {} bytes compressed, {} plain",
            r.body.len(),
            plain.body.len()
        );
        assert_eq!(
            r.header("etag"),
            plain.header("etag"),
            "{path}: one tag for every encoding"
        );
    }
}

#[test]
fn a_client_that_takes_only_gzip_gets_gzip_and_one_that_names_none_gets_plain_bytes() {
    for path in hashed_files().iter().map(String::as_str).chain(["/"]) {
        let plain = identity(path);
        let gz = request("GET", path)
            .header("Accept-Encoding", "gzip, deflate")
            .send();
        assert_eq!(gz.status, 200, "{path}");
        assert_eq!(gz.header("content-encoding"), Some("gzip"), "{path}");
        assert_eq!(
            gz.body.get(..2),
            Some(&[0x1f, 0x8b][..]),
            "{path}: gzip's magic number"
        );
        assert!(gz.body.len() < plain.body.len(), "{path}");
        // No Accept-Encoding at all (curl without --compressed): the bytes as built.
        let bare = request("GET", path).send();
        assert_eq!(bare.header("content-encoding"), None, "{path}");
        assert!(bare.body == plain.body, "{path}");
    }
}

#[test]
fn the_apps_paths_are_index_html() {
    let built = std::fs::read(dist().join("index.html")).unwrap();
    for path in [
        "/",
        "/index.html",
        "/calls/5",
        "/calls/5/edit",
        "/records/new",
        "/import",
        "/no/such/page?x=1",
    ] {
        let r = identity(path);
        assert_eq!(r.status, 200, "{path}");
        assert!(r.body == built, "{path}: not index.html");
        assert_eq!(
            r.header("content-type"),
            Some("text/html; charset=utf-8"),
            "{path}"
        );
        assert_eq!(r.header("cache-control"), Some("no-cache"), "{path}");
    }
}

#[test]
fn a_missing_hashed_file_is_a_404_kept_nowhere() {
    for path in [
        "/assets/phonerecords_ui_bg.0000000000000000.wasm",
        "/assets/",
        "/assets/x/y.js",
    ] {
        let r = identity(path);
        assert_eq!(r.status, 404, "{path}");
        assert_eq!(r.header("cache-control"), Some("no-store"), "{path}");
        assert!(!r.text().contains("<html"), "{path}: {}", r.text());
        let csp = r.header("content-security-policy").unwrap_or_default();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
    }
}

#[test]
fn revalidation_answers_304_without_a_body() {
    for path in hashed_files()
        .iter()
        .map(String::as_str)
        .chain(["/", "/calls/7"])
    {
        let first = identity(path);
        let tag = first.header("etag").unwrap().to_owned();
        assert!(tag.starts_with("W/\""), "{path}: {tag}");
        for sent in [
            tag.clone(),
            tag.trim_start_matches("W/").to_owned(),
            format!("\"x\", {tag}"),
            "*".into(),
        ] {
            let again = request("GET", path)
                .header("Accept-Encoding", "br")
                .header("If-None-Match", &sent)
                .send();
            assert_eq!(again.status, 304, "{path} with {sent}");
            assert!(again.body.is_empty(), "{path}");
            assert_eq!(again.header("etag"), Some(tag.as_str()), "{path}");
            assert_eq!(
                again.header("cache-control"),
                first.header("cache-control"),
                "{path}"
            );
        }
        let changed = request("GET", path)
            .header("If-None-Match", "W/\"other\"")
            .send();
        assert_eq!(changed.status, 200, "{path}");
    }
}

#[test]
fn head_has_the_headers_and_no_body_and_other_methods_are_refused() {
    let get = identity("/");
    let head = request("HEAD", "/")
        .header("Accept-Encoding", "identity")
        .send();
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(head.header("content-type"), get.header("content-type"));
    assert_eq!(head.header("etag"), get.header("etag"));
    let files = hashed_files();
    for method in ["POST", "PUT", "DELETE", "PATCH"] {
        for path in ["/", "/calls/5", files[0].as_str()] {
            let r = request(method, path).body(b"x").send();
            assert_eq!(r.status, 405, "{method} {path}");
            assert_eq!(r.header("allow"), Some("GET, HEAD"), "{method} {path}");
        }
    }
}
