//! Petition dashboards (issue 9, item 7), through the real server on both engines: the
//! petitions of a month go round the loop with the test clock, then every figure of the
//! dashboard (page, JSON, spreadsheet) equals a recount from the raw rows (`petitions`,
//! `petition_steps`), under the calendar and under a province's cut-off day; who may see
//! it and what they see (counts, never names or texts); the public page of the commune,
//! with its small counts hidden.

use std::collections::BTreeMap;

use crate::both;
use crate::common::{self, Backend, Client, IntoText, TestApp};
use crate::petitions::{
    agency_id, assigned, counters_recount, form_id, ok_step, status_of, BOARD, COMMITTEE, FRONT,
    HANDLER, MEMBER, SECRETARY,
};
use reqwest::{Method, StatusCode};
use serde_json::Value as Json;
use time::macros::date;

const DONGLY: &str = "bt.dongly";
/// What the households asked, and the household's reason to reopen: no page of the
/// dashboard may show them.
const TEXTS: [&str; 6] = [
    "Đề nghị sửa cống ngõ 5 bị vỡ",
    "Đề nghị xem lại ranh giới thửa đất",
    "Đề nghị khám sức khỏe cho người cao tuổi",
    "Đề nghị nạo vét mương xóm Đông",
    "Đề nghị mở lớp học bơi",
    "Cống vẫn còn rò nước",
];

