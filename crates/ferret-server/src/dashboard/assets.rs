//! The dashboard's stylesheet and script, built into the binary and served under names that
//! carry a hash of their content (`app.3f9a….css`), so browsers may cache them for a year and
//! a new release is fetched at once. Nothing is loaded from anywhere else.

use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

struct Asset {
    name: String,
    content_type: &'static str,
    body: &'static str,
}

fn asset(stem: &str, extension: &str, content_type: &'static str, body: &'static str) -> Asset {
    let digest = Sha256::digest(body.as_bytes());
    Asset {
        name: format!("{stem}.{}.{extension}", &hex::encode(digest)[..16]),
        content_type,
        body,
    }
}

static ASSETS: LazyLock<[Asset; 2]> = LazyLock::new(|| {
    [
        asset(
            "app",
            "css",
            "text/css; charset=utf-8",
            include_str!("../../assets/app.css"),
        ),
        asset(
            "app",
            "js",
            "text/javascript; charset=utf-8",
            include_str!("../../assets/app.js"),
        ),
    ]
});

/// The stylesheet's URL.
pub fn css_url() -> String {
    format!("/assets/{}", ASSETS[0].name)
}

/// The script's URL.
pub fn js_url() -> String {
    format!("/assets/{}", ASSETS[1].name)
}

/// `GET /assets/{name}`: only the current hashed names exist.
pub async fn serve(Path(name): Path<String>) -> Response {
    let Some(asset) = ASSETS.iter().find(|a| a.name == name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut response = asset.body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    response
}
