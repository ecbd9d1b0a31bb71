//! The reports pages: a unit's reports (and, for a province's board, which communes have
//! reported), one report with its figures, narrative and workflow, its A4 print page and
//! downloads, and the settings of the format and the targets. Plain forms, no JavaScript.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::consolidation::{self, Overview};
use super::indicators::{target_text, value_text, Figures, Indicator};
use super::period::{Kind, Period};
use super::profile::{self, Profile, ProfileInput};
use super::store::{self, Edit, Listed, NarrativeText, Report};
use super::workflow::{Side, Status, Step};
use super::{render_docx, render_xlsx, targets};
use crate::auth::{Role, Scope, Session};
use crate::db::Tx;
use crate::error::{AppError, AppResult, FieldError};
use crate::state::AppState;
use crate::units::store::{self as units, Unit};
use crate::web::download::download;
use crate::web::extract::{Submission, Q};
use crate::web::i18n::Lang;
use crate::web::layout::{page, page_with_status, Chrome};

pub use crate::clock::vietnam_today as today;

/// The units whose reports the scope writes or reviews: its committee's communes and its
/// board's provinces, in the order of the tree.
pub async fn units_for(tx: &mut Tx, scope: &Scope) -> AppResult<Vec<Unit>> {
    let mut out: Vec<Unit> = Vec::new();
    for path in scope.paths_for(&[Role::CommuneCommittee, Role::Supervisor]) {
        if let Some(r) = tx
            .fetch_optional(
                "SELECT id FROM units WHERE path = ? AND kind IN ('commune', 'province') AND valid_to IS NULL",
                &[path.into()],
            )
            .await?
        {
            let u = units::get(tx, &r.str("id")?).await?;
            if !out.iter().any(|o| o.id == u.id) {
                out.push(u);
            }
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// The period asked for under the unit's cut-off, or the quarter containing today.
pub(super) async fn period_for(tx: &mut Tx, unit: &Unit, raw: &str) -> AppResult<Period> {
    let cutoff = super::cutoff::cutoff_for(tx, unit).await?;
    match raw.trim() {
        "" => Ok(Period::containing(today(), Kind::Quarter, cutoff)),
        key => Period::parse(key, cutoff).ok_or_else(|| {
            AppError::invalid(
                "period",
                "Kỳ báo cáo chưa đúng; chọn một kỳ trong danh sách (vd. 2026-Q4)",
            )
        }),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct IndexQuery {
    unit: String,
    period: String,
}

#[derive(Template)]
#[template(path = "reports/index.html")]
struct IndexPage {
    c: Chrome,
    units: Vec<Unit>,
    unit: Option<Unit>,
    period: Period,
    periods: Vec<Period>,
    /// The unit's own reports.
    reports: Vec<Listed>,
    /// Whether the viewer writes this unit's reports.
    is_author: bool,
    /// For a province: its communes' reports.
    overview: Option<Overview>,
}

impl IndexPage {
    fn label(&self, p: &Period) -> String {
        p.label(self.c.is_en())
    }

    fn period_label(&self, key: &str) -> String {
        match &self.unit {
            Some(_) => Period::parse(key, self.period.cutoff)
                .map_or_else(|| key.to_owned(), |p| p.label(self.c.is_en())),
            None => key.to_owned(),
        }
    }

    fn status_label(&self, code: &str) -> &'static str {
        Status::parse(code).map_or("", |s| s.label(self.c.is_en()))
    }

    fn indicators(&self) -> &'static [Indicator] {
        &Indicator::ALL
    }

    fn value(&self, i: &Indicator, f: &Figures) -> String {
        value_text(*i, f)
    }

    fn label_of(&self, i: &Indicator) -> &'static str {
        i.label(self.c.is_en())
    }
}

/// `GET /reports`: the unit's reports, a form to draft one, and for a province's board
/// the communes' reports of the period (on time, late, missing) with the consolidated and
/// live figures.
pub async fn index(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    Q(q): Q<IndexQuery>,
) -> AppResult<Response> {
    let scope = s.scope.clone();
    let (units, unit, period, reports, is_author, overview) = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                let units = units_for(tx, &scope).await?;
                let unit = match q.unit.trim() {
                    "" => units.first().cloned(),
                    id => {
                        let u = units::get(tx, id).await?;
                        if !store::reports_on(&u) || store::side_of(&scope, &u).is_none() {
                            return Err(AppError::NotFound);
                        }
                        Some(u)
                    }
                };
                let Some(u) = unit.clone() else {
                    let p = Period::containing(today(), Kind::Quarter, Default::default());
                    return Ok((units, None, p, Vec::new(), false, None));
                };
                let period = period_for(tx, &u, &q.period).await?;
                let reports = store::list(tx, &scope, &u).await?;
                let is_author = store::side_of(&scope, &u) == Some(Side::Author);
                let overview = if u.kind == "province" {
                    Some(consolidation::overview(tx, &scope, &u, &period, today()).await?)
                } else {
                    None
                };
                Ok((units, unit, period, reports, is_author, overview))
            })
        })
        .await?;
    let mut periods = Period::choices(today(), period.cutoff);
    if !periods.contains(&period) {
        periods.insert(0, period);
    }
    page(&IndexPage {
        c: Chrome::new(lang, &s, lang.t("reports")),
        units,
        unit,
        period,
        periods,
        reports,
        is_author,
        overview,
    })
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct OpenForm {
    unit_id: String,
    period: String,
}

