//! Contacts (issue 8, items 2, 6, 7): the member logs a contact from the household card,
//! once however often the form is sent; the member's list sorts by what needs attention;
//! every counter equals a recount from the raw rows — through the real server, on both
//! engines.

use std::collections::{BTreeMap, BTreeSet};

use crate::both;
use crate::common::{self, location, Backend, Client, IntoText, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;
use time::{Duration, OffsetDateTime, UtcOffset};

const MEMBER: &str = "dv.bangngang";

fn today() -> time::Date {
    OffsetDateTime::now_utc()
        .to_offset(UtcOffset::from_hms(7, 0, 0).unwrap())
        .date()
}

/// A row's values as text.
fn texts(r: &danvan::db::Row) -> Vec<String> {
    r.values()
        .iter()
        .cloned()
        .map(IntoText::into_text)
        .collect()
}

fn iso(d: time::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// The households assigned to the demo member, as (id, head name).
async fn assigned(app: &TestApp) -> Vec<(String, String)> {
    app.rows(
        "SELECT h.id, h.head_name FROM households h WHERE h.id IN (SELECT p.household_id FROM assignment_pairs p \
         JOIN assignment_plans a ON a.id = p.plan_id JOIN users u ON u.member_id = p.member_id \
         WHERE a.status = 'approved' AND u.username = ?) ORDER BY h.code",
        &[MEMBER.into()],
    )
    .await
    .into_iter()
    .map(|r| {
        let v = r.values();
        (v[0].clone().into_text(), v[1].clone().into_text())
    })
    .collect()
}

/// A household of the member's village that is not assigned to them.
async fn not_assigned(app: &TestApp) -> String {
    app.one_str(
        "SELECT h.id FROM households h JOIN units v ON v.id = h.village_id WHERE v.name = 'Bằng Ngang' \
         AND h.id NOT IN (SELECT p.household_id FROM assignment_pairs p JOIN assignment_plans a ON a.id = p.plan_id \
         JOIN users u ON u.member_id = p.member_id WHERE a.status = 'approved' AND u.username = ?) ORDER BY h.code LIMIT 1",
        &[MEMBER.into()],
    )
    .await
}

/// The hidden record id of a contact form.
fn form_id(html: &str) -> String {
    let i = html
        .find("name=\"id\" value=\"")
        .expect("the form carries its record id")
        + 17;
    html[i..i + html[i..].find('"').unwrap()].to_owned()
}

async fn contacts(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) FROM contacts", &[]).await
}

async fn log(c: &Client, household: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let form = c
        .get_text(&format!("/households/{household}/contacts/new"))
        .await;
    let id = form_id(&form);
    let mut all = vec![("id", id.as_str())];
    all.extend_from_slice(fields);
    c.post_form(&format!("/households/{household}/contacts"), &all)
        .await
}

both!(
    member_logs_a_contact_from_the_card,
    member_logs_a_contact_from_the_card
);
async fn member_logs_a_contact_from_the_card(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login(MEMBER).await;
    let mine = assigned(&app).await;
    let (household, head) = mine[0].clone();
    // The home and the list show every household, none contacted yet.
    let home = c.get_text("/").await;
    assert!(
        home.contains(&head) && home.contains("Chưa tiếp xúc"),
        "{home}"
    );
    let list = c.get_text("/my-households").await;
    for (_, name) in &mine {
        assert!(list.contains(name.as_str()), "{name} missing from {list}");
    }
    // The card offers the form; the form has today and "visit" chosen.
    let card = c.get_text(&format!("/households/{household}")).await;
    assert!(
        card.contains(&format!("href=\"/households/{household}/contacts/new\"")),
        "{card}"
    );
    let form = c
        .get_text(&format!("/households/{household}/contacts/new"))
        .await;
    let t = today();
    let shown = format!("{:02}/{:02}/{}", t.day(), u8::from(t.month()), t.year());
    assert!(form.contains(&format!("value=\"{shown}\"")), "{form}");
    assert!(form.contains("value=\"visit\" checked"), "{form}");
    assert!(
        form.contains("Không ghi tôn giáo, dân tộc"),
        "the sensitive-data reminder: {form}"
    );
    let id = form_id(&form);

    // Two taps and save: one topic, the defaults for the rest.
    let fields = [("id", id.as_str()), ("channel", "visit"), ("topics", "law")];
    let res = c
        .post_form(&format!("/households/{household}/contacts"), &fields)
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&res),
        format!("/households/{household}?contact=saved")
    );
    let card = c.get_text(&location(&res)).await;
    assert!(card.contains("Đã ghi lần tiếp xúc"), "{card}");
    assert!(card.contains("Chính sách, pháp luật"), "{card}");
    assert_eq!(contacts(&app).await, 1);

    // A double submit (the same form sent again) records nothing more.
    let again = c
        .post_form(&format!("/households/{household}/contacts"), &fields)
        .await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    assert_eq!(contacts(&app).await, 1);
    let day = format!("D{}", iso(today()));
    assert_eq!(
        app.count(
            "SELECT contacts * 10 + households FROM contact_counts WHERE period = ?",
            &[day.into()]
        )
        .await,
        11
    );
    // Logged as one audit event, without the note.
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'contact' AND action = 'create'",
            &[]
        )
        .await,
        1
    );
    // The household now shows as contacted.
    let list = c.get_text("/my-households").await;
    assert!(list.contains("Lần cuối"), "{list}");
}

