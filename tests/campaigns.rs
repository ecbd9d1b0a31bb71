//! Campaigns (issue 8, item 3): made by the commune, supervisors or the administrator,
//! delivered household by household by members (and the village's secretary), counted per
//! village in the same transaction, shown per scope without names to supervisors and the
//! Front, reminded as the end nears — through the real server, on both engines.

use crate::both;
use crate::common::{self, location, Backend, Client, TestApp};
use danvan::campaigns::model::{iso, vn};
use reqwest::{Method, StatusCode};
use serde_json::json;

const COMMUNE: &str = "c-12280";
const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

fn today() -> time::Date {
    danvan::clock::vietnam_date(time::OffsetDateTime::now_utc())
}

fn day(offset: i64) -> String {
    vn(today() + time::Duration::days(offset))
}

/// multipart/form-data by hand (reqwest's multipart feature is not enabled).
fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "danvan-campaign-boundary-91c2";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    let (name, bytes) = file.unwrap_or(("", b""));
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Posts the create form; `extra` overrides or adds fields.
async fn post_campaign(
    c: &Client,
    title: &str,
    extra: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
) -> reqwest::Response {
    let (s, e) = (day(-3), day(20));
    let mut fields: Vec<(&str, &str)> = vec![
        ("_csrf", c.csrf.as_str()),
        ("title", title),
        (
            "body",
            "Thông báo về việc giải phóng mặt bằng dự án đường vành đai 4.",
        ),
        ("topic", "land_clearance"),
        ("unit_id", COMMUNE),
        ("starts_on", &s),
        ("ends_on", &e),
    ];
    for (k, v) in extra {
        fields.retain(|(f, _)| f != k || *k == "support");
        fields.push((k, v));
    }
    let (ct, body) = multipart(&fields, file);
    c.http
        .post(c.url("/campaigns"))
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .expect("POST /campaigns")
}

/// Makes a campaign through the form; its id.
async fn make(c: &Client, title: &str, extra: &[(&str, &str)]) -> String {
    let res = post_campaign(c, title, extra, None).await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
    location(&res).trim_start_matches("/campaigns/").to_owned()
}

async fn campaigns(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) FROM campaigns", &[]).await
}

/// The households of the demo member's approved pairs, by id.
async fn member_households(app: &TestApp) -> Vec<String> {
    app.rows(
        "SELECT p.household_id FROM assignment_pairs p JOIN assignment_plans a ON a.id = p.plan_id \
         JOIN users u ON u.member_id = p.member_id JOIN households h ON h.id = p.household_id \
         WHERE u.username = 'dv.bangngang' AND a.status = 'approved' AND h.status = 'active' ORDER BY p.household_id",
        &[],
    )
    .await
    .iter()
    .map(|r| r.str("household_id").unwrap())
    .collect()
}

async fn deliver_form(
    c: &Client,
    campaign: &str,
    household: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    c.post_form(
        &format!("/campaigns/{campaign}/households/{household}/delivery"),
        fields,
    )
    .await
}

/// (targeted, delivered, unreachable) of a campaign, summed over its villages.
async fn counters(app: &TestApp, campaign: &str) -> (i64, i64, i64) {
    let r = &app
        .rows(
            "SELECT CAST(COALESCE(SUM(targeted),0) AS BIGINT) AS t, CAST(COALESCE(SUM(delivered),0) AS BIGINT) AS d, \
             CAST(COALESCE(SUM(unreachable),0) AS BIGINT) AS u FROM campaign_villages WHERE campaign_id = ?",
            &[campaign.into()],
        )
        .await[0];
    (
        r.i64("t").unwrap(),
        r.i64("d").unwrap(),
        r.i64("u").unwrap(),
    )
}

