//! Every answer the API tests receive is checked against the server's own
//! `/openapi.json`: the operation (method + path template, with or without
//! the `/api/rest` prefix) must document the status; a body must be of a
//! documented media type; a JSON body must match the documented schema
//! (`$ref`s resolved inside the document, OpenAPI 3.0's `nullable` read as
//! `null` allowed); a documented response header that is sent must match its
//! schema. Answers of paths or methods the document has not (404, 405, the
//! UI's files) are checked against the error envelope when they are JSON
//! errors. A drift between the service and the document fails the test that
//! saw it, naming the operation and the status.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use serde_json::{Value, json};

/// Where the document is served from, and the prefix the service also answers under.
const DOCUMENT_PATH: &str = "/openapi.json";
const ACTIONSTEP_PREFIX: &str = "/api/rest";

struct Contract {
    /// The document with OpenAPI's `nullable` rewritten into JSON Schema.
    doc: Value,
    /// Compiled validators, by JSON pointer of the schema in `doc`.
    validators: Mutex<HashMap<String, std::sync::Arc<jsonschema::Validator>>>,
}

static CONTRACT: OnceLock<Contract> = OnceLock::new();

fn contract(base: &str) -> &'static Contract {
    CONTRACT.get_or_init(|| {
        let text = ureq::get(&format!("{base}{DOCUMENT_PATH}"))
            .call()
            .unwrap_or_else(|e| panic!("GET {DOCUMENT_PATH}: {e}"))
            .into_string()
            .expect("the document is text");
        let mut doc: Value = serde_json::from_str(&text).expect("the document is JSON");
        json_schema_of(&mut doc);
        Contract {
            doc,
            validators: Mutex::new(HashMap::new()),
        }
    })
}

