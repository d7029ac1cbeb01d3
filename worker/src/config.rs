//! The Worker's configuration — tokens, allowed origins, the Actionstep link
//! base, the test-only fault switch — read from its environment once per
//! isolate. A Worker's variables and secrets are fixed for the life of the
//! isolate (a new deployment, or `wrangler dev` reloading, starts a new one),
//! so reading and parsing them on every request would only cost time.

use std::cell::OnceCell;
use std::rc::Rc;

use crate::runtime::Env;

use crate::auth;
use crate::cors;
use crate::rate_limit;

pub struct Config {
    /// The accepted tokens, each with its rate-limit key (a hash: the token
    /// itself never leaves the Worker). Empty: every request is refused.
    pub tokens: Vec<Token>,
    /// Lower-cased `scheme://host[:port]` origins allowed to call from a browser.
    pub allowed_origins: Vec<String>,
    /// `ACTIONSTEP_API_BASE` without a trailing slash; empty means our own origin.
    pub actionstep_base: String,
    /// `PHONERECORDS_FAULT_INJECTION=1` (test env files only; see fault.rs).
    pub fault_injection: bool,
    /// `D1_QUERIES_PER_REQUEST`: the most D1 queries one invocation may make
    /// on the account's plan (Free 50, Paid 1000); exports plan within it.
    pub d1_queries_per_request: u32,
    /// `EXPORT_CHUNK_ROWS`: the most rows in one chunk of an export (export.rs).
    pub export_chunk_rows: u32,
    /// `EXPORT_MAX_ROWS`: the most records one export may hold (unset: as
    /// many as the D1 queries allow). On the Free plan the CPU limit comes
    /// first: README, "Export".
    pub export_max_rows: Option<u64>,
    /// `D1_READ_REPLICATION = "auto"`: the database has read replicas, so
    /// requests run in D1 sessions and answer with their bookmark (session.rs).
    /// Anything else (`disabled`, D1's default): straight to the database.
    pub read_replicas: bool,
    /// `RATE_LIMIT_BATCH`: a token's requests are reported to the rate
    /// limiter every this many (rate_limit.rs).
    pub rate_limit_batch: u32,
}

pub struct Token {
    pub secret: String,
    pub limiter_key: String,
}

thread_local! {
    static CONFIG: OnceCell<Rc<Config>> = const { OnceCell::new() };
}

fn text(env: &Env, name: &str) -> String {
    env.text(name).unwrap_or_default()
}

/// A whole number in `range`, or the default when unset; a value outside it
/// is logged and the default used (a typo must not take the Worker down).
fn number(env: &Env, name: &str, default: u32, range: std::ops::RangeInclusive<u32>) -> u32 {
    let raw = text(env, name);
    if raw.trim().is_empty() {
        return default;
    }
    match raw.trim().parse::<u32>() {
        Ok(n) if range.contains(&n) => n,
        _ => {
            crate::runtime::console_error(&format!(
                "{name}={raw:?} is not a whole number from {} to {}: using {default}",
                range.start(),
                range.end()
            ));
            default
        }
    }
}

/// `D1_READ_REPLICATION`, in D1's own words for a database's mode: `auto`
/// (replicas) or `disabled`; unset is `disabled`, anything else is logged.
fn replication(raw: &str) -> bool {
    match raw.trim() {
        "auto" => true,
        "" | "disabled" => false,
        other => {
            crate::runtime::console_error(&format!(
                "D1_READ_REPLICATION={other:?} is neither \"auto\" nor \"disabled\": using \"disabled\""
            ));
            false
        }
    }
}

impl Config {
    pub fn get(env: &Env) -> Rc<Config> {
        CONFIG.with(|cell| cell.get_or_init(|| Rc::new(Config::read(env))).clone())
    }

    fn read(env: &Env) -> Config {
        Config {
            tokens: auth::parse_tokens(&text(env, "API_TOKENS"))
                .into_iter()
                .map(|secret| Token {
                    limiter_key: rate_limit::key_for(&secret),
                    secret,
                })
                .collect(),
            allowed_origins: cors::parse_origins(&text(env, "CORS_ALLOWED_ORIGINS")),
            actionstep_base: text(env, "ACTIONSTEP_API_BASE")
                .trim()
                .trim_end_matches('/')
                .to_owned(),
            fault_injection: text(env, "PHONERECORDS_FAULT_INJECTION").trim() == "1",
            d1_queries_per_request: number(env, "D1_QUERIES_PER_REQUEST", 50, 2..=100_000),
            export_chunk_rows: number(
                env,
                "EXPORT_CHUNK_ROWS",
                crate::export::CHUNK.rows,
                1..=crate::export::CHUNK.rows,
            ),
            export_max_rows: match number(env, "EXPORT_MAX_ROWS", 0, 0..=u32::MAX) {
                0 => None,
                n => Some(u64::from(n)),
            },
            read_replicas: replication(&text(env, "D1_READ_REPLICATION")),
            rate_limit_batch: number(env, "RATE_LIMIT_BATCH", rate_limit::DEFAULT_BATCH, 1..=1000),
        }
    }
}