both!(create_with_and_without_pdf, create_with_and_without_pdf);
async fn create_with_and_without_pdf(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login("xa.luongbang").await;
    let form = c.get_text("/campaigns/new").await;
    assert!(
        form.contains("enctype=\"multipart/form-data\"")
            && form.contains("Giải phóng mặt bằng các dự án"),
        "{form}"
    );

    // The committee targets its commune or one of its villages.
    assert!(
        form.contains(&format!("<option value=\"{COMMUNE}\"")) && form.contains("Bằng Ngang"),
        "{form}"
    );
    let sup = app
        .login("bdv.hungyen")
        .await
        .get_text("/campaigns/new")
        .await;
    assert!(
        sup.contains(&format!("<option value=\"{COMMUNE}\"")) && !sup.contains("Bằng Ngang"),
        "{sup}"
    );

    let plain = make(&c, "Đợt không tệp", &[]).await;
    let page = c.get_text(&format!("/campaigns/{plain}")).await;
    assert!(
        page.contains("Đợt không tệp") && !page.contains("/file\""),
        "{page}"
    );
    // The denominator is the commune's active households, taken at creation.
    let active = app
        .count(
            "SELECT COUNT(*) FROM households WHERE commune_id = ? AND status = 'active'",
            &[COMMUNE.into()],
        )
        .await;
    assert!(active > 0);
    assert_eq!(counters(&app, &plain).await, (active, 0, 0));

    let res = post_campaign(&c, "Đợt có tệp", &[], Some(("Thông báo số 12.pdf", PDF))).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let with = location(&res).trim_start_matches("/campaigns/").to_owned();
    let page = c.get_text(&format!("/campaigns/{with}")).await;
    assert!(
        page.contains(&format!("href=\"/campaigns/{with}/file\"")),
        "{page}"
    );
    let file = c.get(&format!("/campaigns/{with}/file")).await;
    assert_eq!(file.status(), StatusCode::OK);
    assert_eq!(file.headers()["content-type"], "application/pdf");
    assert_eq!(file.bytes().await.unwrap().as_ref(), PDF);
    // The bytes live in the database (backups carry them).
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM campaign_files WHERE campaign_id = ?",
            &[with.clone().into()]
        )
        .await,
        1
    );

    // Not a PDF: refused in Vietnamese, nothing saved.
    let before = campaigns(&app).await;
    let res = post_campaign(
        &c,
        "Đợt tệp sai",
        &[],
        Some(("ds.xlsx", b"PK\x03\x04not a pdf")),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.unwrap();
    assert!(body.contains("chỉ nhận tệp PDF"), "{body}");
    assert_eq!(campaigns(&app).await, before);

    // A PDF over the limit: refused with its size, nothing saved; far over: refused at the door.
    let mut big = PDF.to_vec();
    big.resize(danvan::campaigns::model::PDF_MAX + 1, b' ');
    let res = post_campaign(&c, "Đợt tệp lớn", &[], Some(("lon.pdf", &big))).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("lớn quá 2 MB"));
    big.resize(danvan::campaigns::pages::UPLOAD_LIMIT + 1, b' ');
    let res = post_campaign(&c, "Đợt tệp quá lớn", &[], Some(("lon.pdf", &big))).await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(campaigns(&app).await, before);

    // The same form sent twice (same id) makes one campaign.
    let id = danvan::clock::new_id();
    let a = post_campaign(&c, "Đợt gửi hai lần", &[("id", &id)], None).await;
    let b2 = post_campaign(&c, "Đợt gửi hai lần", &[("id", &id)], None).await;
    assert_eq!(
        (a.status(), b2.status()),
        (StatusCode::SEE_OTHER, StatusCode::SEE_OTHER)
    );
    assert_eq!(campaigns(&app).await, before + 1);
    // Creation is audited.
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'create' AND entity = 'campaign'",
            &[]
        )
        .await,
        3
    );
    // The list shows them, newest first.
    let list = c.get_text("/campaigns").await;
    let (i, j) = (
        list.find("Đợt gửi hai lần").unwrap(),
        list.find("Đợt không tệp").unwrap(),
    );
    assert!(i < j, "{list}");
}

