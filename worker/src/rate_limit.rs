//! Per-token rate limiting with the Workers rate-limiting binding
//! (`[[ratelimits]]` RATE_LIMITER in wrangler.toml: the limit and period live there).

use sha2::{Digest, Sha256};
use worker::{Env, console_error};

use crate::error::ApiError;

const BINDING: &str = "RATE_LIMITER";

/// The binding's period in seconds (wrangler.toml `simple.period`): a client
/// that was refused may try again after at most this long.
pub const PERIOD_SECONDS: u32 = 10;

/// The limiter's key for a token: a hash, so the secret itself never leaves the Worker.
pub fn key_for(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// Counts one request against the token. If the limiter is missing or fails,
/// the request is served (and the fault logged): limiting is a safeguard, not a gate.
pub async fn check(env: &Env, token: &str) -> Result<(), ApiError> {
    let limiter = match env.rate_limiter(BINDING) {
        Ok(l) => l,
        Err(e) => {
            console_error!("rate limiter {BINDING} unavailable: {e}");
            return Ok(());
        }
    };
    match limiter.limit(key_for(token)).await {
        Ok(outcome) if !outcome.success => Err(ApiError::TooManyRequests(PERIOD_SECONDS)),
        Ok(_) => Ok(()),
        Err(e) => {
            console_error!("rate limiter failed: {e}");
            Ok(())
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
        assert!(!k.contains("secret"));
        assert_eq!(k, key_for("secret-token"));
        assert_ne!(k, key_for("secret-token2"));
    }
}
