//! Login throttling, per account and per address, kept in the database so that every
//! replica sees the same count.

use time::Duration;

use crate::clock;
use crate::db::{Tx, WriteTx};
use crate::error::{AppError, AppResult};

/// Failures allowed per account within the window before it is locked for the window.
pub const PER_ACCOUNT: i64 = 5;
/// Failures allowed per address (a shared commune office connection tries many accounts).
pub const PER_ADDRESS: i64 = 30;
pub const WINDOW_MINUTES: i64 = 15;

pub async fn check(tx: &mut Tx, username: &str, ip: &str) -> AppResult<()> {
    let since = clock::ago(Duration::minutes(WINDOW_MINUTES));
    let by_user = tx
        .scalar_i64(
            "SELECT COUNT(*) FROM login_failures WHERE username = ? AND at > ?",
            &[username.into(), since.clone().into()],
        )
        .await?;
    let by_ip = tx
        .scalar_i64(
            "SELECT COUNT(*) FROM login_failures WHERE ip = ? AND at > ?",
            &[ip.into(), since.into()],
        )
        .await?;
    if by_user >= PER_ACCOUNT || by_ip >= PER_ADDRESS {
        return Err(AppError::TooManyRequests(format!(
            "Đăng nhập sai quá nhiều lần. Vui lòng đợi {WINDOW_MINUTES} phút rồi thử lại, hoặc nhờ quản trị viên đặt lại mật khẩu."
        )));
    }
    Ok(())
}

pub async fn record_failure(tx: &mut WriteTx, username: &str, ip: &str) -> AppResult<()> {
    tx.execute(
        "INSERT INTO login_failures (id, username, ip, at) VALUES (?, ?, ?, ?)",
        &[
            clock::new_id().into(),
            username.into(),
            ip.into(),
            clock::now().into(),
        ],
    )
    .await?;
    // Old rows are useless; keep the table small.
    tx.execute(
        "DELETE FROM login_failures WHERE at < ?",
        &[clock::ago(Duration::days(1)).into()],
    )
    .await?;
    Ok(())
}

pub async fn clear(tx: &mut WriteTx, username: &str) -> AppResult<()> {
    tx.execute(
        "DELETE FROM login_failures WHERE username = ?",
        &[username.into()],
    )
    .await?;
    Ok(())
}
