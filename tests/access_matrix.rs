//! The access matrix: every route × every role × in-scope and out-of-scope data.
//! 0 unauthorised reads or writes. A route the application serves that has no case here
//! fails the test, so a new route cannot ship without its access rules.

use std::collections::HashMap;

use crate::common::{self, Backend, Client, TestApp};
use danvan::db::Value;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[derive(Clone, Copy, PartialEq, Debug)]
enum Which {
    In,
    Out,
}

/// The demo users, one per role, and the anonymous visitor.
const ROLES: &[(&str, &str)] = &[
    ("anonymous", ""),
    ("member", "dv.bangngang"),
    ("cell_secretary", "bt.bangngang"),
    ("commune_committee", "xa.luongbang"),
    ("agency_handler", "ubnd.luongbang"),
    ("supervisor", "bdv.hungyen"),
    ("front_reviewer", "mttq.luongbang"),
    ("auditor", "kiemtra.hungyen"),
    ("admin", "admin"),
];

/// Names that exist only in the out-of-scope commune (Phường Ba Đình, Hà Nội): no response
/// to any of these users may ever contain them.
const OUT_HOUSEHOLD: &str = "Ngoài Phạm Vi Hộ";
const OUT_MEMBER: &str = "Ngoài Phạm Vi Đảng Viên";
const OUT_COMMUNE: &str = "c-00004";

struct Fixture {
    in_village: String,
    out_village: String,
    in_household: String,
    out_household: String,
    in_member: String,
    out_member: String,
    in_head: String,
    user_ids: HashMap<String, String>,
    // assignment (issue 4): approved plans in and out of scope, and the household the
    // member user looks after (the member's whole registry scope).
    in_plan: String,
    out_plan: String,
    member_household: String,
    member_head: String,
    // campaigns (issue 8): a campaign of the pilot commune and one of the out-of-scope
    // commune (each with a PDF), and a household of the member's that no other route
    // changes the status of.
    in_campaign: String,
    out_campaign: String,
    campaign_household: String,
    // events and funding (issue 10): an event of a pilot village and one of the
    // out-of-scope commune's village; a ledger entry of each commune.
    in_event: String,
    out_event: String,
    in_entry: String,
    out_entry: String,
    // petitions (issue 9): an agency of each commune, and a petition of each assigned to
    // it (the in-scope one on the member's household, with a photo and an attachment).
    in_agency: String,
    out_agency: String,
    in_petition: String,
    out_petition: String,
    // evaluation (issue 10): an open evaluation of each commune.
    in_evaluation: String,
    out_evaluation: String,
    // reports (issue 10): drafts of the pilot commune, of its province (the board writes
    // it) and of the out-of-scope commune, for this quarter and the one before (the API's
    // workflow route takes its steps on the earlier ones, the pages' on these).
    reports: Reports,
}

struct Reports {
    commune: [String; 2],
    province: [String; 2],
    out: [String; 2],
    out_province: String,
}

// reports (issue 10)
/// The draft of `unit`'s report for `period`, opened as its own office would.
async fn report_of(app: &TestApp, unit: &str, period: &str) -> String {
    let (unit, period) = (unit.to_owned(), period.to_owned());
    app.db
        .write(move |tx| {
            Box::pin(async move {
                let u = danvan::units::store::get(tx, &unit).await?;
                let role = if u.kind == "province" {
                    danvan::auth::Role::Supervisor
                } else {
                    danvan::auth::Role::CommuneCommittee
                };
                let scope = danvan::auth::Scope::unsafe_system_at("test", role, &u);
                danvan::reports::store::open(tx, &scope, &unit, &period).await
            })
        })
        .await
        .unwrap()
}

fn this_quarter() -> danvan::reports::period::Period {
    use danvan::reports::period::{CutOff, Kind, Period};
    Period::containing(
        danvan::clock::vietnam_today(),
        Kind::Quarter,
        CutOff::CALENDAR,
    )
}

async fn reports_fixture(app: &TestApp) -> Reports {
    let now = this_quarter();
    let periods = [now.key(), now.previous().key()];
    let out_province = app
        .one_str(
            "SELECT parent_id FROM units WHERE id = ?",
            &[OUT_COMMUNE.into()],
        )
        .await;
    let mut r = Reports {
        commune: Default::default(),
        province: Default::default(),
        out: Default::default(),
        out_province,
    };
    for (i, p) in periods.iter().enumerate() {
        r.commune[i] = report_of(app, "c-12280", p).await;
        r.province[i] = report_of(app, "p-33", p).await;
        r.out[i] = report_of(app, OUT_COMMUNE, p).await;
    }
    r
}

// evaluation (issue 10)
/// An evaluation of `commune` for `period`, opened as its committee would; approved too
/// when `approved`.
async fn evaluation_of(app: &TestApp, commune: &str, period: &str, approved: bool) -> String {
    let (commune, period) = (commune.to_owned(), period.to_owned());
    app.db
        .write(move |tx| {
            Box::pin(async move {
                let unit = danvan::units::store::get(tx, &commune).await?;
                let scope = danvan::auth::Scope::unsafe_system_at(
                    "test",
                    danvan::auth::Role::CommuneCommittee,
                    &unit,
                );
                let today = danvan::evaluation::pages::today();
                let id =
                    danvan::evaluation::store::open(tx, &scope, &unit.id, &period, today).await?;
                if approved {
                    danvan::evaluation::store::approve(tx, &scope, &id).await?;
                }
                Ok(id)
            })
        })
        .await
        .unwrap()
}

/// A period no other request of the run opens: the next year, half or quarter of the
/// last century (periods that have begun).
fn matrix_period() -> String {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let year = 1900 + (n / 7) % 120;
    match n % 7 {
        0 => year.to_string(),
        k @ 1..=2 => format!("{year}-H{k}"),
        k => format!("{year}-Q{}", k - 2),
    }
}

// events and funding (issue 10)
/// An event held by `village`, recorded as its commune's committee would.
async fn event_of(app: &TestApp, village: &str) -> String {
    let village = village.to_owned();
    app.db
        .write(move |tx| {
            Box::pin(async move {
                let v = danvan::units::store::get(tx, &village).await?;
                let commune =
                    danvan::units::store::get(tx, v.commune_id.as_deref().unwrap_or("")).await?;
                let scope = danvan::auth::Scope::unsafe_system_at(
                    "test",
                    danvan::auth::Role::CommuneCommittee,
                    &commune,
                );
                let draft = danvan::events::model::check(
                    &danvan::events::model::EventInput {
                        unit_id: v.id.clone(),
                        kind: "cell_meeting".into(),
                        held_on: "01/01/2025".into(),
                        place: "Nhà văn hóa".into(),
                        chair: "Bí thư".into(),
                        content: "Sinh hoạt ma trận".into(),
                        households: "10".into(),
                        ..Default::default()
                    },
                    danvan::events::pages::today(),
                )?;
                danvan::events::store::create(tx, &scope, &draft)
                    .await
                    .map(|s| s.id)
            })
        })
        .await
        .unwrap()
}

/// A receipt in `commune`'s ledger, recorded as its committee would.
async fn receipt_of(app: &TestApp, commune: &str) -> String {
    let commune = commune.to_owned();
    app.db
        .write(move |tx| {
            Box::pin(async move {
                let unit = danvan::units::store::get(tx, &commune).await?;
                let scope = danvan::auth::Scope::unsafe_system_at(
                    "test",
                    danvan::auth::Role::CommuneCommittee,
                    &unit,
                );
                let draft = danvan::funding::model::check(
                    &danvan::funding::model::EntryInput {
                        direction: "receipt".into(),
                        entry_on: "01/01/2025".into(),
                        source: "commune".into(),
                        amount: "1.000.000".into(),
                        description: "Thu ma trận".into(),
                        ..Default::default()
                    },
                    danvan::funding::pages::today(),
                )?;
                danvan::funding::store::record(tx, &scope, &unit.id, &draft)
                    .await
                    .map(|r| r.id)
            })
        })
        .await
        .unwrap()
}

// petitions (issue 9)
/// An agency of `commune`, as its committee would add one.
async fn agency_of(app: &TestApp, commune: &str, name: &str) -> String {
    let id = danvan::clock::new_id();
    app.exec(
        "INSERT INTO agencies (commune_id, id, name, kind, active, created_at) VALUES (?, ?, ?, 'office', 1, ?)",
        &[commune.into(), id.clone().into(), name.into(), danvan::clock::now().into()],
    )
    .await;
    id
}

/// A petition of `household` standing at `status` (with its answer level and agency),
/// written directly: the matrix needs one in the right place for each role's step.
async fn petition_at(
    app: &TestApp,
    household: &str,
    status: &str,
    level: Option<&str>,
    agency: Option<&str>,
) -> String {
    let r = &app
        .rows(
            "SELECT commune_id, village_id FROM households WHERE id = ?",
            &[household.into()],
        )
        .await[0];
    let (commune, village) = (r.str("commune_id").unwrap(), r.str("village_id").unwrap());
    let id = danvan::clock::new_id();
    let now = danvan::clock::now();
    let today = danvan::contacts::model::day_text(danvan::clock::vietnam_today());
    app.exec(
        "INSERT INTO petitions (commune_id, id, group_id, village_id, household_id, category, body, named, source, status, \
         answer_level, agency_id, returned, stage_since, due_on, received_on, steps, created_by, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, 'other', 'Kiến nghị ma trận', 0, 'member', ?, ?, ?, 0, ?, ?, ?, 0, 'system', ?, ?)",
        &[
            commune.into(),
            id.clone().into(),
            id.clone().into(),
            village.into(),
            household.into(),
            status.into(),
            level.into(),
            agency.into(),
            today.clone().into(),
            today.clone().into(),
            today.into(),
            now.clone().into(),
            now.into(),
        ],
    )
    .await;
    id
}

