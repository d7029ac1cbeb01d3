//! Rate limiting: a token that sends too much is answered 429 with
//! Retry-After and the error envelope, while other tokens are still served;
//! an address that sends too many wrong tokens is answered 429 instead of
//! 401, while the right token is still served from it. Runs against its own
//! server (PHONERECORDS_RATE_LIMIT_URL), whose wrangler.toml copy lowers the
//! limits to 20 requests per 10 seconds per token and 10 wrong tokens per
//! 60 seconds per address.
use crate::common::*;

const LIMIT: usize = 20;
const REFUSED_LIMIT: usize = 10;

fn rate_limit_url() -> String {
    std::env::var("PHONERECORDS_RATE_LIMIT_URL")
        .expect("PHONERECORDS_RATE_LIMIT_URL (set by scripts/test)")
}

fn other_token() -> String {
    std::env::var("PHONERECORDS_API_TOKEN_2").expect("PHONERECORDS_API_TOKEN_2")
}

#[test]
fn a_flooding_token_gets_429_and_others_do_not() {
    let base = rate_limit_url();
    let other = other_token();
    let flood = |token: &str| {
        request("GET", "/phonerecords/not-an-id")
            .to(&base)
            .token(token)
            .send()
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
    request("GET", "/phonerecords").to(&base).send().errors(401);
}

#[test]
fn guessing_tokens_gets_429_and_the_right_token_is_still_served() {
    let base = rate_limit_url();
    let guess = |i: usize| {
        let wrong = format!("guess-{i}-{}", token());
        request("GET", "/phonerecords")
            .to(&base)
            .token(&wrong)
            .send()
    };
    let mut limited = None;
    for i in 0..REFUSED_LIMIT * 3 {
        let r = guess(i);
        if r.status == 429 {
            limited = Some((i, r));
            break;
        }
        assert_eq!(r.errors(401)[0].1, "unauthorized");
    }
    let (refused, r) = limited.expect("no 429 after three times the limit of wrong tokens");
    assert!(
        refused >= REFUSED_LIMIT / 2,
        "limited after only {refused} wrong tokens"
    );
    let errors = r.errors(429);
    assert_eq!(errors[0].1, "rate_limited");
    assert!(r.text().contains("wrong API token"), "{}", r.text());
    assert_eq!(r.header("retry-after"), Some("60"));
    // A malformed Authorization header is a guess too.
    let r = request("GET", "/phonerecords")
        .to(&base)
        .header("Authorization", "Basic x")
        .send();
    assert_eq!(r.status, 429, "{}", r.text());
    // The right token is still served from the same address, and a request
    // without any token (no guess) is still told to send one.
    let r = request("GET", "/phonerecords")
        .to(&base)
        .token(&other_token())
        .send();
    assert_eq!(r.status, 200, "{}", r.text());
    request("GET", "/phonerecords").to(&base).send().errors(401);
}
