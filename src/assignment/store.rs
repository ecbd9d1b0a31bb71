//! Plans in the database: drafting (registry → solver → pairs), editing, the
//! submit/approve/return workflow, history, alerts and the member's own list.
//!
//! Who may do what: keepers of a village's registry (its cell secretary, the commune
//! committee) read and draft; only the commune committee approves or returns; a member
//! reads their own pairs of approved plans. Plans the scope cannot read are "not found".

use std::collections::{HashMap, HashSet};

use super::model::{
    self, Alert, HistoryRow, HouseholdBrief, MemberBrief, PairView, PlanHead, Status,
    DEFAULT_CAPACITY, MAX_CAPACITY, REASON_MANUAL,
};
use super::solver::{self, GeoPoint};
use crate::audit;
use crate::auth::scope::unit_filter;
use crate::auth::{Role, Scope};
use crate::clock;
use crate::db::{Row, Tx, Value, WriteTx};
use crate::error::{AppError, AppResult};
use crate::units::store::{self as units, Unit};

/// What the caller wants to do with a village's plans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Read,
    Draft,
    Decide,
}

/// The village, if the scope may `need` it. Unreadable villages are "not found".
pub async fn village_for(
    tx: &mut Tx,
    scope: &Scope,
    village_id: &str,
    need: Need,
) -> AppResult<Unit> {
    let v = units::get(tx, village_id).await?;
    if v.kind != "village" || !scope.can_keep_registry_at(&v.path) {
        return Err(AppError::NotFound);
    }
    if need == Need::Decide && !scope.covers(&[Role::CommuneCommittee], &v.path) {
        return Err(AppError::Forbidden);
    }
    Ok(v)
}

const HEAD: &str = "SELECT a.*, v.name AS village_name FROM assignment_plans a JOIN units v ON v.id = a.village_id";

fn head_from_row(r: &Row) -> AppResult<PlanHead> {
    let status = r.str("status")?;
    Ok(PlanHead {
        id: r.str("id")?,
        commune_id: r.str("commune_id")?,
        village_id: r.str("village_id")?,
        village_name: r.str("village_name")?,
        version: r.i64("version")?,
        status: Status::parse(&status)
            .ok_or_else(|| AppError::internal(format!("plan status {status}")))?,
        capacity: r.i64("capacity")?,
        drafted_by: r.str("drafted_by")?,
        drafted_at: r.str("drafted_at")?,
        submitted_at: r.opt_str("submitted_at")?,
        decided_by: r.opt_str("decided_by")?,
        decided_at: r.opt_str("decided_at")?,
        approved_at: r.opt_str("approved_at")?,
        superseded_at: r.opt_str("superseded_at")?,
        return_reason: r.opt_str("return_reason")?,
        households: r.i64("households")?,
        members: r.i64("members")?,
        uncovered: r.i64("uncovered")?,
        members_needed: r.i64("members_needed")?,
        moved: r.i64("moved")?,
        total_distance_m: r.i64("total_distance_m")?,
        notes: r
            .str("notes")?
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
    })
}

/// A plan and its village, if the scope may `need` it.
pub async fn plan_for(
    tx: &mut Tx,
    scope: &Scope,
    plan_id: &str,
    need: Need,
) -> AppResult<(PlanHead, Unit)> {
    let row = tx
        .fetch_optional(&format!("{HEAD} WHERE a.id = ?"), &[plan_id.into()])
        .await?
        .ok_or(AppError::NotFound)?;
    let head = head_from_row(&row)?;
    let v = village_for(tx, scope, &head.village_id, need).await?;
    Ok((head, v))
}

/// Every version of a village's plan, newest first (the caller checked the village).
pub async fn versions(tx: &mut Tx, village_id: &str) -> AppResult<Vec<PlanHead>> {
    let rows = tx
        .fetch_all(
            &format!("{HEAD} WHERE a.village_id = ? ORDER BY a.version DESC"),
            &[village_id.into()],
        )
        .await?;
    rows.iter().map(head_from_row).collect()
}

pub async fn approved(tx: &mut Tx, village_id: &str) -> AppResult<Option<PlanHead>> {
    tx.fetch_optional(
        &format!("{HEAD} WHERE a.village_id = ? AND a.status = 'approved'"),
        &[village_id.into()],
    )
    .await?
    .as_ref()
    .map(head_from_row)
    .transpose()
}

/// The plan still being worked on (draft, submitted or returned), if any.
pub async fn open_plan(tx: &mut Tx, village_id: &str) -> AppResult<Option<PlanHead>> {
    tx.fetch_optional(
        &format!(
            "{HEAD} WHERE a.village_id = ? AND a.status IN ('draft','submitted','returned') ORDER BY a.version DESC LIMIT 1"
        ),
        &[village_id.into()],
    )
    .await?
    .as_ref()
    .map(head_from_row)
    .transpose()
}

// ---------- registry → solver ----------

/// A household as the solver and the pages need it.
#[derive(Debug, Clone)]
pub struct HouseholdIn {
    pub brief: HouseholdBrief,
    pub xom: String,
    pub ngo: String,
}

/// One village's registry and plan state, read once, solved without I/O.
#[derive(Debug, Clone)]
pub struct VillageData {
    pub village: Unit,
    pub households: Vec<HouseholdIn>,
    /// Active members only: exempt, moved and deceased members take no households.
    pub members: Vec<(MemberBrief, Option<String>)>,
    pub previous: Vec<(String, String)>,
    pub locked: Vec<(String, String)>,
    pub capacity: u32,
}

