//! `Idempotency-Key` on API creates: a phone that retries after a dropped connection gets
//! the first answer again instead of creating the record twice.

use axum::body::{to_bytes, Body};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::app::AppState;
use crate::auth::Session;
use crate::clock;

const MAX_KEY: usize = 100;
const MAX_STORED_BODY: usize = 256 * 1024;

pub async fn replay_or_record(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let key = req
        .headers()
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let applies = req.method() == Method::POST && req.uri().path().starts_with("/api/");
    let Some(key) = key.filter(|k| applies && !k.is_empty() && k.len() <= MAX_KEY) else {
        return next.run(req).await;
    };
    let (mut parts, body) = req.into_parts();
    let Ok(session) = Session::from_request_parts(&mut parts, &st).await else {
        return next.run(Request::from_parts(parts, body)).await;
    };
    let user = session.scope.user_id.clone();
    if let Ok(mut tx) = st.db.begin_read().await {
        let found = tx
            .fetch_optional(
                "SELECT status, body FROM idempotency_keys WHERE user_id = ? AND key = ?",
                &[user.clone().into(), key.clone().into()],
            )
            .await;
        let _ = tx.commit().await;
        if let Ok(Some(row)) = found {
            let status = row
                .i64("status")
                .ok()
                .and_then(|s| StatusCode::from_u16(s as u16).ok())
                .unwrap_or(StatusCode::OK);
            let body = row.str("body").unwrap_or_default();
            let mut res = (status, body).into_response();
            res.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            res.headers_mut()
                .insert("idempotent-replay", HeaderValue::from_static("true"));
            return res;
        }
    }
    let res = next.run(Request::from_parts(parts, body)).await;
    if !res.status().is_success() {
        return res;
    }
    let (parts, body) = res.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_STORED_BODY).await else {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            "response too large to record",
        )
            .into_response();
    };
    if let Ok(mut tx) = st.db.begin().await {
        // A concurrent retry may have stored it first; the primary key keeps one.
        let stored = tx
            .execute(
                "INSERT INTO idempotency_keys (key, user_id, status, body, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, key) DO NOTHING",
                &[
                    key.into(),
                    user.into(),
                    i64::from(parts.status.as_u16()).into(),
                    String::from_utf8_lossy(&bytes).into_owned().into(),
                    clock::now().into(),
                ],
            )
            .await;
        if stored.is_ok() {
            let _ = tx.commit().await;
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}
