//! Bearer-token authentication.

use crate::common::*;

#[test]
fn no_token_is_401_with_a_bearer_challenge() {
    let r = request("GET", "/phonerecords").send();
    assert!(r.header("www-authenticate").unwrap().starts_with("Bearer"));
    assert_eq!(r.errors(401)[0].1, "unauthorized");
}

#[test]
fn wrong_or_malformed_tokens_are_401() {
    let good = token();
    let prefix = &good[..good.len() - 1];
    let longer = format!("{good}x");
    for t in ["wrong", prefix, longer.as_str()] {
        let r = request("GET", "/phonerecords").token(t).send();
        assert!(r.header("www-authenticate").is_some());
        r.errors(401);
    }
    let basic = format!("Basic {good}");
    for header in [basic.as_str(), "Bearer", good.as_str()] {
        request("GET", "/phonerecords")
            .header("Authorization", header)
            .send()
            .errors(401);
    }
}

#[test]
fn every_configured_token_is_accepted() {
    let second = std::env::var("PHONERECORDS_API_TOKEN_2")
        .expect("PHONERECORDS_API_TOKEN_2, set by scripts/test");
    assert_eq!(
        request("GET", "/phonerecords").token(&second).send().status,
        200
    );
    let lower = format!("bearer {}", token());
    assert_eq!(
        request("GET", "/phonerecords")
            .header("Authorization", &lower)
            .send()
            .status,
        200,
        "the scheme is case-insensitive"
    );
}

#[test]
fn unauthenticated_requests_learn_nothing_and_change_nothing() {
    let before = record_count();
    let body = serde_json::to_vec(&minimal()).unwrap();
    request("POST", "/phonerecords")
        .header("Content-Type", "application/json")
        .body(&body)
        .send()
        .errors(401);
    request("DELETE", "/phonerecords/1")
        .token("nope")
        .send()
        .errors(401);
    request("PATCH", "/phonerecords/1").send().errors(401);
    request("GET", "/phonerecords/abc").send().errors(401);
    assert_eq!(record_count(), before);
}

#[test]
fn a_server_without_tokens_refuses_everyone() {
    let url = std::env::var("PHONERECORDS_NO_TOKENS_URL")
        .expect("PHONERECORDS_NO_TOKENS_URL, set by scripts/test");
    let r = request("GET", "/phonerecords")
        .to(&url)
        .token(&token())
        .send();
    r.errors(401);
    assert!(
        r.text().contains("no API tokens configured"),
        "{}",
        r.text()
    );
}

#[test]
fn the_ui_is_public() {
    let r = request("GET", "/").send();
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    assert!(r.text().contains("Phone Records"));
}
