//! Middleware: static-file guard and headers, and the request log.

use std::time::Instant;

use axum::extract::Request;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::response::{ApiError, LogNote};

/// Hidden files and folders (`.git`, the default data directory `.tapedeck-data`) are not served;
/// the others get the types `mime_guess` lacks or gets wrong for this repository's files, and no
/// caching: the demo serves files that `make build` rewrites.
pub async fn static_files(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_ascii_lowercase();
    if path
        .split('/')
        .any(|segment| segment.starts_with('.') || segment.starts_with("%2e"))
    {
        return ApiError::new(StatusCode::NOT_FOUND, "hidden files are not served").into_response();
    }
    let mut response = next.run(request).await;
    let status_ok = response.status().is_success();
    let extension = match path.rsplit_once('.') {
        _ if path.ends_with('/') => Some("html"), // a directory's index.html
        Some((_, ext)) => Some(ext),
        None => None,
    };
    let mime = match extension {
        Some("js" | "mjs" | "cjs") => Some("text/javascript; charset=utf-8"),
        Some("map" | "json") => Some("application/json"),
        Some("html") => Some("text/html; charset=utf-8"),
        Some("css") => Some("text/css; charset=utf-8"),
        _ => None,
    };
    let headers = response.headers_mut();
    if let (Some(mime), true) = (mime, status_ok) {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(mime));
    }
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// `POST /ingest 200 3ms stored 12, duplicates 0` on stderr: every API request and every failed
/// one; successful static files stay quiet.
pub async fn log_request(request: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let response = next.run(request).await;
    let status = response.status();
    let api = path == "/ingest" || path.starts_with("/api/");
    if api || status.is_client_error() || status.is_server_error() {
        let ms = start.elapsed().as_millis();
        match response.extensions().get::<LogNote>() {
            Some(LogNote(note)) => eprintln!("{method} {path} {} {ms}ms {note}", status.as_u16()),
            None => eprintln!("{method} {path} {} {ms}ms", status.as_u16()),
        }
    }
    response
}
