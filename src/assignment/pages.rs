//! Pages of the assignment workflow: overview and alerts, a village's versions, the plan
//! (list per member, SVG map, move/lock, submit; diff, approve/return), downloads, the
//! member's own households and each member's printable card. No JavaScript needed.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::model::{self, Alert, Diff, MemberGroup, PairView, PlanHead, Warnings};
use super::store::{self, Need, PlanDetail, VillageRow};
use super::{map_svg, render_docx, render_xlsx};
use crate::audit;
use crate::auth::{Role, Session};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::units::store::Unit;
use crate::web::extract::{CsrfForm, Q};
use crate::web::i18n::Lang;
use crate::web::layout::{page, Chrome};

/// "850 m", "1,2 km" or empty.
fn distance(d: &Option<i64>) -> String {
    d.map(crate::web::format::distance).unwrap_or_default()
}

// ---------- overview ----------

#[derive(Template)]
#[template(path = "assignment/index.html")]
struct IndexPage {
    c: Chrome,
    rows: Vec<VillageRow>,
    alerts: Vec<Alert>,
    /// Communes whose committee the user sits on: (id, name, capacity setting).
    communes: Vec<(String, String, u32)>,
}

pub async fn index(State(st): State<AppState>, s: Session, lang: Lang) -> AppResult<Response> {
    let scope = s.scope.clone();
    let (rows, alerts, communes) = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                let rows = store::overview(tx, &scope).await?;
                let alerts = store::alerts(tx, &scope).await?;
                let mut communes = Vec::new();
                for g in scope.grants() {
                    if g.role == Role::CommuneCommittee && g.unit_kind == "commune" {
                        let cap = store::commune_capacity(tx, &g.unit_id).await?;
                        communes.push((g.unit_id.clone(), g.unit_name.clone(), cap));
                    }
                }
                Ok((rows, alerts, communes))
            })
        })
        .await?;
    page(&IndexPage {
        c: Chrome::new(lang, &s, lang.t("assignment")),
        rows,
        alerts,
        communes,
    })
}

/// Alerts for the home page of a registry keeper (empty for everyone else).
pub async fn home_alerts(st: &AppState, s: &Session) -> AppResult<Vec<Alert>> {
    if !s.scope.keeps_registry() {
        return Ok(Vec::new());
    }
    let scope = s.scope.clone();
    st.db
        .read(move |tx| Box::pin(async move { store::alerts(tx, &scope).await }))
        .await
}

// ---------- a village ----------

#[derive(Template)]
#[template(path = "assignment/village.html")]
struct VillagePage {
    c: Chrome,
    village: Unit,
    versions: Vec<PlanHead>,
    alerts: Vec<Alert>,
    capacity: u32,
    error: String,
}

async fn village_page(
    st: &AppState,
    s: &Session,
    lang: Lang,
    id: &str,
    error: String,
) -> AppResult<Response> {
    let (scope, id) = (s.scope.clone(), id.to_owned());
    let (village, versions, capacity, alerts) = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                let village = store::village_for(tx, &scope, &id, Need::Read).await?;
                let versions = store::versions(tx, &village.id).await?;
                let capacity =
                    store::commune_capacity(tx, village.commune_id.as_deref().unwrap_or_default())
                        .await?;
                let alerts: Vec<Alert> = store::alerts(tx, &scope)
                    .await?
                    .into_iter()
                    .filter(|a| a.village_id == village.id)
                    .collect();
                Ok((village, versions, capacity, alerts))
            })
        })
        .await?;
    let status = if error.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::CONFLICT
    };
    let mut res = page(&VillagePage {
        c: Chrome::new(lang, s, &village.name),
        village,
        versions,
        alerts,
        capacity,
        error,
    })?;
    *res.status_mut() = status;
    Ok(res)
}

