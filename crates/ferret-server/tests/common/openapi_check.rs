//! Checks every response the test suite receives against the OpenAPI description the server
//! publishes (`GET /api/openapi.json`): the operation must document the status, and a JSON body
//! must match the documented schema (types, required and — where the schema closes the object —
//! allowed properties, enums, nullability, items, `$ref`s, `allOf`/`oneOf`/`anyOf`). A mismatch
//! fails the test that made the request, naming the operation and the first wrong field.

use serde_json::Value;
use std::sync::LazyLock;

static SPEC: LazyLock<Value> = LazyLock::new(ferret_server::openapi::document);

/// Panics unless the response (`status`, `body`; `Null` when empty) to `method path` is
/// documented.
pub fn check(method: &str, path: &str, status: u16, body: &Value) {
    let path = path.split('?').next().unwrap_or(path);
    let Some((template, item)) = path_item(path) else {
        // No such route: the router's own 404.
        assert!(
            status == 404,
            "{method} {path}: {status} from a path the OpenAPI description does not list"
        );
        return;
    };
    let Some(operation) = item.get(method.to_ascii_lowercase()) else {
        assert!(
            status == 405 || status == 404,
            "{method} {template}: {status} from a method the OpenAPI description does not list"
        );
        return;
    };
    let responses = &operation["responses"];
    let Some(response) = responses
        .get(status.to_string())
        .or_else(|| responses.get("default"))
    else {
        panic!("{method} {template}: status {status} is not documented (body: {body})");
    };
    let response = resolve(response);
    let Some(schema) = response
        .get("content")
        .and_then(|c| c.get("application/json"))
        .and_then(|c| c.get("schema"))
    else {
        return; // no JSON body documented (e.g. 204)
    };
    if let Err(problem) = conforms(body, schema, "body") {
        panic!("{method} {template} → {status}: {problem}\nbody: {body}");
    }
}

/// The path template matching `path` (the one with most literal segments) and its item.
fn path_item(path: &str) -> Option<(&'static str, &'static Value)> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let mut best: Option<(usize, &'static str, &'static Value)> = None;
    for (template, item) in SPEC["paths"].as_object()? {
        let parts: Vec<&str> = template.split('/').collect();
        if parts.len() != segments.len() {
            continue;
        }
        let mut literal = 0;
        let fits = parts.iter().zip(&segments).all(|(part, segment)| {
            if part.starts_with('{') && part.ends_with('}') {
                !segment.is_empty()
            } else {
                literal += 1;
                part == segment
            }
        });
        if fits && best.is_none_or(|(l, _, _)| literal > l) {
            best = Some((literal, template.as_str(), item));
        }
    }
    best.map(|(_, template, item)| (template, item))
}

/// Follows `$ref`s within the document.
fn resolve(value: &'static Value) -> &'static Value {
    let mut value = value;
    while let Some(reference) = value.get("$ref").and_then(Value::as_str) {
        let pointer = reference.trim_start_matches('#');
        value = SPEC
            .pointer(pointer)
            .unwrap_or_else(|| panic!("unresolvable $ref {reference}"));
    }
    value
}

fn conforms(value: &Value, schema: &'static Value, at: &str) -> Result<(), String> {
    let schema = resolve(schema);
    if value.is_null() && schema.get("nullable").and_then(Value::as_bool) == Some(true) {
        return Ok(());
    }
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        for part in all {
            conforms(value, part, at)?;
        }
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(options) = schema.get(key).and_then(Value::as_array) {
            let problems: Vec<String> = options
                .iter()
                .filter_map(|option| conforms(value, option, at).err())
                .collect();
            if problems.len() == options.len() {
                return Err(format!(
                    "{at} matches none of {key}: {}",
                    problems.join("; ")
                ));
            }
        }
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
        if !allowed.contains(value) {
            return Err(format!(
                "{at} = {value} is not one of {}",
                Value::from(allowed.clone())
            ));
        }
    }
    // OpenAPI 3.1: `type` is one name or a list of them (`["string", "null"]`).
    let kinds: Vec<&str> = match schema.get("type") {
        Some(Value::String(kind)) => vec![kind.as_str()],
        Some(Value::Array(kinds)) => kinds.iter().filter_map(Value::as_str).collect(),
        _ => return Ok(()),
    };
    let fits = kinds.iter().any(|kind| match *kind {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        _ => true,
    });
    if !fits {
        return Err(format!("{at} should be {}, is {value}", kinds.join(" or ")));
    }
    if let Some(object) = value.as_object() {
        let properties = schema.get("properties").and_then(Value::as_object);
        for required in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if !object.contains_key(required) {
                return Err(format!("{at}.{required} is required but missing"));
            }
        }
        let closed = schema.get("additionalProperties") == Some(&Value::Bool(false));
        for (key, field) in object {
            match properties.and_then(|p| p.get(key)) {
                Some(property) => conforms(field, property, &format!("{at}.{key}"))?,
                None if closed => return Err(format!("{at}.{key} is not a documented property")),
                None => {
                    if let Some(extra) =
                        schema.get("additionalProperties").filter(|a| a.is_object())
                    {
                        conforms(field, extra, &format!("{at}.{key}"))?;
                    }
                }
            }
        }
    }
    if let (Some(items), Some(array)) = (schema.get("items"), value.as_array()) {
        for (i, item) in array.iter().enumerate() {
            conforms(item, items, &format!("{at}[{i}]"))?;
        }
    }
    Ok(())
}
