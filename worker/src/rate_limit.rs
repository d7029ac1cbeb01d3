//! Rate limiting with the Workers rate-limiting bindings (`[[ratelimits]]` in
//! wrangler.toml: the limits and periods live there). Two counters:
//! - RATE_LIMITER: requests per accepted token;
//! - REFUSED_TOKEN_LIMITER: wrong tokens per client address, which slows
//!   token guessing without letting a flood lock out the right token (a
//!   request with an accepted token never consults it).
//!
//! A token's requests are reported to its limiter in batches: each isolate
//! counts them and reports every `RATE_LIMIT_BATCH`-th with the count since the
//! last report (the binding's `delta`), so the limiter is asked once per
//! batch instead of once per request (under `wrangler dev` each ask is a
//! round trip to a Durable Object, as costly as a D1 query). Once the limiter
//! refuses a token, every request of it is asked about again until one is
//! allowed, so a limited token gets the limiter's own answers. The price: a
//! token may go past its limit by up to about two batches per isolate before
//! its first 429 (a limiter may refuse only once a count is already past the
//! limit, as miniflare's does) — small beside the limiter itself, which
//! counts per Cloudflare location and approximately.

use std::cell::RefCell;
use std::collections::HashMap;

use crate::runtime::{Env, console_error};
use sha2::{Digest, Sha256};
use wasm_bindgen::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use crate::error::ApiError;

const BINDING: &str = "RATE_LIMITER";
const REFUSED_BINDING: &str = "REFUSED_TOKEN_LIMITER";

/// The bindings' periods in seconds (wrangler.toml `simple.period`): a client
/// that was refused may try again after at most this long.
pub const PERIOD_SECONDS: u32 = 10;
pub const REFUSED_PERIOD_SECONDS: u32 = 60;

/// A token's requests are reported to the limiter in batches of this many
/// unless `RATE_LIMIT_BATCH` says otherwise: 3% of the default limit (1000
/// per 10 s). With 8, the asks still cost about a tenth of a cheap request's
/// throughput under `wrangler dev` (docs/performance.md). A much lower limit
/// wants a smaller batch (README, "Security").
pub const DEFAULT_BATCH: u32 = 32;

#[wasm_bindgen]
extern "C" {
    type Limiter;
    #[wasm_bindgen(method, catch)]
    fn limit(this: &Limiter, options: &js_sys::Object) -> Result<js_sys::Promise, JsValue>;

    type Outcome;
    #[wasm_bindgen(method, getter)]
    fn success(this: &Outcome) -> Option<bool>;
}

/// What this isolate knows of a token's requests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Requests not yet reported to the limiter.
    pending: u32,
    /// The limiter's last answer was a refusal.
    limited: bool,
    /// The binding refused `delta` (an older runtime): report every request.
    one_by_one: bool,
}

impl Tally {
    /// Counts a request; `Some(delta)` when the limiter must be asked now
    /// (every `batch`-th request).
    pub fn count(&mut self, batch: u32) -> Option<u32> {
        self.pending += 1;
        if self.limited || self.one_by_one || self.pending >= batch {
            Some(std::mem::take(&mut self.pending))
        } else {
            None
        }
    }

    /// What the limiter answered.
    pub fn answered(&mut self, allowed: bool) {
        self.limited = !allowed;
    }
}

thread_local! {
    static TALLIES: RefCell<HashMap<String, Tally>> = RefCell::new(HashMap::new());
}

