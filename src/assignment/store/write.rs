//! Writing plans: drafting a version, editing it by hand, and the submit/approve/return workflow.

use super::*;

/// Saves a solved plan as a new version of the village's plan, drafted by `actor`.
/// Unscoped, so private to the assignment feature (see [`load_village`]).
pub(in crate::assignment) async fn insert_plan(
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
    insert_plan(tx, scope.user_id(), &data, &plan, Status::Draft).await
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

/// The plan's next status under `action`, or the workflow's refusal as a conflict.
fn next_status(plan: &PlanHead, action: PlanAction) -> AppResult<Status> {
    plan.status
        .apply(action)
        .map_err(|r| AppError::Conflict(r.message(plan.version)))
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
    next_status(&plan, PlanAction::Edit)?;
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

/// Locks (kept on re-planning) or unlocks a pair; answers the pair's member.
pub async fn set_lock(
    tx: &mut WriteTx,
    scope: &Scope,
    plan_id: &str,
    household_id: &str,
    locked: bool,
) -> AppResult<String> {
    let (plan, _) = plan_for(tx, scope, plan_id, Need::Draft).await?;
    next_status(&plan, PlanAction::Edit)?;
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
    tx.fetch_one(
        "SELECT member_id FROM assignment_pairs WHERE plan_id = ? AND household_id = ?",
        &[plan_id.into(), household_id.into()],
    )
    .await?
    .str("member_id")
}

pub async fn submit(tx: &mut WriteTx, scope: &Scope, plan_id: &str) -> AppResult<PlanHead> {
    let (plan, _) = plan_for(tx, scope, plan_id, Need::Draft).await?;
    let to = next_status(&plan, PlanAction::Submit)?;
    let now = clock::now();
    tx.execute(
        "UPDATE assignment_plans SET status = ?, submitted_by = ?, submitted_at = ?, updated_at = ? WHERE id = ?",
        &[to.code().into(), scope.user_id().to_owned().into(), now.clone().into(), now.into(), plan_id.into()],
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
    let to = next_status(&plan, PlanAction::Approve)?;
    let now = clock::now();
    supersede_approved(tx, &plan.village_id, &plan.id, &now).await?;
    tx.execute(
        "UPDATE assignment_plans SET status = ?, decided_by = ?, decided_at = ?, approved_at = ?, updated_at = ? WHERE id = ?",
        &[to.code().into(), scope.user_id().to_owned().into(), now.clone().into(), now.clone().into(), now.into(), plan_id.into()],
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
    let to = next_status(&plan, PlanAction::Return)?;
    let now = clock::now();
    tx.execute(
        "UPDATE assignment_plans SET status = ?, decided_by = ?, decided_at = ?, return_reason = ?, updated_at = ? WHERE id = ?",
        &[to.code().into(), scope.user_id().to_owned().into(), now.clone().into(), reason.into(), now.into(), plan_id.into()],
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
