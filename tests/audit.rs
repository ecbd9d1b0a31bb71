//! The audit log: reads logged, chain verified, tampering found.

use crate::both;
use crate::common::{self, Backend};
use reqwest::StatusCode;

both!(staff_reads_are_logged, staff_reads_are_logged);
async fn staff_reads_are_logged(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login("bt.bangngang").await;
    let uid = app
        .one_str("SELECT id FROM users WHERE username = 'bt.bangngang'", &[])
        .await;
    let hid = app.one_str("SELECT h.id FROM households h JOIN units v ON v.id = h.village_id WHERE v.name = 'Bằng Ngang' ORDER BY h.code LIMIT 1", &[]).await;
    let before = app
        .count(
            "SELECT COUNT(*) FROM audit_log WHERE actor_id = ? AND action = 'read'",
            &[uid.clone().into()],
        )
        .await;
    assert_eq!(
        c.get(&format!("/households/{hid}")).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE actor_id = ? AND action = 'read' AND entity = 'household' AND entity_id = ?", &[uid.clone().into(), hid.clone().into()]).await,
        1
    );
    // A list page is one event naming the records shown, never their values.
    c.get("/households").await;
    let detail = app
        .one_str("SELECT detail FROM audit_log WHERE actor_id = ? AND action = 'read' AND entity_id = '*' ORDER BY at DESC LIMIT 1", &[uid.clone().into()])
        .await;
    assert!(detail.contains("\"shown\""), "{detail}");
    let head = app
        .one_str(
            "SELECT head_name FROM households WHERE id = ?",
            &[hid.into()],
        )
        .await;
    assert!(!detail.contains(&head));
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM audit_log WHERE actor_id = ? AND action = 'read'",
            &[uid.into()]
        )
        .await,
        before + 2
    );

    // The auditor of the province sees these entries; the page shows who and what.
    let auditor = app.login("kiemtra.hungyen").await;
    let page = auditor.get_text("/audit").await;
    assert!(page.contains("bt.bangngang") && page.contains("Xem"));
    // Others may not read the log.
    assert_eq!(c.get("/audit").await.status(), StatusCode::FORBIDDEN);
}

both!(chain_detects_tampering, chain_detects_tampering);
async fn chain_detects_tampering(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login("bt.bangngang").await;
    for _ in 0..3 {
        c.get("/households").await;
    }
    let ok = app.cli(&["audit", "verify"]);
    assert!(
        ok.status.success(),
        "{}{}",
        String::from_utf8_lossy(&ok.stdout),
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("toàn vẹn"));

    let chain = "c-12280";
    let verify = || {
        let out = app.cli(&["audit", "verify", "--json"]);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json report");
        (out.status.success(), v)
    };
    // Edited row.
    app.exec(
        "UPDATE audit_log SET actor_id = 'someone-else' WHERE chain = ? AND seq = 3",
        &[chain.into()],
    )
    .await;
    let (ok, v) = verify();
    assert!(!ok);
    assert_eq!(v["problems"][0]["seq"], 3);
    assert!(v["problems"][0]["what"].as_str().unwrap().contains("sửa"));
    // Deleted row in the middle.
    let fresh = common::spawn(b).await;
    let c = fresh.login("bt.bangngang").await;
    for _ in 0..3 {
        c.get("/households").await;
    }
    fresh
        .exec(
            "DELETE FROM audit_log WHERE chain = ? AND seq = 2",
            &[chain.into()],
        )
        .await;
    let out = fresh.cli(&["audit", "verify", "--json"]);
    assert!(!out.status.success());
    // Deleted tail.
    let fresh = common::spawn(b).await;
    let c = fresh.login("bt.bangngang").await;
    c.get("/households").await;
    fresh.exec("DELETE FROM audit_log WHERE chain = ? AND seq = (SELECT MAX(seq) FROM audit_log WHERE chain = ?)", &[chain.into(), chain.into()]).await;
    assert!(!fresh.cli(&["audit", "verify"]).status.success());
    // Reordered rows: two rows swap places (seq exchanged).
    let fresh = common::spawn(b).await;
    let c = fresh.login("bt.bangngang").await;
    for _ in 0..3 {
        c.get("/households").await;
    }
    fresh
        .exec(
            "UPDATE audit_log SET seq = -1 WHERE chain = ? AND seq = 2",
            &[chain.into()],
        )
        .await;
    fresh
        .exec(
            "UPDATE audit_log SET seq = 2 WHERE chain = ? AND seq = 3",
            &[chain.into()],
        )
        .await;
    fresh
        .exec(
            "UPDATE audit_log SET seq = 3 WHERE chain = ? AND seq = -1",
            &[chain.into()],
        )
        .await;
    assert!(!fresh.cli(&["audit", "verify"]).status.success());
}

