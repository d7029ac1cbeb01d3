//! Bearer-token authentication against the `API_TOKENS` variable.

use worker::{Env, Request};

use crate::error::ApiError;

/// The tokens the Worker accepts: `API_TOKENS`, comma-separated (a secret in
/// production, `.dev.vars` locally). None configured means nobody gets in.
fn configured_tokens(env: &Env) -> Vec<String> {
    let raw = env
        .secret("API_TOKENS")
        .map(|s| s.to_string())
        .or_else(|_| env.var("API_TOKENS").map(|v| v.to_string()))
        .unwrap_or_default();
    parse_tokens(&raw)
}

pub fn parse_tokens(raw: &str) -> Vec<String> {
    raw.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The token of an `Authorization: Bearer <token>` header (scheme case-insensitive).
pub fn bearer_token(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Equal in time that depends only on the lengths, not on where they differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = a.len() ^ b.len();
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        diff |= usize::from(x ^ y);
    }
    diff == 0
}

/// Whether `token` is one of `accepted`; every candidate is compared, always.
pub fn token_accepted(token: &str, accepted: &[String]) -> bool {
    accepted.iter().fold(false, |found, t| {
        constant_time_eq(token.as_bytes(), t.as_bytes()) | found
    })
}

/// Why a request was refused. Only a credential that was sent and is wrong
/// looks like a guess, so only that counts against the client's address
/// (`rate_limit::check_refused`); a missing header or a service without
/// tokens does not.
#[derive(Debug)]
pub struct Refused {
    pub detail: &'static str,
    pub wrong_credential: bool,
}

impl From<Refused> for ApiError {
    fn from(r: Refused) -> Self {
        ApiError::Unauthorized(r.detail)
    }
}

/// The accepted token the request carries.
pub fn authenticate(req: &Request, env: &Env) -> Result<String, Refused> {
    let refused = |detail, wrong_credential| Refused {
        detail,
        wrong_credential,
    };
    let accepted = configured_tokens(env);
    if accepted.is_empty() {
        return Err(refused(
            "this service has no API tokens configured, so every request is refused",
            false,
        ));
    }
    let header = req.headers().get("Authorization").ok().flatten();
    let Some(header) = header else {
        return Err(refused(
            "send an API token as Authorization: Bearer <token>",
            false,
        ));
    };
    match bearer_token(&header) {
        Some(token) if token_accepted(token, &accepted) => Ok(token.to_owned()),
        Some(_) => Err(refused("the API token is not valid", true)),
        None => Err(refused(
            "the Authorization header must be: Bearer <token>",
            true,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_headers() {
        assert_eq!(parse_tokens(" a, b ,,"), vec!["a", "b"]);
        assert!(parse_tokens(" , ").is_empty());
        assert_eq!(bearer_token("Bearer abc"), Some("abc"));
        assert_eq!(bearer_token("bearer   abc "), Some("abc"));
        assert_eq!(bearer_token("Basic abc"), None);
        assert_eq!(bearer_token("Bearer "), None);
        let accepted = parse_tokens("one,two");
        assert!(token_accepted("two", &accepted));
        assert!(!token_accepted("tw", &accepted));
        assert!(!token_accepted("twoo", &accepted));
        assert!(!token_accepted("", &accepted));
        assert!(!token_accepted("x", &[]));
    }
}
