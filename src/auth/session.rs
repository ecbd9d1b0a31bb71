//! Sessions stored in the database: the cookie holds a random token, the table its hash.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, Method};
use time::Duration;

use super::password::{random_token, sha256_hex};
use super::roles::Role;
use super::scope::{Grant, Scope};
use crate::clock;
use crate::db::{Tx, Value, WriteTx};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The roles a route admits, put on the request by the route itself (`app::routes`).
#[derive(Debug, Clone, Copy)]
pub struct Admits(pub &'static [Role]);

/// A signed-in user, from the session cookie (pages) or a personal access token (API).
#[derive(Debug, Clone)]
pub struct Session {
    pub scope: Scope,
    /// The per-session token that forms echo back (`_csrf`); empty for API tokens.
    pub csrf: String,
    pub via_token: bool,
    /// The path being served, so that the menu can mark where the user is.
    pub page: String,
    /// Signed in with a one-time password: nothing but choosing a new one until it is done.
    pub must_change_password: bool,
}

/// What a user who must choose a new password may still open: the page to do it, and the
/// header's language switch and sign-out.
pub const OPEN_BEFORE_NEW_PASSWORD: &[&str] = &["/account/password", "/lang", "/logout"];

pub fn cookie_value<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    cookie_value_str(&parts.headers, name)
}

pub fn cookie_value_str<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Creates a session for `user_id`; returns the cookie token.
pub async fn create(tx: &mut WriteTx, user_id: &str, ip: &str) -> AppResult<String> {
    let token = random_token(32);
    let now = clock::now();
    tx.execute(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, ip) VALUES (?, ?, ?, ?, ?, ?)",
        &[
            sha256_hex(&token).into(),
            user_id.into(),
            random_token(24).into(),
            now.clone().into(),
            now.into(),
            ip.into(),
        ],
    )
    .await?;
    Ok(token)
}

pub async fn delete(tx: &mut WriteTx, token: &str) -> AppResult<()> {
    tx.execute(
        "DELETE FROM sessions WHERE token_hash = ?",
        &[sha256_hex(token).into()],
    )
    .await?;
    Ok(())
}

pub fn set_cookie(state: &AppState, token: &str) -> String {
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Lax{secure}",
        state.config.session_cookie_name()
    )
}

pub fn clear_cookie(state: &AppState) -> String {
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}",
        state.config.session_cookie_name()
    )
}

/// Loads a user's grants, with the paths of their units, into a [`Scope`].
pub async fn load_scope(tx: &mut Tx, user_id: &str) -> AppResult<Scope> {
    let user = tx
        .fetch_optional(
            "SELECT id, username, display_name, member_id FROM users WHERE id = ? AND disabled = 0",
            &[user_id.into()],
        )
        .await?
        .ok_or(AppError::Unauthorized)?;
    scope_of(tx, &user).await
}

/// The scope of a user row (`id`, `username`, `display_name`, `member_id`): its grants.
async fn scope_of(tx: &mut Tx, user: &crate::db::Row) -> AppResult<Scope> {
    let user_id = user.str("id")?;
    let rows = tx
        .fetch_all(
            "SELECT g.role, g.unit_id, u.path, u.kind, u.name FROM grants g JOIN units u ON u.id = g.unit_id \
             WHERE g.user_id = ? ORDER BY g.created_at, g.id",
            &[user_id.clone().into()],
        )
        .await?;
    let mut grants = Vec::with_capacity(rows.len());
    for r in rows {
        if let Some(role) = Role::parse(&r.str("role")?) {
            grants.push(Grant {
                role,
                unit_id: r.str("unit_id")?,
                unit_path: r.str("path")?,
                unit_kind: r.str("kind")?,
                unit_name: r.str("name")?,
            });
        }
    }
    Ok(Scope {
        user_id,
        username: user.str("username")?,
        display_name: user.str("display_name")?,
        member_id: user.opt_str("member_id")?,
        grants,
    })
}

/// What a session lookup found, read without taking any write lock.
enum Found {
    Live(Session, bool),
    Expired,
}