/// The member records a petition of `category` from the household card; returns its id.
async fn record(c: &Client, household: &str, category: &str, text: &str) -> String {
    let form = c
        .get_text(&format!("/households/{household}/petitions/new"))
        .await;
    let id = form_id(&form);
    let res = c
        .post_form(
            &format!("/households/{household}/petitions"),
            &[
                ("id", id.as_str()),
                ("category", category),
                ("text", text),
                ("named", "1"),
            ],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
    id
}

/// The petitions of the scenario, by name.
struct Loop {
    /// Infrastructure, Bằng Ngang: answered, reopened, answered again, confirmed.
    a: String,
    /// Land: transferred beyond the commune, answered, confirmed.
    b: String,
    /// Health: answered at the cell late, confirmed.
    c: String,
    /// Environment, Đồng Lý (a meeting's opinion of two households): assigned, overdue.
    d: Vec<String>,
    /// Education, recorded in April: waiting on the cell.
    e: String,
    heads: Vec<String>,
}

/// March–April 2026 (no holiday in it): the loop across roles, each step on its day.
async fn run_the_loop(app: &TestApp) -> Loop {
    app.set_today(date!(2026 - 03 - 02));
    let member = app.login(MEMBER).await;
    let mine = assigned(app).await;
    let a = record(&member, &mine[0].0, "infrastructure", TEXTS[0]).await;
    let b = record(&member, &mine[1].0, "land", TEXTS[1]).await;
    let c = record(&member, &mine[2].0, "health", TEXTS[2]).await;
    // Đồng Lý's secretary records a meeting's opinion shared by two households.
    let dongly = app.login(DONGLY).await;
    let village = app.village_id("Đồng Lý").await;
    let codes: Vec<String> = app
        .rows(
            "SELECT code, head_name FROM households WHERE village_id = ? AND status = 'active' ORDER BY code LIMIT 2",
            &[village.clone().into()],
        )
        .await
        .iter()
        .map(|r| r.values()[0].clone().into_text())
        .collect();
    let form = dongly.get_text("/petitions/meeting").await;
    let res = dongly
        .post_form(
            "/petitions/meeting",
            &[
                ("id", form_id(&form).as_str()),
                ("village", village.as_str()),
                ("households", codes.join(", ").as_str()),
                ("category", "environment"),
                ("text", TEXTS[3]),
            ],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
    let d: Vec<String> = app
        .rows(
            "SELECT id FROM petitions WHERE village_id = ? ORDER BY id",
            &[village.into()],
        )
        .await
        .iter()
        .map(|r| r.values()[0].clone().into_text())
        .collect();
    assert_eq!(d.len(), 2);

    app.set_today(date!(2026 - 03 - 03));
    let secretary = app.login(SECRETARY).await;
    ok_step(&secretary, &a, &[("action", "forward")]).await;
    ok_step(&secretary, &b, &[("action", "forward")]).await;
    // One forward moves the meeting's twin with it.
    ok_step(&dongly, &d[0], &[("action", "forward")]).await;

    app.set_today(date!(2026 - 03 - 05));
    let committee = app.login(COMMITTEE).await;
    let ubnd = agency_id(app, "UBND xã Lương Bằng").await;
    ok_step(
        &committee,
        &a,
        &[("action", "assign"), ("agency", ubnd.as_str())],
    )
    .await;
    ok_step(
        &committee,
        &b,
        &[
            ("action", "transfer"),
            ("competent", "Sở Nông nghiệp và Môi trường tỉnh Hưng Yên"),
        ],
    )
    .await;
    ok_step(
        &committee,
        &d[0],
        &[("action", "assign"), ("agency", ubnd.as_str())],
    )
    .await;
    for id in &d {
        assert_eq!(status_of(app, id).await, "assigned/");
    }

    // The cell answers C itself, after its three days.
    app.set_today(date!(2026 - 03 - 09));
    ok_step(
        &secretary,
        &c,
        &[
            ("action", "answer_at_cell"),
            ("answer", "Trạm y tế khám vào thứ Bảy"),
        ],
    )
    .await;
    app.set_today(date!(2026 - 03 - 10));
    ok_step(&member, &c, &[("action", "deliver"), ("then", "confirm")]).await;

    app.set_today(date!(2026 - 03 - 12));
    let handler = app.login(HANDLER).await;
    ok_step(
        &handler,
        &a,
        &[("action", "answer"), ("answer", "Xã sửa cống trong tuần")],
    )
    .await;
    ok_step(
        &committee,
        &b,
        &[("action", "answer"), ("answer", "Sở đã đo lại ranh giới")],
    )
    .await;

    // A day past the delivery deadline: A is reopened at the door, B confirmed.
    app.set_today(date!(2026 - 03 - 20));
    ok_step(
        &member,
        &a,
        &[
            ("action", "deliver"),
            ("then", "reopen"),
            ("reason", TEXTS[5]),
        ],
    )
    .await;
    ok_step(&member, &b, &[("action", "deliver"), ("then", "confirm")]).await;

    app.set_today(date!(2026 - 04 - 02));
    ok_step(
        &handler,
        &a,
        &[("action", "answer"), ("answer", "Đã thay ống cống")],
    )
    .await;
    app.set_today(date!(2026 - 04 - 06));
    ok_step(&member, &a, &[("action", "deliver"), ("then", "confirm")]).await;
    app.set_today(date!(2026 - 04 - 07));
    let e = record(&member, &mine[3].0, "education", TEXTS[4]).await;
    // The day the figures are read: D's answer was due on 26/03.
    app.set_today(date!(2026 - 04 - 08));
    for (id, status) in [
        (&a, "closed/"),
        (&b, "closed/"),
        (&c, "closed/"),
        (&e, "received/"),
    ] {
        assert_eq!(status_of(app, id).await, status);
    }
    counters_recount(app).await;
    let mut heads: Vec<String> = mine.iter().take(4).map(|m| m.1.clone()).collect();
    for r in app
        .rows(
            "SELECT h.head_name FROM petitions p JOIN households h ON h.id = p.household_id",
            &[],
        )
        .await
    {
        heads.push(r.values()[0].clone().into_text());
    }
    Loop {
        a,
        b,
        c,
        d,
        e,
        heads,
    }
}

/// The figures a dashboard line has, as the API names them.
const FIGURES: [&str; 10] = [
    "received",
    "forwarded",
    "transferred",
    "answered",
    "resolved",
    "reopened",
    "open",
    "overdue",
    "on_time",
    "late",
];

/// One step of the raw rows, with its petition's village and category.
struct Raw {
    village: String,
    category: String,
    on_day: String,
    action: String,
    stage: Option<String>,
    days: Option<i64>,
    late: bool,
}

async fn raw_steps(app: &TestApp) -> Vec<Raw> {
    app.rows(
        "SELECT p.village_id, p.category, s.on_day, s.action, s.stage, s.stage_days, s.late \
         FROM petition_steps s JOIN petitions p ON p.commune_id = s.commune_id AND p.id = s.petition_id",
        &[],
    )
    .await
    .iter()
    .map(|r| {
        let v: Vec<String> = r.values().iter().cloned().map(IntoText::into_text).collect();
        Raw {
            village: v[0].clone(),
            category: v[1].clone(),
            on_day: v[2].clone(),
            action: v[3].clone(),
            stage: Some(v[4].clone()).filter(|s| !s.is_empty()),
            days: v[5].parse().ok(),
            late: v[6] == "1",
        }
    })
    .collect()
}

/// The figures of the steps `keep` picks in [from, to], and of the petitions open on
/// `today`, counted from the raw rows without the counters or the application's code.
fn recount(
    steps: &[Raw],
    open: &[(String, String, String)],
    from: &str,
    to: &str,
    today: &str,
    keep: &dyn Fn(&str, &str) -> bool,
) -> BTreeMap<&'static str, i64> {
    let mut f: BTreeMap<&'static str, i64> = FIGURES.iter().map(|k| (*k, 0)).collect();
    for s in steps {
        if s.on_day.as_str() < from || s.on_day.as_str() > to || !keep(&s.village, &s.category) {
            continue;
        }
        let key = match s.action.as_str() {
            "receive" => Some("received"),
            "forward" => Some("forwarded"),
            "transfer" => Some("transferred"),
            "answer" | "answer_at_cell" => Some("answered"),
            "confirm" => Some("resolved"),
            "reopen" => Some("reopened"),
            _ => None,
        };
        if let Some(k) = key {
            *f.get_mut(k).unwrap() += 1;
        }
        if s.stage.is_some() {
            *f.get_mut(if s.late { "late" } else { "on_time" }).unwrap() += 1;
        }
    }
    for (village, category, due) in open {
        if keep(village, category) {
            *f.get_mut("open").unwrap() += 1;
            if due.as_str() < today {
                *f.get_mut("overdue").unwrap() += 1;
            }
        }
    }
    f
}

/// The median of each stage's working days in tenths, from the raw rows.
fn medians(steps: &[Raw], from: &str, to: &str) -> BTreeMap<String, Option<i64>> {
    let mut days: BTreeMap<String, Vec<i64>> = ["cell", "commune", "answer", "delivery"]
        .iter()
        .map(|s| (s.to_string(), Vec::new()))
        .collect();
    for s in steps {
        if let (Some(stage), Some(d)) = (&s.stage, s.days) {
            if s.on_day.as_str() >= from && s.on_day.as_str() <= to {
                days.get_mut(stage).unwrap().push(d.min(60));
            }
        }
    }
    days.into_iter()
        .map(|(k, mut v)| {
            v.sort();
            let m = match v.len() {
                0 => None,
                n if n % 2 == 1 => Some(v[n / 2] * 10),
                n => Some((v[n / 2 - 1] + v[n / 2]) * 5),
            };
            (k, m)
        })
        .collect()
}

async fn open_rows(app: &TestApp) -> Vec<(String, String, String)> {
    app.rows(
        "SELECT village_id, category, due_on FROM petitions WHERE status NOT IN ('delivered', 'closed')",
        &[],
    )
    .await
    .iter()
    .map(|r| {
        let v: Vec<String> = r.values().iter().cloned().map(IntoText::into_text).collect();
        (v[0].clone(), v[1].clone(), v[2].clone())
    })
    .collect()
}

fn of(line: &Json) -> BTreeMap<&'static str, i64> {
    FIGURES
        .iter()
        .map(|k| {
            (
                *k,
                line[*k].as_i64().unwrap_or_else(|| panic!("{k} in {line}")),
            )
        })
        .collect()
}

