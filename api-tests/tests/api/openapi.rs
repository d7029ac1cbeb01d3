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

/// The check every answer goes through (common/contract.rs) catches drift:
/// a real answer passes, a drifted copy of it fails, with the reason.
#[test]
fn the_answer_check_notices_a_drift() {
    let record = create(&contract_example());
    let r = get(&format!("/phonerecords/{}", record.id));
    let body = r.json();
    let schema = "/paths/~1phonerecords~1{id}/get/responses/200/content/application~1json/schema";
    let problems = |v: &serde_json::Value| contract::problems_of(&base_url(), schema, v);
    assert_eq!(problems(&body), Vec::<String>::new());
    let several = get(&format!("/phonerecords/{},{}", record.id, record.id)).json();
    assert_eq!(problems(&several), Vec::<String>::new(), "{several}");

    for (pointer, drift) in [
        ("/id", serde_json::json!("1")),
        ("/direction", serde_json::json!("sideways")),
        ("/links/action", serde_json::json!(0)),
        ("/notes", serde_json::json!(null)),
    ] {
        let mut drifted = body.clone();
        *drifted.pointer_mut(pointer).unwrap() = drift;
        assert!(
            !problems(&drifted).is_empty(),
            "{pointer} drifted unnoticed"
        );
    }
    // The error envelope, bounded.
    let errors = "/components/schemas/Errors";
    let item = serde_json::json!({"status": "422", "code": "x", "title": "t", "detail": "d"});
    let ok = serde_json::json!({"errors": vec![item.clone(); 21]});
    assert!(contract::problems_of(&base_url(), errors, &ok).is_empty());
    let too_many = serde_json::json!({"errors": vec![item; 22]});
    assert!(!contract::problems_of(&base_url(), errors, &too_many).is_empty());
    assert!(
        !contract::problems_of(&base_url(), errors, &serde_json::json!({"errors": []})).is_empty()
    );
}