// campaigns (issue 8)
/// A campaign of `commune` made as its committee would, with a PDF.
async fn campaign_of(app: &TestApp, commune: &str) -> String {
    let commune = commune.to_owned();
    app.db
        .write(move |tx| {
            Box::pin(async move {
                let unit = danvan::units::store::get(tx, &commune).await?;
                let scope = danvan::auth::Scope::unsafe_system_at(
                    "test",
                    danvan::auth::Role::CommuneCommittee,
                    &unit,
                );
                let today = danvan::campaigns::store::today();
                let draft = danvan::campaigns::model::CampaignForm {
                    unit_id: unit.id.clone(),
                    title: "Đợt ma trận".into(),
                    body: "Nội dung".into(),
                    topic: "law".into(),
                    starts_on: danvan::campaigns::model::vn(today - time::Duration::days(2)),
                    ends_on: danvan::campaigns::model::vn(today + time::Duration::days(2)),
                    ..Default::default()
                }
                .validate()
                .map_err(danvan::error::AppError::Validation)?;
                danvan::campaigns::store::create(
                    tx,
                    &scope,
                    &draft,
                    Some(("a.pdf".into(), b"%PDF-1.4 matrix".to_vec())),
                )
                .await
            })
        })
        .await
        .unwrap()
}

async fn fixture(app: &TestApp) -> Fixture {
    let in_village = app.village_id("Bằng Ngang").await;
    let in_household = app
        .one_str(
            "SELECT id FROM households WHERE village_id = ? ORDER BY code LIMIT 1",
            &[in_village.clone().into()],
        )
        .await;
    let in_head = app
        .one_str(
            "SELECT head_name FROM households WHERE id = ?",
            &[in_household.clone().into()],
        )
        .await;
    let in_member = app
        .one_str(
            "SELECT id FROM members WHERE village_id = ? ORDER BY id LIMIT 1",
            &[in_village.clone().into()],
        )
        .await;
    let (out_village, out_household, out_member) = app
        .db
        .write(|tx| {
            Box::pin(async move {
    let path = tx
        .fetch_one("SELECT path FROM units WHERE id = ?", &[OUT_COMMUNE.into()])
        .await
        .unwrap()
        .str("path")
        .unwrap();
    let (out_village, cell) =
        danvan::demo::create_village_with_cell(tx, OUT_COMMUNE, &path, "Tổ dân phố Ngoài")
            .await
            .unwrap();
    let mut r = danvan::demo::synth::Rng::new(7);
    let spec = danvan::demo::VillageSpec {
        commune_id: OUT_COMMUNE,
        village_id: &out_village,
        cell_id: &cell,
        households: 3,
        centre: (21.03, 105.83),
        code_prefix: "NG",
    };
    let system = danvan::auth::Scope::unsafe_system("test");
    danvan::demo::populate_village(tx, &system, &mut r, &spec)
        .await
        .unwrap();
    let now = danvan::clock::now();
    let out_household = danvan::clock::new_id();
    tx.execute(
        "INSERT INTO households (id, commune_id, village_id, code, head_family, head_middle, head_given, head_name, name_folded, status, created_at, updated_at) \
         VALUES (?, ?, ?, 'NG-X', 'Ngoài', 'Phạm Vi', 'Hộ', ?, ?, 'active', ?, ?)",
        &[out_household.clone().into(), OUT_COMMUNE.into(), out_village.clone().into(), OUT_HOUSEHOLD.into(), danvan::text::fold(OUT_HOUSEHOLD).into(), now.clone().into(), now.clone().into()],
    )
    .await
    .unwrap();
    let out_member = danvan::clock::new_id();
    tx.execute(
        "INSERT INTO members (id, commune_id, village_id, cell_id, family_name, middle_name, given_name, full_name, name_folded, status, created_at, updated_at) \
         VALUES (?, ?, ?, ?, 'Ngoài', 'Phạm Vi Đảng', 'Viên', ?, ?, 'active', ?, ?)",
        &[out_member.clone().into(), OUT_COMMUNE.into(), out_village.clone().into(), cell.into(), OUT_MEMBER.into(), danvan::text::fold(OUT_MEMBER).into(), now.clone().into(), now.into()],
    )
    .await
    .unwrap();
    // Out-of-scope audit entries, which no auditor of Hưng Yên may see.
    danvan::audit::did_as(
        tx,
        &danvan::audit::Actor::named("system"),
        danvan::audit::Action::Read,
        danvan::audit::Entity::Household,
        &out_household,
        Some(OUT_COMMUNE),
        json!({}),
    );
    // assignment (issue 4): the out-of-scope village gets an approved plan too.
    danvan::assignment::store::seed_approved(tx, &system, std::slice::from_ref(&out_village))
        .await
        .unwrap();
    Ok((out_village, out_household, out_member))
            })
        })
        .await
        .unwrap();
    let mut user_ids = HashMap::new();
    for (role, username) in ROLES.iter().skip(1) {
        user_ids.insert(
            role.to_string(),
            app.one_str(
                "SELECT id FROM users WHERE username = ?",
                &[(*username).into()],
            )
            .await,
        );
    }
    // assignment (issue 4)
    let member_household = app
        .one_str(
            "SELECT p.household_id FROM assignment_pairs p JOIN assignment_plans a ON a.id = p.plan_id \
             JOIN users u ON u.member_id = p.member_id WHERE u.username = 'dv.bangngang' AND a.status = 'approved' \
             ORDER BY p.household_id LIMIT 1",
            &[],
        )
        .await;
    let in_plan = app
        .one_str(
            "SELECT id FROM assignment_plans WHERE village_id = ? AND status = 'approved'",
            &[in_village.clone().into()],
        )
        .await;
    let out_plan = app
        .one_str(
            "SELECT id FROM assignment_plans WHERE village_id = ? AND status = 'approved'",
            &[out_village.clone().into()],
        )
        .await;
    // campaigns (issue 8)
    let campaign_household = app
        .one_str(
            "SELECT p.household_id FROM assignment_pairs p JOIN assignment_plans a ON a.id = p.plan_id \
             JOIN users u ON u.member_id = p.member_id WHERE u.username = 'dv.bangngang' AND a.status = 'approved' \
             AND p.household_id <> ? ORDER BY p.household_id DESC LIMIT 1",
            &[in_household.clone().into()],
        )
        .await;
    let in_campaign = campaign_of(app, "c-12280").await;
    let out_campaign = campaign_of(app, OUT_COMMUNE).await;
    // events and funding (issue 10)
    let in_event = event_of(app, &in_village).await;
    let out_event = event_of(app, &out_village).await;
    let in_entry = receipt_of(app, "c-12280").await;
    let out_entry = receipt_of(app, OUT_COMMUNE).await;
    // petitions (issue 9)
    let in_agency = app
        .one_str(
            "SELECT agency_id FROM agency_handlers h JOIN users u ON u.id = h.user_id WHERE u.username = 'ubnd.luongbang'",
            &[],
        )
        .await;
    let out_agency = agency_of(app, OUT_COMMUNE, "UBND phường ngoài").await;
    let in_petition = petition_at(app, &member_household, "assigned", None, Some(&in_agency)).await;
    for kind in ["photo", "answer"] {
        app.exec(
            "INSERT INTO petition_files (commune_id, petition_id, kind, mime, name, size, content) VALUES ('c-12280', ?, ?, 'image/jpeg', 'a.jpg', 3, 'AAAA')",
            &[in_petition.clone().into(), kind.into()],
        )
        .await;
    }
    let out_petition = petition_at(app, &out_household, "assigned", None, Some(&out_agency)).await;
    // evaluation (issue 10)
    let in_evaluation = evaluation_of(app, "c-12280", "2025", false).await;
    let out_evaluation = evaluation_of(app, OUT_COMMUNE, "2025", false).await;
    let reports = reports_fixture(app).await;
    Fixture {
        reports,
        in_evaluation,
        out_evaluation,
        in_event,
        out_event,
        in_entry,
        out_entry,
        in_agency,
        out_agency,
        in_petition,
        out_petition,
        in_campaign,
        out_campaign,
        campaign_household,
        in_village,
        out_village,
        in_household,
        out_household,
        in_member,
        out_member,
        in_head,
        // assignment (issue 4)
        in_plan,
        out_plan,
        member_household: member_household.clone(),
        member_head: app
            .one_str(
                "SELECT head_name FROM households WHERE id = ?",
                &[member_household.into()],
            )
            .await,
        user_ids,
    }
}

