//! The level above: which of a province's communes have reported for a period (on time,
//! late, missing), the sum of their accepted reports beside the live figures, and the
//! sum its own consolidated report carries. Accepted figures are the snapshots the
//! communes submitted, so the province reports what was reported to it.

use serde::Serialize;
use time::{Date, Duration};

use super::indicators::Figures;
use super::period::Period;
use super::workflow::Status;
use crate::auth::Scope;
use crate::db::{Tx, Value};
use crate::error::{AppError, AppResult};
use crate::units::store::Unit;

/// Whether a commune's report came in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Timeliness {
    /// Submitted by the due day.
    OnTime,
    /// Submitted after it.
    Late,
    /// Not submitted, and the due day has passed.
    Missing,
    /// Not submitted yet, and still time.
    Pending,
}

impl Timeliness {
    pub fn label_vi(self) -> &'static str {
        match self {
            Timeliness::OnTime => "Đúng hạn",
            Timeliness::Late => "Trễ hạn",
            Timeliness::Missing => "Chưa gửi, quá hạn",
            Timeliness::Pending => "Chưa gửi, còn hạn",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Timeliness::OnTime => "On time",
            Timeliness::Late => "Late",
            Timeliness::Missing => "Missing, overdue",
            Timeliness::Pending => "Not yet, still due",
        }
    }

    pub fn label(self, en: bool) -> &'static str {
        if en {
            self.label_en()
        } else {
            self.label_vi()
        }
    }

    /// Pure: from the due day, the first submission's Vietnam date, and today.
    pub fn of(due: Date, submitted: Option<Date>, today: Date) -> Timeliness {
        match submitted {
            Some(d) if d <= due => Timeliness::OnTime,
            Some(_) => Timeliness::Late,
            None if today > due => Timeliness::Missing,
            None => Timeliness::Pending,
        }
    }
}

/// One commune of the overview.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CommuneLine {
    pub unit_id: String,
    pub name: String,
    pub report_id: Option<String>,
    /// The report's status code, if one was drafted.
    pub status: Option<String>,
    pub number: Option<i64>,
    /// yyyy-mm-dd, the due day.
    pub due_on: String,
    pub timeliness: Timeliness,
    /// The accepted figures, if the report is accepted: indicator code → value.
    #[schema(value_type = Option<Object>)]
    pub accepted: Option<Figures>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Overview {
    pub communes: Vec<CommuneLine>,
    /// The sum of the accepted reports.
    #[schema(value_type = Object)]
    pub consolidated: Figures,
    /// The province's figures counted now.
    #[schema(value_type = Object)]
    pub live: Figures,
    pub on_time: usize,
    pub late: usize,
    pub missing: usize,
    pub pending: usize,
}

fn parse_figures(text: &str) -> Figures {
    serde_json::from_str(text).unwrap_or_default()
}

/// The sum of the accepted reports of the communes under `unit` for `period`.
pub async fn accepted_sum(tx: &mut Tx, unit: &Unit, period: &Period) -> AppResult<Figures> {
    let rows = tx
        .fetch_all(
            "SELECT r.figures FROM reports r JOIN units u ON u.id = r.unit_id WHERE r.period = ? \
             AND r.unit_path > ? AND r.unit_path < ? AND u.kind = 'commune' AND r.status IN ('accepted', 'locked')",
            &[
                period.key().into(),
                unit.path.clone().into(),
                format!("{}~", unit.path).into(),
            ],
        )
        .await?;
    let parts: Vec<Figures> = rows
        .iter()
        .map(|r| Ok(parse_figures(&r.str("figures")?)))
        .collect::<AppResult<_>>()?;
    Ok(Figures::sum(&parts))
}

/// The Vietnam date of a stored UTC timestamp.
fn vietnam_date(stamp: &str) -> Option<Date> {
    let t =
        time::OffsetDateTime::parse(stamp, &time::format_description::well_known::Rfc3339).ok()?;
    Some(crate::clock::vietnam_date(t))
}

