//! Queries of member accounts. Every read of members takes the session's scope: a keeper
//! reaches only the members of the villages where they keep the registry.

use crate::audit;
use crate::auth::scope::unit_filter;
use crate::auth::{Role, Scope};
use crate::clock;
use crate::db::{like_escape, Row, Tx, Value, WriteTx};
use crate::error::{AppError, AppResult};

use super::model;

/// A member as the accounts page shows them: name, village, and their account if any.
#[derive(Debug, Clone)]
pub struct MemberAccount {
    pub member_id: String,
    pub commune_id: String,
    pub village_id: String,
    pub village_name: String,
    pub full_name: String,
    family_name: String,
    middle_name: String,
    given_name: String,
    pub status: String,
    pub username: Option<String>,
}

impl MemberAccount {
    fn from_row(r: &Row) -> AppResult<MemberAccount> {
        Ok(MemberAccount {
            member_id: r.str("id")?,
            commune_id: r.str("commune_id")?,
            village_id: r.str("village_id")?,
            village_name: r.str("village_name")?,
            full_name: r.str("full_name")?,
            family_name: r.str("family_name")?,
            middle_name: r.str("middle_name")?,
            given_name: r.str("given_name")?,
            status: r.str("status")?,
            username: r.opt_str("username")?,
        })
    }
}

/// A new account, as its slip shows it: the one-time password exists only here.
#[derive(Debug, Clone)]
pub struct Created {
    pub full_name: String,
    pub village_name: String,
    pub username: String,
    pub password: String,
}

const SELECT: &str =
    "SELECT m.id, m.commune_id, m.village_id, v.name AS village_name, m.full_name, \
                      m.family_name, m.middle_name, m.given_name, m.status, u.username \
                      FROM members m JOIN units v ON v.id = m.village_id \
                      LEFT JOIN users u ON u.member_id = m.id";

const ORDER: &str = "m.name_key, m.id";

/// The most accounts one request makes: the slips of one village, hashed in a few seconds.
pub const BATCH: usize = 100;

/// The members of `rows` (all of one village), noted as shown to the scope's user.
fn noted(tx: &mut Tx, scope: &Scope, rows: Vec<Row>) -> AppResult<Vec<MemberAccount>> {
    let items = rows
        .iter()
        .map(MemberAccount::from_row)
        .collect::<AppResult<Vec<_>>>()?;
    if let Some(first) = items.first() {
        let ids = items.iter().map(|m| m.member_id.as_str());
        audit::shown(
            tx,
            scope,
            audit::Entity::Member,
            Some(&first.commune_id),
            ids,
        );
    }
    Ok(items)
}

/// The active members of `village_id` with their accounts, when the scope keeps its
/// registry (else nothing: the caller has checked the village).
pub async fn list(tx: &mut Tx, scope: &Scope, village_id: &str) -> AppResult<Vec<MemberAccount>> {
    let (filter, mut args) = unit_filter("m.village_id", &scope.registry_paths());
    args.push(village_id.into());
    let rows = tx
        .fetch_all(
            &format!(
                "{SELECT} WHERE {filter} AND m.village_id = ? AND m.status = 'active' ORDER BY {ORDER}"
            ),
            &args,
        )
        .await?;
    noted(tx, scope, rows)
}

/// The active members of `village_id` without an account, at most [`BATCH`], and how many
/// there are in all.
pub async fn without_account(
    tx: &mut Tx,
    scope: &Scope,
    village_id: &str,
) -> AppResult<(Vec<MemberAccount>, i64)> {
    let (filter, mut args) = unit_filter("m.village_id", &scope.registry_paths());
    args.push(village_id.into());
    let wanted = format!("{filter} AND m.village_id = ? AND m.status = 'active' AND u.id IS NULL");
    let total = tx
        .scalar_i64(
            &format!(
                "SELECT COUNT(*) FROM members m LEFT JOIN users u ON u.member_id = m.id WHERE {wanted}"
            ),
            &args,
        )
        .await?;
    args.push((BATCH as i64).into());
    let rows = tx
        .fetch_all(
            &format!("{SELECT} WHERE {wanted} ORDER BY {ORDER} LIMIT ?"),
            &args,
        )
        .await?;
    Ok((noted(tx, scope, rows)?, total))
}

/// One member of the scope that may get an account: active, without one. A member outside
/// the scope gets the answer a member that does not exist gets.
pub async fn eligible(tx: &mut Tx, scope: &Scope, member_id: &str) -> AppResult<MemberAccount> {
    let (filter, mut args) = unit_filter("m.village_id", &scope.registry_paths());
    args.push(member_id.into());
    let row = tx
        .fetch_optional(&format!("{SELECT} WHERE {filter} AND m.id = ?"), &args)
        .await?
        .ok_or(AppError::NotFound)?;
    let m = noted(tx, scope, vec![row])?.remove(0);
    if let Some(u) = &m.username {
        return Err(AppError::Conflict(format!(
            "Đảng viên {} đã có tài khoản (tên đăng nhập {u}); không tạo thêm",
            m.full_name
        )));
    }
    if m.status != "active" {
        return Err(AppError::BadRequest(format!(
            "Chỉ tạo tài khoản cho đảng viên đang sinh hoạt; {} đang ở trạng thái “{}”",
            m.full_name,
            crate::people::kinds::MemberStatus::parse(&m.status)
                .map_or(m.status.as_str(), |st| st.label(crate::web::i18n::Lang::Vi))
        )));
    }
    Ok(m)
}