both!(bad_input_changes_nothing, bad_input_changes_nothing);
async fn bad_input_changes_nothing(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login(MEMBER).await;
    let household = assigned(&app).await[0].0.clone();
    let tomorrow = iso(today() + Duration::days(1));
    let long_ago = iso(today() - Duration::days(200));
    let before = common::fingerprint(&app).await;
    for (fields, says) in [
        (vec![("channel", "visit")], "Cần chọn ít nhất một nội dung"),
        (
            vec![("channel", "fax"), ("topics", "law")],
            "Cần chọn hình thức",
        ),
        (
            vec![
                ("channel", "visit"),
                ("topics", "law"),
                ("contacted_on", tomorrow.as_str()),
            ],
            "không được sau hôm nay",
        ),
        (
            vec![
                ("channel", "visit"),
                ("topics", "law"),
                ("contacted_on", long_ago.as_str()),
            ],
            "92 ngày",
        ),
        (
            vec![("channel", "visit"), ("topics", "religion")],
            "không có trong danh sách",
        ),
        (
            vec![("channel", "visit"), ("topics", "law"), ("follow_up", "1")],
            "Cần chọn ngày hẹn",
        ),
    ] {
        let res = log(&c, &household, &fields).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        let page = res.text().await.unwrap();
        assert!(page.contains(says), "{says}: {page}");
        // The form comes back as typed.
        assert!(page.contains("name=\"id\" value=\""), "{page}");
    }
    assert_eq!(contacts(&app).await, 0);
    assert_eq!(before, common::fingerprint(&app).await);
}

