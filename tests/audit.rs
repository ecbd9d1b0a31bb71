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
