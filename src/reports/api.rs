//! Indicators and reports through the API: a unit's indicators for a period (what a
//! province's own tools would read), a report as drafted or accepted, and its workflow
//! steps. Figures are objects of indicator code → count.

use axum::extract::{Path, State};
use axum::Json;
use serde::{Deserialize, Serialize};

use super::indicators::Figures;
use super::pages::today;
use super::store::{self, Correction, NarrativeText, Report, StepLine};
use super::workflow::Step;
use crate::auth::Session;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::units::store as units;
use crate::web::extract::{ApiJson, Q};

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct UnitPeriod {
    /// A village, commune or province.
    unit: String,
    /// `2026-Q4`, `2026-M12`, `2026-H1`, `2026`; the current quarter when absent.
    period: String,
}

/// The period asked for; this quarter when it is absent or does not parse (a lookup, not
/// a form: there is nothing to correct).
async fn period_or_this_quarter(
    tx: &mut crate::db::Tx,
    unit: &crate::units::store::Unit,
    raw: &str,
) -> AppResult<super::period::Period> {
    let cutoff = super::cutoff::cutoff_for(tx, unit).await?;
    Ok(
        super::period::Period::parse(raw.trim(), cutoff).unwrap_or_else(|| {
            super::period::Period::containing(today(), super::period::Kind::Quarter, cutoff)
        }),
    )
}

/// A unit's indicators for a period, the period before, and the targets that apply.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct IndicatorsBody {
    pub unit_id: String,
    pub period: String,
    pub period_label: String,
    pub from: String,
    pub to: String,
    #[schema(value_type = Object)]
    pub figures: Figures,
    #[schema(value_type = Object)]
    pub previous: Figures,
    /// Indicator code → target (a count, or per mille for a share).
    #[schema(value_type = Object)]
    pub targets: super::indicators::Targets,
}

#[utoipa::path(get, path = "/api/v1/indicators", tag = "reports",
    params(("unit" = String, Query), ("period" = Option<String>, Query)),
    responses((status = 200, body = IndicatorsBody), (status = 404, description = "not a unit whose figures the user sees")))]
pub async fn indicators(
    State(st): State<AppState>,
    s: Session,
    Q(q): Q<UnitPeriod>,
) -> AppResult<Json<IndicatorsBody>> {
    let scope = s.scope.clone();
    let v = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                let unit = units::get(tx, q.unit.trim()).await?;
                if !scope.covers(crate::coverage::store::READERS, &unit.path) {
                    return Err(AppError::NotFound);
                }
                let period = super::pages::period_for(tx, &unit, &q.period).await?;
                let figures = super::figures::read(tx, &scope, &unit, &period).await?;
                let previous = super::figures::read(tx, &scope, &unit, &period.previous()).await?;
                let targets = super::targets::of(tx, &unit).await?;
                Ok(IndicatorsBody {
                    unit_id: unit.id,
                    period: period.key(),
                    period_label: period.label_vi(),
                    from: crate::contacts::model::day_text(period.first_day()),
                    to: crate::contacts::model::day_text(period.last_day()),
                    figures,
                    previous,
                    targets,
                })
            })
        })
        .await?;
    Ok(Json(v))
}

/// A report as the API gives it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReportBody {
    pub id: String,
    pub unit_id: String,
    pub unit_name: String,
    pub period: String,
    /// "Số 12-BC/ĐU", dotted before submission.
    pub number: String,
    /// draft | submitted | returned | accepted | locked
    pub status: String,
    #[schema(value_type = Object)]
    pub figures: Figures,
    #[schema(value_type = Object)]
    pub previous: Figures,
    #[schema(value_type = Object)]
    pub targets: super::indicators::Targets,
    pub corrections: Vec<Correction>,
    pub narrative: NarrativeText,
    pub issued_on: Option<String>,
    pub signer: String,
    pub recipients: Vec<String>,
    pub steps: Vec<StepLine>,
}

