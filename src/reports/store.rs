//! Reports as records: a unit's report for a period, its figures (live while it is a
//! draft, a snapshot once submitted), the narrative the committee wrote, and every step of
//! its workflow. A commune's report is written by its committee and reviewed by the
//! province's board; a province's consolidated report is written by its board.

use serde::Serialize;

use super::indicators::{Figures, Indicator, Targets};
use super::narrative::{self, Narrative};
use super::period::Period;
use super::profile::{self, Profile};
use super::workflow::{Side, Status, Step};
use super::{consolidation, figures, targets};
use crate::audit;
use crate::auth::{Role, Scope};
use crate::clock;
use crate::db::{Row, Tx, WriteTx};
use crate::error::{AppError, AppResult};
use crate::units::store::{self as units, Unit};

/// The units that write reports: communes, and provinces (their consolidated report).
pub fn reports_on(unit: &Unit) -> bool {
    matches!(unit.kind.as_str(), "commune" | "province")
}

/// The role that writes a unit's report: a commune's committee, a province's board.
fn author_role(unit: &Unit) -> Role {
    if unit.kind == "province" {
        Role::Supervisor
    } else {
        Role::CommuneCommittee
    }
}

/// Which side of the workflow the scope stands on for `unit`'s report, if any. A
/// province's board reviews its communes' reports and writes its own; the body above the
/// province is a supervisor whose grant lies above it.
pub fn side_of(scope: &Scope, unit: &Unit) -> Option<Side> {
    if unit.kind == "province" {
        let own = scope
            .paths_for(&[Role::Supervisor])
            .iter()
            .any(|p| *p == unit.path);
        let above = scope
            .paths_for(&[Role::Supervisor])
            .iter()
            .any(|p| unit.path.starts_with(p) && p.len() < unit.path.len());
        return if own {
            Some(Side::Author)
        } else if above {
            Some(Side::Reviewer)
        } else {
            None
        };
    }
    if scope.covers(&[author_role(unit)], &unit.path) {
        Some(Side::Author)
    } else if scope.covers(&[Role::Supervisor], &unit.path) {
        Some(Side::Reviewer)
    } else {
        None
    }
}

/// A correction: a figure of an earlier accepted report that the data no longer gives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Correction {
    /// The period of the earlier report ("2026-Q3").
    pub period: String,
    pub indicator: Indicator,
    /// What that report said.
    pub reported: i64,
    /// What the counters give now.
    pub now: i64,
}

/// One step of a report's history.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StepLine {
    pub action: String,
    pub actor: String,
    pub at: String,
    pub note: String,
}

/// A report with everything its pages and documents show.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub id: String,
    pub unit: Unit,
    pub period: Period,
    pub number: Option<i64>,
    pub status: Status,
    pub figures: Figures,
    pub previous: Figures,
    pub targets: Targets,
    pub corrections: Vec<Correction>,
    pub narrative: NarrativeText,
    /// yyyy-mm-dd: the date line, set when submitted.
    pub issued_on: Option<String>,
    pub submitted_at: Option<String>,
    pub version: i64,
    pub steps: Vec<StepLine>,
    pub profile: Profile,
}

/// The narrative as stored (serialisable twin of [`Narrative`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct NarrativeText {
    pub situation: String,
    pub results: String,
    pub shortcomings: String,
    pub tasks: String,
    pub proposals: String,
}

impl From<Narrative> for NarrativeText {
    fn from(n: Narrative) -> Self {
        NarrativeText {
            situation: n.situation,
            results: n.results,
            shortcomings: n.shortcomings,
            tasks: n.tasks,
            proposals: n.proposals,
        }
    }
}

impl Report {
    /// "Số 12-BC/ĐU", or "Số    -BC/ĐU" before a number is given.
    pub fn number_text(&self) -> String {
        match self.number {
            Some(n) => format!("Số {n}-{}", self.profile.number_suffix),
            None => format!("Số      -{}", self.profile.number_suffix),
        }
    }
}

