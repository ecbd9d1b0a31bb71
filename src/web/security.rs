//! Headers on every response and the cross-origin check on every state change.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;
use crate::state::AppState;

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Refuses state changes that a browser says come from another site. Browsers send
/// `Sec-Fetch-Site` and `Origin` on such requests; a form token checks the rest.
/// The Origin must be this site's own: same scheme, host and port. The scheme is HTTPS
/// when the site is served so (`DANVAN_SECURE_COOKIES`, or a trusted proxy's
/// `X-Forwarded-Proto`), plain HTTP otherwise.
pub async fn reject_cross_origin(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe {
        let h = req.headers();
        let fetch_site = h.get("sec-fetch-site").and_then(|v| v.to_str().ok());
        if matches!(fetch_site, Some(s) if s != "same-origin" && s != "none") {
            return AppError::Forbidden.into_response();
        }
        if let Some(origin) = h.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
            let host = h
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let peer = req
                .extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip());
            let https = st.config.secure_cookies
                || peer.is_some_and(|p| st.config.trusted_proxies.forwarded_https(p, h));
            let scheme = if https { "https" } else { "http" };
            if !origin.eq_ignore_ascii_case(&format!("{scheme}://{host}")) {
                return AppError::Forbidden.into_response();
            }
        }
    }
    next.run(req).await
}

/// A body larger than this is not even drained: the connection is simply closed.
const DRAIN_CAP: u64 = 64 * 1024 * 1024;

/// Refuses a body over the route's limit before any handler runs. The body is read and
/// thrown away first, so that a client still sending it can read the 413 instead of
/// failing on a closed socket; the connection is then closed (see [`headers`]).
pub async fn refuse_oversized(req: Request, next: Next) -> Response {
    let limit = if req.uri().path() == "/imports" {
        crate::imports::pages::UPLOAD_LIMIT
    } else if req.uri().path() == "/campaigns" {
        crate::campaigns::pages::UPLOAD_LIMIT
    } else if crate::petitions::pages::takes_upload(req.uri().path()) {
        crate::petitions::pages::UPLOAD_LIMIT
    } else {
        super::extract::BODY_LIMIT
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if let Some(n) = declared.filter(|n| *n > limit as u64) {
        if n <= DRAIN_CAP {
            use futures_util::StreamExt;
            let mut body = req.into_body().into_data_stream();
            while let Some(Ok(_)) = body.next().await {}
        }
        return AppError::TooLarge(limit / 1024).into_response();
    }
    next.run(req).await
}

pub async fn headers(req: Request, next: Next) -> Response {
    let is_static = req.uri().path().starts_with("/static/");
    let has_body = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .is_some_and(|v| v.as_bytes() != b"0")
        || req.headers().contains_key(header::TRANSFER_ENCODING);
    let mut res = next.run(req).await;
    // An early refusal may leave the request body unread, and then the connection cannot
    // carry another request: say so, so that clients do not reuse it and lose their next
    // request.
    if has_body && (res.status().is_client_error() || res.status().is_server_error()) {
        res.headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    let h = res.headers_mut();
    h.insert("content-security-policy", HeaderValue::from_static(CSP));
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(self)"),
    );
    if is_static {
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=86400"),
        );
    } else {
        // Pages and API answers may hold personal data: never cache them.
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}