pub fn address(house_no: &str, ngo: &str, xom: &str) -> String {
    let mut parts = Vec::new();
    if !house_no.is_empty() {
        parts.push(format!("Số {house_no}"));
    }
    if !ngo.is_empty() {
        parts.push(format!("ngõ {ngo}"));
    }
    if !xom.is_empty() {
        // Registers write either "Đông" or "Xóm Đông"; never say "xóm Xóm".
        if crate::text::fold(xom).starts_with("xom") {
            parts.push(xom.to_owned());
        } else {
            parts.push(format!("xóm {xom}"));
        }
    }
    parts.join(", ")
}

impl VillageData {
    pub fn problem(&self) -> solver::Problem {
        let point = |la: Option<f64>, lo: Option<f64>| match (la, lo) {
            (Some(lat), Some(lon)) => Some(GeoPoint { lat, lon }),
            _ => None,
        };
        solver::Problem {
            members: self
                .members
                .iter()
                .map(|(m, own)| solver::MemberInput {
                    id: m.id.clone(),
                    name: m.name.clone(),
                    // Home = their own household (prep falls back to it).
                    home: None,
                    xom: None,
                    own_household: own.clone(),
                })
                .collect(),
            households: self
                .households
                .iter()
                .map(|h| solver::HouseholdInput {
                    id: h.brief.id.clone(),
                    code: h.brief.code.clone(),
                    pos: point(h.brief.latitude, h.brief.longitude),
                    xom: Some(h.xom.clone()).filter(|x| !x.is_empty()),
                    ngo: Some(h.ngo.clone()).filter(|x| !x.is_empty()),
                })
                .collect(),
            previous: self.previous.clone(),
            locked: self.locked.clone(),
            settings: solver::Settings {
                capacity: self.capacity,
                ..solver::Settings::default()
            },
        }
    }

    /// Solves; a solver refusal becomes a message the secretary can act on.
    pub fn solve(&self) -> AppResult<solver::Plan> {
        solver::solve(&self.problem()).map_err(|e| AppError::Conflict(e.to_string()))
    }
}

fn capacity_key(commune_id: &str) -> String {
    format!("assignment.capacity.{commune_id}")
}

/// The commune's "about ten" (a commune setting; pilots range 5–11), else the default.
pub async fn commune_capacity(tx: &mut Tx, commune_id: &str) -> AppResult<u32> {
    let row = tx
        .fetch_optional(
            "SELECT value FROM settings WHERE key = ?",
            &[capacity_key(commune_id).into()],
        )
        .await?;
    Ok(row
        .map(|r| r.str("value"))
        .transpose()?
        .and_then(|v| v.parse::<u32>().ok())
        .filter(|c| (1..=MAX_CAPACITY).contains(c))
        .unwrap_or(DEFAULT_CAPACITY))
}

/// Sets the commune's capacity: the commune committee only.
pub async fn set_commune_capacity(
    tx: &mut WriteTx,
    scope: &Scope,
    commune_id: &str,
    capacity: u32,
) -> AppResult<()> {
    let commune = units::get(tx, commune_id).await?;
    // Units are public facts (units::store): a wrong kind is "not found", a commune
    // outside the user's committee grants is "forbidden".
    if commune.kind != "commune" {
        return Err(AppError::NotFound);
    }
    if !scope.covers(&[Role::CommuneCommittee], &commune.path) {
        return Err(AppError::Forbidden);
    }
    let capacity = check_capacity(capacity)?;
    tx.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        &[capacity_key(&commune.id).into(), capacity.to_string().into()],
    )
    .await?;
    audit::did(
        tx,
        scope,
        audit::Action::Capacity,
        audit::Entity::Unit,
        &commune.id,
        Some(&commune.id),
        serde_json::json!({ "capacity": capacity }),
    );
    Ok(())
}

pub fn check_capacity(c: u32) -> AppResult<u32> {
    if c == 0 || c > MAX_CAPACITY {
        return Err(AppError::invalid(
            "capacity",
            format!("Số hộ tối đa mỗi đảng viên phụ trách phải từ 1 đến {MAX_CAPACITY}"),
        ));
    }
    Ok(c)
}

/// Reads what the solver needs for one village (the caller has checked access).
/// `locked_from`: the plan whose locked pairs are kept (the open draft when re-planning).
pub(crate) async fn load_village(
    tx: &mut Tx,
    village: &Unit,
    capacity: Option<u32>,
    locked_from: Option<&str>,
) -> AppResult<VillageData> {
    let capacity = match capacity {
        Some(c) => check_capacity(c)?,
        None => commune_capacity(tx, village.commune_id.as_deref().unwrap_or_default()).await?,
    };
    let rows = tx
        .fetch_all(
            "SELECT id, code, head_name, xom, ngo, house_no, latitude, longitude FROM households \
             WHERE village_id = ? AND status = 'active' ORDER BY code, id",
            &[village.id.clone().into()],
        )
        .await?;
    let mut households = Vec::with_capacity(rows.len());
    for r in &rows {
        let (xom, ngo) = (r.str("xom")?, r.str("ngo")?);
        households.push(HouseholdIn {
            brief: HouseholdBrief {
                id: r.str("id")?,
                code: r.str("code")?,
                head_name: r.str("head_name")?,
                address: address(&r.str("house_no")?, &ngo, &xom),
                latitude: r.opt_f64("latitude")?,
                longitude: r.opt_f64("longitude")?,
            },
            xom,
            ngo,
        });
    }
    let members = member_rows(tx, &village.id, true)
        .await?
        .into_iter()
        .collect();
    let previous = pair_ids(
        tx,
        "SELECT p.household_id, p.member_id FROM assignment_pairs p JOIN assignment_plans a ON a.id = p.plan_id \
         WHERE a.village_id = ? AND a.status = 'approved' ORDER BY p.household_id",
        &village.id,
    )
    .await?;
    let locked = match locked_from {
        Some(pid) => {
            pair_ids(
                tx,
                "SELECT household_id, member_id FROM assignment_pairs WHERE plan_id = ? AND locked = 1 ORDER BY household_id",
                pid,
            )
            .await?
        }
        None => Vec::new(),
    };
    Ok(VillageData {
        village: village.clone(),
        households,
        members,
        previous,
        locked,
        capacity,
    })
}

