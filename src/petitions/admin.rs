//! The pages that keep what petitions run on: the commune's agencies, their handlers and
//! answer templates (the commune committee); the holiday table (the administrator); a
//! province's categories and deadlines (its board, or the administrator).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::agencies::{self, Agency, Template as AnswerTemplate};
use super::model::{self, Stage};
use super::settings::{self, Holiday};
use crate::auth::{password, Role, Session};
use crate::error::{AppError, AppResult, FieldError};
use crate::people::forms::field_error;
use crate::state::AppState;
use crate::web::extract::{CsrfForm, Q};
use crate::web::i18n::Lang;
use crate::web::layout::{page_with_status, Chrome};

fn status_of(errors: &[FieldError]) -> StatusCode {
    if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

#[derive(Template)]
#[template(path = "petitions/agencies.html")]
struct AgenciesPage {
    c: Chrome,
    communes: Vec<(String, String)>,
    commune: String,
    agencies: Vec<Agency>,
    templates: Vec<AnswerTemplate>,
    kinds: &'static [(&'static str, &'static str)],
    /// A handler account just made: its username and one-time password, shown once.
    made: Option<(String, String)>,
    errors: Vec<FieldError>,
}

impl AgenciesPage {
    fn err(&self, field: &str) -> String {
        field_error(&self.errors, field)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CommuneQuery {
    commune: String,
}

async fn agencies_page(
    st: &AppState,
    s: &Session,
    lang: Lang,
    commune: String,
    made: Option<(String, String)>,
    errors: Vec<FieldError>,
) -> AppResult<Response> {
    let scope = s.scope.clone();
    let (communes, commune, list, templates) = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                let communes = agencies::communes(tx, &scope).await?;
                let commune = if commune.is_empty() {
                    communes.first().map(|c| c.0.clone()).unwrap_or_default()
                } else {
                    agencies::kept(tx, &scope, &commune).await?
                };
                let list = agencies::list(tx, &commune).await?;
                let templates = agencies::templates(tx, &commune).await?;
                Ok((communes, commune, list, templates))
            })
        })
        .await?;
    page_with_status(
        status_of(&errors),
        &AgenciesPage {
            c: Chrome::new(lang, s, lang.t("petition_agencies")),
            communes,
            commune,
            agencies: list,
            templates,
            kinds: model::AGENCY_KINDS,
            made,
            errors,
        },
    )
}

