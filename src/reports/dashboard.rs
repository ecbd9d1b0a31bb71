//! The indicators dashboard of each role: a commune's committee sees its villages, a
//! province's board its communes (with each one's report status), the Front its commune's
//! villages, a cell secretary its village. Counts only: no line names a person. Every
//! figure comes from the counters (`figures::read`), plus what is overdue today.

use serde::Serialize;
use time::Date;

use super::indicators::Figures;
use super::period::Period;
use crate::auth::{Role, Scope};
use crate::db::Tx;
use crate::error::{AppError, AppResult};
use crate::units::store::{self as units, Unit};

/// Who sees the dashboard (the coverage readers: counts of their own area).
pub const READERS: &[Role] = crate::coverage::store::READERS;

/// One line: a unit below the one shown (or the unit itself for a village).
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    pub unit: Unit,
    pub figures: Figures,
    /// Petitions open today past their stage's deadline.
    pub overdue: i64,
    /// The unit's report status for the period, for a board looking at its communes.
    pub report: Option<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct Dashboard {
    pub unit: Unit,
    pub lines: Vec<Line>,
    pub total: Figures,
    pub overdue: i64,
    /// Whether the lines carry report status (a board's view of communes).
    pub with_reports: bool,
}

/// The highest unit the scope sees the dashboard of.
pub async fn home_unit(tx: &mut Tx, scope: &Scope) -> AppResult<String> {
    let mut paths = scope.paths_for(READERS);
    paths.sort_by_key(|p| p.len());
    let top = paths.first().ok_or(AppError::Forbidden)?.to_string();
    tx.fetch_optional("SELECT id FROM units WHERE path = ?", &[top.into()])
        .await?
        .ok_or(AppError::NotFound)?
        .str("id")
}

async fn overdue(tx: &mut Tx, unit: &Unit, today: Date) -> AppResult<i64> {
    let day = crate::contacts::model::day_text(today);
    let (filter, mut args) = match unit.kind.as_str() {
        "village" => ("village_id = ?".to_owned(), vec![unit.id.clone().into()]),
        "commune" => ("commune_id = ?".to_owned(), vec![unit.id.clone().into()]),
        _ => (
            "commune_id IN (SELECT id FROM units WHERE kind = 'commune' AND path >= ? AND path < ?)".to_owned(),
            vec![unit.path.clone().into(), format!("{}~", unit.path).into()],
        ),
    };
    args.push(day.into());
    tx.scalar_i64(
        &format!("SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM petition_open WHERE {filter} AND due_on < ?"),
        &args,
    )
    .await
}

/// The dashboard of `unit_id` for `period`, for a scope that covers it.
pub async fn dashboard(
    tx: &mut Tx,
    scope: &Scope,
    unit_id: &str,
    period: &Period,
    today: Date,
) -> AppResult<Dashboard> {
    let unit = units::get(tx, unit_id).await?;
    if unit.valid_to.is_some() || !scope.covers(READERS, &unit.path) {
        return Err(AppError::NotFound);
    }
    let below: Vec<Unit> = match unit.kind.as_str() {
        "village" => vec![unit.clone()],
        "commune" => units::children(tx, &unit.id, false)
            .await?
            .into_iter()
            .filter(|u| u.kind == "village")
            .collect(),
        _ => {
            let ids: Vec<String> = tx
                .fetch_all(
                    "SELECT c.id FROM units c WHERE c.kind = 'commune' AND c.valid_to IS NULL AND c.path >= ? AND c.path < ? \
                     AND EXISTS (SELECT 1 FROM units v WHERE v.parent_id = c.id AND v.kind = 'village' AND v.valid_to IS NULL)",
                    &[unit.path.clone().into(), format!("{}~", unit.path).into()],
                )
                .await?
                .iter()
                .map(|r| r.str("id"))
                .collect::<AppResult<_>>()?;
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                out.push(units::get(tx, &id).await?);
            }
            out
        }
    };
    let with_reports = !matches!(unit.kind.as_str(), "village" | "commune")
        && scope.covers(&[Role::Supervisor], &unit.path);
    let mut lines = Vec::with_capacity(below.len());
    for u in below {
        let figures = super::figures::read(tx, scope, &u, period).await?;
        let overdue = overdue(tx, &u, today).await?;
        let report = if with_reports {
            tx.fetch_optional(
                "SELECT id, status FROM reports WHERE unit_id = ? AND period = ?",
                &[u.id.clone().into(), period.key().into()],
            )
            .await?
            .map(|r| Ok::<_, AppError>((r.str("id")?, r.str("status")?)))
            .transpose()?
        } else {
            None
        };
        lines.push(Line {
            unit: u,
            figures,
            overdue,
            report,
        });
    }
    crate::text::sort_vi(&mut lines, |l| l.unit.name.as_str());
    let total = if unit.kind == "village" {
        lines.first().map(|l| l.figures.clone()).unwrap_or_default()
    } else {
        super::figures::read(tx, scope, &unit, period).await?
    };
    let overdue = overdue(tx, &unit, today).await?;
    Ok(Dashboard {
        unit,
        lines,
        total,
        overdue,
        with_reports,
    })
}
