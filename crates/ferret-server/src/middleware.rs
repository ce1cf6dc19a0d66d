//! What wraps every request: request id, client address, rate limits, timeout, panic catcher,
//! CORS, security headers, uniform JSON error bodies and a one-line access log.
//!
//! The access log records method, route path (never the query string, headers or body),
//! status, duration and request id: no tokens, cookies or uploaded content reach the logs.

use crate::auth::ClientInfo;
use crate::error::{ApiError, ErrorBody};
use crate::AppState;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::timeout::TimeoutLayer;

/// Wraps the routes with every cross-cutting layer.
pub fn wrap(router: Router, state: AppState) -> Router {
    let timeout = Duration::from_secs(state.config.request_timeout_secs);
    let origins: Vec<HeaderValue> = state
        .config
        .cors_origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    let origins_configured = !origins.is_empty();
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            HeaderName::from_static(crate::auth::CSRF_HEADER),
        ])
        .allow_credentials(true);
    // CORS stays closed (no CORS headers at all) unless origins are configured.
    let router = if origins_configured {
        router.layer(cors)
    } else {
        router
    };
    router
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .layer(CatchPanicLayer::custom(|_| {
            tracing::error!("request handler panicked");
            ApiError::internal().into_response()
        }))
        .layer(axum::middleware::from_fn_with_state(state, guard))
}

/// The client's address. Without `trust_proxy`, the TCP peer. With it, and only when the peer
/// is a trusted proxy, the right-most `X-Forwarded-For` address that is not a trusted proxy:
/// each proxy appends the address it saw, so entries left of the last untrusted one are
/// whatever the client chose to send and are never believed.
fn client_ip(request: &Request, config: &crate::config::ServerConfig) -> String {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let forwarded = request
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(",");
    resolve_client_ip(
        peer,
        config.trust_proxy.then_some(forwarded.as_str()),
        &config.trusted_proxies,
    )
}

/// [`client_ip`] on its parts: `forwarded` is the joined `X-Forwarded-For` (when proxies are
/// trusted at all), `trusted` the proxies' addresses or CIDR ranges.
pub fn resolve_client_ip(
    peer: Option<std::net::IpAddr>,
    forwarded: Option<&str>,
    trusted: &[String],
) -> String {
    let Some(peer) = peer else {
        return "unknown".to_string();
    };
    let Some(forwarded) = forwarded else {
        return peer.to_string();
    };
    let is_trusted = |ip: std::net::IpAddr| trusted.iter().any(|t| in_range(ip, t));
    if !is_trusted(peer) {
        return peer.to_string();
    }
    let mut client = peer;
    for hop in forwarded
        .rsplit(',')
        .map(str::trim)
        .filter(|h| !h.is_empty())
    {
        let Ok(ip) = hop.parse::<std::net::IpAddr>() else {
            break;
        };
        client = ip;
        if !is_trusted(ip) {
            break;
        }
    }
    client.to_string()
}

/// Whether `ip` is `range` (an address, or `address/prefix`).
fn in_range(ip: std::net::IpAddr, range: &str) -> bool {
    use std::net::IpAddr;
    let (base, prefix) = match range.split_once('/') {
        Some((base, prefix)) => (base, prefix.parse::<u32>().ok()),
        None => (range, None),
    };
    let Ok(base) = base.trim().parse::<IpAddr>() else {
        return false;
    };
    match (ip, base) {
        (IpAddr::V4(ip), IpAddr::V4(base)) => {
            let bits = prefix.unwrap_or(32).min(32);
            let mask = if bits == 0 {
                0
            } else {
                u32::MAX << (32 - bits)
            };
            u32::from(ip) & mask == u32::from(base) & mask
        }
        (IpAddr::V6(ip), IpAddr::V6(base)) => {
            let bits = prefix.unwrap_or(128).min(128);
            let mask = if bits == 0 {
                0
            } else {
                u128::MAX << (128 - bits)
            };
            u128::from(ip) & mask == u128::from(base) & mask
        }
        _ => false,
    }
}

async fn guard(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let request_id = crate::crypto::random_alnum(16);
    let ip = client_ip(&request, &state.config);
    let user_agent = request
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.chars().take(256).collect());
    let method = request.method().clone();
    let path = request.uri().path().chars().take(200).collect::<String>();

    let token_key = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(|v| crate::crypto::sha256_hex(v.as_bytes()));
    let limited = state.limits.per_ip.check(&ip).err().or_else(|| {
        token_key
            .as_deref()
            .and_then(|k| state.limits.per_token.check(k).err())
    });

    request.extensions_mut().insert(ClientInfo {
        ip,
        user_agent,
        request_id: request_id.clone(),
    });
    // A NUL byte in the path or query is never valid input (and PostgreSQL refuses it).
    let nul_in_url = request
        .uri()
        .to_string()
        .to_ascii_lowercase()
        .contains("%00");
    let mut response = match limited {
        Some(retry_after) => ApiError::too_many(retry_after).into_response(),
        None if nul_in_url => {
            ApiError::bad_request("the URL must not contain NUL characters").into_response()
        }
        None => next.run(request).await,
    };
    render_error(&mut response, &request_id).await;
    secure_headers(&mut response, &state, &request_id);
    let status = response.status().as_u16();
    let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    if status >= 500 {
        tracing::error!(%method, %path, status, elapsed_ms, request_id, "request");
    } else {
        tracing::info!(%method, %path, status, elapsed_ms, request_id, "request");
    }
    response
}