async fn pair_ids(tx: &mut Tx, sql: &str, arg: &str) -> AppResult<Vec<(String, String)>> {
    tx.fetch_all(sql, &[arg.into()])
        .await?
        .iter()
        .map(|r| Ok((r.str("household_id")?, r.str("member_id")?)))
        .collect()
}

/// Members of a village (only active ones when `active_only`), with their home.
async fn member_rows(
    tx: &mut Tx,
    village_id: &str,
    active_only: bool,
) -> AppResult<Vec<(MemberBrief, Option<String>)>> {
    let filter = if active_only {
        " AND m.status = 'active'"
    } else {
        ""
    };
    let rows = tx
        .fetch_all(
            &format!(
                "SELECT m.id, m.full_name, m.status, m.household_id, h.latitude, h.longitude FROM members m \
                 LEFT JOIN households h ON h.id = m.household_id WHERE m.village_id = ?{filter} \
                 ORDER BY m.given_name COLLATE vi, m.family_name COLLATE vi, m.middle_name COLLATE vi, m.id"
            ),
            &[village_id.into()],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok((
                MemberBrief {
                    id: r.str("id")?,
                    name: r.str("full_name")?,
                    status: r.str("status")?,
                    latitude: r.opt_f64("latitude")?,
                    longitude: r.opt_f64("longitude")?,
                },
                r.opt_str("household_id")?,
            ))
        })
        .collect()
}

// ---------- writing plans ----------

/// Saves a solved plan as a new version of the village's plan.
pub(crate) async fn insert_plan(
    tx: &mut WriteTx,
    actor: &str,
    data: &VillageData,
    plan: &solver::Plan,
    status: Status,
) -> AppResult<String> {
    let commune_id = data.village.commune_id.clone().unwrap_or_default();
    let version = tx
        .scalar_i64(
            "SELECT COALESCE(MAX(version), 0) FROM assignment_plans WHERE village_id = ?",
            &[data.village.id.clone().into()],
        )
        .await?
        + 1;
    let id = clock::new_id();
    let now = clock::now();
    let approved = status == Status::Approved;
    tx.execute(
        "INSERT INTO assignment_plans (id, commune_id, village_id, version, status, capacity, drafted_by, drafted_at, updated_at, \
         decided_by, decided_at, approved_at, households, members, uncovered, members_needed, moved, total_distance_m, notes) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            id.clone().into(),
            commune_id.clone().into(),
            data.village.id.clone().into(),
            version.into(),
            status.code().into(),
            data.capacity.into(),
            actor.into(),
            now.clone().into(),
            now.clone().into(),
            approved.then(|| actor.to_owned()).into(),
            approved.then(|| now.clone()).into(),
            approved.then(|| now.clone()).into(),
            (data.households.len() as i64).into(),
            (data.members.len() as i64).into(),
            (plan.uncovered.len() as i64).into(),
            i64::from(plan.members_needed).into(),
            i64::from(plan.moved_from_previous).into(),
            i64::try_from(plan.total_distance_m).unwrap_or(i64::MAX).into(),
            plan.ignored.join("\n").into(),
        ],
    )
    .await?;
    let locked: HashSet<&str> = data.locked.iter().map(|(h, _)| h.as_str()).collect();
    let rows: Vec<Vec<Value>> = plan
        .pairs
        .iter()
        .map(|p| {
            vec![
                id.clone().into(),
                commune_id.clone().into(),
                p.household_id.clone().into(),
                p.member_id.clone().into(),
                p.reason.code().into(),
                p.distance_m.into(),
                i64::from(locked.contains(p.household_id.as_str())).into(),
            ]
        })
        .collect();
    tx.insert_many(
        "assignment_pairs",
        &[
            "plan_id",
            "commune_id",
            "household_id",
            "member_id",
            "reason",
            "distance_m",
            "locked",
        ],
        &rows,
    )
    .await?;
    audit::did_as(
        tx,
        &audit::Actor::named(actor),
        if approved {
            audit::Action::DraftApprove
        } else {
            audit::Action::Draft
        },
        audit::Entity::AssignmentPlan,
        &id,
        Some(&commune_id),
        serde_json::json!({
            "village_id": data.village.id, "version": version,
            "pairs": plan.pairs.len(), "uncovered": plan.uncovered.len(),
            "moved": plan.moved_from_previous,
        }),
    );
    if approved {
        supersede_approved(tx, &data.village.id, &id, &now).await?;
    }
    Ok(id)
}

async fn supersede_approved(
    tx: &mut WriteTx,
    village_id: &str,
    except: &str,
    now: &str,
) -> AppResult<()> {
    tx.execute(
        "UPDATE assignment_plans SET status = 'superseded', superseded_at = ?, updated_at = ? \
         WHERE village_id = ? AND status = 'approved' AND id <> ?",
        &[now.into(), now.into(), village_id.into(), except.into()],
    )
    .await?;
    Ok(())
}

