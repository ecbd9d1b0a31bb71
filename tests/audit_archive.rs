//! `danvan audit archive`: old months leave the database for a file that proves itself,
//! the chains carry on from their anchors, and PostgreSQL keeps the log in month
//! partitions that an archive drops whole.

use std::io::{Read, Write};

use crate::both;
use crate::common::{self, Backend, IntoText, TestApp};
use sha2::Digest;

const CHAIN: &str = "c-12280";

fn run(app: &TestApp, args: &[&str]) -> (bool, String) {
    let out = app.cli(args);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// Rewrites the chain as if its first `old` events had happened in March 2024: new times,
/// every hash recomputed from the first row, the head moved. This is the hash rule written
/// out independently of the server, so it also checks that rule.
async fn backdate(app: &TestApp, chain: &str, old: i64) {
    let rows = app
        .rows(
            "SELECT seq, at, actor_id, action, entity, entity_id, detail FROM audit_log WHERE chain = ? ORDER BY seq",
            &[chain.into()],
        )
        .await;
    let mut prev = "0".repeat(64);
    for r in rows {
        let v: Vec<String> = r.values().iter().map(|x| x.clone().into_text()).collect();
        let seq: i64 = v[0].parse().unwrap();
        let at = if seq <= old {
            format!("2024-03-15T02:00:{:02}.000Z", seq % 60)
        } else {
            v[1].clone()
        };
        let mut s = String::new();
        for part in [
            &prev,
            chain,
            &seq.to_string(),
            &at,
            &v[2],
            &v[3],
            &v[4],
            &v[5],
            &v[6],
        ] {
            s.push_str(part);
            s.push('\n');
        }
        let hash = hex::encode(sha2::Sha256::digest(s.as_bytes()));
        app.exec(
            "UPDATE audit_log SET at = ?, prev_hash = ?, hash = ? WHERE chain = ? AND seq = ?",
            &[
                at.into(),
                prev.clone().into(),
                hash.clone().into(),
                chain.into(),
                seq.into(),
            ],
        )
        .await;
        prev = hash;
    }
    app.exec(
        "UPDATE audit_heads SET last_hash = ? WHERE chain = ?",
        &[prev.into(), chain.into()],
    )
    .await;
}

async fn rows_in(app: &TestApp, chain: &str) -> i64 {
    app.count(
        "SELECT COUNT(*) FROM audit_log WHERE chain = ?",
        &[chain.into()],
    )
    .await
}

both!(
    old_months_move_to_a_file_and_verify_carries_on,
    old_months_move_to_a_file_and_verify_carries_on
);
async fn old_months_move_to_a_file_and_verify_carries_on(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login("bt.bangngang").await;
    for _ in 0..6 {
        c.get("/households").await;
    }
    if b == Backend::Postgres {
        // The server keeps this month's partition ready; an old month gets one here so
        // that the archive can drop it whole.
        let month = &danvan::clock::now()[..7];
        let this_month = format!("audit_log_{}", month.replace('-', "_"));
        let found = app
            .count(
                "SELECT COUNT(*) FROM pg_class WHERE relname = ?",
                &[this_month.clone().into()],
            )
            .await;
        assert_eq!(found, 1, "{this_month} is prepared at start-up");
        app.exec(
            "CREATE TABLE audit_log_2024_03 PARTITION OF audit_log FOR VALUES FROM ('2024-03') TO ('2024-04')",
            &[],
        )
        .await;
    }
    let total = rows_in(&app, CHAIN).await;
    assert!(total >= 6, "the commune's chain has events: {total}");
    let old = total / 2;
    backdate(&app, CHAIN, old).await;
    let (ok, out) = run(&app, &["audit", "verify"]);
    assert!(ok, "the rewritten chain is a valid chain: {out}");

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("nhat-ky-2024.jsonl.gz");
    let file_arg = file.to_str().unwrap();
    let (ok, out) = run(
        &app,
        &[
            "audit",
            "archive",
            "--before",
            "01/01/2025",
            "--out",
            file_arg,
        ],
    );
    assert!(ok, "{out}");
    assert!(out.contains(&format!("Đã lưu trữ {old} sự kiện")), "{out}");
    assert_eq!(
        rows_in(&app, CHAIN).await,
        total - old,
        "the old events left the database"
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM audit_anchors WHERE chain = ? AND seq = ?",
            &[CHAIN.into(), old.into()]
        )
        .await,
        1
    );
    if b == Backend::Postgres {
        assert!(
            out.contains("2024-03"),
            "the emptied month is dropped: {out}"
        );
        let left = app
            .count(
                "SELECT COUNT(*) FROM pg_class WHERE relname = 'audit_log_2024_03'",
                &[],
            )
            .await;
        assert_eq!(left, 0);
    }

    // The database chain carries on from the anchor; the file proves the rest.
    let (ok, out) = run(&app, &["audit", "verify"]);
    assert!(ok, "{out}");
    let (ok, out) = run(&app, &["audit", "verify-archive", file_arg]);
    assert!(ok, "{out}");
    assert!(out.contains(&format!("{old} sự kiện")), "{out}");

    // New activity still seals onto the chain after an archive.
    c.get("/households").await;
    assert!(run(&app, &["audit", "verify"]).0);

    // Nothing older is left: a second run says so and writes nothing.
    let again = dir.path().join("lan-hai.jsonl.gz");
    let (ok, out) = run(
        &app,
        &[
            "audit",
            "archive",
            "--before",
            "2025-01-01",
            "--out",
            again.to_str().unwrap(),
        ],
    );
    assert!(ok, "{out}");
    assert!(out.contains("Không có sự kiện nào"), "{out}");
    assert!(!again.exists());

    // An edited archive is refused.
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(&file).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    let edited_text = text.replacen("\"actor_id\":\"", "\"actor_id\":\"x", 1);
    assert_ne!(edited_text, text);
    let edited = dir.path().join("sua.jsonl.gz");
    let mut gz =
        flate2::write::GzEncoder::new(std::fs::File::create(&edited).unwrap(), Default::default());
    gz.write_all(edited_text.as_bytes()).unwrap();
    gz.finish().unwrap();
    let (ok, out) = run(&app, &["audit", "verify-archive", edited.to_str().unwrap()]);
    assert!(!ok, "{out}");
    assert!(out.contains("hỏng"), "{out}");

    // Removing the anchor does not hide the missing part: the chain no longer starts at 1.
    app.exec("DELETE FROM audit_anchors WHERE chain = ?", &[CHAIN.into()])
        .await;
    let (ok, out) = run(&app, &["audit", "verify"]);
    assert!(!ok, "{out}");
}

