//! The registry's counts under a set of units, read from `registry_counts`: one row per
//! village that database triggers move with every write of households, members, plans
//! and pairs (migration 0027). Aggregates only; callers decide who may see them.

use crate::db::Tx;
use crate::error::AppResult;

/// Active households, those an approved plan gives a member, and active members.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub households: i64,
    pub assigned: i64,
    pub members: i64,
}

/// The counts of every village under `paths` (unit paths, as the scope gives them).
pub async fn under(tx: &mut Tx, paths: &[&str]) -> AppResult<Counts> {
    let (f, a) = crate::auth::scope::unit_filter("village_id", paths);
    let r = tx
        .fetch_one(
            &format!(
                "SELECT CAST(COALESCE(SUM(households), 0) AS BIGINT) AS households, \
                 CAST(COALESCE(SUM(assigned), 0) AS BIGINT) AS assigned, \
                 CAST(COALESCE(SUM(members), 0) AS BIGINT) AS members FROM registry_counts WHERE {f}"
            ),
            &a,
        )
        .await?;
    Ok(Counts {
        households: r.i64("households")?,
        assigned: r.i64("assigned")?,
        members: r.i64("members")?,
    })
}
