//! `Idempotency-Key` on API POSTs: a phone that retries after a dropped connection gets
//! the first answer again instead of doing the action twice.
//!
//! The key is bound to the user, the route and a hash of the body: the same key on
//! another route or with another body is refused (422), never replayed. The saved answer
//! commits in the same transaction as the action itself, and the key is claimed before
//! the action runs, so two concurrent retries cannot both act (on PostgreSQL the second
//! waits on the first's row, then replays it).

use axum::body::{to_bytes, Body};
use axum::extract::{MatchedPath, Request};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::future::BoxFuture;
use serde::Serialize;

use crate::auth::Session;
use crate::clock;
use crate::db::{Db, WriteTx};
use crate::error::{AppError, AppResult};

const MAX_KEY: usize = 100;

/// The key a request carries, with what it is bound to.
#[derive(Debug, Clone)]
pub struct IdempotencyKey {
    key: String,
    route: String,
    body_hash: String,
}

/// Reads the `Idempotency-Key` of an API POST and binds it to the route and the body.
pub async fn bind_key(req: Request, next: Next) -> Response {
    let applies = req.method() == Method::POST && req.uri().path().starts_with("/api/");
    let key = req
        .headers()
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .map(str::to_owned);
    let Some(key) = key.filter(|_| applies) else {
        return next.run(req).await;
    };
    if key.is_empty() || key.len() > MAX_KEY {
        return AppError::BadRequest(format!("Idempotency-Key phải có từ 1 đến {MAX_KEY} ký tự"))
            .into_response();
    }
    let route = match req.extensions().get::<MatchedPath>() {
        Some(m) => format!("POST {}", m.as_str()),
        None => format!("POST {}", req.uri().path()),
    };
    let (mut parts, body) = req.into_parts();
    let bytes = match to_bytes(body, super::extract::BODY_LIMIT).await {
        Ok(b) => b,
        Err(_) => return AppError::TooLarge(super::extract::BODY_LIMIT / 1024).into_response(),
    };
    // The path itself (with its ids) is part of what the key stands for.
    let body_hash = crate::auth::password::sha256_hex(&format!(
        "{}\n{}",
        parts.uri.path(),
        String::from_utf8_lossy(&bytes)
    ));
    parts.extensions.insert(IdempotencyKey {
        key,
        route,
        body_hash,
    });
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// An API action that answers `status` with `T` as JSON, run once per idempotency key:
/// a retry gets the saved answer, marked `Idempotent-Replay: true`.
pub async fn once<T, F>(
    db: &Db,
    session: &Session,
    key: Option<IdempotencyKey>,
    status: StatusCode,
    f: F,
) -> AppResult<Response>
where
    T: Serialize + Send + 'static,
    F: for<'t> FnOnce(&'t mut WriteTx) -> BoxFuture<'t, AppResult<T>> + Send + 'static,
{
    let user = session.scope.user_id().to_owned();
    let (status, body, replay) = db
        .write(move |tx| {
            Box::pin(async move {
                if let Some(k) = &key {
                    if let Some(saved) = claim(tx, &user, k).await? {
                        return Ok((saved.0, saved.1, true));
                    }
                }
                let value = f(tx).await?;
                let body = serde_json::to_string(&value)
                    .map_err(|e| AppError::internal(format!("json: {e}")))?;
                if let Some(k) = &key {
                    tx.execute(
                        "UPDATE idempotency_keys SET status = ?, body = ? WHERE user_id = ? AND key = ?",
                        &[
                            i64::from(status.as_u16()).into(),
                            body.clone().into(),
                            user.clone().into(),
                            k.key.clone().into(),
                        ],
                    )
                    .await?;
                }
                Ok((status, body, false))
            })
        })
        .await?;
    let mut res = (status, body).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if replay {
        h.insert("idempotent-replay", HeaderValue::from_static("true"));
    }
    Ok(res)
}

/// Claims the key for this action, or returns the answer saved for it. A key already
/// used for another route or body is refused.
async fn claim(
    tx: &mut WriteTx,
    user: &str,
    k: &IdempotencyKey,
) -> AppResult<Option<(StatusCode, String)>> {
    let claimed = tx
        .execute(
            "INSERT INTO idempotency_keys (key, user_id, status, body, created_at, route, body_hash) \
             VALUES (?, ?, 0, '', ?, ?, ?) ON CONFLICT (user_id, key) DO NOTHING",
            &[
                k.key.clone().into(),
                user.into(),
                clock::now().into(),
                k.route.clone().into(),
                k.body_hash.clone().into(),
            ],
        )
        .await?;
    if claimed == 1 {
        return Ok(None);
    }
    let row = tx
        .fetch_one(
            "SELECT status, body, route, body_hash FROM idempotency_keys WHERE user_id = ? AND key = ?",
            &[user.into(), k.key.clone().into()],
        )
        .await?;
    if row.str("route")? != k.route || row.str("body_hash")? != k.body_hash {
        return Err(AppError::invalid(
            "idempotency_key",
            "Idempotency-Key này đã dùng cho một yêu cầu khác; hãy dùng khóa mới cho mỗi thao tác",
        ));
    }
    let status = StatusCode::from_u16(row.i64("status")? as u16).unwrap_or(StatusCode::OK);
    Ok(Some((status, row.str("body")?)))
}
