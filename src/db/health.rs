//! Can the database serve? Checked without writing anything: a read on the read pool,
//! the writer's progress, and the free space where the SQLite file lives.

use std::time::Duration;

use serde::Serialize;

use super::{Db, Engine};

/// The writer counts as stuck when work has waited this long with nothing finished.
const WRITER_STUCK_AFTER: Duration = Duration::from_secs(15);
/// Below this much free disk the SQLite file cannot be trusted to take the next writes.
const MIN_FREE_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, Clone, Serialize)]
pub struct Health {
    pub ok: bool,
    /// What is wrong, in Vietnamese; empty when healthy.
    pub problems: Vec<String>,
    pub writer_queue: usize,
}

pub(super) async fn check(db: &Db) -> Health {
    let mut problems = Vec::new();
    let read = tokio::time::timeout(
        Duration::from_secs(3),
        db.read(|tx| Box::pin(async move { tx.scalar_i64("SELECT 1", &[]).await })),
    )
    .await;
    match read {
        Ok(Ok(1)) => {}
        Ok(Ok(_)) | Ok(Err(_)) => problems.push("cơ sở dữ liệu không trả lời truy vấn đọc".into()),
        Err(_) => problems.push("truy vấn đọc quá 3 giây".into()),
    }
    let writer = &db.inner.writer.health;
    if db.inner.writer.is_closed() {
        problems.push("bộ ghi dữ liệu đã dừng".into());
    } else if writer.stuck(WRITER_STUCK_AFTER) {
        problems.push(format!(
            "bộ ghi dữ liệu không tiến triển ({} việc đang chờ)",
            writer.queued()
        ));
    }
    if let Engine::Sqlite { path, .. } = &db.inner.engine {
        if let Some(free) = free_bytes(path.parent().unwrap_or(path)) {
            if free < MIN_FREE_BYTES {
                problems.push(format!("ổ đĩa gần đầy (còn {} MB)", free / (1024 * 1024)));
            }
        }
    }
    Health {
        ok: problems.is_empty(),
        problems,
        writer_queue: writer.queued(),
    }
}

#[cfg(unix)]
fn free_bytes(dir: &std::path::Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
    let mut st = std::mem::MaybeUninit::<libc::statvfs>::uninit();
    // SAFETY: `c` is a valid NUL-terminated path and `st` is written by the call.
    let rc = unsafe { libc::statvfs(c.as_ptr(), st.as_mut_ptr()) };
    if rc != 0 {
        return None;
    }
    // SAFETY: statvfs returned 0, so it filled the struct.
    let st = unsafe { st.assume_init() };
    #[allow(clippy::unnecessary_cast)] // the field types differ between platforms
    Some(st.f_bavail as u64 * st.f_frsize as u64)
}

#[cfg(not(unix))]
fn free_bytes(_: &std::path::Path) -> Option<u64> {
    None
}