/// A request to make: path, and a form or JSON body.
struct Req {
    path: String,
    form: Option<Vec<(String, String)>>,
    json: Option<serde_json::Value>,
    /// imports and exports (issue 3): a file upload.
    multipart: Option<Upload>,
}

/// imports and exports (issue 3): text fields and the file's bytes of a multipart form.
type Upload = (Vec<(String, String)>, Vec<u8>);

fn get(path: String) -> Req {
    Req {
        path,
        form: None,
        json: None,
        multipart: None,
    }
}
fn form(path: String, fields: &[(&str, &str)]) -> Req {
    Req {
        path,
        form: Some(
            fields
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        ),
        json: None,
        multipart: None,
    }
}
fn json_req(path: String, body: serde_json::Value) -> Req {
    Req {
        path,
        form: None,
        json: Some(body),
        multipart: None,
    }
}

// imports and exports (issue 3)
fn upload(path: String, fields: &[(&str, &str)], file: Vec<u8>) -> Req {
    Req {
        path,
        form: None,
        json: None,
        multipart: Some((
            fields
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            file,
        )),
    }
}

/// multipart/form-data by hand (reqwest's multipart feature is not enabled).
fn multipart_body(fields: &[(String, String)], file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "danvan-matrix-boundary-7f3a";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"ds.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// An import batch kept for `user_id`, as the upload page leaves it.
async fn import_batch(app: &TestApp, user_id: &str, unit_id: &str) -> String {
    use base64::Engine as _;
    let bytes = std::fs::read(format!(
        "{}/tests/fixtures/template_households.xlsx",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let id = danvan::clock::new_id();
    app.exec(
        "INSERT INTO import_batches (id, user_id, kind, unit_id, file_name, sha256, size, content, created_at, expires_at) \
         VALUES (?, ?, 'households', ?, 'ds.xlsx', '', ?, ?, ?, '9999-12-31T00:00:00Z')",
        &[
            id.clone().into(),
            user_id.into(),
            unit_id.into(),
            (bytes.len() as i64).into(),
            base64::engine::general_purpose::STANDARD.encode(&bytes).into(),
            danvan::clock::now().into(),
        ],
    )
    .await;
    id
}

// assignment (issue 4)
/// A new plan of `village` in `status`, copied from its approved plan (fast: no solving).
async fn fresh_plan(app: &TestApp, village: &str, status: &str) -> String {
    let approved = app
        .one_str(
            "SELECT id FROM assignment_plans WHERE village_id = ? AND status = 'approved'",
            &[village.into()],
        )
        .await;
    let id = danvan::clock::new_id();
    let now = danvan::clock::now();
    app.exec(
        "INSERT INTO assignment_plans (id, commune_id, village_id, version, status, capacity, drafted_by, drafted_at, updated_at) \
         SELECT ?, commune_id, village_id, (SELECT MAX(version) + 1 FROM assignment_plans WHERE village_id = ?), ?, capacity, 'system', ?, ? \
         FROM assignment_plans WHERE id = ?",
        &[id.clone().into(), village.into(), status.into(), now.clone().into(), now.into(), approved.clone().into()],
    )
    .await;
    app.exec(
        "INSERT INTO assignment_pairs (plan_id, commune_id, household_id, member_id, reason, distance_m, locked) \
         SELECT ?, commune_id, household_id, member_id, reason, distance_m, locked FROM assignment_pairs WHERE plan_id = ?",
        &[id.clone().into(), approved.into()],
    )
    .await;
    id
}

const KEEPERS: &[&str] = &["cell_secretary", "commune_committee"];
const STAFF: &[&str] = &[
    "member",
    "cell_secretary",
    "commune_committee",
    "agency_handler",
    "supervisor",
    "front_reviewer",
    "auditor",
    "admin",
];

/// Who may do it on in-scope data is the route's own rule (`RouteSpec::access`); the test
/// knows, per route, which of those roles may also act on out-of-scope data (routes whose
/// answer does not depend on whose data it is, such as lists that filter by scope).
struct Rule {
    out_scope: &'static [&'static str],
}

/// The route's own rule for a role (the demo user of that role).
fn admitted(spec: &danvan::app::RouteSpec, role: &str) -> bool {
    use danvan::app::Access;
    match spec.access {
        Access::Public => true,
        Access::SignedIn => role != "anonymous",
        Access::Roles(roles) => roles.iter().any(|r| r.code() == role),
    }
}

/// Data minimisation (DESIGN.md §3): routes that show or change people's records admit
/// nobody but their keepers and the member assigned to a household.
#[test]
fn personal_routes_admit_only_keepers_and_members() {
    let personal = [
        "/households",
        "/members",
        "/cells",
        "/api/v1/households",
        "/api/v1/members",
        "/api/v1/cells",
        "/imports",
        "/exports",
        "/assignment",
        // member accounts (issue 8)
        "/accounts",
        // contacts (issue 8)
        "/my-households",
        "/api/v1/my/",
        // commitments (issue 8): the names and the lines; the summary is counts only
        "/commitments/forms",
        "/commitments/items",
        "/api/v1/commitments",
        // events (issue 10): attendance names Party members
        "/events",
        "/api/v1/events",
        // evaluation (issue 10): a village's members by name
        "/evaluations/{id}/villages",
    ];
    for spec in danvan::app::route_specs() {
        if !personal.iter().any(|p| spec.path.starts_with(p)) {
            continue;
        }
        for role in [
            "anonymous",
            "agency_handler",
            "supervisor",
            "front_reviewer",
            "auditor",
            "admin",
        ] {
            assert!(
                !admitted(&spec, role),
                "{} {} admits {role}",
                spec.method,
                spec.path
            );
        }
    }
}

const PUBLIC: Rule = Rule {
    out_scope: &[
        "anonymous",
        "member",
        "cell_secretary",
        "commune_committee",
        "agency_handler",
        "supervisor",
        "front_reviewer",
        "auditor",
        "admin",
    ],
};
const SIGNED_IN: Rule = Rule { out_scope: STAFF };
const REGISTRY: Rule = Rule { out_scope: &[] };
/// Lists and blank forms: the request is allowed, the out-of-scope records never appear.
const REGISTRY_LIST: Rule = Rule { out_scope: KEEPERS };
const UNITS_READ: Rule = Rule { out_scope: STAFF };
const ADD_VILLAGE: Rule = Rule {
    out_scope: &["admin"],
};
const AUDITORS: Rule = Rule {
    out_scope: &["auditor"],
};
const ADMINS: Rule = Rule {
    out_scope: &["admin"],
};
// assignment (issue 4)
/// Overview: keepers see their own villages only.
const ASSIGN_LIST: Rule = Rule { out_scope: KEEPERS };
/// "Hộ tôi phụ trách": the member's own pairs.
const MEMBER_ONLY: Rule = Rule {
    out_scope: &["member"],
};
/// Approve or return: the commune committee only; a secretary cannot approve.
const ASSIGN_DECIDE: Rule = Rule { out_scope: &[] };
/// A household's page: keepers, and the member it is assigned to.
const HOUSEHOLD_PAGE: Rule = Rule { out_scope: &[] };
const OWN_TOKEN: Rule = Rule { out_scope: &[] };
// member accounts (issue 8)
/// One's own password: "out" is a wrong current password, which changes nothing.
const OWN_PASSWORD: Rule = Rule { out_scope: &[] };
// contacts (issue 8)
/// Logging a contact, and a household's contacts: only for a household in scope (for a
/// member, one assigned to them).
const CONTACTS: Rule = Rule { out_scope: &[] };
/// The province's topics: its board, or the administrator anywhere.
const PROVINCE_LISTS: Rule = Rule {
    out_scope: &["admin"],
};

// campaigns (issue 8)
/// Lists filter by the reader's area: the request is allowed, other areas never appear.
const CAMPAIGN_LIST: Rule = Rule {
    out_scope: &[
        "member",
        "cell_secretary",
        "commune_committee",
        "supervisor",
        "front_reviewer",
        "admin",
    ],
};
/// The blank form offers the creator's own units only.
const CAMPAIGN_FORM: Rule = Rule {
    out_scope: &["commune_committee", "supervisor", "admin"],
};
/// A campaign of another area (or made for one) is out of reach, but for the administrator.
const CAMPAIGN_ONE: Rule = Rule {
    out_scope: &["admin"],
};
/// Deliveries: the member's own households, the keepers' villages; nobody else's.
const CAMPAIGN_DELIVERY: Rule = Rule { out_scope: &[] };

// petitions (issue 9)
/// Each role's inbox filters by its seats: the request is allowed, others' never appear.
const PETITION_INBOX: Rule = Rule {
    out_scope: &[
        "member",
        "cell_secretary",
        "commune_committee",
        "agency_handler",
        "supervisor",
        "front_reviewer",
    ],
};
/// The meeting form offers the secretary's own villages only.
const PETITION_MEETING_FORM: Rule = Rule {
    out_scope: &["cell_secretary"],
};
/// One petition, a step, a file: only from a seat at it (another commune's, or another
/// agency's, answers as missing).
const PETITION_ONE: Rule = Rule { out_scope: &[] };
/// The dashboard of a unit in the viewer's scope; another commune's is "not found", but
/// for the administrator, whose grant is the country.
const PETITION_DASHBOARD: Rule = Rule {
    out_scope: &["admin"],
};
/// The holiday table is the deployment's: the administrator's anywhere.
const PETITION_HOLIDAYS: Rule = Rule {
    out_scope: &["admin"],
};

// evaluation (issue 10)
/// The list filters by the reader's area: the request is allowed, other communes' never
/// appear.
const EVALUATION_LIST: Rule = Rule {
    out_scope: &[
        "cell_secretary",
        "commune_committee",
        "supervisor",
        "front_reviewer",
    ],
};

/// The case for one route: its rule and how to build its request. Returns `None` for a
/// route this test does not know — which fails the test.
fn case(method: &Method, path: &str) -> Option<Rule> {
    Some(match (method.as_str(), path) {
        ("GET", "/healthz" | "/readyz" | "/static/app.css" | "/login" | "/api/v1/openapi.json") => {
            PUBLIC
        }
        ("POST", "/login" | "/lang") => PUBLIC,
        ("POST", "/logout") => SIGNED_IN,
        ("GET", "/" | "/account/tokens" | "/api/v1/me") => SIGNED_IN,
        ("POST", "/account/tokens") => SIGNED_IN,
        ("POST", "/account/tokens/{id}/revoke") => OWN_TOKEN,
        // member accounts (issue 8): keepers make accounts for members of their own
        // villages only; a village or member outside the scope answers as missing.
        ("GET", "/accounts") => REGISTRY,
        // contacts (issue 8)
        ("GET", "/my-households" | "/api/v1/my/households") => MEMBER_ONLY,
        (_, "/households/{id}/contacts/new" | "/households/{id}/contacts") => CONTACTS,
        (_, "/api/v1/households/{id}/contacts") => CONTACTS,
        (_, "/contacts/topics") => PROVINCE_LISTS,
        // coverage (issue 8): a unit in the viewer's scope; another commune is "not found".
        ("GET", "/coverage" | "/coverage.xlsx" | "/api/v1/coverage") => CONTACTS,
        ("POST", "/accounts/members/{id}" | "/accounts/villages/{id}") => REGISTRY,
        // commitments (issue 8): names for the keepers of the village only; the lines
        // are edited by the commune's committee; counts for whoever holds a grant above.
        ("GET", "/commitments" | "/commitments/forms.docx" | "/commitments/items") => REGISTRY,
        ("POST", "/commitments") => REGISTRY,
        ("POST", "/commitments/items" | "/commitments/items/{id}") => REGISTRY,
        ("GET", "/commitments/summary") => REGISTRY,
        ("GET", "/commitments/mine") => MEMBER_ONLY,
        ("GET" | "POST", "/api/v1/commitments") => REGISTRY,
        ("GET" | "PUT", "/api/v1/commitments/items") => REGISTRY,
        ("GET", "/account/password") => SIGNED_IN,
        ("POST", "/account/password") => OWN_PASSWORD,
        ("GET" | "POST", "/admin/users") | ("POST", "/admin/users/{id}/disable") => ADMINS,
        ("GET", "/units" | "/units/{id}" | "/api/v1/units" | "/api/v1/units/{id}") => UNITS_READ,
        ("POST", "/units/{id}/villages" | "/api/v1/units/{id}/villages") => ADD_VILLAGE,
        ("GET", "/audit" | "/api/v1/audit") => AUDITORS,
        ("GET", "/households" | "/households/new" | "/members" | "/members/new" | "/cells") => {
            REGISTRY_LIST
        }
        ("GET", "/api/v1/households" | "/api/v1/members" | "/api/v1/cells") => REGISTRY_LIST,
        // assignment (issue 4)
        ("GET", "/households/{id}") => HOUSEHOLD_PAGE,
        ("GET", "/assignment") => ASSIGN_LIST,
        ("GET", "/assignment/mine") => MEMBER_ONLY,
        ("POST", "/assignment/plans/{id}/approve" | "/assignment/plans/{id}/return") => {
            ASSIGN_DECIDE
        }
        ("POST", "/assignment/communes/{id}/capacity") => ASSIGN_DECIDE,
        (_, p) if p.starts_with("/assignment/") => REGISTRY,
        // imports and exports (issue 3): the page and the templates for registry keepers;
        // uploads, batches and exports only for in-scope units and the user's own batches.
        ("GET", "/imports" | "/imports/template/{file}") => REGISTRY_LIST,
        ("POST", "/imports" | "/imports/{id}/apply") => REGISTRY,
        ("GET", "/imports/{id}" | "/imports/{id}/rejected.xlsx") => REGISTRY,
        ("GET", "/exports/households.xlsx" | "/exports/members.xlsx") => REGISTRY,
        (_, p)
            if p.starts_with("/households")
                || p.starts_with("/members")
                || p.starts_with("/cells") =>
        {
            REGISTRY
        }
        (_, p)
            if p.starts_with("/api/v1/households")
                || p.starts_with("/api/v1/members")
                || p.starts_with("/api/v1/cells") =>
        {
            REGISTRY
        }
        // campaigns (issue 8)
        // petitions (issue 9)
        ("GET", "/petitions" | "/api/v1/petitions") => PETITION_INBOX,
        (
            "GET",
            "/petitions/dashboard" | "/petitions/dashboard.xlsx" | "/api/v1/petitions/dashboard",
        ) => PETITION_DASHBOARD,
        // The commune's public page: anybody, any commune, counts only.
        ("GET", "/cong-khai/{code}/kien-nghi") => PUBLIC,
        ("GET", "/petitions/meeting") => PETITION_MEETING_FORM,
        ("GET" | "POST", "/petitions/holidays") => PETITION_HOLIDAYS,
        ("GET" | "POST", "/petitions/settings") => PROVINCE_LISTS,
        (_, "/households/{id}/petitions/new" | "/households/{id}/petitions")
        | ("POST", "/api/v1/households/{id}/petitions") => CONTACTS,
        (_, p) if p.starts_with("/petitions") || p.starts_with("/api/v1/petitions") => PETITION_ONE,
        ("GET", "/campaigns" | "/api/v1/campaigns") => CAMPAIGN_LIST,
        ("GET", "/campaigns/new") => CAMPAIGN_FORM,
        ("POST", "/campaigns" | "/api/v1/campaigns") => CAMPAIGN_ONE,
        ("GET", "/campaigns/{id}" | "/campaigns/{id}/file" | "/api/v1/campaigns/{id}") => {
            CAMPAIGN_ONE
        }
        ("POST", "/campaigns/{id}/refresh") => CAMPAIGN_ONE,
        (_, "/campaigns/{id}/households/{household_id}/delivery")
        | ("POST", "/api/v1/campaigns/{id}/deliveries") => CAMPAIGN_DELIVERY,
        // events (issue 10): the keepers of the unit that held it; another commune's
        // units and events are "not found".
        ("GET", "/events" | "/events/new" | "/api/v1/events") => REGISTRY,
        ("POST", "/events" | "/api/v1/events") => REGISTRY,
        ("GET", "/events/{id}" | "/events/{id}/edit" | "/api/v1/events/{id}") => REGISTRY,
        ("POST", "/events/{id}") | ("PUT", "/api/v1/events/{id}") => REGISTRY,
        // funding (issue 10): the commune's committee keeps its ledger; the boards read
        // totals of their own area.
        ("GET", "/funding" | "/funding/new" | "/funding.xlsx" | "/api/v1/funding") => REGISTRY,
        ("POST", "/funding" | "/api/v1/funding") => REGISTRY,
        ("GET", "/funding/{id}") => REGISTRY,
        ("POST", "/funding/{id}/reverse" | "/api/v1/funding/{id}/reversal") => REGISTRY,
        ("GET", "/funding/summary") => REGISTRY,
        // evaluation (issue 10): the commune's committee decides; its secretary, the boards
        // above and the Front read as much as their role may; another commune's evaluation
        // is "not found". The rubric is the province's board's (the administrator's anywhere).
        ("GET", "/evaluations") => EVALUATION_LIST,
        ("GET" | "POST", "/evaluations/rubric") => PROVINCE_LISTS,
        ("POST", "/evaluations") => REGISTRY,
        ("GET", "/evaluations/{id}" | "/evaluations/{id}/villages/{village_id}") => REGISTRY,
        ("GET", "/evaluations/{id}/commendations" | "/api/v1/evaluations") => REGISTRY,
        (
            "POST",
            "/evaluations/{id}/adjust" | "/evaluations/{id}/approve" | "/evaluations/{id}/commend",
        ) => REGISTRY,
        // reports (issue 10): a unit's own office and the board above it; any other unit's
        // report, and any other unit, is "not found". The board's list is its province's.
        (_, p) if p.starts_with("/reports") || p.starts_with("/api/v1/reports") => REGISTRY,
        ("GET", "/api/v1/indicators" | "/indicators") => REGISTRY,
        _ => return None,
    })
}

/// Lists are not "in" or "out" by id: the out-of-scope variant asks for the other commune's
/// village explicitly and must get nothing of it.
async fn request(
    app: &TestApp,
    f: &Fixture,
    role: &str,
    method: &Method,
    path: &str,
    which: Which,
    n: usize,
) -> Req {
    let pick = |a: &str, b: &str| {
        if which == Which::In {
            a.to_owned()
        } else {
            b.to_owned()
        }
    };
    let village = pick(&f.in_village, &f.out_village);
    let household = pick(&f.in_household, &f.out_household);
    let member = pick(&f.in_member, &f.out_member);
    let commune = pick("c-12280", OUT_COMMUNE);
    let unique = format!("{role} {n}").replace('_', " ");
    match (method.as_str(), path) {
        ("POST", "/login") => form(
            "/login".into(),
            &[("username", "admin"), ("password", common::PASSWORD)],
        ),
        ("POST", "/lang") => form("/lang".into(), &[("to", "vi")]),
        ("POST", "/logout") => form("/logout".into(), &[]),
        ("POST", "/account/tokens") => form(path.into(), &[("name", "Khóa thử")]),
        ("POST", "/account/tokens/{id}/revoke") => {
            // In: a token of the acting user; out: a token of somebody else.
            let owner = match (which, role) {
                (Which::In, "anonymous") | (Which::Out, _) => {
                    if role == "admin" {
                        f.user_ids["commune_committee"].clone()
                    } else {
                        f.user_ids["admin"].clone()
                    }
                }
                (Which::In, r) => f.user_ids[r].clone(),
            };
            let id = app
                .db
                .write(move |tx| {
                    Box::pin(async move {
                        danvan::auth::store::create_token(tx, &owner, "matrix").await?;
                        tx.fetch_one("SELECT id FROM api_tokens WHERE user_id = ? AND revoked = 0 ORDER BY created_at DESC, id DESC LIMIT 1", &[owner.into()]).await?.str("id")
                    })
                })
                .await
                .unwrap();
            form(format!("/account/tokens/{id}/revoke"), &[])
        }
        ("POST", "/admin/users") => {
            let username = format!("matrix.{n}.{}", role.replace('_', ""));
            form(
                path.into(),
                &[
                    ("username", &username),
                    ("display_name", "Người thử"),
                    ("password", "mat-khau-thu-nghiem"),
                    ("role", "member"),
                    ("unit", &commune),
                ],
            )
        }
        ("POST", "/admin/users/{id}/disable") => {
            let victim = format!("victim.{n}");
            let id = app
                .db
                .write(move |tx| {
                    Box::pin(async move {
                        danvan::auth::store::create_user(
                            tx,
                            "system",
                            &victim,
                            "Nạn nhân",
                            "mat-khau-thu-nghiem",
                        )
                        .await
                    })
                })
                .await
                .unwrap();
            form(format!("/admin/users/{id}/disable"), &[])
        }
        // member accounts (issue 8)
        ("GET", "/accounts") => get(format!("/accounts?village={village}")),
        ("POST", "/accounts/members/{id}") => {
            let m = if which == Which::In {
                app.one_str(
                    "SELECT m.id FROM members m WHERE m.village_id = ? AND m.status = 'active' \
                     AND NOT EXISTS (SELECT 1 FROM users u WHERE u.member_id = m.id) ORDER BY m.id LIMIT 1",
                    &[f.in_village.clone().into()],
                )
                .await
            } else {
                f.out_member.clone()
            };
            form(format!("/accounts/members/{m}"), &[])
        }
        ("POST", "/accounts/villages/{id}") => form(format!("/accounts/villages/{village}"), &[]),
        // commitments (issue 8)
        ("GET", "/commitments") => get(format!("/commitments?village={village}")),
        ("GET", "/commitments/forms.docx") => {
            get(format!("/commitments/forms.docx?village={village}"))
        }
        ("POST", "/commitments") => form(
            path.into(),
            &[
                ("village", &village),
                ("subject", "household"),
                ("id", &household),
                (
                    "signed_on",
                    &format!("01/01/{}", danvan::commitments::pages::today().year()),
                ),
                ("action", "signed"),
            ],
        ),
        ("GET", "/commitments/items" | "/commitments/summary") if which == Which::In => {
            get(path.into())
        }
        ("GET", "/commitments/items") => get(format!("{path}?commune={commune}")),
        ("GET", "/commitments/summary") => get(format!("{path}?unit={commune}")),
        ("POST", "/commitments/items") => form(
            path.into(),
            &[
                ("commune", &commune),
                ("subject", "member"),
                ("text", &format!("Điều thử {unique}")),
            ],
        ),
        ("POST", "/commitments/items/{id}") => {
            let stored = app
                .rows(
                    "SELECT id FROM commitment_items WHERE commune_id = 'c-12280' AND subject = 'household' AND retired_at IS NULL ORDER BY position LIMIT 1",
                    &[],
                )
                .await;
            let id = match stored.first() {
                Some(r) => r.str("id").unwrap(),
                None => "default-2".into(),
            };
            form(
                format!("/commitments/items/{id}"),
                &[
                    ("commune", &commune),
                    ("subject", "household"),
                    ("action", "up"),
                ],
            )
        }
        ("GET", "/api/v1/commitments") => get(format!("{path}?village={village}")),
        ("POST", "/api/v1/commitments") => json_req(
            path.into(),
            json!({ "year": danvan::commitments::pages::today().year(), "subject": "household", "subject_id": household, "signed": n.is_multiple_of(2), "signed_on": if n.is_multiple_of(2) { json!(format!("{}-01-01", danvan::commitments::pages::today().year())) } else { json!(null) } }),
        ),
        ("GET", "/api/v1/commitments/items") => get(format!("{path}?commune={commune}")),
        ("PUT", "/api/v1/commitments/items") => json_req(
            path.into(),
            json!({ "commune_id": commune, "subject": "member", "items": [{ "text": format!("Điều thử {unique}") }] }),
        ),
        ("POST", "/account/password") => {
            // In: the user's current password (set here, so that the new one is the
            // demo's again); out: a wrong one.
            let current = if which == Which::In && role != "anonymous" {
                let hash = danvan::auth::password::hash("matrix-old-password").unwrap();
                app.exec(
                    "UPDATE users SET password_hash = ? WHERE id = ?",
                    &[hash.into(), f.user_ids[role].clone().into()],
                )
                .await;
                "matrix-old-password"
            } else {
                "not-the-password"
            };
            form(
                path.into(),
                &[
                    ("current", current),
                    ("new", common::PASSWORD),
                    ("again", common::PASSWORD),
                ],
            )
        }
        ("GET", "/units/{id}") => get(format!("/units/{commune}")),
        ("GET", "/api/v1/units/{id}") => get(format!("/api/v1/units/{commune}")),
        ("GET", "/api/v1/units") => get(format!("/api/v1/units?under={}", pick("12280", "00004"))),
        ("POST", "/units/{id}/villages") => form(
            format!("/units/{commune}/villages"),
            &[("name", &format!("Thôn {unique}"))],
        ),
        ("POST", "/api/v1/units/{id}/villages") => json_req(
            format!("/api/v1/units/{commune}/villages"),
            json!({ "name": format!("Thôn {unique}") }),
        ),
        ("GET", "/audit") => get(format!("/audit?entity_id={household}")),
        ("GET", "/api/v1/audit") => get(format!("/api/v1/audit?entity_id={household}")),
        ("GET", "/households") => get(format!("/households?village={village}&status=all")),
        ("GET", "/members") => get(format!("/members?village={village}&status=all")),
        ("GET", "/api/v1/households") => {
            get(format!("/api/v1/households?village={village}&status=all"))
        }
        ("GET", "/api/v1/members") => get(format!("/api/v1/members?village={village}&status=all")),
        ("POST", "/households") => form(
            path.into(),
            &[
                ("village_id", &village),
                ("head_name", "Hộ Mới Thử"),
                ("confirm_duplicate", "1"),
            ],
        ),
        ("POST", "/households/{id}") => form(
            format!("/households/{household}"),
            &[
                ("village_id", &village),
                ("head_name", "Hộ Sửa Thử"),
                ("phone", "0912345678"),
            ],
        ),
        ("POST", "/households/{id}/status") => form(
            format!("/households/{household}/status"),
            &[
                ("confirm", "1"),
                (
                    "status",
                    if n.is_multiple_of(2) {
                        "moved"
                    } else {
                        "active"
                    },
                ),
            ],
        ),
        ("POST", "/members") => form(
            path.into(),
            &[("village_id", &village), ("full_name", "Đảng Viên Mới")],
        ),
        ("POST", "/members/{id}") => form(
            format!("/members/{member}"),
            &[
                ("village_id", &village),
                ("full_name", "Đảng Viên Sửa"),
                ("phone", "0912345678"),
            ],
        ),
        ("POST", "/members/{id}/status") => form(
            format!("/members/{member}/status"),
            &[(
                "status",
                if n.is_multiple_of(2) {
                    "exempt"
                } else {
                    "active"
                },
            )],
        ),
        ("POST", "/cells") => form(
            path.into(),
            &[
                ("village_id", &village),
                ("name", &format!("Chi bộ {unique}")),
            ],
        ),
        ("POST", "/api/v1/households") => json_req(
            path.into(),
            json!({ "village_id": village, "head_name": "Hộ Mới Thử" }),
        ),
        ("PATCH", "/api/v1/households/{id}") => json_req(
            format!("/api/v1/households/{household}"),
            json!({ "phone": format!("09123456{:02}", n % 100) }),
        ),
        ("POST", "/api/v1/households/{id}/status") => json_req(
            format!("/api/v1/households/{household}/status"),
            json!({ "status": if n.is_multiple_of(2) { "moved" } else { "active" } }),
        ),
        ("POST", "/api/v1/members") => json_req(
            path.into(),
            json!({ "village_id": village, "full_name": "Đảng Viên Mới" }),
        ),
        ("PATCH", "/api/v1/members/{id}") => json_req(
            format!("/api/v1/members/{member}"),
            json!({ "phone": format!("09123457{:02}", n % 100) }),
        ),
        ("POST", "/api/v1/cells") => json_req(
            path.into(),
            json!({ "village_id": village, "name": format!("Chi bộ {unique}") }),
        ),
        // imports and exports (issue 3)
        ("GET", "/imports/template/{file}") => get("/imports/template/households.xlsx".into()),
        ("POST", "/imports") => {
            let file = std::fs::read(format!(
                "{}/tests/fixtures/template_households.xlsx",
                env!("CARGO_MANIFEST_DIR")
            ))
            .unwrap();
            upload(
                path.into(),
                &[("kind", "households"), ("unit_id", &village)],
                file,
            )
        }
        ("GET" | "POST", p) if p.starts_with("/imports/{id}") => {
            // In: the acting user's own batch for an in-scope village; out: somebody else's.
            let owner = match (which, role) {
                (Which::In, r) if r != "anonymous" => f.user_ids[r].clone(),
                _ if role == "admin" => f.user_ids["commune_committee"].clone(),
                _ => f.user_ids["admin"].clone(),
            };
            let id = import_batch(app, &owner, &f.in_village).await;
            let p = p.replace("{id}", &id);
            if method == Method::POST {
                form(p, &[])
            } else {
                get(p)
            }
        }
        ("GET", p) if p.starts_with("/exports/") => get(format!("{p}?unit={village}")),
        // contacts (issue 8): the member's in-scope household is the one assigned to them.
        (
            _,
            "/households/{id}/contacts/new"
            | "/households/{id}/contacts"
            | "/api/v1/households/{id}/contacts",
        ) => {
            let h = if role == "member" && which == Which::In {
                f.member_household.clone()
            } else {
                household.clone()
            };
            let p = path.replace("{id}", &h);
            match method.as_str() {
                "POST" if p.starts_with("/api/") => {
                    json_req(p, json!({ "channel": "visit", "topics": ["law"] }))
                }
                "POST" => form(p, &[("channel", "visit"), ("topics", "law")]),
                _ => get(p),
            }
        }
        // petitions (issue 9): the member records for the household assigned to them.
        (
            _,
            "/households/{id}/petitions/new"
            | "/households/{id}/petitions"
            | "/api/v1/households/{id}/petitions",
        ) => {
            let h = if role == "member" && which == Which::In {
                f.member_household.clone()
            } else {
                household.clone()
            };
            let p = path.replace("{id}", &h);
            match method.as_str() {
                "POST" if p.starts_with("/api/") => {
                    json_req(p, json!({ "category": "other", "text": "Kiến nghị thử" }))
                }
                "POST" => form(p, &[("category", "other"), ("text", "Kiến nghị thử")]),
                _ => get(p),
            }
        }
        ("POST", "/petitions/meeting") => {
            let code = app
                .one_str(
                    "SELECT code FROM households WHERE village_id = ? AND status = 'active' ORDER BY code LIMIT 1",
                    &[village.clone().into()],
                )
                .await;
            form(
                path.into(),
                &[
                    ("village", &village),
                    ("households", &code),
                    ("category", "other"),
                    ("text", "Ý kiến cuộc họp thôn"),
                ],
            )
        }
        ("POST", "/petitions/bulk") => {
            // In: a petition where the role's bulk step applies; out: the other commune's.
            let (status, bulk) = if role == "commune_committee" {
                ("forwarded", "assign")
            } else {
                ("received", "forward")
            };
            let h = pick(&f.member_household, &f.out_household);
            let id = petition_at(app, &h, status, None, None).await;
            let agency = pick(&f.in_agency, &f.out_agency);
            form(
                path.into(),
                &[("bulk", bulk), ("ids", &id), ("agency", &agency)],
            )
        }
        ("POST", "/petitions/{id}/steps" | "/api/v1/petitions/{id}/steps") => {
            // In: a fresh petition at the step this role takes; out: the same in the other
            // commune (or at another agency).
            let h = pick(&f.member_household, &f.out_household);
            let agency = pick(&f.in_agency, &f.out_agency);
            let (status, level, fields): (&str, Option<&str>, Vec<(&str, &str)>) = match role {
                "member" => ("answered", Some("agency"), vec![("action", "deliver")]),
                "commune_committee" => (
                    "forwarded",
                    None,
                    vec![("action", "transfer"), ("competent", "Sở Xây dựng")],
                ),
                "agency_handler" => (
                    "assigned",
                    None,
                    vec![("action", "answer"), ("answer", "Đã giải quyết")],
                ),
                _ => ("received", None, vec![("action", "forward")]),
            };
            let with_agency = (status == "assigned").then_some(agency.as_str());
            let id = petition_at(app, &h, status, level, with_agency).await;
            let p = path.replace("{id}", &id);
            if p.starts_with("/api/") {
                let body: serde_json::Map<String, serde_json::Value> = fields
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), json!(v)))
                    .collect();
                json_req(p, serde_json::Value::Object(body))
            } else {
                form(p, &fields)
            }
        }
        ("GET", "/petitions/{id}" | "/api/v1/petitions/{id}") => {
            let id = pick(&f.in_petition, &f.out_petition);
            get(path.replace("{id}", &id))
        }
        ("GET", "/petitions/{id}/files/{kind}") => {
            let id = pick(&f.in_petition, &f.out_petition);
            // The Front never sees the household's photo; the answer's attachment it may.
            let kind = if role == "front_reviewer" {
                "answer"
            } else {
                "photo"
            };
            get(format!("/petitions/{id}/files/{kind}"))
        }
        ("GET", "/petitions/agencies") => get(format!("/petitions/agencies?commune={commune}")),
        ("POST", "/petitions/agencies") => form(
            path.into(),
            &[
                ("commune", &commune),
                ("name", &format!("Cơ quan {unique}")),
                ("kind", "office"),
            ],
        ),
        ("POST", "/petitions/agencies/{id}/handlers") => {
            let agency = pick(&f.in_agency, &f.out_agency);
            form(
                format!("/petitions/agencies/{agency}/handlers"),
                &[
                    ("commune", &commune),
                    ("username", &format!("cb.matrix{n}")),
                    ("display_name", "Cán bộ thử"),
                ],
            )
        }
        ("POST", "/petitions/templates") => form(
            path.into(),
            &[
                ("commune", &commune),
                ("title", &format!("Mẫu {unique}")),
                ("body", "Nội dung trả lời"),
            ],
        ),
        ("POST", "/petitions/holidays") => form(
            path.into(),
            &[("day", "24/11/2030"), ("kind", "off"), ("name", "Ngày thử")],
        ),
        (_, "/petitions/settings") => {
            let province = app
                .one_str(
                    "SELECT p.id FROM units c JOIN units p ON p.kind = 'province' AND c.path >= p.path \
                     AND c.path < p.path || '~' WHERE c.id = ?",
                    &[commune.clone().into()],
                )
                .await;
            if method == Method::POST {
                form(
                    path.into(),
                    &[
                        ("province", &province),
                        ("code", "other"),
                        ("label", "Khác"),
                        ("days_cell", "3"),
                        ("days_commune", "5"),
                        ("days_answer", "15"),
                        ("days_delivery", "5"),
                    ],
                )
            } else {
                get(format!("/petitions/settings?province={province}"))
            }
        }
        ("GET", "/coverage" | "/coverage.xlsx" | "/api/v1/coverage") => {
            get(format!("{path}?unit={village}"))
        }
        // petitions' dashboards (issue 9): the commune in or out of scope; its public page.
        (
            "GET",
            "/petitions/dashboard" | "/petitions/dashboard.xlsx" | "/api/v1/petitions/dashboard",
        ) => get(format!("{path}?unit={commune}")),
        ("GET", "/cong-khai/{code}/kien-nghi") => get(format!(
            "/cong-khai/{}/kien-nghi",
            commune.trim_start_matches("c-")
        )),
        (_, "/contacts/topics") => {
            let province = app
                .one_str(
                    "SELECT p.id FROM units c JOIN units p ON p.kind = 'province' AND c.path >= p.path \
                     AND c.path < p.path || '~' WHERE c.id = ?",
                    &[commune.clone().into()],
                )
                .await;
            if method == Method::POST {
                form(
                    path.into(),
                    &[
                        ("province", &province),
                        ("code", "law"),
                        ("label", "Chính sách, pháp luật"),
                    ],
                )
            } else {
                get(format!("/contacts/topics?province={province}"))
            }
        }
        // assignment (issue 4)
        ("GET", "/households/{id}") if role == "member" && which == Which::In => {
            get(format!("/households/{}", f.member_household))
        }
        ("GET", "/assignment/villages/{id}") => get(format!("/assignment/villages/{village}")),
        ("POST", "/assignment/communes/{id}/capacity") => form(
            format!("/assignment/communes/{commune}/capacity"),
            &[("capacity", "10")],
        ),
        ("POST", "/assignment/villages/{id}/draft") => form(
            format!("/assignment/villages/{village}/draft"),
            &[("capacity", "10")],
        ),
        ("GET", p) if p.starts_with("/assignment/plans/{id}") => {
            let plan = pick(&f.in_plan, &f.out_plan);
            let p = p.replace("{id}", &plan);
            if p.contains("{member_id}") {
                let m = app
                    .one_str(
                        "SELECT member_id FROM assignment_pairs WHERE plan_id = ? ORDER BY member_id LIMIT 1",
                        &[plan.into()],
                    )
                    .await;
                get(p.replace("{member_id}", &m))
            } else if p.contains("{household_id}") {
                let h = app
                    .one_str(
                        "SELECT household_id FROM assignment_pairs WHERE plan_id = ? ORDER BY household_id LIMIT 1",
                        &[plan.into()],
                    )
                    .await;
                get(p.replace("{household_id}", &h))
            } else {
                get(p)
            }
        }
        ("POST", p) if p.starts_with("/assignment/plans/{id}") => {
            let v = pick(&f.in_village, &f.out_village);
            let status = if p.ends_with("/approve") || p.ends_with("/return") {
                "submitted"
            } else {
                "draft"
            };
            let plan = fresh_plan(app, &v, status).await;
            let p = p.replace("{id}", &plan);
            let hh = app
                .one_str(
                    "SELECT p.household_id FROM assignment_pairs p JOIN households h ON h.id = p.household_id \
                     WHERE p.plan_id = ? AND h.status = 'active' ORDER BY h.code DESC LIMIT 1",
                    &[plan.clone().into()],
                )
                .await;
            let member = app
                .one_str(
                    "SELECT id FROM members WHERE village_id = ? AND status = 'active' AND id <> ? ORDER BY id DESC LIMIT 1",
                    &[v.into(), f.in_member.clone().into()],
                )
                .await;
            match p.rsplit('/').next().unwrap_or("") {
                "move" => form(p, &[("household_id", &hh), ("member_id", &member)]),
                "lock" => form(p, &[("household_id", &hh), ("locked", "1")]),
                "return" => form(p, &[("reason", "Cần rà soát lại xóm Đông")]),
                _ => form(p, &[]),
            }
        }
        // events (issue 10)
        ("GET", "/events" | "/events/new" | "/api/v1/events") => {
            get(format!("{path}?unit={village}"))
        }
        ("POST", "/events") => form(
            path.into(),
            &[
                ("id", &danvan::clock::new_id()),
                ("unit_id", &village),
                ("kind", "dialogue"),
                ("held_on", "02/01/2025"),
                ("place", "Nhà văn hóa"),
                ("chair", "Bí thư"),
                ("content", &format!("Đối thoại {unique}")),
                ("households", "12"),
            ],
        ),
        ("POST", "/api/v1/events") => json_req(
            path.into(),
            json!({ "unit_id": village, "kind": "dialogue", "held_on": "2025-01-02", "place": "Nhà văn hóa",
                    "chair": "Bí thư", "content": format!("Đối thoại {unique}"), "households": 12 }),
        ),
        ("GET", p) if p.starts_with("/events/{id}") || p.starts_with("/api/v1/events/{id}") => {
            get(p.replace("{id}", &pick(&f.in_event, &f.out_event)))
        }
        ("POST", "/events/{id}") => form(
            format!("/events/{}", pick(&f.in_event, &f.out_event)),
            &[
                ("unit_id", &village),
                ("kind", "cell_meeting"),
                ("held_on", "01/01/2025"),
                ("place", "Nhà văn hóa"),
                ("chair", "Bí thư"),
                ("content", "Sinh hoạt ma trận"),
                ("households", &(n % 1000).to_string()),
            ],
        ),
        ("PUT", "/api/v1/events/{id}") => json_req(
            format!("/api/v1/events/{}", pick(&f.in_event, &f.out_event)),
            json!({ "kind": "cell_meeting", "held_on": "2025-01-01", "place": "Nhà văn hóa", "chair": "Bí thư",
                    "content": "Sinh hoạt ma trận", "households": n % 1000 }),
        ),
        // funding (issue 10)
        ("GET", "/funding" | "/funding/new" | "/funding.xlsx" | "/api/v1/funding") => {
            get(format!("{path}?commune={commune}"))
        }
        ("GET", "/funding/summary") => get(format!("{path}?unit={commune}")),
        ("POST", "/funding") => form(
            path.into(),
            &[
                ("id", &danvan::clock::new_id()),
                ("commune", &commune),
                ("direction", "receipt"),
                ("entry_on", "02/01/2025"),
                ("source", "mobilised"),
                ("amount", "50.000"),
                ("description", &format!("Thu {unique}")),
            ],
        ),
        ("POST", "/api/v1/funding") => json_req(
            path.into(),
            json!({ "commune_id": commune, "direction": "receipt", "entry_on": "2025-01-02", "source": "mobilised",
                    "amount": 50_000, "description": format!("Thu {unique}") }),
        ),
        ("GET", "/funding/{id}") => get(format!("/funding/{}", pick(&f.in_entry, &f.out_entry))),
        ("POST", p) if p.starts_with("/funding/{id}") || p.starts_with("/api/v1/funding/{id}") => {
            // Each reversal needs an entry not yet reversed.
            let entry = receipt_of(app, &commune).await;
            let p = p.replace("{id}", &entry);
            if p.starts_with("/api/") {
                json_req(p, json!({ "reason": "Ghi nhầm ma trận" }))
            } else {
                form(
                    p,
                    &[
                        ("id", &danvan::clock::new_id()),
                        ("reason", "Ghi nhầm ma trận"),
                    ],
                )
            }
        }
        // evaluation (issue 10)
        ("POST", "/evaluations") => form(
            path.into(),
            &[("commune_id", &commune), ("period", &matrix_period())],
        ),
        ("GET" | "POST", "/evaluations/rubric") => {
            let province = if which == Which::In {
                "p-33".to_owned()
            } else {
                app.one_str(
                    "SELECT p.id FROM units p JOIN units c ON c.path >= p.path AND c.path < p.path || '~'                      WHERE p.kind = 'province' AND c.id = ?",
                    &[OUT_COMMUNE.into()],
                )
                .await
            };
            if method == Method::GET {
                get(format!("{path}?province={province}"))
            } else {
                let mut f: Vec<(&str, &str)> = vec![("province", &province)];
                for (k, v) in [
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
                    ("member_t1", "90"),
                    ("member_t2", "75"),
                    ("member_t3", "50"),
                    ("excellent_percent", "20"),
                ] {
                    f.push((k, v));
                }
                form(path.into(), &f)
            }
        }
        ("GET", "/api/v1/evaluations") => get(format!("{path}?unit={commune}&period=2025")),
        (m, p) if p.starts_with("/evaluations/{id}") => {
            let eval = match (m, p) {
                // Each approval needs an open evaluation, each commendation an approved one.
                ("POST", "/evaluations/{id}/approve") if which == Which::In => {
                    evaluation_of(app, &commune, &matrix_period(), false).await
                }
                ("POST", "/evaluations/{id}/commend") if which == Which::In => {
                    evaluation_of(app, &commune, &matrix_period(), true).await
                }
                _ => pick(&f.in_evaluation, &f.out_evaluation),
            };
            let p = p.replace("{id}", &eval).replace("{village_id}", &village);
            match m {
                "POST" if p.ends_with("/adjust") => form(
                    p,
                    &[
                        ("subject", "village"),
                        ("subject_id", &village),
                        ("level", "kha"),
                        ("reason", "Ma trận quyền"),
                    ],
                ),
                "POST" => form(p, &[]),
                _ => get(p),
            }
        }
        // campaigns (issue 8)
        ("POST", "/campaigns") => {
            let today = danvan::campaigns::store::today();
            let (s, e) = (
                danvan::campaigns::model::vn(today),
                danvan::campaigns::model::vn(today + time::Duration::days(30)),
            );
            upload(
                path.into(),
                &[
                    ("title", &format!("Đợt {unique}")),
                    ("body", "Nội dung"),
                    ("topic", "law"),
                    ("unit_id", &commune),
                    ("starts_on", &s),
                    ("ends_on", &e),
                ],
                b"%PDF-1.4 matrix".to_vec(),
            )
        }
        ("POST", "/api/v1/campaigns") => {
            let today = danvan::campaigns::store::today();
            json_req(
                path.into(),
                json!({ "unit_id": commune, "title": format!("Đợt {unique}"), "body": "Nội dung",
                        "topic": "law", "starts_on": danvan::campaigns::model::iso(today),
                        "ends_on": danvan::campaigns::model::iso(today + time::Duration::days(30)) }),
            )
        }
        (m, p) if p.starts_with("/campaigns/{id}") || p.starts_with("/api/v1/campaigns/{id}") => {
            let campaign = pick(&f.in_campaign, &f.out_campaign);
            // In: a household the member looks after (also the keepers' village); out: the
            // other commune's, for the in-scope campaign.
            let h = pick(&f.campaign_household, &f.out_household);
            let p = p.replace("{id}", &campaign).replace("{household_id}", &h);
            match (m, p.ends_with("/deliveries")) {
                ("POST", true) => json_req(
                    p,
                    json!({ "household_id": h, "outcome": "delivered", "channel": "visit" }),
                ),
                ("POST", false) if p.ends_with("/delivery") => {
                    form(p, &[("outcome", "delivered"), ("channel", "visit")])
                }
                ("POST", false) => form(p, &[]),
                _ => get(p),
            }
        }
        // reports (issue 10): the board works on its province's report, the committee on
        // its commune's; "out" is the other commune or province.
        (m, p)
            if p.starts_with("/reports")
                || p.starts_with("/api/v1/reports")
                || p == "/api/v1/indicators"
                || p == "/indicators" =>
        {
            report_request(app, f, role, m, p, which).await
        }
        (_, p) if p.contains("/households/{id}") => get(p.replace("{id}", &household)),
        (_, p) if p.contains("/members/{id}") => get(p.replace("{id}", &member)),
        (_, p) => get(p.to_owned()),
    }
}

