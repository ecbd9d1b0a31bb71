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
    assert!(detail.contains("\"ids\""), "{detail}");
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
