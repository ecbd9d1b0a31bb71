//! Petitions (issue 9): the whole loop across roles through the real server, on both
//! engines, with the test clock: capture → forward → assign → answer → deliver → confirm,
//! reopen → answer again → confirm; a transfer beyond the commune names the body; overdue
//! escalates on the right day, holidays included; refused steps say why and change
//! nothing; a handler sees only their agency's petitions; the Front never sees the
//! household; every counter equals a recount from the raw rows.

use crate::both;
use crate::common::{self, location, Backend, Client, IntoText, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;
use time::macros::date;

pub(crate) const MEMBER: &str = "dv.bangngang";
pub(crate) const SECRETARY: &str = "bt.bangngang";
pub(crate) const COMMITTEE: &str = "xa.luongbang";
pub(crate) const HANDLER: &str = "ubnd.luongbang";
pub(crate) const FRONT: &str = "mttq.luongbang";
pub(crate) const BOARD: &str = "bdv.hungyen";

/// The households assigned to the demo member, as (id, head name, code).
pub(crate) async fn assigned(app: &TestApp) -> Vec<(String, String, String)> {
    app.rows(
        "SELECT h.id, h.head_name, h.code FROM households h WHERE h.id IN (SELECT p.household_id FROM assignment_pairs p \
         JOIN assignment_plans a ON a.id = p.plan_id JOIN users u ON u.member_id = p.member_id \
         WHERE a.status = 'approved' AND u.username = ?) ORDER BY h.code",
        &[MEMBER.into()],
    )
    .await
    .into_iter()
    .map(|r| {
        let v: Vec<String> = r.values().iter().cloned().map(IntoText::into_text).collect();
        (v[0].clone(), v[1].clone(), v[2].clone())
    })
    .collect()
}

pub(crate) fn form_id(html: &str) -> String {
    let i = html
        .find("name=\"id\" value=\"")
        .expect("the form carries its record id")
        + 17;
    html[i..i + html[i..].find('"').unwrap()].to_owned()
}

pub(crate) async fn agency_id(app: &TestApp, name: &str) -> String {
    app.one_str(
        "SELECT id FROM agencies WHERE commune_id = 'c-12280' AND name = ?",
        &[name.into()],
    )
    .await
}

pub(crate) async fn status_of(app: &TestApp, id: &str) -> String {
    app.one_str(
        "SELECT status || '/' || COALESCE(answer_level, '') FROM petitions WHERE id = ?",
        &[id.into()],
    )
    .await
}

async fn count(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) FROM petitions", &[]).await
}

/// The member records a petition from the card; returns its id.
async fn capture(c: &Client, household: &str, named: bool) -> String {
    let form = c
        .get_text(&format!("/households/{household}/petitions/new"))
        .await;
    let id = form_id(&form);
    let mut fields = vec![
        ("id", id.as_str()),
        ("category", "infrastructure"),
        ("text", "Đề nghị sửa đoạn đường ngõ 3 bị sụt lún"),
    ];
    if named {
        fields.push(("named", "1"));
    }
    let res = c
        .post_form(&format!("/households/{household}/petitions"), &fields)
        .await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
    assert_eq!(
        location(&res),
        format!("/households/{household}?petition=saved")
    );
    id
}

pub(crate) async fn step(c: &Client, id: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    c.post_form(&format!("/petitions/{id}/steps"), fields).await
}

pub(crate) async fn ok_step(c: &Client, id: &str, fields: &[(&str, &str)]) {
    let res = step(c, id, fields).await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{fields:?}: {}",
        res.text().await.unwrap()
    );
}

/// Every counter of the pilot commune equals a recount from the raw rows.
pub(crate) async fn counters_recount(app: &TestApp) {
    let diffs = app
        .db
        .read(|tx| Box::pin(async move { danvan::petitions::recount::verify(tx, "c-12280").await }))
        .await
        .unwrap();
    let text: Vec<String> = diffs.iter().map(|(t, d)| d.describe(t)).collect();
    assert!(text.is_empty(), "{}", text.join("\n"));
    // The roll-ups of the commune, its province and the country add up its villages.
    let units = app
        .db
        .read(|tx| Box::pin(async move { danvan::petitions::recount::rolled_up_units(tx).await }))
        .await
        .unwrap();
    for unit in ["c-12280", "p-33", "vn"] {
        assert!(units.iter().any(|u| u == unit), "{unit} in {units:?}");
        let diffs = app
            .db
            .read(move |tx| {
                Box::pin(async move { danvan::petitions::recount::verify_totals(tx, unit).await })
            })
            .await
            .unwrap();
        let text: Vec<String> = diffs.iter().map(|(t, d)| d.describe(t)).collect();
        assert!(text.is_empty(), "{unit}: {}", text.join("\n"));
        let rows = app
            .count(
                "SELECT COUNT(*) FROM petition_totals WHERE unit_id = ?",
                &[unit.into()],
            )
            .await;
        assert!(rows > 0, "{unit} has roll-ups");
    }
    // The operator's command says the same.
    let out = app.cli(&["counters", "verify"]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && said.contains("Các bộ đếm kiến nghị khớp"),
        "{said}"
    );
}