async fn send(client: &Client, method: &Method, req: &Req) -> (StatusCode, String, String) {
    let mut r = client
        .http
        .request(method.clone(), client.url(&req.path))
        .header("x-csrf-token", &client.csrf);
    if let Some(f) = &req.form {
        let mut fields = f.clone();
        fields.push(("_csrf".into(), client.form_token().await));
        r = r.form(&fields);
    }
    if let Some(j) = &req.json {
        r = r.json(j);
    }
    if let Some((fields, file)) = &req.multipart {
        let mut fields = fields.clone();
        fields.insert(0, ("_csrf".into(), client.csrf.clone()));
        let (content_type, body) = multipart_body(&fields, file);
        r = r.header("content-type", content_type).body(body);
    }
    let res = r.send().await.expect("request");
    let status = res.status();
    let location = common::location(&res);
    (status, location, res.text().await.unwrap_or_default())
}

fn succeeded(status: StatusCode, location: &str) -> bool {
    (status.is_success() || status.is_redirection()) && !location.starts_with("/login")
}

crate::both!(every_route_every_role, every_route_every_role);
async fn every_route_every_role(b: Backend) {
    let app = common::spawn(b).await;
    let f = fixture(&app).await;
    let specs = danvan::app::route_specs();
    let missing: Vec<String> = specs
        .iter()
        .filter(|s| case(&s.method, s.path).is_none())
        .map(|s| format!("{} {}", s.method, s.path))
        .collect();
    assert!(
        missing.is_empty(),
        "routes without an access-matrix case: {missing:?}"
    );

    let mut clients = Vec::new();
    for (role, username) in ROLES {
        let c = if username.is_empty() {
            app.anonymous()
        } else {
            app.login(username).await
        };
        clients.push((role.to_string(), username.to_string(), c));
    }
    let mut violations = Vec::new();
    let mut checked = 0;
    let mut n = 0;
    for spec in &specs {
        let rule = case(&spec.method, spec.path).expect("checked above");
        let is_write = spec.method != Method::GET;
        for (role, username, client) in clients.iter_mut() {
            for which in [Which::In, Which::Out] {
                n += 1;
                let allowed = admitted(spec, role)
                    && (which == Which::In || rule.out_scope.contains(&role.as_str()));
                let req = request(&app, &f, role, &spec.method, spec.path, which, n).await;
                let before = if is_write {
                    Some(common::fingerprint(&app).await)
                } else {
                    None
                };
                let (status, location, body) = send(client, &spec.method, &req).await;
                checked += 1;
                let ok = succeeded(status, &location);
                let what = format!(
                    "{role} {which:?} {} {} → {status} {location}",
                    spec.method, req.path
                );
                if body.contains(OUT_HOUSEHOLD)
                    || body.contains(OUT_MEMBER)
                    || (which == Which::Out
                        && body.contains(&f.out_household)
                        && spec.path.contains("audit"))
                {
                    violations.push(format!("LEAK {what}"));
                }
                if status.is_server_error() {
                    violations.push(format!("SERVER ERROR {what}"));
                }
                if ok && !allowed {
                    violations.push(format!("UNAUTHORISED {what}"));
                }
                if !ok && allowed && spec.path != "/logout" {
                    violations.push(format!(
                        "REFUSED {what}: {}",
                        body.chars().take(200).collect::<String>()
                    ));
                }
                if let Some(before) = before {
                    if !allowed
                        && before != common::fingerprint(&app).await
                        && spec.path != "/login"
                    {
                        violations.push(format!("WROTE {what}"));
                    }
                }
                // A successful detail read of in-scope data shows it.
                if ok
                    && allowed
                    && which == Which::In
                    && spec.method == Method::GET
                    && spec.path == "/households/{id}"
                    // assignment (issue 4): the member opens the household assigned to them.
                    && !body.contains(if role == "member" { &f.member_head } else { &f.in_head })
                {
                    violations.push(format!("EMPTY {what}"));
                }
                // Sign-out and the login form replace the session: sign in again.
                if spec.path == "/logout" || spec.path == "/login" {
                    *client = if username.is_empty() {
                        app.anonymous()
                    } else {
                        app.login(username).await
                    };
                }
            }
        }
    }
    assert!(
        violations.is_empty(),
        "{} of {checked} checks failed:\n{}",
        violations.len(),
        violations.join("\n")
    );
    assert!(checked > 700, "{checked}");
    // Every staff read of personal data in the matrix was audit-logged.
    let reads = app
        .count("SELECT COUNT(*) FROM audit_log WHERE action = 'read'", &[])
        .await;
    assert!(reads > 20, "{reads}");
    let _ = Value::Null;
}