/// `GET /petitions/agencies`: the commune's agencies, handlers and answer templates.
pub async fn agencies(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    Q(q): Q<CommuneQuery>,
) -> AppResult<Response> {
    agencies_page(&st, &s, lang, q.commune, None, Vec::new()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AgencyForm {
    commune: String,
    name: String,
    kind: String,
}

/// `POST /petitions/agencies`: adds an agency.
pub async fn agency_create(
    State(st): State<AppState>,
    lang: Lang,
    form: CsrfForm<AgencyForm>,
) -> AppResult<Response> {
    let CsrfForm {
        session: s,
        form: f,
    } = form;
    let scope = s.scope.clone();
    let commune = f.commune.clone();
    let done = st
        .db
        .write(move |tx| {
            Box::pin(async move {
                let c = agencies::kept(tx, &scope, &f.commune).await?;
                agencies::create(tx, &scope, &c, &f.name, &f.kind).await
            })
        })
        .await;
    match done {
        Ok(_) => {
            Ok(Redirect::to(&format!("/petitions/agencies?commune={commune}")).into_response())
        }
        Err(AppError::Validation(e)) => agencies_page(&st, &s, lang, commune, None, e).await,
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct HandlerForm {
    commune: String,
    username: String,
    display_name: String,
}

/// `POST /petitions/agencies/{id}/handlers`: a handler account for the agency, with a
/// one-time password shown once, to be replaced at the first sign-in.
pub async fn handler_create(
    State(st): State<AppState>,
    lang: Lang,
    Path(agency): Path<String>,
    form: CsrfForm<HandlerForm>,
) -> AppResult<Response> {
    let CsrfForm {
        session: s,
        form: f,
    } = form;
    let pass = crate::accounts::model::one_time_password();
    let p = pass.clone();
    let hash = tokio::task::spawn_blocking(move || password::hash(&p))
        .await
        .map_err(|_| AppError::internal("password hashing did not finish"))??;
    let scope = s.scope.clone();
    let commune = f.commune.clone();
    let done = st
        .db
        .write(move |tx| {
            Box::pin(async move {
                let c = agencies::kept(tx, &scope, &f.commune).await?;
                agencies::create_handler(
                    tx,
                    &scope,
                    &c,
                    &agency,
                    &f.username,
                    &f.display_name,
                    &hash,
                )
                .await
            })
        })
        .await;
    match done {
        Ok(username) => {
            agencies_page(&st, &s, lang, commune, Some((username, pass)), Vec::new()).await
        }
        Err(AppError::Validation(e)) => agencies_page(&st, &s, lang, commune, None, e).await,
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TemplateForm {
    commune: String,
    title: String,
    body: String,
    basis: String,
}

/// `POST /petitions/templates`: an answer template of the commune.
pub async fn template_create(
    State(st): State<AppState>,
    lang: Lang,
    form: CsrfForm<TemplateForm>,
) -> AppResult<Response> {
    let CsrfForm {
        session: s,
        form: f,
    } = form;
    let scope = s.scope.clone();
    let commune = f.commune.clone();
    let done = st
        .db
        .write(move |tx| {
            Box::pin(async move {
                let c = agencies::kept(tx, &scope, &f.commune).await?;
                agencies::create_template(tx, &scope, &c, &f.title, &f.body, &f.basis).await
            })
        })
        .await;
    match done {
        Ok(_) => {
            Ok(Redirect::to(&format!("/petitions/agencies?commune={commune}")).into_response())
        }
        Err(AppError::Validation(e)) => agencies_page(&st, &s, lang, commune, None, e).await,
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "petitions/holidays.html")]
struct HolidaysPage {
    c: Chrome,
    year: i32,
    days: Vec<Holiday>,
    errors: Vec<FieldError>,
}

impl HolidaysPage {
    fn err(&self, field: &str) -> String {
        field_error(&self.errors, field)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct YearQuery {
    year: Option<i32>,
}

async fn holidays_page(
    st: &AppState,
    s: &Session,
    lang: Lang,
    year: i32,
    errors: Vec<FieldError>,
) -> AppResult<Response> {
    let days = st
        .db
        .read(move |tx| Box::pin(async move { settings::holidays(tx, year).await }))
        .await?;
    page_with_status(
        status_of(&errors),
        &HolidaysPage {
            c: Chrome::new(lang, s, lang.t("petition_holidays")),
            year,
            days,
            errors,
        },
    )
}

/// `GET /petitions/holidays`: the year's days off and days worked back.
pub async fn holidays(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    Q(q): Q<YearQuery>,
) -> AppResult<Response> {
    let year = q
        .year
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or_else(|| super::pages::today(&st).year());
    holidays_page(&st, &s, lang, year, Vec::new()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct HolidayForm {
    day: String,
    kind: String,
    name: String,
    remove: String,
}

/// `POST /petitions/holidays`: adds, changes or removes one day.
pub async fn holiday_save(
    State(st): State<AppState>,
    lang: Lang,
    form: CsrfForm<HolidayForm>,
) -> AppResult<Response> {
    let CsrfForm {
        session: s,
        form: f,
    } = form;
    let scope = s.scope.clone();
    let fallback = super::pages::today(&st).year();
    let done = st
        .db
        .write(move |tx| {
            Box::pin(async move {
                settings::save_holiday(tx, &scope, &f.day, &f.kind, &f.name, !f.remove.is_empty())
                    .await
            })
        })
        .await;
    match done {
        Ok(d) => {
            Ok(Redirect::to(&format!("/petitions/holidays?year={}", d.year())).into_response())
        }
        Err(AppError::Validation(e)) => holidays_page(&st, &s, lang, fallback, e).await,
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "petitions/settings.html")]
struct SettingsPage {
    c: Chrome,
    provinces: Vec<(String, String)>,
    province: String,
    categories: Vec<settings::CategoryEdit>,
    days: Vec<(Stage, i64)>,
    stages: [Stage; 4],
    saved: bool,
    errors: Vec<FieldError>,
}

impl SettingsPage {
    fn err(&self, field: &str) -> String {
        field_error(&self.errors, field)
    }

    fn day_err(&self, stage: &Stage) -> String {
        field_error(&self.errors, &format!("days_{}", stage.code()))
    }

    fn cat_err(&self, stage: &Stage) -> String {
        field_error(&self.errors, &format!("cat_{}", stage.code()))
    }

    /// The short column label of a stage in a category's row.
    fn stage_key(&self, stage: &Stage) -> &'static str {
        match stage {
            Stage::Cell => "petition_stage_cell",
            Stage::Commune => "petition_stage_commune",
            Stage::Answer => "petition_stage_answer",
            Stage::Delivery => "petition_stage_delivery",
        }
    }

    /// The province's deadline of `stage`, shown where a category has none of its own.
    fn general_days(&self, stage: &Stage) -> i64 {
        self.days
            .iter()
            .find(|(s, _)| s == stage)
            .map_or(stage.default_days(), |(_, n)| *n)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ProvinceQuery {
    province: String,
    saved: String,
}

async fn settings_page(
    st: &AppState,
    s: &Session,
    lang: Lang,
    province: String,
    saved: bool,
    errors: Vec<FieldError>,
) -> AppResult<Response> {
    let scope = s.scope.clone();
    let (provinces, province, categories, days) = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                let provinces = editable_provinces(tx, &scope).await?;
                let province = if province.is_empty() {
                    provinces.first().map(|p| p.0.clone()).unwrap_or_default()
                } else {
                    province
                };
                if !provinces.iter().any(|p| p.0 == province) {
                    return Err(AppError::NotFound);
                }
                let rows = tx
                    .fetch_all(
                        "SELECT code, label, retired FROM petition_categories WHERE province_id = ? ORDER BY position",
                        &[province.clone().into()],
                    )
                    .await?;
                let listed: Vec<(String, String, bool)> = if rows.is_empty() {
                    model::DEFAULT_CATEGORIES
                        .iter()
                        .map(|(c, l)| ((*c).to_owned(), (*l).to_owned(), false))
                        .collect()
                } else {
                    rows.iter()
                        .map(|r| Ok((r.str("code")?, r.str("label")?, r.i64("retired")? != 0)))
                        .collect::<AppResult<Vec<_>>>()?
                };
                let own = settings::category_deadlines(tx, &province).await?;
                let categories = listed
                    .into_iter()
                    .map(|(code, label, retired)| settings::CategoryEdit {
                        days: Stage::ALL
                            .iter()
                            .map(|stage| {
                                let typed = own
                                    .iter()
                                    .find(|(c, s, _)| *c == code && s == stage)
                                    .map_or(String::new(), |(_, _, n)| n.to_string());
                                (*stage, typed)
                            })
                            .collect(),
                        code,
                        label,
                        retired,
                    })
                    .collect();
                let mut days = Vec::new();
                for stage in Stage::ALL {
                    days.push((stage, settings::deadline(tx, &province, stage, "").await?));
                }
                Ok((provinces, province, categories, days))
            })
        })
        .await?;
    page_with_status(
        status_of(&errors),
        &SettingsPage {
            c: Chrome::new(lang, s, lang.t("petition_settings")),
            provinces,
            province,
            categories,
            days,
            stages: Stage::ALL,
            saved,
            errors,
        },
    )
}

/// The provinces whose lists the user keeps: a supervisor's, or every one for the admin.
async fn editable_provinces(
    tx: &mut crate::db::Tx,
    scope: &crate::auth::Scope,
) -> AppResult<Vec<(String, String)>> {
    let paths = scope.paths_for(&[Role::Supervisor, Role::Admin]);
    let (f, a) = crate::auth::scope::unit_filter("id", &paths);
    tx.fetch_all(
        &format!("SELECT id, name FROM units WHERE kind = 'province' AND valid_to IS NULL AND {f} ORDER BY name COLLATE vi"),
        &a,
    )
    .await?
    .iter()
    .map(|r| Ok((r.str("id")?, r.str("name")?)))
    .collect()
}

/// `GET /petitions/settings`: the province's categories and deadlines.
pub async fn settings(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    Q(q): Q<ProvinceQuery>,
) -> AppResult<Response> {
    settings_page(&st, &s, lang, q.province, !q.saved.is_empty(), Vec::new()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SettingsForm {
    province: String,
    code: Vec<String>,
    label: Vec<String>,
    retire: Vec<String>,
    /// Each category's own deadlines, in the order of `code` (empty: the province's).
    cat_cell: Vec<String>,
    cat_commune: Vec<String>,
    cat_answer: Vec<String>,
    cat_delivery: Vec<String>,
    days_cell: String,
    days_commune: String,
    days_answer: String,
    days_delivery: String,
}

/// `POST /petitions/settings`: saves both lists as one action.
pub async fn settings_save(
    State(st): State<AppState>,
    lang: Lang,
    form: CsrfForm<SettingsForm>,
) -> AppResult<Response> {
    let CsrfForm {
        session: s,
        form: f,
    } = form;
    let own_days = [
        (Stage::Cell, &f.cat_cell),
        (Stage::Commune, &f.cat_commune),
        (Stage::Answer, &f.cat_answer),
        (Stage::Delivery, &f.cat_delivery),
    ];
    // A form without the per-category columns (an older page, a script) keeps none.
    let columns_fit = own_days
        .iter()
        .all(|(_, v)| v.is_empty() || v.len() == f.code.len());
    if f.code.len() != f.label.len() || f.code.len() > 60 || !columns_fit {
        return Err(AppError::BadRequest(lang.t("form_invalid").into()));
    }
    let edit = settings::SettingsEdit {
        categories: f
            .code
            .iter()
            .zip(&f.label)
            .enumerate()
            .map(|(i, (c, l))| settings::CategoryEdit {
                code: c.trim().to_owned(),
                label: l.clone(),
                retired: !c.is_empty() && f.retire.contains(c),
                days: own_days
                    .iter()
                    .map(|(stage, v)| (*stage, v.get(i).cloned().unwrap_or_default()))
                    .collect(),
            })
            .collect(),
        days: vec![
            (Stage::Cell, f.days_cell.clone()),
            (Stage::Commune, f.days_commune.clone()),
            (Stage::Answer, f.days_answer.clone()),
            (Stage::Delivery, f.days_delivery.clone()),
        ],
    };
    let scope = s.scope.clone();
    let province = f.province.clone();
    let done = st
        .db
        .write(move |tx| {
            Box::pin(async move {
                if !editable_provinces(tx, &scope)
                    .await?
                    .iter()
                    .any(|p| p.0 == f.province)
                {
                    return Err(AppError::NotFound);
                }
                settings::save_settings(tx, &scope, &f.province, &edit).await
            })
        })
        .await;
    match done {
        Ok(()) => Ok(
            Redirect::to(&format!("/petitions/settings?province={province}&saved=1"))
                .into_response(),
        ),
        Err(AppError::Validation(e)) => settings_page(&st, &s, lang, province, false, e).await,
        Err(e) => Err(e),
    }
}
