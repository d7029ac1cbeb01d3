//! The API tests: one binary, a module per concern, all over HTTP against
//! real `wrangler dev` servers that scripts/test starts (their addresses and
//! tokens come in the environment; `common` reads them and holds the request
//! builder). `rows_read` is `#[ignore]`d here: scripts/test runs it on its own
//! server of 100 000 seeded records.
//!   cargo test -p phonerecords-api-tests --test api -- --test-threads=1 [module::]

mod actionstep;
mod auth;
mod batch;
mod common;
mod concurrency;
mod conditional;
mod cors;
mod cost;
mod crud;
mod default_config;
mod errors;
mod export;
mod faults;
mod hostile_input;
mod idempotency;
mod openapi;
mod paging;
mod query;
mod rate_limit;
mod rows_read;
mod security_headers;
mod summary;
mod ui_files;
mod validation;
