//! The unit tree: the official catalogue, references by code or path, villages, lineage.

use crate::both;
use crate::common::{self, Backend};
use reqwest::{Method, StatusCode};
use serde_json::json;

both!(catalogue_and_references, catalogue_and_references);
async fn catalogue_and_references(b: Backend) {
    let app = common::spawn(b).await;
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM units WHERE kind = 'commune' AND valid_to IS NULL",
            &[]
        )
        .await,
        3321
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM units WHERE kind = 'province' AND valid_to IS NULL",
            &[]
        )
        .await,
        34
    );
    // Loading again adds nothing.
    let out = app.cli(&["units", "load"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("thêm 0 đơn vị"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    let out = app.cli(&["units", "list", "--under", "33", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 104, "new Hưng Yên has 104 communes");
    assert!(names.contains(&"Xã Lương Bằng"));
    // Listed in Vietnamese order.
    let mut sorted = names.clone();
    sorted.sort_by(|a, b| danvan::text::compare(a, b));
    assert_eq!(names, sorted);

    let out = app.cli(&["units", "list", "--under", "12280"]);
    let text = String::from_utf8_lossy(&out.stdout);
    for v in ["Bằng Ngang", "Đồng Lý", "Đồng Xá", "Lương Hội"] {
        assert!(text.contains(v), "{text}");
    }
    // A village by path, in a CLI command.
    let out = app.cli(&[
        "user",
        "add",
        "bt.moi",
        "--name",
        "Bí thư mới",
        "--role",
        "cell_secretary",
        "--unit",
        "12280/bang ngang",
        "--password",
        "mot-mat-khau-dai",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let c = app.try_login("bt.moi", "mot-mat-khau-dai").await.unwrap();
    assert!(c.get_text("/").await.contains("Bằng Ngang"));
    // Unknown references get an actionable message.
    let out = app.cli(&["units", "list", "--under", "12280/Không Có"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("Không có thôn"));
}

both!(villages_and_history, villages_and_history);
async fn villages_and_history(b: Backend) {
    let app = common::spawn(b).await;
    let committee = app.login("xa.luongbang").await;
    let page = committee.get_text("/units/c-12280").await;
    assert!(
        page.contains("Thị trấn Lương Bằng") && page.contains("Xã Phạm Ngũ Lão"),
        "predecessors are shown"
    );
    assert!(page.contains("01/07/2025"));
    let res = committee
        .post_form("/units/c-12280/villages", &[("name", "Thôn Mới")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(committee
        .get_text("/units/c-12280")
        .await
        .contains("Thôn Mới"));
    // Same name again: refused.
    let res = committee
        .json(
            Method::POST,
            "/api/v1/units/c-12280/villages",
            Some(json!({ "name": "thôn mới" })),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    // A secretary may not create villages; nor may the committee in another commune.
    let secretary = app.login("bt.bangngang").await;
    assert_eq!(
        secretary
            .post_form("/units/c-12280/villages", &[("name", "Thôn Lạ")])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        committee
            .post_form("/units/c-11953/villages", &[("name", "Thôn Lạ")])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    // The old town's page leads forward to the new commune.
    let old = committee.get_text("/units/lc-12280").await;
    assert!(old.contains("Xã Lương Bằng") && old.contains("sáp nhập"));
}

both!(units_are_named_by_their_own_kind, units_named_by_kind);
async fn units_named_by_kind(b: Backend) {
    let app = common::spawn(b).await;
    let admin = app.login("admin").await;
    // A ward is a "Phường", the former township a "Thị trấn", not a generic "Xã".
    let ward = admin.get_text("/units/c-12133").await;
    assert!(ward.contains("Phường · 12133"), "{ward}");
    assert!(!ward.contains("Xã · 12133"), "{ward}");
    let town = admin.get_text("/units/lc-12280").await;
    assert!(town.contains("Thị trấn · 12280"), "{town}");
    assert!(!town.contains("Xã · 12280"), "{town}");
    // The import page's selectors name each unit once with its kind.
    let c = app.login("xa.luongbang").await;
    let page = c.get_text("/imports").await;
    assert!(page.contains(">Xã Lương Bằng<"), "{page}");
    assert!(page.contains("Thôn Bằng Ngang"), "{page}");
    assert!(!page.contains("Xã Xã"), "{page}");
}
