//! The pilot commune's demo: every login works and lands on its home page.

use crate::both;
use crate::common::{self, Backend};
use reqwest::StatusCode;

both!(every_demo_login_works, every_demo_login_works);
async fn every_demo_login_works(b: Backend) {
    let app = common::spawn(b).await;
    for u in danvan::demo::DEMO_USERS {
        let c = app.login(u.username).await;
        let res = c.get("/").await;
        assert_eq!(res.status(), StatusCode::OK, "{}", u.username);
        let page = res.text().await.unwrap();
        assert!(page.contains(u.role.label_vi()), "{}", u.username);
        // Supervisors and the Front see the rollout by commune, in aggregates.
        if matches!(u.username, "bdv.hungyen" | "mttq.luongbang") {
            assert!(
                page.contains("Các xã đã triển khai mô hình")
                    && page.contains("Xã Lương Bằng")
                    && page.contains("1.371"),
                "{page}"
            );
        }
    }
}

both!(pilot_is_as_the_plan_says, pilot_is_as_the_plan_says);
async fn pilot_is_as_the_plan_says(b: Backend) {
    let app = common::spawn(b).await;
    for (name, _, _, households) in danvan::demo::VILLAGES {
        let vid = app.village_id(name).await;
        let n = app
            .count(
                "SELECT COUNT(*) FROM households WHERE village_id = ?",
                &[vid.clone().into()],
            )
            .await;
        assert_eq!(n, *households as i64);
        assert!((250..=450).contains(&n));
        let m = app
            .count(
                "SELECT COUNT(*) FROM members WHERE village_id = ?",
                &[vid.clone().into()],
            )
            .await;
        assert!(
            n / m >= 7 && n / m <= 12,
            "{name}: {n} households, {m} members"
        );
        assert!(
            app.count(
                "SELECT COUNT(*) FROM members WHERE village_id = ? AND status = 'exempt'",
                &[vid.clone().into()]
            )
            .await
                > 0
        );
        assert_eq!(
            app.count(
                "SELECT COUNT(*) FROM cells WHERE village_id = ?",
                &[vid.into()]
            )
            .await,
            1
        );
    }
    // Coordinates within 1.5 km (plus the spread of a village) of the former town's centre.
    let rows = app
        .rows(
            "SELECT latitude, longitude FROM households WHERE latitude IS NOT NULL",
            &[],
        )
        .await;
    for r in rows {
        let (la, lo) = (
            r.opt_f64("latitude").unwrap().unwrap(),
            r.opt_f64("longitude").unwrap().unwrap(),
        );
        let dy = (la - 20.7375) * 111_320.0;
        let dx = (lo - 106.0699) * 111_320.0 * 20.7375f64.to_radians().cos();
        assert!((dx * dx + dy * dy).sqrt() < 2_200.0, "{la},{lo}");
    }
    // The former town is kept as history, and leads to the new commune.
    assert_eq!(app.count("SELECT COUNT(*) FROM unit_lineage WHERE from_unit_id = 'lc-12280' AND to_unit_id = 'c-12280'", &[]).await, 1);
    let name = app
        .one_str("SELECT name FROM units WHERE id = 'lc-12280'", &[])
        .await;
    assert_eq!(name, "Thị trấn Lương Bằng");
    // Seeding twice changes nothing.
    let again = danvan::demo::seed(&app.db, Some(common::PASSWORD))
        .await
        .unwrap();
    assert!(again.is_empty());
}

both!(generate_synthetic_data, generate_synthetic_data);
async fn generate_synthetic_data(b: Backend) {
    let app = common::spawn_with(
        b,
        common::Options {
            demo: false,
            ..Default::default()
        },
    )
    .await;
    let out = app.cli(&[
        "generate",
        "--households",
        "2000",
        "--communes",
        "3",
        "--seed",
        "5",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("2000 hộ"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM households", &[]).await,
        2000
    );
    assert_eq!(
        app.count("SELECT COUNT(DISTINCT commune_id) FROM households", &[])
            .await,
        3
    );
    let members = app.count("SELECT COUNT(*) FROM members", &[]).await;
    assert!((180..=260).contains(&members), "{members}");
    // Every village is 250–450 households but the last one of a commune (the remainder).
    let villages = app
        .count("SELECT COUNT(*) FROM units WHERE kind = 'village'", &[])
        .await;
    assert!((5..=9).contains(&villages), "{villages}");
}