/// Audit events of one user, newest last.
async fn events_of(app: &common::TestApp, user: &str) -> Vec<danvan::db::Row> {
    app.rows(
        "SELECT a.action, a.entity, a.entity_id, a.detail FROM audit_log a JOIN users u ON u.id = a.actor_id \
         WHERE u.username = ? ORDER BY a.at, a.chain, a.seq",
        &[user.into()],
    )
    .await
}

fn shown(detail: &str, kind: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(detail).expect("detail is JSON");
    danvan::audit::model::decode_ids(&v["shown"][kind])
}

both!(one_action_is_one_event, one_action_is_one_event);
async fn one_action_is_one_event(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login("bt.bangngang").await;
    let hid = app.one_str("SELECT h.id FROM households h JOIN units v ON v.id = h.village_id WHERE v.name = 'Bằng Ngang' ORDER BY h.code LIMIT 1", &[]).await;
    // An API edit reads the record, changes it and answers with it: one event, "update".
    let before = events_of(&app, "bt.bangngang").await.len();
    let res = c
        .json(
            reqwest::Method::PATCH,
            &format!("/api/v1/households/{hid}"),
            Some(serde_json::json!({ "house_no": "17" })),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let after = events_of(&app, "bt.bangngang").await;
    assert_eq!(after.len(), before + 1, "one PATCH, one event");
    let e = after.last().unwrap();
    assert_eq!(e.str("action").unwrap(), "update");
    assert_eq!(e.str("entity_id").unwrap(), hid);
    assert!(e.str("detail").unwrap().contains("house_no"));

    // The plan page names every household of the plan, in one event; so do its documents.
    let committee = app.login("xa.luongbang").await;
    let plan = app
        .one_str(
            "SELECT p.id FROM assignment_plans p JOIN units v ON v.id = p.village_id \
             WHERE v.name = 'Bằng Ngang' AND p.status = 'approved'",
            &[],
        )
        .await;
    let mut in_plan: Vec<String> = app
        .rows(
            "SELECT household_id FROM assignment_pairs WHERE plan_id = ?",
            &[plan.clone().into()],
        )
        .await
        .iter()
        .map(|r| r.str("household_id").unwrap())
        .collect();
    in_plan.sort();
    assert!(in_plan.len() > 300);
    for path in [
        format!("/assignment/plans/{plan}"),
        format!("/assignment/plans/{plan}/list.docx"),
        format!("/assignment/plans/{plan}/list.xlsx"),
    ] {
        let before = events_of(&app, "xa.luongbang").await.len();
        assert_eq!(
            committee.get(&path).await.status(),
            StatusCode::OK,
            "{path}"
        );
        let after = events_of(&app, "xa.luongbang").await;
        assert_eq!(after.len(), before + 1, "{path}: one event");
        let e = after.last().unwrap();
        assert_eq!(e.str("action").unwrap(), "read");
        assert_eq!(e.str("entity").unwrap(), "assignment_plan");
        let mut named = shown(&e.str("detail").unwrap(), "household");
        named.sort();
        for h in &in_plan {
            assert!(
                named.binary_search(h).is_ok(),
                "{path}: household {h} not named"
            );
        }
        assert!(!shown(&e.str("detail").unwrap(), "member").is_empty());
    }
}

const CHAIN: &str = "c-12280";
const KEY: &str = "5f2b9c0e7a1d4e3f8b6a0c9d2e1f4a7b5f2b9c0e7a1d4e3f8b6a0c9d2e1f4a7b";

/// A few events in the pilot commune's chain.
async fn some_events(app: &common::TestApp) {
    let c = app.login("bt.bangngang").await;
    for _ in 0..3 {
        c.get("/households").await;
    }
}

fn verify_json(app: &common::TestApp, extra: &[&str]) -> (bool, serde_json::Value) {
    let mut args = vec!["audit", "verify", "--json"];
    args.extend_from_slice(extra);
    let out = app.cli_env(&[("DANVAN_AUDIT_KEY", KEY)], &args);
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!(
            "json report: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.success(), v)
}

fn problems(v: &serde_json::Value) -> String {
    v["problems"].to_string()
}

/// Exports a checkpoint with the CLI into a folder outside the data folder.
fn checkpoint(app: &common::TestApp, dir: &std::path::Path) -> std::path::PathBuf {
    let file = dir.join("checkpoint.jsonl");
    let out = app.cli_env(
        &[("DANVAN_AUDIT_KEY", KEY)],
        &["audit", "checkpoint", "--out", file.to_str().unwrap()],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    file
}

/// What an attacker with write access to the database can do: recompute every hash of
/// the chain and its head (the algorithm is public), so that the chain verifies again.
async fn rehash_chain(app: &common::TestApp, chain: &str) {
    let rows = app
        .rows(
            "SELECT seq, at, actor_id, action, entity, entity_id, detail FROM audit_log WHERE chain = ? ORDER BY seq",
            &[chain.into()],
        )
        .await;
    let mut prev = danvan::audit::chain::GENESIS.to_owned();
    let mut last = 0;
    for r in &rows {
        let seq = r.i64("seq").unwrap();
        let hash = danvan::audit::chain::row_hash(
            &prev,
            chain,
            seq,
            &r.str("at").unwrap(),
            [
                &r.str("actor_id").unwrap(),
                &r.str("action").unwrap(),
                &r.str("entity").unwrap(),
                &r.str("entity_id").unwrap(),
                &r.str("detail").unwrap(),
            ],
        );
        app.exec(
            "UPDATE audit_log SET prev_hash = ?, hash = ? WHERE chain = ? AND seq = ?",
            &[
                prev.clone().into(),
                hash.clone().into(),
                chain.into(),
                seq.into(),
            ],
        )
        .await;
        prev = hash;
        last = seq;
    }
    app.exec(
        "UPDATE audit_heads SET last_seq = ?, last_hash = ? WHERE chain = ?",
        &[last.into(), prev.into(), chain.into()],
    )
    .await;
}

both!(
    an_edit_after_deleting_the_head_is_reported,
    an_edit_after_deleting_the_head_is_reported
);
async fn an_edit_after_deleting_the_head_is_reported(b: Backend) {
    let app = common::spawn(b).await;
    some_events(&app).await;
    app.exec("DELETE FROM audit_heads WHERE chain = ?", &[CHAIN.into()])
        .await;
    app.exec(
        "UPDATE audit_log SET actor_id = 'someone-else' WHERE chain = ? AND seq = 2",
        &[CHAIN.into()],
    )
    .await;
    let (ok, v) = verify_json(&app, &[]);
    assert!(!ok, "{v}");
    let p = problems(&v);
    assert!(p.contains("sửa") && p.contains("audit_heads"), "{p}");
}

both!(
    a_tail_deleted_with_its_head_rewound_is_caught_only_by_a_checkpoint,
    a_tail_deleted_with_its_head_rewound_is_caught_only_by_a_checkpoint
);
async fn a_tail_deleted_with_its_head_rewound_is_caught_only_by_a_checkpoint(b: Backend) {
    let app = common::spawn(b).await;
    some_events(&app).await;
    let outside = tempfile::tempdir().unwrap();
    let cp = checkpoint(&app, outside.path());
    let last = app
        .count(
            "SELECT MAX(seq) FROM audit_log WHERE chain = ?",
            &[CHAIN.into()],
        )
        .await;
    let prev = app
        .one_str(
            "SELECT hash FROM audit_log WHERE chain = ? AND seq = ?",
            &[CHAIN.into(), (last - 1).into()],
        )
        .await;
    app.exec(
        "DELETE FROM audit_log WHERE chain = ? AND seq = ?",
        &[CHAIN.into(), last.into()],
    )
    .await;
    app.exec(
        "UPDATE audit_heads SET last_seq = ?, last_hash = ? WHERE chain = ?",
        &[(last - 1).into(), prev.into(), CHAIN.into()],
    )
    .await;
    // The chain alone cannot tell: this is the limit checkpoints exist for.
    let (ok, v) = verify_json(&app, &[]);
    assert!(ok, "{v}");
    let (ok, v) = verify_json(&app, &["--checkpoint", cp.to_str().unwrap()]);
    assert!(!ok, "{v}");
    assert!(problems(&v).contains("ngắn hơn mốc kiểm tra"), "{v}");
    assert_eq!(v["problems"][0]["chain"], CHAIN);
}

both!(
    a_rewritten_chain_passes_alone_but_not_against_a_checkpoint,
    a_rewritten_chain_passes_alone_but_not_against_a_checkpoint
);
async fn a_rewritten_chain_passes_alone_but_not_against_a_checkpoint(b: Backend) {
    let app = common::spawn(b).await;
    some_events(&app).await;
    let outside = tempfile::tempdir().unwrap();
    let cp = checkpoint(&app, outside.path());
    let (ok, v) = verify_json(&app, &["--checkpoint", cp.to_str().unwrap()]);
    assert!(ok, "an untouched log matches its checkpoint: {v}");
    assert!(v["checkpoint_at"].is_string());

    app.exec(
        "UPDATE audit_log SET actor_id = 'someone-else' WHERE chain = ? AND seq = 2",
        &[CHAIN.into()],
    )
    .await;
    rehash_chain(&app, CHAIN).await;
    let (ok, v) = verify_json(&app, &[]);
    assert!(ok, "a full rewrite fools the chain alone: {v}");
    let (ok, v) = verify_json(&app, &["--checkpoint", cp.to_str().unwrap()]);
    assert!(!ok, "{v}");
    assert!(problems(&v).contains("khác mốc kiểm tra"), "{v}");
    assert_eq!(v["problems"][0]["chain"], CHAIN);
}

both!(
    an_edited_checkpoint_is_refused,
    an_edited_checkpoint_is_refused
);
async fn an_edited_checkpoint_is_refused(b: Backend) {
    let app = common::spawn(b).await;
    some_events(&app).await;
    let outside = tempfile::tempdir().unwrap();
    let cp = checkpoint(&app, outside.path());
    // Someone moves the checkpoint back to hide a truncation: the MAC no longer matches.
    let text = std::fs::read_to_string(&cp).unwrap();
    let line = text.lines().find(|l| l.contains(CHAIN)).unwrap();
    let v: serde_json::Value = serde_json::from_str(line).unwrap();
    let seq = v["seq"].as_i64().unwrap();
    let edited = text.replacen(
        &format!("\"seq\":{seq}"),
        &format!("\"seq\":{}", seq - 1),
        1,
    );
    assert_ne!(edited, text);
    std::fs::write(&cp, edited).unwrap();
    let out = app.cli_env(
        &[("DANVAN_AUDIT_KEY", KEY)],
        &["audit", "verify", "--checkpoint", cp.to_str().unwrap()],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("mã xác thực không khớp"), "{err}");
    assert!(out.stdout.is_empty(), "nothing is reported as verified");
    // Without the key there is nothing to check a checkpoint with: said, not guessed.
    let out = app.cli_env(
        &[("DANVAN_AUDIT_KEY", "")],
        &["audit", "verify", "--checkpoint", cp.to_str().unwrap()],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("DANVAN_AUDIT_KEY"));
}

both!(
    the_server_keeps_checkpoints_outside_the_data_folder,
    the_server_keeps_checkpoints_outside_the_data_folder
);
async fn the_server_keeps_checkpoints_outside_the_data_folder(b: Backend) {
    let outside = tempfile::tempdir().unwrap();
    let dir = outside.path().join("checkpoints");
    let app = common::spawn_with(
        b,
        common::Options {
            audit_checkpoints: Some((KEY.to_owned(), dir.clone())),
            ..Default::default()
        },
    )
    .await;
    some_events(&app).await;
    let key = danvan::audit::checkpoint::AuditKey::parse(KEY).unwrap();
    danvan::audit::checkpoint::write_now(&app.db, &key, &dir)
        .await
        .expect("checkpoint written");
    let file = dir.join(danvan::audit::checkpoint::FILE_NAME);
    let (ok, v) = verify_json(&app, &["--checkpoint", file.to_str().unwrap()]);
    assert!(ok, "{v}");

    // After a rewrite the next periodic checkpoint must not replace the evidence.
    let before = std::fs::read_to_string(&file).unwrap();
    app.exec(
        "UPDATE audit_log SET entity_id = 'x' WHERE chain = ? AND seq = 1",
        &[CHAIN.into()],
    )
    .await;
    rehash_chain(&app, CHAIN).await;
    let err = danvan::audit::checkpoint::write_now(&app.db, &key, &dir)
        .await
        .unwrap_err();
    assert!(err.to_string().contains(CHAIN), "{err}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), before);
    assert!(!verify_json(&app, &["--checkpoint", file.to_str().unwrap()]).0);

    // A key file inside the data folder is refused, with the reason.
    let inside = app.data_dir.join("audit.key");
    std::fs::write(&inside, KEY).unwrap();
    let out = app.cli_env(
        &[("DANVAN_AUDIT_KEY_FILE", inside.to_str().unwrap())],
        &["audit", "checkpoint"],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("nằm trong thư mục dữ liệu"), "{err}");
    // The same key in a file outside it is used.
    let key_file = outside.path().join("audit.key");
    std::fs::write(&key_file, KEY).unwrap();
    let out = app.cli_env(
        &[("DANVAN_AUDIT_KEY_FILE", key_file.to_str().unwrap())],
        &["audit", "checkpoint"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"mac\""));
}

/// The rows of the audit page's table, as text without tags.
fn rows_of(page: &str) -> Vec<String> {
    let Some(start) = page.find("<tbody>") else {
        return Vec::new();
    };
    let body = &page[start
        ..page[start..]
            .find("</tbody>")
            .map_or(page.len(), |e| start + e)];
    body.split("<tr>")
        .skip(1)
        .map(|row| {
            let mut text = String::new();
            let mut in_tag = false;
            for ch in row.chars() {
                match ch {
                    '<' => in_tag = true,
                    '>' => {
                        in_tag = false;
                        text.push(' ');
                    }
                    _ if !in_tag => text.push(ch),
                    _ => {}
                }
            }
            text.split_whitespace().collect::<Vec<_>>().join(" ")
        })
        .collect()
}

/// A Vietnam calendar day `days` from today, as people type it.
fn vn_day(days: i64) -> String {
    let d = (time::OffsetDateTime::now_utc().to_offset(danvan::clock::VIETNAM)
        + time::Duration::days(days))
    .date();
    format!("{:02}/{:02}/{:04}", d.day(), u8::from(d.month()), d.year())
}

both!(the_log_reads_in_words, the_log_reads_in_words);
async fn the_log_reads_in_words(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login("bt.bangngang").await;
    let first = app
        .rows(
            "SELECT h.id, h.code, h.head_name FROM households h JOIN units v ON v.id = h.village_id \
             WHERE v.name = 'Bằng Ngang' ORDER BY h.code LIMIT 1",
            &[],
        )
        .await;
    let (hid, code, head) = (
        first[0].str("id").unwrap(),
        first[0].str("code").unwrap(),
        first[0].str("head_name").unwrap(),
    );
    c.get(&format!("/households/{hid}")).await;
    c.get("/households").await;
    let (plan, version) = {
        let r = app
            .rows(
                "SELECT p.id, p.version FROM assignment_plans p JOIN units v ON v.id = p.village_id \
                 WHERE v.name = 'Bằng Ngang' AND p.status = 'approved'",
                &[],
            )
            .await;
        (r[0].str("id").unwrap(), r[0].i64("version").unwrap())
    };
    let committee = app.login("xa.luongbang").await;
    committee.get(&format!("/assignment/plans/{plan}")).await;
    let drafted = app.cli(&["assign", "--village", "12280/Bằng Ngang", "--apply"]);
    assert!(
        drafted.status.success(),
        "{}",
        String::from_utf8_lossy(&drafted.stderr)
    );
    let listed = app
        .one_str(
            "SELECT a.detail FROM audit_log a JOIN users u ON u.id = a.actor_id \
             WHERE u.username = 'bt.bangngang' AND a.entity_id = '*' ORDER BY a.at DESC LIMIT 1",
            &[],
        )
        .await;
    let listed = shown(&listed, "household").len();
    let secretary = app
        .one_str(
            "SELECT display_name FROM users WHERE username = 'bt.bangngang'",
            &[],
        )
        .await;

    let auditor = app.login("kiemtra.hungyen").await;
    let res = auditor.get("/audit").await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert!(page.len() < 30_000, "{} bytes", page.len());
    let rows = rows_of(&page);
    let all = rows.join("\n");
    // Actions and record kinds in words, people by name, Vietnam time, records named.
    assert!(
        all.contains("Dòng lệnh máy chủ cli Lập dự thảo phân công Danh sách phân công: Bằng Ngang, phiên bản"),
        "{all}"
    );
    assert!(
        all.contains(&format!(
            "Xem Danh sách phân công: Bằng Ngang, phiên bản {version} — kèm"
        )),
        "{all}"
    );
    assert!(
        all.contains(&format!("Xem Hộ gia đình: {head} ({code})")),
        "{all}"
    );
    assert!(
        all.contains(&format!("Hộ gia đình: {listed} hộ")),
        "a list read says how many it showed ({listed}): {all}"
    );
    assert!(all.contains(&secretary), "{all}");
    for code in [
        "draft",
        "assignment_plan",
        " read ",
        "household",
        "seed",
        &hid,
    ] {
        assert!(!all.contains(code), "{code:?} on the page: {all}");
    }
    let at = app
        .one_str(
            "SELECT a.at FROM audit_log a JOIN users u ON u.id = a.actor_id \
             WHERE u.username = 'bt.bangngang' ORDER BY a.at DESC LIMIT 1",
            &[],
        )
        .await;
    assert!(all.contains(&danvan::web::format::datetime(&at)), "{all}");
    // Naming a household to the auditor is a read of it, logged like any other.
    assert!(
        app.count(
            "SELECT COUNT(*) FROM audit_log a JOIN users u ON u.id = a.actor_id \
             WHERE u.username = 'kiemtra.hungyen' AND a.action = 'read' AND a.entity = 'household' AND a.entity_id = ?",
            &[hid.clone().into()],
        )
        .await
            >= 1
    );

    // In English, English labels.
    let res = auditor
        .http
        .post(auditor.url("/lang"))
        .header("origin", &app.base)
        .form(&[("to", "en"), ("_csrf", &auditor.csrf)])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    let en = rows_of(&auditor.get_text("/audit").await).join("\n");
    assert!(
        en.contains("Draft plan Assignment plan: Bằng Ngang, version")
            && en.contains("Read Household: 50 households"),
        "{en}"
    );
    assert!(!en.contains("Lập dự thảo") && !en.contains(" hộ"), "{en}");
}

both!(filters_narrow_the_log, filters_narrow_the_log);
async fn filters_narrow_the_log(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login("bt.bangngang").await;
    c.get("/households").await;
    let drafted = app.cli(&["assign", "--village", "12280/Bằng Ngang", "--apply"]);
    assert!(drafted.status.success());
    let auditor = app.login("kiemtra.hungyen").await;
    let everything = rows_of(&auditor.get_text("/audit").await);

    let drafts = rows_of(&auditor.get_text("/audit?action=draft").await);
    assert_eq!(drafts.len(), 1, "{drafts:?}");
    assert!(drafts.len() < everything.len());
    assert!(drafts[0].contains("Lập dự thảo phân công"));

    let secretary = app
        .one_str(
            "SELECT display_name FROM users WHERE username = 'bt.bangngang'",
            &[],
        )
        .await;
    let by_user = rows_of(&auditor.get_text("/audit?user=bt.bangngang").await);
    let own = app
        .count(
            "SELECT COUNT(*) FROM audit_log a JOIN users u ON u.id = a.actor_id \
             WHERE u.username = 'bt.bangngang' AND a.chain <> 'global'",
            &[],
        )
        .await;
    assert_eq!(by_user.len() as i64, own);
    assert!(own > 0 && by_user.len() < everything.len());
    assert!(
        by_user.iter().all(|r| r.contains(&secretary)),
        "{by_user:?}"
    );

    let unit = rows_of(&auditor.get_text("/audit?unit=c-12280&action=read").await);
    assert!(unit.iter().all(|r| r.contains("Xem")) && !unit.is_empty());
    assert!(unit.len() < everything.len());
    assert!(rows_of(&auditor.get_text("/audit?unit=c-00000").await).is_empty());

    // Days are Vietnam days; the form's date input (yyyy-mm-dd) works as well as dd/mm/yyyy.
    let today = vn_day(0);
    let today_rows = rows_of(
        &auditor
            .get_text(&format!("/audit?from={today}&to={today}"))
            .await,
    );
    assert_eq!(today_rows.len(), everything.len());
    let iso = {
        let p: Vec<&str> = today.split('/').collect();
        format!("{}-{}-{}", p[2], p[1], p[0])
    };
    assert_eq!(
        rows_of(&auditor.get_text(&format!("/audit?from={iso}")).await).len(),
        everything.len()
    );
    let future = auditor
        .get_text(&format!("/audit?from={}", vn_day(1)))
        .await;
    assert!(rows_of(&future).is_empty());
    assert!(future.contains("Không có dòng nhật ký nào khớp bộ lọc"));
    assert!(rows_of(&auditor.get_text(&format!("/audit?to={}", vn_day(-1))).await).is_empty());
}

both!(the_log_pages, the_log_pages);
async fn the_log_pages(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login("bt.bangngang").await;
    let hid = app.one_str("SELECT h.id FROM households h JOIN units v ON v.id = h.village_id WHERE v.name = 'Bằng Ngang' ORDER BY h.code LIMIT 1", &[]).await;
    // The oldest event is the only list read.
    c.get("/households").await;
    for _ in 0..52 {
        c.get(&format!("/households/{hid}")).await;
    }
    let own = app
        .count(
            "SELECT COUNT(*) FROM audit_log a JOIN users u ON u.id = a.actor_id \
             WHERE u.username = 'bt.bangngang' AND a.chain <> 'global'",
            &[],
        )
        .await;
    assert!(own > 50);
    let auditor = app.login("kiemtra.hungyen").await;
    let first = auditor.get_text("/audit?user=bt.bangngang").await;
    assert_eq!(rows_of(&first).len(), 50);
    assert!(!first.contains("Trang trước"));
    let next = first
        .split("href=\"/audit?")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .filter(|_| first.contains("Trang sau"))
        .expect("a link to the next page")
        .replace("&#38;", "&")
        .replace("&amp;", "&");
    assert!(
        next.contains("user=bt.bangngang") && next.contains("page=2"),
        "{next}"
    );
    let second = auditor.get_text(&format!("/audit?{next}")).await;
    let rows = rows_of(&second);
    assert_eq!(rows.len() as i64, own - 50);
    assert!(rows.last().unwrap().contains(" hộ"), "{rows:?}");
    assert!(!rows_of(&first).iter().any(|r| r.contains(" hộ")));
    assert!(second.contains("Trang trước") && !second.contains("Trang sau"));
}

both!(bad_filters_are_explained, bad_filters_are_explained);
async fn bad_filters_are_explained(b: Backend) {
    let app = common::spawn(b).await;
    let auditor = app.login("kiemtra.hungyen").await;
    for (query, says) in [
        ("from=31/02/2026", "Ngày chưa đúng"),
        ("to=h%C3%B4m+qua", "Ngày chưa đúng"),
        ("from=02/12/2026&to=01/12/2026", "phải trước hoặc trùng"),
        ("page=abc", "Số trang phải là số nguyên dương"),
        ("page=0", "Số trang phải là số nguyên dương"),
        ("action=drop", "Không có thao tác này"),
    ] {
        let res = auditor.get(&format!("/audit?{query}")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{query}");
        let page = res.text().await.unwrap();
        assert!(page.contains(says), "{query}: {page}");
        assert!(!page.contains("invalid digit"), "{query}");
        // The form comes back as typed, to be corrected.
        assert!(page.contains("<form class=\"toolbar\""), "{query}");
    }
    let res = auditor.get("/api/v1/audit?from=30-11").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("Ngày chưa đúng"));
}

both!(
    a_write_is_sealed_before_its_answer,
    a_write_is_sealed_before_its_answer
);
/// On PostgreSQL a write's events commit with it into the audit queue and the batcher
/// seals them before the answer leaves; events a crash left queued (committed, never
/// sealed) are sealed by the next start, here `audit verify`, and the chain holds.
async fn a_write_is_sealed_before_its_answer(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login("bt.bangngang").await;
    let hid = app.one_str("SELECT h.id FROM households h JOIN units v ON v.id = h.village_id WHERE v.name = 'Bằng Ngang' ORDER BY h.code LIMIT 1", &[]).await;
    let res = c
        .json(
            reqwest::Method::PATCH,
            &format!("/api/v1/households/{hid}"),
            Some(serde_json::json!({ "house_no": "18" })),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_queue", &[]).await, 0);
    let e = events_of(&app, "bt.bangngang").await;
    assert_eq!(e.last().unwrap().str("action").unwrap(), "update");
    if b == Backend::Postgres {
        app.exec(
            "INSERT INTO audit_queue (chain, actor_id, action, entity, entity_id, detail) \
             VALUES (?, 'system:crash-test', 'update', 'household', ?, '{}')",
            &[CHAIN.into(), hid.clone().into()],
        )
        .await;
    }
    let (ok, report) = verify_json(&app, &[]);
    assert!(ok, "{}", problems(&report));
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_queue", &[]).await, 0);
    let sealed = app
        .count(
            "SELECT COUNT(*) FROM audit_log WHERE actor_id = 'system:crash-test' AND chain = ?",
            &[CHAIN.into()],
        )
        .await;
    assert_eq!(sealed, i64::from(b == Backend::Postgres));
}
