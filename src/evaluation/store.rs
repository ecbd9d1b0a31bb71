//! Evaluations in the database: a province's rubric, opening a commune's evaluation (the
//! proposal, kept as made), the committee's adjustments and approval, commendations, and
//! what each reader may see of them.

use serde::Serialize;
use time::Date;

use super::figures;
use super::model::{self, Action, Figure, Level, Ranked, Status, Subject};
use super::rubric::Rubric;
use crate::audit;
use crate::auth::{Role, Scope};
use crate::db::{Row, Tx, WriteTx};
use crate::error::{AppError, AppResult};
use crate::reports::period::{Kind, Period};
use crate::units::store::{self as units, Unit};

/// Who reads evaluations at all: the committee, the village's secretary, the boards above
/// (levels of villages, counts of members) and the Front (counts only).
pub const READERS: &[Role] = &[
    Role::CellSecretary,
    Role::CommuneCommittee,
    Role::Supervisor,
    Role::FrontReviewer,
];

/// How much of an evaluation a reader sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Viewer {
    /// The commune's committee: everything, and it decides.
    Committee,
    /// A village's secretary: the lines of the villages under these paths.
    Secretary(Vec<String>),
    /// A board above the commune: the villages' levels, the members' counts per level.
    Board,
    /// The Front's supervision: counts per level only.
    Front,
}

impl Viewer {
    pub fn sees_villages(&self) -> bool {
        !matches!(self, Viewer::Front)
    }

    pub fn sees_members(&self) -> bool {
        matches!(self, Viewer::Committee | Viewer::Secretary(_))
    }

    pub fn decides(&self) -> bool {
        matches!(self, Viewer::Committee)
    }

    fn sees_village(&self, path: &str) -> bool {
        match self {
            Viewer::Secretary(paths) => paths.iter().any(|p| path.starts_with(p.as_str())),
            Viewer::Front => false,
            _ => true,
        }
    }
}

// ---- rubrics ----

fn province_part(path: &str) -> Option<String> {
    path.split('/')
        .find(|s| s.starts_with("p-"))
        .map(str::to_owned)
}

/// The rubric `unit`'s province scores with: its own, or the defaults.
pub async fn rubric_for(tx: &mut Tx, unit: &Unit) -> AppResult<Rubric> {
    let Some(province) = crate::reports::cutoff::province_of(tx, unit).await? else {
        return Ok(Rubric::default());
    };
    rubric_of(tx, &province).await
}

async fn rubric_of(tx: &mut Tx, province_id: &str) -> AppResult<Rubric> {
    Ok(tx
        .fetch_optional(
            "SELECT rubric FROM evaluation_rubrics WHERE province_id = ?",
            &[province_id.into()],
        )
        .await?
        .map(|r| r.str("rubric"))
        .transpose()?
        .map_or_else(Rubric::default, |s| Rubric::from_json(&s)))
}

/// The provinces whose rubric the scope may edit: a supervisor's or the administrator's.
pub async fn rubric_provinces(tx: &mut Tx, scope: &Scope) -> AppResult<Vec<Unit>> {
    let paths = scope.paths_for(&[Role::Supervisor, Role::Admin]);
    let mut out: Vec<Unit> = Vec::new();
    for p in paths {
        for r in tx
            .fetch_all(
                "SELECT id FROM units WHERE kind = 'province' AND valid_to IS NULL AND path >= ? AND path < ?",
                &[p.into(), format!("{p}~").into()],
            )
            .await?
        {
            let u = units::get(tx, &r.str("id")?).await?;
            if !out.iter().any(|x| x.id == u.id) {
                out.push(u);
            }
        }
    }
    out.retain(|u| scope.covers(&[Role::Supervisor, Role::Admin], &u.path));
    out.sort_by(|a, b| crate::text::compare(&a.name, &b.name));
    Ok(out)
}