// reports (issue 10)
async fn report_request(
    app: &TestApp,
    f: &Fixture,
    role: &str,
    method: &str,
    path: &str,
    which: Which,
) -> Req {
    let r = &f.reports;
    let board = role == "supervisor";
    let (unit, ids) = match (which, board) {
        (Which::In, false) => ("c-12280".to_owned(), &r.commune),
        (Which::In, true) => ("p-33".to_owned(), &r.province),
        (Which::Out, false) => (OUT_COMMUNE.to_owned(), &r.out),
        (Which::Out, true) => (r.out_province.clone(), &r.out),
    };
    let period = this_quarter().key();
    let version = |id: &str| {
        let id = id.to_owned();
        async move {
            app.one_str(
                "SELECT CAST(version AS TEXT) FROM reports WHERE id = ?",
                &[id.into()],
            )
            .await
        }
    };
    match (method, path) {
        ("GET", "/reports" | "/reports/settings") => {
            get(format!("{path}?unit={unit}&period={period}"))
        }
        ("POST", "/reports") => form(path.into(), &[("unit_id", &unit), ("period", &period)]),
        ("POST", "/reports/settings") => {
            let of = unit.clone();
            let p = app
                .db
                .read(move |tx| {
                    Box::pin(async move {
                        let u = danvan::units::store::get(tx, &of).await?;
                        danvan::reports::profile::defaults(tx, &u).await
                    })
                })
                .await
                .unwrap();
            let due = p.due_days.to_string();
            form(
                path.into(),
                &[
                    ("unit_id", &unit),
                    ("parent_body", &p.parent_body),
                    ("issuing_body", &p.issuing_body),
                    ("number_suffix", &p.number_suffix),
                    ("place_name", &p.place_name),
                    ("signer_mode", "TM"),
                    ("signer_body", &p.signer_body),
                    ("signer_title", &p.signer_title),
                    ("signer_name", "Người Ký Ma Trận"),
                    ("recipients", &p.recipients),
                    ("due_days", &due),
                    ("t_reached", "90"),
                ],
            )
        }
        ("POST", "/reports/{id}") => {
            let v = version(&ids[0]).await;
            form(
                format!("/reports/{}", ids[0]),
                &[
                    ("version", &v),
                    ("results", "Kết quả ma trận."),
                    ("situation", "Tình hình."),
                ],
            )
        }
        ("POST", "/reports/{id}/step") => {
            form(format!("/reports/{}/step", ids[0]), &[("step", "submit")])
        }
        ("POST", "/api/v1/reports/{id}/steps") => json_req(
            format!("/api/v1/reports/{}/steps", ids[1]),
            json!({ "step": "submit" }),
        ),
        ("GET", "/api/v1/reports" | "/api/v1/reports/overview") => {
            get(format!("{path}?unit={unit}&period={period}"))
        }
        ("GET", "/api/v1/indicators" | "/indicators") => {
            let unit = if role == "cell_secretary" {
                if which == Which::In {
                    f.in_village.clone()
                } else {
                    f.out_village.clone()
                }
            } else {
                unit
            };
            get(format!("{path}?unit={unit}&period={period}"))
        }
        ("GET", p) => get(p.replace("{id}", &ids[0])),
        _ => unreachable!("{method} {path}"),
    }
}
