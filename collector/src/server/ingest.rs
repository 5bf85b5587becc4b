//! `POST /ingest`: origin check, encoding, size limits while the body streams in, then decoding,
//! validation and storing on the blocking pool. Nothing is stored unless every check passed.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::header::{CONNECTION, CONTENT_ENCODING, CONTENT_LENGTH, ORIGIN};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use http_body_util::{BodyExt, LengthLimitError, Limited};

use super::response::{blocking, json_response, ApiError, LogNote};
use super::App;
use crate::decode::{self, DecodeError, Encoding};
use crate::envelope;
use crate::store::Inserted;

pub async fn ingest(
    State(app): State<Arc<App>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Response {
    match ingest_batch(&app, query.as_deref(), &headers, body).await {
        Ok(inserted) => {
            let mut response = json_response(StatusCode::OK, &inserted);
            response.extensions_mut().insert(LogNote(format!(
                "stored {}, duplicates {}",
                inserted.stored, inserted.duplicates
            )));
            response
        }
        Err(e) => {
            // A refusal may come before the body is read (origin, query, declared length);
            // the server then closes the connection. Saying so keeps a client from sending its
            // next request on it (a pooled connection closing under a request: a flaky
            // "peer disconnected" in the http tests after a 403).
            let mut response = e.into_response();
            response
                .headers_mut()
                .insert(CONNECTION, HeaderValue::from_static("close"));
            response
        }
    }
}

async fn ingest_batch(
    app: &Arc<App>,
    query: Option<&str>,
    headers: &HeaderMap,
    body: Body,
) -> Result<Inserted, ApiError> {
    check_origin(app, headers)?;
    let encoding = request_encoding(query, headers)?;
    // A gzip body is limited as sent; a plain one is the envelope itself.
    let (limit, what, flag) = match encoding {
        Encoding::Gzip => (app.max_body_bytes, "gzip body", "--max-body-bytes"),
        Encoding::Identity => (
            app.max_decompressed_bytes,
            "body",
            "--max-decompressed-bytes",
        ),
    };
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("{what} is larger than {limit} bytes ({flag})"),
        )
    };
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    let bytes = match Limited::new(body, limit).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => return Err(too_large()),
        Err(e) => {
            return Err(ApiError::bad_request(format!(
                "could not read the request body: {e}"
            )))
        }
    };
    let max_decompressed = app.max_decompressed_bytes;
    let store = Arc::clone(&app.store);
    blocking(move || {
        let json =
            decode::decode(Vec::from(bytes), encoding, max_decompressed).map_err(|e| match e {
                DecodeError::TooLarge { limit } => ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    format!(
                        "decompressed body is larger than {limit} bytes (--max-decompressed-bytes)"
                    ),
                ),
                DecodeError::BadGzip(reason) => {
                    ApiError::bad_request(format!("body is not valid gzip: {reason}"))
                }
            })?;
        let batch = envelope::parse(&json).map_err(|e| ApiError::bad_request(e.0))?;
        Ok(store.insert(&batch)?)
    })
    .await
}

/// With an allow-list, a browser request from another origin is refused before it is read
/// (CORS alone would only hide the response: a simple request or a beacon still arrives).
fn check_origin(app: &App, headers: &HeaderMap) -> Result<(), ApiError> {
    let (Some(list), Some(origin)) = (&app.allow_origins, headers.get(ORIGIN)) else {
        return Ok(());
    };
    if list.contains(origin) {
        return Ok(());
    }
    Err(ApiError::new(
        StatusCode::FORBIDDEN,
        format!(
            "origin `{}` may not send recordings here (see --allow-origin)",
            origin.to_str().unwrap_or("?")
        ),
    ))
}

/// `encoding=gzip|none` in the query, or `Content-Encoding: gzip`; `v`, when given, must be 1,
/// 2 or 3 (the envelope's own `v` decides how its events are read).
fn request_encoding(query: Option<&str>, headers: &HeaderMap) -> Result<Encoding, ApiError> {
    let mut encoding = Encoding::Identity;
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "v" if !matches!(value, "1" | "2" | "3") => {
                return Err(ApiError::bad_request(format!(
                    "query parameter `v` must be 1, 2 or 3 (the protocol versions this collector speaks), got `{value}`"
                )))
            }
            "encoding" => {
                encoding = match value {
                    "gzip" => Encoding::Gzip,
                    "none" => Encoding::Identity,
                    _ => {
                        return Err(ApiError::bad_request(format!(
                            "query parameter `encoding` must be `gzip` or `none`, got `{value}`"
                        )))
                    }
                }
            }
            _ => {}
        }
    }
    if let Some(value) = headers.get(CONTENT_ENCODING) {
        let value = value.to_str().unwrap_or("").trim().to_ascii_lowercase();
        match value.as_str() {
            "gzip" | "x-gzip" => encoding = Encoding::Gzip,
            "identity" | "" => {}
            _ => {
                return Err(ApiError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    format!(
                        "Content-Encoding `{value}` is not supported (send gzip or plain JSON)"
                    ),
                ))
            }
        }
    }
    Ok(encoding)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| (k.parse().unwrap(), HeaderValue::from_static(v)))
            .collect()
    }

    #[test]
    fn encoding_from_query_or_header() {
        let none = HeaderMap::new();
        assert_eq!(request_encoding(None, &none).unwrap(), Encoding::Identity);
        assert_eq!(
            request_encoding(Some("v=1&encoding=gzip"), &none).unwrap(),
            Encoding::Gzip
        );
        assert_eq!(
            request_encoding(Some("v=1&encoding=none"), &none).unwrap(),
            Encoding::Identity
        );
        assert_eq!(
            request_encoding(Some("v=1"), &headers(&[("content-encoding", "GZIP")])).unwrap(),
            Encoding::Gzip
        );
        assert_eq!(
            request_encoding(Some("x=2&&v=1"), &none).unwrap(),
            Encoding::Identity
        );
        assert_eq!(
            request_encoding(Some("v=2&encoding=gzip"), &none).unwrap(),
            Encoding::Gzip
        );
    }

    #[test]
    fn bad_query_or_encoding_is_named() {
        let none = HeaderMap::new();
        assert_eq!(
            request_encoding(Some("v=4"), &none).unwrap_err().message,
            "query parameter `v` must be 1, 2 or 3 (the protocol versions this collector speaks), got `4`"
        );
        assert_eq!(
            request_encoding(Some("encoding=br"), &none)
                .unwrap_err()
                .message,
            "query parameter `encoding` must be `gzip` or `none`, got `br`"
        );
        let e = request_encoding(None, &headers(&[("content-encoding", "br")])).unwrap_err();
        assert_eq!(e.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    }
}
