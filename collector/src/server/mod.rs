//! The HTTP surface: `POST /ingest` (PROTOCOL.md), the session API for the viewer, optional
//! static files, CORS, and one log line per API request.

mod ingest;
mod layers;
mod response;

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::header::{ALLOW, CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tower_http::cors::{AllowHeaders, AllowOrigin, Any, CorsLayer};
use tower_http::services::ServeDir;

use crate::cli::Config;
use crate::store::Store;
use ingest::ingest;
use layers::{log_request, static_files};
use response::{blocking, json_response, ApiError};

/// How long a browser may cache a preflight answer (Chromium caps it at 2 hours).
const PREFLIGHT_MAX_AGE: Duration = Duration::from_secs(2 * 60 * 60);

struct App {
    store: Arc<dyn Store>,
    max_body_bytes: usize,
    max_decompressed_bytes: usize,
    /// `None`: any origin.
    allow_origins: Option<Vec<HeaderValue>>,
}

/// The whole service: routes, CORS, static files (when `config.static_dir` is set), logging.
pub fn router(config: &Config, store: Arc<dyn Store>) -> Result<Router, String> {
    let allow_origins = if config.allow_origins.is_empty() {
        None
    } else {
        let values = config
            .allow_origins
            .iter()
            .map(|o| {
                HeaderValue::from_str(o)
                    .map_err(|_| format!("--allow-origin: `{o}` is not a valid header value"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Some(values)
    };
    let cors = CorsLayer::new()
        .allow_methods([Method::GET, Method::HEAD, Method::POST])
        // Sites may configure extra headers (e.g. Authorization, which `*` would not cover).
        .allow_headers(AllowHeaders::mirror_request())
        // The SDK reads Retry-After on 429/503; a cross-origin fetch sees only exposed headers.
        .expose_headers([RETRY_AFTER])
        .max_age(PREFLIGHT_MAX_AGE);
    let cors = match &allow_origins {
        None => cors.allow_origin(Any),
        Some(list) => cors.allow_origin(AllowOrigin::list(list.clone())),
    };
    let app = Arc::new(App {
        store,
        max_body_bytes: config.max_body_bytes,
        max_decompressed_bytes: config.max_decompressed_bytes,
        allow_origins,
    });

    let mut router = Router::new()
        .route("/ingest", post(ingest).fallback(method_not_allowed_post))
        .route(
            "/api/sessions",
            get(sessions).fallback(method_not_allowed_get),
        )
        .route(
            "/api/sessions/{id}/events",
            get(events).fallback(method_not_allowed_get),
        )
        .with_state(app);
    router = match &config.static_dir {
        Some(dir) => router.fallback_service(
            Router::new()
                .fallback_service(ServeDir::new(dir))
                .layer(middleware::from_fn(static_files)),
        ),
        None => router.fallback(not_found),
    };
    let router = router.layer(cors);
    Ok(if config.log_requests {
        router.layer(middleware::from_fn(log_request))
    } else {
        router
    })
}

async fn not_found(method: Method, uri: axum::http::Uri) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        format!("no route for {method} {}", uri.path()),
    )
}

fn method_not_allowed(method: &Method, allow: &'static str) -> Response {
    let mut response = ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("method {method} is not allowed here (use {allow})"),
    )
    .into_response();
    response
        .headers_mut()
        .insert(ALLOW, HeaderValue::from_static(allow));
    response
}

async fn method_not_allowed_post(method: Method) -> Response {
    method_not_allowed(&method, "POST")
}

async fn method_not_allowed_get(method: Method) -> Response {
    method_not_allowed(&method, "GET, HEAD")
}

// ---- the session API ----

async fn sessions(State(app): State<Arc<App>>) -> Response {
    let store = Arc::clone(&app.store);
    match blocking(move || Ok(store.sessions()?)).await {
        Ok(list) => json_response(StatusCode::OK, &list),
        Err(e) => e.into_response(),
    }
}

async fn events(State(app): State<Arc<App>>, Path(id): Path<String>) -> Response {
    let store = Arc::clone(&app.store);
    let lookup = id.clone();
    match blocking(move || Ok(store.events_json(&lookup)?)).await {
        Ok(Some(json)) => ([(CONTENT_TYPE, "application/json")], json).into_response(),
        Ok(None) => {
            ApiError::new(StatusCode::NOT_FOUND, format!("no session `{id}`")).into_response()
        }
        Err(e) => e.into_response(),
    }
}