/// The first free username for `m` (`dv.annv`, `dv.annv2`, …), seen from inside the unit
/// of work that will take it.
async fn free_username(tx: &mut Tx, m: &MemberAccount) -> AppResult<String> {
    let base = model::username_base(&m.family_name, &m.middle_name, &m.given_name);
    let rows = tx
        .fetch_all(
            "SELECT username FROM users WHERE username LIKE ? ESCAPE '\\'",
            &[format!("{}%", like_escape(&base)).into()],
        )
        .await?;
    let taken = rows
        .iter()
        .map(|r| r.str("username"))
        .collect::<AppResult<Vec<_>>>()?;
    Ok(model::pick_username(&base, &taken))
}

/// Makes `m`'s account: the member role over their village, linked to their record, with
/// `hash` (of a one-time password) that must be replaced at the first sign-in, named
/// `username` or else by [`model::username_base`]. Checked again inside the unit of work:
/// `None` when the member got an account meanwhile.
pub async fn create(
    tx: &mut WriteTx,
    scope: &Scope,
    m: &MemberAccount,
    hash: &str,
    username: Option<&str>,
) -> AppResult<Option<String>> {
    let still = eligible(tx, scope, &m.member_id).await;
    match still {
        Ok(_) => {}
        Err(AppError::Conflict(_)) => return Ok(None),
        Err(e) => return Err(e),
    }
    let username = match username {
        None => free_username(tx, m).await?,
        Some(u) => {
            let u = crate::auth::store::check_username(u)?;
            let taken = tx
                .scalar_i64(
                    "SELECT COUNT(*) FROM users WHERE username = ?",
                    &[Value::from(&u)],
                )
                .await?;
            if taken > 0 {
                return Err(AppError::Conflict(format!("Tên đăng nhập {u} đã có")));
            }
            u
        }
    };
    let id = clock::new_id();
    let now = clock::now();
    tx.execute(
        "INSERT INTO users (id, username, display_name, password_hash, disabled, member_id, must_change_password, created_at, updated_at) \
         VALUES (?, ?, ?, ?, 0, ?, 1, ?, ?)",
        &[
            id.clone().into(),
            username.clone().into(),
            m.full_name.clone().into(),
            hash.into(),
            m.member_id.clone().into(),
            now.clone().into(),
            now.clone().into(),
        ],
    )
    .await?;
    tx.execute(
        "INSERT INTO grants (id, user_id, role, unit_id, created_at) VALUES (?, ?, ?, ?, ?)",
        &[
            clock::new_id().into(),
            id.clone().into(),
            Role::Member.code().into(),
            m.village_id.clone().into(),
            now.into(),
        ],
    )
    .await?;
    audit::did(
        tx,
        scope,
        audit::Action::Create,
        audit::Entity::User,
        &id,
        Some(&m.commune_id),
        serde_json::json!({ "member_id": m.member_id, "role": Role::Member.code(), "unit_id": m.village_id }),
    );
    Ok(Some(username))
}

/// The user's password hash and whether it is a one-time password.
pub async fn password_of(tx: &mut Tx, user_id: &str) -> AppResult<(String, bool)> {
    let r = tx
        .fetch_optional(
            "SELECT password_hash, must_change_password FROM users WHERE id = ? AND disabled = 0",
            &[user_id.into()],
        )
        .await?
        .ok_or(AppError::Unauthorized)?;
    Ok((r.str("password_hash")?, r.bool("must_change_password")?))
}

/// Sets the user's own new password, unless the hash changed since `old_hash` was read
/// (another change won the race: nothing is written). Every other session of the user ends;
/// `keep` (the session's token hash) stays signed in.
pub async fn change_password(
    tx: &mut WriteTx,
    user_id: &str,
    old_hash: &str,
    new_hash: &str,
    keep: &str,
) -> AppResult<()> {
    let n = tx
        .execute(
            "UPDATE users SET password_hash = ?, must_change_password = 0, updated_at = ? WHERE id = ? AND password_hash = ?",
            &[
                new_hash.into(),
                clock::now().into(),
                user_id.into(),
                old_hash.into(),
            ],
        )
        .await?;
    if n == 0 {
        return Err(AppError::Conflict(
            "Mật khẩu vừa được đổi ở nơi khác; hãy tải lại trang rồi thử lại".into(),
        ));
    }
    tx.execute(
        "DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?",
        &[user_id.into(), Value::from(keep)],
    )
    .await?;
    audit::did_as(
        tx,
        &audit::Actor::named(user_id),
        audit::Action::ChangePassword,
        audit::Entity::User,
        user_id,
        None,
        serde_json::json!({}),
    );
    Ok(())
}