/// `POST /reports`: opens the draft of a unit's report for a period (or the one there).
pub async fn create(State(st): State<AppState>, form: Submission<OpenForm>) -> AppResult<Response> {
    let (s, f, expired) = form.into_parts();
    if expired {
        return Err(AppError::FormExpired);
    }
    let scope = s.scope.clone();
    let id = st
        .db
        .write(move |tx| {
            Box::pin(async move { store::open(tx, &scope, &f.unit_id, &f.period).await })
        })
        .await?;
    Ok(Redirect::to(&format!("/reports/{id}")).into_response())
}

#[derive(Template)]
#[template(path = "reports/show.html")]
struct ShowPage {
    c: Chrome,
    r: Report,
    side: Side,
    /// The narrative as shown in the form (as typed, after a refusal).
    n: NarrativeText,
    chart: String,
    errors: Vec<FieldError>,
    note: String,
}

impl ShowPage {
    fn indicators(&self) -> &'static [Indicator] {
        &Indicator::ALL
    }

    fn value(&self, i: &Indicator, f: &Figures) -> String {
        value_text(*i, f)
    }

    fn target(&self, i: &Indicator) -> String {
        target_text(*i, &self.r.targets)
    }

    fn label_of(&self, i: &Indicator) -> &'static str {
        i.label(self.c.is_en())
    }

    fn can_edit(&self) -> bool {
        self.side == Side::Author && self.r.status.is_editable()
    }

    fn can(&self, step: &str) -> bool {
        Step::parse(step).is_some_and(|st| {
            st.side() == self.side && self.r.status.apply(st, self.side, "x").is_ok()
        })
    }

    fn err(&self, field: &str) -> String {
        crate::people::forms::field_error(&self.errors, field)
    }

    fn status_label(&self) -> &'static str {
        self.r.status.label(self.c.is_en())
    }

    fn step_label(&self, code: &str) -> &'static str {
        match code {
            "draft" => "Lập dự thảo",
            other => Step::parse(other).map_or("", Step::label_vi),
        }
    }

    fn period_label(&self) -> String {
        self.r.period.label(self.c.is_en())
    }
}

async fn load(st: &AppState, s: &Session, id: String) -> AppResult<(Report, Side)> {
    let scope = s.scope.clone();
    st.db
        .read(move |tx| {
            Box::pin(async move {
                let r = store::get(tx, &scope, &id).await?;
                let side = store::side_of(&scope, &r.unit).ok_or(AppError::NotFound)?;
                Ok((r, side))
            })
        })
        .await
}