/// The overview of a province (or any unit above communes) for `period`: its reviewer's
/// view. Live figures are read for the whole unit, once.
pub async fn overview(
    tx: &mut Tx,
    scope: &Scope,
    unit: &Unit,
    period: &Period,
    today: Date,
) -> AppResult<Overview> {
    if matches!(unit.kind.as_str(), "commune" | "village")
        || !scope.covers(&[crate::auth::Role::Supervisor], &unit.path)
    {
        return Err(AppError::NotFound);
    }
    let range: Vec<Value> = vec![unit.path.clone().into(), format!("{}~", unit.path).into()];
    let communes = tx
        .fetch_all(
            "SELECT c.id, c.name, p.due_days FROM units c LEFT JOIN report_profiles p ON p.unit_id = c.id \
             WHERE c.kind = 'commune' AND c.valid_to IS NULL AND c.path >= ? AND c.path < ? \
             AND EXISTS (SELECT 1 FROM units v WHERE v.parent_id = c.id AND v.kind = 'village' AND v.valid_to IS NULL)",
            &range,
        )
        .await?;
    let mut args: Vec<Value> = vec![period.key().into()];
    args.extend(range.iter().cloned());
    let reports = tx
        .fetch_all(
            "SELECT id, unit_id, status, number, submitted_at, figures FROM reports \
             WHERE period = ? AND unit_path > ? AND unit_path < ?",
            &args,
        )
        .await?;
    let mut lines = Vec::with_capacity(communes.len());
    let mut accepted_parts = Vec::new();
    for c in &communes {
        let id = c.str("id")?;
        let due_days = c.opt_i64("due_days")?.unwrap_or(5);
        let due = period.last_day() + Duration::days(due_days);
        let r = reports
            .iter()
            .map(|r| Ok((r.str("unit_id")?, r)))
            .collect::<AppResult<Vec<_>>>()?
            .into_iter()
            .find(|(u, _)| *u == id)
            .map(|(_, r)| r);
        let (report_id, status, number, submitted, accepted) = match r {
            Some(r) => {
                let status = r.str("status")?;
                let accepted = Status::parse(&status)
                    .is_some_and(Status::is_accepted)
                    .then(|| r.str("figures").map(|f| parse_figures(&f)))
                    .transpose()?;
                (
                    Some(r.str("id")?),
                    Some(status),
                    r.opt_i64("number")?,
                    r.opt_str("submitted_at")?.and_then(|s| vietnam_date(&s)),
                    accepted,
                )
            }
            None => (None, None, None, None, None),
        };
        if let Some(f) = &accepted {
            accepted_parts.push(f.clone());
        }
        lines.push(CommuneLine {
            unit_id: id,
            name: c.str("name")?,
            report_id,
            status,
            number,
            due_on: crate::contacts::model::day_text(due),
            timeliness: Timeliness::of(due, submitted, today),
            accepted,
        });
    }
    crate::text::sort_vi(&mut lines, |l| l.name.as_str());
    let count = |t: Timeliness| lines.iter().filter(|l| l.timeliness == t).count();
    Ok(Overview {
        on_time: count(Timeliness::OnTime),
        late: count(Timeliness::Late),
        missing: count(Timeliness::Missing),
        pending: count(Timeliness::Pending),
        consolidated: Figures::sum(&accepted_parts),
        live: super::figures::read(tx, scope, unit, period).await?,
        communes: lines,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_report_is_on_time_late_missing_or_pending_against_its_due_day() {
        let due = date!(2027 - 01 - 05);
        assert_eq!(
            Timeliness::of(due, Some(date!(2027 - 01 - 05)), date!(2027 - 02 - 01)),
            Timeliness::OnTime
        );
        assert_eq!(
            Timeliness::of(due, Some(date!(2027 - 01 - 06)), date!(2027 - 02 - 01)),
            Timeliness::Late
        );
        assert_eq!(
            Timeliness::of(due, None, date!(2027 - 01 - 06)),
            Timeliness::Missing
        );
        assert_eq!(
            Timeliness::of(due, None, date!(2027 - 01 - 05)),
            Timeliness::Pending
        );
    }
}
