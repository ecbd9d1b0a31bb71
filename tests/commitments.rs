//! Yearly commitments (issue 8, item 4): the lines of the form (the plan's until the
//! committee edits them), records for a village's households and members, the counters,
//! the printable forms, the API, and the counts-only summary — through the real server,
//! on both engines.

use std::io::Read;

use crate::both;
use crate::common::{self, location, Backend, Client, IntoText, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;

/// This year in Vietnam, and a date of it that is never in the future.
fn this_year() -> i32 {
    danvan::commitments::pages::today().year()
}

fn jan_first() -> String {
    format!("01/01/{}", this_year())
}

/// The village's active households in list order: (id, head's name).
async fn households(app: &TestApp, village: &str) -> Vec<(String, String)> {
    app.rows(
        "SELECT id, head_name FROM households WHERE village_id = ? AND status = 'active' ORDER BY name_key, id",
        &[village.into()],
    )
    .await
    .into_iter()
    .map(|r| {
        let v = r.values();
        (v[0].clone().into_text(), v[1].clone().into_text())
    })
    .collect()
}

async fn members(app: &TestApp, village: &str) -> Vec<String> {
    app.rows(
        "SELECT id FROM members WHERE village_id = ? AND status = 'active' ORDER BY name_key, id",
        &[village.into()],
    )
    .await
    .into_iter()
    .map(|r| r.values()[0].clone().into_text())
    .collect()
}

async fn counter(app: &TestApp, village: &str, subject: &str) -> i64 {
    app.count(
        "SELECT COALESCE(MAX(signed), 0) FROM commitment_counts WHERE village_id = ? AND year = ? AND subject = ?",
        &[village.into(), this_year().into(), subject.into()],
    )
    .await
}

/// The counters equal a recount from the rows, for every (village, year, subject).
async fn counters_match(app: &TestApp) {
    let kept: Vec<String> = app
        .rows(
            "SELECT village_id, year, subject, signed FROM commitment_counts WHERE signed <> 0 ORDER BY village_id, year, subject",
            &[],
        )
        .await
        .iter()
        .map(|r| format!("{:?}", r.values()))
        .collect();
    let recount: Vec<String> = app
        .rows(
            "SELECT village_id, year, subject, CAST(SUM(signed) AS BIGINT) AS n FROM commitments \
             GROUP BY village_id, year, subject HAVING SUM(signed) > 0 ORDER BY village_id, year, subject",
            &[],
        )
        .await
        .iter()
        .map(|r| format!("{:?}", r.values()))
        .collect();
    assert_eq!(kept, recount);
    let via_store = app
        .db
        .read(|tx| Box::pin(async move { danvan::commitments::store::recount(tx).await }))
        .await
        .unwrap();
    assert_eq!(via_store.len(), recount.len());
}

async fn record_form(
    c: &Client,
    village: &str,
    subject: &str,
    ids: &[&str],
    date: &str,
    action: &str,
) -> reqwest::Response {
    let year = this_year().to_string();
    let mut f: Vec<(&str, &str)> = vec![
        ("village", village),
        ("year", &year),
        ("subject", subject),
        ("signed_on", date),
        ("action", action),
    ];
    for id in ids {
        f.push(("id", id));
    }
    c.post_form("/commitments", &f).await
}

async fn commitment_rows(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) FROM commitments", &[]).await
}