fn show_page(
    s: &Session,
    lang: Lang,
    r: Report,
    side: Side,
    n: Option<NarrativeText>,
    errors: Vec<FieldError>,
    note: String,
) -> AppResult<Response> {
    let chart = super::chart::svg(&r.figures, &r.previous);
    let title = format!("{} — {}", lang.t("report"), r.unit.name);
    page_with_status(
        crate::people::forms::form_status(&errors),
        &ShowPage {
            c: Chrome::new(lang, s, &title),
            n: n.unwrap_or_else(|| r.narrative.clone()),
            r,
            side,
            chart,
            errors,
            note,
        },
    )
}

/// `GET /reports/{id}`.
pub async fn show(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (r, side) = load(&st, &s, id).await?;
    show_page(&s, lang, r, side, None, Vec::new(), String::new())
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct EditForm {
    situation: String,
    results: String,
    shortcomings: String,
    tasks: String,
    proposals: String,
    version: String,
}

impl EditForm {
    fn narrative(&self) -> NarrativeText {
        NarrativeText {
            situation: self.situation.clone(),
            results: self.results.clone(),
            shortcomings: self.shortcomings.clone(),
            tasks: self.tasks.clone(),
            proposals: self.proposals.clone(),
        }
    }
}

/// `POST /reports/{id}`: saves the narrative and refreshes the figures.
pub async fn update(
    State(st): State<AppState>,
    lang: Lang,
    Path(id): Path<String>,
    form: Submission<EditForm>,
) -> AppResult<Response> {
    let (s, f, expired) = form.into_parts();
    let typed = f.narrative();
    if expired {
        let (r, side) = load(&st, &s, id).await?;
        let errors = vec![FieldError::new("form", lang.t("form_expired_resend"))];
        return show_page(&s, lang, r, side, Some(typed), errors, String::new());
    }
    let edit = Edit {
        narrative: typed.clone(),
        version: f.version.trim().parse().unwrap_or(-1),
    };
    let scope = s.scope.clone();
    let rid = id.clone();
    let saved = st
        .db
        .write(move |tx| Box::pin(async move { store::edit(tx, &scope, &rid, &edit).await }))
        .await;
    match saved {
        Ok(_) => Ok(Redirect::to(&format!("/reports/{id}")).into_response()),
        Err(AppError::Validation(errors)) => {
            let (r, side) = load(&st, &s, id).await?;
            show_page(&s, lang, r, side, Some(typed), errors, String::new())
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct StepForm {
    step: String,
    note: String,
}

/// `POST /reports/{id}/step`: submit, return (with a reason), accept or lock.
pub async fn step(
    State(st): State<AppState>,
    lang: Lang,
    Path(id): Path<String>,
    form: Submission<StepForm>,
) -> AppResult<Response> {
    let (s, f, expired) = form.into_parts();
    if expired {
        let (r, side) = load(&st, &s, id).await?;
        let errors = vec![FieldError::new("form", lang.t("form_expired_resend"))];
        return show_page(&s, lang, r, side, None, errors, f.note);
    }
    let Some(step) = Step::parse(f.step.trim()).filter(|s| *s != Step::Edit) else {
        return Err(AppError::invalid("step", "Bước xử lý không hợp lệ"));
    };
    let scope = s.scope.clone();
    let (rid, note) = (id.clone(), f.note.clone());
    let done = st
        .db
        .write(move |tx| Box::pin(async move { store::step(tx, &scope, &rid, step, &note).await }))
        .await;
    match done {
        Ok(_) => Ok(Redirect::to(&format!("/reports/{id}")).into_response()),
        Err(AppError::Validation(errors)) => {
            let (r, side) = load(&st, &s, id).await?;
            show_page(&s, lang, r, side, None, errors, f.note)
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "reports/print.html")]
struct PrintPage {
    r: Report,
    dateline: String,
    summary: String,
    chart: String,
}

impl PrintPage {
    fn indicators(&self) -> &'static [Indicator] {
        &Indicator::ALL
    }

    fn value(&self, i: &Indicator, f: &Figures) -> String {
        value_text(*i, f)
    }

    fn target(&self, i: &Indicator) -> String {
        target_text(*i, &self.r.targets)
    }

    fn lines(&self, text: &str) -> Vec<String> {
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    }

    fn signer(&self) -> String {
        format!(
            "{} {}",
            self.r.profile.signer_mode.written(),
            self.r.profile.signer_body
        )
    }

    fn num(&self, n: &i64) -> String {
        crate::web::format::number(*n)
    }
}

fn print_page(r: &Report) -> PrintPage {
    PrintPage {
        dateline: render_docx::dateline(r),
        summary: render_docx::summary_line(r),
        chart: super::chart::svg(&r.figures, &r.previous),
        r: r.clone(),
    }
}

/// The A4 page as HTML text (the CLI's `--format html`).
pub fn print_html(r: &Report) -> AppResult<String> {
    print_page(r)
        .render()
        .map_err(|e| AppError::internal(format!("report page: {e}")))
}

/// `GET /reports/{id}/print`: the report on A4, as the browser prints it.
pub async fn print(
    State(st): State<AppState>,
    s: Session,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (r, _) = load(&st, &s, id).await?;
    page(&print_page(&r))
}

fn file_base(r: &Report) -> String {
    format!("Bao-cao-{}-{}", r.unit.name, r.period.key())
}

/// `GET /reports/{id}/report.docx`.
pub async fn docx(
    State(st): State<AppState>,
    s: Session,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (r, _) = load(&st, &s, id).await?;
    let bytes = render_docx::render(&r)?;
    Ok(download(
        bytes,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        &format!("{}.docx", file_base(&r)),
    ))
}

/// `GET /reports/{id}/annex.xlsx`: the tables; a province's with a sheet of its communes.
pub async fn xlsx(
    State(st): State<AppState>,
    s: Session,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let scope = s.scope.clone();
    let (r, communes) = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                let r = store::get(tx, &scope, &id).await?;
                let communes = if r.unit.kind == "province" {
                    consolidation::overview(tx, &scope, &r.unit, &r.period, today())
                        .await
                        .map(|o| o.communes)
                        .unwrap_or_default()
                } else {
                    Vec::new()
                };
                Ok((r, communes))
            })
        })
        .await?;
    let bytes = render_xlsx::render(&r, &communes)?;
    Ok(download(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &format!("Phu-luc-{}.xlsx", file_base(&r)),
    ))
}

