//! Evaluation and classification (issue 10, item 2): the proposal follows the rubric on a
//! hand-made case, the "xuất sắc" cap holds on the proposal and on the committee's
//! adjustments, an adjustment needs a reason and keeps it, approval makes it read-only,
//! commendations print, and each reader sees only what their role may.

use crate::both;
use crate::common::{self, location, Backend, Client, IntoText, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::Value as Json;

const COMMUNE: &str = "c-12280";
const MEMBER: &str = "dv.bangngang";

fn today() -> time::Date {
    danvan::evaluation::pages::today()
}

fn year() -> String {
    today().year().to_string()
}

fn vn(d: time::Date) -> String {
    format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year())
}

/// The record id a form carries.
fn form_id(html: &str) -> String {
    let i = html.find("name=\"id\" value=\"").expect("a record id") + 17;
    html[i..i + html[i..].find('"').unwrap()].to_owned()
}

async fn member_id(app: &TestApp) -> String {
    app.one_str(
        "SELECT member_id FROM users WHERE username = ?",
        &[MEMBER.into()],
    )
    .await
}

/// The demo member's households in the approved plan.
async fn mine(app: &TestApp) -> Vec<String> {
    app.rows(
        "SELECT p.household_id FROM assignment_pairs p JOIN assignment_plans a ON a.id = p.plan_id \
         JOIN users u ON u.member_id = p.member_id WHERE a.status = 'approved' AND u.username = ? ORDER BY p.household_id",
        &[MEMBER.into()],
    )
    .await
    .into_iter()
    .map(|r| r.values()[0].clone().into_text())
    .collect()
}

/// Opens the evaluation of the pilot commune for `period`; its id.
async fn open(c: &Client, period: &str) -> String {
    let res = c
        .post_form(
            "/evaluations",
            &[("commune_id", COMMUNE), ("period", period)],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
    location(&res).rsplit('/').next().unwrap().to_owned()
}

async fn api(c: &Client, unit: &str, period: &str) -> (StatusCode, Json) {
    let res = c
        .json(
            Method::GET,
            &format!("/api/v1/evaluations?unit={unit}&period={period}"),
            None,
        )
        .await;
    let status = res.status();
    (status, res.json().await.unwrap_or(Json::Null))
}

fn line<'a>(body: &'a Json, list: &str, id: &str) -> &'a Json {
    body[list]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == id)
        .unwrap_or_else(|| panic!("{id} not in {list}"))
}