/// OpenAPI 3.0's `nullable: true` is JSON Schema's `null` among the types;
/// `example` and `format`s OpenAPI names are left alone (formats are not asserted).
fn json_schema_of(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if map.remove("nullable") == Some(Value::Bool(true)) {
                if let Some(Value::String(t)) = map.get("type").cloned() {
                    map.insert("type".into(), json!([t, "null"]));
                }
                if let Some(Value::Array(values)) = map.get_mut("enum") {
                    values.push(Value::Null);
                }
            }
            for (_, child) in map.iter_mut() {
                json_schema_of(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(json_schema_of),
        _ => {}
    }
}

impl Contract {
    /// `{"$ref": …}` objects are followed (to components).
    fn resolve<'a>(&'a self, mut v: &'a Value) -> &'a Value {
        while let Some(r) = v.get("$ref").and_then(Value::as_str) {
            v = self
                .doc
                .pointer(r.trim_start_matches('#'))
                .unwrap_or_else(|| panic!("the document's {r} leads nowhere"));
        }
        v
    }

    /// The problems of `instance` against the schema at `pointer` (none: empty).
    fn problems(&self, pointer: &str, instance: &Value) -> Vec<String> {
        let validator = {
            let mut cache = self.validators.lock().unwrap_or_else(|e| e.into_inner());
            cache
                .entry(pointer.to_owned())
                .or_insert_with(|| {
                    // The schema is reached through the whole document, so its
                    // `#/components/...` references resolve as written.
                    let mut root = self.doc.clone();
                    root.as_object_mut().unwrap().insert(
                        "allOf".into(),
                        json!([{ "$ref": format!("#{}", uri_fragment(pointer)) }]),
                    );
                    std::sync::Arc::new(jsonschema::draft4::new(&root).unwrap_or_else(|e| {
                        panic!("the document's schema at {pointer} does not compile: {e}")
                    }))
                })
                .clone()
        };
        validator
            .iter_errors(instance)
            .take(10)
            .map(|e| format!("{} (at {})", e, e.instance_path()))
            .collect()
    }

    /// The path template (`/phonerecords/{id}`) that a concrete path is an instance of.
    fn template(&self, path: &str) -> Option<String> {
        let segments: Vec<&str> = path.split('/').collect();
        let paths = self.doc["paths"].as_object()?;
        paths
            .keys()
            .find(|t| {
                let ts: Vec<&str> = t.split('/').collect();
                ts.len() == segments.len()
                    && ts.iter().zip(&segments).all(|(t, s)| {
                        (t.starts_with('{') && t.ends_with('}') && !s.is_empty()) || t == s
                    })
            })
            .cloned()
    }
}

/// A JSON pointer as a URI fragment: `{`, `}` (path templates) percent-encoded.
fn uri_fragment(pointer: &str) -> String {
    pointer
        .replace('%', "%25")
        .replace('{', "%7B")
        .replace('}', "%7D")
}

/// Checks one answer; panics with what differs from the document.
pub fn check(
    base: &str,
    method: &str,
    target: &str,
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
) {
    let c = contract(base);
    let path = target.split(['?', '#']).next().unwrap_or_default();
    let path = match path.strip_prefix(ACTIONSTEP_PREFIX) {
        Some(rest) if rest.starts_with('/') => rest,
        _ => path,
    };
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let media_type = header("content-type").map(|ct| {
        ct.split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
    });
    let what = format!("{method} {target} answered {status}");
    let fail = |problem: String| -> ! {
        panic!(
            "the answer differs from /openapi.json: {what}: {problem}\nbody: {}",
            String::from_utf8_lossy(&body[..body.len().min(2000)])
        )
    };
    let json_body = || -> Value {
        serde_json::from_slice(body).unwrap_or_else(|e| fail(format!("the body is not JSON ({e})")))
    };
    let is_json = |mt: &str| mt == "application/json" || mt.ends_with("+json");

    let operation = c.template(path).and_then(|t| {
        let m = method.to_ascii_lowercase();
        c.doc["paths"][&t].get(&m).map(|op| (t, m, op))
    });
    let Some((template, m, op)) = operation else {
        // A path or method the document has not: the UI's files, preflights,
        // 404 and 405. Its JSON errors are still the one error envelope.
        if status >= 400 && media_type.as_deref().is_some_and(is_json) {
            let pointer = if status == 405 {
                if header("allow").is_none() {
                    fail("a 405 without Allow".into());
                }
                "/components/responses/MethodNotAllowed/content/application~1json/schema"
            } else {
                "/components/schemas/Errors"
            };
            let problems = c.problems(pointer, &json_body());
            if !problems.is_empty() {
                fail(format!("not the error envelope: {}", problems.join("; ")));
            }
        }
        return;
    };
    let op_name = op["operationId"].as_str().unwrap_or(&template).to_owned();
    let what = format!(
        "{what} (operation {op_name}, {} {template})",
        m.to_uppercase()
    );
    let fail = |problem: String| -> ! {
        panic!(
            "the answer differs from /openapi.json: {what}: {problem}\nbody: {}",
            String::from_utf8_lossy(&body[..body.len().min(2000)])
        )
    };
    let responses = &op["responses"];
    let key = status.to_string();
    let class = format!("{}XX", status / 100);
    let response_key = [key.as_str(), class.as_str(), "default"]
        .into_iter()
        .find(|k| responses.get(*k).is_some())
        .unwrap_or_else(|| {
            let documented: Vec<&String> = responses.as_object().unwrap().keys().collect();
            fail(format!(
                "status {status} is not documented (documented: {documented:?})"
            ))
        });
    // The pointer of the response object, following a $ref to components.
    let mut response_pointer = format!(
        "/paths/{}/{m}/responses/{response_key}",
        template.replace('~', "~0").replace('/', "~1")
    );
    while let Some(r) = c
        .doc
        .pointer(&response_pointer)
        .and_then(|v| v["$ref"].as_str())
    {
        response_pointer = r.trim_start_matches('#').to_owned();
    }
    let response = c.doc.pointer(&response_pointer).unwrap();

    // Documented headers, when sent, hold what their schema says.
    if let Some(documented) = response.get("headers").and_then(Value::as_object) {
        for (name, h) in documented {
            let Some(value) = header(name) else { continue };
            let h = c.resolve(h);
            let schema = c.resolve(&h["schema"]);
            let instance = match schema["type"].as_str() {
                Some("integer") => match value.trim().parse::<i64>() {
                    Ok(n) => json!(n),
                    Err(_) => fail(format!("header {name}: {value:?} is not an integer")),
                },
                Some("number") => match value.trim().parse::<f64>() {
                    Ok(n) => json!(n),
                    Err(_) => fail(format!("header {name}: {value:?} is not a number")),
                },
                _ => Value::String(value.to_owned()),
            };
            // Header schemas are small and hold no $ref: compiled on their own.
            let v = jsonschema::draft4::new(schema)
                .unwrap_or_else(|e| fail(format!("header {name}'s schema does not compile: {e}")));
            let problems: Vec<String> = v.iter_errors(&instance).map(|e| e.to_string()).collect();
            if !problems.is_empty() {
                fail(format!("header {name}: {value:?}: {}", problems.join("; ")));
            }
        }
    }

    let content = response.get("content").and_then(Value::as_object);
    if body.is_empty() {
        return;
    }
    let Some(content) = content else {
        fail("a body where the document says there is none".into());
    };
    let Some(mt) = media_type else {
        fail("a body without Content-Type".into());
    };
    let Some(media) = content.get(&mt) else {
        let documented: Vec<&String> = content.keys().collect();
        fail(format!(
            "media type {mt} is not documented (documented: {documented:?})"
        ));
    };
    if !is_json(&mt) || media.get("schema").is_none() {
        return;
    }
    let schema_pointer = format!(
        "{response_pointer}/content/{}/schema",
        mt.replace('~', "~0").replace('/', "~1")
    );
    let problems = c.problems(&schema_pointer, &json_body());
    if !problems.is_empty() {
        fail(format!(
            "the body does not match the {mt} schema: {}",
            problems.join("; ")
        ));
    }
}

/// Whether a drifted answer would be caught (the checker's own test).
pub fn problems_of(base: &str, pointer: &str, instance: &Value) -> Vec<String> {
    contract(base).problems(pointer, instance)
}