#[derive(Template)]
#[template(path = "reports/settings.html")]
struct SettingsPage {
    c: Chrome,
    unit: Unit,
    p: ProfileInput,
    saved_profile: bool,
    targets: Vec<(Indicator, String, String)>,
    /// A province's cut-off day, as typed (its board sets it here); none for a commune.
    cutoff: Option<String>,
    errors: Vec<FieldError>,
    saved: bool,
}

impl SettingsPage {
    fn err(&self, field: &str) -> String {
        crate::people::forms::field_error(&self.errors, field)
    }

    fn is_mode(&self, m: &str) -> bool {
        self.p.signer_mode == m
    }
}

fn input_of(p: &Profile) -> ProfileInput {
    ProfileInput {
        parent_body: p.parent_body.clone(),
        issuing_body: p.issuing_body.clone(),
        number_suffix: p.number_suffix.clone(),
        place_name: p.place_name.clone(),
        signer_mode: p.signer_mode.code().into(),
        signer_body: p.signer_body.clone(),
        signer_title: p.signer_title.clone(),
        signer_name: p.signer_name.clone(),
        recipients: p.recipients.clone(),
        due_days: p.due_days.to_string(),
    }
}

/// The target rows of the form: indicator, the unit's own value as typed, and the value
/// that applies now (its own or the province's).
fn target_rows(
    own: &HashMap<String, String>,
    applied: &super::indicators::Targets,
) -> Vec<(Indicator, String, String)> {
    targets::settable()
        .into_iter()
        .map(|i| {
            (
                i,
                own.get(i.code()).cloned().unwrap_or_default(),
                target_text(i, applied),
            )
        })
        .collect()
}