pub async fn village(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    Path(id): Path<String>,
) -> AppResult<Response> {
    village_page(&st, &s, lang, &id, String::new()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DraftForm {
    capacity: String,
}

fn parse_capacity(text: &str) -> AppResult<Option<u32>> {
    match text.trim() {
        "" => Ok(None),
        t => t.parse::<u32>().map(Some).map_err(|_| {
            AppError::invalid("capacity", "Số hộ tối đa phải là một số nguyên, ví dụ 10")
        }),
    }
}

/// The commune committee sets the commune's "about ten".
pub async fn commune_capacity(
    State(st): State<AppState>,
    Path(id): Path<String>,
    form: CsrfForm<DraftForm>,
) -> AppResult<Response> {
    let CsrfForm {
        session: s,
        form: f,
    } = form;
    let capacity = parse_capacity(&f.capacity)?.ok_or_else(|| {
        AppError::invalid("capacity", "Cần nhập số hộ tối đa mỗi đảng viên phụ trách")
    })?;
    st.db
        .write(move |tx| {
            Box::pin(async move { store::set_commune_capacity(tx, &s.scope, &id, capacity).await })
        })
        .await?;
    Ok(Redirect::to("/assignment").into_response())
}

pub async fn draft(
    State(st): State<AppState>,
    lang: Lang,
    Path(id): Path<String>,
    form: CsrfForm<DraftForm>,
) -> AppResult<Response> {
    let CsrfForm {
        session: s,
        form: f,
    } = form;
    let capacity = parse_capacity(&f.capacity)?;
    let (scope, vid) = (s.scope.clone(), id.clone());
    let drafted = st
        .db
        .write(move |tx| Box::pin(async move { store::draft(tx, &scope, &vid, capacity).await }))
        .await;
    match drafted {
        Ok(plan_id) => Ok(Redirect::to(&format!("/assignment/plans/{plan_id}")).into_response()),
        // The solver's refusals (locks above capacity, a submitted plan) are shown on
        // the village page, where the secretary can act on them.
        Err(AppError::Conflict(msg)) => village_page(&st, &s, lang, &id, msg).await,
        Err(e) => Err(e),
    }
}

// ---------- a plan ----------

/// A plan as its page and its documents show it: every household and member in it.
async fn plan_detail(st: &AppState, s: &Session, id: String) -> AppResult<PlanDetail> {
    let scope = s.scope.clone();
    st.db
        .read(move |tx| {
            Box::pin(async move {
                let d = store::detail(tx, &scope, &id).await?;
                store::note_shown(tx, &scope, &d);
                Ok(d)
            })
        })
        .await
}

/// Whether the session may change this plan by hand now.
fn can_edit(d: &PlanDetail, s: &Session) -> bool {
    d.head.status.editable() && s.scope.can_keep_registry_at(&d.village.path)
}

/// Rows of the change table shown on the plan page; the rest are counted, and are in
/// the downloads. A first plan "adds" every household, which would not fit a phone.
const DIFF_ROWS: usize = 60;

#[derive(Template)]
#[template(path = "assignment/plan.html")]
struct PlanPage {
    c: Chrome,
    d: PlanDetail,
    groups: Vec<MemberGroup>,
    warnings: Warnings,
    diff: Option<Diff>,
    /// (code, head, before, after) of the first [`DIFF_ROWS`] changes.
    diff_rows: Vec<model::DiffRow>,
    diff_more: usize,
    can_edit: bool,
    can_decide: bool,
}

/// The plan as a summary that stays small for any village: members and their loads
/// link to each member's households, where pairs are moved and locked; the map has a
/// page of its own.
pub async fn plan(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let d = plan_detail(&st, &s, id).await?;
    let groups = d.groups();
    let warnings = d.warnings();
    let diff = d.diff();
    let mut diff_rows: Vec<model::DiffRow> = diff
        .iter()
        .flat_map(|df| df.moved.iter().chain(&df.added).chain(&df.removed))
        .cloned()
        .collect();
    let diff_more = diff_rows.len().saturating_sub(DIFF_ROWS);
    diff_rows.truncate(DIFF_ROWS);
    page(&PlanPage {
        c: Chrome::new(lang, &s, &format!("Phân công thôn {}", d.village.name)),
        can_edit: can_edit(&d, &s),
        can_decide: d.head.status == model::Status::Submitted
            && s.scope.covers(&[Role::CommuneCommittee], &d.village.path),
        groups,
        warnings,
        diff,
        diff_rows,
        diff_more,
        d,
    })
}

#[derive(Template)]
#[template(path = "assignment/map.html")]
struct MapPage {
    c: Chrome,
    d: PlanDetail,
    groups: Vec<MemberGroup>,
    map: String,
}

pub async fn map(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let d = plan_detail(&st, &s, id).await?;
    let groups = d.groups();
    let map = map_svg::render(
        &groups,
        &d.unassigned,
        &format!("Bản đồ phân công thôn {}", d.village.name),
        &map_svg::Links,
    );
    page(&MapPage {
        c: Chrome::new(
            lang,
            &s,
            &format!("Bản đồ phân công thôn {}", d.village.name),
        ),
        groups,
        map,
        d,
    })
}

/// What the last change on a member's page was, to confirm it there.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Done {
    moved: String,
    locked: String,
}

#[derive(Template)]
#[template(path = "assignment/member.html")]
struct MemberPage {
    c: Chrome,
    head: PlanHead,
    /// The member's number on the map and in the legend.
    number: usize,
    group: MemberGroup,
    can_edit: bool,
    /// Confirmation of the change that led here, empty if none.
    done: String,
}

impl MemberPage {
    fn distance(&self, d: &Option<i64>) -> String {
        distance(d)
    }
}

/// One member's households in a plan: where the secretary moves and locks pairs.
pub async fn member(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    Path((id, member_id)): Path<(String, String)>,
    Q(done): Q<Done>,
) -> AppResult<Response> {
    let scope = s.scope.clone();
    let d = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                let d = store::detail(tx, &scope, &id).await?;
                let c = Some(d.head.commune_id.as_str());
                audit::shown(
                    tx,
                    &scope,
                    audit::Entity::AssignmentPlan,
                    c,
                    [d.head.id.as_str()],
                );
                audit::shown(tx, &scope, audit::Entity::Member, c, [member_id.as_str()]);
                for p in d.pairs.iter().filter(|p| p.member_id == member_id) {
                    audit::shown(
                        tx,
                        &scope,
                        audit::Entity::Household,
                        c,
                        [p.household_id.as_str()],
                    );
                }
                Ok((d, member_id))
            })
        })
        .await;
    let (d, member_id) = d?;
    let (i, group) = d
        .groups()
        .into_iter()
        .enumerate()
        .find(|(_, g)| g.member.id == member_id)
        .ok_or(AppError::NotFound)?;
    let done = confirmation(lang, &group, &done);
    page(&MemberPage {
        c: Chrome::new(lang, &s, &group.member.name),
        can_edit: can_edit(&d, &s),
        head: d.head,
        number: i + 1,
        group,
        done,
    })
}

