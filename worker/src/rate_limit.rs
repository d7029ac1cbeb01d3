//! Rate limiting with the Workers rate-limiting bindings (`[[ratelimits]]` in
//! wrangler.toml: the limits and periods live there). Two counters:
//! - RATE_LIMITER: requests per accepted token;
//! - REFUSED_TOKEN_LIMITER: wrong tokens per client address, which slows
//!   token guessing without letting a flood lock out the right token (a
//!   request with an accepted token never consults it).

use sha2::{Digest, Sha256};
use worker::{Env, Request, console_error};

use crate::error::ApiError;

const BINDING: &str = "RATE_LIMITER";
const REFUSED_BINDING: &str = "REFUSED_TOKEN_LIMITER";

/// The bindings' periods in seconds (wrangler.toml `simple.period`): a client
/// that was refused may try again after at most this long.
pub const PERIOD_SECONDS: u32 = 10;
pub const REFUSED_PERIOD_SECONDS: u32 = 60;

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

/// Counts one request against the token.
pub async fn check(env: &Env, token: &str) -> Result<(), ApiError> {
    let over = over_limit(env, BINDING, key_for(token)).await;
    match over {
        true => Err(ApiError::TooManyRequests(
            PERIOD_SECONDS,
            "this token sent too many requests",
        )),
        false => Ok(()),
    }
}

/// Counts one wrong token against the client's address: past the limit, the
/// answer is 429 instead of 401, so guessing is slowed to the limit's pace.
pub async fn check_refused(env: &Env, req: &Request) -> Result<(), ApiError> {
    let address = req.headers().get("CF-Connecting-IP").ok().flatten();
    match over_limit(env, REFUSED_BINDING, key_for_address(address.as_deref())).await {
        true => Err(ApiError::TooManyRequests(
            REFUSED_PERIOD_SECONDS,
            "too many requests with a wrong API token came from this address",
        )),
        false => Ok(()),
    }
}

/// Whether `key` is over the binding's limit. If the limiter is missing or
/// fails, it is not (and the fault is logged): limiting is a safeguard, not a gate.
async fn over_limit(env: &Env, binding: &str, key: String) -> bool {
    let limiter = match env.rate_limiter(binding) {
        Ok(l) => l,
        Err(e) => {
            console_error!("rate limiter {binding} unavailable: {e}");
            return false;
        }
    };
    match limiter.limit(key).await {
        Ok(outcome) => !outcome.success,
        Err(e) => {
            console_error!("rate limiter {binding} failed: {e}");
            false
        }
    }
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
}