fn own_text(own: &super::indicators::Targets) -> HashMap<String, String> {
    own.iter()
        .map(|(i, v)| {
            let text = match i.shown() {
                super::indicators::Shown::ShareOf(_) | super::indicators::Shown::OnTimeShare => {
                    let s = crate::web::format::percent(*v);
                    s.trim_end_matches('%').to_owned()
                }
                _ => crate::web::format::number(*v),
            };
            (i.code().to_owned(), text)
        })
        .collect()
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SettingsQuery {
    unit: String,
    saved: String,
}

async fn settings_unit(tx: &mut Tx, scope: &Scope, id: &str) -> AppResult<Unit> {
    let id = match id.trim() {
        "" => units_for(tx, scope)
            .await?
            .into_iter()
            .find(|u| store::side_of(scope, u) == Some(Side::Author))
            .map(|u| u.id)
            .ok_or(AppError::NotFound)?,
        id => id.to_owned(),
    };
    let u = units::get(tx, &id).await?;
    if !store::reports_on(&u) || store::side_of(scope, &u) != Some(Side::Author) {
        return Err(AppError::NotFound);
    }
    Ok(u)
}

/// `GET /reports/settings?unit=…`: the unit's report format and targets.
pub async fn settings(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    Q(q): Q<SettingsQuery>,
) -> AppResult<Response> {
    let scope = s.scope.clone();
    let (unit, p, own, applied, cutoff) = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                let unit = settings_unit(tx, &scope, &q.unit).await?;
                let p = profile::of(tx, &unit).await?;
                let own = targets::own(tx, &unit).await?;
                let applied = targets::of(tx, &unit).await?;
                let cutoff = super::cutoff::cutoff_for(tx, &unit).await?;
                Ok((unit, p, own, applied, cutoff))
            })
        })
        .await?;
    page(&SettingsPage {
        c: Chrome::new(lang, &s, lang.t("report_settings")),
        saved_profile: p.saved,
        p: input_of(&p),
        targets: target_rows(&own_text(&own), &applied),
        cutoff: (unit.kind == "province").then(|| cutoff.day().to_string()),
        unit,
        errors: Vec::new(),
        saved: !q.saved.is_empty(),
    })
}

/// The settings form as posted: the profile's fields and one `t_<indicator>` per target.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SettingsForm {
    unit_id: String,
    #[serde(flatten)]
    rest: HashMap<String, String>,
}

/// `POST /reports/settings`: saves the format and the targets in one unit of work.
pub async fn save_settings(
    State(st): State<AppState>,
    lang: Lang,
    form: Submission<SettingsForm>,
) -> AppResult<Response> {
    let (s, f, expired) = form.into_parts();
    let get = |k: &str| f.rest.get(k).cloned().unwrap_or_default();
    let input = ProfileInput {
        parent_body: get("parent_body"),
        issuing_body: get("issuing_body"),
        number_suffix: get("number_suffix"),
        place_name: get("place_name"),
        signer_mode: get("signer_mode"),
        signer_body: get("signer_body"),
        signer_title: get("signer_title"),
        signer_name: get("signer_name"),
        recipients: get("recipients"),
        due_days: get("due_days"),
    };
    let posted: HashMap<String, String> = f
        .rest
        .iter()
        .filter_map(|(k, v)| k.strip_prefix("t_").map(|k| (k.to_owned(), v.clone())))
        .collect();
    let scope = s.scope.clone();
    let unit_id = f.unit_id.clone();
    let checked = if expired {
        Err(vec![FieldError::new("form", lang.t("form_expired_resend"))])
    } else {
        Ok(())
    };
    let (input2, posted2) = (input.clone(), posted.clone());
    let cutoff_typed = f.rest.get("cutoff_day").cloned();
    let cutoff2 = cutoff_typed.clone();
    let result = st
        .db
        .write(move |tx| {
            Box::pin(async move {
                let unit = settings_unit(tx, &scope, &unit_id).await?;
                if let Err(errors) = checked {
                    return Err(AppError::Validation(errors));
                }
                let current = profile::of(tx, &unit).await?;
                let p = profile::check(&input2, current.reports_to.clone())?;
                let t = targets::check(&posted2)?;
                let day = match (&cutoff2, unit.kind.as_str()) {
                    (Some(raw), "province") => Some(raw.trim().parse::<u8>().map_err(|_| {
                        AppError::invalid("cutoff_day", "Ngày chốt số liệu phải từ 1 đến 28")
                    })?),
                    _ => None,
                };
                profile::save(tx, &scope, &unit, &p).await?;
                targets::save(tx, &scope, &unit, &t).await?;
                if let Some(day) = day {
                    super::cutoff::set_cutoff(tx, &scope, &unit.id, day).await?;
                }
                Ok(unit.id)
            })
        })
        .await;
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/reports/settings?unit={id}&saved=1")).into_response()),
        Err(AppError::Validation(errors)) => {
            let scope = s.scope.clone();
            let unit_id = f.unit_id.clone();
            let (unit, saved_profile, applied) = st
                .db
                .read(move |tx| {
                    Box::pin(async move {
                        let unit = settings_unit(tx, &scope, &unit_id).await?;
                        let saved = profile::of(tx, &unit).await?.saved;
                        let applied = targets::of(tx, &unit).await?;
                        Ok((unit, saved, applied))
                    })
                })
                .await?;
            page_with_status(
                crate::people::forms::form_status(&errors),
                &SettingsPage {
                    c: Chrome::new(lang, &s, lang.t("report_settings")),
                    unit,
                    p: input,
                    saved_profile,
                    targets: target_rows(&posted, &applied),
                    cutoff: cutoff_typed,
                    errors,
                    saved: false,
                },
            )
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "reports/dashboard.html")]
struct DashboardPage {
    c: Chrome,
    d: super::dashboard::Dashboard,
    period: Period,
    periods: Vec<Period>,
    chart: String,
}