both!(
    bad_input_is_refused_and_nothing_saved,
    bad_input_is_refused_and_nothing_saved
);
async fn bad_input_is_refused_and_nothing_saved(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login("xa.luongbang").await;
    let before = campaigns(&app).await;
    let (s, e) = (day(5), day(1));
    let res = post_campaign(&c, "Ngày sai", &[("starts_on", &s), ("ends_on", &e)], None).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("Ngày kết thúc: không được trước ngày bắt đầu"),
        "{body}"
    );
    // The form comes back as typed.
    assert!(body.contains("value=\"Ngày sai\""), "{body}");
    let res = post_campaign(&c, "Ngày không có", &[("starts_on", "31/02/2026")], None).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Ngày bắt đầu"));
    // A unit outside the committee's commune.
    let res = post_campaign(&c, "Ngoài phạm vi", &[("unit_id", "c-00004")], None).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Phạm vi"));
    // The API refuses the same way.
    let res = c
        .json(
            Method::POST,
            "/api/v1/campaigns",
            Some(json!({ "unit_id": COMMUNE, "title": "API", "body": "x", "topic": "law",
                         "starts_on": iso(today()), "ends_on": iso(today() - time::Duration::days(1)) })),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let err: serde_json::Value = res.json().await.unwrap();
    assert_eq!(err["error"]["fields"][0]["field"], "ends_on", "{err}");
    assert_eq!(campaigns(&app).await, before);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM campaign_villages", &[])
            .await,
        0
    );
    // A member cannot make one at all.
    let m = app.login("dv.bangngang").await;
    assert_eq!(
        post_campaign(&m, "Không được", &[], None).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(campaigns(&app).await, before);
}

