//! Responses: JSON bodies, `{"error": "..."}` for every refusal, and the note each request
//! leaves for its log line.

use axum::http::header::{CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::store::StoreError;

/// `Retry-After` (seconds) sent with a 503 when the store is busy.
const BUSY_RETRY_AFTER_SECONDS: &str = "2";

/// Extra words for the request's log line (what was stored, or why it was refused).
#[derive(Clone)]
pub struct LogNote(pub String);

/// A refused request: `{"error": message}` with its status.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
        }
    }
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }
}

pub fn json_response<T: Serialize>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_string(value) {
        Ok(text) => (status, [(CONTENT_TYPE, "application/json")], text).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        #[derive(Serialize)]
        struct Body<'a> {
            error: &'a str,
        }
        let mut response = json_response(
            self.status,
            &Body {
                error: &self.message,
            },
        );
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            response.headers_mut().insert(
                RETRY_AFTER,
                HeaderValue::from_static(BUSY_RETRY_AFTER_SECONDS),
            );
        }
        response.extensions_mut().insert(LogNote(self.message));
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        match e {
            StoreError::Busy => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "storage is busy, retry later",
            ),
            StoreError::Failed(message) => {
                eprintln!("tapedeck-collector: storage error: {message}");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "storage error (see the collector's log)",
                )
            }
        }
    }
}

/// Run blocking work (decoding, parsing, SQLite) on the blocking pool.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work).await.unwrap_or_else(|e| {
        eprintln!("tapedeck-collector: request task failed: {e}");
        Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal error (see the collector's log)",
        ))
    })
}