/// A province the scope may edit the rubric of; any other is "not found".
pub async fn rubric_province(tx: &mut Tx, scope: &Scope, id: &str) -> AppResult<(Unit, Rubric)> {
    let u = units::get(tx, id).await.map_err(|_| AppError::NotFound)?;
    if u.kind != "province" || !scope.covers(&[Role::Supervisor, Role::Admin], &u.path) {
        return Err(AppError::NotFound);
    }
    let r = rubric_of(tx, &u.id).await?;
    Ok((u, r))
}

/// Saves a province's rubric. Evaluations already opened keep the rubric they were
/// proposed with.
pub async fn save_rubric(tx: &mut WriteTx, scope: &Scope, id: &str, r: &Rubric) -> AppResult<()> {
    let (u, _) = rubric_province(tx, scope, id).await?;
    tx.execute(
        "INSERT INTO evaluation_rubrics (province_id, rubric, updated_by, updated_at) VALUES (?, ?, ?, ?) \
         ON CONFLICT (province_id) DO UPDATE SET rubric = excluded.rubric, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        &[
            u.id.clone().into(),
            r.to_json().into(),
            scope.user_id().into(),
            crate::clock::now().into(),
        ],
    )
    .await?;
    audit::did(
        tx,
        scope,
        audit::Action::Update,
        audit::Entity::EvaluationRubric,
        &u.id,
        None,
        serde_json::json!({ "excellent_percent": r.excellent_percent }),
    );
    Ok(())
}

// ---- evaluations ----

/// An evaluation's head.
#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    pub id: String,
    pub commune_id: String,
    pub commune_name: String,
    #[serde(skip)]
    pub commune_path: String,
    pub period: String,
    pub period_label: String,
    pub first_day: String,
    pub last_day: String,
    pub status: Status,
    #[serde(skip)]
    pub rubric: Rubric,
    pub opened_at: String,
    pub approved_by: Option<String>,
    pub approved_at: Option<String>,
}

const HEAD: &str = "SELECT e.id, e.commune_id, e.period, e.first_day, e.last_day, e.status, e.rubric, e.opened_at, \
    e.approved_at, ua.display_name AS approver, c.name AS commune_name, c.path AS commune_path FROM evaluations e \
    JOIN units c ON c.id = e.commune_id LEFT JOIN users ua ON ua.id = e.approved_by";

fn head(r: &Row) -> AppResult<Evaluation> {
    let period = r.str("period")?;
    let status = r.str("status")?;
    Ok(Evaluation {
        id: r.str("id")?,
        commune_id: r.str("commune_id")?,
        commune_name: r.str("commune_name")?,
        commune_path: r.str("commune_path")?,
        period_label: Period::parse(&period, Default::default())
            .map_or_else(|| period.clone(), |p| p.label_vi()),
        period,
        first_day: r.str("first_day")?,
        last_day: r.str("last_day")?,
        status: Status::parse(&status)
            .ok_or_else(|| AppError::internal(format!("evaluation status {status}")))?,
        rubric: Rubric::from_json(&r.str("rubric")?),
        opened_at: r.str("opened_at")?,
        approved_by: r.opt_str("approver")?,
        approved_at: r.opt_str("approved_at")?,
    })
}

/// The communes whose evaluations the scope may open: its committee's.
pub async fn communes_to_open(tx: &mut Tx, scope: &Scope) -> AppResult<Vec<Unit>> {
    let mut out = Vec::new();
    for g in scope.grants() {
        if g.role == Role::CommuneCommittee && g.unit_kind == "commune" {
            out.push(units::get(tx, &g.unit_id).await?);
        }
    }
    Ok(out)
}