fn figure(l: &Json, indicator: &str) -> (i64, i64) {
    let f = l["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["indicator"] == indicator)
        .unwrap();
    (f["part"].as_i64().unwrap(), f["whole"].as_i64().unwrap())
}

/// The documented default rubric, recomputed by hand: the weighted mean of the shares
/// that have a whole, per mille, rounded half up.
fn score(figures: &[(i64, i64)], weights: &[i64]) -> i64 {
    let (mut sum, mut w) = (0, 0);
    for ((part, whole), weight) in figures.iter().zip(weights) {
        if *whole > 0 {
            sum += (part.min(whole) * 1000 + whole / 2) / whole * weight;
            w += weight;
        }
    }
    if w == 0 {
        0
    } else {
        (sum + w / 2) / w
    }
}

both!(
    proposed_levels_follow_the_rubric,
    proposed_levels_follow_the_rubric
);
async fn proposed_levels_follow_the_rubric(b: Backend) {
    let app = common::spawn(b).await;
    let dv = app.login(MEMBER).await;
    let bt = app.login("bt.bangngang").await;
    let xa = app.login("xa.luongbang").await;
    let village = app.village_id("Bằng Ngang").await;
    let households = mine(&app).await;
    assert!(households.len() >= 3);
    // The member visits every one of their households; one of them twice (reach counts
    // households, not contacts).
    for h in households.iter().chain(households.first()) {
        let form = dv.get_text(&format!("/households/{h}/contacts/new")).await;
        let res = dv
            .post_form(
                &format!("/households/{h}/contacts"),
                &[
                    ("id", &form_id(&form)),
                    ("channel", "visit"),
                    ("topics", "law"),
                ],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    }
    // The cell meets three times this year and records the member's commitment as signed.
    for m in 1..=3u8 {
        let day =
            time::Date::from_calendar_date(today().year(), time::Month::try_from(m).unwrap(), 5)
                .unwrap();
        let form = bt.get_text(&format!("/events/new?unit={village}")).await;
        let res = bt
            .post_form(
                "/events",
                &[
                    ("id", &form_id(&form)),
                    ("unit_id", &village),
                    ("kind", "cell_meeting"),
                    ("held_on", &vn(day)),
                    ("place", "Nhà văn hóa thôn"),
                    ("chair", "Bí thư chi bộ"),
                    ("content", "Sinh hoạt định kỳ"),
                    ("households", "0"),
                ],
            )
            .await;
        assert_eq!(
            res.status(),
            StatusCode::SEE_OTHER,
            "{}",
            res.text().await.unwrap()
        );
    }
    let me = member_id(&app).await;
    let res = bt
        .post_form(
            "/commitments",
            &[
                ("village", &village),
                ("year", &year()),
                ("subject", "member"),
                ("signed_on", &vn(today())),
                ("action", "signed"),
                ("id", &me),
            ],
        )
        .await;
    assert!(
        res.status().is_redirection(),
        "{}",
        res.text().await.unwrap()
    );

    let id = open(&xa, &year()).await;
    let (status, body) = api(&xa, COMMUNE, &year()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["id"], id.as_str());
    assert_eq!(body["status"], "open");

    // The member: all households reached once each, no follow-up missed, no campaign
    // running, own commitment signed: 100% → "xuất sắc".
    let m = line(&body, "members", &me);
    let n = households.len() as i64;
    assert_eq!(figure(m, "reach"), (n, n));
    assert_eq!(figure(m, "follow_ups"), (n, n));
    assert_eq!(figure(m, "own_commitment"), (1, 1));
    assert_eq!(m["proposed_score"], 1000);
    assert_eq!(m["proposed_level"], "xuat_sac");
    assert_eq!(m["level"], "xuat_sac");
    // Another member of the village reached nobody: only the follow-ups indicator scores
    // (15 of the 80 weight that applies) → "không hoàn thành".
    let other = body["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] != me.as_str() && l["village_id"] == village.as_str())
        .unwrap();
    let (_, whole) = figure(other, "reach");
    assert_eq!(figure(other, "reach"), (0, whole));
    assert_eq!(figure(other, "own_commitment"), (0, 1));
    let deliveries = figure(other, "deliveries");
    let expected = score(
        &[(0, whole), (whole, whole), deliveries, (0, 1)],
        &[50, 15, 20, 15],
    );
    assert_eq!(other["proposed_score"], expected);
    assert_eq!(other["proposed_level"], "khong_hoan_thanh");

    // The village: its assigned households reached (distinct), three meetings of twelve
    // months, the petition and commitment figures as the counters hold them.
    let v = line(&body, "villages", &village);
    let assigned = app
        .count(
            "SELECT COUNT(*) FROM assignment_pairs p JOIN assignment_plans a ON a.id = p.plan_id \
             JOIN households h ON h.id = p.household_id WHERE a.status = 'approved' AND h.status = 'active' AND h.village_id = ?",
            &[village.clone().into()],
        )
        .await;
    assert_eq!(figure(v, "reach"), (n, assigned));
    assert_eq!(figure(v, "meetings"), (3, 12));
    let figures: Vec<(i64, i64)> = ["reach", "resolved", "on_time", "commitments", "meetings"]
        .iter()
        .map(|i| figure(v, i))
        .collect();
    let s = score(&figures, &[35, 20, 15, 15, 15]);
    assert_eq!(v["proposed_score"], s);
    let level = match s {
        850.. => "tot",
        700.. => "kha",
        500.. => "trung_binh",
        _ => "yeu",
    };
    assert_eq!(v["proposed_level"], level);
    // Every member with households is evaluated; the page shows the figures beside.
    let evaluated = body["members"].as_array().unwrap().len() as i64;
    let with_households = app
        .count(
            "SELECT COUNT(DISTINCT p.member_id) FROM assignment_pairs p JOIN assignment_plans a ON a.id = p.plan_id \
             JOIN households h ON h.id = p.household_id JOIN members m ON m.id = p.member_id \
             WHERE a.status = 'approved' AND h.status = 'active' AND a.commune_id = ? AND m.status = 'active'",
            &[COMMUNE.into()],
        )
        .await;
    assert_eq!(evaluated, with_households);
    let page = xa
        .get_text(&format!("/evaluations/{id}/villages/{village}"))
        .await;
    assert!(page.contains("Hoàn thành xuất sắc nhiệm vụ"), "{page}");
    assert!(page.contains(&format!("{n}/{n} (100,0%)")), "{page}");
    assert!(page.len() < 30_000, "{} bytes", page.len());
    let show = xa.get_text(&format!("/evaluations/{id}")).await;
    assert!(show.contains("3/12 (25,0%)"), "{show}");
    assert!(show.len() < 30_000, "{} bytes", show.len());

    // The same period cannot be opened twice; a month is not an evaluation period.
    let again = xa
        .post_form(
            "/evaluations",
            &[("commune_id", COMMUNE), ("period", &year())],
        )
        .await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let month = xa
        .post_form(
            "/evaluations",
            &[
                ("commune_id", COMMUNE),
                ("period", &format!("{}-M01", year())),
            ],
        )
        .await;
    assert_eq!(month.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

/// Sets the province's rubric as its board does, with the member thresholds given (%).
async fn member_thresholds(app: &TestApp, t: [&str; 3], cap: &str) {
    let bdv = app.login("bdv.hungyen").await;
    let page = bdv.get_text("/evaluations/rubric").await;
    assert!(page.contains("Tiêu chí đánh giá"), "{page}");
    let province = "p-33".to_owned();
    let mut f: Vec<(&str, &str)> = vec![
        ("province", &province),
        ("village_reach", "35"),
        ("village_resolved", "20"),
        ("village_on_time", "15"),
        ("village_commitments", "15"),
        ("village_meetings", "15"),
        ("village_t1", "85"),
        ("village_t2", "70"),
        ("village_t3", "50"),
        ("member_reach", "50"),
        ("member_follow_ups", "15"),
        ("member_deliveries", "20"),
        ("member_own_commitment", "15"),
        ("excellent_percent", cap),
    ];
    f.push(("member_t1", t[0]));
    f.push(("member_t2", t[1]));
    f.push(("member_t3", t[2]));
    let res = bdv.post_form("/evaluations/rubric", &f).await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
}

async fn lines_state(app: &TestApp) -> Vec<String> {
    app.rows(
        "SELECT evaluation_id, subject_id, level, COALESCE(reason, ''), COALESCE(decided_at, '') FROM evaluation_lines ORDER BY evaluation_id, subject, subject_id",
        &[],
    )
    .await
    .iter()
    .map(|r| format!("{:?}", r.values()))
    .collect()
}

both!(
    the_excellent_cap_holds_and_decisions_keep_their_reason,
    the_excellent_cap_holds_and_decisions_keep_their_reason
);
async fn the_excellent_cap_holds_and_decisions_keep_their_reason(b: Backend) {
    let app = common::spawn(b).await;
    // Thresholds so low that every member is proposed "xuất sắc" on follow-ups alone.
    member_thresholds(&app, ["10", "5", "1"], "20").await;
    let xa = app.login("xa.luongbang").await;
    let period = format!("{}-Q1", today().year());
    let id = open(&xa, &period).await;
    let (_, body) = api(&xa, COMMUNE, &period).await;
    let members = body["members"].as_array().unwrap().clone();
    let n = members.len();
    let allowed = n * 20 / 100;
    assert!(allowed >= 2, "{n} members");
    let at = |level: &str| members.iter().filter(|l| l["level"] == level).count();
    // The proposal: exactly the cap stays "xuất sắc", the excess drop to "tốt".
    assert_eq!(at("xuat_sac"), allowed);
    assert_eq!(at("tot"), n - allowed);
    let top: Vec<&Json> = members
        .iter()
        .filter(|l| l["level"] == "xuat_sac")
        .collect();
    let first_tot = members.iter().position(|l| l["level"] == "tot").unwrap();
    // Deterministic: another period with the same figures keeps the same members on top.
    let q2 = format!("{}-Q2", today().year());
    open(&xa, &q2).await;
    let (_, other) = api(&xa, COMMUNE, &q2).await;
    let pick = |b: &Json| -> Vec<String> {
        b["members"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| l["level"] == "xuat_sac")
            .map(|l| l["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(pick(&other), pick(&body));
    let counts = &body["member_counts"];
    assert_eq!(counts[0]["count"], allowed as i64);
    assert_eq!(counts[0]["label"], "Hoàn thành xuất sắc nhiệm vụ");

    // Raising one more to "xuất sắc" is refused, naming the cap and the count.
    let good = members[first_tot]["id"].as_str().unwrap().to_owned();
    let before = lines_state(&app).await;
    let res = xa
        .post_form(
            &format!("/evaluations/{id}/adjust"),
            &[
                ("subject", "member"),
                ("subject_id", &good),
                ("level", "xuat_sac"),
                ("reason", "Gương mẫu"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = res.text().await.unwrap();
    assert!(text.contains("20%"), "{text}");
    assert!(
        text.contains(&format!("{allowed} trong {n} đảng viên")),
        "{text}"
    );
    assert_eq!(lines_state(&app).await, before);

    // Without a reason: refused, in Vietnamese, nothing changed.
    let down = top[0]["id"].as_str().unwrap().to_owned();
    for reason in ["", "   "] {
        let res = xa
            .post_form(
                &format!("/evaluations/{id}/adjust"),
                &[
                    ("subject", "member"),
                    ("subject_id", &down),
                    ("level", "hoan_thanh"),
                    ("reason", reason),
                ],
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let text = res.text().await.unwrap();
        assert!(text.contains("Cần ghi lý do điều chỉnh"), "{text}");
        assert_eq!(lines_state(&app).await, before);
    }

    // With a reason: one "xuất sắc" moves down, which makes room for the other.
    let res = xa
        .post_form(
            &format!("/evaluations/{id}/adjust"),
            &[
                ("subject", "member"),
                ("subject_id", &down),
                ("level", "hoan_thanh"),
                ("reason", "Chưa gặp đủ các hộ trong quý"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(location(&res).contains("/villages/"), "{}", location(&res));
    let res = xa
        .post_form(
            &format!("/evaluations/{id}/adjust"),
            &[
                ("subject", "member"),
                ("subject_id", &good),
                ("level", "xuat_sac"),
                ("reason", "Vận động được nhiều hộ hiến đất"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, body) = api(&xa, COMMUNE, &period).await;
    let l = line(&body, "members", &down);
    assert_eq!(l["proposed_level"], "xuat_sac", "the proposal is kept");
    assert_eq!(l["level"], "hoan_thanh");
    assert_eq!(l["reason"], "Chưa gặp đủ các hộ trong quý");
    assert!(l["decided_by"].as_str().is_some_and(|s| !s.is_empty()));
    assert!(l["decided_at"].as_str().is_some());
    assert_eq!(line(&body, "members", &good)["level"], "xuat_sac");
    let village_of = l["village_id"].as_str().unwrap().to_owned();
    let page = xa
        .get_text(&format!("/evaluations/{id}/villages/{village_of}"))
        .await;
    assert!(page.contains("Chưa gặp đủ các hộ trong quý"), "{page}");

    // A village is adjusted the same way; commendations wait for approval.
    let village = app.village_id("Đồng Lý").await;
    let res = xa
        .post_form(
            &format!("/evaluations/{id}/adjust"),
            &[
                ("subject", "village"),
                ("subject_id", &village),
                ("level", "tot"),
                ("reason", "Mô hình điểm của xã"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let early = xa
        .post_form(
            &format!("/evaluations/{id}/commend"),
            &[("villages", &village)],
        )
        .await;
    assert_eq!(early.status(), StatusCode::CONFLICT);

    // Approval: the levels are read-only from then on.
    let res = xa
        .post_form(&format!("/evaluations/{id}/approve"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let after = lines_state(&app).await;
    let res = xa
        .post_form(
            &format!("/evaluations/{id}/adjust"),
            &[
                ("subject", "member"),
                ("subject_id", &down),
                ("level", "tot"),
                ("reason", "Xem lại"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(res.text().await.unwrap().contains("đã được phê duyệt"));
    assert_eq!(lines_state(&app).await, after);
    let again = xa
        .post_form(&format!("/evaluations/{id}/approve"), &[])
        .await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let (_, body) = api(&xa, COMMUNE, &period).await;
    assert_eq!(body["status"], "approved");
    let show = xa.get_text(&format!("/evaluations/{id}")).await;
    assert!(
        !show.contains(&format!("/evaluations/{id}/adjust")),
        "no adjust form once approved"
    );

    // Commendations: only from the top level; the printable list names them.
    let refused = xa
        .post_form(&format!("/evaluations/{id}/commend"), &[("members", &down)])
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = xa
        .post_form(
            &format!("/evaluations/{id}/commend"),
            &[("villages", &village), ("members", &good)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let list = xa
        .get_text(&format!("/evaluations/{id}/commendations"))
        .await;
    let good_name = line(&body, "members", &good)["name"]
        .as_str()
        .unwrap()
        .to_owned();
    let down_name = line(&body, "members", &down)["name"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(list.contains("DANH SÁCH"), "{list}");
    assert!(list.contains("ĐẢNG CỘNG SẢN VIỆT NAM"), "{list}");
    assert!(list.contains("ĐẢNG BỘ XÃ LƯƠNG BẰNG"), "{list}");
    assert!(
        list.contains(&good_name) && list.contains("Đồng Lý"),
        "{list}"
    );
    assert!(!list.contains(&down_name), "{list}");
    // The board above receives the list too.
    let bdv = app.login("bdv.hungyen").await;
    let res = bdv.get(&format!("/evaluations/{id}/commendations")).await;
    assert_eq!(res.status(), StatusCode::OK);
}

both!(
    each_reader_sees_what_their_role_may,
    each_reader_sees_what_their_role_may
);
async fn each_reader_sees_what_their_role_may(b: Backend) {
    let app = common::spawn(b).await;
    let xa = app.login("xa.luongbang").await;
    let id = open(&xa, &year()).await;
    let village = app.village_id("Bằng Ngang").await;
    let other = app.village_id("Đồng Lý").await;
    let (_, full) = api(&xa, COMMUNE, &year()).await;
    let names: Vec<String> = full["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap().to_owned())
        .collect();
    assert!(!names.is_empty());
    assert_eq!(full["villages"].as_array().unwrap().len(), 4);

    // The village's secretary: its own village and its members only.
    let bt = app.login("bt.bangngang").await;
    let (status, body) = api(&bt, COMMUNE, &year()).await;
    assert_eq!(status, StatusCode::OK);
    let vs = body["villages"].as_array().unwrap();
    assert_eq!(vs.len(), 1);
    assert_eq!(vs[0]["id"], village.as_str());
    assert!(body["members"]
        .as_array()
        .unwrap()
        .iter()
        .all(|l| l["village_id"] == village.as_str()));
    assert_eq!(
        bt.get(&format!("/evaluations/{id}/villages/{other}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        bt.get(&format!("/evaluations/{id}/villages/{village}"))
            .await
            .status(),
        StatusCode::OK
    );

    // The board: villages' levels and counts, no member's name.
    let bdv = app.login("bdv.hungyen").await;
    let (status, body) = api(&bdv, COMMUNE, &year()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["villages"].as_array().unwrap().len(), 4);
    assert!(body["members"].as_array().unwrap().is_empty());
    let page = bdv.get_text(&format!("/evaluations/{id}")).await;
    assert!(page.contains("Bằng Ngang"), "{page}");
    for n in &names {
        assert!(!page.contains(n.as_str()), "{n} shown to the board");
    }
    assert_eq!(
        bdv.get(&format!("/evaluations/{id}/villages/{village}"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );

    // The Front: counts only.
    let mttq = app.login("mttq.luongbang").await;
    let (status, body) = api(&mttq, COMMUNE, &year()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["villages"].as_array().unwrap().is_empty());
    assert!(body["members"].as_array().unwrap().is_empty());
    let total: i64 = body["member_counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["count"].as_i64().unwrap())
        .sum();
    assert_eq!(total as usize, names.len());
    let page = mttq.get_text(&format!("/evaluations/{id}")).await;
    assert!(!page.contains("Bằng Ngang"), "{page}");

    // A member sees nothing of others; another commune's committee nothing at all.
    let dv = app.login(MEMBER).await;
    assert_eq!(
        dv.get(&format!("/evaluations/{id}")).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        dv.json(
            Method::GET,
            &format!("/api/v1/evaluations?unit={COMMUNE}&period={}", year()),
            None
        )
        .await
        .status(),
        StatusCode::FORBIDDEN
    );

    // Reading members' evaluations is logged, naming them.
    let before = app
        .count("SELECT COUNT(*) FROM audit_log WHERE action = 'read'", &[])
        .await;
    let res = xa
        .get(&format!("/evaluations/{id}/villages/{village}"))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let after = app
        .count("SELECT COUNT(*) FROM audit_log WHERE action = 'read'", &[])
        .await;
    assert!(after > before, "{before} → {after}");
}
