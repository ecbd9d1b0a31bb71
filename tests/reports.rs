//! Periodic reports (issue 10): the committee drafts, edits and submits; the province's
//! board returns with a reason, then accepts and locks; a late contact shows as a
//! correction on the next report; the figures equal a recount from the raw rows; the
//! province's consolidated figures are the sum of its communes' accepted reports; the
//! DOCX and XLSX read back with the right heading, number, signer and figures — through
//! the real server, on both engines, with the test clock.

use crate::both;
use crate::common::documents::{to_pdf, unzip};
use crate::common::{self, location, Backend, Client, IntoText, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value as Json};
use time::{Date, Duration, OffsetDateTime, UtcOffset};

const COMMITTEE: &str = "xa.luongbang";
const BOARD: &str = "bdv.hungyen";
const MEMBER: &str = "dv.bangngang";
const COMMUNE: &str = "c-12280";
const PROVINCE: &str = "p-33";

/// Contacts are dated by the real Vietnam calendar (their form refuses future days), so
/// the periods here are those around today.
fn today() -> Date {
    OffsetDateTime::now_utc()
        .to_offset(UtcOffset::from_hms(7, 0, 0).unwrap())
        .date()
}

fn vn(d: Date) -> String {
    format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year())
}

fn iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// `2026-Q4` for today.
fn this_quarter() -> String {
    format!(
        "{}-Q{}",
        today().year(),
        (u8::from(today().month()) - 1) / 3 + 1
    )
}

fn month_key(d: Date) -> String {
    format!("{}-M{:02}", d.year(), u8::from(d.month()))
}

/// The last day of the month before today's.
fn end_of_last_month() -> Date {
    today().replace_day(1).unwrap() - Duration::days(1)
}

/// The quarter's label as the pages write it: "Quý IV/2026".
fn quarter_label() -> String {
    let q = ["I", "II", "III", "IV"][usize::from((u8::from(today().month()) - 1) / 3)];
    format!("Quý {q}/{}", today().year())
}

/// The member's assigned households, in code order.
async fn mine(app: &TestApp) -> Vec<String> {
    app.rows(
        "SELECT h.id FROM households h WHERE h.id IN (SELECT p.household_id FROM assignment_pairs p \
         JOIN assignment_plans a ON a.id = p.plan_id JOIN users u ON u.member_id = p.member_id \
         WHERE a.status = 'approved' AND u.username = ?) ORDER BY h.code",
        &[MEMBER.into()],
    )
    .await
    .into_iter()
    .map(|r| r.values()[0].clone().into_text())
    .collect()
}

/// Logs a visit to `household` on `day` (dd/mm/yyyy) from the card's form.
async fn visit(c: &Client, household: &str, day: &str) {
    let form = c
        .get_text(&format!("/households/{household}/contacts/new"))
        .await;
    let i = form.find("name=\"id\" value=\"").expect("record id") + 17;
    let id = form[i..i + form[i..].find('"').unwrap()].to_owned();
    let res = c
        .post_form(
            &format!("/households/{household}/contacts"),
            &[
                ("id", id.as_str()),
                ("contacted_on", day),
                ("channel", "visit"),
                ("topics", "law"),
            ],
        )
        .await;
    assert!(
        res.status().is_redirection() || res.status().is_success(),
        "{}",
        res.status()
    );
}

/// Opens the commune's report for `period` and returns its id.
async fn open(c: &Client, period: &str) -> String {
    let res = c
        .post_form("/reports", &[("unit_id", COMMUNE), ("period", period)])
        .await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
    location(&res).trim_start_matches("/reports/").to_owned()
}