/// The unit paths under which the scope reads evaluations: a secretary's village counts
/// for its commune (the list shows the commune's evaluations; the lines stay the village's).
fn reading_paths(scope: &Scope) -> Vec<String> {
    scope
        .grants()
        .iter()
        .filter(|g| READERS.contains(&g.role))
        .map(|g| {
            if g.unit_kind == "village" {
                let trimmed = g.unit_path.trim_end_matches('/');
                match trimmed.rfind('/') {
                    Some(i) => trimmed[..=i].to_owned(),
                    None => g.unit_path.clone(),
                }
            } else {
                g.unit_path.clone()
            }
        })
        .collect()
}

/// The evaluations of the communes the scope reads, newest period first.
pub async fn list(tx: &mut Tx, scope: &Scope) -> AppResult<Vec<Evaluation>> {
    let paths = reading_paths(scope);
    let refs: Vec<&str> = paths.iter().map(String::as_str).collect();
    let (f, args) = crate::auth::scope::unit_filter("e.commune_id", &refs);
    let rows = tx
        .fetch_all(
            &format!("{HEAD} WHERE {f} ORDER BY e.last_day DESC, c.name, e.id LIMIT 200"),
            &args,
        )
        .await?;
    rows.iter().map(head).collect()
}

/// The evaluation `id` and how the scope sees it; "not found" for anyone who may not.
pub async fn get(tx: &mut Tx, scope: &Scope, id: &str) -> AppResult<(Evaluation, Viewer)> {
    let e = tx
        .fetch_optional(&format!("{HEAD} WHERE e.id = ?"), &[id.into()])
        .await?
        .ok_or(AppError::NotFound)?;
    let e = head(&e)?;
    let viewer = viewer_of(scope, &e.commune_path).ok_or(AppError::NotFound)?;
    Ok((e, viewer))
}

/// The evaluation of `commune_id` for `period` (a key), if there is one the scope reads.
pub async fn find(
    tx: &mut Tx,
    scope: &Scope,
    commune_id: &str,
    period: &str,
) -> AppResult<Option<(Evaluation, Viewer)>> {
    let Some(r) = tx
        .fetch_optional(
            &format!("{HEAD} WHERE e.commune_id = ? AND e.period = ?"),
            &[commune_id.into(), period.into()],
        )
        .await?
    else {
        return Ok(None);
    };
    let e = head(&r)?;
    let viewer = viewer_of(scope, &e.commune_path).ok_or(AppError::NotFound)?;
    Ok(Some((e, viewer)))
}

fn viewer_of(scope: &Scope, commune_path: &str) -> Option<Viewer> {
    if scope.covers(&[Role::CommuneCommittee], commune_path) {
        return Some(Viewer::Committee);
    }
    let villages: Vec<String> = scope
        .grants()
        .iter()
        .filter(|g| g.role == Role::CellSecretary && g.unit_path.starts_with(commune_path))
        .map(|g| g.unit_path.clone())
        .collect();
    if !villages.is_empty() {
        return Some(Viewer::Secretary(villages));
    }
    if scope.covers(&[Role::Supervisor], commune_path) {
        return Some(Viewer::Board);
    }
    if scope.covers(&[Role::FrontReviewer], commune_path) {
        return Some(Viewer::Front);
    }
    None
}

/// One village or member line: the proposal beside the decision.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Line {
    #[schema(value_type = String)]
    pub subject: Subject,
    pub id: String,
    pub village_id: String,
    #[serde(skip)]
    pub village_path: String,
    pub name: String,
    /// The level the rubric proposed (after the cap), its code.
    pub proposed_level: String,
    /// The proposal's score, in per mille.
    pub proposed_score: i64,
    pub figures: Vec<Figure>,
    /// The decision: the proposal until the committee adjusts it.
    pub level: String,
    /// The committee's written reason for its decision.
    pub reason: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub commended: bool,
}

impl Line {
    pub fn level(&self) -> Level {
        Level::parse(self.subject, &self.level).unwrap_or(Level::ALL[3])
    }

    pub fn proposed(&self) -> Level {
        Level::parse(self.subject, &self.proposed_level).unwrap_or(Level::ALL[3])
    }

