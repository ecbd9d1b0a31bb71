//! Coverage (issue 8, item 5): the secretary, the commune committee and the boards see who
//! has been reached; every figure equals a recount from the raw rows; supervisors and the
//! Front see counts, never members' names — through the real server, on both engines.

use std::collections::{BTreeSet, HashMap};

use crate::both;
use crate::common::{self, Backend, Client, IntoText, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value as Json};
use time::{Duration, OffsetDateTime, UtcOffset};

fn today() -> time::Date {
    OffsetDateTime::now_utc()
        .to_offset(UtcOffset::from_hms(7, 0, 0).unwrap())
        .date()
}

fn iso(d: time::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// This quarter's key and its first day.
fn quarter() -> (String, time::Date) {
    let t = today();
    let q = (u8::from(t.month()) - 1) / 3;
    let start =
        time::Date::from_calendar_date(t.year(), time::Month::try_from(q * 3 + 1).unwrap(), 1)
            .unwrap();
    (format!("Q{}-{}", t.year(), q + 1), start)
}

/// The demo member's households.
async fn assigned(app: &TestApp) -> Vec<String> {
    app.rows(
        "SELECT p.household_id FROM assignment_pairs p JOIN assignment_plans a ON a.id = p.plan_id \
         JOIN users u ON u.member_id = p.member_id WHERE a.status = 'approved' AND u.username = 'dv.bangngang' ORDER BY p.household_id",
        &[],
    )
    .await
    .into_iter()
    .map(|r| r.values()[0].clone().into_text())
    .collect()
}

/// Contacts by the demo member: today, ten days ago, and one before this quarter.
async fn log_some(app: &TestApp) -> Client {
    let c = app.login("dv.bangngang").await;
    let mine = assigned(app).await;
    let (_, start) = quarter();
    let days = [
        (0usize, today()),
        (0, today()),
        (1, today() - Duration::days(10).min(today() - start)),
        (2, start - Duration::days(1)),
    ];
    for (i, day) in days {
        let res = c
            .json(
                Method::POST,
                &format!("/api/v1/households/{}/contacts", mine[i]),
                Some(json!({"channel": "visit", "topics": ["law"], "contacted_on": iso(day)})),
            )
            .await;
        assert_eq!(
            res.status(),
            StatusCode::CREATED,
            "{}",
            res.text().await.unwrap()
        );
    }
    c
}

/// The figures of `village` recounted from raw rows: (households, assigned, reached this
/// quarter, contacts this quarter, latest contact within 30 days).
async fn recount(app: &TestApp, village: &str) -> [i64; 5] {
    let households = app
        .count(
            "SELECT COUNT(*) FROM households WHERE village_id = ? AND status = 'active'",
            &[village.into()],
        )
        .await;
    let assigned = app
        .count(
            "SELECT COUNT(*) FROM assignment_pairs p JOIN assignment_plans a ON a.id = p.plan_id JOIN households h ON h.id = p.household_id \
             WHERE a.status = 'approved' AND h.status = 'active' AND h.village_id = ?",
            &[village.into()],
        )
        .await;
    let (_, start) = quarter();
    let rows = app
        .rows(
            "SELECT household_id, contacted_on FROM contacts WHERE village_id = ?",
            &[village.into()],
        )
        .await;
    let mut reached = BTreeSet::new();
    let mut latest: HashMap<String, String> = HashMap::new();
    let mut contacts = 0;
    for r in &rows {
        let (h, on) = (
            r.values()[0].clone().into_text(),
            r.values()[1].clone().into_text(),
        );
        if on >= iso(start) {
            reached.insert(h.clone());
            contacts += 1;
        }
        let e = latest.entry(h).or_default();
        if on > *e {
            *e = on;
        }
    }
    let cut = iso(today() - Duration::days(29));
    let recent = latest.values().filter(|d| **d >= cut).count() as i64;
    [households, assigned, reached.len() as i64, contacts, recent]
}

fn figures(line: &Json) -> [i64; 5] {
    ["households", "assigned", "reached", "contacts", "recent_30"]
        .map(|k| line[k].as_i64().unwrap())
}

async fn api(c: &Client, query: &str) -> (StatusCode, Json) {
    let res = c
        .json(Method::GET, &format!("/api/v1/coverage{query}"), None)
        .await;
    let status = res.status();
    (status, res.json().await.unwrap_or(Json::Null))
}

both!(figures_equal_a_recount, figures_equal_a_recount);
async fn figures_equal_a_recount(b: Backend) {
    let app = common::spawn(b).await;
    log_some(&app).await;
    let committee = app.login("xa.luongbang").await;
    let (period, _) = quarter();
    let (status, body) = api(&committee, &format!("?period={period}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["level"], "village",
        "the committee starts at its commune: {body}"
    );
    let lines = body["lines"].as_array().unwrap();
    assert!(lines.len() >= 2, "{body}");
    let mut sum = [0i64; 5];
    for l in lines {
        let village = l["id"].as_str().unwrap();
        let expected = recount(&app, village).await;
        assert_eq!(figures(l), expected, "village {}", l["name"]);
        for (s, v) in sum.iter_mut().zip(expected) {
            *s += v;
        }
    }
    assert_eq!(figures(&body["total"]), sum);
    // The member's village shows the contacts: two households this quarter, three contacts.
    let village = app.village_id("Bằng Ngang").await;
    let line = lines.iter().find(|l| l["id"] == village.as_str()).unwrap();
    assert_eq!(line["reached"], 2);
    assert_eq!(line["contacts"], 3);
    assert_eq!(line["reached_before"], 1);

    // The secretary's view of the village lists its members; the demo member's line
    // equals the recount of their own contacts.
    let secretary = app.login("bt.bangngang").await;
    let (status, body) = api(&secretary, &format!("?unit={village}&period={period}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["level"], "member");
    let member_name = app
        .one_str("SELECT m.full_name FROM members m JOIN users u ON u.member_id = m.id WHERE u.username = 'dv.bangngang'", &[])
        .await;
    let line = body["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["name"] == member_name.as_str())
        .unwrap_or_else(|| panic!("{member_name} in {body}"));
    assert_eq!(
        line["households"].as_i64().unwrap(),
        assigned(&app).await.len() as i64
    );
    assert_eq!(
        (line["reached"].as_i64(), line["contacts"].as_i64()),
        (Some(2), Some(3))
    );
    assert_eq!(line["inactive_members"], 0);
    assert_eq!(figures(&body["total"])[2..4], [2, 3]);
    // The page says it too, and the menu leads there.
    let page = secretary
        .get_text(&format!("/coverage?unit={village}&period={period}"))
        .await;
    assert!(
        page.contains(&member_name) && page.contains("<svg"),
        "{page}"
    );
    assert!(page.contains("href=\"/coverage\""), "{page}");
}

both!(boards_see_counts_never_names, boards_see_counts_never_names);
async fn boards_see_counts_never_names(b: Backend) {
    let app = common::spawn(b).await;
    log_some(&app).await;
    let village = app.village_id("Bằng Ngang").await;
    let names: Vec<String> = app
        .rows(
            "SELECT full_name FROM members WHERE village_id = ?",
            &[village.clone().into()],
        )
        .await
        .into_iter()
        .map(|r| r.values()[0].clone().into_text())
        .collect();
    let heads: Vec<String> = app
        .rows(
            "SELECT head_name FROM households WHERE village_id = ?",
            &[village.clone().into()],
        )
        .await
        .into_iter()
        .map(|r| r.values()[0].clone().into_text())
        .collect();
    for user in ["bdv.hungyen", "mttq.luongbang"] {
        let c = app.login(user).await;
        let home = c.get_text("/coverage").await;
        assert!(home.contains("Độ phủ"), "{user}: {home}");
        for path in [
            format!("/coverage?unit={village}"),
            format!("/api/v1/coverage?unit={village}"),
            "/coverage?unit=c-12280".to_owned(),
        ] {
            let res = c.get(&path).await;
            assert_eq!(res.status(), StatusCode::OK, "{user} {path}");
            let body = res.text().await.unwrap();
            for name in names.iter().chain(&heads) {
                assert!(
                    !body.contains(name.as_str()),
                    "{user} sees {name} on {path}"
                );
            }
        }
        // Counts are there: the village's own line.
        let (_, body) = api(&c, &format!("?unit={village}")).await;
        assert_eq!(body["lines"], json!([]));
        assert_eq!(body["total"]["reached"], 2, "{user}: {body}");
    }
    // The province board starts at the province, with communes as lines.
    let board = app.login("bdv.hungyen").await;
    let (_, body) = api(&board, "").await;
    assert_eq!(body["level"], "commune", "{body}");
    assert!(
        body["lines"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["id"] == "c-12280"),
        "{body}"
    );
}

both!(
    coverage_refuses_what_it_should,
    coverage_refuses_what_it_should
);
async fn coverage_refuses_what_it_should(b: Backend) {
    let app = common::spawn(b).await;
    let member = app.login("dv.bangngang").await;
    assert_eq!(
        member.get("/coverage").await.status(),
        StatusCode::FORBIDDEN
    );
    let secretary = app.login("bt.bangngang").await;
    // Another commune, and the secretary's own commune above their village: not theirs.
    assert_eq!(
        secretary.get("/coverage?unit=c-00004").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        secretary.get("/coverage?unit=c-12280").await.status(),
        StatusCode::NOT_FOUND
    );
    let res = secretary.get("/coverage?period=Q2026-9").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Kỳ báo cáo chưa đúng"));
    let res = secretary.get("/coverage?idle=45").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

both!(the_table_downloads_as_xlsx, the_table_downloads_as_xlsx);
async fn the_table_downloads_as_xlsx(b: Backend) {
    let app = common::spawn(b).await;
    log_some(&app).await;
    let committee = app.login("xa.luongbang").await;
    let res = committee.get("/coverage.xlsx").await;
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.bytes().await.unwrap();
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let sheet = book.worksheet_range("Độ phủ").unwrap();
    let cells: Vec<String> = sheet
        .rows()
        .flat_map(|r| r.iter().map(|c| c.to_string()))
        .collect();
    assert!(cells.iter().any(|c| c.contains("Bằng Ngang")), "{cells:?}");
    assert!(cells.iter().any(|c| c.starts_with("Tổng")), "{cells:?}");
    // The total row's "reached" equals the page's.
    let (_, body) = api(&committee, "").await;
    let total_row = sheet
        .rows()
        .find(|r| r[0].to_string().starts_with("Tổng"))
        .unwrap();
    assert_eq!(
        total_row[4].to_string(),
        body["total"]["reached"].to_string()
    );
}

/// The line of `id` in a coverage answer.
fn line_of(body: &Json, id: &str) -> Json {
    body["lines"]
        .as_array()
        .and_then(|ls| ls.iter().find(|l| l["id"] == id))
        .cloned()
        .unwrap_or_else(|| panic!("{id} in {body}"))
}

fn registry_figures(line: &Json) -> [i64; 4] {
    ["households", "assigned", "members", "inactive_members"].map(|k| line[k].as_i64().unwrap())
}

/// Every village's registry figures recounted from the raw rows: (households, assigned,
/// members, members without a contact in the last `idle_days` days).
async fn registry_recount(app: &TestApp, village: &str, idle_days: i64) -> [i64; 4] {
    let [households, assigned, ..] = recount(app, village).await;
    let members = app
        .count(
            "SELECT COUNT(*) FROM members WHERE village_id = ? AND status = 'active'",
            &[village.into()],
        )
        .await;
    let active = app
        .count(
            "SELECT COUNT(DISTINCT m.id) FROM members m JOIN contacts c ON c.member_id = m.id \
             WHERE m.village_id = ? AND m.status = 'active' AND c.contacted_on >= ?",
            &[
                village.into(),
                iso(today() - Duration::days(idle_days - 1)).into(),
            ],
        )
        .await;
    [households, assigned, members, members - active]
}

// The commune's view after every kind of registry change, made as users make them: the
// registry's counters (kept by triggers) equal a recount, and `counters verify` agrees.
both!(
    registry_counters_follow_every_change,
    registry_counters_follow_every_change
);
async fn registry_counters_follow_every_change(b: Backend) {
    let app = common::spawn(b).await;
    let committee = app.login("xa.luongbang").await;
    let village = app.village_id("Bằng Ngang").await;
    let other = app.village_id("Đồng Xá").await;
    let before = api(&committee, "").await.1;
    let idle_days = 30;
    let (v0, o0) = (
        registry_figures(&line_of(&before, &village)),
        registry_figures(&line_of(&before, &other)),
    );
    assert_eq!(v0, registry_recount(&app, &village, idle_days).await);

    // The demo member logs contacts; then one of their households leaves, another moves
    // to the next village, and a new one comes.
    log_some(&app).await;
    let mine = assigned(&app).await;
    let res = committee
        .json(
            Method::POST,
            &format!("/api/v1/households/{}/status", mine[0]),
            Some(json!({"status": "moved"})),
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "{}",
        res.text().await.unwrap()
    );
    let res = committee
        .json(
            Method::PATCH,
            &format!("/api/v1/households/{}", mine[1]),
            Some(json!({"village_id": other})),
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "{}",
        res.text().await.unwrap()
    );
    let res = committee
        .json(
            Method::POST,
            "/api/v1/households",
            Some(json!({"village_id": village, "head_name": "Nguyễn Văn Mới", "code": "T-MOI"})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    // A member of the village without an account moves away.
    let leaving = app
        .one_str(
            "SELECT m.id FROM members m WHERE m.village_id = ? AND m.status = 'active' \
             AND NOT EXISTS (SELECT 1 FROM users u WHERE u.member_id = m.id) ORDER BY m.id LIMIT 1",
            &[village.clone().into()],
        )
        .await;
    let res = committee
        .json(
            Method::PATCH,
            &format!("/api/v1/members/{leaving}"),
            Some(json!({"status": "moved"})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);

    let after = api(&committee, "").await.1;
    let (v1, o1) = (
        registry_figures(&line_of(&after, &village)),
        registry_figures(&line_of(&after, &other)),
    );
    // The changes show: two households fewer and one more, two fewer assigned (the moved
    // household's pair counts where it lives now), a member fewer, one of them active.
    assert_eq!(v1, [v0[0] - 1, v0[1] - 2, v0[2] - 1, v0[3] - 2]);
    assert_eq!(o1, [o0[0] + 1, o0[1] + 1, o0[2], o0[3]]);
    for l in after["lines"].as_array().unwrap() {
        let id = l["id"].as_str().unwrap();
        assert_eq!(
            registry_figures(l),
            registry_recount(&app, id, idle_days).await,
            "{}",
            l["name"]
        );
    }

    // A new plan for the village, approved: the old one's pairs go, the new one's count.
    let secretary = app.login("bt.bangngang").await;
    let res = secretary
        .post_form(
            &format!("/assignment/villages/{village}/draft"),
            &[("capacity", "12")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let plan = common::location(&res)
        .trim_start_matches("/assignment/plans/")
        .to_owned();
    let res = secretary
        .post_form(&format!("/assignment/plans/{plan}/submit"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = committee
        .post_form(&format!("/assignment/plans/{plan}/approve"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let approved = api(&committee, "").await.1;
    let v2 = registry_figures(&line_of(&approved, &village));
    assert_eq!(v2, registry_recount(&app, &village, idle_days).await);

    let out = app.cli(&["counters", "verify"]);
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