both!(the_whole_loop_across_roles, the_whole_loop_across_roles);
async fn the_whole_loop_across_roles(b: Backend) {
    let app = common::spawn(b).await;
    app.set_today(date!(2026 - 03 - 02));
    let member = app.login(MEMBER).await;
    let (household, head, _) = assigned(&app).await[0].clone();
    // The card offers the form; the form reminds about sensitive data.
    let card = member.get_text(&format!("/households/{household}")).await;
    assert!(
        card.contains(&format!("href=\"/households/{household}/petitions/new\"")),
        "{card}"
    );
    let form = member
        .get_text(&format!("/households/{household}/petitions/new"))
        .await;
    assert!(form.contains("Không ghi tôn giáo, dân tộc"), "{form}");
    assert!(form.contains("Hạ tầng – giao thông"), "{form}");
    let id = capture(&member, &household, true).await;
    // A double submit records once.
    let again = member
        .post_form(
            &format!("/households/{household}/petitions"),
            &[
                ("id", id.as_str()),
                ("category", "infrastructure"),
                ("text", "x"),
            ],
        )
        .await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    assert_eq!(count(&app).await, 1);
    let card = member.get_text(&location(&again)).await;
    assert!(card.contains("Đã ghi kiến nghị"), "{card}");
    assert!(
        card.contains("Ngày 02/03/2026: Kiến nghị của gia đình đã được ghi nhận"),
        "{card}"
    );
    // The member's list says the household waits on something.
    let list = member.get_text("/my-households").await;
    assert!(list.contains("Kiến nghị đang mở: 1"), "{list}");

    // The cell forwards it (bulk, as from the inbox).
    let secretary = app.login(SECRETARY).await;
    let inbox = secretary.get_text("/petitions").await;
    assert!(
        inbox.contains(&head) && inbox.contains("Chờ chi bộ xử lý (1)"),
        "{inbox}"
    );
    app.set_today(date!(2026 - 03 - 03));
    let res = secretary
        .post_form(
            "/petitions/bulk",
            &[("bulk", "forward"), ("ids", id.as_str())],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
    assert_eq!(status_of(&app, &id).await, "forwarded/");

    // The commune assigns it to the UBND.
    let committee = app.login(COMMITTEE).await;
    let inbox = committee.get_text("/petitions").await;
    assert!(inbox.contains("Chờ xã giao hoặc chuyển (1)"), "{inbox}");
    let ubnd = agency_id(&app, "UBND xã Lương Bằng").await;
    let res = committee
        .post_form(
            "/petitions/bulk",
            &[
                ("bulk", "assign"),
                ("agency", ubnd.as_str()),
                ("ids", id.as_str()),
            ],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
    assert_eq!(status_of(&app, &id).await, "assigned/");

    // The handler sees it on their home and inbox, with the name (the household agreed).
    let handler = app.login(HANDLER).await;
    let home = handler.get_text("/").await;
    assert!(home.contains("Kiến nghị cần xử lý (1)"), "{home}");
    let page = handler.get_text(&format!("/petitions/{id}")).await;
    assert!(page.contains(&head) && page.contains("sụt lún"), "{page}");
    app.set_today(date!(2026 - 03 - 10));
    ok_step(
        &handler,
        &id,
        &[
            ("action", "answer"),
            ("answer", "Xã sẽ sửa đường trong tháng 3"),
            ("basis", "Kế hoạch số 12/KH-UBND"),
        ],
    )
    .await;
    assert_eq!(status_of(&app, &id).await, "answered/agency");
    // Answered is not resolved: the member still holds it, and the card says who answered.
    let card = member.get_text(&format!("/households/{household}")).await;
    assert!(
        card.contains("UBND xã Lương Bằng đã trả lời kiến nghị"),
        "{card}"
    );
    let inbox = member.get_text("/petitions").await;
    assert!(
        inbox.contains("Câu trả lời cần chuyển đến hộ (1)"),
        "{inbox}"
    );

    // Delivered; the household does not accept it: back to the agency.
    ok_step(
        &member,
        &id,
        &[
            ("action", "deliver"),
            ("then", "reopen"),
            ("reason", "Đường vẫn chưa sửa"),
        ],
    )
    .await;
    assert_eq!(status_of(&app, &id).await, "reopened/agency");
    let inbox = handler.get_text("/petitions").await;
    assert!(inbox.contains("Bị trả lại"), "{inbox}");
    ok_step(
        &handler,
        &id,
        &[("action", "answer"), ("answer", "Đã sửa xong ngày 12/3")],
    )
    .await;
    // Delivered now, decided later: the household confirms on the next visit.
    ok_step(&member, &id, &[("action", "deliver"), ("then", "")]).await;
    assert_eq!(status_of(&app, &id).await, "delivered/agency");
    ok_step(&member, &id, &[("action", "confirm")]).await;
    assert_eq!(status_of(&app, &id).await, "closed/");
    let card = member.get_text(&format!("/households/{household}")).await;
    assert!(
        card.contains("Gia đình xác nhận việc đã được giải quyết")
            && card.contains("Gia đình chưa đồng ý với câu trả lời (Đường vẫn chưa sửa)"),
        "{card}"
    );
    let list = member.get_text("/my-households").await;
    assert!(!list.contains("Kiến nghị đang mở"), "{list}");
    // Every step keeps who and when; the counters move with them.
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM petition_steps WHERE petition_id = ?",
            &[id.clone().into()]
        )
        .await,
        9
    );
    assert_eq!(
        app.count(
            "SELECT n FROM petition_counts WHERE period = 'Y2026' AND event = 'answer'",
            &[]
        )
        .await,
        2
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM petition_open", &[]).await,
        0,
        "nothing open once the household confirmed"
    );
    counters_recount(&app).await;
    // The API shows the same timeline.
    let api: serde_json::Value = handler
        .json(Method::GET, &format!("/api/v1/petitions/{id}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(api["status"], "closed");
    assert_eq!(api["steps"].as_array().unwrap().len(), 9);
}

both!(a_transfer_names_the_body, a_transfer_names_the_body);
async fn a_transfer_names_the_body(b: Backend) {
    let app = common::spawn(b).await;
    app.set_today(date!(2026 - 03 - 02));
    let member = app.login(MEMBER).await;
    let household = assigned(&app).await[0].0.clone();
    let id = capture(&member, &household, false).await;
    let secretary = app.login(SECRETARY).await;
    ok_step(&secretary, &id, &[("action", "forward")]).await;
    let committee = app.login(COMMITTEE).await;
    // Without a named body the transfer is refused, and says what is missing.
    let before = common::fingerprint(&app).await;
    let res = step(
        &committee,
        &id,
        &[("action", "transfer"), ("competent", " ")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("Cần ghi rõ cơ quan có thẩm quyền"));
    assert_eq!(before, common::fingerprint(&app).await);
    let body = "Sở Tài nguyên và Môi trường tỉnh Hưng Yên";
    ok_step(
        &committee,
        &id,
        &[("action", "transfer"), ("competent", body)],
    )
    .await;
    assert_eq!(status_of(&app, &id).await, "transferred/");
    // The commune records the answer that came back; the household reads who gave it.
    ok_step(
        &committee,
        &id,
        &[
            ("action", "answer"),
            ("answer", "Sở đã đo đạc lại thửa đất"),
        ],
    )
    .await;
    assert_eq!(status_of(&app, &id).await, "answered/outside");
    let card = member.get_text(&format!("/households/{household}")).await;
    assert!(
        card.contains(&format!("thuộc thẩm quyền của {body}"))
            && card.contains(&format!("{body} đã trả lời")),
        "{card}"
    );
    counters_recount(&app).await;
}

/// A step that must be refused with `says`, writing nothing.
async fn refused(app: &TestApp, c: &Client, id: &str, fields: &[(&str, &str)], says: &str) {
    let before = common::fingerprint(app).await;
    let res = step(c, id, fields).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
    let page = res.text().await.unwrap();
    assert!(page.contains(says), "{says}: {page}");
    assert_eq!(before, common::fingerprint(app).await, "{fields:?}");
}

both!(
    refused_steps_say_why_and_change_nothing,
    refused_steps_say_why_and_change_nothing
);
async fn refused_steps_say_why_and_change_nothing(b: Backend) {
    let app = common::spawn(b).await;
    app.set_today(date!(2026 - 03 - 02));
    let member = app.login(MEMBER).await;
    let household = assigned(&app).await[0].0.clone();
    // Bad input on the form: each field says what is wrong, nothing is written.
    let before = common::fingerprint(&app).await;
    let form = member
        .get_text(&format!("/households/{household}/petitions/new"))
        .await;
    let res = member
        .post_form(
            &format!("/households/{household}/petitions"),
            &[
                ("id", form_id(&form).as_str()),
                ("category", "religion"),
                ("text", " "),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("không có trong danh sách của tỉnh")
            && page.contains("Cần ghi nội dung kiến nghị"),
        "{page}"
    );
    assert_eq!(before, common::fingerprint(&app).await);

    let id = capture(&member, &household, false).await;
    let secretary = app.login(SECRETARY).await;
    let committee = app.login(COMMITTEE).await;
    let handler = app.login(HANDLER).await;
    let ubnd = agency_id(&app, "UBND xã Lương Bằng").await;
    // Not their turn, or not a step of this status.
    refused(
        &app,
        &member,
        &id,
        &[("action", "confirm")],
        "bạn chưa thể xử lý ở bước này",
    )
    .await;
    refused(
        &app,
        &secretary,
        &id,
        &[("action", "deliver")],
        "Chỉ chuyển đến hộ được kiến nghị đã có câu trả lời",
    )
    .await;
    ok_step(&secretary, &id, &[("action", "forward")]).await;
    refused(
        &app,
        &secretary,
        &id,
        &[("action", "forward")],
        "bạn chưa thể xử lý ở bước này",
    )
    .await;
    // A return needs a reason.
    refused(
        &app,
        &committee,
        &id,
        &[("action", "return"), ("reason", "")],
        "Cần ghi lý do trả lại",
    )
    .await;
    refused(
        &app,
        &committee,
        &id,
        &[("action", "confirm")],
        "Hộ chỉ xác nhận hoặc mở lại được",
    )
    .await;
    refused(
        &app,
        &committee,
        &id,
        &[("action", "assign"), ("agency", "no-such")],
        "không có trong danh sách của xã",
    )
    .await;
    ok_step(
        &committee,
        &id,
        &[("action", "assign"), ("agency", ubnd.as_str())],
    )
    .await;
    // "Not ours" must name who is competent, and say why.
    refused(
        &app,
        &handler,
        &id,
        &[
            ("action", "decline"),
            ("competent", ""),
            ("reason", "An ninh"),
        ],
        "Cần ghi rõ cơ quan có thẩm quyền",
    )
    .await;
    refused(
        &app,
        &handler,
        &id,
        &[
            ("action", "decline"),
            ("competent", "Công an xã"),
            ("reason", ""),
        ],
        "Cần ghi lý do",
    )
    .await;
    refused(
        &app,
        &handler,
        &id,
        &[("action", "answer"), ("answer", "  ")],
        "Cần ghi nội dung trả lời",
    )
    .await;
    // Declined with a named body: back to the commune, which sees it as returned.
    ok_step(
        &handler,
        &id,
        &[
            ("action", "decline"),
            ("competent", "Công an xã Lương Bằng"),
            ("reason", "Việc an ninh trật tự"),
        ],
    )
    .await;
    assert_eq!(status_of(&app, &id).await, "forwarded/");
    let inbox = committee.get_text("/petitions").await;
    assert!(inbox.contains("Bị trả lại"), "{inbox}");
    // The API refuses the same way.
    let res = member
        .json(
            Method::POST,
            &format!("/api/v1/petitions/{id}/steps"),
            Some(json!({"action": "confirm"})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    counters_recount(&app).await;
}

both!(
    overdue_escalates_on_the_right_day,
    overdue_escalates_on_the_right_day
);
async fn overdue_escalates_on_the_right_day(b: Backend) {
    let app = common::spawn(b).await;
    // Tuesday 29/4/2025: 30/4, 1/5 and the bridge day 2/5 are off, then a weekend.
    app.set_today(date!(2025 - 04 - 29));
    let member = app.login(MEMBER).await;
    let household = assigned(&app).await[0].0.clone();
    let id = capture(&member, &household, false).await;
    // Three working days after 29/4: 5/5, 6/5, 7/5.
    assert_eq!(
        app.one_str(
            "SELECT due_on FROM petitions WHERE id = ?",
            &[id.clone().into()]
        )
        .await,
        "2025-05-07"
    );
    let committee = app.login(COMMITTEE).await;
    let secretary = app.login(SECRETARY).await;
    let board = app.login(BOARD).await;
    app.set_today(date!(2025 - 05 - 07));
    let inbox = secretary.get_text("/petitions").await;
    assert!(inbox.contains("Sắp đến hạn"), "{inbox}");
    let page = committee.get_text("/petitions").await;
    assert!(
        !page.contains("Quá hạn ở các cấp trong xã"),
        "not yet: {page}"
    );
    // The day after the deadline: overdue at the cell, escalated to the commune, counted
    // for the supervisor without names.
    app.set_today(date!(2025 - 05 - 08));
    let page = committee.get_text("/petitions").await;
    assert!(page.contains("Quá hạn ở các cấp trong xã (1)"), "{page}");
    let head = assigned(&app).await[0].1.clone();
    let page = board.get_text("/petitions").await;
    assert!(
        page.contains("Xã Lương Bằng") && page.contains("Chi bộ chuyển lên xã"),
        "{page}"
    );
    assert!(
        !page.contains(&head) && !page.contains("sụt lún"),
        "no personal data: {page}"
    );
    // Forwarded late: the step is marked, the commune's own 5 days start.
    ok_step(&secretary, &id, &[("action", "forward")]).await;
    assert_eq!(
        app.count(
            "SELECT late FROM petition_steps WHERE petition_id = ? AND action = 'forward'",
            &[id.clone().into()]
        )
        .await,
        1
    );
    assert_eq!(
        app.one_str(
            "SELECT due_on FROM petitions WHERE id = ?",
            &[id.clone().into()]
        )
        .await,
        "2025-05-15"
    );
    counters_recount(&app).await;
}

/// A second agency of the commune with a handler of its own, made through the committee's
/// page; the account's one-time password is replaced by the test password.
async fn agency_b_handler(app: &TestApp) -> Client {
    let committee = app.login(COMMITTEE).await;
    let police = agency_id(app, "Công an xã Lương Bằng").await;
    let res = committee
        .post_form(
            &format!("/petitions/agencies/{police}/handlers"),
            &[
                ("commune", "c-12280"),
                ("username", "ca.luongbang"),
                ("display_name", "Cán bộ Công an xã"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("ca.luongbang"));
    let hash = danvan::auth::password::hash(common::PASSWORD).unwrap();
    app.exec(
        "UPDATE users SET password_hash = ?, must_change_password = 0 WHERE username = 'ca.luongbang'",
        &[hash.into()],
    )
    .await;
    app.login("ca.luongbang").await
}

both!(who_sees_what, who_sees_what);
async fn who_sees_what(b: Backend) {
    let app = common::spawn(b).await;
    app.set_today(date!(2026 - 03 - 02));
    let member = app.login(MEMBER).await;
    let (household, head, code) = assigned(&app).await[0].clone();
    let phone = app
        .one_str(
            "SELECT COALESCE(phone, 'none') FROM households WHERE id = ?",
            &[household.clone().into()],
        )
        .await;
    let id = capture(&member, &household, false).await;
    let secretary = app.login(SECRETARY).await;
    ok_step(&secretary, &id, &[("action", "forward")]).await;
    let committee = app.login(COMMITTEE).await;
    let ubnd = agency_id(&app, "UBND xã Lương Bằng").await;
    ok_step(
        &committee,
        &id,
        &[("action", "assign"), ("agency", ubnd.as_str())],
    )
    .await;
    // Agency A's handler sees it, without the name: the household did not agree.
    let handler = app.login(HANDLER).await;
    let page = handler.get_text(&format!("/petitions/{id}")).await;
    assert!(page.contains("sụt lún") && !page.contains(&head), "{page}");
    // Agency B's handler sees nothing of it.
    let other = agency_b_handler(&app).await;
    assert_eq!(
        other.get(&format!("/petitions/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other
            .json(Method::GET, &format!("/api/v1/petitions/{id}"), None)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let before = common::fingerprint(&app).await;
    let res = step(
        &other,
        &id,
        &[("action", "answer"), ("answer", "Không phải của tôi")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(before, common::fingerprint(&app).await);
    assert!(!other.get_text("/petitions").await.contains("sụt lún"));
    // The Front reads the petition and its timeline, never the household.
    let front = app.login(FRONT).await;
    let page = front.get_text(&format!("/petitions/{id}")).await;
    assert!(
        page.contains("sụt lún") && page.contains("Chuyển lên xã"),
        "{page}"
    );
    for secret in [
        head.as_str(),
        code.as_str(),
        household.as_str(),
        phone.as_str(),
    ] {
        assert!(
            !page.contains(secret),
            "{secret} shown to the Front: {page}"
        );
    }
    let list = front.get_text("/petitions").await;
    assert!(
        list.contains("sụt lún") || list.contains("Hạ tầng"),
        "{list}"
    );
    assert!(!list.contains(&head), "{list}");
    let api = front.get_text(&format!("/api/v1/petitions/{id}")).await;
    assert!(!api.contains(&head) && !api.contains(&household), "{api}");
    // The reads were logged, naming the petition.
    assert!(
        app.count(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'read' AND entity = 'petition'",
            &[]
        )
        .await
            > 0
    );
}

/// A multipart body with text fields and one file, as a browser sends it.
fn multipart(fields: &[(&str, &str)], file_field: &str, file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----danvanpetitiontest";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{file_field}\"; filename=\"IMG_0001.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

both!(
    a_meeting_opinion_reaches_every_household,
    a_meeting_opinion_reaches_every_household
);
async fn a_meeting_opinion_reaches_every_household(b: Backend) {
    let app = common::spawn(b).await;
    app.set_today(date!(2026 - 03 - 02));
    let mine = assigned(&app).await;
    let secretary = app.login(SECRETARY).await;
    let form = secretary.get_text("/petitions/meeting").await;
    let village = app.village_id("Bằng Ngang").await;
    // A photo with the phone's metadata in it.
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x10];
    jpeg.extend_from_slice(b"Exif\0\0GPS-20.7N");
    let pixel = {
        use std::io::Cursor;
        let img = image::RgbImage::from_pixel(8, 8, image::Rgb([10, 200, 30]));
        let mut out = Vec::new();
        image::DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Jpeg)
            .unwrap();
        out
    };
    jpeg.extend_from_slice(&pixel[2..]);
    let codes = format!("{}, {}", mine[0].2, mine[1].2);
    let id = form_id(&form);
    let (ct, body) = multipart(
        &[
            ("_csrf", secretary.csrf.as_str()),
            ("id", id.as_str()),
            ("village", village.as_str()),
            ("households", codes.as_str()),
            ("category", "environment"),
            ("text", "Các hộ xóm Đông đề nghị nạo vét mương thoát nước"),
        ],
        "photo",
        &jpeg,
    );
    let res = secretary
        .http
        .post(secretary.url("/petitions/meeting"))
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
    assert_eq!(count(&app).await, 2);
    let stored = app
        .rows(
            "SELECT content FROM petition_files WHERE kind = 'photo'",
            &[],
        )
        .await;
    assert_eq!(stored.len(), 2);
    {
        use base64::Engine;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(stored[0].values()[0].clone().into_text())
            .unwrap();
        assert!(bytes.starts_with(&[0xFF, 0xD8]));
        assert!(!bytes.windows(4).any(|w| w == b"Exif"), "metadata stripped");
    }
    let ids: Vec<String> = app
        .rows("SELECT id FROM petitions ORDER BY household_id", &[])
        .await
        .iter()
        .map(|r| r.values()[0].clone().into_text())
        .collect();
    // Forward and assign one: its linked twin moves with it; one answer reaches both.
    ok_step(&secretary, &ids[0], &[("action", "forward")]).await;
    let committee = app.login(COMMITTEE).await;
    let ubnd = agency_id(&app, "UBND xã Lương Bằng").await;
    ok_step(
        &committee,
        &ids[0],
        &[("action", "assign"), ("agency", ubnd.as_str())],
    )
    .await;
    let handler = app.login(HANDLER).await;
    ok_step(
        &handler,
        &ids[1],
        &[("action", "answer"), ("answer", "Xã sẽ nạo vét trong tuần")],
    )
    .await;
    for id in &ids {
        assert_eq!(status_of(&app, id).await, "answered/agency");
    }
    // Each household confirms for itself.
    let member = app.login(MEMBER).await;
    ok_step(
        &member,
        &ids[0],
        &[("action", "deliver"), ("then", "confirm")],
    )
    .await;
    assert_eq!(status_of(&app, &ids[0]).await, "closed/");
    assert_eq!(status_of(&app, &ids[1]).await, "answered/agency");
    counters_recount(&app).await;
}

both!(
    the_lists_petitions_run_on_are_kept,
    the_lists_petitions_run_on_are_kept
);
async fn the_lists_petitions_run_on_are_kept(b: Backend) {
    let app = common::spawn(b).await;
    // The shipped holiday table: Tết 2026, the 2025 swap, the 2027 holidays.
    for (day, kind) in [
        ("2026-02-17", "off"),
        ("2025-04-26", "work"),
        ("2025-05-02", "off"),
        ("2027-09-02", "off"),
    ] {
        assert_eq!(
            app.one_str(
                "SELECT kind FROM petition_holidays WHERE day = ?",
                &[day.into()]
            )
            .await,
            kind,
            "{day}"
        );
    }
    let admin = app.login("admin").await;
    let page = admin.get_text("/petitions/holidays?year=2026").await;
    assert!(page.contains("Tết Nguyên đán Bính Ngọ"), "{page}");
    let res = admin
        .post_form(
            "/petitions/holidays",
            &[
                ("day", "24/11/2026"),
                ("kind", "off"),
                ("name", "Ngày Văn hóa Việt Nam"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = admin
        .post_form(
            "/petitions/holidays",
            &[("day", "31/02/2026"), ("kind", "off"), ("name", "x")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // The board sets the province's deadlines; the cell's 3 days become 2.
    let board = app.login(BOARD).await;
    let page = board.get_text("/petitions/settings").await;
    assert!(page.contains("An ninh trật tự"), "{page}");
    let res = board
        .post_form(
            "/petitions/settings",
            &[
                ("province", "p-33"),
                ("code", "land"),
                ("label", "Đất đai"),
                ("code", "other"),
                ("label", "Khác"),
                ("code", ""),
                ("label", "Chuyển đổi số"),
                ("days_cell", "2"),
                ("days_commune", "5"),
                ("days_answer", "15"),
                ("days_delivery", "5"),
            ],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
    let res = board
        .post_form(
            "/petitions/settings",
            &[
                ("province", "p-33"),
                ("code", "land"),
                ("label", "Đất đai"),
                ("days_cell", "0"),
                ("days_commune", "5"),
                ("days_answer", "15"),
                ("days_delivery", "5"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    app.set_today(date!(2026 - 03 - 02));
    let member = app.login(MEMBER).await;
    let household = assigned(&app).await[0].0.clone();
    let form = member
        .get_text(&format!("/households/{household}/petitions/new"))
        .await;
    assert!(
        form.contains("Chuyển đổi số") && !form.contains("value=\"health\""),
        "{form}"
    );
    let res = member
        .json(
            Method::POST,
            &format!("/api/v1/households/{household}/petitions"),
            Some(json!({"category": "land", "text": "Đề nghị cấp giấy chứng nhận", "named": true})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let saved: serde_json::Value = res.json().await.unwrap();
    let id = saved["ids"][0].as_str().unwrap().to_owned();
    assert_eq!(
        app.one_str("SELECT due_on FROM petitions WHERE id = ?", &[id.into()])
            .await,
        "2026-03-04"
    );
    // Land cases get a cell deadline of their own (4 days); "Khác" keeps the province's.
    let categories = |land_cell: &'static str| {
        vec![
            ("province", "p-33"),
            ("code", "land"),
            ("label", "Đất đai"),
            ("cat_cell", land_cell),
            ("cat_commune", ""),
            ("cat_answer", ""),
            ("cat_delivery", ""),
            ("code", "other"),
            ("label", "Khác"),
            ("cat_cell", ""),
            ("cat_commune", ""),
            ("cat_answer", ""),
            ("cat_delivery", ""),
            ("code", "chuyen_doi_so"),
            ("label", "Chuyển đổi số"),
            ("cat_cell", ""),
            ("cat_commune", ""),
            ("cat_answer", ""),
            ("cat_delivery", ""),
            ("days_cell", "2"),
            ("days_commune", "5"),
            ("days_answer", "15"),
            ("days_delivery", "5"),
        ]
    };
    let res = board
        .post_form("/petitions/settings", &categories("91"))
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("Thời hạn &#34;Chi bộ chuyển lên xã&#34; của lĩnh vực &#34;Đất đai&#34; cần là số ngày làm việc từ 1 đến 90"),
        "{page}"
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM petition_deadlines WHERE category <> ''",
            &[]
        )
        .await,
        0
    );
    let res = board
        .post_form("/petitions/settings", &categories("4"))
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = board.get_text("/petitions/settings").await;
    assert!(page.contains("name=\"cat_cell\" value=\"4\""), "{page}");
    let mut due = Vec::new();
    for category in ["land", "other"] {
        let res = member
            .json(
                Method::POST,
                &format!("/api/v1/households/{household}/petitions"),
                Some(json!({"category": category, "text": "Đề nghị xem xét", "named": true})),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let saved: serde_json::Value = res.json().await.unwrap();
        let id = saved["ids"][0].as_str().unwrap().to_owned();
        due.push(
            app.one_str("SELECT due_on FROM petitions WHERE id = ?", &[id.into()])
                .await,
        );
    }
    assert_eq!(due, ["2026-03-06", "2026-03-04"]);
    // Emptied again, the land cell deadline falls back to the province's.
    let res = board
        .post_form("/petitions/settings", &categories(""))
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM petition_deadlines WHERE category <> ''",
            &[]
        )
        .await,
        0
    );
    // The committee adds an agency and an answer template.
    let committee = app.login(COMMITTEE).await;
    let res = committee
        .post_form(
            "/petitions/agencies",
            &[
                ("commune", "c-12280"),
                ("name", "Đoàn Thanh niên xã"),
                ("kind", "mass_org"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = committee
        .post_form(
            "/petitions/templates",
            &[
                ("commune", "c-12280"),
                ("title", "Đã sửa"),
                ("body", "Xã đã sửa xong"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = committee.get_text("/petitions/agencies").await;
    assert!(
        page.contains("Đoàn Thanh niên xã") && page.contains("Xã đã sửa xong"),
        "{page}"
    );
}

/// Each inbox seat reads its petitions through an index on the unit or the agency. With
/// `status IN (…) OR (status = 'reopened' AND …)` at the top of the WHERE, SQLite chose a
/// multi-index OR plan that scanned every petition of the database twice: 1.3 s for a
/// commune's inbox at 200,000 petitions. SQLite only: its plan here is fixed by the
/// schema, PostgreSQL's depends on table statistics.
#[tokio::test]
async fn inbox_seats_read_through_an_index() {
    use danvan::petitions::inbox::{AGENCY_HOLDS, CELL_HOLDS, COMMUNE_HOLDS, HELD_BELOW_COMMUNE};
    use danvan::petitions::store::{COLUMNS, FROM};
    let app = common::spawn(Backend::Sqlite).await;
    let units = "p.village_id IN (SELECT id FROM units WHERE (path >= ? AND path < ?))";
    let range = || vec!["/vn/p-33/c-12280/".into(), "/vn/p-33/c-12280/~".into()];
    let seats: [(&str, String, Vec<danvan::db::Value>); 4] = [
        ("cell", format!("{units} AND {CELL_HOLDS}"), range()),
        ("commune", format!("{units} AND {COMMUNE_HOLDS}"), range()),
        (
            "escalation",
            format!("{units} AND {HELD_BELOW_COMMUNE} AND p.due_on < ?"),
            [range(), vec!["2026-06-01".into()]].concat(),
        ),
        (
            "agency",
            format!("p.agency_id IN (?) AND {AGENCY_HOLDS}"),
            vec!["a".into()],
        ),
    ];
    for (seat, filter, args) in seats {
        let plan: Vec<String> = app
            .rows(
                &format!(
                    "EXPLAIN QUERY PLAN SELECT {COLUMNS} {FROM} WHERE {filter} ORDER BY p.due_on, p.created_at LIMIT 1000"
                ),
                &args,
            )
            .await
            .iter()
            .filter_map(|r| r.str("detail").ok())
            .collect();
        let plan = plan.join(" | ");
        assert!(!plan.contains("MULTI-INDEX OR"), "{seat}: {plan}");
        assert!(!plan.contains("SCAN p"), "{seat}: {plan}");
        assert!(plan.contains("SEARCH p USING INDEX"), "{seat}: {plan}");
    }
}
