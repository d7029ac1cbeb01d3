//! Per-token rate limiting: a token that sends too much is answered 429 with
//! Retry-After and the error envelope, while other tokens are still served.
//! Runs against its own server (PHONERECORDS_RATE_LIMIT_URL), whose
//! wrangler.toml copy lowers the limit to 20 requests per 10 seconds.
mod common;

use common::*;

const LIMIT: usize = 20;

#[test]
fn a_flooding_token_gets_429_and_others_do_not() {
    let base = std::env::var("PHONERECORDS_RATE_LIMIT_URL")
        .expect("PHONERECORDS_RATE_LIMIT_URL (set by scripts/test)");
    let other = std::env::var("PHONERECORDS_API_TOKEN_2").expect("PHONERECORDS_API_TOKEN_2");
    let flood = |token: &str| {
        send_to(
            &base,
            "GET",
            "/phonerecords/not-an-id",
            Some(token),
            &[],
            None,
        )
    };
    let mut limited = None;
    for i in 0..LIMIT * 3 {
        let r = flood(&token());
        if r.status == 429 {
            limited = Some((i, r));
            break;
        }
        r.errors(400);
    }
    let (served, r) = limited.expect("no 429 after three times the limit");
    // A window may begin mid-flood, so at least half the limit was served.
    assert!(served >= LIMIT / 2, "limited after only {served} requests");
    assert_eq!(r.errors(429)[0].1, "rate_limited");
    let retry: u32 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    // Another token is served; the flooding one still is not.
    flood(&other).errors(400);
    assert_eq!(flood(&token()).status, 429);
    // No token is not a way around it: still 401, not served.
    send_to(&base, "GET", "/phonerecords", None, &[], None).errors(401);
}
