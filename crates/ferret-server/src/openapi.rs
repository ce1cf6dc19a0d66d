//! The OpenAPI 3.1 description of the API, generated from the code.
//!
//! The operations come from the handlers' `#[utoipa::path]` attributes and the schemas from the
//! request and response types (`#[derive(ToSchema)]`), collected by the route list
//! ([`crate::routes::api`]). This module adds what every operation shares, written once here
//! instead of forty times: the two ways to authenticate, and the error answers the layers in
//! front of every handler can give (rate limit, authentication, malformed or oversized
//! requests), all with the one error body ([`ErrorReply`]).

use crate::error::ErrorReply;
use axum::http::header;
use axum::response::IntoResponse;
use serde_json::{json, Map, Value};
use std::sync::LazyLock;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Ferret server API",
        description = "Accounts, workspaces, API tokens, uploaded findings and the audit log. \
            Browsers authenticate with the session cookie plus the X-CSRF-Token header on state \
            changes; scripts with `Authorization: Bearer ferret_pat_…`."
    ),
    servers((url = "/")),
    security(("bearer" = []), ("session" = [])),
    components(schemas(ErrorReply))
)]
struct ApiDoc;

/// The document's fixed part: info, servers, default security and the error schema.
pub fn base() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// The complete description: every routed operation, with the shared conventions applied.
pub fn document() -> Value {
    let (_, openapi) = crate::routes::api(1).split_for_parts();
    let mut document = serde_json::to_value(openapi).expect("the OpenAPI document serializes");
    apply_conventions(&mut document);
    document
}

/// [`document`] as served, built once.
static DOCUMENT_JSON: LazyLock<String> = LazyLock::new(|| document().to_string());

/// This description.
#[utoipa::path(get, path = "/api/openapi.json", tag = "server", security(()),
    responses((status = 200, description = "This OpenAPI document", body = Object)))]
pub async fn serve() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        DOCUMENT_JSON.as_str(),
    )
}

const ERROR_REF: &str = "#/components/responses/Error";

/// Security schemes, unique operation ids, and the answers every operation may give before its
/// handler runs, by what the operation takes.
fn apply_conventions(document: &mut Value) {
    let components = document["components"]
        .as_object_mut()
        .expect("components are declared");
    components.insert(
        "securitySchemes".into(),
        json!({
            "bearer": {"type": "http", "scheme": "bearer",
                "description": "An API token (ferret_pat_…), bound to one workspace and its scopes"},
            "session": {"type": "apiKey", "in": "cookie", "name": crate::auth::SESSION_COOKIE,
                "description": "A browser session; state changes also need the X-CSRF-Token header"}
        }),
    );
    components.insert(
        "responses".into(),
        json!({"Error": {"description": "An error, with a stable code and a request id",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorReply"}}}}}),
    );
    let paths = document["paths"].as_object_mut().expect("paths");
    for item in paths.values_mut() {
        for operation in item
            .as_object_mut()
            .into_iter()
            .flat_map(|m| m.values_mut())
        {
            let Some(operation) = operation.as_object_mut() else {
                continue;
            };
            // Handler names repeat across modules (`list`, `remove`); the tag makes them unique.
            if let (Some(Value::String(id)), Some(tag)) = (
                operation.get("operationId"),
                operation["tags"].get(0).and_then(Value::as_str),
            ) {
                let id = format!("{tag}_{id}");
                operation.insert("operationId".into(), Value::String(id));
            }
            let mut statuses = vec!["429"]; // the rate limiter
            let authenticated = !operation.contains_key("security");
            if authenticated {
                statuses.extend(["400", "401", "403", "404", "422"]);
            }
            if operation.contains_key("parameters") {
                statuses.extend(["400", "422"]);
            }
            if operation.contains_key("requestBody") {
                statuses.extend(["400", "413", "415", "422"]);
            }
            let responses = operation
                .entry("responses")
                .or_insert_with(|| Value::Object(Map::new()))
                .as_object_mut()
                .expect("responses is an object");
            for status in statuses {
                responses
                    .entry(status)
                    .or_insert_with(|| json!({"$ref": ERROR_REF}));
            }
        }
    }
}