/// Drafts a new version for the village: solver over the registry, keeping the locked
/// pairs of the open draft and preferring the approved plan's pairs. The older open
/// draft (or returned plan) is set aside as superseded.
pub async fn draft(
    tx: &mut WriteTx,
    scope: &Scope,
    village_id: &str,
    capacity: Option<u32>,
) -> AppResult<String> {
    let village = village_for(tx, scope, village_id, Need::Draft).await?;
    let open = open_plan(tx, &village.id).await?;
    if let Some(o) = open.as_ref().filter(|o| o.status == Status::Submitted) {
        return Err(AppError::Conflict(format!(
            "Danh sách phiên bản {} đang chờ xã duyệt. Chờ xã duyệt hoặc trả lại rồi mới lập danh sách mới.",
            o.version
        )));
    }
    let data = load_village(tx, &village, capacity, open.as_ref().map(|o| o.id.as_str())).await?;
    let plan = data.solve()?;
    let now = clock::now();
    tx.execute(
        "UPDATE assignment_plans SET status = 'superseded', superseded_at = ?, updated_at = ? \
         WHERE village_id = ? AND status IN ('draft','returned')",
        &[now.clone().into(), now.into(), village.id.clone().into()],
    )
    .await?;
    insert_plan(tx, &scope.user_id, &data, &plan, Status::Draft).await
}

/// Recomputes a plan's totals after a hand edit.
async fn refresh_totals(tx: &mut WriteTx, plan: &PlanHead) -> AppResult<()> {
    let vid: Value = plan.village_id.clone().into();
    let pid: Value = plan.id.clone().into();
    let households = tx
        .scalar_i64(
            "SELECT COUNT(*) FROM households WHERE village_id = ? AND status = 'active'",
            std::slice::from_ref(&vid),
        )
        .await?;
    let uncovered = tx
        .scalar_i64(
            "SELECT COUNT(*) FROM households h WHERE h.village_id = ? AND h.status = 'active' \
             AND NOT EXISTS (SELECT 1 FROM assignment_pairs p WHERE p.plan_id = ? AND p.household_id = h.id)",
            &[vid.clone(), pid.clone()],
        )
        .await?;
    let moved = tx
        .scalar_i64(
            "SELECT COUNT(*) FROM assignment_pairs q JOIN assignment_plans a ON a.id = q.plan_id \
             WHERE a.village_id = ? AND a.status = 'approved' AND NOT EXISTS \
             (SELECT 1 FROM assignment_pairs p WHERE p.plan_id = ? AND p.household_id = q.household_id AND p.member_id = q.member_id)",
            &[vid.clone(), pid.clone()],
        )
        .await?;
    let distance = tx
        .scalar_i64(
            "SELECT CAST(COALESCE(SUM(distance_m), 0) AS BIGINT) FROM assignment_pairs WHERE plan_id = ?",
            std::slice::from_ref(&pid),
        )
        .await?;
    let members = tx
        .scalar_i64(
            "SELECT COUNT(*) FROM members WHERE village_id = ? AND status = 'active'",
            std::slice::from_ref(&vid),
        )
        .await?;
    let needed = model::members_needed(households as usize, members as usize, plan.capacity);
    tx.execute(
        "UPDATE assignment_plans SET households = ?, members = ?, uncovered = ?, members_needed = ?, moved = ?, \
         total_distance_m = ?, updated_at = ?, status = CASE WHEN status = 'returned' THEN 'draft' ELSE status END WHERE id = ?",
        &[households.into(), members.into(), uncovered.into(), needed.into(), moved.into(), distance.into(), clock::now().into(), pid],
    )
    .await?;
    Ok(())
}

fn not_editable(plan: &PlanHead) -> AppError {
    AppError::Conflict(format!(
        "Danh sách phiên bản {} đang ở trạng thái \"{}\", không sửa được. Hãy lập danh sách mới.",
        plan.version,
        plan.status.label_vi()
    ))
}

fn log_change(
    tx: &mut Tx,
    scope: &Scope,
    plan: &PlanHead,
    action: audit::Action,
    detail: serde_json::Value,
) {
    audit::did(
        tx,
        scope,
        action,
        audit::Entity::AssignmentPlan,
        &plan.id,
        Some(&plan.commune_id),
        detail,
    );
}

/// Gives a household to another member by hand. The pair is locked, so that re-planning
/// keeps the secretary's decision.
pub async fn move_pair(
    tx: &mut WriteTx,
    scope: &Scope,
    plan_id: &str,
    household_id: &str,
    member_id: &str,
) -> AppResult<()> {
    let (plan, _) = plan_for(tx, scope, plan_id, Need::Draft).await?;
    if !plan.status.editable() {
        return Err(not_editable(&plan));
    }
    let h = tx
        .fetch_optional(
            "SELECT latitude, longitude FROM households WHERE id = ? AND village_id = ? AND status = 'active'",
            &[household_id.into(), plan.village_id.clone().into()],
        )
        .await?
        .ok_or_else(|| AppError::invalid("household_id", "Hộ này không (còn) thuộc thôn; hãy chọn hộ khác"))?;
    let m = tx
        .fetch_optional(
            "SELECT h.latitude, h.longitude FROM members m LEFT JOIN households h ON h.id = m.household_id \
             WHERE m.id = ? AND m.village_id = ? AND m.status = 'active'",
            &[member_id.into(), plan.village_id.clone().into()],
        )
        .await?
        .ok_or_else(|| AppError::invalid("member_id", "Chỉ giao hộ cho đảng viên đang sinh hoạt tại thôn"))?;
    let point = |r: &Row| -> AppResult<Option<GeoPoint>> {
        Ok(match (r.opt_f64("latitude")?, r.opt_f64("longitude")?) {
            (Some(lat), Some(lon)) => Some(GeoPoint { lat, lon }),
            _ => None,
        })
    };
    let distance = match (point(&h)?, point(&m)?) {
        (Some(a), Some(b)) => Some(solver::haversine_m(&a, &b).round() as i64),
        _ => None,
    };
    tx.execute(
        "DELETE FROM assignment_pairs WHERE plan_id = ? AND household_id = ?",
        &[plan_id.into(), household_id.into()],
    )
    .await?;
    tx.execute(
        "INSERT INTO assignment_pairs (plan_id, commune_id, household_id, member_id, reason, distance_m, locked) VALUES (?, ?, ?, ?, ?, ?, 1)",
        &[plan_id.into(), plan.commune_id.clone().into(), household_id.into(), member_id.into(), REASON_MANUAL.into(), distance.into()],
    )
    .await?;
    refresh_totals(tx, &plan).await?;
    log_change(
        tx,
        scope,
        &plan,
        audit::Action::Move,
        serde_json::json!({ "household_id": household_id, "member_id": member_id }),
    );
    Ok(())
}

