//! An answer as this Worker builds it (`Reply`: status, headers, body), made
//! into the runtime's `Response` once, at the end.

use wasm_bindgen::JsValue;

/// The content type of every plain JSON response (and of every error).
pub const PLAIN_CONTENT_TYPE: &str = "application/json; charset=utf-8";

/// An answer being built.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    headers: Vec<(&'static str, String)>,
    body: Body,
}

/// What a reply carries after its headers.
#[derive(Debug)]
enum Body {
    Empty,
    Bytes(Vec<u8>),
    /// Written while it is sent (exports).
    Stream(web_sys::ReadableStream),
}

impl Reply {
    /// A response of these bytes, of this content type.
    pub fn bytes(bytes: Vec<u8>, content_type: &str, status: u16) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type", content_type.to_owned())],
            body: Body::Bytes(bytes),
        }
    }

    /// A 200 whose body is written while it is sent.
    pub fn stream(stream: web_sys::ReadableStream, content_type: &str) -> Reply {
        Reply {
            status: 200,
            headers: vec![("Content-Type", content_type.to_owned())],
            body: Body::Stream(stream),
        }
    }

    /// A JSON response with the given status.
    pub fn json<T: serde::Serialize>(body: &T, status: u16) -> Reply {
        Reply::bytes(
            serde_json::to_vec(body).unwrap_or_default(),
            PLAIN_CONTENT_TYPE,
            status,
        )
    }

    /// A response without a body.
    pub fn empty(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Body::Empty,
        }
    }

    /// Sets a header, replacing one of the same name.
    pub fn set(&mut self, name: &'static str, value: impl Into<String>) {
        let value = value.into();
        match self
            .headers
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            Some(h) => h.1 = value,
            None => self.headers.push((name, value)),
        }
    }

    /// Adds to a list-valued header (`Vary`).
    pub fn append(&mut self, name: &'static str, value: &str) {
        match self
            .headers
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            Some(h) => {
                h.1.push_str(", ");
                h.1.push_str(value);
            }
            None => self.headers.push((name, value.to_owned())),
        }
    }

    #[cfg(test)]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Headers every API response carries: the data is private and never
    /// cached, and the browser's defences are on.
    pub fn with_common_headers(mut self) -> Reply {
        self.set("Cache-Control", "no-store");
        self.with_security_headers()
    }

    /// The browser defences, also on responses that may be cached (the OpenAPI document).
    pub fn with_security_headers(mut self) -> Reply {
        self.set("X-Content-Type-Options", "nosniff");
        self.set("Content-Security-Policy", API_CSP);
        self.set("X-Frame-Options", "DENY");
        self.set("Referrer-Policy", "no-referrer");
        self
    }

    /// The runtime's response.
    pub fn into_response(self) -> Result<web_sys::Response, JsValue> {
        let headers = web_sys::Headers::new()?;
        for (name, value) in &self.headers {
            headers.set(name, value)?;
        }
        let init = web_sys::ResponseInit::new();
        init.set_status(self.status);
        init.set_headers(&headers);
        match self.body {
            Body::Bytes(mut body) => {
                web_sys::Response::new_with_opt_u8_array_and_init(Some(&mut body), &init)
            }
            Body::Stream(stream) => {
                web_sys::Response::new_with_opt_readable_stream_and_init(Some(&stream), &init)
            }
            Body::Empty => web_sys::Response::new_with_opt_str_and_init(None, &init),
        }
    }
}

/// The highest q an `Accept` header gives any of these media ranges (0 when
/// it names none of them). Ranges are compared without case and parameters;
/// a malformed q counts as 1.
pub fn accepted_quality(accept: &str, ranges: &[&str]) -> f32 {
    let mut best = 0.0_f32;
    for range in accept.split(',') {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or("").trim();
        if !ranges.iter().any(|r| r.eq_ignore_ascii_case(media)) {
            continue;
        }
        let q = parts
            .filter_map(|p| p.split_once('='))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case("q"))
            .map_or(1.0, |(_, v)| {
                v.trim()
                    .parse::<f32>()
                    .ok()
                    .filter(|q| (0.0..=1.0).contains(q))
                    .unwrap_or(1.0)
            });
        best = best.max(q);
    }
    best
}

/// An API response is data, never a page: it may load nothing, be framed
/// nowhere, and is never sniffed as anything but what it says. (The UI's
/// static files get theirs from `frontend/_headers`.)
const API_CSP: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_set_once_and_vary_lists() {
        let mut r = Reply::bytes(b"{}".to_vec(), PLAIN_CONTENT_TYPE, 200);
        r.set("Vary", "Accept");
        r.append("Vary", "Origin");
        r.set("content-type", "text/csv");
        assert_eq!(r.header("vary"), Some("Accept, Origin"));
        assert_eq!(r.header("Content-Type"), Some("text/csv"));
        let r = r.with_common_headers();
        assert_eq!(r.header("cache-control"), Some("no-store"));
        assert_eq!(r.header("x-frame-options"), Some("DENY"));
    }
}
