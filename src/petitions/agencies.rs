//! A commune's agencies (UBND xã and its offices, the police post, the Front and the mass
//! organisations), the users who answer for each, and the commune's answer templates.
//! The commune committee keeps them; every function takes its scope and the commune.

use serde::Serialize;

use super::model;
use crate::audit;
use crate::auth::{Role, Scope};
use crate::db::{Tx, Value, WriteTx};
use crate::error::{AppError, AppResult};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Agency {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub handlers: Vec<String>,
}

impl Agency {
    pub fn kind_label(&self) -> &str {
        model::agency_kind_label(&self.kind)
    }
}

/// The communes where the scope's user keeps the agencies (as committee), as (id, name).
pub async fn communes(tx: &mut Tx, scope: &Scope) -> AppResult<Vec<(String, String)>> {
    let paths = scope.paths_for(&[Role::CommuneCommittee]);
    let (f, a) = crate::auth::scope::unit_filter("id", &paths);
    tx.fetch_all(
        &format!("SELECT id, name FROM units WHERE kind = 'commune' AND valid_to IS NULL AND {f} ORDER BY name COLLATE vi"),
        &a,
    )
    .await?
    .iter()
    .map(|r| Ok((r.str("id")?, r.str("name")?)))
    .collect()
}

/// `commune` when the scope keeps it, else "not found".
pub async fn kept(tx: &mut Tx, scope: &Scope, commune: &str) -> AppResult<String> {
    communes(tx, scope)
        .await?
        .into_iter()
        .find(|(id, _)| id == commune)
        .map(|(id, _)| id)
        .ok_or(AppError::NotFound)
}

/// The commune's active agencies with their handlers' usernames.
pub async fn list(tx: &mut Tx, commune: &str) -> AppResult<Vec<Agency>> {
    let rows = tx
        .fetch_all(
            "SELECT id, name, kind FROM agencies WHERE commune_id = ? AND active = 1 ORDER BY name COLLATE vi, id",
            &[commune.into()],
        )
        .await?;
    let handlers = tx
        .fetch_all(
            "SELECT h.agency_id, u.username FROM agency_handlers h JOIN users u ON u.id = h.user_id \
             WHERE h.commune_id = ? AND u.disabled = 0 ORDER BY u.username",
            &[commune.into()],
        )
        .await?;
    rows.iter()
        .map(|r| {
            let id = r.str("id")?;
            Ok(Agency {
                handlers: handlers
                    .iter()
                    .filter(|h| h.str("agency_id").ok().as_deref() == Some(id.as_str()))
                    .filter_map(|h| h.str("username").ok())
                    .collect(),
                name: r.str("name")?,
                kind: r.str("kind")?,
                id,
            })
        })
        .collect()
}

/// Adds an agency to the commune.
pub async fn create(
    tx: &mut WriteTx,
    scope: &Scope,
    commune: &str,
    name: &str,
    kind: &str,
) -> AppResult<String> {
    let name = crate::text::clean(name);
    if name.is_empty() || name.chars().count() > 120 {
        return Err(AppError::invalid(
            "name",
            "Cần ghi tên cơ quan (tối đa 120 ký tự), ví dụ: Công an xã Lương Bằng",
        ));
    }
    if !model::AGENCY_KINDS.iter().any(|(c, _)| *c == kind) {
        return Err(AppError::invalid("kind", "Cần chọn loại cơ quan"));
    }
    let exists = tx
        .scalar_i64(
            "SELECT COUNT(*) FROM agencies WHERE commune_id = ? AND active = 1 AND name = ?",
            &[commune.into(), name.clone().into()],
        )
        .await?;
    if exists > 0 {
        return Err(AppError::invalid(
            "name",
            format!("Xã đã có cơ quan \"{name}\""),
        ));
    }
    let id = crate::clock::new_id();
    tx.execute(
        "INSERT INTO agencies (commune_id, id, name, kind, active, created_at) VALUES (?, ?, ?, ?, 1, ?)",
        &[
            commune.into(),
            id.clone().into(),
            name.into(),
            kind.into(),
            crate::clock::now().into(),
        ],
    )
    .await?;
    audit::did(
        tx,
        scope,
        audit::Action::Create,
        audit::Entity::Agency,
        &id,
        Some(commune),
        serde_json::json!({ "kind": kind }),
    );
    Ok(id)
}