impl From<Report> for ReportBody {
    fn from(r: Report) -> Self {
        ReportBody {
            number: r.number_text(),
            signer: format!(
                "{} {} — {} {}",
                r.profile.signer_mode.written(),
                r.profile.signer_body,
                r.profile.signer_title,
                r.profile.signer_name
            )
            .trim()
            .to_owned(),
            recipients: r.profile.recipients_lines(),
            id: r.id,
            unit_id: r.unit.id,
            unit_name: r.unit.name,
            period: r.period.key(),
            status: r.status.code().into(),
            figures: r.figures,
            previous: r.previous,
            targets: r.targets,
            corrections: r.corrections,
            narrative: r.narrative,
            issued_on: r.issued_on,
            steps: r.steps,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/reports", tag = "reports",
    params(("unit" = String, Query), ("period" = Option<String>, Query)),
    responses((status = 200, body = ReportBody), (status = 404, description = "no such report the user may read")))]
pub async fn find(
    State(st): State<AppState>,
    s: Session,
    Q(q): Q<UnitPeriod>,
) -> AppResult<Json<ReportBody>> {
    let scope = s.scope.clone();
    let r = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                let unit = units::get(tx, q.unit.trim()).await?;
                let period = period_or_this_quarter(tx, &unit, &q.period).await?;
                store::find(tx, &scope, &unit, &period)
                    .await?
                    .ok_or(AppError::NotFound)
            })
        })
        .await?;
    Ok(Json(r.into()))
}

#[utoipa::path(get, path = "/api/v1/reports/{id}", tag = "reports",
    responses((status = 200, body = ReportBody), (status = 404, description = "no such report the user may read")))]
pub async fn get(
    State(st): State<AppState>,
    s: Session,
    Path(id): Path<String>,
) -> AppResult<Json<ReportBody>> {
    let scope = s.scope.clone();
    let r = st
        .db
        .read(move |tx| Box::pin(async move { store::get(tx, &scope, &id).await }))
        .await?;
    Ok(Json(r.into()))
}

/// A workflow step.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepBody {
    /// submit | return | accept | lock
    pub step: String,
    /// Required to return a report.
    #[serde(default)]
    pub note: String,
}

#[utoipa::path(post, path = "/api/v1/reports/{id}/steps", request_body = StepBody, tag = "reports",
    responses((status = 200, body = ReportBody), (status = 404, description = "no such report the user may read"),
        (status = 422, description = "the step cannot be taken now, with the reason")))]
pub async fn step(
    State(st): State<AppState>,
    s: Session,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<StepBody>,
) -> AppResult<Json<ReportBody>> {
    let step = Step::parse(body.step.trim())
        .filter(|s| *s != Step::Edit)
        .ok_or_else(|| {
            AppError::invalid(
                "step",
                "Bước xử lý phải là submit, return, accept hoặc lock",
            )
        })?;
    let scope = s.scope.clone();
    let r = st
        .db
        .write(move |tx| {
            Box::pin(async move { store::step(tx, &scope, &id, step, &body.note).await })
        })
        .await?;
    Ok(Json(r.into()))
}

#[utoipa::path(get, path = "/api/v1/reports/overview", tag = "reports",
    params(("unit" = String, Query), ("period" = Option<String>, Query)),
    responses((status = 200, body = super::consolidation::Overview), (status = 404, description = "not a unit above communes the user reviews")))]
pub async fn overview(
    State(st): State<AppState>,
    s: Session,
    Q(q): Q<UnitPeriod>,
) -> AppResult<Json<super::consolidation::Overview>> {
    let scope = s.scope.clone();
    let v = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                let unit = units::get(tx, q.unit.trim()).await?;
                let period = period_or_this_quarter(tx, &unit, &q.period).await?;
                super::consolidation::overview(tx, &scope, &unit, &period, today()).await
            })
        })
        .await?;
    Ok(Json(v))
}