/// "Đã chuyển hộ BN0039 — Trần Văn Đức sang đảng viên Nguyễn Thị Huệ." from what the
/// plan holds now, so the page never confirms what did not happen.
fn confirmation(lang: Lang, g: &MemberGroup, done: &Done) -> String {
    let find = |id: &str| {
        g.pairs
            .iter()
            .find(|p| !id.is_empty() && p.household_id == id)
    };
    if let Some(p) = find(&done.moved) {
        return format!(
            "{} {} — {} {} {}.",
            lang.t("moved_done"),
            p.household_code,
            p.head_name,
            lang.t("moved_to_member"),
            g.member.name
        );
    }
    match find(&done.locked) {
        Some(p) => format!(
            "{} {} — {}.",
            lang.t(if p.locked {
                "locked_done"
            } else {
                "unlocked_done"
            }),
            p.household_code,
            p.head_name
        ),
        None => String::new(),
    }
}

/// A household of the plan and the members it may be given to, with their loads.
#[derive(Template)]
#[template(path = "assignment/household.html")]
struct HouseholdPage {
    c: Chrome,
    head: PlanHead,
    household_id: String,
    code: String,
    head_name: String,
    address: String,
    /// The pair as it stands: (member id, member name, locked), if any.
    current: Option<(String, String, bool)>,
    /// Active members: (id, number on the map, name, load).
    choices: Vec<(String, usize, String, usize)>,
    can_edit: bool,
}