/// Locks (kept on re-planning) or unlocks a pair.
pub async fn set_lock(
    tx: &mut WriteTx,
    scope: &Scope,
    plan_id: &str,
    household_id: &str,
    locked: bool,
) -> AppResult<()> {
    let (plan, _) = plan_for(tx, scope, plan_id, Need::Draft).await?;
    if !plan.status.editable() {
        return Err(not_editable(&plan));
    }
    let n = tx
        .execute(
            "UPDATE assignment_pairs SET locked = ? WHERE plan_id = ? AND household_id = ?",
            &[
                i64::from(locked).into(),
                plan_id.into(),
                household_id.into(),
            ],
        )
        .await?;
    if n == 0 {
        return Err(AppError::invalid(
            "household_id",
            "Hộ này chưa có trong danh sách; hãy giao cho một đảng viên trước",
        ));
    }
    refresh_totals(tx, &plan).await?;
    log_change(
        tx,
        scope,
        &plan,
        if locked {
            audit::Action::Lock
        } else {
            audit::Action::Unlock
        },
        serde_json::json!({ "household_id": household_id }),
    );
    Ok(())
}

pub async fn submit(tx: &mut WriteTx, scope: &Scope, plan_id: &str) -> AppResult<PlanHead> {
    let (plan, _) = plan_for(tx, scope, plan_id, Need::Draft).await?;
    if !plan.status.editable() {
        return Err(not_editable(&plan));
    }
    let now = clock::now();
    tx.execute(
        "UPDATE assignment_plans SET status = 'submitted', submitted_by = ?, submitted_at = ?, updated_at = ? WHERE id = ?",
        &[scope.user_id.clone().into(), now.clone().into(), now.into(), plan_id.into()],
    )
    .await?;
    log_change(
        tx,
        scope,
        &plan,
        audit::Action::Submit,
        serde_json::json!({ "version": plan.version }),
    );
    Ok(plan)
}

/// Approves a submitted plan: it becomes the one in force; the previous one is superseded.
pub async fn approve(tx: &mut WriteTx, scope: &Scope, plan_id: &str) -> AppResult<PlanHead> {
    let (plan, _) = plan_for(tx, scope, plan_id, Need::Decide).await?;
    if plan.status != Status::Submitted {
        return Err(AppError::Conflict(format!(
            "Chỉ duyệt được danh sách đang chờ duyệt (phiên bản {} đang ở trạng thái \"{}\").",
            plan.version,
            plan.status.label_vi()
        )));
    }
    let now = clock::now();
    supersede_approved(tx, &plan.village_id, &plan.id, &now).await?;
    tx.execute(
        "UPDATE assignment_plans SET status = 'approved', decided_by = ?, decided_at = ?, approved_at = ?, updated_at = ? WHERE id = ?",
        &[scope.user_id.clone().into(), now.clone().into(), now.clone().into(), now.into(), plan_id.into()],
    )
    .await?;
    log_change(
        tx,
        scope,
        &plan,
        audit::Action::Approve,
        serde_json::json!({ "version": plan.version }),
    );
    Ok(plan)
}

/// Returns a submitted plan to the village with a reason it can act on.
pub async fn return_plan(
    tx: &mut WriteTx,
    scope: &Scope,
    plan_id: &str,
    reason: &str,
) -> AppResult<PlanHead> {
    let (plan, _) = plan_for(tx, scope, plan_id, Need::Decide).await?;
    let reason = crate::text::clean(reason);
    if reason.is_empty() || reason.chars().count() > 1000 {
        return Err(AppError::invalid(
            "reason",
            "Cần ghi lý do trả lại (tối đa 1.000 ký tự) để chi bộ biết cần sửa gì",
        ));
    }
    if plan.status != Status::Submitted {
        return Err(AppError::Conflict(format!(
            "Chỉ trả lại được danh sách đang chờ duyệt (phiên bản {} đang ở trạng thái \"{}\").",
            plan.version,
            plan.status.label_vi()
        )));
    }
    let now = clock::now();
    tx.execute(
        "UPDATE assignment_plans SET status = 'returned', decided_by = ?, decided_at = ?, return_reason = ?, updated_at = ? WHERE id = ?",
        &[scope.user_id.clone().into(), now.clone().into(), reason.into(), now.into(), plan_id.into()],
    )
    .await?;
    // The reason is free text: it stays in the plan, not in the log.
    log_change(
        tx,
        scope,
        &plan,
        audit::Action::Return,
        serde_json::json!({ "version": plan.version }),
    );
    Ok(plan)
}

// ---------- reading plans ----------

const PAIRS: &str = "SELECT p.household_id, p.member_id, p.reason, p.distance_m, p.locked, h.code, h.head_name, h.xom, h.ngo, \
     h.house_no, h.latitude, h.longitude, h.status AS h_status, m.full_name, m.status AS m_status \
     FROM assignment_pairs p JOIN households h ON h.id = p.household_id JOIN members m ON m.id = p.member_id";

