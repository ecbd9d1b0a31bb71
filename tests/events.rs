//! Events (issue 10, item 3): the cell secretary records a village's meeting with the
//! members who attended and edits it; the committee records the commune's conference;
//! refused input changes nothing; the per-period summary counts by the province's
//! cut-off day — through the real server, on both engines.

use crate::both;
use crate::common::{self, location, Backend, Client, IntoText, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;
use time::{Duration, OffsetDateTime, UtcOffset};

const SECRETARY: &str = "bt.bangngang";
const COMMITTEE: &str = "xa.luongbang";

fn today() -> time::Date {
    OffsetDateTime::now_utc()
        .to_offset(UtcOffset::from_hms(7, 0, 0).unwrap())
        .date()
}

fn vn(d: time::Date) -> String {
    format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year())
}

/// The value of the hidden input `name` of a form.
fn hidden(html: &str, name: &str) -> String {
    let needle = format!("name=\"{name}\" value=\"");
    let i = html
        .find(&needle)
        .unwrap_or_else(|| panic!("{name} in {html}"))
        + needle.len();
    html[i..i + html[i..].find('"').unwrap()].to_owned()
}

/// The member ids the form offers, in order.
fn offered(html: &str) -> Vec<String> {
    html.split("name=\"members\" value=\"")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].to_owned())
        .collect()
}

async fn member_name(app: &TestApp, id: &str) -> String {
    app.one_str("SELECT full_name FROM members WHERE id = ?", &[id.into()])
        .await
}

async fn count(app: &TestApp, table: &str) -> i64 {
    app.count(&format!("SELECT COUNT(*) FROM {table}"), &[])
        .await
}

/// Posts the new-event form of `unit` with `fields` (id and unit filled in).
async fn post_new(c: &Client, unit: &str, fields: &[(&str, &str)]) -> (reqwest::Response, String) {
    let form = c.get_text(&format!("/events/new?unit={unit}")).await;
    let id = hidden(&form, "id");
    let mut all = vec![("id", id.as_str()), ("unit_id", unit)];
    all.extend_from_slice(fields);
    (c.post_form("/events", &all).await, id)
}

