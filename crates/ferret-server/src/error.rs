//! API errors: a status, a stable machine code and a one-line message safe to show.
//!
//! Handlers return [`ApiError`]; the response middleware ([`crate::middleware`]) renders every
//! error — ours and the framework's own rejections — as
//! `{"error": {"code": "…", "message": "…", "request_id": "…"}}`. Internal causes (SQL, file
//! paths, panics) are logged with the request id and never sent to the client.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub retry_after: Option<u64>,
}

/// The JSON body of every error response (the schema the API description names `ErrorReply`).
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorReply {
    #[schema(inline)]
    pub error: ErrorDetail,
}

/// What went wrong, in words safe to show, and the id to quote when reporting it.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorDetail {
    /// A stable machine code: `bad_request`, `invalid`, `unauthorized`, `forbidden`,
    /// `not_found`, `conflict`, `rate_limited`, `too_large`, …
    pub code: String,
    pub message: String,
    pub request_id: String,
}

/// The error body, carried as a response extension until the middleware renders it.
#[derive(Clone, Debug)]
pub struct ErrorBody {
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }
    pub fn invalid(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message)
    }
    pub fn unauthorized() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "authentication required",
        )
    }
    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", message)
    }
    /// Also used for resources of workspaces the caller is not in: their existence is secret.
    pub fn not_found() -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", "not found")
    }
    pub fn conflict(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::CONFLICT, "conflict", message)
    }
    pub fn too_many(retry_after: u64) -> ApiError {
        ApiError {
            retry_after: Some(retry_after.max(1)),
            ..ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "too many requests; retry later",
            )
        }
    }
    pub fn internal() -> ApiError {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "internal error",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = self.status.into_response();
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert("retry-after", HeaderValue::from(secs));
        }
        response.extensions_mut().insert(ErrorBody {
            code: self.code,
            message: self.message,
        });
        response
    }
}

/// Store errors become HTTP statuses here, and only here.
impl From<ferret_store::StoreError> for ApiError {
    fn from(error: ferret_store::StoreError) -> ApiError {
        use ferret_store::StoreError;
        match error {
            StoreError::NotFound(message) => {
                ApiError::new(StatusCode::NOT_FOUND, "not_found", &message)
            }
            StoreError::Conflict(message) => {
                ApiError::new(StatusCode::CONFLICT, "conflict", &message)
            }
            StoreError::Invalid(message) => ApiError::bad_request(&message),
            StoreError::File(message) | StoreError::Connect(message) => {
                tracing::error!(%message, "store file error");
                ApiError::internal()
            }
            StoreError::Database(error) => {
                tracing::error!(%error, "database error");
                ApiError::internal()
            }
        }
    }
}

/// Why the server cannot start, or a setting is unusable: one line for the operator.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// A setting is missing, malformed or out of range.
    #[error("{0}")]
    Config(String),
    #[error(transparent)]
    Store(#[from] ferret_store::StoreError),
    /// Listening, serving or the data directory failed.
    #[error("{0}")]
    Io(String),
}

/// `Err(ServerError::Config(..))` unless `condition` holds.
macro_rules! ensure_config {
    ($condition:expr, $($message:tt)+) => {
        if !$condition {
            return Err($crate::error::ServerError::Config(format!($($message)+)));
        }
    };
}
pub(crate) use ensure_config;

pub type ApiResult<T> = Result<T, ApiError>;
