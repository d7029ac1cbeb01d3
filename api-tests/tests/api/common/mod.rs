//! A small HTTP client for the API tests. The server is a real `wrangler dev`
//! started by scripts/test, which passes its address and tokens in the environment.
pub mod contract;

use std::io::Read;
use std::time::Duration;

use phonerecords_shared::{ApiErrors, PhoneRecord};
use serde_json::{Value, json};

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!(
            "{name} is not set: the API tests run against a live server; run them with scripts/test"
        )
    })
}

pub fn base_url() -> String {
    env("PHONERECORDS_API_URL")
}

pub fn token() -> String {
    env("PHONERECORDS_API_TOKEN")
}

pub struct Resp {
    pub status: u16,
    headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "response {} is not JSON ({e}): {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn record(&self) -> PhoneRecord {
        assert_eq!(self.status, 200, "{}", self.text());
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not a PhoneRecord ({e}): {}", self.text()))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Asserts the error envelope with this status, and returns its (path, code) pairs.
    pub fn errors(&self, status: u16) -> Vec<(String, String)> {
        assert_eq!(
            self.status,
            status,
            "expected {status}, got {}: {}",
            self.status,
            self.text()
        );
        let ct = self.header("content-type").unwrap_or_default();
        assert!(
            ct.starts_with("application/json"),
            "error content type {ct}"
        );
        let env: ApiErrors = serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not the error envelope ({e}): {}", self.text()));
        assert!(
            !env.errors.is_empty(),
            "an error response names at least one problem"
        );
        for e in &env.errors {
            assert_eq!(e.status, status.to_string());
            assert!(
                !e.code.is_empty() && !e.title.is_empty() && !e.detail.is_empty(),
                "{e:?}"
            );
            let lower = e.detail.to_lowercase();
            assert!(
                !lower.contains("sqlite") && !lower.contains("d1_"),
                "leaks storage detail: {}",
                e.detail
            );
        }
        env.errors
            .into_iter()
            .map(|e| (e.path.unwrap_or_default(), e.code))
            .collect()
    }
}

/// A request being built: `request("GET", "/phonerecords").token(&t).header("Accept", x).send()`.
/// No Authorization header unless `token` (or a raw `header`) adds one; the
/// main test server unless `to` names another.
#[must_use]
pub struct Request {
    base: String,
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
}

pub fn request(method: &str, path: &str) -> Request {
    Request {
        base: base_url(),
        method: method.to_owned(),
        path: path.to_owned(),
        headers: Vec::new(),
        body: None,
    }
}

impl Request {
    /// Another server (one started with a different configuration).
    pub fn to(mut self, base: &str) -> Self {
        self.base = base.to_owned();
        self
    }

    /// `Authorization: Bearer <token>`.
    pub fn token(self, token: &str) -> Self {
        self.header("Authorization", &format!("Bearer {token}"))
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn headers(self, headers: &[(&str, &str)]) -> Self {
        headers.iter().fold(self, |r, (k, v)| r.header(k, v))
    }

    pub fn body(mut self, body: &[u8]) -> Self {
        self.body = Some(body.to_vec());
        self
    }

    /// A body when there is one.
    pub fn maybe_body(self, body: Option<&[u8]>) -> Self {
        match body {
            Some(b) => self.body(b),
            None => self,
        }
    }

    /// A JSON body, with its content type.
    pub fn json(self, body: &Value) -> Self {
        let bytes = serde_json::to_vec(body).unwrap();
        self.header("Content-Type", "application/json").body(&bytes)
    }

    /// Sends it; a 500 fails the test (a client's mistake is never one).
    pub fn send(self) -> Resp {
        let (method, path) = (self.method.clone(), self.path.clone());
        let r = self.send_allowing_500();
        assert_ne!(r.status, 500, "{method} {path} answered 500: {}", r.text());
        r
    }

    /// Sends it, for the tests that expect an internal failure.
    pub fn send_allowing_500(self) -> Resp {
        let Request {
            base,
            method,
            path,
            headers,
            body,
        } = self;
        let agent = ureq::AgentBuilder::new()
            .timeout(Duration::from_secs(30))
            .redirects(0)
            .build();
        let mut req = agent.request(&method, &format!("{base}{path}"));
        for (k, v) in &headers {
            req = req.set(k, v);
        }
        let result = match &body {
            Some(b) => req.send_bytes(b),
            None => req.call(),
        };
        let resp = match result {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{method} {path}: {e}"),
        };
        let status = resp.status();
        let headers: Vec<(String, String)> = resp
            .headers_names()
            .into_iter()
            .map(|n| {
                let v = resp.header(&n).unwrap_or_default().to_owned();
                (n, v)
            })
            .collect();
        let mut body = Vec::new();
        resp.into_reader()
            .read_to_end(&mut body)
            .expect("read body");
        // Every answer is checked against the server's /openapi.json.
        contract::check(&base, &method, &path, status, &headers, &body);
        Resp {
            status,
            headers,
            body,
        }
    }
}

pub fn get(path: &str) -> Resp {
    request("GET", path).token(&token()).send()
}

pub fn delete(path: &str) -> Resp {
    request("DELETE", path).token(&token()).send()
}

pub fn post(path: &str, body: &Value) -> Resp {
    send_json("POST", path, body)
}

pub fn put(path: &str, body: &Value) -> Resp {
    send_json("PUT", path, body)
}

pub fn send_json(method: &str, path: &str, body: &Value) -> Resp {
    request(method, path).token(&token()).json(body).send()
}

/// The contract's example record, every field set.
pub fn contract_example() -> Value {
    json!({
        "fromParticipantOther": "John Smith",
        "toParticipantOther": "AJ Accountants LLC",
        "direction": "out",
        "phoneNumber": "+44 493 993938",
        "phoneNumberType": "Business",
        "actualHours": 0.25,
        "notes": "Discussed progress for this week.",
        "callTimestamp": "2025-09-17T09:12:32+12:00",
        "outcome": "Call completed",
        "links": {"action": 321845, "fromParticipant": 8945, "toParticipant": 4912}
    })
}

/// A valid create body with only the required fields.
pub fn minimal() -> Value {
    json!({"direction": "in", "callTimestamp": "2025-09-17T09:12:32+12:00", "outcome": "Call completed"})
}

pub fn create(body: &Value) -> PhoneRecord {
    post("/phonerecords", body).record()
}

pub fn record_count() -> u64 {
    let r = get("/phonerecords?pageSize=1");
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()["meta"]["paging"]["phonerecords"]["recordCount"]
        .as_u64()
        .unwrap()
}

/// Percent-encodes a query value (everything but unreserved characters).
pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A value no other test (or earlier run on the same state) uses.
pub fn nonce() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    (nanos % 1_000_000_000_000) * 100 + COUNTER.fetch_add(1, Ordering::Relaxed) % 100
}

/// (rows_read, rows_written, calls) from `Server-Timing: d1;…;desc="…"`.
pub fn d1_cost(r: &Resp) -> (u64, u64, u64) {
    let h = r
        .header("server-timing")
        .unwrap_or_else(|| panic!("no Server-Timing on {}", r.status));
    let desc = h.split("desc=\"").nth(1).and_then(|d| d.split('"').next());
    let field = |name: &str| -> u64 {
        desc.and_then(|d| {
            d.split(' ')
                .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
        })
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {name} in {h}"))
    };
    (field("rows_read"), field("rows_written"), field("calls"))
}

/// The ids of a JSON array of records, in order.
pub fn ids_of(records: &Value) -> Vec<i64> {
    records
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {records}"))
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect()
}
