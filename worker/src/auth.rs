//! Bearer-token authentication against the `API_TOKENS` variable.

use crate::config::Token;
use crate::error::ApiError;

/// The tokens the Worker accepts: `API_TOKENS`, comma-separated (a secret in
/// production, `.dev.vars` locally; read once, config.rs). None configured
/// means nobody gets in.
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

/// Which of `accepted` `token` is; every candidate is compared, always.
pub fn accepted_index<S: AsRef<str>>(token: &str, accepted: &[S]) -> Option<usize> {
    accepted.iter().enumerate().fold(None, |found, (i, t)| {
        let equal = constant_time_eq(token.as_bytes(), t.as_ref().as_bytes());
        if equal { Some(i) } else { found }
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

/// The accepted token an `Authorization` header value carries.
pub fn authenticate<'a>(header: Option<&str>, accepted: &'a [Token]) -> Result<&'a Token, Refused> {
    let refused = |detail, wrong_credential| Refused {
        detail,
        wrong_credential,
    };
    if accepted.is_empty() {
        return Err(refused(
            "this service has no API tokens configured, so every request is refused",
            false,
        ));
    }
    let Some(header) = header else {
        return Err(refused(
            "send an API token as Authorization: Bearer <token>",
            false,
        ));
    };
    let secrets: Vec<&str> = accepted.iter().map(|t| t.secret.as_str()).collect();
    match bearer_token(header) {
        Some(token) => match accepted_index(token, &secrets) {
            Some(i) => Ok(&accepted[i]),
            None => Err(refused("the API token is not valid", true)),
        },
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
        assert_eq!(accepted_index("two", &accepted), Some(1));
        assert_eq!(accepted_index("one", &accepted), Some(0));
        assert_eq!(accepted_index("tw", &accepted), None);
        assert_eq!(accepted_index("twoo", &accepted), None);
        assert_eq!(accepted_index("", &accepted), None);
        assert_eq!(accepted_index::<String>("x", &[]), None);
    }
}
