//! Cross-origin requests: refused unless the Origin is on the allow-list
//! (`CORS_ALLOWED_ORIGINS`, comma-separated, empty by default). Same-origin
//! requests, and those without an Origin (curl, servers), pass untouched.

use crate::http::Reply;

use crate::error::ApiError;

/// What the API's methods and headers are, for preflight answers.
const ALLOW_METHODS: &str = "GET, POST, PUT, DELETE, OPTIONS";
/// `x-d1-bookmark` travels both ways so that cross-origin clients get
/// read-your-writes too (see `session`); the conditional headers and
/// `Idempotency-Key` make writes safe from other origins as well (etag.rs).
const ALLOW_HEADERS: &str =
    "Authorization, Content-Type, Accept, x-d1-bookmark, If-Match, If-None-Match, Idempotency-Key";
/// Response headers a cross-origin script may read besides the simple ones.
/// (An export's file name, record count and expected size too: export.rs.)
const EXPOSE_HEADERS: &str = "Location, Retry-After, WWW-Authenticate, x-d1-bookmark, Server-Timing, \
    ETag, Idempotent-Replayed, Content-Disposition, X-Record-Count, X-Expected-Bytes";
/// How long a browser may cache a preflight answer, in seconds.
const MAX_AGE: &str = "600";

/// How a request stands with respect to origins.
#[derive(Debug, PartialEq, Eq)]
pub enum Cors {
    /// No Origin, or our own: answered as ever.
    SameOrigin,
    /// An allowed foreign origin: answered with Access-Control-* headers.
    Allowed(String),
}

pub fn parse_origins(raw: &str) -> Vec<String> {
    raw.split(',')
        .map(|o| o.trim().trim_end_matches('/'))
        .filter(|o| !o.is_empty())
        .map(str::to_ascii_lowercase)
        .collect()
}

/// Decides on an Origin header value (None: no header).
pub fn classify(origin: Option<&str>, own: &str, allowed: &[String]) -> Result<Cors, ApiError> {
    let Some(origin) = origin else {
        return Ok(Cors::SameOrigin);
    };
    let lower = origin.trim().to_ascii_lowercase();
    if lower == own.to_ascii_lowercase() {
        Ok(Cors::SameOrigin)
    } else if allowed.contains(&lower) {
        Ok(Cors::Allowed(origin.trim().to_owned()))
    } else {
        Err(ApiError::OriginNotAllowed(origin.to_owned()))
    }
}

/// A CORS preflight: OPTIONS naming the method it asks about. The header is
/// only looked at for OPTIONS (each look is a call out of the WebAssembly).
pub fn is_preflight(method: &str, asks_for_method: impl FnOnce() -> bool) -> bool {
    method == "OPTIONS" && asks_for_method()
}

/// The answer to a preflight from an allowed (or our own) origin: no token needed.
pub fn preflight_response(cors: &Cors) -> Reply {
    let mut resp = Reply::empty(204);
    if let Cors::Allowed(origin) = cors {
        allow_origin(&mut resp, origin);
    }
    resp.set("Access-Control-Allow-Methods", ALLOW_METHODS);
    resp.set("Access-Control-Allow-Headers", ALLOW_HEADERS);
    resp.set("Access-Control-Max-Age", MAX_AGE);
    resp
}

fn allow_origin(resp: &mut Reply, origin: &str) {
    resp.set("Access-Control-Allow-Origin", origin);
    resp.append("Vary", "Origin");
    resp.set("Access-Control-Expose-Headers", EXPOSE_HEADERS);
}

/// Marks a response for an allowed foreign origin (API answers are never
/// cached, but Vary still says the answer depends on Origin).
pub fn add_headers(resp: &mut Reply, cors: Option<&Cors>) {
    if let Some(Cors::Allowed(origin)) = cors {
        allow_origin(resp, origin);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_options_looks_for_the_preflight_header() {
        assert!(is_preflight("OPTIONS", || true));
        assert!(!is_preflight("OPTIONS", || false));
        for method in ["GET", "POST", "PUT", "DELETE", "HEAD"] {
            assert!(!is_preflight(method, || panic!("{method} read the header")));
        }
    }

    #[test]
    fn origins() {
        let allowed = parse_origins(" https://App.example.com/ , ,http://localhost:3000");
        assert_eq!(
            allowed,
            vec!["https://app.example.com", "http://localhost:3000"]
        );
        let own = "http://127.0.0.1:8787";
        assert_eq!(classify(None, own, &allowed).unwrap(), Cors::SameOrigin);
        assert_eq!(classify(Some(own), own, &[]).unwrap(), Cors::SameOrigin);
        assert_eq!(
            classify(Some("https://app.example.com"), own, &allowed).unwrap(),
            Cors::Allowed("https://app.example.com".into())
        );
        for bad in [
            "https://evil.example.com",
            "null",
            "http://127.0.0.1:8788",
            "https://app.example.com.evil.com",
            "",
        ] {
            assert!(
                matches!(
                    classify(Some(bad), own, &allowed),
                    Err(ApiError::OriginNotAllowed(_))
                ),
                "{bad}"
            );
        }
        assert!(classify(Some("https://app.example.com"), own, &[]).is_err());
    }
}