/// Gives every error response the same JSON body, with the request id and no internals.
async fn render_error(response: &mut Response, request_id: &str) {
    let status = response.status();
    if !status.is_client_error() && !status.is_server_error() {
        return;
    }
    // Dashboard pages render their own errors as HTML.
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_page {
        return;
    }
    let (code, message) = match response.extensions_mut().remove::<ErrorBody>() {
        Some(body) => (body.code, body.message),
        None if status.is_server_error() => ("internal", "internal error".to_string()),
        None => {
            // A framework rejection (bad JSON, unknown route, wrong method…): keep its short
            // explanation, which describes the request, not the server.
            let body = std::mem::replace(response.body_mut(), Body::empty());
            let bytes = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
            let text = String::from_utf8_lossy(&bytes);
            let text: String = text.chars().take(300).collect();
            let message = if text.trim().is_empty() {
                status.canonical_reason().unwrap_or("error").to_lowercase()
            } else {
                text.trim().to_string()
            };
            let code = match status {
                StatusCode::NOT_FOUND => "not_found",
                StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
                StatusCode::PAYLOAD_TOO_LARGE => "too_large",
                StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
                StatusCode::REQUEST_TIMEOUT => "timeout",
                StatusCode::UNPROCESSABLE_ENTITY => "invalid",
                _ => "bad_request",
            };
            (code, message)
        }
    };
    let body = crate::error::ErrorReply {
        error: crate::error::ErrorDetail {
            code: code.to_string(),
            message,
            request_id: request_id.to_string(),
        },
    };
    let body = serde_json::to_string(&body).expect("an error body serializes");
    *response.body_mut() = Body::from(body);
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response.headers_mut().remove(header::CONTENT_LENGTH);
}

fn secure_headers(response: &mut Response, state: &AppState, request_id: &str) {
    let headers = response.headers_mut();
    let set = |headers: &mut axum::http::HeaderMap, name: &'static str, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    // Dashboard pages set their own (scripts and styles from this server); everything else
    // may load nothing.
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        set(
            headers,
            "content-security-policy",
            "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        );
    }
    set(headers, "x-content-type-options", "nosniff");
    set(headers, "x-frame-options", "DENY");
    set(headers, "referrer-policy", "no-referrer");
    set(
        headers,
        "permissions-policy",
        "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    );
    set(headers, "cross-origin-opener-policy", "same-origin");
    set(headers, "cross-origin-resource-policy", "same-origin");
    if !headers.contains_key(header::CACHE_CONTROL) {
        set(headers, "cache-control", "no-store");
    }
    if state.config.tls {
        set(
            headers,
            "strict-transport-security",
            "max-age=63072000; includeSubDomains",
        );
    }
    if let Ok(value) = HeaderValue::from_str(request_id) {
        headers.insert("x-request-id", value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_is_the_right_most_untrusted_hop() {
        let trusted = vec!["127.0.0.0/8".to_string(), "10.0.0.0/8".to_string()];
        let local = Some("127.0.0.1".parse().unwrap());
        // A client-chosen first entry is ignored: the proxy appended the real address.
        assert_eq!(
            resolve_client_ip(local, Some("203.0.113.7, 198.51.100.4"), &trusted),
            "198.51.100.4"
        );
        assert_eq!(
            resolve_client_ip(local, Some("203.0.113.9, 127.0.0.1"), &trusted),
            "203.0.113.9"
        );
        assert_eq!(
            resolve_client_ip(local, Some("1.2.3.4, 198.51.100.4, 10.1.2.3"), &trusted),
            "198.51.100.4"
        );
        // A peer that is not a trusted proxy is the client, whatever it claims.
        let outsider = Some("198.51.100.77".parse().unwrap());
        assert_eq!(
            resolve_client_ip(outsider, Some("127.0.0.1"), &trusted),
            "198.51.100.77"
        );
        // Proxies not trusted at all: the peer.
        assert_eq!(resolve_client_ip(local, None, &trusted), "127.0.0.1");
        // Garbage stops the walk at the last good hop.
        assert_eq!(
            resolve_client_ip(local, Some("nonsense, 203.0.113.5"), &trusted),
            "203.0.113.5"
        );
        assert!(in_range("::1".parse().unwrap(), "::1"));
        assert!(!in_range("::2".parse().unwrap(), "::1"));
    }
}
