//! Backups that are consistent while the server runs: SQLite `VACUUM INTO`, PostgreSQL
//! `pg_dump`. Restore only ever goes into an empty database.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::Db;
use crate::config::Config;

/// Finds a PostgreSQL client program: on PATH, or in Debian's versioned folders.
fn pg_program(name: &str) -> PathBuf {
    if let Ok(dir) = std::env::var("DANVAN_PG_BIN") {
        return Path::new(&dir).join(name);
    }
    for v in ["17", "16", "15", "14"] {
        let p = PathBuf::from(format!("/usr/lib/postgresql/{v}/bin/{name}"));
        if p.exists() {
            return p;
        }
    }
    PathBuf::from(name)
}

pub async fn backup(db: &Db, config: &Config, out: &Path) -> anyhow::Result<()> {
    if out.exists() {
        anyhow::bail!(
            "tệp {} đã có; chọn tên khác để không ghi đè bản sao lưu cũ",
            out.display()
        );
    }
    match db.backend() {
        super::Backend::Sqlite => {
            let target = out.to_string_lossy().replace('\'', "''");
            db.unsafe_execute_outside_transaction(&format!("VACUUM INTO '{target}'"))
                .await?;
        }
        super::Backend::Postgres => {
            let url = config.database_url.clone().unwrap_or_default();
            let status = Command::new(pg_program("pg_dump"))
                .args(["--format=custom", "--no-owner", "--no-privileges", "--file"])
                .arg(out)
                .arg("--dbname")
                .arg(&url)
                .status()?;
            if !status.success() {
                anyhow::bail!("pg_dump không thành công ({status})");
            }
        }
    }
    Ok(())
}

pub async fn restore(config: &Config, file: &Path) -> anyhow::Result<()> {
    if !file.exists() {
        anyhow::bail!("không có tệp {}", file.display());
    }
    match config.database_url.as_deref() {
        Some(url) if url.starts_with("postgres") => {
            let db = Db::connect(Some(url), &config.data_dir).await?;
            let tables = db
                .read(|tx| {
                    Box::pin(async move {
                        tx.scalar_i64(
                            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'",
                            &[],
                        )
                        .await
                    })
                })
                .await;
            db.close().await;
            if tables? > 0 {
                anyhow::bail!(
                    "cơ sở dữ liệu đích không trống; chỉ khôi phục vào cơ sở dữ liệu mới tạo"
                );
            }
            // The dump creates the collation `vi` itself.
            let status = Command::new(pg_program("pg_restore"))
                .args([
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    "--single-transaction",
                    "--dbname",
                ])
                .arg(url)
                .arg(file)
                .status()?;
            if !status.success() {
                anyhow::bail!("pg_restore không thành công ({status})");
            }
        }
        _ => {
            let target = super::sqlite_path(&config.data_dir);
            if target.exists() && std::fs::metadata(&target)?.len() > 0 {
                anyhow::bail!(
                    "{} đã có dữ liệu; chỉ khôi phục vào thư mục dữ liệu trống (--data-dir)",
                    target.display()
                );
            }
            std::fs::create_dir_all(&config.data_dir)?;
            // Check it is a danvan SQLite database before putting it in place.
            let probe = Db::connect(
                Some(&format!("sqlite:{}", file.display())),
                &config.data_dir,
            )
            .await?;
            let ok = probe
                .read(|tx| {
                    Box::pin(async move {
                        tx.scalar_i64(
                            "SELECT COUNT(*) FROM sqlite_master WHERE name = 'households'",
                            &[],
                        )
                        .await
                    })
                })
                .await
                .unwrap_or(0);
            if ok == 0 {
                probe.close().await;
                anyhow::bail!("{} không phải bản sao lưu của danvan", file.display());
            }
            probe.close().await;
            std::fs::copy(file, &target)?;
        }
    }
    Ok(())
}
