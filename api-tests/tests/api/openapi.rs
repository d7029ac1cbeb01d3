//! GET /openapi.json: the published document, without a token.
use crate::common::*;

#[test]
fn the_document_is_public_json() {
    let r = request("GET", "/openapi.json").send();
    assert_eq!(r.status, 200);
    assert!(
        r.header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
    let doc = r.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert!(doc["paths"]["/phonerecords/{id}"]["put"].is_object());
    assert_eq!(
        doc["components"]["securitySchemes"]["bearerAuth"]["scheme"],
        "bearer"
    );
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    let r = request("POST", "/openapi.json").body(b"{}").send();
    assert_eq!(r.header("allow"), Some("GET, HEAD"));
    r.errors(405);
}