    pub fn adjusted(&self) -> bool {
        self.decided_at.is_some()
    }
}

fn line(r: &Row) -> AppResult<Line> {
    let subject = r.str("subject")?;
    let subject =
        Subject::parse(&subject).ok_or_else(|| AppError::internal(format!("subject {subject}")))?;
    Ok(Line {
        subject,
        id: r.str("subject_id")?,
        village_id: r.str("village_id")?,
        village_path: r.str("village_path")?,
        name: r.str("name")?,
        proposed_level: r.str("proposed_level")?,
        proposed_score: r.i64("proposed_score")?,
        figures: serde_json::from_str(&r.str("figures")?).unwrap_or_default(),
        level: r.str("level")?,
        reason: r.opt_str("reason")?,
        decided_by: r.opt_str("decider")?,
        decided_at: r.opt_str("decided_at")?,
        commended: r.i64("commended")? != 0,
    })
}

const LINES: &str = "SELECT l.subject, l.subject_id, l.village_id, v.path AS village_path, l.name, l.proposed_level, \
    l.proposed_score, l.figures, l.level, l.reason, u.display_name AS decider, l.decided_at, l.commended \
    FROM evaluation_lines l JOIN units v ON v.id = l.village_id LEFT JOIN users u ON u.id = l.decided_by";

async fn all_lines(tx: &mut Tx, e: &Evaluation, subject: Subject) -> AppResult<Vec<Line>> {
    tx.fetch_all(
        &format!("{LINES} WHERE l.commune_id = ? AND l.evaluation_id = ? AND l.subject = ? ORDER BY l.sort_key, l.subject_id"),
        &[e.commune_id.clone().into(), e.id.clone().into(), subject.code().into()],
    )
    .await?
    .iter()
    .map(line)
    .collect()
}

/// The lines of `subject` the viewer may see, of one village when `village` names it.
/// Members' lines are personal data: showing them is logged.
pub async fn lines(
    tx: &mut Tx,
    scope: &Scope,
    e: &Evaluation,
    viewer: &Viewer,
    subject: Subject,
    village: Option<&str>,
) -> AppResult<Vec<Line>> {
    lines_where(tx, scope, e, viewer, subject, |l| {
        village.is_none_or(|v| v == l.village_id)
    })
    .await
}

/// The lines of `subject` the viewer may see that `keep` keeps; only those are logged.
pub async fn lines_where(
    tx: &mut Tx,
    scope: &Scope,
    e: &Evaluation,
    viewer: &Viewer,
    subject: Subject,
    keep: impl Fn(&Line) -> bool,
) -> AppResult<Vec<Line>> {
    let visible = match subject {
        Subject::Village => viewer.sees_villages(),
        Subject::Member => viewer.sees_members(),
    };
    if !visible {
        return Ok(Vec::new());
    }
    let mut out = all_lines(tx, e, subject).await?;
    out.retain(|l| viewer.sees_village(&l.village_path) && keep(l));
    if subject == Subject::Member {
        audit::shown(
            tx,
            scope,
            audit::Entity::Member,
            Some(&e.commune_id),
            out.iter().map(|l| l.id.as_str()),
        );
    }
    Ok(out)
}

/// How many lines of `subject` are at each level (the decision), per [`Level::ALL`].
pub async fn counts(tx: &mut Tx, e: &Evaluation, subject: Subject) -> AppResult<[i64; 4]> {
    let mut out = [0i64; 4];
    for r in tx
        .fetch_all(
            "SELECT level, COUNT(*) AS n FROM evaluation_lines WHERE commune_id = ? AND evaluation_id = ? AND subject = ? GROUP BY level",
            &[e.commune_id.clone().into(), e.id.clone().into(), subject.code().into()],
        )
        .await?
    {
        if let Some(l) = Level::parse(subject, &r.str("level")?) {
            out[usize::from(l.rank())] += r.i64("n")?;
        }
    }
    Ok(out)
}