both!(
    targets_a_subtree_and_categories,
    targets_a_subtree_and_categories
);
async fn targets_a_subtree_and_categories(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login("xa.luongbang").await;
    let village = app.village_id("Bằng Ngang").await;
    let res = c
        .json(
            Method::POST,
            "/api/v1/campaigns",
            Some(json!({ "unit_id": village, "title": "Hộ nghèo Bằng Ngang", "body": "Chính sách vay vốn",
                         "topic": "law", "support_categories": ["ho_ngheo"],
                         "starts_on": iso(today()), "ends_on": iso(today() + time::Duration::days(9)) })),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let d: serde_json::Value = res.json().await.unwrap();
    let id = d["id"].as_str().unwrap().to_owned();
    assert_eq!(d["support_categories"], json!(["ho_ngheo"]));
    let want = app
        .count(
            "SELECT COUNT(*) FROM households WHERE village_id = ? AND status = 'active' AND (',' || support_categories || ',') LIKE '%,ho_ngheo,%'",
            &[village.clone().into()],
        )
        .await;
    assert!(want > 0, "the demo has poor households in Bằng Ngang");
    let rows = app
        .rows(
            "SELECT village_id, targeted FROM campaign_villages WHERE campaign_id = ?",
            &[id.clone().into()],
        )
        .await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].str("village_id").unwrap(), village);
    assert_eq!(rows[0].i64("targeted").unwrap(), want);
    assert_eq!(d["coverage"]["targeted"], want);

    // A member's household outside the categories cannot be recorded for.
    let m = app.login("dv.bangngang").await;
    let mine = member_households(&app).await;
    let mut outside = None;
    for h in &mine {
        let cats = app
            .one_str(
                "SELECT support_categories FROM households WHERE id = ?",
                &[h.clone().into()],
            )
            .await;
        if !cats.split(',').any(|c| c == "ho_ngheo") {
            outside = Some(h.clone());
            break;
        }
    }
    let outside = outside.expect("a member household that is not poor");
    let res = deliver_form(
        &m,
        &id,
        &outside,
        &[("outcome", "delivered"), ("channel", "visit")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("không thuộc đối tượng"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM campaign_deliveries", &[])
            .await,
        0
    );
    // Another village's secretary does not see it; this village's does.
    let dl = app.login("bt.dongly").await;
    assert_eq!(
        dl.get(&format!("/campaigns/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    assert!(!dl
        .get_text("/campaigns")
        .await
        .contains("Hộ nghèo Bằng Ngang"));
    let bn = app.login("bt.bangngang").await;
    assert!(bn
        .get_text("/campaigns")
        .await
        .contains("Hộ nghèo Bằng Ngang"));
}

both!(
    member_records_and_records_again,
    member_records_and_records_again
);
async fn member_records_and_records_again(b: Backend) {
    let app = common::spawn(b).await;
    let xa = app.login("xa.luongbang").await;
    let id = make(
        &xa,
        "Vận động quỹ vì người nghèo",
        &[("topic", "funds_movements")],
    )
    .await;
    let m = app.login("dv.bangngang").await;
    let mine = member_households(&app).await;
    let h = mine[0].clone();
    let head = app
        .one_str(
            "SELECT head_name FROM households WHERE id = ?",
            &[h.clone().into()],
        )
        .await;
    // The member's view lists their households with a button each.
    let page = m.get_text(&format!("/campaigns/{id}")).await;
    assert!(
        page.contains("Hộ của tôi trong đợt này") && page.contains(&head),
        "{page}"
    );
    assert!(
        page.contains(&format!("/campaigns/{id}/households/{h}/delivery")),
        "{page}"
    );
    let form = m
        .get_text(&format!("/campaigns/{id}/households/{h}/delivery"))
        .await;
    assert!(
        form.contains("Vận động quỹ vì người nghèo") && form.contains(&head),
        "{form}"
    );
    let (targeted, _, _) = counters(&app, &id).await;

    // Delivered: back to the household's card, counters move.
    let sub = danvan::clock::new_id();
    let res = deliver_form(
        &m,
        &id,
        &h,
        &[("id", &sub), ("outcome", "delivered"), ("channel", "visit")],
    )
    .await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
    assert_eq!(location(&res), format!("/households/{h}"));
    assert_eq!(counters(&app, &id).await, (targeted, 1, 0));
    // The same form sent again records nothing new.
    let res = deliver_form(
        &m,
        &id,
        &h,
        &[("id", &sub), ("outcome", "delivered"), ("channel", "visit")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(counters(&app, &id).await, (targeted, 1, 0));
    let delivers = || {
        app.count(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'deliver'",
            &[],
        )
    };
    assert_eq!(delivers().await, 1);

    // Recorded again as unreachable: it replaces the outcome.
    let res = deliver_form(
        &m,
        &id,
        &h,
        &[("outcome", "unreachable"), ("reason", "Cả nhà đi làm xa")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(counters(&app, &id).await, (targeted, 0, 1));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM campaign_deliveries", &[])
            .await,
        1
    );
    // And delivered after all, yesterday.
    let y = day(-1);
    let res = deliver_form(
        &m,
        &id,
        &h,
        &[
            ("outcome", "delivered"),
            ("channel", "phone"),
            ("on_date", &y),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(counters(&app, &id).await, (targeted, 1, 0));
    assert_eq!(
        app.one_str(
            "SELECT on_date FROM campaign_deliveries WHERE household_id = ?",
            &[h.clone().into()]
        )
        .await,
        iso(today() - time::Duration::days(1))
    );
    assert_eq!(delivers().await, 3);

    // A date in the future, or before the start, is refused and changes nothing.
    for (d, want) in [
        (day(1), "không được sau hôm nay"),
        (day(-10), "trước ngày bắt đầu"),
    ] {
        let res = deliver_form(
            &m,
            &id,
            &h,
            &[
                ("outcome", "delivered"),
                ("channel", "visit"),
                ("on_date", &d),
            ],
        )
        .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.text().await.unwrap().contains(want));
    }
    assert_eq!(counters(&app, &id).await, (targeted, 1, 0));

    // A household of the village not assigned to the member: not found, nothing written.
    let other = app
        .one_str(
            "SELECT id FROM households WHERE village_id = ? AND status = 'active' AND id NOT IN (SELECT p.household_id FROM assignment_pairs p \
             JOIN assignment_plans a ON a.id = p.plan_id JOIN users u ON u.member_id = p.member_id WHERE u.username = 'dv.bangngang') ORDER BY id LIMIT 1",
            &[app.village_id("Bằng Ngang").await.into()],
        )
        .await;
    let res = deliver_form(
        &m,
        &id,
        &other,
        &[("outcome", "delivered"), ("channel", "visit")],
    )
    .await;
    assert!(
        matches!(res.status(), StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
        "{}",
        res.status()
    );
    assert_eq!(
        m.get(&format!("/campaigns/{id}/households/{other}/delivery"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    // The village's secretary may record for it.
    let bt = app.login("bt.bangngang").await;
    let res = deliver_form(
        &bt,
        &id,
        &other,
        &[("outcome", "delivered"), ("channel", "meeting")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(counters(&app, &id).await, (targeted, 2, 0));
    // Another village's secretary may not.
    let dl = app.login("bt.dongly").await;
    let res = deliver_form(
        &dl,
        &id,
        &mine[1],
        &[("outcome", "delivered"), ("channel", "visit")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(counters(&app, &id).await, (targeted, 2, 0));
}

/// Names of every household head and member of the commune.
async fn names(app: &TestApp) -> Vec<String> {
    let mut out = Vec::new();
    for sql in [
        "SELECT head_name AS n FROM households WHERE commune_id = ?",
        "SELECT full_name AS n FROM members WHERE commune_id = ?",
    ] {
        for r in app.rows(sql, &[COMMUNE.into()]).await {
            out.push(r.str("n").unwrap());
        }
    }
    out
}

both!(scopes_see_their_coverage, scopes_see_their_coverage);
async fn scopes_see_their_coverage(b: Backend) {
    let app = common::spawn(b).await;
    let xa = app.login("xa.luongbang").await;
    let id = make(&xa, "Phòng chống tệ nạn", &[("topic", "social_evils")]).await;
    let m = app.login("dv.bangngang").await;
    for h in member_households(&app).await.iter().take(3) {
        let res = deliver_form(
            &m,
            &id,
            h,
            &[("outcome", "delivered"), ("channel", "visit")],
        )
        .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    }
    let member_name = app
        .one_str("SELECT m.full_name FROM members m JOIN users u ON u.member_id = m.id WHERE u.username = 'dv.bangngang'", &[])
        .await;

    // The secretary: their village only, with the members' coverage.
    let bt = app.login("bt.bangngang").await;
    let page = bt.get_text(&format!("/campaigns/{id}")).await;
    assert!(
        page.contains("Bằng Ngang") && !page.contains("Đồng Lý"),
        "{page}"
    );
    assert!(
        page.contains("Theo đảng viên") && page.contains(&member_name),
        "{page}"
    );
    assert!(page.len() < 30 * 1024, "{}", page.len());
    let dong_ly = app.village_id("Đồng Lý").await;
    assert_eq!(
        bt.get(&format!("/campaigns/{id}?village={dong_ly}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    // Showing members' names is a logged read.
    assert!(
        app.count(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'read' AND entity = 'member'",
            &[]
        )
        .await
            > 0
    );

    // The commune committee: every village, members on asking for one.
    let page = xa.get_text(&format!("/campaigns/{id}")).await;
    assert!(
        page.contains("Bằng Ngang") && page.contains("Đồng Lý") && !page.contains(&member_name),
        "{page}"
    );
    let bang_ngang = app.village_id("Bằng Ngang").await;
    let page = xa
        .get_text(&format!("/campaigns/{id}?village={bang_ngang}"))
        .await;
    assert!(page.contains(&member_name), "{page}");

    // Supervisors and the Front: counts, never a name.
    let all = names(&app).await;
    for user in ["bdv.hungyen", "mttq.luongbang"] {
        let c = app.login(user).await;
        let page = c.get_text(&format!("/campaigns/{id}")).await;
        assert!(
            page.contains("Kết quả tuyên truyền") && page.contains("Bằng Ngang"),
            "{user}: {page}"
        );
        let api = c.get_text(&format!("/api/v1/campaigns/{id}")).await;
        let list = c.get_text("/campaigns").await;
        let with_member = c
            .get_text(&format!("/campaigns/{id}?village={bang_ngang}"))
            .await;
        for body in [&page, &api, &list, &with_member] {
            for n in &all {
                assert!(!body.contains(n.as_str()), "{user} sees {n}");
            }
        }
        let d: serde_json::Value = serde_json::from_str(&api).unwrap();
        assert_eq!(d["coverage"]["delivered"], 3, "{d}");
    }
}

both!(api_deliveries_are_idempotent, api_deliveries_are_idempotent);
async fn api_deliveries_are_idempotent(b: Backend) {
    let app = common::spawn(b).await;
    let xa = app.login("xa.luongbang").await;
    let id = make(&xa, "An ninh trật tự", &[("topic", "security")]).await;
    let m = app.login("dv.bangngang").await;
    let h = member_households(&app).await[0].clone();
    let path = format!("/api/v1/campaigns/{id}/deliveries");
    let body = json!({ "id": danvan::clock::new_id(), "household_id": h, "outcome": "delivered",
                       "on_date": iso(today()), "channel": "phone" });
    let send = |b: serde_json::Value, key: &'static str| {
        m.http
            .post(m.url(&path))
            .header("x-csrf-token", &m.csrf)
            .header("idempotency-key", key)
            .json(&b)
            .send()
    };
    let first = send(body.clone(), "k-1").await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: serde_json::Value = first.json().await.unwrap();
    assert_eq!(first["outcome"], "delivered");
    let again = send(body.clone(), "k-1").await.unwrap();
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(again.headers()["idempotent-replay"], "true");
    assert_eq!(again.json::<serde_json::Value>().await.unwrap(), first);
    // The same key with another body.
    let mut other = body.clone();
    other["outcome"] = json!("unreachable");
    assert_eq!(
        send(other, "k-1").await.unwrap().status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // A retry without a key but with the same recording id records nothing new either.
    let res = m.json(Method::POST, &path, Some(body.clone())).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(counters(&app, &id).await.1, 1);
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'deliver'",
            &[]
        )
        .await,
        1
    );
    // Ids must be UUIDv7.
    let mut v4 = body.clone();
    v4["id"] = json!("9b2e7c1e-4f0a-4c4e-9d57-2a8b3c4d5e6f");
    let res = m.json(Method::POST, &path, Some(v4)).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("phiên bản 7"));
    // Another member's household through the API: not found.
    let outside = app
        .one_str("SELECT id FROM households WHERE commune_id = ? AND village_id <> ? ORDER BY id LIMIT 1",
                 &[COMMUNE.into(), app.village_id("Bằng Ngang").await.into()])
        .await;
    let res = m
        .json(
            Method::POST,
            &path,
            Some(json!({ "household_id": outside, "outcome": "delivered", "channel": "visit" })),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // The list and the detail.
    let list: serde_json::Value = m.get("/api/v1/campaigns").await.json().await.unwrap();
    assert_eq!(list[0]["id"], id.as_str());
    assert_eq!(list[0]["topic"], "security");
}

/// Every counter of the database, next to a recount from the raw rows.
async fn assert_counters_match(app: &TestApp) {
    let targeted = app
        .rows(
            "SELECT cv.campaign_id, cv.village_id, cv.targeted, cv.delivered, cv.unreachable, c.unit_path, c.support_categories \
             FROM campaign_villages cv JOIN campaigns c ON c.id = cv.campaign_id ORDER BY cv.campaign_id, cv.village_id",
            &[],
        )
        .await;
    assert!(!targeted.is_empty());
    for r in &targeted {
        let (cid, vid) = (r.str("campaign_id").unwrap(), r.str("village_id").unwrap());
        let cats =
            danvan::people::kinds::SupportCategory::decode(&r.str("support_categories").unwrap());
        let (f, mut args) =
            danvan::campaigns::store::target_filter(&r.str("unit_path").unwrap(), &cats);
        args.push(vid.clone().into());
        let t = app
            .count(
                &format!("SELECT COUNT(*) FROM households h WHERE {f} AND h.village_id = ?"),
                &args,
            )
            .await;
        assert_eq!(r.i64("targeted").unwrap(), t, "targeted {cid} {vid}");
        for outcome in ["delivered", "unreachable"] {
            let n = app
                .count(
                    "SELECT COUNT(*) FROM campaign_deliveries WHERE campaign_id = ? AND village_id = ? AND outcome = ?",
                    &[cid.clone().into(), vid.clone().into(), outcome.into()],
                )
                .await;
            assert_eq!(r.i64(outcome).unwrap(), n, "{outcome} {cid} {vid}");
        }
    }
    // Every delivery's village has its line.
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM campaign_deliveries d WHERE NOT EXISTS (SELECT 1 FROM campaign_villages cv \
             WHERE cv.campaign_id = d.campaign_id AND cv.village_id = d.village_id)",
            &[]
        )
        .await,
        0
    );
    // Per (village, day): the delivered outcomes of that day.
    let days = app
        .rows(
            "SELECT village_id, day, deliveries FROM delivery_day_counts",
            &[],
        )
        .await;
    for r in &days {
        let n = app
            .count(
                "SELECT COUNT(*) FROM campaign_deliveries WHERE village_id = ? AND on_date = ? AND outcome = 'delivered'",
                &[r.str("village_id").unwrap().into(), r.str("day").unwrap().into()],
            )
            .await;
        assert_eq!(r.i64("deliveries").unwrap(), n);
    }
    let total: i64 = days.iter().map(|r| r.i64("deliveries").unwrap()).sum();
    assert_eq!(
        total,
        app.count(
            "SELECT COUNT(*) FROM campaign_deliveries WHERE outcome = 'delivered'",
            &[]
        )
        .await
    );
}

both!(counters_equal_a_recount, counters_equal_a_recount);
async fn counters_equal_a_recount(b: Backend) {
    let app = common::spawn(b).await;
    let xa = app.login("xa.luongbang").await;
    let a = make(&xa, "Đợt A", &[]).await;
    let bb = make(
        &xa,
        "Đợt B",
        &[("support", "ho_ngheo"), ("support", "can_ngheo")],
    )
    .await;
    let m = app.login("dv.bangngang").await;
    let bt = app.login("bt.bangngang").await;
    let mine = member_households(&app).await;
    let (y, t) = (day(-1), day(0));
    // A mixed sequence: delivered, unreachable, replaced, moved between days, by the
    // member and by the secretary, on two campaigns.
    for (i, h) in mine.iter().enumerate() {
        let (outcome, on) = match i % 3 {
            0 => ("delivered", &t),
            1 => ("unreachable", &t),
            _ => ("delivered", &y),
        };
        let who = if i % 2 == 0 { &m } else { &bt };
        let res = deliver_form(
            who,
            &a,
            h,
            &[("outcome", outcome), ("channel", "visit"), ("on_date", on)],
        )
        .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        // Some households of B (those it targets).
        let _ = deliver_form(
            &m,
            &bb,
            h,
            &[("outcome", "delivered"), ("channel", "message")],
        )
        .await;
    }
    for h in mine.iter().take(4) {
        let res = deliver_form(
            &m,
            &a,
            h,
            &[
                ("outcome", "delivered"),
                ("channel", "phone"),
                ("on_date", &y),
            ],
        )
        .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    }
    let res = deliver_form(&m, &a, &mine[0], &[("outcome", "unreachable")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_counters_match(&app).await;
    // A household moves away and another becomes poor: the refresh takes the counts again.
    app.exec(
        "UPDATE households SET status = 'moved' WHERE id = ?",
        &[mine[1].clone().into()],
    )
    .await;
    app.exec(
        "UPDATE households SET support_categories = 'ho_ngheo' WHERE id = ?",
        &[mine[2].clone().into()],
    )
    .await;
    for id in [&a, &bb] {
        let res = xa.post_form(&format!("/campaigns/{id}/refresh"), &[]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    }
    assert_counters_match(&app).await;
}

both!(reminders_come_in_the_window, reminders_come_in_the_window);
async fn reminders_come_in_the_window(b: Backend) {
    let app = common::spawn(b).await;
    let xa = app.login("xa.luongbang").await;
    let (s, soon, later) = (day(-2), day(2), day(10));
    make(
        &xa,
        "Sắp hết hạn",
        &[("starts_on", &s), ("ends_on", &soon), ("remind_days", "3")],
    )
    .await;
    make(
        &xa,
        "Còn lâu",
        &[("starts_on", &s), ("ends_on", &later), ("remind_days", "3")],
    )
    .await;
    let m = app.login("dv.bangngang").await;
    let home = m.get_text("/").await;
    let n = member_households(&app).await.len();
    let want = format!("Còn {n} hộ chưa được tuyên truyền đợt “Sắp hết hạn”, hết hạn {soon}");
    assert!(home.contains(&want), "{want}\n{home}");
    assert!(!home.contains("Còn lâu"), "{home}");
    let bt = app.login("bt.bangngang").await;
    let home = bt.get_text("/").await;
    assert!(
        home.contains("Thôn còn") && home.contains("“Sắp hết hạn”") && !home.contains("Còn lâu"),
        "{home}"
    );
    // Once every household is reached, the member's reminder goes.
    let id = app
        .one_str("SELECT id FROM campaigns WHERE title = 'Sắp hết hạn'", &[])
        .await;
    for h in member_households(&app).await {
        let res = deliver_form(
            &m,
            &id,
            &h,
            &[("outcome", "delivered"), ("channel", "visit")],
        )
        .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    }
    assert!(!m.get_text("/").await.contains("Sắp hết hạn"));
    // Nobody else gets reminders.
    assert!(!xa.get_text("/").await.contains("chưa được tuyên truyền"));
}

both!(household_card_hook, household_card_hook);
async fn household_card_hook(b: Backend) {
    let app = common::spawn(b).await;
    let xa = app.login("xa.luongbang").await;
    let open = make(&xa, "Đang chạy", &[]).await;
    let (s, e) = (day(5), day(9));
    make(&xa, "Chưa bắt đầu", &[("starts_on", &s), ("ends_on", &e)]).await;
    let mine = member_households(&app).await;
    let m = app.login("dv.bangngang").await;
    let res = deliver_form(
        &m,
        &open,
        &mine[0],
        &[("outcome", "delivered"), ("channel", "visit")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = deliver_form(&m, &open, &mine[1], &[("outcome", "unreachable")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let ids = mine[..3].to_vec();
    let user = app
        .one_str("SELECT id FROM users WHERE username = 'dv.bangngang'", &[])
        .await;
    let pending = app
        .db
        .read(move |tx| {
            Box::pin(async move {
                let scope = danvan::auth::session::load_scope(tx, &user).await?;
                danvan::campaigns::store::pending_for_households(tx, &scope, &ids).await
            })
        })
        .await
        .unwrap();
    // Delivered: nothing pending; unreachable and untouched: the open campaign only.
    assert!(!pending.contains_key(&mine[0]), "{pending:?}");
    for h in &mine[1..3] {
        let p = &pending[h];
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].id, open);
    }
}

both!(coverage_rolls_up_by_level, coverage_rolls_up_by_level);
async fn coverage_rolls_up_by_level(b: Backend) {
    let app = common::spawn(b).await;
    // A village with households in another province (Phường Ba Đình, Hà Nội).
    app.db
        .write(|tx| {
            Box::pin(async move {
                let path = tx
                    .fetch_one("SELECT path FROM units WHERE id = 'c-00004'", &[])
                    .await?
                    .str("path")?;
                let (village, cell) =
                    danvan::demo::create_village_with_cell(tx, "c-00004", &path, "Tổ dân phố Xa")
                        .await?;
                let mut r = danvan::demo::synth::Rng::new(11);
                let spec = danvan::demo::VillageSpec {
                    commune_id: "c-00004",
                    village_id: &village,
                    cell_id: &cell,
                    households: 4,
                    centre: (21.03, 105.83),
                    code_prefix: "XA",
                };
                danvan::demo::populate_village(
                    tx,
                    &danvan::auth::Scope::unsafe_system("test"),
                    &mut r,
                    &spec,
                )
                .await
            })
        })
        .await
        .unwrap();
    let admin = app.login("admin").await;
    let res = admin
        .json(
            Method::POST,
            "/api/v1/campaigns",
            Some(json!({ "unit_id": "vn", "title": "Toàn quốc", "body": "Chính sách mới", "topic": "law",
                         "starts_on": iso(today()), "ends_on": iso(today() + time::Duration::days(5)) })),
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "{}",
        res.text().await.unwrap()
    );
    let d: serde_json::Value = res.json().await.unwrap();
    let id = d["id"].as_str().unwrap().to_owned();
    // The administrator: one line per province, adding up to the whole.
    assert_eq!(d["area"]["level"], "province", "{d}");
    let rows = d["area"]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "{d}");
    let sum: i64 = rows.iter().map(|r| r["targeted"].as_i64().unwrap()).sum();
    assert_eq!(sum, d["area"]["total"]["targeted"].as_i64().unwrap());
    assert_eq!(
        sum,
        app.count(
            "SELECT COUNT(*) FROM households WHERE status = 'active'",
            &[]
        )
        .await
    );
    // The province's supervisor sees its own province only, village by village.
    let sup = app.login("bdv.hungyen").await;
    let d: serde_json::Value = sup
        .get(&format!("/api/v1/campaigns/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(d["area"]["level"], "village", "{d}");
    let hy = app
        .count(
            "SELECT COUNT(*) FROM households WHERE commune_id = ? AND status = 'active'",
            &[COMMUNE.into()],
        )
        .await;
    assert_eq!(d["area"]["total"]["targeted"], hy, "{d}");
    assert!(!serde_json::to_string(&d).unwrap().contains("Tổ dân phố Xa"));
}