impl DashboardPage {
    fn label(&self, p: &Period) -> String {
        p.label(self.c.is_en())
    }

    fn value(&self, i: &str, f: &Figures) -> String {
        Indicator::parse(i).map_or_else(String::new, |i| value_text(i, f))
    }

    fn share(&self, i: &str, f: &Figures) -> String {
        Indicator::parse(i)
            .and_then(|i| f.share(i))
            .map_or_else(|| "—".into(), crate::web::format::percent)
    }

    fn status_label(&self, code: &str) -> &'static str {
        Status::parse(code).map_or("", |s| s.label(self.c.is_en()))
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DashboardQuery {
    unit: String,
    period: String,
}

/// `GET /indicators`: the role's dashboard of the units below its own.
pub async fn dashboard(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    Q(q): Q<DashboardQuery>,
) -> AppResult<Response> {
    let scope = s.scope.clone();
    let (d, period) = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                let id = match q.unit.trim() {
                    "" => super::dashboard::home_unit(tx, &scope).await?,
                    id => id.to_owned(),
                };
                let unit = units::get(tx, &id).await?;
                let period = period_for(tx, &unit, &q.period).await?;
                let d = super::dashboard::dashboard(tx, &scope, &id, &period, today()).await?;
                Ok((d, period))
            })
        })
        .await?;
    let rows: Vec<crate::web::chart::Row> = d
        .lines
        .iter()
        .map(|l| crate::web::chart::Row {
            label: l.unit.name.clone(),
            values: vec![
                l.figures.share(Indicator::Reached).unwrap_or(0),
                l.figures.share(Indicator::MembersActive).unwrap_or(0),
            ],
            figures: vec![l
                .figures
                .share(Indicator::Reached)
                .map_or_else(|| "—".into(), crate::web::format::percent)],
            mark: None,
        })
        .collect();
    let chart = crate::web::chart::grouped(
        &rows,
        &[
            crate::web::chart::Series {
                name: lang.t("dashboard_reached"),
                colour: "#1f5fa8",
            },
            crate::web::chart::Series {
                name: lang.t("dashboard_active"),
                colour: "#9db7d8",
            },
        ],
        lang.t("indicators"),
    );
    let mut periods = Period::choices(today(), period.cutoff);
    if !periods.contains(&period) {
        periods.insert(0, period);
    }
    page(&DashboardPage {
        c: Chrome::new(lang, &s, lang.t("indicators")),
        d,
        period,
        periods,
        chart,
    })
}