pub async fn household(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    Path((id, household_id)): Path<(String, String)>,
) -> AppResult<Response> {
    let scope = s.scope.clone();
    let hid = household_id.clone();
    let d = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                let d = store::detail(tx, &scope, &id).await?;
                let c = Some(d.head.commune_id.as_str());
                audit::shown(
                    tx,
                    &scope,
                    audit::Entity::AssignmentPlan,
                    c,
                    [d.head.id.as_str()],
                );
                audit::shown(tx, &scope, audit::Entity::Household, c, [hid.as_str()]);
                for m in &d.members {
                    audit::shown(tx, &scope, audit::Entity::Member, c, [m.id.as_str()]);
                }
                Ok(d)
            })
        })
        .await?;
    let pair = d.pairs.iter().find(|p| p.household_id == household_id);
    let (code, head_name, address) = match pair {
        Some(p) => (
            p.household_code.clone(),
            p.head_name.clone(),
            p.address.clone(),
        ),
        None => d
            .unassigned
            .iter()
            .find(|h| h.id == household_id)
            .map(|h| (h.code.clone(), h.head_name.clone(), h.address.clone()))
            .ok_or(AppError::NotFound)?,
    };
    let current = pair.map(|p| (p.member_id.clone(), p.member_name.clone(), p.locked));
    let choices = d
        .groups()
        .into_iter()
        .enumerate()
        .filter(|(_, g)| g.member.status == "active")
        .map(|(i, g)| (g.member.id.clone(), i + 1, g.member.name.clone(), g.load()))
        .collect();
    page(&HouseholdPage {
        c: Chrome::new(lang, &s, &format!("{code} — {head_name}")),
        can_edit: can_edit(&d, &s),
        head: d.head,
        household_id,
        code,
        head_name,
        address,
        current,
        choices,
    })
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct MoveForm {
    household_id: String,
    member_id: String,
}

/// Where a changed household's row is: its member's page, scrolled to the row, with
/// the change confirmed (`what` is `moved` or `locked`). The ids were just matched
/// against the plan's rows by the write, so they are the database's own.
fn back_to_row(plan_id: &str, member_id: &str, household_id: &str, what: &str) -> Response {
    let query = serde_urlencoded::to_string([(what, household_id)]).unwrap_or_default();
    Redirect::to(&format!(
        "/assignment/plans/{plan_id}/members/{member_id}?{query}#hh-{household_id}"
    ))
    .into_response()
}

pub async fn move_pair(
    State(st): State<AppState>,
    Path(id): Path<String>,
    form: CsrfForm<MoveForm>,
) -> AppResult<Response> {
    let CsrfForm {
        session: s,
        form: f,
    } = form;
    let (scope, pid, form) = (s.scope.clone(), id.clone(), f.clone());
    st.db
        .write(move |tx| {
            Box::pin(async move {
                store::move_pair(tx, &scope, &pid, &form.household_id, &form.member_id)
                    .await
                    .map(|_| ())
            })
        })
        .await?;
    Ok(back_to_row(&id, &f.member_id, &f.household_id, "moved"))
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct LockForm {
    household_id: String,
    locked: String,
}

pub async fn lock(
    State(st): State<AppState>,
    Path(id): Path<String>,
    form: CsrfForm<LockForm>,
) -> AppResult<Response> {
    let CsrfForm {
        session: s,
        form: f,
    } = form;
    let (scope, pid, form) = (s.scope.clone(), id.clone(), f.clone());
    let member_id = st
        .db
        .write(move |tx| {
            Box::pin(async move {
                store::set_lock(tx, &scope, &pid, &form.household_id, form.locked == "1").await
            })
        })
        .await?;
    Ok(back_to_row(&id, &member_id, &f.household_id, "locked"))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Empty {}

pub async fn submit(
    State(st): State<AppState>,
    Path(id): Path<String>,
    form: CsrfForm<Empty>,
) -> AppResult<Response> {
    let s = form.session;
    let (scope, pid) = (s.scope.clone(), id.clone());
    st.db
        .write(move |tx| Box::pin(async move { store::submit(tx, &scope, &pid).await.map(|_| ()) }))
        .await?;
    Ok(Redirect::to(&format!("/assignment/plans/{id}")).into_response())
}

pub async fn approve(
    State(st): State<AppState>,
    Path(id): Path<String>,
    form: CsrfForm<Empty>,
) -> AppResult<Response> {
    let s = form.session;
    let (scope, pid) = (s.scope.clone(), id.clone());
    st.db
        .write(move |tx| {
            Box::pin(async move { store::approve(tx, &scope, &pid).await.map(|_| ()) })
        })
        .await?;
    Ok(Redirect::to(&format!("/assignment/plans/{id}")).into_response())
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ReturnForm {
    reason: String,
}

pub async fn return_plan(
    State(st): State<AppState>,
    Path(id): Path<String>,
    form: CsrfForm<ReturnForm>,
) -> AppResult<Response> {
    let CsrfForm {
        session: s,
        form: f,
    } = form;
    let (scope, pid, form) = (s.scope.clone(), id.clone(), f.clone());
    st.db
        .write(move |tx| {
            Box::pin(async move {
                store::return_plan(tx, &scope, &pid, &form.reason)
                    .await
                    .map(|_| ())
            })
        })
        .await?;
    Ok(Redirect::to(&format!("/assignment/plans/{id}")).into_response())
}

// ---------- downloads ----------

use crate::web::download::download;

fn file_name(d: &PlanDetail, ext: &str) -> String {
    format!("Phan-cong-{}-v{}.{ext}", d.village.name, d.head.version)
}

fn village_type(v: &Unit) -> &str {
    v.unit_type.as_deref().unwrap_or("Thôn")
}

pub async fn docx(
    State(st): State<AppState>,
    s: Session,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let scope = s.scope.clone();
    let (d, secretary) = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                let d = store::detail(tx, &scope, &id).await?;
                store::note_shown(tx, &scope, &d);
                let secretary = store::cell_secretary_name(tx, &d.village.id).await?;
                Ok((d, secretary))
            })
        })
        .await?;
    let groups = d.groups();
    let bytes = render_docx::render(&render_docx::ListDoc {
        commune_name: &d.commune_name,
        village_name: &d.village.name,
        village_type: village_type(&d.village),
        head: &d.head,
        groups: &groups,
        unassigned: &d.unassigned,
        secretary: secretary.as_deref(),
    })?;
    Ok(download(
        bytes,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        &file_name(&d, "docx"),
    ))
}