fn refused(r: model::Refusal) -> AppError {
    match r {
        model::Refusal::NoReason => AppError::invalid("reason", r.message()),
        model::Refusal::OverCap { .. } => AppError::invalid("level", r.message()),
        _ => AppError::Conflict(r.message()),
    }
}

async fn commune_to_decide(tx: &mut Tx, scope: &Scope, commune_id: &str) -> AppResult<Unit> {
    let u = units::get(tx, commune_id)
        .await
        .map_err(|_| AppError::NotFound)?;
    if u.kind != "commune" || !scope.covers(&[Role::CommuneCommittee], &u.path) {
        return Err(AppError::NotFound);
    }
    Ok(u)
}

/// Opens the evaluation of `commune_id` for the period `key` (a year, half or quarter that
/// has begun by `today`) and keeps the rubric's proposal for every village and member.
pub async fn open(
    tx: &mut WriteTx,
    scope: &Scope,
    commune_id: &str,
    key: &str,
    today: Date,
) -> AppResult<String> {
    let commune = commune_to_decide(tx, scope, commune_id).await?;
    let cutoff = crate::reports::cutoff::cutoff_for(tx, &commune).await?;
    let period = Period::parse(key, cutoff)
        .filter(|p| p.kind != Kind::Month)
        .ok_or_else(|| {
            AppError::invalid(
                "period",
                "Kỳ đánh giá là một năm, 6 tháng hoặc một quý (vd. 2026, 2026-H1, 2026-Q4)",
            )
        })?;
    if period.first_day() > today {
        return Err(AppError::invalid(
            "period",
            "Kỳ đánh giá chưa bắt đầu; chọn kỳ hiện tại hoặc một kỳ đã qua",
        ));
    }
    let taken = tx
        .fetch_optional(
            "SELECT id FROM evaluations WHERE commune_id = ? AND period = ?",
            &[commune.id.clone().into(), period.key().into()],
        )
        .await?;
    if taken.is_some() {
        return Err(AppError::Conflict(format!(
            "{} của {} đã được mở đánh giá; mở đánh giá đó trong danh sách",
            period.label_vi(),
            commune.name
        )));
    }
    let rubric = rubric_for(tx, &commune).await?;
    let as_of = today.min(period.last_day());
    let m = figures::measure(tx, &commune, &period, as_of).await?;
    let id = crate::clock::new_id();
    let now = crate::clock::now();
    tx.execute(
        "INSERT INTO evaluations (commune_id, id, period, first_day, last_day, status, rubric, opened_by, opened_at) \
         VALUES (?, ?, ?, ?, ?, 'open', ?, ?, ?)",
        &[
            commune.id.clone().into(),
            id.clone().into(),
            period.key().into(),
            crate::contacts::model::day_text(period.first_day()).into(),
            crate::contacts::model::day_text(period.last_day()).into(),
            rubric.to_json().into(),
            scope.user_id().into(),
            now.into(),
        ],
    )
    .await?;
    let villages: Vec<(i64, Level)> = m
        .villages
        .iter()
        .map(|v| model::propose(&rubric.village, &v.figures))
        .collect();
    let mut members: Vec<Ranked> = m
        .members
        .iter()
        .map(|x| {
            let (score, level) = model::propose(&rubric.member, &x.figures);
            Ranked {
                key: x.sort_key.clone(),
                score,
                level,
            }
        })
        .collect();
    model::cap_excellent(&mut members, rubric.excellent_percent);
    let member_levels = members.iter().map(|r| (r.score, r.level));
    for (subject, measured, proposals) in [
        (Subject::Village, &m.villages, villages.clone()),
        (
            Subject::Member,
            &m.members,
            member_levels.collect::<Vec<_>>(),
        ),
    ] {
        for (x, (score, level)) in measured.iter().zip(proposals) {
            tx.execute(
                "INSERT INTO evaluation_lines (commune_id, evaluation_id, subject, subject_id, village_id, name, sort_key, \
                 proposed_level, proposed_score, figures, level) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                &[
                    commune.id.clone().into(),
                    id.clone().into(),
                    subject.code().into(),
                    x.id.clone().into(),
                    x.village_id.clone().into(),
                    x.name.clone().into(),
                    x.sort_key.clone().into(),
                    level.code(subject).into(),
                    score.into(),
                    serde_json::to_string(&x.figures).unwrap_or_default().into(),
                    level.code(subject).into(),
                ],
            )
            .await?;
        }
    }
    audit::did(
        tx,
        scope,
        audit::Action::Create,
        audit::Entity::Evaluation,
        &id,
        Some(&commune.id),
        serde_json::json!({ "period": period.key(), "villages": m.villages.len(), "members": m.members.len() }),
    );
    Ok(id)
}

