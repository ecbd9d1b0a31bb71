//! Users, grants and personal access tokens.

use serde::Serialize;

use super::password;
use super::roles::Role;
use crate::audit;
use crate::clock;
use crate::db::{Tx, Value, WriteTx};
use crate::error::{AppError, AppResult};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct User {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub disabled: bool,
    pub grants: Vec<GrantView>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GrantView {
    pub role: String,
    pub unit_id: String,
    pub unit_name: String,
}

impl GrantView {
    pub fn role_label(&self, en: bool) -> &str {
        match Role::parse(&self.role) {
            Some(r) if en => r.label_en(),
            Some(r) => r.label_vi(),
            None => &self.role,
        }
    }
}

/// The username rules: 3–40 of a-z, 0-9, `.`, `_`, `-`; lower-cased.
pub fn check_username(u: &str) -> AppResult<String> {
    let u = u.trim().to_lowercase();
    let ok = (3..=40).contains(&u.len())
        && u.chars().all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '_' || c == '-'
        });
    if ok {
        Ok(u)
    } else {
        Err(AppError::invalid(
            "username",
            "Tên đăng nhập gồm 3–40 ký tự: chữ không dấu, số, dấu chấm, gạch dưới hoặc gạch ngang",
        ))
    }
}

/// Creates a user. `actor` is who did it (`system` for the CLI and the demo).
pub async fn create_user(
    tx: &mut WriteTx,
    actor: &str,
    username: &str,
    display_name: &str,
    pass: &str,
) -> AppResult<String> {
    let username = check_username(username)?;
    password::check_strength(pass)?;
    let display = crate::text::clean(display_name);
    if display.is_empty() || display.chars().count() > 100 {
        return Err(AppError::invalid(
            "display_name",
            "Tên hiển thị cần 1–100 ký tự",
        ));
    }
    let exists = tx
        .scalar_i64(
            "SELECT COUNT(*) FROM users WHERE username = ?",
            &[Value::from(&username)],
        )
        .await?;
    if exists > 0 {
        return Err(AppError::Conflict(format!(
            "Tên đăng nhập {username} đã có"
        )));
    }
    let id = clock::new_id();
    let now = clock::now();
    tx.execute(
        "INSERT INTO users (id, username, display_name, password_hash, disabled, created_at, updated_at) VALUES (?, ?, ?, ?, 0, ?, ?)",
        &[id.clone().into(), username.into(), display.into(), password::hash(pass)?.into(), now.clone().into(), now.into()],
    )
    .await?;
    audit::did_as(
        tx,
        &audit::Actor::named(actor),
        audit::Action::Create,
        audit::Entity::User,
        &id,
        None,
        serde_json::json!({}),
    );
    Ok(id)
}

pub async fn find_user_id(tx: &mut Tx, username: &str) -> AppResult<String> {
    tx.fetch_optional(
        "SELECT id FROM users WHERE username = ?",
        &[username.trim().to_lowercase().into()],
    )
    .await?
    .ok_or_else(|| AppError::BadRequest(format!("Không có người dùng {username}")))?
    .str("id")
}

pub async fn grant(
    tx: &mut WriteTx,
    actor: &str,
    user_id: &str,
    role: Role,
    unit_id: &str,
) -> AppResult<()> {
    let unit = crate::units::store::get(tx, unit_id).await?;
    tx.execute(
        "INSERT INTO grants (id, user_id, role, unit_id, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, role, unit_id) DO NOTHING",
        &[clock::new_id().into(), user_id.into(), role.code().into(), unit.id.clone().into(), clock::now().into()],
    )
    .await?;
    audit::did_as(
        tx,
        &audit::Actor::named(actor),
        audit::Action::Grant,
        audit::Entity::User,
        user_id,
        None,
        serde_json::json!({ "role": role.code(), "unit_id": unit.id }),
    );
    Ok(())
}

/// Ends the user's sessions and revokes their API tokens.
async fn end_every_way_in(tx: &mut WriteTx, user_id: &str) -> AppResult<()> {
    tx.execute("DELETE FROM sessions WHERE user_id = ?", &[user_id.into()])
        .await?;
    tx.execute(
        "UPDATE api_tokens SET revoked = 1 WHERE user_id = ?",
        &[user_id.into()],
    )
    .await?;
    Ok(())
}