pub async fn xlsx(
    State(st): State<AppState>,
    s: Session,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let d = plan_detail(&st, &s, id).await?;
    let groups = d.groups();
    let bytes = render_xlsx::render(&render_xlsx::ListBook {
        commune_name: &d.commune_name,
        village_name: &d.village.name,
        village_type: village_type(&d.village),
        head: &d.head,
        groups: &groups,
    })?;
    Ok(download(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &file_name(&d, "xlsx"),
    ))
}

// ---------- member card and the member's own page ----------

#[derive(Template)]
#[template(path = "assignment/card.html")]
struct CardPage {
    c: Chrome,
    village: String,
    commune: String,
    member: String,
    pairs: Vec<PairView>,
    head: Option<PlanHead>,
}

pub async fn card(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    Path((id, member_id)): Path<(String, String)>,
) -> AppResult<Response> {
    let scope = s.scope.clone();
    let (d, member, pairs) = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                let d = store::detail(tx, &scope, &id).await?;
                let member = d
                    .members
                    .iter()
                    .find(|m| m.id == member_id)
                    .map(|m| m.name.clone())
                    .ok_or(AppError::NotFound)?;
                let pairs: Vec<PairView> = d
                    .pairs
                    .iter()
                    .filter(|p| p.member_id == member_id)
                    .cloned()
                    .collect();
                // The card shows one member and their households.
                let c = Some(d.head.commune_id.as_str());
                audit::shown(tx, &scope, audit::Entity::Member, c, [member_id.as_str()]);
                for p in &pairs {
                    audit::shown(
                        tx,
                        &scope,
                        audit::Entity::Household,
                        c,
                        [p.household_id.as_str()],
                    );
                }
                Ok((d, member, pairs))
            })
        })
        .await?;
    page(&CardPage {
        c: Chrome::new(lang, &s, &member),
        village: d.village.name.clone(),
        commune: d.commune_name.clone(),
        member,
        pairs,
        head: Some(d.head),
    })
}

pub async fn mine(State(st): State<AppState>, s: Session, lang: Lang) -> AppResult<Response> {
    let scope = s.scope.clone();
    let pairs = st
        .db
        .read(move |tx| Box::pin(async move { store::mine(tx, &scope).await }))
        .await?;
    let member = pairs
        .first()
        .map(|p| p.member_name.clone())
        .unwrap_or_else(|| s.scope.display_name().to_owned());
    page(&CardPage {
        c: Chrome::new(lang, &s, lang.t("my_households")),
        village: String::new(),
        commune: String::new(),
        member,
        pairs,
        head: None,
    })
}