/// Makes a handler account for the agency: the agency handler role over the commune,
/// a one-time password (`hash` of it) to replace at the first sign-in, as member accounts
/// are made (`accounts::store::create`). Returns the username.
pub async fn create_handler(
    tx: &mut WriteTx,
    scope: &Scope,
    commune: &str,
    agency: &str,
    username: &str,
    display_name: &str,
    hash: &str,
) -> AppResult<String> {
    let found = tx
        .scalar_i64(
            "SELECT COUNT(*) FROM agencies WHERE commune_id = ? AND id = ? AND active = 1",
            &[commune.into(), agency.into()],
        )
        .await?;
    if found == 0 {
        return Err(AppError::NotFound);
    }
    let username = crate::auth::store::check_username(username)?;
    let display = crate::text::clean(display_name);
    if display.is_empty() || display.chars().count() > 100 {
        return Err(AppError::invalid(
            "display_name",
            "Cần ghi họ tên cán bộ (tối đa 100 ký tự)",
        ));
    }
    let taken = tx
        .scalar_i64(
            "SELECT COUNT(*) FROM users WHERE username = ?",
            &[Value::from(&username)],
        )
        .await?;
    if taken > 0 {
        return Err(AppError::invalid(
            "username",
            format!("Tên đăng nhập {username} đã có"),
        ));
    }
    let id = crate::clock::new_id();
    let now = crate::clock::now();
    tx.execute(
        "INSERT INTO users (id, username, display_name, password_hash, disabled, must_change_password, created_at, updated_at) \
         VALUES (?, ?, ?, ?, 0, 1, ?, ?)",
        &[
            id.clone().into(),
            username.clone().into(),
            display.into(),
            hash.into(),
            now.clone().into(),
            now.clone().into(),
        ],
    )
    .await?;
    tx.execute(
        "INSERT INTO grants (id, user_id, role, unit_id, created_at) VALUES (?, ?, ?, ?, ?)",
        &[
            crate::clock::new_id().into(),
            id.clone().into(),
            Role::AgencyHandler.code().into(),
            commune.into(),
            now.clone().into(),
        ],
    )
    .await?;
    link_handler(tx, commune, agency, &id).await?;
    audit::did(
        tx,
        scope,
        audit::Action::Create,
        audit::Entity::User,
        &id,
        Some(commune),
        serde_json::json!({ "role": Role::AgencyHandler.code(), "unit_id": commune, "agency": agency }),
    );
    Ok(username)
}

/// Links a user to an agency (the demo, and accounts made above).
pub async fn link_handler(
    tx: &mut WriteTx,
    commune: &str,
    agency: &str,
    user_id: &str,
) -> AppResult<()> {
    tx.execute(
        "INSERT INTO agency_handlers (commune_id, agency_id, user_id, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        &[
            commune.into(),
            agency.into(),
            user_id.into(),
            crate::clock::now().into(),
        ],
    )
    .await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize)]
pub struct Template {
    pub id: String,
    pub title: String,
    pub body: String,
    pub basis: String,
}

pub async fn templates(tx: &mut Tx, commune: &str) -> AppResult<Vec<Template>> {
    tx.fetch_all(
        "SELECT id, title, body, basis FROM answer_templates WHERE commune_id = ? ORDER BY title COLLATE vi, id",
        &[commune.into()],
    )
    .await?
    .iter()
    .map(|r| {
        Ok(Template {
            id: r.str("id")?,
            title: r.str("title")?,
            body: r.str("body")?,
            basis: r.str("basis")?,
        })
    })
    .collect()
}

pub async fn create_template(
    tx: &mut WriteTx,
    scope: &Scope,
    commune: &str,
    title: &str,
    body: &str,
    basis: &str,
) -> AppResult<String> {
    let title = crate::text::clean(title);
    if title.is_empty() || title.chars().count() > 120 {
        return Err(AppError::invalid(
            "title",
            "Cần ghi tên mẫu (tối đa 120 ký tự)",
        ));
    }
    let body = model::clean_field(body, "body", model::MAX_ANSWER)?;
    if body.is_empty() {
        return Err(AppError::invalid("body", "Cần ghi nội dung trả lời mẫu"));
    }
    let basis = model::clean_field(basis, "basis", model::MAX_ANSWER)?;
    let id = crate::clock::new_id();
    tx.execute(
        "INSERT INTO answer_templates (commune_id, id, title, body, basis, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        &[
            commune.into(),
            id.clone().into(),
            title.into(),
            body.into(),
            basis.into(),
            crate::clock::now().into(),
        ],
    )
    .await?;
    audit::did(
        tx,
        scope,
        audit::Action::Create,
        audit::Entity::AnswerTemplate,
        &id,
        Some(commune),
        serde_json::json!({}),
    );
    Ok(id)
}

/// The agencies a commune starts with in the demo (its handler answers for the first).
pub const DEMO_AGENCIES: &[(&str, &str)] = &[
    ("UBND xã Lương Bằng", "people_committee"),
    ("Công an xã Lương Bằng", "police"),
    ("Phòng Kinh tế xã", "office"),
    ("Mặt trận Tổ quốc xã", "front"),
    ("Hội Nông dân xã", "mass_org"),
];