fn pair_from_row(r: &Row) -> AppResult<PairView> {
    Ok(PairView {
        household_id: r.str("household_id")?,
        household_code: r.str("code")?,
        head_name: r.str("head_name")?,
        address: address(&r.str("house_no")?, &r.str("ngo")?, &r.str("xom")?),
        latitude: r.opt_f64("latitude")?,
        longitude: r.opt_f64("longitude")?,
        household_active: r.str("h_status")? == "active",
        member_id: r.str("member_id")?,
        member_name: r.str("full_name")?,
        member_status: r.str("m_status")?,
        reason: r.str("reason")?,
        distance_m: r.opt_i64("distance_m")?,
        locked: r.bool("locked")?,
    })
}

/// Pairs of a plan (the caller has checked access).
async fn pairs(tx: &mut Tx, plan_id: &str) -> AppResult<Vec<PairView>> {
    tx.fetch_all(
        &format!("{PAIRS} WHERE p.plan_id = ? ORDER BY h.code, h.id"),
        &[plan_id.into()],
    )
    .await?
    .iter()
    .map(pair_from_row)
    .collect()
}

/// Everything the plan page, the map and the documents show.
#[derive(Debug, Clone)]
pub struct PlanDetail {
    pub head: PlanHead,
    pub village: Unit,
    pub commune_name: String,
    pub pairs: Vec<PairView>,
    /// Active members of the village plus anyone still holding a pair.
    pub members: Vec<MemberBrief>,
    pub unassigned: Vec<HouseholdBrief>,
    pub approved: Option<PlanHead>,
    pub approved_pairs: Vec<PairView>,
}

impl PlanDetail {
    pub fn groups(&self) -> Vec<model::MemberGroup> {
        model::group(&self.members, &self.pairs, self.head.capacity)
    }

    pub fn warnings(&self) -> model::Warnings {
        let groups = self.groups();
        let active = self.members.iter().filter(|m| m.status == "active").count();
        let mut w = model::Warnings {
            uncovered: self.unassigned.clone(),
            members_needed: model::members_needed(
                self.pairs.iter().filter(|p| p.household_active).count() + self.unassigned.len(),
                active,
                self.head.capacity,
            ),
            over_capacity: groups
                .iter()
                .filter(|g| g.over_capacity)
                .map(|g| format!("{} ({} hộ)", g.member.name, g.load()))
                .collect(),
            without_coordinates: self.pairs.iter().filter(|p| p.latitude.is_none()).count()
                + self
                    .unassigned
                    .iter()
                    .filter(|h| h.latitude.is_none())
                    .count(),
            inactive_members: Vec::new(),
        };
        let mut seen = HashSet::new();
        for p in &self.pairs {
            if p.member_status != "active" && seen.insert(p.member_id.as_str()) {
                w.inactive_members.push(format!(
                    "{} ({})",
                    p.member_name,
                    crate::people::members::status_label(&p.member_status, false)
                ));
            }
        }
        w
    }

    pub fn diff(&self) -> Option<model::Diff> {
        match &self.approved {
            Some(a) if a.id != self.head.id => Some(model::diff(&self.approved_pairs, &self.pairs)),
            None => Some(model::diff(&[], &self.pairs)),
            Some(_) => None,
        }
    }
}

/// Notes that the whole plan was shown: the plan page, its map and its documents name
/// every household and member in it (and in the approved plan it is compared with).
pub fn note_shown(tx: &mut Tx, scope: &Scope, d: &PlanDetail) {
    let c = Some(d.head.commune_id.as_str());
    audit::shown(
        tx,
        scope,
        audit::Entity::AssignmentPlan,
        c,
        [d.head.id.as_str()],
    );
    for p in d.pairs.iter().chain(d.approved_pairs.iter()) {
        audit::shown(
            tx,
            scope,
            audit::Entity::Household,
            c,
            [p.household_id.as_str()],
        );
        audit::shown(tx, scope, audit::Entity::Member, c, [p.member_id.as_str()]);
    }
    for h in &d.unassigned {
        audit::shown(tx, scope, audit::Entity::Household, c, [h.id.as_str()]);
    }
    for m in &d.members {
        audit::shown(tx, scope, audit::Entity::Member, c, [m.id.as_str()]);
    }
}

