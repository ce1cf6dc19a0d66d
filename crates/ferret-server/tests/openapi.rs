//! `/api/openapi.json` is generated from the handlers, served, describes only routes that
//! exist, and nothing is routed around it.

mod common;

use axum::http::StatusCode;
use common::{Auth, TestServer};
use std::collections::HashSet;

#[tokio::test]
async fn every_documented_operation_exists() {
    let s = TestServer::sqlite_with(common::test_config()).await;
    let (status, spec, _) = s.call("GET", "/api/openapi.json", &Auth::None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(spec["openapi"], "3.1.0");
    assert_eq!(
        spec,
        ferret_server::openapi::document(),
        "served = generated"
    );
    let paths = spec["paths"].as_object().unwrap();
    let mut operations = 0;
    for (path, item) in paths {
        for (method, _) in item.as_object().unwrap() {
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
    assert!(operations >= 39, "{operations}");
}

/// The reverse direction holds by construction: the router is built only from
/// `utoipa_axum::routes!`, which registers a handler at the path and method of its own
/// `#[utoipa::path]` description. This test keeps it that way: no source file of the server
/// adds a route any other way (`.route(`, `.nest(`, `.route_service(`, `.fallback(`).
#[test]
fn nothing_is_routed_around_the_description() {
    let sources = [
        ("lib.rs", include_str!("../src/lib.rs")),
        ("middleware.rs", include_str!("../src/middleware.rs")),
        ("openapi.rs", include_str!("../src/openapi.rs")),
        ("routes/mod.rs", include_str!("../src/routes/mod.rs")),
    ];
    for (file, source) in sources {
        for call in [
            ".route(",
            ".nest(",
            ".route_service(",
            ".fallback(",
            ".merge(",
        ] {
            assert!(!source.contains(call), "{file} routes with {call}");
        }
    }
    let routes = include_str!("../src/routes/mod.rs");
    assert!(routes.matches(".routes(routes!(").count() >= 29);
}

/// Every operation has a unique id, a tag, a summary, a success answer and the error
/// answers that the layers in front of every handler can give.
#[test]
fn every_operation_is_described_completely() {
    let spec = ferret_server::openapi::document();
    let mut ids = HashSet::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let name = format!("{} {path}", method.to_uppercase());
            let id = operation["operationId"].as_str().expect("operationId");
            assert!(
                ids.insert(id.to_string()),
                "{name}: operationId {id} repeats"
            );
            assert!(operation["tags"][0].is_string(), "{name}: no tag");
            assert!(
                operation["summary"].as_str().is_some_and(|s| s.len() > 10),
                "{name}: no summary (the handler's doc comment)"
            );
            let responses = operation["responses"].as_object().unwrap();
            assert!(
                responses.keys().any(|status| status.starts_with('2')),
                "{name}: no success answer"
            );
            assert!(responses.contains_key("429"), "{name}: no 429");
            let public = operation.get("security").is_some();
            if !public {
                for status in ["401", "403", "404"] {
                    assert!(responses.contains_key(status), "{name}: no {status}");
                }
            }
            if operation.get("requestBody").is_some() {
                for status in ["413", "415", "422"] {
                    assert!(responses.contains_key(status), "{name}: no {status}");
                }
            }
        }
    }
    let public: Vec<&str> = [
        "/api/health",
        "/api/openapi.json",
        "/api/auth/signup",
        "/api/auth/login",
    ]
    .into_iter()
    .filter(|path| {
        spec["paths"][*path]
            .as_object()
            .unwrap()
            .values()
            .all(|operation| operation.get("security").is_some())
    })
    .collect();
    assert_eq!(public.len(), 4, "the public operations say so");
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
        "role": "owner", "created_at": "2026-12-01T00:00:00Z", "check_policy": "high",
        "retention_days": 0}]});
    common::openapi_check::check("GET", "/api/workspaces", 200, &body);
}