both!(only_the_assigned_member_logs, only_the_assigned_member_logs);
async fn only_the_assigned_member_logs(b: Backend) {
    let app = common::spawn(b).await;
    let member = app.login(MEMBER).await;
    let other = not_assigned(&app).await;
    let res = member
        .get(&format!("/households/{other}/contacts/new"))
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = member
        .post_form(
            &format!("/households/{other}/contacts"),
            &[("channel", "visit"), ("topics", "law")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = member
        .json(
            Method::POST,
            &format!("/api/v1/households/{other}/contacts"),
            Some(json!({"channel": "visit", "topics": ["law"]})),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // The secretary keeps the registry but logs no contact: that is the member's.
    let secretary = app.login("bt.bangngang").await;
    let mine = assigned(&app).await[0].0.clone();
    let res = secretary
        .get(&format!("/households/{mine}/contacts/new"))
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(contacts(&app).await, 0);
}

both!(secretary_sees_the_history, secretary_sees_the_history);
async fn secretary_sees_the_history(b: Backend) {
    let app = common::spawn(b).await;
    let member = app.login(MEMBER).await;
    let household = assigned(&app).await[0].0.clone();
    let res = log(
        &member,
        &household,
        &[
            ("channel", "phone"),
            ("topics", "market"),
            ("note", "Hỏi giá lúa giống"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let secretary = app.login("bt.bangngang").await;
    let card = secretary
        .get_text(&format!("/households/{household}"))
        .await;
    assert!(
        card.contains("Gọi điện") && card.contains("Hỏi giá lúa giống"),
        "{card}"
    );
    // ...but is offered no form: the contact is the member's to log.
    assert!(!card.contains("/contacts/new"), "{card}");
    let api = secretary
        .json(
            Method::GET,
            &format!("/api/v1/households/{household}/contacts"),
            None,
        )
        .await;
    assert_eq!(api.status(), StatusCode::OK);
    let list: serde_json::Value = api.json().await.unwrap();
    assert_eq!(list[0]["channel"], "phone");
    assert_eq!(list[0]["topics"], json!(["market"]));
}

both!(api_records_once_per_key, api_records_once_per_key);
async fn api_records_once_per_key(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login(MEMBER).await;
    let household = assigned(&app).await[0].0.clone();
    let path = format!("/api/v1/households/{household}/contacts");
    let id = uuid::Uuid::now_v7().to_string();
    let body = json!({"id": id, "channel": "meeting", "topics": ["security", "household_concerns"], "follow_up_on": iso(today() + Duration::days(7))});
    let send = |body: serde_json::Value, key: &'static str| {
        let req = c
            .http
            .post(c.url(&path))
            .header("x-csrf-token", &c.csrf)
            .header("idempotency-key", key)
            .json(&body);
        async move { req.send().await.unwrap() }
    };
    let first = send(body.clone(), "k-1").await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let saved: serde_json::Value = first.json().await.unwrap();
    assert_eq!(saved["id"], id.as_str());
    assert_eq!(saved["already_recorded"], false);
    let retry = send(body.clone(), "k-1").await;
    assert_eq!(retry.status(), StatusCode::CREATED);
    assert_eq!(retry.headers()["idempotent-replay"], "true");
    // The same key with another body is refused, and so is a non-v7 id.
    let other = send(json!({"channel": "visit", "topics": ["law"]}), "k-1").await;
    assert_eq!(other.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v4 = send(
        json!({"id": "123e4567-e89b-42d3-a456-426614174000".to_string(), "channel": "visit", "topics": ["law"]}),
        "k-2",
    )
    .await;
    assert_eq!(v4.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // A client that lost the answer and retries with a new key but the same record id
    // still records once.
    let same_id = send(body, "k-3").await;
    assert_eq!(same_id.status(), StatusCode::CREATED);
    let again: serde_json::Value = same_id.json().await.unwrap();
    assert_eq!(again["already_recorded"], true);
    assert_eq!(contacts(&app).await, 1);
    // The follow-up is on the member's list.
    let mine: serde_json::Value = c
        .json(Method::GET, "/api/v1/my/households", None)
        .await
        .json()
        .await
        .unwrap();
    let row = mine
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["household_id"] == household.as_str())
        .unwrap();
    assert_eq!(
        row["follow_up_on"],
        iso(today() + Duration::days(7)).as_str()
    );
    assert_eq!(row["urgency"], "recent");
}

both!(
    the_list_puts_what_is_due_first,
    the_list_puts_what_is_due_first
);
async fn the_list_puts_what_is_due_first(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login(MEMBER).await;
    let mine = assigned(&app).await;
    assert!(
        mine.len() >= 3,
        "the demo member looks after several households"
    );
    let path = |h: &str| format!("/api/v1/households/{h}/contacts");
    // The first: contacted today, nothing due. The second: contacted last week with a
    // follow-up due today. The rest: never contacted.
    let r = c
        .json(
            Method::POST,
            &path(&mine[0].0),
            Some(json!({"channel": "visit", "topics": ["law"]})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = c
        .json(
            Method::POST,
            &path(&mine[1].0),
            Some(json!({"channel": "visit", "topics": ["law"], "contacted_on": iso(today() - Duration::days(7)), "follow_up_on": iso(today())})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let list: serde_json::Value = c
        .json(Method::GET, "/api/v1/my/households", None)
        .await
        .json()
        .await
        .unwrap();
    let order: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["urgency"].as_str().unwrap())
        .collect();
    assert_eq!(order[0], "follow_up_due", "{list}");
    assert_eq!(list[0]["household_id"], mine[1].0.as_str());
    assert_eq!(*order.last().unwrap(), "recent", "{list}");
    assert!(
        order[1..order.len() - 1]
            .iter()
            .all(|u| *u == "never_contacted"),
        "{order:?}"
    );
    // The page says so too, the due household first.
    let page = c.get_text("/my-households").await;
    let (first, second) = (
        page.find(&mine[1].1).unwrap(),
        page.find(&mine[0].1).unwrap(),
    );
    assert!(
        first < second && page.contains("Đến hẹn theo dõi"),
        "{page}"
    );
}

both!(counters_equal_a_recount, counters_equal_a_recount);
async fn counters_equal_a_recount(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login(MEMBER).await;
    let mine = assigned(&app).await;
    // Several households, same-day repeats, late logs across a month and quarter edge.
    let days = [0i64, 0, 3, 40, 91, 1, 40, 75];
    for (i, back) in days.iter().enumerate() {
        let h = &mine[i % 3].0;
        let res = c
            .json(
                Method::POST,
                &format!("/api/v1/households/{h}/contacts"),
                Some(json!({"channel": "phone", "topics": ["funds_movements"], "contacted_on": iso(today() - Duration::days(*back))})),
            )
            .await;
        assert_eq!(
            res.status(),
            StatusCode::CREATED,
            "{}",
            res.text().await.unwrap()
        );
    }
    // The recount, from the raw contacts alone.
    let raw = app
        .rows(
            "SELECT village_id, household_id, member_id, contacted_on, commune_id FROM contacts",
            &[],
        )
        .await;
    assert_eq!(raw.len(), days.len());
    let mut contacts_by: BTreeMap<(String, String), i64> = BTreeMap::new();
    let mut reach_by: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    let mut last: BTreeMap<String, (String, i64)> = BTreeMap::new();
    let mut member_last: BTreeMap<String, (String, i64)> = BTreeMap::new();
    let mut units_of: BTreeMap<String, [String; 2]> = BTreeMap::new();
    for r in &raw {
        let v = texts(r);
        let (village, household, member, on) = (&v[0], &v[1], &v[2], &v[3]);
        units_of.insert(household.clone(), [village.clone(), v[4].clone()]);
        let (y, m) = (&on[..4], on[5..7].parse::<u32>().unwrap());
        for period in [
            format!("D{on}"),
            format!("M{}", &on[..7]),
            format!("Q{y}-{}", (m - 1) / 3 + 1),
            format!("H{y}-{}", (m - 1) / 6 + 1),
            format!("Y{y}"),
        ] {
            *contacts_by
                .entry((village.clone(), period.clone()))
                .or_default() += 1;
            reach_by
                .entry((village.clone(), period))
                .or_default()
                .insert(household.clone());
        }
        for (map, key) in [(&mut last, household), (&mut member_last, member)] {
            let e = map.entry(key.clone()).or_insert((on.clone(), 0));
            e.0 = e.0.clone().max(on.clone());
            e.1 += 1;
        }
    }
    let stored = app
        .rows(
            "SELECT village_id, period, contacts, households FROM contact_counts",
            &[],
        )
        .await;
    assert_eq!(stored.len(), contacts_by.len());
    for r in &stored {
        let v = texts(r);
        let key = (v[0].clone(), v[1].clone());
        assert_eq!(
            v[2].parse::<i64>().unwrap(),
            contacts_by[&key],
            "contacts {key:?}"
        );
        assert_eq!(
            v[3].parse::<usize>().unwrap(),
            reach_by[&key].len(),
            "reach {key:?}"
        );
    }
    // Recency: each household counted once, on its latest day, for its village and commune.
    let mut recency: BTreeMap<(String, String), i64> = BTreeMap::new();
    for (household, (day, _)) in &last {
        for unit in &units_of[household] {
            *recency.entry((unit.clone(), day.clone())).or_default() += 1;
        }
    }
    let stored: BTreeMap<(String, String), i64> = app
        .rows("SELECT unit_id, day, households FROM contact_recency", &[])
        .await
        .iter()
        .map(|r| {
            let v = texts(r);
            ((v[0].clone(), v[1].clone()), v[2].parse().unwrap())
        })
        .collect();
    assert_eq!(stored, recency);
    for (table, id_col, expected) in [
        ("household_contact_state", "household_id", &last),
        ("member_contact_state", "member_id", &member_last),
    ] {
        let rows = app
            .rows(
                &format!("SELECT {id_col}, last_contact_on, contacts FROM {table}"),
                &[],
            )
            .await;
        assert_eq!(rows.len(), expected.len(), "{table}");
        for r in &rows {
            let v = texts(r);
            assert_eq!(
                (v[1].clone(), v[2].parse::<i64>().unwrap()),
                expected[&v[0]],
                "{table} {}",
                v[0]
            );
        }
    }
}

both!(the_province_keeps_its_topics, the_province_keeps_its_topics);
async fn the_province_keeps_its_topics(b: Backend) {
    let app = common::spawn(b).await;
    let member = app.login(MEMBER).await;
    let household = assigned(&app).await[0].0.clone();
    // A contact on a topic the province will retire.
    let res = log(
        &member,
        &household,
        &[("channel", "visit"), ("topics", "land_clearance")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        member.get("/contacts/topics").await.status(),
        StatusCode::FORBIDDEN
    );

    let board = app.login("bdv.hungyen").await;
    let page = board.get_text("/contacts/topics").await;
    assert!(page.contains("Giải phóng mặt bằng các dự án"), "{page}");
    let province = {
        let i = page.find("name=\"province\" value=\"").unwrap() + 23;
        page[i..i + page[i..].find('"').unwrap()].to_owned()
    };
    let mut fields: Vec<(&str, &str)> = vec![("province", province.as_str())];
    let renamed = "Chính sách, pháp luật mới";
    for (code, vi) in [
        ("law", renamed),
        ("land_clearance", "Giải phóng mặt bằng các dự án"),
        ("household_concerns", "Tâm tư, nguyện vọng của hộ"),
    ] {
        fields.push(("code", code));
        fields.push(("label", vi));
    }
    fields.extend([
        ("retire", "land_clearance"),
        ("code", ""),
        ("label", "Chuyển đổi số"),
    ]);
    let res = board.post_form("/contacts/topics", &fields).await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );

    let form = member
        .get_text(&format!("/households/{household}/contacts/new"))
        .await;
    assert!(
        form.contains(renamed) && form.contains("Chuyển đổi số"),
        "{form}"
    );
    assert!(
        !form.contains("value=\"land_clearance\""),
        "a retired topic is not offered: {form}"
    );
    assert!(
        !form.contains("value=\"market\""),
        "a dropped topic is not offered: {form}"
    );
    // The contact logged before keeps its words.
    let card = member.get_text(&format!("/households/{household}")).await;
    assert!(card.contains("Giải phóng mặt bằng các dự án"), "{card}");
    // A retired topic cannot be logged any more.
    let res = log(
        &member,
        &household,
        &[("channel", "visit"), ("topics", "land_clearance")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // An empty list is refused.
    let res = board
        .post_form(
            "/contacts/topics",
            &[
                ("province", province.as_str()),
                ("code", "law"),
                ("label", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

/// The card's history stays an index walk in order however many contacts a household
/// gathers in one day: before the id was in the index, a household with hundreds of
/// contacts on one date had them all read and sorted on every view of its card.
/// SQLite only: its plan is fixed by the schema, PostgreSQL's depends on table statistics.
#[tokio::test]
async fn the_card_history_reads_in_index_order() {
    let app = common::spawn(Backend::Sqlite).await;
    let plan: Vec<String> = app
        .rows(
            &format!(
                "EXPLAIN QUERY PLAN {}",
                danvan::contacts::store::HISTORY_SQL
            ),
            &["h".into(), 20.into()],
        )
        .await
        .iter()
        .flat_map(texts)
        .collect();
    let plan = plan.join(" | ");
    assert!(plan.contains("contacts_household"), "{plan}");
    assert!(!plan.contains("TEMP B-TREE"), "{plan}");
}