async fn api(c: &Client, query: &str) -> (StatusCode, Json) {
    let res = c
        .json(
            Method::GET,
            &format!("/api/v1/petitions/dashboard{query}"),
            None,
        )
        .await;
    let status = res.status();
    (status, res.json().await.unwrap_or(Json::Null))
}

/// Every line, category, total and stage of `body` equals the recount over its period.
async fn equals_the_recount(app: &TestApp, body: &Json, from: &str, to: &str) {
    assert_eq!(
        (body["first_day"].as_str(), body["last_day"].as_str()),
        (Some(from), Some(to))
    );
    let (steps, open) = (raw_steps(app).await, open_rows(app).await);
    let today = body["as_of"].as_str().unwrap();
    for l in body["lines"].as_array().unwrap() {
        let village = l["id"].as_str().unwrap().to_owned();
        let want = recount(&steps, &open, from, to, today, &|v, _| v == village);
        assert_eq!(of(l), want, "village {}", l["name"]);
    }
    for l in body["categories"].as_array().unwrap() {
        let category = l["id"].as_str().unwrap().to_owned();
        let want = recount(&steps, &open, from, to, today, &|_, c| c == category);
        assert_eq!(of(l), want, "category {}", l["name"]);
    }
    let all = recount(&steps, &open, from, to, today, &|_, _| true);
    assert_eq!(of(&body["total"]), all);
    let m = medians(&steps, from, to);
    for s in body["stages"].as_array().unwrap() {
        let stage = s["stage"].as_str().unwrap();
        assert_eq!(s["median_tenths"].as_i64(), m[stage], "median of {stage}");
    }
}

