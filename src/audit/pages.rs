//! The audit log for auditors (their subtree's chains) and its JSON twin.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::Json;
use serde::{Deserialize, Serialize};

use crate::auth::{Role, Session};
use crate::db::Value;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::extract::Q;
use crate::web::i18n::Lang;
use crate::web::layout::{page, Chrome};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Entry {
    pub seq: i64,
    pub chain: String,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
}

impl Entry {
    /// What happened, in words (the stored codes stay stable for machines).
    pub fn action_label(&self, en: bool) -> &str {
        let (vi, en_label) = match self.action.as_str() {
            "read" => ("Xem", "Read"),
            "create" => ("Tạo", "Create"),
            "update" => ("Sửa", "Edit"),
            "status" => ("Đổi trạng thái", "Status change"),
            "login" => ("Đăng nhập", "Sign in"),
            "logout" => ("Đăng xuất", "Sign out"),
            "grant" => ("Cấp quyền", "Grant"),
            "disable" => ("Khóa tài khoản", "Disable"),
            "reset_password" => ("Đặt lại mật khẩu", "Password reset"),
            "revoke" => ("Thu hồi", "Revoke"),
            "seed" => ("Tạo dữ liệu mẫu", "Demo data"),
            _ => (self.action.as_str(), self.action.as_str()),
        };
        if en {
            en_label
        } else {
            vi
        }
    }

    pub fn entity_label(&self, en: bool) -> &str {
        let (vi, en_label) = match self.entity.as_str() {
            "household" => ("Hộ gia đình", "Household"),
            "member" => ("Đảng viên", "Party member"),
            "cell" => ("Chi bộ", "Party cell"),
            "unit" => ("Đơn vị", "Unit"),
            "user" => ("Người dùng", "User"),
            "api_token" => ("Khóa API", "API token"),
            _ => (self.entity.as_str(), self.entity.as_str()),
        };
        if en {
            en_label
        } else {
            vi
        }
    }

    /// A list read names many records: say so instead of showing `*`.
    pub fn is_list(&self) -> bool {
        self.entity_id == "*"
    }
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
pub struct AuditQuery {
    /// Show entries about this record only.
    pub entity_id: String,
    pub page: i64,
}

/// Entries of the communes under the auditor's grants (and the deployment-wide chain for
/// an auditor of the whole country).
async fn entries(st: &AppState, s: &Session, q: &AuditQuery) -> AppResult<Vec<Entry>> {
    let paths = s.scope.paths_for(&[Role::Auditor]);
    if paths.is_empty() {
        return Err(AppError::Forbidden);
    }
    let (filter, mut args) = crate::auth::scope::unit_filter("a.chain", &paths);
    let global = if paths.contains(&"/vn/") {
        " OR a.chain = 'global'"
    } else {
        ""
    };
    let mut sql = format!(
        "SELECT a.seq, a.chain, a.at, COALESCE(u.username, a.actor_id) AS actor, a.action, a.entity, a.entity_id \
         FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id WHERE ({filter}{global})"
    );
    if !q.entity_id.is_empty() {
        sql.push_str(" AND a.entity_id = ?");
        args.push(Value::from(&q.entity_id));
    }
    sql.push_str(" ORDER BY a.at DESC, a.seq DESC LIMIT 100 OFFSET ?");
    args.push(((q.page.max(1) - 1) * 100).into());
    let rows = st
        .db
        .read(move |tx| Box::pin(async move { tx.fetch_all(&sql, &args).await }))
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Entry {
                seq: r.i64("seq")?,
                chain: r.str("chain")?,
                at: r.str("at")?,
                actor: r.str("actor")?,
                action: r.str("action")?,
                entity: r.str("entity")?,
                entity_id: r.str("entity_id")?,
            })
        })
        .collect()
}

#[derive(Template)]
#[template(path = "audit/list.html")]
struct AuditPage {
    c: Chrome,
    entries: Vec<Entry>,
}

pub async fn list(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    Q(q): Q<AuditQuery>,
) -> AppResult<Response> {
    let entries = entries(&st, &s, &q).await?;
    page(&AuditPage {
        c: Chrome::new(lang, &s, lang.t("audit")),
        entries,
    })
}

#[utoipa::path(get, path = "/api/v1/audit", params(AuditQuery), tag = "audit", responses((status = 200, body = [Entry])))]
pub async fn api_list(
    State(st): State<AppState>,
    s: Session,
    Q(q): Q<AuditQuery>,
) -> AppResult<Json<Vec<Entry>>> {
    Ok(Json(entries(&st, &s, &q).await?))
}
