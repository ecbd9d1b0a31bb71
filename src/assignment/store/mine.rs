//! The member's own households: the whole of a member's registry scope.

use super::read::{pair_from_row, PAIRS};
use super::*;

/// SQL keeping `household_col` to households assigned to the scope's member in an approved
/// plan: the whole of a member's registry scope (DESIGN.md §1). `None` for non-members.
pub fn assigned_filter(scope: &Scope, household_col: &str) -> Option<(String, Vec<Value>)> {
    let member = scope.member_id().filter(|_| scope.has_role(Role::Member))?;
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
    // The member's own pairs in approved plans: exactly what `assigned_filter` admits,
    // asked directly rather than through its subquery.
    let Some(member) = scope.member_id().filter(|_| scope.has_role(Role::Member)) else {
        return Err(AppError::Forbidden);
    };
    let rows = tx
        .fetch_all(
            &format!(
                "{PAIRS} JOIN assignment_plans a2 ON a2.id = p.plan_id WHERE a2.status = 'approved' AND p.member_id = ? \
                 ORDER BY h.code, h.id"
            ),
            &[member.into()],
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
            &[scope.member_id().into()],
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