both!(figures_equal_a_recount, figures_equal_a_recount);
async fn figures_equal_a_recount(b: Backend) {
    let app = common::spawn(b).await;
    let l = run_the_loop(&app).await;
    let committee = app.login(COMMITTEE).await;
    let (status, q1) = api(&committee, "?period=2026-Q1").await;
    assert_eq!(status, StatusCode::OK, "{q1}");
    assert_eq!(q1["lines_are"], "village", "{q1}");
    equals_the_recount(&app, &q1, "2026-01-01", "2026-03-31").await;
    // Not a recount of nothing: the quarter's figures, as the scenario made them.
    let t = of(&q1["total"]);
    assert_eq!(
        (
            t["received"],
            t["forwarded"],
            t["transferred"],
            t["answered"],
            t["resolved"],
            t["reopened"]
        ),
        (5, 4, 1, 3, 2, 1)
    );
    assert_eq!(
        (t["open"], t["overdue"]),
        (3, 2),
        "D's two and E wait; D's are overdue"
    );
    // Late: C answered at the cell after 5 days; A and B delivered a day past the 5.
    assert_eq!((t["on_time"], t["late"]), (11, 3));
    let dongly = app.village_id("Đồng Lý").await;
    let line = q1["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == dongly.as_str())
        .unwrap();
    assert_eq!(
        (line["received"].as_i64(), line["overdue"].as_i64()),
        (Some(2), Some(2))
    );
    // Every village of the commune has its line, with or without petitions.
    assert_eq!(q1["lines"].as_array().unwrap().len(), 4);
    let cell = &q1["stages"][0];
    assert_eq!(
        (
            cell["stage"].as_str(),
            cell["ended"].as_i64(),
            cell["late"].as_i64(),
            cell["median_tenths"].as_i64()
        ),
        (Some("cell"), Some(5), Some(1), Some(10)),
        "four forwarded the next day, C answered at the cell after five: {cell}"
    );
    assert_eq!(cell["deadline_days"], 3);

    // The next quarter holds April only: E received, A answered again and confirmed.
    let (_, q2) = api(&committee, "?period=2026-Q2").await;
    equals_the_recount(&app, &q2, "2026-04-01", "2026-06-30").await;
    let t = of(&q2["total"]);
    assert_eq!(
        (t["received"], t["answered"], t["resolved"], t["reopened"]),
        (1, 1, 1, 0)
    );

    // Under a cut-off day of 15 the "month of April" is 15/03–14/04: the counters of its
    // days add up, not the calendar month's.
    app.exec(
        "INSERT INTO settings (key, value) VALUES ('report_cutoff_day:p-33', '15')",
        &[],
    )
    .await;
    let (status, m4) = api(&committee, "?period=2026-M04").await;
    assert_eq!(status, StatusCode::OK, "{m4}");
    equals_the_recount(&app, &m4, "2026-03-15", "2026-04-14").await;
    let t = of(&m4["total"]);
    assert_eq!(
        (t["received"], t["answered"], t["resolved"], t["reopened"]),
        (1, 1, 2, 1),
        "B and A confirmed, A reopened, in 15/03–14/04"
    );
    // This quarter by default, under the cut-off: 15/03–14/06.
    let (_, now) = api(&committee, "").await;
    assert_eq!(
        (now["period"].as_str(), now["first_day"].as_str()),
        (Some("2026-Q2"), Some("2026-03-15"))
    );

    // The village's own view: its categories, no lines below it.
    let (_, v) = api(&committee, &format!("?unit={dongly}&period=2026-Q1")).await;
    assert_eq!(v["lines"], serde_json::json!([]));
    assert!(v["lines_are"].is_null(), "{v}");
    let env = v["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "environment")
        .unwrap();
    assert_eq!(
        (env["received"].as_i64(), env["overdue"].as_i64()),
        (Some(2), Some(2))
    );
    assert_eq!(v["total"]["received"], 2);

    // The board's province adds up its communes: the pilot's line is the commune's total.
    let board = app.login(BOARD).await;
    app.exec(
        "DELETE FROM settings WHERE key = 'report_cutoff_day:p-33'",
        &[],
    )
    .await;
    let (_, p) = api(&board, "?period=2026-Q1").await;
    assert_eq!(
        (p["unit_id"].as_str(), p["lines_are"].as_str()),
        (Some("p-33"), Some("commune"))
    );
    let pilot = p["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == "c-12280")
        .unwrap_or_else(|| panic!("{p}"));
    assert_eq!(of(pilot), of(&q1["total"]));
    assert_eq!(of(&p["total"]), of(&q1["total"]));
    let _ = (&l.a, &l.b, &l.c, &l.e, &l.d);
}

both!(
    pages_chart_and_workbook_show_the_same,
    pages_chart_and_workbook_show_the_same
);
async fn pages_chart_and_workbook_show_the_same(b: Backend) {
    let app = common::spawn(b).await;
    let l = run_the_loop(&app).await;
    let committee = app.login(COMMITTEE).await;
    let (_, body) = api(&committee, "?period=2026-Q1").await;
    let page = committee
        .get_text("/petitions/dashboard?period=2026-Q1")
        .await;
    // The cards, the tables, both charts, in Vietnamese.
    assert!(
        page.contains("<div class=\"big\">5</div>Tiếp nhận"),
        "{page}"
    );
    assert!(
        page.contains("<div class=\"big\">2</div>Hộ xác nhận đã giải quyết"),
        "{page}"
    );
    assert!(
        page.contains("Theo thôn") && page.contains("Theo lĩnh vực") && page.contains("Theo bước")
    );
    assert!(
        page.contains("01/01/2026 – 31/03/2026") && page.contains("08/04/2026"),
        "{page}"
    );
    assert!(
        page.contains("aria-label=\"Kiến nghị tiếp nhận, đã trả lời và đã giải quyết trong kỳ\"")
    );
    assert!(
        page.contains("aria-label=\"Trung vị số ngày làm việc của mỗi bước; vạch đen: thời hạn\"")
    );
    // The chart's bars are the figures: Bằng Ngang's three received are the longest bar,
    // Đồng Lý's two are two thirds of it; one resolved bar per village, and the legend's.
    assert!(
        page.contains("width=\"268\" height=\"11\" fill=\"#9fb6d6\""),
        "{page}"
    );
    assert!(
        page.contains("width=\"178\" height=\"11\" fill=\"#9fb6d6\""),
        "{page}"
    );
    assert_eq!(page.matches("fill=\"#8c1d18\"").count(), 4 + 1);
    assert!(
        page.contains("href=\"/cong-khai/12280/kien-nghi?period=2026-Q1\""),
        "{page}"
    );
    assert!(page.len() < 30 * 1024, "{} bytes", page.len());
    // The menu leads there.
    assert!(
        page.contains("href=\"/petitions/dashboard\" aria-current=\"page\""),
        "{page}"
    );
    // No name, no text.
    for secret in TEXTS.iter().map(|s| s.to_string()).chain(l.heads.clone()) {
        assert!(!page.contains(&secret), "{secret} on the dashboard");
    }
    // English labels through the language switch.
    let res = committee.post_form("/lang", &[("to", "en")]).await;
    assert!(res.status().is_redirection());
    let en = committee
        .get_text("/petitions/dashboard?period=2026-Q1")
        .await;
    assert!(
        en.contains("By village") && en.contains("Received") && en.contains("Q1 2026"),
        "{en}"
    );
    committee.post_form("/lang", &[("to", "vi")]).await;

    // The workbook has the same tables.
    let res = committee
        .get("/petitions/dashboard.xlsx?period=2026-Q1")
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("kien-nghi-xa-luong-bang-2026-Q1.xlsx")));
    let bytes = res.bytes().await.unwrap();
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    assert_eq!(
        book.sheet_names(),
        ["Theo đơn vị", "Theo lĩnh vực", "Theo bước"]
    );
    let cell = |r: &[calamine::Data], i: usize| r[i].to_string();
    let units = book.worksheet_range("Theo đơn vị").unwrap();
    let rows: Vec<Vec<calamine::Data>> = units.rows().map(|r| r.to_vec()).collect();
    assert_eq!(cell(&rows[3], 1), "Tiếp nhận");
    assert_eq!(cell(&rows[3], 5), "Hộ xác nhận đã giải quyết");
    for line in body["lines"]
        .as_array()
        .unwrap()
        .iter()
        .chain([&body["total"]])
    {
        let name = line["name"]
            .as_str()
            .map_or("Tổng: Xã Lương Bằng".to_owned(), str::to_owned);
        let row = rows
            .iter()
            .find(|r| cell(r, 0) == name)
            .unwrap_or_else(|| panic!("{name} in the workbook"));
        let got: Vec<String> = (1..=10).map(|i| cell(row, i)).collect();
        let want: Vec<String> = FIGURES.iter().map(|k| line[*k].to_string()).collect();
        assert_eq!(got, want, "{name}");
    }
    let cats = book.worksheet_range("Theo lĩnh vực").unwrap();
    let env = cats
        .rows()
        .find(|r| r[0] == "Môi trường")
        .expect("the category row");
    assert_eq!(
        (env[1].to_string(), env[8].to_string()),
        ("2".into(), "2".into())
    );
    let stages = book.worksheet_range("Theo bước").unwrap();
    let cell_stage = stages
        .rows()
        .find(|r| r[0] == "Chi bộ chuyển lên xã")
        .expect("the cell's row");
    assert_eq!(
        (
            cell_stage[1].to_string(),
            cell_stage[3].to_string(),
            cell_stage[5].to_string(),
            cell_stage[6].to_string()
        ),
        ("5".into(), "1".into(), "1".into(), "3".into())
    );
}

both!(who_sees_the_dashboard, who_sees_the_dashboard);
async fn who_sees_the_dashboard(b: Backend) {
    let app = common::spawn(b).await;
    let l = run_the_loop(&app).await;
    // The member, the secretaries, the handler and the auditor have inboxes, not this.
    for user in [MEMBER, SECRETARY, HANDLER, "kiemtra.hungyen"] {
        let c = app.login(user).await;
        for path in [
            "/petitions/dashboard",
            "/petitions/dashboard.xlsx",
            "/api/v1/petitions/dashboard",
        ] {
            assert_eq!(
                c.get(path).await.status(),
                StatusCode::FORBIDDEN,
                "{user} {path}"
            );
        }
        assert!(
            !c.get_text("/").await.contains("/petitions/dashboard"),
            "{user}'s menu"
        );
    }
    assert!(app
        .anonymous()
        .get("/petitions/dashboard")
        .await
        .status()
        .is_redirection());
    // Another commune, and a unit above one's own, are not found; a bad period says so.
    let committee = app.login(COMMITTEE).await;
    for unit in ["c-00004", "p-33"] {
        let (status, _) = api(&committee, &format!("?unit={unit}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{unit}");
    }
    let res = committee.get("/petitions/dashboard?period=2026-Q9").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Kỳ báo cáo chưa đúng"));
    // The Front and the board see the counts, never a name or a text.
    for (user, home) in [(FRONT, "c-12280"), (BOARD, "p-33"), ("admin", "vn")] {
        let c = app.login(user).await;
        let (status, body) = api(&c, "?period=2026-Q1").await;
        assert_eq!(status, StatusCode::OK, "{user}: {body}");
        assert_eq!(body["unit_id"], home, "{user} starts at their own unit");
        assert_eq!(body["total"]["received"], 5, "{user}: {body}");
        for path in [
            "/petitions/dashboard?period=2026-Q1".to_owned(),
            "/petitions/dashboard?unit=c-12280&period=2026-Q1".to_owned(),
            format!(
                "/petitions/dashboard?unit={}&period=2026-Q1",
                app.village_id("Bằng Ngang").await
            ),
            "/api/v1/petitions/dashboard?unit=c-12280&period=2026-Q1".to_owned(),
        ] {
            let page = c.get_text(&path).await;
            assert!(
                page.contains("Tiếp nhận") || page.contains("received"),
                "{user} {path}: {page}"
            );
            for secret in TEXTS.iter().map(|s| s.to_string()).chain(l.heads.clone()) {
                assert!(!page.contains(&secret), "{user} sees {secret} on {path}");
            }
        }
        assert!(
            c.get_text("/")
                .await
                .contains("href=\"/petitions/dashboard\""),
            "{user}'s menu"
        );
        // Every link the page offers opens for this viewer (the administrator has no inbox).
        let page = c.get_text("/petitions/dashboard?period=2026-Q1").await;
        let links: Vec<String> = page
            .split("href=\"")
            .skip(1)
            .map(|h| h[..h.find('"').unwrap()].replace("&amp;", "&"))
            .filter(|h| h.starts_with('/') && !h.starts_with("/static"))
            .collect();
        assert!(links.len() > 5, "{links:?}");
        for href in links {
            assert_eq!(c.get(&href).await.status(), StatusCode::OK, "{user} {href}");
        }
    }
    let front = app.login(FRONT).await;
    assert_eq!(api(&front, "?unit=p-33").await.0, StatusCode::NOT_FOUND);
}

both!(
    the_public_page_hides_what_could_name_a_household,
    the_public_page_hides_what_could_name_a_household
);
async fn the_public_page_hides_what_could_name_a_household(b: Backend) {
    let app = common::spawn(b).await;
    let l = run_the_loop(&app).await;
    let visitor = app.anonymous();
    let res = visitor
        .get("/cong-khai/12280/kien-nghi?period=2026-Q1")
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("Xã Lương Bằng") && page.contains("Quý I/2026"),
        "{page}"
    );
    // Five received in the quarter show; every village and category holds fewer than
    // five, so each is hidden, and the footnote says why.
    assert!(
        page.contains("<div class=\"big\">5</div>Tiếp nhận"),
        "{page}"
    );
    for name in [
        "Bằng Ngang",
        "Đồng Lý",
        "Hạ tầng – giao thông",
        "Môi trường",
    ] {
        let row = &page[page
            .find(&format!(">{name}</td>"))
            .unwrap_or_else(|| panic!("{name}: {page}"))..];
        let row = &row[..row.find("</tr>").unwrap()];
        assert!(row.contains(">*</td>"), "{name}: {row}");
    }
    // A village with none shows its zero: it names nobody.
    let row = &page[page.find(">Lương Hội</td>").unwrap()..];
    assert!(
        row[..row.find("</tr>").unwrap()].contains(">0</td>"),
        "{row}"
    );
    assert!(page.contains("ô có từ 1 đến 4 kiến nghị được ẩn"), "{page}");
    for secret in TEXTS.iter().map(|s| s.to_string()).chain(l.heads.clone()) {
        assert!(!page.contains(&secret), "{secret} on the public page");
    }
    for id in [&l.a, &l.b, &l.c, &l.e] {
        assert!(
            !page.contains(id.as_str()),
            "a petition's id on the public page"
        );
    }
    assert!(
        !page.contains("Xã Lương Bằng</a>") && !page.contains("nav class=\"menu\""),
        "no menu for a visitor"
    );
    // Its language switch works without a session.
    let token = common::extract_csrf(&page).expect("the visitor's form token");
    let res = visitor
        .http
        .post(visitor.url("/lang"))
        .header("referer", visitor.url("/cong-khai/12280/kien-nghi"))
        .form(&[("to", "en"), ("_csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    let en = visitor
        .get_text("/cong-khai/12280/kien-nghi?period=2026-Q1")
        .await;
    assert!(en.contains("By category") && en.contains("Q1 2026"), "{en}");
    // A commune that is not there, or a period that is not one, is refused.
    assert_eq!(
        visitor.get("/cong-khai/99999/kien-nghi").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        visitor
            .get("/cong-khai/12280/kien-nghi?period=2026-Q5")
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // Five more in Bằng Ngang: the category of five shows as it is. Bằng Ngang's eight
    // stay hidden, or Đồng Lý's two would be the total's ten less them.
    app.set_today(date!(2026 - 03 - 30));
    let member = app.login(MEMBER).await;
    let mine = assigned(&app).await;
    assert!(mine.len() >= 9, "{} households", mine.len());
    for (i, h) in mine.iter().skip(4).take(5).enumerate() {
        record(&member, &h.0, "other", &format!("Ý kiến số {i}")).await;
    }
    let page = visitor
        .get_text("/cong-khai/12280/kien-nghi?period=2026-Q1")
        .await;
    let row_of = |name: &str| -> String {
        let row = &page[page
            .find(&format!(">{name}</td>"))
            .unwrap_or_else(|| panic!("{name}: {page}"))..];
        row[..row.find("</tr>").unwrap()].to_owned()
    };
    assert!(row_of("Khác").contains(">5</td>"), "{}", row_of("Khác"));
    assert!(
        row_of("Bằng Ngang").contains(">*</td>"),
        "{}",
        row_of("Bằng Ngang")
    );
    assert!(page.contains("<div class=\"big\">10</div>"), "{page}");
}

both!(
    the_migration_counts_open_petitions_as_the_steps_do,
    the_migration_counts_open_petitions_as_the_steps_do
);
/// `petition_open` gained the category in migration 0019, which filled it from the
/// petitions of the day: its query, run over the loop's petitions, gives the rows the
/// steps themselves keep.
async fn the_migration_counts_open_petitions_as_the_steps_do(b: Backend) {
    let app = common::spawn(b).await;
    run_the_loop(&app).await;
    let sql = match b {
        Backend::Sqlite => include_str!("../migrations/sqlite/0019_petition_open_category.sql"),
        Backend::Postgres => include_str!("../migrations/postgres/0019_petition_open_category.sql"),
    };
    let start = sql
        .find("SELECT commune_id")
        .expect("the migration's query");
    let end = sql[start..].find(';').unwrap() + start;
    let rows = |rows: Vec<danvan::db::Row>| -> Vec<Vec<String>> {
        let mut v: Vec<Vec<String>> = rows
            .iter()
            .map(|r| {
                r.values()
                    .iter()
                    .cloned()
                    .map(IntoText::into_text)
                    .collect()
            })
            .collect();
        v.sort();
        v
    };
    let migrated = rows(app.rows(&sql[start..end], &[]).await);
    let kept = rows(
        app.rows(
            "SELECT commune_id, village_id, category, stage, due_on, n FROM petition_open",
            &[],
        )
        .await,
    );
    assert_eq!(
        migrated.len(),
        2,
        "D's two (one row, n = 2) and E: {migrated:?}"
    );
    assert_eq!(migrated, kept);
}