both!(
    bad_archive_requests_change_nothing,
    bad_archive_requests_change_nothing
);
async fn bad_archive_requests_change_nothing(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login("bt.bangngang").await;
    c.get("/households").await;
    let total = app.count("SELECT COUNT(*) FROM audit_log", &[]).await;
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("a.jsonl.gz");
    let out_arg = out_file.to_str().unwrap();

    let (ok, out) = run(
        &app,
        &[
            "audit",
            "archive",
            "--before",
            "31/02/2025",
            "--out",
            out_arg,
        ],
    );
    assert!(!ok);
    assert!(out.contains("không đọc được"), "{out}");
    let (ok, out) = run(
        &app,
        &[
            "audit",
            "archive",
            "--before",
            "01/01/2999",
            "--out",
            out_arg,
        ],
    );
    assert!(!ok);
    assert!(out.contains("tương lai"), "{out}");

    // An existing file is never overwritten.
    std::fs::write(&out_file, b"keep me").unwrap();
    backdate(&app, CHAIN, 1).await;
    let (ok, out) = run(
        &app,
        &[
            "audit",
            "archive",
            "--before",
            "01/01/2025",
            "--out",
            out_arg,
        ],
    );
    assert!(!ok);
    assert!(out.contains("Không tạo được tệp"), "{out}");
    assert_eq!(std::fs::read(&out_file).unwrap(), b"keep me");

    // A broken chain is not archived.
    app.exec(
        "UPDATE audit_log SET detail = 'sửa' WHERE chain = ? AND seq = 1",
        &[CHAIN.into()],
    )
    .await;
    let fresh = dir.path().join("b.jsonl.gz");
    let (ok, out) = run(
        &app,
        &[
            "audit",
            "archive",
            "--before",
            "01/01/2025",
            "--out",
            fresh.to_str().unwrap(),
        ],
    );
    assert!(!ok);
    assert!(out.contains("hỏng"), "{out}");
    assert!(!fresh.exists(), "no half-written file is left");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log", &[]).await,
        total
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_anchors", &[]).await,
        0
    );
}