async fn report(c: &Client, id: &str) -> Json {
    let res = c
        .json(Method::GET, &format!("/api/v1/reports/{id}"), None)
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

async fn step(c: &Client, id: &str, step: &str, note: &str) -> reqwest::Response {
    c.post_form(
        &format!("/reports/{id}/step"),
        &[("step", step), ("note", note)],
    )
    .await
}

fn version(page: &str) -> String {
    let i = page
        .find("name=\"version\" value=\"")
        .expect("the form's version")
        + 22;
    page[i..i + page[i..].find('"').unwrap()].to_owned()
}

async fn status(app: &TestApp, id: &str) -> String {
    app.one_str("SELECT status FROM reports WHERE id = ?", &[id.into()])
        .await
}

both!(
    draft_submit_return_resubmit_accept_lock,
    draft_submit_return_resubmit_accept_lock
);
async fn draft_submit_return_resubmit_accept_lock(b: Backend) {
    let app = common::spawn(b).await;
    let member = app.login(MEMBER).await;
    let hh = mine(&app).await;
    let day = vn(today());
    visit(&member, &hh[0], &day).await;
    visit(&member, &hh[0], &day).await;
    visit(&member, &hh[1], &day).await;

    let xa = app.login(COMMITTEE).await;
    let list = xa.get_text("/reports").await;
    assert!(
        list.contains(&format!("Lập báo cáo: {}", quarter_label())),
        "{list}"
    );
    let id = open(&xa, &this_quarter()).await;
    // Opening again finds the same draft.
    assert_eq!(open(&xa, &this_quarter()).await, id);
    let page = xa.get_text(&format!("/reports/{id}")).await;
    assert!(page.contains("Dự thảo"), "{page}");
    assert!(page.contains("Hộ được tiếp xúc trong kỳ"), "{page}");
    let r = report(&xa, &id).await;
    assert_eq!(r["figures"]["contacts"], 3);
    assert_eq!(r["figures"]["reached"], 2);
    assert_eq!(r["figures"]["members_active"], 1);
    assert!(r["narrative"]["results"]
        .as_str()
        .unwrap()
        .contains("tiếp xúc, thăm hỏi 2 hộ"));

    // The committee edits the narrative; an empty "results" is refused and changes nothing.
    let res = xa
        .post_form(
            &format!("/reports/{id}"),
            &[
                ("version", &version(&page)),
                ("situation", "Tình hình."),
                ("results", "  "),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("Phần kết quả không được để trống"));
    assert_ne!(
        report(&xa, &id).await["narrative"]["situation"],
        "Tình hình."
    );
    let res = xa
        .post_form(
            &format!("/reports/{id}"),
            &[
                ("version", &version(&page)),
                ("situation", "Tình hình chung của xã."),
                ("results", "Kết quả: các chi bộ đã triển khai."),
                ("shortcomings", "Còn chậm."),
                ("tasks", "Tiếp tục."),
                ("proposals", "Không."),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // A form read at the old version is refused: someone saved since.
    let res = xa
        .post_form(
            &format!("/reports/{id}"),
            &[("version", &version(&page)), ("results", "Ghi đè.")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("vừa được người khác sửa"));

    // The board cannot accept a draft; the committee cannot accept at all.
    let board = app.login(BOARD).await;
    assert_eq!(
        step(&board, &id, "accept", "").await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        step(&xa, &id, "accept", "").await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(status(&app, &id).await, "draft");

    // Submit: the figures freeze, the report gets its number and date.
    assert_eq!(
        step(&xa, &id, "submit", "").await.status(),
        StatusCode::SEE_OTHER
    );
    let r = report(&xa, &id).await;
    assert_eq!(r["status"], "submitted");
    assert_eq!(r["number"], "Số 1-BC/ĐU");
    assert_eq!(r["issued_on"], iso(today()));
    let page = xa.get_text(&format!("/reports/{id}")).await;
    assert!(
        !page.contains("name=\"situation\""),
        "a submitted report is not editable"
    );

    // The board returns it: without a reason it is refused and nothing changes.
    let res = step(&board, &id, "return", " ").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Nêu lý do trả lại"));
    assert_eq!(status(&app, &id).await, "submitted");
    assert_eq!(
        step(&board, &id, "return", "Bổ sung số liệu kinh phí")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let page = xa.get_text(&format!("/reports/{id}")).await;
    assert!(
        page.contains("Bị trả lại để bổ sung") && page.contains("Bổ sung số liệu kinh phí"),
        "{page}"
    );

    // The committee edits and resubmits; the number stays.
    let res = xa
        .post_form(
            &format!("/reports/{id}"),
            &[
                ("version", &version(&page)),
                ("results", "Đã bổ sung kinh phí."),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        step(&xa, &id, "submit", "").await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(report(&xa, &id).await["number"], "Số 1-BC/ĐU");

    // Accepted, it cannot be edited; then the board locks it.
    assert_eq!(
        step(&board, &id, "accept", "").await.status(),
        StatusCode::SEE_OTHER
    );
    let res = xa
        .post_form(
            &format!("/reports/{id}"),
            &[("version", "99"), ("results", "Sửa sau.")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        step(&board, &id, "lock", "").await.status(),
        StatusCode::SEE_OTHER
    );
    let r = report(&board, &id).await;
    assert_eq!(r["status"], "locked");
    let actions: Vec<&str> = r["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["draft", "submit", "return", "submit", "accept", "lock"]
    );
    // Every step is in the audit log, once.
    let logged = app
        .count(
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'report' AND entity_id = ?",
            &[id.clone().into()],
        )
        .await;
    assert_eq!(logged, 1 + 3 + 2 + 1 + 1);
    // Nobody else sees it: a member, and a committee elsewhere, get "not found".
    assert_eq!(
        member.get(&format!("/reports/{id}")).await.status(),
        StatusCode::FORBIDDEN
    );
}

both!(
    a_late_contact_is_a_correction_on_the_next_report,
    a_late_contact_is_a_correction_on_the_next_report
);
async fn a_late_contact_is_a_correction_on_the_next_report(b: Backend) {
    let app = common::spawn(b).await;
    let last = end_of_last_month();
    let member = app.login(MEMBER).await;
    let hh = mine(&app).await;
    visit(&member, &hh[0], &vn(last)).await;
    let xa = app.login(COMMITTEE).await;
    let board = app.login(BOARD).await;
    let nov = open(&xa, &month_key(last)).await;
    assert_eq!(
        step(&xa, &nov, "submit", "").await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        step(&board, &nov, "accept", "").await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(report(&xa, &nov).await["figures"]["contacts"], 1);

    // Then the member logs a visit of last month they forgot.
    visit(&member, &hh[1], &vn(last)).await;
    // The accepted report is not rewritten…
    let r = report(&xa, &nov).await;
    assert_eq!(r["figures"]["contacts"], 1);
    assert_eq!(r["figures"]["reached"], 1);
    // …the next one lists the change as a correction, and its "previous" column is what
    // was reported.
    let dec = open(&xa, &month_key(today())).await;
    let r = report(&xa, &dec).await;
    assert_eq!(r["previous"]["contacts"], 1);
    let corrections = r["corrections"].as_array().unwrap();
    assert!(
        corrections.contains(
            &json!({"period": month_key(last), "indicator": "contacts", "reported": 1, "now": 2})
        ),
        "{corrections:?}"
    );
    assert!(
        corrections.contains(
            &json!({"period": month_key(last), "indicator": "reached", "reported": 1, "now": 2})
        ),
        "{corrections:?}"
    );
    let page = xa.get_text(&format!("/reports/{dec}")).await;
    assert!(page.contains("Đính chính số liệu kỳ trước"), "{page}");
    let docx = xa
        .get(&format!("/reports/{dec}/report.docx"))
        .await
        .bytes()
        .await
        .unwrap();
    let text = unzip(&docx, "word/document.xml");
    assert!(
        text.contains(&format!(
            "báo cáo kỳ {} ghi 1, số liệu hiện nay là 2",
            month_key(last)
        )),
        "correction in the DOCX"
    );
}

both!(
    live_figures_equal_a_recount_from_the_raw_rows,
    live_figures_equal_a_recount_from_the_raw_rows
);
async fn live_figures_equal_a_recount_from_the_raw_rows(b: Backend) {
    let app = common::spawn(b).await;
    let member = app.login(MEMBER).await;
    let hh = mine(&app).await;
    let t = today();
    for (h, d) in [
        (0, t - Duration::days(80)),
        (0, t - Duration::days(40)),
        (1, t - Duration::days(40)),
        (2, t),
        (1, t),
    ] {
        visit(&member, &hh[h], &vn(d)).await;
    }
    // A household that moved away stays in the approved plan but is no longer covered.
    app.exec(
        "UPDATE households SET status = 'moved' WHERE id = ?",
        &[hh[3].clone().into()],
    )
    .await;
    let xa = app.login(COMMITTEE).await;
    for (unit, filter) in [
        (COMMUNE.to_owned(), "commune_id"),
        (app.village_id("Bằng Ngang").await, "village_id"),
    ] {
        for period in [
            this_quarter(),
            month_key(t),
            month_key(end_of_last_month()),
            format!("{}", t.year()),
        ] {
            let res = xa
                .json(
                    Method::GET,
                    &format!("/api/v1/indicators?unit={unit}&period={period}"),
                    None,
                )
                .await;
            assert_eq!(res.status(), StatusCode::OK);
            let v: Json = res.json().await.unwrap();
            let (from, to) = (
                v["from"].as_str().unwrap().to_owned(),
                v["to"].as_str().unwrap().to_owned(),
            );
            let args = [unit.clone().into(), from.into(), to.into()];
            let raw = |sql: &str| {
                format!("SELECT {sql} FROM contacts WHERE {filter} = ? AND contacted_on >= ? AND contacted_on <= ?")
            };
            assert_eq!(
                v["figures"]["contacts"],
                app.count(&raw("COUNT(*)"), &args).await,
                "{unit} {period}"
            );
            assert_eq!(
                v["figures"]["reached"],
                app.count(&raw("COUNT(DISTINCT household_id)"), &args).await,
                "{unit} {period}"
            );
            assert_eq!(
                v["figures"]["members_active"],
                app.count(&raw("COUNT(DISTINCT member_id)"), &args).await,
                "{unit} {period}"
            );
            let households = app
                .count(
                    &format!(
                        "SELECT COUNT(*) FROM households WHERE status = 'active' AND {filter} = ?"
                    ),
                    &[unit.clone().into()],
                )
                .await;
            assert_eq!(v["figures"]["households"], households);
            let assigned = app
                .count(
                    &format!(
                        "SELECT COUNT(*) FROM assignment_pairs p JOIN assignment_plans a ON a.id = p.plan_id \
                         JOIN households h ON h.id = p.household_id WHERE a.status = 'approved' AND h.status = 'active' AND h.{filter} = ?"
                    ),
                    &[unit.clone().into()],
                )
                .await;
            assert_eq!(v["figures"]["assigned"], assigned, "{unit} {period}");
        }
    }
    // And every stored counter, the members' markers among them, matches its recount.
    let out = app.cli(&["counters", "verify"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

both!(
    the_province_consolidates_its_communes_accepted_reports,
    the_province_consolidates_its_communes_accepted_reports
);
async fn the_province_consolidates_its_communes_accepted_reports(b: Backend) {
    let app = common::spawn(b).await;
    let q = this_quarter();
    // A second commune of the province, with a year of contacts.
    let out = app.cli(&[
        "generate",
        "--households",
        "300",
        "--communes",
        "1",
        "--contacts-per-household-year",
        "4",
        "--contacts-until",
        &iso(today() + Duration::days(1)),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let second = app
        .one_str(
            "SELECT c.id FROM units c WHERE c.kind = 'commune' AND c.id <> ? AND c.path LIKE '/vn/p-33/%' \
             AND EXISTS (SELECT 1 FROM units v WHERE v.parent_id = c.id)",
            &[COMMUNE.into()],
        )
        .await;
    let board = app.login(BOARD).await;
    let page = board
        .get_text(&format!("/reports?unit=p-33&period={q}"))
        .await;
    assert!(page.contains("Chưa gửi, còn hạn"), "{page}");

    // The pilot's committee submits through the pages; the second commune's office through
    // the CLI and the API of its own draft (acting as its office).
    let member = app.login(MEMBER).await;
    visit(&member, &mine(&app).await[0], &vn(today())).await;
    let xa = app.login(COMMITTEE).await;
    let pilot = open(&xa, &q).await;
    assert_eq!(
        step(&xa, &pilot, "submit", "").await.status(),
        StatusCode::SEE_OTHER
    );
    let out = app.cli(&["report", "draft", "--unit", &second, "--period", &q]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Dự thảo"));
    let other = app
        .one_str(
            "SELECT id FROM reports WHERE unit_id = ?",
            &[second.clone().into()],
        )
        .await;
    submit_as_office(&app, &second, &other).await;

    // Not yet accepted: nothing is consolidated.
    let o = overview(&board, &q).await;
    assert_eq!(o["consolidated"], json!({}));
    for id in [&pilot, &other] {
        assert_eq!(
            step(&board, id, "accept", "").await.status(),
            StatusCode::SEE_OTHER
        );
    }
    let o = overview(&board, &q).await;
    let a = report(&board, &pilot).await["figures"].clone();
    let c = report(&board, &other).await["figures"].clone();
    for (k, v) in o["consolidated"].as_object().unwrap() {
        let sum = a[k].as_i64().unwrap_or(0) + c[k].as_i64().unwrap_or(0);
        assert_eq!(v.as_i64().unwrap(), sum, "{k}");
    }
    assert!(o["consolidated"]["contacts"].as_i64().unwrap() > 1);
    // Both came in by the due day; the page says so.
    let page = board
        .get_text(&format!("/reports?unit=p-33&period={q}"))
        .await;
    assert!(page.contains("Đúng hạn: <strong>2</strong>"), "{page}");

    // The province's own report carries the consolidated figures.
    let res = board
        .post_form("/reports", &[("unit_id", PROVINCE), ("period", q.as_str())])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let own = location(&res).trim_start_matches("/reports/").to_owned();
    let r = report(&board, &own).await;
    assert_eq!(r["figures"], o["consolidated"]);
    assert_eq!(r["number"], "Số      -BC/BDVTU");
    // Its annex lists both communes.
    let xlsx = board
        .get(&format!("/reports/{own}/annex.xlsx"))
        .await
        .bytes()
        .await
        .unwrap();
    let sheets = read_xlsx(&xlsx);
    assert!(sheets.iter().any(|(name, _)| name == "Theo xã"));
}

/// The second commune's office submits its draft (it has no user in the demo).
async fn submit_as_office(app: &TestApp, commune: &str, id: &str) {
    let (commune, id) = (commune.to_owned(), id.to_owned());
    app.db
        .write(move |tx| {
            Box::pin(async move {
                let unit = danvan::units::store::get(tx, &commune).await?;
                let scope = danvan::auth::Scope::unsafe_system_at(
                    "test",
                    danvan::auth::Role::CommuneCommittee,
                    &unit,
                );
                danvan::reports::store::step(
                    tx,
                    &scope,
                    &id,
                    danvan::reports::workflow::Step::Submit,
                    "",
                )
                .await
                .map(|_| ())
            })
        })
        .await
        .unwrap();
}

async fn overview(board: &Client, q: &str) -> Json {
    // The board's overview of its communes' reports, as the API gives it.
    let res = board
        .json(
            Method::GET,
            &format!("/api/v1/reports/overview?unit=p-33&period={q}"),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

/// Every sheet's name and its cells as text, row by row.
fn read_xlsx(bytes: &[u8]) -> Vec<(String, Vec<Vec<String>>)> {
    use calamine::{Reader, Xlsx};
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).expect("an xlsx");
    wb.sheet_names()
        .into_iter()
        .map(|name| {
            let range = wb.worksheet_range(&name).expect("a sheet");
            let rows = range
                .rows()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .collect();
            (name, rows)
        })
        .collect()
}

both!(documents_read_back_and_open_in_libreoffice, documents);
async fn documents(b: Backend) {
    let app = common::spawn(b).await;
    let member = app.login(MEMBER).await;
    visit(&member, &mine(&app).await[0], &vn(today())).await;
    let xa = app.login(COMMITTEE).await;
    // The committee names its signer and recipients; a bad due day is refused.
    let res = xa
        .post_form("/reports/settings", &settings(&[("due_days", "90")]))
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("từ 0 đến 60"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM report_profiles", &[]).await,
        0
    );
    let res = xa
        .post_form("/reports/settings", &settings(&[("t_reached", "95")]))
        .await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
    let id = open(&xa, &this_quarter()).await;
    assert_eq!(
        step(&xa, &id, "submit", "").await.status(),
        StatusCode::SEE_OTHER
    );
    let r = report(&xa, &id).await;
    assert_eq!(r["targets"]["reached"], 950);
    let t = today();
    let dateline = format!(
        "Lương Bằng, ngày {:02} tháng {:02} năm {}",
        t.day(),
        u8::from(t.month()),
        t.year()
    );
    let qlabel = quarter_label().replacen('Q', "q", 1);

    let res = xa.get(&format!("/reports/{id}/report.docx")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let docx = res.bytes().await.unwrap().to_vec();
    let text = unzip(&docx, "word/document.xml");
    for needle in [
        "ĐẢNG BỘ XÃ LƯƠNG BẰNG",
        "ĐẢNG ỦY",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Số 1-BC/ĐU",
        dateline.as_str(),
        "BÁO CÁO",
        qlabel.as_str(),
        "T/M ĐẢNG ỦY",
        "BÍ THƯ",
        "Nguyễn Văn Bí Thư",
        "Ban Dân vận Tỉnh ủy Hưng Yên",
        "Hộ được tiếp xúc trong kỳ",
    ] {
        assert!(text.contains(needle), "{needle} in the DOCX");
    }
    assert!(unzip(&docx, "word/styles.xml").contains("Times New Roman"));
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(docx.clone())).unwrap();
    assert!(
        (0..z.len()).any(|i| z
            .by_index(i)
            .unwrap()
            .name()
            .is_ok_and(|n| n.starts_with("word/media/"))),
        "the chart is in the DOCX"
    );
    let xlsx = xa
        .get(&format!("/reports/{id}/annex.xlsx"))
        .await
        .bytes()
        .await
        .unwrap()
        .to_vec();
    let sheets = read_xlsx(&xlsx);
    let (_, rows) = &sheets[0];
    let contacts = rows
        .iter()
        .find(|r| r.get(1).map(String::as_str) == Some("Lượt tiếp xúc, thăm hỏi"))
        .expect("the contacts row");
    assert_eq!(contacts[2], "1");
    let target = rows
        .iter()
        .find(|r| r.get(1).map(String::as_str) == Some("Hộ được tiếp xúc trong kỳ"))
        .unwrap();
    assert_eq!(target[6], "0.95");
    let print = xa.get_text(&format!("/reports/{id}/print")).await;
    assert!(
        print.contains("class=\"a4\"") && print.contains("Số 1-BC/ĐU"),
        "{print}"
    );
    for (bytes, ext) in [(docx, "docx"), (xlsx, "xlsx")] {
        if let Some(pdf) = to_pdf(&bytes, ext) {
            if let Ok(dir) = std::env::var("DANVAN_ARTEFACTS") {
                std::fs::write(format!("{dir}/report-{:?}.{ext}.pdf", b), pdf).unwrap();
            }
        }
    }
}

/// The settings form with the pilot's defaults and `over` replacing some fields.
fn settings<'a>(over: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut f: Vec<(&str, &str)> = vec![
        ("unit_id", COMMUNE),
        ("parent_body", "ĐẢNG BỘ XÃ LƯƠNG BẰNG"),
        ("issuing_body", "ĐẢNG ỦY"),
        ("number_suffix", "BC/ĐU"),
        ("place_name", "Lương Bằng"),
        ("signer_mode", "TM"),
        ("signer_body", "ĐẢNG ỦY"),
        ("signer_title", "BÍ THƯ"),
        ("signer_name", "Nguyễn Văn Bí Thư"),
        ("recipients", "- Ban Thường vụ Tỉnh ủy Hưng Yên,\n- Ban Dân vận Tỉnh ủy Hưng Yên,\n- Lưu Văn phòng Đảng ủy."),
        ("due_days", "5"),
    ];
    for (k, v) in over {
        match f.iter_mut().find(|(fk, _)| fk == k) {
            Some(e) => e.1 = v,
            None => f.push((k, v)),
        }
    }
    f
}

both!(
    a_province_s_own_periods_count_distinct_reach_from_its_cut_off_day,
    own_periods
);
async fn own_periods(b: Backend) {
    let app = common::spawn(b).await;
    let member = app.login(MEMBER).await;
    let hh = mine(&app).await;
    let t = today();
    // Contacts before the province has a cut-off day, then after it sets one, then after
    // it changes it: every time, the distinct figures of its own periods are a recount.
    visit(&member, &hh[0], &vn(t - Duration::days(20))).await;
    visit(&member, &hh[1], &vn(t - Duration::days(3))).await;
    let board = app.login(BOARD).await;
    let xa = app.login(COMMITTEE).await;
    for (day, more) in [("15", Some(2)), ("10", Some(0)), ("1", None)] {
        let mut form = province_settings();
        form.push(("cutoff_day", day));
        let res = board.post_form("/reports/settings", &form).await;
        assert_eq!(
            res.status(),
            StatusCode::SEE_OTHER,
            "{}",
            res.text().await.unwrap()
        );
        if let Some(h) = more {
            visit(&member, &hh[h], &vn(t)).await;
        }
        for kind in ["month", "quarter"] {
            let res = xa
                .json(
                    Method::GET,
                    &format!("/api/v1/indicators?unit={COMMUNE}&period={}", own_key(kind)),
                    None,
                )
                .await;
            let v: Json = res.json().await.unwrap();
            let (from, to) = (
                v["from"].as_str().unwrap().to_owned(),
                v["to"].as_str().unwrap().to_owned(),
            );
            let args = [COMMUNE.into(), from.clone().into(), to.clone().into()];
            let raw = |sql: &str| {
                format!("SELECT {sql} FROM contacts WHERE commune_id = ? AND contacted_on >= ? AND contacted_on <= ?")
            };
            assert_eq!(
                v["figures"]["reached"],
                app.count(&raw("COUNT(DISTINCT household_id)"), &args).await,
                "cut-off {day}, {kind} {from}–{to}"
            );
            assert_eq!(
                v["figures"]["members_active"],
                app.count(&raw("COUNT(DISTINCT member_id)"), &args).await,
                "cut-off {day}, {kind}"
            );
            assert_eq!(
                v["figures"]["contacts"],
                app.count(&raw("COUNT(*)"), &args).await,
                "cut-off {day}, {kind}"
            );
        }
        let out = app.cli(&["counters", "verify"]);
        assert!(
            out.status.success(),
            "cut-off {day}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
    // A day out of range is refused and changes nothing.
    let mut form = province_settings();
    form.push(("cutoff_day", "31"));
    let res = board.post_form("/reports/settings", &form).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("từ 1 đến 28"));
}

/// The key of the period of `kind` containing today, as the pages carry it.
fn own_key(kind: &str) -> String {
    let t = today();
    match kind {
        "month" => format!("{}-M{:02}", t.year(), u8::from(t.month())),
        _ => this_quarter(),
    }
}

/// The province's settings form with its defaults.
fn province_settings() -> Vec<(&'static str, &'static str)> {
    vec![
        ("unit_id", PROVINCE),
        ("parent_body", "TỈNH ỦY HƯNG YÊN"),
        ("issuing_body", "BAN DÂN VẬN"),
        ("number_suffix", "BC/BDVTU"),
        ("place_name", "Hưng Yên"),
        ("signer_mode", "TM"),
        ("signer_body", "BAN DÂN VẬN"),
        ("signer_title", "TRƯỞNG BAN"),
        ("signer_name", ""),
        ("recipients", "- Ban Dân vận Trung ương,\n- Lưu."),
        ("due_days", "10"),
    ]
}