/// Disables a user and ends all their sessions and tokens at once.
pub async fn disable(tx: &mut WriteTx, actor: &str, user_id: &str) -> AppResult<()> {
    let n = tx
        .execute(
            "UPDATE users SET disabled = 1, updated_at = ? WHERE id = ?",
            &[clock::now().into(), user_id.into()],
        )
        .await?;
    if n == 0 {
        return Err(AppError::NotFound);
    }
    end_every_way_in(tx, user_id).await?;
    audit::did_as(
        tx,
        &audit::Actor::named(actor),
        audit::Action::Disable,
        audit::Entity::User,
        user_id,
        None,
        serde_json::json!({}),
    );
    Ok(())
}

pub async fn reset_password(
    tx: &mut WriteTx,
    actor: &str,
    user_id: &str,
    pass: &str,
) -> AppResult<()> {
    password::check_strength(pass)?;
    tx.execute(
        "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?",
        &[
            password::hash(pass)?.into(),
            clock::now().into(),
            user_id.into(),
        ],
    )
    .await?;
    // A new password ends every way in that the old one opened.
    end_every_way_in(tx, user_id).await?;
    audit::did_as(
        tx,
        &audit::Actor::named(actor),
        audit::Action::ResetPassword,
        audit::Entity::User,
        user_id,
        None,
        serde_json::json!({}),
    );
    Ok(())
}

pub async fn list_users(tx: &mut Tx) -> AppResult<Vec<User>> {
    let rows = tx
        .fetch_all(
            "SELECT id, username, display_name, disabled FROM users ORDER BY username",
            &[],
        )
        .await?;
    let grants = tx
        .fetch_all("SELECT g.user_id, g.role, g.unit_id, u.name FROM grants g JOIN units u ON u.id = g.unit_id ORDER BY g.created_at", &[])
        .await?;
    rows.iter()
        .map(|r| {
            let id = r.str("id")?;
            let mut gs = Vec::new();
            for g in &grants {
                if g.str("user_id")? == id {
                    gs.push(GrantView {
                        role: g.str("role")?,
                        unit_id: g.str("unit_id")?,
                        unit_name: g.str("name")?,
                    });
                }
            }
            Ok(User {
                id,
                username: r.str("username")?,
                display_name: r.str("display_name")?,
                disabled: r.bool("disabled")?,
                grants: gs,
            })
        })
        .collect()
}

#[derive(Debug, Clone, Serialize)]
pub struct Token {
    pub id: String,
    pub name: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
}

/// Creates a personal access token; the secret is returned once and stored hashed.
pub async fn create_token(tx: &mut WriteTx, user_id: &str, name: &str) -> AppResult<String> {
    let name = crate::text::clean(name);
    if name.is_empty() || name.chars().count() > 60 {
        return Err(AppError::invalid(
            "name",
            "Đặt tên cho khóa (1–60 ký tự), vd. \"Máy tính văn phòng\"",
        ));
    }
    let secret = format!("dv_{}", password::random_token(32));
    let id = clock::new_id();
    tx.execute(
        "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, revoked) VALUES (?, ?, ?, ?, ?, 0)",
        &[id.clone().into(), user_id.into(), name.into(), password::sha256_hex(&secret).into(), clock::now().into()],
    )
    .await?;
    audit::did_as(
        tx,
        &audit::Actor::named(user_id),
        audit::Action::Create,
        audit::Entity::ApiToken,
        &id,
        None,
        serde_json::json!({}),
    );
    Ok(secret)
}

pub async fn list_tokens(tx: &mut Tx, user_id: &str) -> AppResult<Vec<Token>> {
    let rows = tx
        .fetch_all(
            "SELECT id, name, created_at, last_used_at FROM api_tokens WHERE user_id = ? AND revoked = 0 ORDER BY created_at",
            &[user_id.into()],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Token {
                id: r.str("id")?,
                name: r.str("name")?,
                created_at: r.str("created_at")?,
                last_used_at: r.opt_str("last_used_at")?,
            })
        })
        .collect()
}

pub async fn revoke_token(tx: &mut WriteTx, user_id: &str, token_id: &str) -> AppResult<()> {
    let n = tx
        .execute(
            "UPDATE api_tokens SET revoked = 1 WHERE id = ? AND user_id = ?",
            &[token_id.into(), user_id.into()],
        )
        .await?;
    if n == 0 {
        return Err(AppError::NotFound);
    }
    audit::did_as(
        tx,
        &audit::Actor::named(user_id),
        audit::Action::Revoke,
        audit::Entity::ApiToken,
        token_id,
        None,
        serde_json::json!({}),
    );
    Ok(())
}