both!(
    secretary_records_and_edits_a_meeting,
    secretary_records_and_edits_a_meeting
);
async fn secretary_records_and_edits_a_meeting(b: Backend) {
    let app = common::spawn(b).await;
    let village = app.village_id("Bằng Ngang").await;
    let c = app.login(SECRETARY).await;
    let list = c.get_text("/events").await;
    assert!(list.contains("Chưa có hội nghị, sinh hoạt nào"), "{list}");
    assert!(
        list.contains(&format!("href=\"/events/new?unit={village}\"")),
        "{list}"
    );

    // The form offers the village's members, today's date, and the reminder.
    let form = c.get_text(&format!("/events/new?unit={village}")).await;
    assert!(
        form.contains(&format!("value=\"{}\"", vn(today()))),
        "{form}"
    );
    assert!(form.contains("Không ghi tôn giáo, dân tộc"), "{form}");
    assert!(form.len() < 30 * 1024, "{} bytes", form.len());
    let members = offered(&form);
    assert!(members.len() >= 5, "{members:?}");
    let id = hidden(&form, "id");
    let fields = [
        ("id", id.as_str()),
        ("unit_id", village.as_str()),
        ("kind", "cell_meeting"),
        ("held_on", &vn(today())),
        ("place", "Nhà văn hóa thôn Bằng Ngang"),
        ("chair", "Nguyễn Văn Bình"),
        ("content", "Quán triệt mô hình 1+10\nPhân công đảng viên"),
        ("households", "1.200"),
        ("members", &members[0]),
        ("members", &members[1]),
        ("members", &members[2]),
    ];
    let res = c.post_form("/events", &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("/events/{id}?saved=1"));
    let page = c.get_text(&location(&res)).await;
    assert!(page.contains("Đã lưu hội nghị, sinh hoạt"), "{page}");
    assert!(
        page.contains("Sinh hoạt chi bộ") && page.contains("1.200"),
        "{page}"
    );
    for m in &members[..3] {
        let name = member_name(&app, m).await;
        assert!(page.contains(&name), "{name} missing from {page}");
    }
    assert_eq!(
        (
            count(&app, "events").await,
            count(&app, "event_attendees").await
        ),
        (1, 3)
    );
    // A double submit records nothing more.
    let again = c.post_form("/events", &fields).await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        (
            count(&app, "events").await,
            count(&app, "event_attendees").await
        ),
        (1, 3)
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'event' AND action = 'create'",
            &[]
        )
        .await,
        1
    );
    // Reading the event named the event and the members shown.
    let reads = app
        .rows("SELECT detail FROM audit_log WHERE entity = 'event' AND action = 'read' AND entity_id = ?", &[id.clone().into()])
        .await;
    assert!(!reads.is_empty());
    assert!(
        reads[0].values()[0].clone().into_text().contains("member"),
        "the members shown are named"
    );

    // Edit: another kind, two members fewer, one more, fewer households.
    let edit = c.get_text(&format!("/events/{id}/edit")).await;
    assert!(
        edit.contains("Nguyễn Văn Bình") && edit.contains("value=\"1200\""),
        "{edit}"
    );
    assert_eq!(
        edit.matches(" checked>").count(),
        1 + 3,
        "the kind and the three members"
    );
    let res = c
        .post_form(
            &format!("/events/{id}"),
            &[
                ("id", id.as_str()),
                ("unit_id", village.as_str()),
                ("kind", "dialogue"),
                ("held_on", &vn(today())),
                ("place", "Nhà văn hóa thôn Bằng Ngang"),
                ("chair", "Nguyễn Văn Bình"),
                ("content", "Đối thoại về đường liên thôn"),
                ("households", "80"),
                ("members", &members[0]),
                ("members", &members[4]),
            ],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
    let page = c.get_text(&format!("/events/{id}")).await;
    assert!(
        page.contains("Đối thoại với nhân dân") && page.contains(">80<"),
        "{page}"
    );
    assert!(!page.contains(&member_name(&app, &members[1]).await));
    assert!(page.contains(&member_name(&app, &members[4]).await));
    assert_eq!(
        (
            count(&app, "events").await,
            count(&app, "event_attendees").await
        ),
        (1, 2)
    );
    let detail = app
        .one_str(
            "SELECT detail FROM audit_log WHERE entity = 'event' AND action = 'update'",
            &[],
        )
        .await;
    assert!(
        detail.contains("kind") && detail.contains("members") && !detail.contains("place"),
        "{detail}"
    );

    // The village's list for this quarter, and the commune's (which includes it).
    let list = c.get_text(&format!("/events?unit={village}")).await;
    assert!(
        list.contains(&format!("/events/{id}")) && list.contains("Đối thoại"),
        "{list}"
    );
    let committee = app.login(COMMITTEE).await;
    let commune = committee.get_text("/events?unit=c-12280").await;
    assert!(
        commune.contains(&format!("/events/{id}")) && commune.contains("Bằng Ngang"),
        "{commune}"
    );
    // Another village's secretary cannot see it.
    let other = app.login("bt.dongly").await;
    assert_eq!(
        other.get(&format!("/events/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other.get(&format!("/events?unit={village}")).await.status(),
        StatusCode::NOT_FOUND
    );
}

both!(refused_input_changes_nothing, refused_input_changes_nothing);
async fn refused_input_changes_nothing(b: Backend) {
    let app = common::spawn(b).await;
    let village = app.village_id("Bằng Ngang").await;
    let elsewhere = app
        .one_str(
            "SELECT m.id FROM members m JOIN units v ON v.id = m.village_id WHERE v.name = 'Đồng Lý' ORDER BY m.id LIMIT 1",
            &[],
        )
        .await;
    let c = app.login(SECRETARY).await;
    let tomorrow = vn(today() + Duration::days(1));
    let good: Vec<(&str, &str)> = vec![
        ("kind", "launch"),
        ("held_on", "01/01/2025"),
        ("place", "Nhà văn hóa"),
        ("chair", "Trần Văn An"),
        ("content", "Ra mắt mô hình"),
        ("households", "120"),
    ];
    let with = |k: &'static str, v: &'static str| -> Vec<(&'static str, String)> {
        good.iter()
            .map(|(a, b)| (*a, if *a == k { v.to_owned() } else { b.to_string() }))
            .collect()
    };
    let before = common::fingerprint(&app).await;
    let tomorrow_case: Vec<(&str, String)> = good
        .iter()
        .map(|(a, b)| {
            (
                *a,
                if *a == "held_on" {
                    tomorrow.clone()
                } else {
                    b.to_string()
                },
            )
        })
        .collect();
    let mut elsewhere_case: Vec<(&str, String)> = with("kind", "launch");
    elsewhere_case.push(("members", elsewhere.clone()));
    for (fields, field, says) in [
        (with("kind", ""), "kind", "Cần chọn loại hội nghị"),
        (with("kind", "party"), "kind", "Cần chọn loại hội nghị"),
        (tomorrow_case, "held_on", "không được sau hôm nay"),
        (with("held_on", "32/01/2025"), "held_on", "ngày/tháng/năm"),
        (with("place", "  "), "place", "Cần nhập địa điểm"),
        (with("chair", ""), "chair", "Cần nhập người chủ trì"),
        (
            with("households", "nhiều"),
            "households",
            "Số hộ tham dự phải là một số nguyên",
        ),
        (elsewhere_case, "members", "không thuộc đơn vị tổ chức"),
    ] {
        let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (res, id) = post_new(&c, &village, &borrowed).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{says}");
        let page = res.text().await.unwrap();
        // The reason stands beside its field.
        let at = format!("id=\"{field}-error\">");
        let beside = &page[page.find(&at).expect("the field's error") + at.len()..];
        assert!(
            beside[..beside.find("</p>").unwrap()].contains(says),
            "{says}: {page}"
        );
        // The form comes back as typed, with the same record id.
        assert!(page.contains(&format!("value=\"{id}\"")), "{page}");
    }
    // Units the secretary does not keep: another village, the commune itself.
    let dong_ly = app.village_id("Đồng Lý").await;
    for unit in [dong_ly.as_str(), "c-12280"] {
        let mut fields = vec![("id", "".to_owned()), ("unit_id", unit.to_owned())];
        fields.extend(good.iter().map(|(a, b)| (*a, b.to_string())));
        let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let res = c.post_form("/events", &borrowed).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{unit}");
    }
    assert_eq!(
        before,
        common::fingerprint(&app).await,
        "a refused event wrote something"
    );

    // A good one, then a refused edit leaves it as it was.
    let (res, id) = post_new(&c, &village, &good).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let before = common::fingerprint(&app).await;
    let mut bad: Vec<(&str, &str)> = vec![("id", &id), ("unit_id", &village)];
    bad.extend(good.iter().filter(|(k, _)| *k != "place").copied());
    let res = c.post_form(&format!("/events/{id}"), &bad).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Cần nhập địa điểm"));
    assert_eq!(
        before,
        common::fingerprint(&app).await,
        "a refused edit wrote something"
    );
    // The API refuses the same way, naming the field.
    let res = c
        .json(Method::POST, "/api/v1/events", Some(json!({ "unit_id": village, "kind": "x", "held_on": "2025-01-01", "place": "", "chair": "A", "content": "B" })))
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = res.json().await.unwrap();
    assert!(
        body.to_string().contains("kind") && body.to_string().contains("place"),
        "{body}"
    );
    assert_eq!(before, common::fingerprint(&app).await);
}

/// The province of the pilot commune.
async fn province(app: &TestApp) -> danvan::units::store::Unit {
    let id = app
        .one_str(
            "SELECT p.id FROM units c JOIN units p ON p.kind = 'province' AND c.path >= p.path \
             AND c.path < p.path || '~' WHERE c.id = 'c-12280'",
            &[],
        )
        .await;
    app.db
        .read(move |tx| Box::pin(async move { danvan::units::store::get(tx, &id).await }))
        .await
        .unwrap()
}

both!(
    commune_conference_api_and_summary,
    commune_conference_api_and_summary
);
async fn commune_conference_api_and_summary(b: Backend) {
    use danvan::reports::period::{Kind, Period};
    let app = common::spawn(b).await;
    let committee = app.login(COMMITTEE).await;
    // The commune's form lists the members of every village, under 30 KB.
    let form = committee.get_text("/events/new?unit=c-12280").await;
    assert!(form.len() < 30 * 1024, "{} bytes", form.len());
    assert!(
        form.contains("Đồng Lý") && form.contains("Lương Hội"),
        "grouped by village"
    );
    let members = offered(&form);
    assert!(members.len() > 100, "{}", members.len());

    // The province reports from the 15th: its months run 15th to 14th.
    let p = province(&app).await;
    let scope = danvan::auth::Scope::unsafe_system_at("test", danvan::auth::Role::Supervisor, &p);
    let (pid, s2) = (p.id.clone(), scope.clone());
    app.db
        .write(move |tx| {
            Box::pin(async move { danvan::reports::cutoff::set_cutoff(tx, &s2, &pid, 15).await })
        })
        .await
        .unwrap();
    let cutoff = danvan::reports::period::CutOff::new(15).unwrap();
    let month = Period::containing(today(), Kind::Month, cutoff);
    let first = month.first_day();
    let before = first - Duration::days(1);

    // Through the API: the launch on the month's first day (the 15th), a dialogue the
    // day before it (the previous month).
    let body = |kind: &str, on: time::Date, members: &[String], households: i64| {
        json!({ "id": danvan::clock::new_id(), "unit_id": "c-12280", "kind": kind,
                "held_on": format!("{:04}-{:02}-{:02}", on.year(), u8::from(on.month()), on.day()),
                "place": "Hội trường xã", "chair": "Bí thư Đảng ủy", "content": "Ra mắt",
                "households": households, "members": members })
    };
    let launch = body("launch", first, &members[..40], 300);
    let res = committee
        .json(Method::POST, "/api/v1/events", Some(launch.clone()))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let saved: serde_json::Value = res.json().await.unwrap();
    let id = saved["id"].as_str().unwrap().to_owned();
    assert_eq!(saved["already_recorded"], false);
    let again: serde_json::Value = committee
        .json(Method::POST, "/api/v1/events", Some(launch))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["already_recorded"], true);
    let res = committee
        .json(
            Method::POST,
            "/api/v1/events",
            Some(body("dialogue", before, &members[40..45], 20)),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);

    let got: serde_json::Value = committee
        .get(&format!("/api/v1/events/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(got["attendees"].as_array().unwrap().len(), 40);
    assert_eq!(got["kind"], "launch");
    let listed: serde_json::Value = committee
        .get(&format!(
            "/api/v1/events?unit=c-12280&period={}",
            month.key()
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["events"].as_array().unwrap().len(), 1, "{listed}");
    assert_eq!(
        listed["from"],
        format!("{:04}-{:02}-15", first.year(), u8::from(first.month()))
    );
    // PUT rewrites it.
    let mut edit = body("launch", first, &members[..10], 250);
    edit["content"] = json!("Ra mắt mô hình Dân vận khéo");
    let res = committee
        .json(Method::PUT, &format!("/api/v1/events/{id}"), Some(edit))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    // A secretary may not read the commune's own event.
    let secretary = app.login(SECRETARY).await;
    assert_eq!(
        secretary
            .get(&format!("/api/v1/events/{id}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // The summary counts each event in its own month under the cut-off, for a supervisor.
    let now = summary(&app, &scope, month).await;
    assert_eq!(
        (now.held, now.member_attendance, now.household_attendance),
        (1, 10, 250)
    );
    assert_eq!(now.by_kind.len(), 1);
    let prev = summary(&app, &scope, month.previous()).await;
    assert_eq!(
        (prev.held, prev.member_attendance, prev.household_attendance),
        (1, 5, 20)
    );
    let year = summary(&app, &scope, Period::containing(first, Kind::Year, cutoff)).await;
    assert!(year.held >= 1);
    // Someone with no grant there reads nothing.
    let nobody = danvan::auth::Scope::unsafe_system("test");
    let r = app
        .db
        .read(move |tx| {
            Box::pin(async move {
                let unit = danvan::units::store::get(tx, "c-12280").await?;
                danvan::events::store::summary(tx, &nobody, &unit, &month).await
            })
        })
        .await;
    assert!(r.is_err());
}

async fn summary(
    app: &TestApp,
    scope: &danvan::auth::Scope,
    p: danvan::reports::period::Period,
) -> danvan::events::store::EventSummary {
    let scope = scope.clone();
    app.db
        .read(move |tx| {
            Box::pin(async move {
                let unit = danvan::units::store::get(tx, "c-12280").await?;
                danvan::events::store::summary(tx, &scope, &unit, &p).await
            })
        })
        .await
        .unwrap()
}