/// The evaluation `id` for its committee to act on; anyone else finds nothing.
async fn to_decide(tx: &mut Tx, scope: &Scope, id: &str) -> AppResult<Evaluation> {
    let (e, viewer) = get(tx, scope, id).await?;
    if !viewer.decides() {
        return Err(AppError::NotFound);
    }
    Ok(e)
}

/// The committee decides one line's level, with a written reason. Refused, changing
/// nothing, without a reason, above the "xuất sắc" cap, or once approved.
pub async fn adjust(
    tx: &mut WriteTx,
    scope: &Scope,
    id: &str,
    subject: Subject,
    subject_id: &str,
    level: &str,
    reason: &str,
) -> AppResult<Line> {
    let e = to_decide(tx, scope, id).await?;
    e.status.apply(Action::Adjust).map_err(refused)?;
    let to = Level::parse(subject, level)
        .ok_or_else(|| AppError::invalid("level", "Chọn một mức xếp loại trong danh sách"))?;
    let all = all_lines(tx, &e, subject).await?;
    let index = all
        .iter()
        .position(|l| l.id == subject_id)
        .ok_or(AppError::NotFound)?;
    let levels: Vec<Level> = all.iter().map(Line::level).collect();
    model::check_adjustment(
        subject,
        &levels,
        index,
        to,
        reason,
        e.rubric.excellent_percent,
    )
    .map_err(refused)?;
    let reason = reason.trim().chars().take(1000).collect::<String>();
    tx.execute(
        "UPDATE evaluation_lines SET level = ?, reason = ?, decided_by = ?, decided_at = ? \
         WHERE commune_id = ? AND evaluation_id = ? AND subject = ? AND subject_id = ?",
        &[
            to.code(subject).into(),
            reason.clone().into(),
            scope.user_id().into(),
            crate::clock::now().into(),
            e.commune_id.clone().into(),
            e.id.clone().into(),
            subject.code().into(),
            subject_id.into(),
        ],
    )
    .await?;
    audit::did(
        tx,
        scope,
        audit::Action::Update,
        audit::Entity::Evaluation,
        &e.id,
        Some(&e.commune_id),
        serde_json::json!({ "subject": subject.code(), "subject_id": subject_id, "level": to.code(subject) }),
    );
    let mut l = all[index].clone();
    l.level = to.code(subject).into();
    l.reason = Some(reason);
    Ok(l)
}

/// The committee approves: from now on the levels are read-only.
pub async fn approve(tx: &mut WriteTx, scope: &Scope, id: &str) -> AppResult<()> {
    let e = to_decide(tx, scope, id).await?;
    let next = e.status.apply(Action::Approve).map_err(refused)?;
    tx.execute(
        "UPDATE evaluations SET status = ?, approved_by = ?, approved_at = ? WHERE commune_id = ? AND id = ? AND status = 'open'",
        &[
            next.code().into(),
            scope.user_id().into(),
            crate::clock::now().into(),
            e.commune_id.clone().into(),
            e.id.clone().into(),
        ],
    )
    .await?;
    audit::did(
        tx,
        scope,
        audit::Action::Approve,
        audit::Entity::Evaluation,
        &e.id,
        Some(&e.commune_id),
        serde_json::json!({ "period": e.period }),
    );
    Ok(())
}