async fn from_cookie(state: &AppState, token: &str) -> AppResult<Session> {
    let hash = sha256_hex(token);
    let idle_limit = clock::ago(Duration::minutes(state.config.session_idle_minutes));
    let absolute_limit = clock::ago(Duration::hours(state.config.session_absolute_hours));
    let touch_before = clock::ago(Duration::minutes(1));
    let key = hash.clone();
    let found = state
        .db
        .read(move |tx| {
            Box::pin(async move {
                let row = tx
                    .fetch_optional(
                        "SELECT s.csrf_token, s.created_at, s.last_seen_at, u.id, u.username, u.display_name, u.member_id, \
                         u.must_change_password FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND u.disabled = 0",
                        &[Value::from(&key)],
                    )
                    .await?
                    .ok_or(AppError::Unauthorized)?;
                let last_seen = row.str("last_seen_at")?;
                if last_seen < idle_limit || row.str("created_at")? < absolute_limit {
                    return Ok(Found::Expired);
                }
                // One statement for the session and its user, one for the grants.
                let scope = scope_of(tx, &row).await?;
                let session = Session {
                    scope,
                    csrf: row.str("csrf_token")?,
                    via_token: false,
                    page: String::new(),
                    must_change_password: row.bool("must_change_password")?,
                };
                Ok(Found::Live(session, last_seen < touch_before))
            })
        })
        .await?;
    match found {
        Found::Live(session, touch) => {
            // At most once a minute, and through the writer: a page view is not a write.
            if touch {
                state.db.write_later(move |tx| {
                    Box::pin(async move {
                        tx.execute(
                            "UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?",
                            &[clock::now().into(), hash.into()],
                        )
                        .await?;
                        Ok(())
                    })
                });
            }
            Ok(session)
        }
        Found::Expired => {
            state
                .db
                .write(move |tx| {
                    Box::pin(async move {
                        tx.execute("DELETE FROM sessions WHERE token_hash = ?", &[hash.into()])
                            .await?;
                        Ok(())
                    })
                })
                .await?;
            Err(AppError::Unauthorized)
        }
    }
}

async fn from_bearer(state: &AppState, token: &str) -> AppResult<Session> {
    let hash = sha256_hex(token);
    let touch_before = clock::ago(Duration::minutes(1));
    let (session, token_id, touch) = state
        .db
        .read(move |tx| {
            Box::pin(async move {
                let row = tx
                    .fetch_optional(
                        "SELECT t.id, t.user_id, t.last_used_at FROM api_tokens t JOIN users u ON u.id = t.user_id \
                         WHERE t.token_hash = ? AND t.revoked = 0 AND u.disabled = 0",
                        &[hash.into()],
                    )
                    .await?
                    .ok_or(AppError::Unauthorized)?;
                let scope = load_scope(tx, &row.str("user_id")?).await?;
                let touch = row
                    .opt_str("last_used_at")?
                    .is_none_or(|t| t < touch_before);
                let session = Session {
                    scope,
                    csrf: String::new(),
                    via_token: true,
                    page: String::new(),
                    must_change_password: false,
                };
                Ok((session, row.str("id")?, touch))
            })
        })
        .await?;
    if touch {
        state.db.write_later(move |tx| {
            Box::pin(async move {
                tx.execute(
                    "UPDATE api_tokens SET last_used_at = ? WHERE id = ?",
                    &[clock::now().into(), token_id.into()],
                )
                .await?;
                Ok(())
            })
        });
    }
    Ok(session)
}

/// A one-time password opens nothing but the page that replaces it.
fn held_back(s: &Session, parts: &Parts) -> AppResult<()> {
    if s.must_change_password && !OPEN_BEFORE_NEW_PASSWORD.contains(&parts.uri.path()) {
        return Err(AppError::PasswordChangeRequired);
    }
    Ok(())
}

impl FromRequestParts<AppState> for Session {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let admits = parts.extensions.get::<Admits>().copied();
        let admitted = |s: &Session| match admits {
            Some(Admits(roles)) if !roles.iter().any(|r| s.scope.has_role(*r)) => {
                Err(AppError::Forbidden)
            }
            _ => Ok(()),
        };
        if let Some(s) = parts.extensions.get::<Session>() {
            held_back(s, parts)?;
            admitted(s)?;
            return Ok(s.clone());
        }
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::to_owned);
        let mut session = if let Some(token) = bearer {
            from_bearer(state, token.trim()).await?
        } else {
            let token = cookie_value(parts, state.config.session_cookie_name())
                .ok_or(AppError::Unauthorized)?
                .to_owned();
            let s = from_cookie(state, &token).await?;
            // A cookie-authenticated JSON call that changes state must echo the CSRF token.
            let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
            if !safe && parts.uri.path().starts_with("/api/") {
                let sent = parts
                    .headers
                    .get("x-csrf-token")
                    .and_then(|v| v.to_str().ok());
                if sent != Some(s.csrf.as_str()) {
                    return Err(AppError::Forbidden);
                }
            }
            s
        };
        session.page = parts.uri.path().to_owned();
        parts.extensions.insert(session.clone());
        held_back(&session, parts)?;
        admitted(&session)?;
        Ok(session)
    }
}

/// The session when there is one; pages that also serve visitors (login) use this.
#[derive(Debug, Clone)]
pub struct MaybeSession(pub Option<Session>);

impl FromRequestParts<AppState> for MaybeSession {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match Session::from_request_parts(parts, state).await {
            Ok(s) => Ok(MaybeSession(Some(s))),
            // Someone still holding a one-time password may sign in as someone else.
            Err(AppError::Unauthorized | AppError::PasswordChangeRequired) => {
                Ok(MaybeSession(None))
            }
            Err(e) => Err(e),
        }
    }
}
