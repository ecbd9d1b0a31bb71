//! `danvan backup` then `danvan restore` into an empty database gives the same rows.

use crate::both;
use crate::common::{self, Backend};

const TABLES: &[&str] = &[
    "units",
    "unit_lineage",
    "cells",
    "households",
    "members",
    "users",
    "grants",
    "audit_log",
    "audit_heads",
];

async fn digest(db: &danvan::db::Db) -> Vec<(String, i64, String)> {
    let mut out = Vec::new();
    for t in TABLES {
        let sql = format!("SELECT * FROM {t} ORDER BY 1, 2");
        let rows = db
            .read(move |tx| Box::pin(async move { tx.fetch_all(&sql, &[]).await }))
            .await
            .unwrap();
        let mut text = String::new();
        for r in &rows {
            for v in r.values() {
                // Floats print the same on both sides; everything else as it is.
                text.push_str(&format!("{v:?}|"));
            }
        }
        out.push((
            t.to_string(),
            rows.len() as i64,
            danvan::auth::password::sha256_hex(&text),
        ));
    }
    out
}

both!(backup_and_restore_round_trip, backup_and_restore_round_trip);
async fn backup_and_restore_round_trip(b: Backend) {
    let app = common::spawn(b).await;
    // Some activity while the server runs.
    let c = app.login("bt.bangngang").await;
    c.get("/households").await;
    let file = app.data_dir.join("backup.dump");
    let out = app.cli(&["backup", "--out", file.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Refuses to overwrite an existing backup.
    assert!(!app
        .cli(&["backup", "--out", file.to_str().unwrap()])
        .status
        .success());

    let target_dir = tempfile::tempdir().unwrap();
    let target_url = match b {
        Backend::Sqlite => None,
        Backend::Postgres => Some(common::create_pg_database().await),
    };
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_danvan"));
    cmd.arg("--data-dir")
        .arg(target_dir.path())
        .arg("restore")
        .arg(&file);
    match &target_url {
        Some(u) => cmd.env("DANVAN_DATABASE_URL", u),
        None => cmd.env_remove("DANVAN_DATABASE_URL"),
    };
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let restored = danvan::db::Db::connect(target_url.as_deref(), target_dir.path())
        .await
        .unwrap();
    let before = digest(&app.db).await;
    let after = digest(&restored).await;
    assert_eq!(before, after);
    assert!(before
        .iter()
        .any(|(t, n, _)| t == "households" && *n > 1000));

    // Restoring again into the now non-empty database is refused.
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_danvan"));
    cmd.arg("--data-dir")
        .arg(target_dir.path())
        .arg("restore")
        .arg(&file);
    match &target_url {
        Some(u) => cmd.env("DANVAN_DATABASE_URL", u),
        None => cmd.env_remove("DANVAN_DATABASE_URL"),
    };
    assert!(!cmd.output().unwrap().status.success());
}
