//! `/api/openapi.json` is valid JSON, served, describes only routes that exist, and describes
//! every route the router declares.

mod common;

use axum::http::StatusCode;
use common::{Auth, TestServer};

#[tokio::test]
async fn every_documented_operation_exists() {
    let s = TestServer::sqlite_with(common::test_config()).await;
    let (status, spec, _) = s.call("GET", "/api/openapi.json", &Auth::None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(spec["openapi"], "3.0.3");
    let paths = spec["paths"].as_object().unwrap();
    let mut operations = 0;
    for (path, item) in paths {
        for (method, _) in item
            .as_object()
            .unwrap()
            .iter()
            .filter(|(k, _)| *k != "parameters")
        {
            let concrete = path
                .replace("{workspace}", "ws_x")
                .replace("{user}", "u")
                .replace("{invitation}", "i")
                .replace("{integration}", "i")
                .replace("{token}", "t")
                .replace("{repository}", "r")
                .replace("{finding}", "f");
            let (status, body, _) = s
                .call(&method.to_uppercase(), &concrete, &Auth::None, None)
                .await;
            // Unknown routes answer 404/405 before authentication; documented ones never do.
            assert!(
                status != StatusCode::NOT_FOUND && status != StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path} is documented but not routed: {status} {body}"
            );
            operations += 1;
        }
    }
    assert!(operations >= 35, "{operations}");
}

/// The reverse: every route the router declares (read from `src/routes/mod.rs`) is described in
/// the OpenAPI document, with each of its methods. A route added without its description fails
/// here.
#[test]
fn every_route_is_documented() {
    let source = include_str!("../src/routes/mod.rs");
    let spec: serde_json::Value = serde_json::from_str(ferret_server::routes::OPENAPI).unwrap();
    let body = &source[source.find("pub fn router").expect("router fn")..];
    let body = &body[..body.find(".with_state(state)").expect("end of router")];
    let ws = "/api/workspaces/{workspace}";
    let mut checked = 0;
    for segment in body.split(".route(").skip(1) {
        let segment = segment.trim_start();
        let path = if let Some(rest) = segment.strip_prefix("ws,") {
            let _ = rest;
            ws.to_string()
        } else {
            let start = segment.find('"').expect("a path literal") + 1;
            let end = start + segment[start..].find('"').expect("closing quote");
            segment[start..end]
                .replace("{ws}", ws)
                .replace("{{", "{")
                .replace("}}", "}")
        };
        let methods: Vec<&str> = ["get", "post", "put", "patch", "delete"]
            .into_iter()
            .filter(|m| {
                segment.match_indices(&format!("{m}(")).any(|(at, _)| {
                    at == 0
                        || !segment.as_bytes()[at - 1].is_ascii_alphanumeric()
                            && segment.as_bytes()[at - 1] != b'_'
                })
            })
            .collect();
        assert!(!methods.is_empty(), "no method found for {path}");
        let item = spec["paths"]
            .get(&path)
            .unwrap_or_else(|| panic!("{path} is routed but not in the OpenAPI document"));
        for method in methods {
            assert!(
                item.get(method).is_some(),
                "{} {path} is routed but not documented",
                method.to_uppercase()
            );
            checked += 1;
        }
    }
    assert!(
        checked >= 35,
        "only {checked} operations found in the router"
    );
}

/// The response check every test request goes through (see `common::openapi_check`) rejects
/// an undocumented status …
#[test]
#[should_panic(expected = "status 418 is not documented")]
fn the_response_check_rejects_an_undocumented_status() {
    common::openapi_check::check(
        "GET",
        "/api/workspaces/ws_x/findings?page=2",
        418,
        &serde_json::json!({}),
    );
}

/// … a body missing a documented field …
#[test]
#[should_panic(expected = "body.still_open is required but missing")]
fn the_response_check_rejects_a_missing_field() {
    let body = serde_json::json!({"scan_id": "s", "repository_id": "r", "branch": "main",
        "findings": 1, "new": 1, "fixed": 0});
    common::openapi_check::check("POST", "/api/scans", 201, &body);
}

/// … and a field of the wrong type or one the schema does not have.
#[test]
#[should_panic(expected = "body.items[0].personal should be boolean")]
fn the_response_check_rejects_a_wrong_type() {
    let body = serde_json::json!({"items": [{"id": "ws_1", "name": "Team", "personal": "no",
        "role": "owner", "created_at": "2026-12-01T00:00:00Z"}]});
    common::openapi_check::check("GET", "/api/workspaces", 200, &body);
}