fn json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "{}".into())
}

fn parsed<T: serde::de::DeserializeOwned + Default>(text: &str) -> T {
    serde_json::from_str(text).unwrap_or_default()
}

const COLUMNS: &str =
    "id, unit_id, period, number, status, figures, previous, targets, corrections, situation, \
     results, shortcomings, tasks, proposals, issued_on, submitted_at, version";

async fn load(tx: &mut Tx, r: &Row) -> AppResult<Report> {
    let unit = units::get(tx, &r.str("unit_id")?).await?;
    let cutoff = super::cutoff::cutoff_for(tx, &unit).await?;
    let period = Period::parse(&r.str("period")?, cutoff)
        .ok_or_else(|| AppError::Internal("a report's period does not parse".into()))?;
    let id = r.str("id")?;
    let steps = tx
        .fetch_all(
            "SELECT s.action, COALESCE(u.display_name, s.actor) AS actor, s.at, s.note FROM report_steps s \
             LEFT JOIN users u ON u.id = s.actor WHERE s.report_id = ? ORDER BY s.seq",
            &[id.clone().into()],
        )
        .await?
        .iter()
        .map(|s| {
            Ok(StepLine {
                action: s.str("action")?,
                actor: s.str("actor")?,
                at: s.str("at")?,
                note: s.str("note")?,
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    let profile = profile::of(tx, &unit).await?;
    Ok(Report {
        id,
        period,
        number: r.opt_i64("number")?,
        status: Status::parse(&r.str("status")?)
            .ok_or_else(|| AppError::Internal("unknown report status".into()))?,
        figures: parsed(&r.str("figures")?),
        previous: parsed(&r.str("previous")?),
        targets: parsed(&r.str("targets")?),
        corrections: parsed(&r.str("corrections")?),
        narrative: NarrativeText {
            situation: r.str("situation")?,
            results: r.str("results")?,
            shortcomings: r.str("shortcomings")?,
            tasks: r.str("tasks")?,
            proposals: r.str("proposals")?,
        },
        issued_on: r.opt_str("issued_on")?,
        submitted_at: r.opt_str("submitted_at")?,
        version: r.i64("version")?,
        steps,
        profile,
        unit,
    })
}

/// A report the scope may read (its author or its reviewer); any other is "not found".
pub async fn get(tx: &mut Tx, scope: &Scope, id: &str) -> AppResult<Report> {
    let r = tx
        .fetch_optional(
            &format!("SELECT {COLUMNS} FROM reports WHERE id = ?"),
            &[id.into()],
        )
        .await?
        .ok_or(AppError::NotFound)?;
    let report = load(tx, &r).await?;
    if side_of(scope, &report.unit).is_none() {
        return Err(AppError::NotFound);
    }
    Ok(report)
}

/// The report of `unit` for `period`, if one was drafted.
pub async fn find(
    tx: &mut Tx,
    scope: &Scope,
    unit: &Unit,
    period: &Period,
) -> AppResult<Option<Report>> {
    if side_of(scope, unit).is_none() {
        return Err(AppError::NotFound);
    }
    match tx
        .fetch_optional(
            &format!("SELECT {COLUMNS} FROM reports WHERE unit_id = ? AND period = ?"),
            &[unit.id.clone().into(), period.key().into()],
        )
        .await?
    {
        Some(r) => Ok(Some(load(tx, &r).await?)),
        None => Ok(None),
    }
}

/// The figures a unit's report of `period` gives: a commune's from its counters; a
/// province's, the sum of its communes' accepted reports (what was reported to it).
pub async fn figures_for(
    tx: &mut Tx,
    scope: &Scope,
    unit: &Unit,
    period: &Period,
) -> AppResult<Figures> {
    if unit.kind == "province" {
        Ok(consolidation::accepted_sum(tx, unit, period).await?)
    } else {
        figures::read(tx, scope, unit, period).await
    }
}

/// The previous period's figures as reported (its accepted report), or as counted now.
async fn previous_figures(
    tx: &mut Tx,
    scope: &Scope,
    unit: &Unit,
    period: &Period,
) -> AppResult<(Figures, Option<Figures>)> {
    let before = period.previous();
    let accepted = tx
        .fetch_optional(
            "SELECT figures FROM reports WHERE unit_id = ? AND period = ? AND status IN ('accepted', 'locked')",
            &[unit.id.clone().into(), before.key().into()],
        )
        .await?
        .map(|r| r.str("figures"))
        .transpose()?
        .map(|t| parsed::<Figures>(&t));
    let live = figures_for(tx, scope, unit, &before).await?;
    Ok((
        accepted.clone().unwrap_or_else(|| live.clone()),
        accepted.map(|_| live),
    ))
}

/// What an earlier accepted report said that the data no longer gives: the period-bound
/// indicators only (the registry's counts are as of the day they were read).
fn corrections_of(period: &Period, reported: &Figures, now: &Figures) -> Vec<Correction> {
    reported
        .changed(now)
        .into_iter()
        .filter(|(i, _, _)| i.is_period_bound())
        .map(|(indicator, reported, now)| Correction {
            period: period.key(),
            indicator,
            reported,
            now,
        })
        .collect()
}

/// The live part of a draft: figures, previous figures, targets and corrections.
struct Live {
    figures: Figures,
    previous: Figures,
    targets: Targets,
    corrections: Vec<Correction>,
}

async fn live(tx: &mut Tx, scope: &Scope, unit: &Unit, period: &Period) -> AppResult<Live> {
    let figures = figures_for(tx, scope, unit, period).await?;
    let (previous, recounted) = previous_figures(tx, scope, unit, period).await?;
    let corrections = match recounted {
        Some(now) => corrections_of(&period.previous(), &previous, &now),
        None => Vec::new(),
    };
    let targets = targets::of(tx, unit).await?;
    Ok(Live {
        figures,
        previous,
        targets,
        corrections,
    })
}

/// Opens the draft of `unit`'s report for `period`, or returns the one already there.
/// The committee of a commune (or the board of a province) only.
pub async fn open(
    tx: &mut WriteTx,
    scope: &Scope,
    unit_id: &str,
    period_key: &str,
) -> AppResult<String> {
    let unit = units::get(tx, unit_id).await?;
    if !reports_on(&unit) || side_of(scope, &unit) != Some(Side::Author) {
        return Err(AppError::NotFound);
    }
    let cutoff = super::cutoff::cutoff_for(tx, &unit).await?;
    let period = Period::parse(period_key, cutoff).ok_or_else(|| {
        AppError::invalid(
            "period",
            "Kỳ báo cáo chưa đúng; chọn một kỳ trong danh sách",
        )
    })?;
    if let Some(r) = tx
        .fetch_optional(
            "SELECT id FROM reports WHERE unit_id = ? AND period = ?",
            &[unit.id.clone().into(), period.key().into()],
        )
        .await?
    {
        return r.str("id");
    }
    if period.first_day() > clock::vietnam_today() {
        return Err(AppError::invalid(
            "period",
            "Kỳ này chưa bắt đầu; chỉ lập báo cáo cho kỳ đang diễn ra hoặc đã qua",
        ));
    }
    let l = live(tx, scope, &unit, &period).await?;
    let n: NarrativeText = narrative::draft(
        &unit.name,
        &period.label_vi(),
        &l.figures,
        &l.previous,
        &l.targets,
    )
    .into();
    let id = clock::new_id();
    let now = clock::now();
    tx.execute(
        "INSERT INTO reports (id, unit_id, unit_path, period, status, figures, previous, targets, corrections, \
         situation, results, shortcomings, tasks, proposals, created_by, created_at, updated_by, updated_at) \
         VALUES (?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        &[
            id.clone().into(),
            unit.id.clone().into(),
            unit.path.clone().into(),
            period.key().into(),
            json(&l.figures).into(),
            json(&l.previous).into(),
            json(&l.targets).into(),
            json(&l.corrections).into(),
            n.situation.into(),
            n.results.into(),
            n.shortcomings.into(),
            n.tasks.into(),
            n.proposals.into(),
            scope.user_id().into(),
            now.clone().into(),
            scope.user_id().into(),
            now.clone().into(),
        ],
    )
    .await?;
    add_step(tx, scope, &id, "draft", "").await?;
    audit::did(
        tx,
        scope,
        audit::Action::Create,
        audit::Entity::Report,
        &id,
        unit.commune_id
            .as_deref()
            .filter(|_| unit.kind == "commune"),
        serde_json::json!({ "unit": unit.id, "period": period.key() }),
    );
    Ok(id)
}

async fn add_step(
    tx: &mut WriteTx,
    scope: &Scope,
    id: &str,
    action: &str,
    note: &str,
) -> AppResult<()> {
    tx.execute(
        "INSERT INTO report_steps (report_id, seq, action, actor, at, note) \
         VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM report_steps WHERE report_id = ?), ?, ?, ?, ?)",
        &[
            id.into(),
            id.into(),
            action.into(),
            scope.user_id().into(),
            clock::now().into(),
            note.trim().into(),
        ],
    )
    .await?;
    Ok(())
}

/// The narrative as the committee edits it; `version` is the one the form was read at.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct Edit {
    #[serde(flatten)]
    pub narrative: NarrativeText,
    pub version: i64,
}

const LIMIT: usize = 20_000;

fn check_narrative(n: &NarrativeText) -> AppResult<()> {
    for (field, text) in [
        ("situation", &n.situation),
        ("results", &n.results),
        ("shortcomings", &n.shortcomings),
        ("tasks", &n.tasks),
        ("proposals", &n.proposals),
    ] {
        if text.chars().count() > LIMIT {
            return Err(AppError::invalid(
                field,
                format!("Phần này dài quá {LIMIT} ký tự; rút gọn hoặc đưa vào phụ lục"),
            ));
        }
    }
    if n.results.trim().is_empty() {
        return Err(AppError::invalid(
            "results",
            "Phần kết quả không được để trống",
        ));
    }
    Ok(())
}

/// Saves the narrative of a draft (or a returned report) and refreshes its figures.
pub async fn edit(tx: &mut WriteTx, scope: &Scope, id: &str, e: &Edit) -> AppResult<Report> {
    let r = get(tx, scope, id).await?;
    let side = side_of(scope, &r.unit).ok_or(AppError::NotFound)?;
    r.status
        .apply(Step::Edit, side, "")
        .map_err(|m| AppError::invalid("status", m))?;
    if e.version != r.version {
        return Err(AppError::invalid(
            "version",
            "Báo cáo vừa được người khác sửa; mở lại trang để xem bản mới rồi sửa tiếp",
        ));
    }
    check_narrative(&e.narrative)?;
    let l = live(tx, scope, &r.unit, &r.period).await?;
    let n = &e.narrative;
    tx.execute(
        "UPDATE reports SET figures = ?, previous = ?, targets = ?, corrections = ?, situation = ?, results = ?, \
         shortcomings = ?, tasks = ?, proposals = ?, version = version + 1, updated_by = ?, updated_at = ? \
         WHERE id = ? AND version = ?",
        &[
            json(&l.figures).into(),
            json(&l.previous).into(),
            json(&l.targets).into(),
            json(&l.corrections).into(),
            n.situation.trim().into(),
            n.results.trim().into(),
            n.shortcomings.trim().into(),
            n.tasks.trim().into(),
            n.proposals.trim().into(),
            scope.user_id().into(),
            clock::now().into(),
            id.into(),
            e.version.into(),
        ],
    )
    .await?;
    audit::did(
        tx,
        scope,
        audit::Action::Update,
        audit::Entity::Report,
        id,
        commune_of(&r.unit),
        serde_json::json!({ "version": e.version + 1 }),
    );
    get(tx, scope, id).await
}

fn commune_of(unit: &Unit) -> Option<&str> {
    (unit.kind == "commune").then_some(unit.id.as_str())
}

/// Takes a workflow step. Submitting freezes the figures as they are now and gives the
/// report its number and date; returning needs a reason.
pub async fn step(
    tx: &mut WriteTx,
    scope: &Scope,
    id: &str,
    step: Step,
    note: &str,
) -> AppResult<Report> {
    let r = get(tx, scope, id).await?;
    let side = side_of(scope, &r.unit).ok_or(AppError::NotFound)?;
    if step == Step::Edit {
        return Err(AppError::invalid("step", "Bước xử lý không hợp lệ"));
    }
    let next = r.status.apply(step, side, note).map_err(|m| {
        AppError::invalid(
            if m.contains("lý do") {
                "note"
            } else {
                "status"
            },
            m,
        )
    })?;
    if note.chars().count() > 2_000 {
        return Err(AppError::invalid("note", "Ghi chú dài quá 2.000 ký tự"));
    }
    let now = clock::now();
    if step == Step::Submit {
        let l = live(tx, scope, &r.unit, &r.period).await?;
        let today = clock::vietnam_today();
        let number = match r.number {
            Some(n) => n,
            None => {
                tx.scalar_i64(
                    "SELECT COALESCE(MAX(number), 0) + 1 FROM reports WHERE unit_id = ? AND substr(issued_on, 1, 4) = ?",
                    &[r.unit.id.clone().into(), format!("{:04}", today.year()).into()],
                )
                .await?
            }
        };
        tx.execute(
            "UPDATE reports SET status = ?, figures = ?, previous = ?, targets = ?, corrections = ?, number = ?, \
             issued_on = ?, submitted_at = COALESCE(submitted_at, ?), version = version + 1, updated_by = ?, updated_at = ? WHERE id = ?",
            &[
                next.code().into(),
                json(&l.figures).into(),
                json(&l.previous).into(),
                json(&l.targets).into(),
                json(&l.corrections).into(),
                number.into(),
                crate::contacts::model::day_text(today).into(),
                now.clone().into(),
                scope.user_id().into(),
                now.into(),
                id.into(),
            ],
        )
        .await?;
    } else {
        tx.execute(
            "UPDATE reports SET status = ?, version = version + 1, updated_by = ?, updated_at = ? WHERE id = ?",
            &[
                next.code().into(),
                scope.user_id().into(),
                now.into(),
                id.into(),
            ],
        )
        .await?;
    }
    add_step(tx, scope, id, step.code(), note).await?;
    let action = match step {
        Step::Submit => audit::Action::Submit,
        Step::Return => audit::Action::Return,
        Step::Accept => audit::Action::Accept,
        Step::Lock => audit::Action::Lock,
        Step::Edit => audit::Action::Update,
    };
    audit::did(
        tx,
        scope,
        action,
        audit::Entity::Report,
        id,
        commune_of(&r.unit),
        serde_json::json!({ "status": next.code(), "note": note.trim() }),
    );
    get(tx, scope, id).await
}

/// A unit's reports, newest period first, for its list page.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Listed {
    pub id: String,
    pub period: String,
    pub number: Option<i64>,
    pub status: String,
    pub submitted_at: Option<String>,
}

pub async fn list(tx: &mut Tx, scope: &Scope, unit: &Unit) -> AppResult<Vec<Listed>> {
    if side_of(scope, unit).is_none() {
        return Err(AppError::NotFound);
    }
    tx.fetch_all(
        "SELECT id, period, number, status, submitted_at FROM reports WHERE unit_id = ? ORDER BY period DESC",
        &[unit.id.clone().into()],
    )
    .await?
    .iter()
    .map(|r| {
        Ok(Listed {
            id: r.str("id")?,
            period: r.str("period")?,
            number: r.opt_i64("number")?,
            status: r.str("status")?,
            submitted_at: r.opt_str("submitted_at")?,
        })
    })
    .collect()
}
