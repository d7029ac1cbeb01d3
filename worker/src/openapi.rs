//! `GET /openapi.json`: this API's OpenAPI document (docs/openapi.json), the
//! contract extended with what the service really does. No token needed.
//! The document is one of the Worker's files (scripts/build-ui copies it into
//! dist/, worker/ui.js serves it), so its 35 KB are not carried in the
//! Worker's WebAssembly; the Worker answers it with the API's headers.

use js_sys::Uint8Array;

use crate::error::ApiError;
use crate::http::{PLAIN_CONTENT_TYPE, Reply};
use crate::runtime::Fetcher;

pub const PATH: &str = "/openapi.json";

pub async fn serve(req: &web_sys::Request, files: &Fetcher) -> Result<Reply, ApiError> {
    let reply = match req.method().as_str() {
        "GET" | "HEAD" => {
            let asset = crate::file(files, req).await?;
            if asset.status() != 200 {
                return Err(ApiError::Internal(format!(
                    "the OpenAPI document is missing from the Worker's files ({})",
                    asset.status()
                )));
            }
            let bytes =
                Uint8Array::new(&crate::driver::wait(asset.array_buffer()?).await?).to_vec();
            let mut reply = Reply::bytes(bytes, PLAIN_CONTENT_TYPE, 200);
            reply.set("Cache-Control", "public, max-age=300");
            reply
        }
        _ => ApiError::MethodNotAllowed("GET, HEAD").into_response(),
    };
    Ok(reply.with_security_headers())
}

#[cfg(test)]
mod tests {
    //! The document holds the contract (docs/contract/, a copy of the
    //! published YAML): every path, method, parameter, schema and field is
    //! still there with the same type, format, enum and $ref. Descriptions and
    //! examples may say more; `required` lists may only grow on responses
    //! (request bodies must require exactly what the contract does).
    use serde_json::Value;

    const DOCUMENT: &str = include_str!("../../docs/openapi.json");

    const CONTRACT: &str = include_str!("../../docs/contract/phonerecords.openapi.yaml");

    /// Keys whose values may be reworded or extended.
    const FREE: [&str; 2] = ["description", "example"];

    fn contains(doc: &Value, contract: &Value, at: &str, problems: &mut Vec<String>) {
        // A schema the document widens to `anyOf` (a batch's array besides
        // the record, Actionstep's wrapping besides the body) holds the
        // contract's when its first branch does: everything the contract
        // describes is still described, with the same names and types.
        if let (Some(branches), Some(_)) = (
            doc.get("anyOf").and_then(Value::as_array),
            contract.get("$ref"),
        ) {
            if doc.get("$ref").is_none() {
                if let Some(first) = branches.first() {
                    return contains(first, contract, &format!("{at}/anyOf[0]"), problems);
                }
            }
        }
        match (doc, contract) {
            (Value::Object(d), Value::Object(c)) => {
                for (k, cv) in c {
                    if FREE.contains(&k.as_str()) {
                        continue;
                    }
                    let here = format!("{at}/{k}");
                    match d.get(k) {
                        None => problems.push(format!("{here}: missing")),
                        Some(dv) if k == "required" => required(dv, cv, &here, problems),
                        Some(dv) if k == "parameters" => parameters(dv, cv, &here, problems),
                        Some(dv) => contains(dv, cv, &here, problems),
                    }
                }
            }
            (Value::Array(d), Value::Array(c)) if d.len() == c.len() => {
                for (i, (dv, cv)) in d.iter().zip(c).enumerate() {
                    contains(dv, cv, &format!("{at}[{i}]"), problems);
                }
            }
            (d, c) if d == c => {}
            (d, c) => problems.push(format!("{at}: contract says {c}, document says {d}")),
        }
    }

    /// Request-body schemas require exactly what the contract does; others at least that.
    fn required(doc: &Value, contract: &Value, at: &str, problems: &mut Vec<String>) {
        let set = |v: &Value| -> Vec<String> {
            let mut s: Vec<String> = v
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect();
            s.sort();
            s
        };
        let (d, c) = (set(doc), set(contract));
        let request = at.contains("/CreatePhoneRecord") || at.contains("/UpdatePhoneRecord");
        let ok = if request {
            d == c
        } else {
            c.iter().all(|x| d.contains(x))
        };
        if !ok {
            problems.push(format!("{at}: contract requires {c:?}, document {d:?}"));
        }
    }

