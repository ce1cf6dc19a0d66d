//! `/api/openapi.json` is valid JSON, served, and describes only routes that exist.

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