/// One plan with its pairs, members and the approved plan to compare with. The caller
/// notes what it shows ([`note_shown`] for the whole plan).
pub async fn detail(tx: &mut Tx, scope: &Scope, plan_id: &str) -> AppResult<PlanDetail> {
    let (head, village) = plan_for(tx, scope, plan_id, Need::Read).await?;
    let pairs = pairs(tx, &head.id).await?;
    let mut members: Vec<MemberBrief> = member_rows(tx, &village.id, false)
        .await?
        .into_iter()
        .map(|(m, _)| m)
        .collect();
    let holding: HashSet<&str> = pairs.iter().map(|p| p.member_id.as_str()).collect();
    members.retain(|m| m.status == "active" || holding.contains(m.id.as_str()));
    let rows = tx
        .fetch_all(
            "SELECT h.id, h.code, h.head_name, h.xom, h.ngo, h.house_no, h.latitude, h.longitude FROM households h \
             WHERE h.village_id = ? AND h.status = 'active' \
             AND NOT EXISTS (SELECT 1 FROM assignment_pairs p WHERE p.plan_id = ? AND p.household_id = h.id) ORDER BY h.code, h.id",
            &[village.id.clone().into(), head.id.clone().into()],
        )
        .await?;
    let unassigned = rows
        .iter()
        .map(|r| {
            Ok(HouseholdBrief {
                id: r.str("id")?,
                code: r.str("code")?,
                head_name: r.str("head_name")?,
                address: address(&r.str("house_no")?, &r.str("ngo")?, &r.str("xom")?),
                latitude: r.opt_f64("latitude")?,
                longitude: r.opt_f64("longitude")?,
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    let approved = approved(tx, &village.id).await?;
    let approved_pairs = match &approved {
        Some(a) if a.id != head.id => self::pairs(tx, &a.id).await?,
        _ => Vec::new(),
    };
    let commune_name = match &village.parent_id {
        Some(p) => units::get(tx, p).await.map(|u| u.name).unwrap_or_default(),
        None => String::new(),
    };
    Ok(PlanDetail {
        head,
        village,
        commune_name,
        pairs,
        members,
        unassigned,
        approved,
        approved_pairs,
    })
}

// ---------- the member's own households ----------

/// SQL keeping `household_col` to households assigned to the scope's member in an approved
/// plan: the whole of a member's registry scope (DESIGN.md §1). `None` for non-members.
pub fn assigned_filter(scope: &Scope, household_col: &str) -> Option<(String, Vec<Value>)> {
    let member = scope
        .member_id
        .as_ref()
        .filter(|_| scope.has_role(Role::Member))?;
    Some((
        format!(
            "{household_col} IN (SELECT p.household_id FROM assignment_pairs p JOIN assignment_plans a ON a.id = p.plan_id \
             WHERE a.status = 'approved' AND p.member_id = ?)"
        ),
        vec![member.into()],
    ))
}

/// The signed-in member's households in the approved plan(s); audit-logged.
pub async fn mine(tx: &mut Tx, scope: &Scope) -> AppResult<Vec<PairView>> {
    let Some((filter, args)) = assigned_filter(scope, "p.household_id") else {
        return Err(AppError::Forbidden);
    };
    let mut args = args;
    args.extend(scope.member_id.clone().map(Value::from));
    let rows = tx
        .fetch_all(
            &format!(
                "{PAIRS} JOIN assignment_plans a2 ON a2.id = p.plan_id WHERE a2.status = 'approved' AND {filter} AND p.member_id = ? \
                 ORDER BY h.code, h.id"
            ),
            &args,
        )
        .await?;
    let pairs = rows
        .iter()
        .map(pair_from_row)
        .collect::<AppResult<Vec<_>>>()?;
    let ids: Vec<String> = pairs.iter().map(|p| p.household_id.clone()).collect();
    let commune = tx
        .fetch_optional(
            "SELECT commune_id FROM members WHERE id = ?",
            &[scope.member_id.clone().into()],
        )
        .await?
        .map(|r| r.str("commune_id"))
        .transpose()?;
    audit::shown(
        tx,
        scope,
        audit::Entity::Household,
        commune.as_deref(),
        ids.iter().map(String::as_str),
    );
    Ok(pairs)
}

// ---------- history ----------

const HISTORY: &str = "SELECT a.id AS plan_id, a.version, a.approved_at, a.superseded_at, p.member_id, m.full_name \
     FROM assignment_pairs p JOIN assignment_plans a ON a.id = p.plan_id JOIN members m ON m.id = p.member_id \
     JOIN households h ON h.id = p.household_id";

fn history_row(r: &Row) -> AppResult<HistoryRow> {
    Ok(HistoryRow {
        plan_id: r.str("plan_id")?,
        version: r.i64("version")?,
        member_id: r.str("member_id")?,
        member_name: r.str("full_name")?,
        approved_at: r.str("approved_at")?,
        superseded_at: r.opt_str("superseded_at")?,
    })
}

/// Who looked after a household, plan by plan (approved plans only), newest first.
/// Registry keepers only: a member sees their own households, not their history.
pub async fn household_history(
    tx: &mut Tx,
    scope: &Scope,
    household_id: &str,
) -> AppResult<Vec<HistoryRow>> {
    let (f, mut args) = unit_filter("h.village_id", &scope.registry_paths());
    let mut all = vec![Value::from(household_id)];
    all.append(&mut args);
    tx.fetch_all(
        &format!("{HISTORY} WHERE p.household_id = ? AND a.approved_at IS NOT NULL AND {f} ORDER BY a.approved_at DESC"),
        &all,
    )
    .await?
    .iter()
    .map(history_row)
    .collect()
}

/// Who looked after household `household_id` at `at`: a stored UTC time, or a date
/// (`YYYY-MM-DD`, Vietnam) meaning the end of that day. The plan in force then is the
/// one with approved_at ≤ at < superseded_at.
pub async fn responsible_at(
    tx: &mut Tx,
    scope: &Scope,
    household_id: &str,
    at: &str,
) -> AppResult<Option<HistoryRow>> {
    let moment = moment(at)?;
    let (f, mut args) = unit_filter("h.village_id", &scope.registry_paths());
    let mut all: Vec<Value> = vec![household_id.into(), moment.clone().into(), moment.into()];
    all.append(&mut args);
    tx.fetch_optional(
        &format!(
            "{HISTORY} WHERE p.household_id = ? AND a.approved_at IS NOT NULL AND a.approved_at <= ? \
             AND (a.superseded_at IS NULL OR a.superseded_at > ?) AND {f} ORDER BY a.approved_at DESC LIMIT 1"
        ),
        &all,
    )
    .await?
    .as_ref()
    .map(history_row)
    .transpose()
}

fn moment(at: &str) -> AppResult<String> {
    let at = at.trim();
    if clock::parse(at).is_some() {
        return Ok(at.to_owned());
    }
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    let d = time::Date::parse(at, &fmt).map_err(|_| {
        AppError::invalid("date", "Ngày phải có dạng năm-tháng-ngày, ví dụ 2026-11-30")
    })?;
    let end = d
        .with_hms_milli(23, 59, 59, 999)
        .map_err(|_| AppError::invalid("date", "Ngày không hợp lệ"))?
        .assume_offset(clock::VIETNAM);
    Ok(clock::stamp(end))
}

// ---------- alerts ----------

/// What the approved plans of the scope's villages no longer cover, plus plans waiting
/// for the committee. Computed from the registry each time: nothing to keep in sync.
pub async fn alerts(tx: &mut Tx, scope: &Scope) -> AppResult<Vec<Alert>> {
    let paths = scope.registry_paths();
    if paths.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    let (f, a) = unit_filter("v.id", &paths);
    for r in tx
        .fetch_all(
            &format!(
                "SELECT v.id, v.name FROM units v WHERE v.kind = 'village' AND v.valid_to IS NULL AND {f} \
                 AND NOT EXISTS (SELECT 1 FROM assignment_plans a WHERE a.village_id = v.id AND a.status = 'approved') \
                 ORDER BY v.name COLLATE vi, v.id"
            ),
            &a,
        )
        .await?
    {
        out.push(Alert {
            village_id: r.str("id")?,
            village_name: r.str("name")?,
            message: "Chưa có danh sách phân công đảng viên phụ trách hộ được xã duyệt.".into(),
        });
    }
    let (f, a) = unit_filter("a.village_id", &paths);
    let mut member_ids = Vec::new();
    let mut commune = None;
    for r in tx
        .fetch_all(
            &format!(
                "SELECT a.village_id, v.name, a.commune_id, m.id, m.full_name, m.status, COUNT(*) AS n \
                 FROM assignment_plans a JOIN units v ON v.id = a.village_id JOIN assignment_pairs p ON p.plan_id = a.id \
                 JOIN members m ON m.id = p.member_id JOIN households h ON h.id = p.household_id \
                 WHERE a.status = 'approved' AND m.status <> 'active' AND h.status = 'active' AND {f} \
                 GROUP BY a.village_id, v.name, a.commune_id, m.id, m.full_name, m.status ORDER BY v.name, m.full_name"
            ),
            &a,
        )
        .await?
    {
        member_ids.push(r.str("id")?);
        commune = Some(r.str("commune_id")?);
        out.push(Alert {
            village_id: r.str("village_id")?,
            village_name: r.str("name")?,
            message: format!(
                "Đảng viên {} đã chuyển sang \"{}\" nhưng vẫn đang phụ trách {} hộ: cần lập lại danh sách.",
                r.str("full_name")?,
                crate::people::members::status_label(&r.str("status")?, false),
                r.i64("n")?
            ),
        });
    }
    let (f, a) = unit_filter("h.village_id", &paths);
    for r in tx
        .fetch_all(
            &format!(
                "SELECT h.village_id, v.name, COUNT(*) AS n FROM households h JOIN units v ON v.id = h.village_id \
                 JOIN assignment_plans a ON a.village_id = h.village_id AND a.status = 'approved' \
                 WHERE h.status = 'active' AND {f} \
                 AND NOT EXISTS (SELECT 1 FROM assignment_pairs p WHERE p.plan_id = a.id AND p.household_id = h.id) \
                 GROUP BY h.village_id, v.name ORDER BY v.name"
            ),
            &a,
        )
        .await?
    {
        out.push(Alert {
            village_id: r.str("village_id")?,
            village_name: r.str("name")?,
            message: format!(
                "{} hộ đang sinh sống chưa có đảng viên phụ trách (hộ mới hoặc chưa được phân công).",
                r.i64("n")?
            ),
        });
    }
    let decide = scope.paths_for(&[Role::CommuneCommittee]);
    if !decide.is_empty() {
        let (f, a) = unit_filter("a.village_id", &decide);
        for r in tx
            .fetch_all(
                &format!(
                    "SELECT a.village_id, v.name, a.version FROM assignment_plans a JOIN units v ON v.id = a.village_id \
                     WHERE a.status = 'submitted' AND {f} ORDER BY v.name"
                ),
                &a,
            )
            .await?
        {
            out.push(Alert {
                village_id: r.str("village_id")?,
                village_name: r.str("name")?,
                message: format!("Danh sách phiên bản {} đang chờ xã duyệt.", r.i64("version")?),
            });
        }
    }
    audit::shown(
        tx,
        scope,
        audit::Entity::Member,
        commune.as_deref(),
        member_ids.iter().map(String::as_str),
    );
    Ok(out)
}

/// One row of the overview: a village, its plan in force and its open draft.
#[derive(Debug, Clone)]
pub struct VillageRow {
    pub village: Unit,
    pub approved: Option<PlanHead>,
    pub open: Option<PlanHead>,
}

pub async fn overview(tx: &mut Tx, scope: &Scope) -> AppResult<Vec<VillageRow>> {
    let mut out = Vec::new();
    for v in units::villages_in_scope(tx, scope).await? {
        let approved = approved(tx, &v.id).await?;
        let open = open_plan(tx, &v.id).await?;
        out.push(VillageRow {
            village: v,
            approved,
            open,
        });
    }
    Ok(out)
}

/// Solves and approves a plan for each village, acting as `actor` without a scope: for
/// system use only (the demo seed, so the story starts told; test fixtures).
pub async fn seed_approved(tx: &mut WriteTx, village_ids: &[String], actor: &str) -> AppResult<()> {
    for vid in village_ids {
        let v = units::get(tx, vid).await?;
        let data = load_village(tx, &v, None, None).await?;
        let plan = data.solve()?;
        insert_plan(tx, actor, &data, &plan, Status::Approved).await?;
    }
    Ok(())
}

/// Names of members by id, for labelling solver output.
pub(crate) fn member_names(data: &VillageData) -> HashMap<String, String> {
    data.members
        .iter()
        .map(|(m, _)| (m.id.clone(), m.name.clone()))
        .collect()
}