    /// Parameters are matched by name and place; the document may add more.
    fn parameters(doc: &Value, contract: &Value, at: &str, problems: &mut Vec<String>) {
        for c in contract.as_array().into_iter().flatten() {
            let found = doc
                .as_array()
                .into_iter()
                .flatten()
                .find(|d| d.get("name") == c.get("name") && d.get("in") == c.get("in"));
            match found {
                Some(d) => contains(d, c, &format!("{at}/{}", c["name"]), problems),
                None => problems.push(format!("{at}: parameter {} missing", c["name"])),
            }
        }
    }

    fn documents() -> (Value, Value) {
        let doc: Value = serde_json::from_str(DOCUMENT).expect("docs/openapi.json is JSON");
        let contract: Value = serde_yaml::from_str(CONTRACT).expect("the contract is YAML");
        (doc, contract)
    }

    #[test]
    fn document_holds_the_contract() {
        let (doc, contract) = documents();
        let mut problems = Vec::new();
        contains(&doc, &contract, "", &mut problems);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn the_check_notices_a_drift() {
        let (doc, contract) = documents();
        for (pointer, change) in [
            (
                "/components/schemas/PhoneRecord/properties/direction/enum",
                serde_json::json!(["in"]),
            ),
            (
                "/components/schemas/CreatePhoneRecord/required",
                serde_json::json!(["direction"]),
            ),
            (
                "/components/schemas/PhoneRecordLinks/properties/action/type",
                serde_json::json!("string"),
            ),
        ] {
            let mut drifted = doc.clone();
            *drifted.pointer_mut(pointer).unwrap() = change;
            let mut problems = Vec::new();
            contains(&drifted, &contract, "", &mut problems);
            assert!(!problems.is_empty(), "{pointer} drifted unnoticed");
        }
        let mut missing = doc.clone();
        missing["paths"]["/phonerecords/{id}"]
            .as_object_mut()
            .unwrap()
            .remove("put");
        let mut problems = Vec::new();
        contains(&missing, &contract, "", &mut problems);
        assert!(!problems.is_empty());
        // An anyOf whose first branch is not the contract's schema is a drift.
        let mut swapped = doc.clone();
        let body =
            "/components/requestBodies/CreatePhoneRecord/content/application~1json/schema/anyOf";
        swapped
            .pointer_mut(body)
            .unwrap()
            .as_array_mut()
            .unwrap()
            .swap(0, 1);
        let mut problems = Vec::new();
        contains(&swapped, &contract, "", &mut problems);
        assert!(!problems.is_empty(), "a swapped anyOf went unnoticed");
    }

    #[test]
    fn request_bodies_are_closed() {
        let (doc, _) = documents();
        for name in [
            "CreatePhoneRecord",
            "UpdatePhoneRecord",
            "CreatePhoneRecordLinks",
            "UpdatePhoneRecordLinks",
        ] {
            assert_eq!(
                doc["components"]["schemas"][name]["additionalProperties"],
                Value::Bool(false),
                "{name}"
            );
        }
    }

    #[test]
    fn documented_limits_are_the_services() {
        use phonerecords_shared::fields::{Field, FieldKind, MAX_ACTUAL_HOURS, MAX_ID};
        use phonerecords_shared::paging::MAX_PAGE_SIZE;
        let (doc, _) = documents();
        let props = &doc["components"]["schemas"]["CreatePhoneRecord"]["properties"];
        for f in Field::ALL {
            if let FieldKind::Text(rule) = f.kind() {
                assert_eq!(props[f.name()]["maxLength"], rule.max_chars, "{}", f.name());
            }
        }
        assert_eq!(
            props["actualHours"]["maximum"].as_f64(),
            Some(MAX_ACTUAL_HOURS)
        );
        assert_eq!(
            doc["components"]["schemas"]["CreatePhoneRecordLinks"]["properties"]["action"]["maximum"],
            MAX_ID
        );
        assert_eq!(
            doc["components"]["parameters"]["pageSize"]["schema"]["maximum"],
            MAX_PAGE_SIZE
        );
        use crate::error::{MAX_DETAIL_CHARS, MAX_ERROR_ITEMS, MAX_PATH_CHARS};
        let errors = &doc["components"]["schemas"];
        assert_eq!(
            errors["Errors"]["properties"]["errors"]["maxItems"],
            MAX_ERROR_ITEMS + 1
        );
        assert_eq!(
            errors["ErrorItem"]["properties"]["path"]["maxLength"],
            MAX_PATH_CHARS
        );
        assert_eq!(
            errors["ErrorItem"]["properties"]["detail"]["maxLength"],
            MAX_DETAIL_CHARS
        );
        let q = doc["components"]["parameters"]["q"]["schema"]["pattern"]
            .as_str()
            .unwrap();
        let max = phonerecords_shared::query::MAX_SEARCH_CHARS;
        assert!(q.contains(&format!("]{{0,{max}}}")), "{q}");
    }
}