/// The limiter's key for a token: a hash, so the secret itself never leaves the Worker.
pub fn key_for(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// The refused-token limiter's key: the client's address as Cloudflare sees
/// it (`CF-Connecting-IP`, which clients cannot set through Cloudflare).
pub fn key_for_address(address: Option<&str>) -> String {
    format!("address:{}", address.map(str::trim).unwrap_or("unknown"))
}

/// Counts one request against the token, by its key (`key_for`).
pub async fn check(env: &Env, token_key: &str, batch: u32) -> Result<(), ApiError> {
    let tally = |f: &mut dyn FnMut(&mut Tally)| {
        TALLIES.with(|t| f(t.borrow_mut().entry(token_key.to_owned()).or_default()))
    };
    let mut delta = None;
    tally(&mut |t| delta = t.count(batch));
    let Some(delta) = delta else {
        return Ok(());
    };
    let allowed = match ask(env, BINDING, token_key, delta).await {
        Ok(allowed) => allowed,
        Err(e) if delta > 1 => {
            // An older runtime may not take `delta`: ask again for this one
            // request, and report one by one from now on.
            console_error(&format!(
                "rate limiter {BINDING} refused a batch ({}); reporting each request",
                crate::runtime::error_text(&e)
            ));
            tally(&mut |t| t.one_by_one = true);
            ask(env, BINDING, token_key, 1).await.unwrap_or(true)
        }
        Err(_) => true,
    };
    tally(&mut |t| t.answered(allowed));
    if allowed {
        Ok(())
    } else {
        Err(ApiError::TooManyRequests(
            PERIOD_SECONDS,
            "this token sent too many requests",
        ))
    }
}

/// Counts one wrong token against the client's address: past the limit, the
/// answer is 429 instead of 401, so guessing is slowed to the limit's pace.
pub async fn check_refused(env: &Env, address: Option<&str>) -> Result<(), ApiError> {
    match ask(env, REFUSED_BINDING, &key_for_address(address), 1).await {
        Ok(false) => Err(ApiError::TooManyRequests(
            REFUSED_PERIOD_SECONDS,
            "too many requests with a wrong API token came from this address",
        )),
        // A missing or failing limiter lets the request through (logged):
        // limiting is a safeguard, not a gate.
        Ok(true) | Err(_) => Ok(()),
    }
}

/// Whether the limiter allows `delta` more requests under `key`.
async fn ask(env: &Env, binding: &str, key: &str, delta: u32) -> Result<bool, JsValue> {
    let Some(limiter) = env.binding::<Limiter>(binding) else {
        console_error(&format!("rate limiter {binding} unavailable"));
        return Ok(true);
    };
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"key".into(), &JsValue::from_str(key))?;
    if delta != 1 {
        js_sys::Reflect::set(
            &options,
            &"delta".into(),
            &JsValue::from_f64(f64::from(delta)),
        )?;
    }
    let outcome: Outcome = crate::driver::wait(limiter.limit(&options)?)
        .await?
        .unchecked_into();
    Ok(outcome.success().unwrap_or(true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_hashes() {
        let k = key_for("secret-token");
        assert_eq!(k.len(), 32);
        // The first 16 bytes of SHA-256, hex: the token itself is not in it.
        assert_eq!(key_for("abc"), "ba7816bf8f01cfea414140de5dae2223");
        assert_eq!(k, key_for("secret-token"));
        assert_ne!(k, key_for("secret-token2"));
    }

    #[test]
    fn refused_tokens_are_counted_per_address() {
        assert_eq!(key_for_address(Some("203.0.113.7")), "address:203.0.113.7");
        assert_eq!(
            key_for_address(Some(" 2001:db8::1 ")),
            "address:2001:db8::1"
        );
        assert_eq!(key_for_address(None), "address:unknown");
    }

    #[test]
    fn requests_are_reported_in_batches_and_one_by_one_while_limited() {
        const B: u32 = DEFAULT_BATCH;
        let mut t = Tally::default();
        let asks: Vec<Option<u32>> = (0..2 * B).map(|_| t.count(B)).collect();
        let expected: Vec<Option<u32>> = (1..=2 * B).map(|i| (i % B == 0).then_some(B)).collect();
        assert_eq!(asks, expected, "every batch-th request reports the batch");
        t.answered(false);
        assert_eq!(t.count(B), Some(1), "a limited token asks on every request");
        assert_eq!(t.count(B), Some(1));
        t.answered(true);
        assert_eq!(t.count(B), None, "allowed again: back to batches");
        let mut small = Tally::default();
        assert_eq!(
            (0..3).map(|_| small.count(3)).collect::<Vec<_>>(),
            [None, None, Some(3)]
        );
        assert_eq!(
            Tally::default().count(1),
            Some(1),
            "a batch of 1 asks every time"
        );
        let mut old = Tally {
            one_by_one: true,
            ..Tally::default()
        };
        assert_eq!(old.count(B), Some(1));
    }
}