/// The committee marks who is commended, from an approved evaluation: villages at "Tốt"
/// and members at "Hoàn thành xuất sắc nhiệm vụ" (the decided levels). The marks listed
/// replace the earlier ones.
pub async fn commend(
    tx: &mut WriteTx,
    scope: &Scope,
    id: &str,
    villages: &[String],
    members: &[String],
) -> AppResult<usize> {
    let e = to_decide(tx, scope, id).await?;
    e.status.apply(Action::Commend).map_err(refused)?;
    let mut marked = 0;
    for (subject, chosen) in [(Subject::Village, villages), (Subject::Member, members)] {
        let all = all_lines(tx, &e, subject).await?;
        for c in chosen {
            if !all.iter().any(|l| &l.id == c && l.level() == Level::TOP) {
                return Err(AppError::invalid(
                    "commended",
                    match subject {
                        Subject::Village => "Chỉ biểu dương mô hình thôn được xếp loại “Tốt”",
                        Subject::Member => {
                            "Chỉ biểu dương đảng viên được xếp loại “Hoàn thành xuất sắc nhiệm vụ”"
                        }
                    },
                ));
            }
        }
        for l in &all {
            let on = chosen.contains(&l.id);
            marked += usize::from(on);
            if on != l.commended {
                tx.execute(
                    "UPDATE evaluation_lines SET commended = ? WHERE commune_id = ? AND evaluation_id = ? AND subject = ? AND subject_id = ?",
                    &[
                        i64::from(on).into(),
                        e.commune_id.clone().into(),
                        e.id.clone().into(),
                        subject.code().into(),
                        l.id.clone().into(),
                    ],
                )
                .await?;
            }
        }
    }
    audit::did(
        tx,
        scope,
        audit::Action::Update,
        audit::Entity::Evaluation,
        &e.id,
        Some(&e.commune_id),
        serde_json::json!({ "commended": marked }),
    );
    Ok(marked)
}

/// The commended villages and members of an approved evaluation, for the printed list:
/// its committee and the boards above (an honour list names people: the read is logged).
pub async fn commended(
    tx: &mut Tx,
    scope: &Scope,
    id: &str,
) -> AppResult<(Evaluation, Vec<Line>, Vec<Line>)> {
    let (e, viewer) = get(tx, scope, id).await?;
    if !matches!(viewer, Viewer::Committee | Viewer::Board) {
        return Err(AppError::NotFound);
    }
    let mut villages = all_lines(tx, &e, Subject::Village).await?;
    villages.retain(|l| l.commended);
    let mut members = all_lines(tx, &e, Subject::Member).await?;
    members.retain(|l| l.commended);
    audit::shown(
        tx,
        scope,
        audit::Entity::Member,
        Some(&e.commune_id),
        members.iter().map(|l| l.id.as_str()),
    );
    Ok((e, villages, members))
}

/// The unit an API reader names: a commune, or a village (its commune's evaluation, its
/// lines only). Anything the scope does not read is "not found".
pub async fn commune_of(tx: &mut Tx, unit_id: &str) -> AppResult<(Unit, Option<String>)> {
    let u = units::get(tx, unit_id)
        .await
        .map_err(|_| AppError::NotFound)?;
    match u.kind.as_str() {
        "commune" => Ok((u, None)),
        "village" => {
            let c = units::get(tx, u.commune_id.as_deref().unwrap_or("")).await?;
            Ok((c, Some(u.id)))
        }
        _ => Err(AppError::NotFound),
    }
}

/// A province's id on a path, for the rubric link.
pub fn province_on(path: &str) -> Option<String> {
    province_part(path)
}
