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
        }
    }
}