both!(
    defaults_then_the_committee_edits,
    defaults_then_the_committee_edits
);
async fn defaults_then_the_committee_edits(b: Backend) {
    let app = common::spawn(b).await;
    let bt = app.login("bt.bangngang").await;
    let xa = app.login("xa.luongbang").await;
    // Before any edit both see the plan's own lines (II.2 for households, II.1 for members).
    let page = bt.get_text("/commitments/items").await;
    assert!(page.contains("id=\"defaults\""), "{page}");
    assert!(page.contains("Chấp hành và thực hiện tốt các chủ trương của Đảng"));
    assert!(page.contains("Thực hiện quyền làm chủ của Nhân dân"));
    assert!(
        !page.contains("method=\"post\" action=\"/commitments/items"),
        "a secretary gets no edit form"
    );
    let m = bt.get_text("/commitments/items?subject=member").await;
    assert!(m.contains("Quy định số 37-QĐ/TW"), "{m}");
    let api: serde_json::Value = bt
        .json(Method::GET, "/api/v1/commitments/items", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(api["customised"], false);
    assert_eq!(api["items"].as_array().unwrap().len(), 5);
    let commune = api["commune_id"].as_str().unwrap().to_owned();

    // A secretary cannot edit, by page or API, and nothing is stored.
    let res = bt
        .post_form(
            "/commitments/items",
            &[
                ("commune", &commune),
                ("subject", "household"),
                ("text", "Điều mới"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = bt
        .json(
            Method::PUT,
            "/api/v1/commitments/items",
            Some(json!({ "commune_id": commune, "subject": "household", "items": [{ "text": "Một" }] })),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM commitment_items", &[])
            .await,
        0
    );

    // The committee adds, rewords, moves up and retires.
    let res = xa
        .post_form(
            "/commitments/items",
            &[
                ("commune", &commune),
                ("subject", "household"),
                ("text", "Giữ gìn đường làng sạch đẹp"),
            ],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
    let items: serde_json::Value = xa
        .json(
            Method::GET,
            &format!("/api/v1/commitments/items?commune={commune}"),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    let list = items["items"].as_array().unwrap();
    assert_eq!(items["customised"], true);
    assert_eq!(list.len(), 6);
    assert_eq!(list[5]["text"], "Giữ gìn đường làng sạch đẹp");
    let (first, last) = (
        list[0]["id"].as_str().unwrap().to_owned(),
        list[5]["id"].as_str().unwrap().to_owned(),
    );
    let edit = |id: String, action: &'static str, text: &'static str| {
        let commune = commune.clone();
        let xa = &xa;
        async move {
            xa.post_form(
                &format!("/commitments/items/{id}"),
                &[
                    ("commune", &commune),
                    ("subject", "household"),
                    ("action", action),
                    ("text", text),
                ],
            )
            .await
        }
    };
    assert_eq!(
        edit(last.clone(), "up", "").await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        edit(last.clone(), "reword", "Giữ đường làng sạch")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        edit(first.clone(), "retire", "").await.status(),
        StatusCode::SEE_OTHER
    );
    // An empty rewording is refused in Vietnamese and changes nothing.
    let res = edit(last.clone(), "reword", "   ").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("không được để trống"));
    let items: serde_json::Value = bt
        .json(Method::GET, "/api/v1/commitments/items", None)
        .await
        .json()
        .await
        .unwrap();
    let texts: Vec<&str> = items["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts.len(), 5);
    assert_eq!(texts[3], "Giữ đường làng sạch");
    assert!(texts[0].starts_with("Tích cực tham gia và chấp hành"));
    // The retired line is kept, and shown as retired.
    assert_eq!(items["retired"][0]["id"], first.as_str());
    let page = bt.get_text("/commitments/items").await;
    assert!(!page.contains("id=\"defaults\""));
    assert!(page.contains("Các điều đã thôi dùng"));
    // The members' lines are still the plan's.
    let m: serde_json::Value = bt
        .json(
            Method::GET,
            "/api/v1/commitments/items?subject=member",
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(m["customised"], false);
    assert_eq!(m["items"].as_array().unwrap().len(), 6);

    // PUT replaces: keep two (reordered), add one; the rest are retired.
    let ids: Vec<String> = items["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect();
    let res = xa
        .json(
            Method::PUT,
            "/api/v1/commitments/items",
            Some(json!({ "commune_id": commune, "subject": "household", "items": [
                { "id": ids[1], "text": "Điều hai" }, { "id": ids[0], "text": texts[0] }, { "text": "Điều ba" }
            ] })),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let after: serde_json::Value = res.json().await.unwrap();
    assert_eq!(after["items"].as_array().unwrap().len(), 3);
    assert_eq!(after["items"][0]["text"], "Điều hai");
    assert_eq!(after["retired"].as_array().unwrap().len(), 1 + 3);
    // The forms print the lines as they stand.
    let village = app.village_id("Bằng Ngang").await;
    let xml = document_xml(&bt, &village, "household").await;
    assert!(xml.contains("Điều hai") && xml.contains("Điều ba"));
    assert!(!xml.contains("Giữ đường làng sạch"));
    // Every edit was logged.
    let logged = app
        .count(
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'commitment_item'",
            &[],
        )
        .await;
    assert_eq!(logged, 5);
}

async fn document_xml(c: &Client, village: &str, subject: &str) -> String {
    let res = c
        .get(&format!(
            "/commitments/forms.docx?village={village}&year={}&subject={subject}",
            this_year()
        ))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res
        .headers()
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .contains("wordprocessingml"));
    let bytes = res.bytes().await.unwrap().to_vec();
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip file");
    let mut xml = String::new();
    z.by_name("word/document.xml")
        .expect("document.xml")
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

both!(
    secretary_records_many_and_one,
    secretary_records_many_and_one
);
async fn secretary_records_many_and_one(b: Backend) {
    let app = common::spawn(b).await;
    let bt = app.login("bt.bangngang").await;
    let village = app.village_id("Bằng Ngang").await;
    let hh = households(&app, &village).await;
    let total = hh.len() as i64;
    let page = bt
        .get_text(&format!("/commitments?village={village}"))
        .await;
    assert!(
        page.contains(&format!("id=\"tally\">0 / {}", common_num(total))),
        "{page}"
    );
    assert!(page.len() < 30 * 1024, "{} bytes", page.len());
    // Vietnamese order (name_key), 50 to a page: the boxes come in the registry's order.
    let boxes: Vec<&str> = page
        .split("name=\"id\" value=\"")
        .skip(1)
        .map(|r| &r[..r.find('"').unwrap()])
        .collect();
    let expected: Vec<&str> = hh.iter().take(50).map(|(id, _)| id.as_str()).collect();
    assert_eq!(boxes, expected);
    let page2 = bt
        .get_text(&format!("/commitments?village={village}&page=2"))
        .await;
    assert!(page2.contains(&format!("value=\"{}\"", hh[50].0)));
    assert!(!page2.contains(&format!("value=\"{}\"", hh[0].0)));
    // Three at once.
    let ids: Vec<&str> = hh[..3].iter().map(|(id, _)| id.as_str()).collect();
    let res = record_form(&bt, &village, "household", &ids, &jan_first(), "signed").await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
    assert!(location(&res).contains("done=3"));
    assert_eq!(counter(&app, &village, "household").await, 3);
    let page = bt.get_text(&location(&res)).await;
    assert!(
        page.contains(&format!("id=\"tally\">3 / {}", common_num(total))),
        "{page}"
    );
    assert!(page.contains(&format!("Đã ký ngày {}", jan_first())));

    // One by its own row button.
    let year = this_year().to_string();
    let d = jan_first();
    let res = bt
        .post_form(
            "/commitments",
            &[
                ("village", &village),
                ("year", &year),
                ("subject", "household"),
                ("signed_on", &d),
                ("only", &hh[3].0),
                ("id", &hh[4].0),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(counter(&app, &village, "household").await, 4);
    assert_eq!(commitment_rows(&app).await, 4);

    // Re-recording: signed again changes nothing; not signed decrements.
    record_form(
        &bt,
        &village,
        "household",
        &[&hh[0].0],
        &jan_first(),
        "signed",
    )
    .await;
    assert_eq!(counter(&app, &village, "household").await, 4);
    let res = record_form(
        &bt,
        &village,
        "household",
        &[&hh[0].0, &hh[1].0],
        "",
        "unsigned",
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(counter(&app, &village, "household").await, 2);
    assert_eq!(commitment_rows(&app).await, 4);
    let signed_on = app
        .rows(
            "SELECT signed, signed_on FROM commitments WHERE subject_id = ?",
            &[hh[0].0.clone().into()],
        )
        .await;
    assert!(!signed_on[0].bool("signed").unwrap());
    assert_eq!(signed_on[0].opt_str("signed_on").unwrap(), None);

    // Members have their own tab and counter.
    let mm = members(&app, &village).await;
    let res = record_form(&bt, &village, "member", &[&mm[0]], &jan_first(), "signed").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(counter(&app, &village, "member").await, 1);
    let page = bt
        .get_text(&format!("/commitments?village={village}&subject=member"))
        .await;
    assert!(
        page.contains(&format!("id=\"tally\">1 / {}", common_num(mm.len() as i64))),
        "{page}"
    );
    // A member is not a household of this form: "not found", nothing written.
    let res = record_form(
        &bt,
        &village,
        "household",
        &[&mm[1]],
        &jan_first(),
        "signed",
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // The committee records too, for any village of its commune.
    let xa = app.login("xa.luongbang").await;
    let res = record_form(
        &xa,
        &village,
        "household",
        &[&hh[5].0],
        &jan_first(),
        "signed",
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(counter(&app, &village, "household").await, 3);
    // Every write and every read of names was logged.
    let writes = app
        .count(
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'commitment'",
            &[],
        )
        .await;
    assert!(writes >= 5, "{writes}");
    let before = reads(&app, "bt.bangngang", "household").await;
    bt.get_text(&format!("/commitments?village={village}"))
        .await;
    assert_eq!(
        reads(&app, "bt.bangngang", "household").await,
        before + 1,
        "the list's names are a logged read"
    );
    let before = reads(&app, "bt.bangngang", "member").await;
    bt.get_text(&format!("/commitments?village={village}&subject=member"))
        .await;
    assert_eq!(reads(&app, "bt.bangngang", "member").await, before + 1);
    counters_match(&app).await;
}

/// Logged reads of `entity` records by `username`.
async fn reads(app: &TestApp, username: &str, entity: &str) -> i64 {
    app.count(
        "SELECT COUNT(*) FROM audit_log a JOIN users u ON u.id = a.actor_id \
         WHERE u.username = ? AND a.action = 'read' AND a.entity = ?",
        &[username.into(), entity.into()],
    )
    .await
}

fn common_num(n: i64) -> String {
    danvan::web::format::number(n)
}

both!(bad_dates_are_refused, bad_dates_are_refused);
async fn bad_dates_are_refused(b: Backend) {
    let app = common::spawn(b).await;
    let bt = app.login("bt.bangngang").await;
    let village = app.village_id("Bằng Ngang").await;
    let hh = households(&app, &village).await;
    let ids = [hh[0].0.as_str(), hh[1].0.as_str()];
    let y = this_year();
    for (date, says) in [
        ("", "Ngày ký"),
        ("31/02/2025", "không đọc được"),
        ("hôm qua", "không đọc được"),
        (&format!("31/12/{}", y + 1) as &str, "tương lai"),
        (
            &format!("30/09/{}", y - 1) as &str,
            "không thuộc bản cam kết",
        ),
    ] {
        let res = record_form(&bt, &village, "household", &ids, date, "signed").await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{date}");
        let body = res.text().await.unwrap();
        assert!(body.contains(says), "{date}: {body}");
    }
    // The date box offers today only for a year it may be signed in.
    let now = danvan::commitments::model::dmy(danvan::commitments::pages::today());
    let page = bt
        .get_text(&format!("/commitments?village={village}"))
        .await;
    assert!(page.contains(&format!("name=\"signed_on\" value=\"{now}\"")));
    let page = bt
        .get_text(&format!("/commitments?village={village}&year={}", y - 2))
        .await;
    assert!(page.contains("name=\"signed_on\" value=\"\""), "{page}");
    // Nobody ticked.
    let res = record_form(&bt, &village, "household", &[], &jan_first(), "signed").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Chưa chọn ai"));
    // A batch with one stranger saves none of it.
    let other = app.village_id("Đồng Lý").await;
    let stranger = households(&app, &other).await[0].0.clone();
    let res = record_form(
        &bt,
        &village,
        "household",
        &[&hh[0].0, &stranger],
        &jan_first(),
        "signed",
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(commitment_rows(&app).await, 0);
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM commitment_counts WHERE signed <> 0",
            &[]
        )
        .await,
        0
    );
    // The API says the same, in Vietnamese, naming the field.
    let res = bt
        .json(
            Method::POST,
            "/api/v1/commitments",
            Some(json!({ "year": y, "subject": "household", "subject_id": hh[0].0, "signed": true, "signed_on": "32/01/2025" })),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("signed_on") && body.contains("Ngày ký"),
        "{body}"
    );
    assert_eq!(commitment_rows(&app).await, 0);
}

both!(
    secretary_stays_in_their_village,
    secretary_stays_in_their_village
);
async fn secretary_stays_in_their_village(b: Backend) {
    let app = common::spawn(b).await;
    let bt = app.login("bt.bangngang").await;
    let other = app.village_id("Đồng Lý").await;
    let theirs = households(&app, &other).await;
    // Another village's list, forms and API answer as missing and show no name.
    for path in [
        format!("/commitments?village={other}"),
        format!("/commitments/forms.docx?village={other}"),
        format!("/api/v1/commitments?village={other}"),
    ] {
        let res = bt.get(&path).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(!res.text().await.unwrap().contains(&theirs[0].1));
    }
    let res = record_form(
        &bt,
        &other,
        "household",
        &[&theirs[0].0],
        &jan_first(),
        "signed",
    )
    .await;
    assert!(matches!(
        res.status(),
        StatusCode::NOT_FOUND | StatusCode::FORBIDDEN
    ));
    let res = bt
        .json(
            Method::POST,
            "/api/v1/commitments",
            Some(json!({ "year": this_year(), "subject": "household", "subject_id": theirs[0].0, "signed": true, "signed_on": jan_first() })),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(commitment_rows(&app).await, 0);
}

both!(
    supervisors_and_the_front_see_counts_only,
    supervisors_and_the_front_see_counts_only
);
async fn supervisors_and_the_front_see_counts_only(b: Backend) {
    let app = common::spawn(b).await;
    let bt = app.login("bt.bangngang").await;
    let village = app.village_id("Bằng Ngang").await;
    let hh = households(&app, &village).await;
    let ids: Vec<&str> = hh[..2].iter().map(|(id, _)| id.as_str()).collect();
    record_form(&bt, &village, "household", &ids, &jan_first(), "signed").await;
    let names: Vec<String> = app
        .rows("SELECT head_name FROM households", &[])
        .await
        .iter()
        .map(|r| r.values()[0].clone().into_text())
        .collect();
    let commune = app
        .one_str(
            "SELECT commune_id FROM units WHERE id = ?",
            &[village.clone().into()],
        )
        .await;
    for user in ["bdv.hungyen", "mttq.luongbang"] {
        let c = app.login(user).await;
        // The summary: Bằng Ngang's 2 of all, in the commune's table.
        let page = c
            .get_text(&format!(
                "/commitments/summary?unit={commune}&year={}",
                this_year()
            ))
            .await;
        assert!(page.contains("Bằng Ngang"), "{user}: {page}");
        assert!(
            page.contains(&format!("2 / {}", common_num(hh.len() as i64))),
            "{user}: {page}"
        );
        for n in &names {
            assert!(!page.contains(n.as_str()), "{user} sees the name {n}");
        }
        // Names are out of reach: the list, the forms, the API.
        for path in [
            format!("/commitments?village={village}"),
            format!("/commitments/forms.docx?village={village}"),
            format!("/api/v1/commitments?village={village}"),
            "/commitments/items".to_owned(),
        ] {
            let res = c.get(&path).await;
            assert_eq!(res.status(), StatusCode::FORBIDDEN, "{user} {path}");
            let body = res.text().await.unwrap();
            assert!(
                !names.iter().any(|n| body.contains(n.as_str())),
                "{user} {path}"
            );
        }
    }
    // The supervisor's default unit is their province: one line per commune.
    let c = app.login("bdv.hungyen").await;
    let page = c.get_text("/commitments/summary").await;
    assert!(page.contains("Lương Bằng"), "{page}");
    assert!(page.contains("id=\"total-households\">2 /"), "{page}");
    // A unit outside the grant answers as missing.
    let res = app
        .login("mttq.luongbang")
        .await
        .get("/commitments/summary?unit=c-00004")
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

both!(
    forms_have_a_page_per_household,
    forms_have_a_page_per_household
);
async fn forms_have_a_page_per_household(b: Backend) {
    let app = common::spawn(b).await;
    let bt = app.login("bt.bangngang").await;
    let village = app.village_id("Bằng Ngang").await;
    let hh = households(&app, &village).await;
    let xml = document_xml(&bt, &village, "household").await;
    let breaks = xml.matches("<w:pageBreakBefore").count();
    assert_eq!(breaks + 1, hh.len(), "one page per household");
    assert_eq!(xml.matches("BẢN CAM KẾT").count(), hh.len());
    assert!(xml.contains("ĐẢNG CỘNG SẢN VIỆT NAM"));
    assert!(xml.contains(&hh[0].1) && xml.contains(&hh[hh.len() - 1].1));
    assert!(xml.contains("Chấp hành và thực hiện tốt các chủ trương của Đảng"));
    assert!(xml.contains(&format!("năm {}", this_year())));
    // The member in charge from the approved plan is pre-filled.
    let in_charge = app
        .one_str(
            "SELECT m.full_name FROM assignment_pairs p JOIN assignment_plans a ON a.id = p.plan_id \
             JOIN members m ON m.id = p.member_id WHERE a.status = 'approved' AND p.household_id = ?",
            &[hh[0].0.clone().into()],
        )
        .await;
    assert!(xml.contains(&in_charge), "{in_charge}");
    // The members' form: one page per active member, with II.1.
    let mm = members(&app, &village).await;
    let xml = document_xml(&bt, &village, "member").await;
    assert_eq!(xml.matches("<w:pageBreakBefore").count() + 1, mm.len());
    assert!(xml.contains("Quy định số 37-QĐ/TW"));
    // The download is logged as a read of the households it names.
    let before = reads(&app, "bt.bangngang", "household").await;
    document_xml(&bt, &village, "household").await;
    assert_eq!(reads(&app, "bt.bangngang", "household").await, before + 1);
}

both!(api_records_idempotently, api_records_idempotently);
async fn api_records_idempotently(b: Backend) {
    let app = common::spawn(b).await;
    let bt = app.login("bt.bangngang").await;
    let village = app.village_id("Bằng Ngang").await;
    let hh = households(&app, &village).await;
    let id = danvan::clock::new_id();
    let body = json!({ "id": id, "year": this_year(), "subject": "household", "subject_id": hh[0].0, "signed": true, "signed_on": jan_first() });
    let post = |body: serde_json::Value, key: &'static str| {
        let bt = &bt;
        async move {
            bt.http
                .post(bt.url("/api/v1/commitments"))
                .header("x-csrf-token", &bt.csrf)
                .header("idempotency-key", key)
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    let first = post(body.clone(), "k-1").await;
    assert_eq!(first.status(), StatusCode::OK);
    let first: serde_json::Value = first.json().await.unwrap();
    assert_eq!(first["id"], id.as_str());
    assert_eq!(first["signed_on"], format!("{}-01-01", this_year()));
    let again = post(body.clone(), "k-1").await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(again.headers().get("idempotent-replay").unwrap(), "true");
    assert_eq!(again.json::<serde_json::Value>().await.unwrap(), first);
    assert_eq!(commitment_rows(&app).await, 1);
    assert_eq!(counter(&app, &village, "household").await, 1);
    // The same key with another body is refused.
    let mut other = body.clone();
    other["signed"] = json!(false);
    other["signed_on"] = serde_json::Value::Null;
    let res = post(other.clone(), "k-1").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(counter(&app, &village, "household").await, 1);
    // A later record replaces the state and keeps the record's id.
    other["id"] = json!(danvan::clock::new_id());
    let res = post(other, "k-2").await;
    assert_eq!(res.status(), StatusCode::OK);
    let v: serde_json::Value = res.json().await.unwrap();
    assert_eq!(v["id"], id.as_str());
    assert_eq!(v["signed"], false);
    assert_eq!(counter(&app, &village, "household").await, 0);
    assert_eq!(commitment_rows(&app).await, 1);
    // Ids: a UUID of another version, or none at all.
    let mut v4 = body.clone();
    v4["id"] = json!("a1a2a3a4-b1b2-41c2-8d1d-2d3d4d5d6d7d");
    let res = post(v4, "k-3").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("phiên bản 7"));
    let mut bad = body.clone();
    bad["subject"] = json!("citizen");
    assert_eq!(
        post(bad, "k-4").await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // The list shows the state per subject, with the counts.
    let list: serde_json::Value = bt
        .json(
            Method::GET,
            &format!("/api/v1/commitments?village={village}&year={}", this_year()),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["households"]["tally"]["total"], hh.len() as i64);
    assert_eq!(list["households"]["tally"]["signed"], 0);
    let e = list["households"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["subject_id"] == hh[0].0.as_str())
        .unwrap()
        .clone();
    assert_eq!(e["signed"], false);
    assert!(list["members"]["entries"].as_array().unwrap().len() > 1);
    // Documented.
    let doc = app.anonymous().get_text("/api/v1/openapi.json").await;
    assert!(doc.contains("/api/v1/commitments") && doc.contains("/api/v1/commitments/items"));
    counters_match(&app).await;
}

both!(counters_equal_a_recount, counters_equal_a_recount);
async fn counters_equal_a_recount(b: Backend) {
    let app = common::spawn(b).await;
    let xa = app.login("xa.luongbang").await;
    // Many records over two villages, both subjects, with re-records both ways.
    for (n, name) in ["Bằng Ngang", "Đồng Lý"].iter().enumerate() {
        let v = app.village_id(name).await;
        let hh = households(&app, &v).await;
        let ids: Vec<&str> = hh
            .iter()
            .take(20 + n * 7)
            .map(|(id, _)| id.as_str())
            .collect();
        record_form(&xa, &v, "household", &ids, &jan_first(), "signed").await;
        let undo: Vec<&str> = ids.iter().step_by(3).copied().collect();
        record_form(&xa, &v, "household", &undo, "", "unsigned").await;
        let redo: Vec<&str> = undo.iter().step_by(2).copied().collect();
        record_form(&xa, &v, "household", &redo, &jan_first(), "signed").await;
        let mm = members(&app, &v).await;
        let mids: Vec<&str> = mm.iter().take(5).map(|s| s.as_str()).collect();
        record_form(&xa, &v, "member", &mids, &jan_first(), "signed").await;
        let expect = (ids.len() - undo.len() + redo.len()) as i64;
        assert_eq!(counter(&app, &v, "household").await, expect);
        assert_eq!(counter(&app, &v, "member").await, 5);
    }
    counters_match(&app).await;
    // The summary reads the counters.
    let page = xa.get_text("/commitments/summary").await;
    assert!(page.contains("Đồng Lý"), "{page}");
}

both!(a_member_sees_their_own, a_member_sees_their_own);
async fn a_member_sees_their_own(b: Backend) {
    let app = common::spawn(b).await;
    let dv = app.login("dv.bangngang").await;
    let me = app
        .one_str(
            "SELECT member_id FROM users WHERE username = 'dv.bangngang'",
            &[],
        )
        .await;
    let page = dv.get_text("/commitments/mine").await;
    assert!(page.contains("chưa ghi bản cam kết năm nay"), "{page}");
    let bt = app.login("bt.bangngang").await;
    let village = app.village_id("Bằng Ngang").await;
    let res = record_form(&bt, &village, "member", &[&me], &jan_first(), "signed").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = dv.get_text("/commitments/mine").await;
    assert!(
        page.contains(&format!("Đã ký ngày {}", jan_first())),
        "{page}"
    );
    assert!(!page.contains("chưa ghi bản cam kết năm nay"));
    // Nobody else's: a member opens neither the village's list nor its forms.
    for path in [
        format!("/commitments?village={village}"),
        format!("/commitments/forms.docx?village={village}"),
    ] {
        assert_eq!(
            dv.get(&path).await.status(),
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    // Staff without a member record are refused the page.
    assert_eq!(
        app.login("bdv.hungyen")
            .await
            .get("/commitments/mine")
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
}
