//! `danvan user add … --member ID`: a member's account from the server's command line, made
//! as the members page makes it (linked, one-time password, new password at first sign-in).

use crate::auth::{password, Role, Scope};
use crate::db::WriteTx;
use crate::error::{AppError, AppResult};

use super::store;

/// Makes the account of member `member_id`; the message to print, with the one-time
/// password. `username` and `pass` replace the derived username and the random password.
pub async fn add(
    tx: &mut WriteTx,
    member_id: &str,
    username: Option<&str>,
    pass: Option<String>,
) -> AppResult<String> {
    let missing = || AppError::BadRequest(format!("Không có đảng viên mã {member_id}"));
    // Where the member lives, to act there as the system would (logged as system:cli).
    let village_id = tx
        .fetch_optional(
            "SELECT village_id FROM members WHERE id = ?",
            &[member_id.trim().into()],
        )
        .await?
        .ok_or_else(missing)?
        .str("village_id")?;
    let village = crate::units::store::get(tx, &village_id).await?;
    let scope = Scope::unsafe_system_at("cli", Role::CellSecretary, &village);
    let m = store::eligible(tx, &scope, member_id.trim()).await?;
    let pass = match pass {
        Some(p) => {
            password::check_strength(&p)?;
            p
        }
        None => super::model::one_time_password(),
    };
    let hash = password::hash(&pass)?;
    let username = store::create(tx, &scope, &m, &hash, username)
        .await?
        .ok_or_else(|| AppError::Conflict(format!("Đảng viên {} đã có tài khoản", m.full_name)))?;
    Ok(format!(
        "Đã tạo tài khoản {username} cho đảng viên {} (thôn {}).\nMật khẩu một lần: {pass}\n\
         Lần đăng nhập đầu, người dùng phải đặt mật khẩu mới.",
        m.full_name, m.village_name
    ))
}
