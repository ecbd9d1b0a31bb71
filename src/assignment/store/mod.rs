//! Plans in the database: drafting (registry → solver → pairs), editing, the
//! submit/approve/return workflow, history, alerts and the member's own list.
//!
//! Who may do what: keepers of a village's registry (its cell secretary, the commune
//! committee) read and draft; only the commune committee approves or returns; a member
//! reads their own pairs of approved plans. Plans the scope cannot read are "not found".

mod alerts;
mod history;
mod mine;
mod read;
mod solver_input;
mod write;

pub use alerts::*;
pub use history::*;
pub use mine::*;
pub use read::*;
pub use solver_input::*;
pub use write::*;

use std::collections::{HashMap, HashSet};

use super::model::{
    self, Alert, HistoryRow, HouseholdBrief, MemberBrief, PairView, PlanAction, PlanHead, Status,
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

/// A plan's header with the names of who drafted and who decided it.
const HEAD: &str = "SELECT a.*, v.name AS village_name, du.display_name AS drafted_by_name, dc.display_name AS decided_by_name \
     FROM assignment_plans a JOIN units v ON v.id = a.village_id \
     LEFT JOIN users du ON du.id = a.drafted_by LEFT JOIN users dc ON dc.id = a.decided_by";

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
        drafted_by_name: model::actor_label(&r.str("drafted_by")?, r.opt_str("drafted_by_name")?),
        drafted_by: r.str("drafted_by")?,
        drafted_at: r.str("drafted_at")?,
        submitted_at: r.opt_str("submitted_at")?,
        decided_by_name: match r.opt_str("decided_by")? {
            Some(id) => Some(model::actor_label(&id, r.opt_str("decided_by_name")?)),
            None => None,
        },
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
