//! The browser's defences: a Content-Security-Policy and friends on the UI's
//! files (frontend/_headers, worker/ui.js) and on every API answer.
use crate::common::*;

fn assert_defences(r: &Resp, what: &str) {
    assert_eq!(
        r.header("x-content-type-options"),
        Some("nosniff"),
        "{what}"
    );
    assert_eq!(r.header("x-frame-options"), Some("DENY"), "{what}");
    assert_eq!(r.header("referrer-policy"), Some("no-referrer"), "{what}");
    let csp = r.header("content-security-policy").unwrap_or_default();
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp:?}");
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"),
        "{what}: {csp:?}"
    );
}

#[test]
fn the_ui_files_carry_the_policy() {
    // The files index.html loads have content-hashed names (scripts/build-ui).
    let index = String::from_utf8(
        request("GET", "/")
            .header("Accept-Encoding", "identity")
            .send()
            .body,
    )
    .unwrap();
    let assets: Vec<String> = index
        .split('"')
        .filter(|s| s.starts_with("/assets/"))
        .map(str::to_owned)
        .collect();
    assert_eq!(
        assets.len(),
        5,
        "style, glue, split loader, wasm and main.js in {index}"
    );
    // Client-side routes are index.html too.
    let pages = ["/", "/records/new"];
    for path in pages
        .iter()
        .copied()
        .chain(assets.iter().map(String::as_str))
    {
        let r = request("GET", path).send();
        assert_eq!(r.status, 200, "{path}");
        // index.html is revalidated; a hashed file never changes.
        let cache = if pages.contains(&path) {
            "no-cache"
        } else {
            "public, max-age=31536000, immutable"
        };
        assert_eq!(r.header("cache-control"), Some(cache), "{path}");
        assert_defences(&r, path);
        let csp = r.header("content-security-policy").unwrap();
        for directive in [
            "default-src 'self'",
            "script-src 'self' 'wasm-unsafe-eval'",
            "style-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
        ] {
            assert!(
                csp.contains(directive),
                "{path}: {directive} missing from {csp}"
            );
        }
    }
}

#[test]
fn api_answers_carry_a_closed_policy() {
    let ok = get("/phonerecords");
    let denied = request("GET", "/phonerecords").send();
    let missing = get("/api/rest/phonerecords/999999999999");
    for (r, what) in [(&ok, "200"), (&denied, "401"), (&missing, "404")] {
        assert_defences(r, what);
        assert!(
            r.header("content-security-policy")
                .unwrap()
                .starts_with("default-src 'none'"),
            "{what}"
        );
    }
}
