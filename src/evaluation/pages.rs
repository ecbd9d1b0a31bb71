//! The evaluation pages: the list and the form that opens one, an evaluation's villages
//! (with the members' counts per level), one village's members, the committee's
//! adjustments, approval and commendations, the printable list of the commended, and the
//! province's rubric. Plain forms, no JavaScript.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::model::{Indicator, Level, Subject};
use super::rubric::{self, Fields};
use super::store::{self, Evaluation, Line, Viewer};
use crate::auth::{Role, Session};
use crate::error::{AppError, AppResult};
use crate::reports::period::{Kind, Period};
use crate::state::AppState;
use crate::units::store::Unit;
use crate::web::extract::{CsrfForm, Q};
use crate::web::i18n::Lang;
use crate::web::layout::{page, Chrome};

pub use crate::clock::vietnam_today as today;

/// A line as the tables show it: everything already in words.
pub struct Row {
    pub id: String,
    pub village_id: String,
    pub name: String,
    pub figures: Vec<String>,
    pub score: String,
    pub proposed: &'static str,
    pub level: &'static str,
    pub changed: bool,
    pub reason: String,
    pub decided: String,
    pub commended: bool,
    pub top: bool,
}

fn row(l: &Line, en: bool) -> Row {
    Row {
        id: l.id.clone(),
        village_id: l.village_id.clone(),
        name: l.name.clone(),
        figures: Indicator::of(l.subject)
            .iter()
            .map(|i| {
                l.figures
                    .iter()
                    .find(|f| f.indicator == *i)
                    .map_or_else(|| "—".to_owned(), |f| f.text())
            })
            .collect(),
        score: crate::web::format::tenths(l.proposed_score),
        proposed: l.proposed().label(l.subject, en),
        level: l.level().label(l.subject, en),
        changed: l.level() != l.proposed() || l.reason.is_some(),
        reason: l.reason.clone().unwrap_or_default(),
        decided: match (&l.decided_by, &l.decided_at) {
            (Some(who), Some(at)) => format!("{who}, {}", crate::web::format::datetime(at)),
            _ => String::new(),
        },
        commended: l.commended,
        top: l.level() == Level::TOP,
    }
}

/// Level choices of a subject for a form: (code, words).
fn choices(s: Subject, en: bool) -> Vec<(&'static str, &'static str)> {
    Level::ALL
        .iter()
        .map(|l| (l.code(s), l.label(s, en)))
        .collect()
}

fn heads(s: Subject, lang: Lang) -> Vec<&'static str> {
    Indicator::of(s).iter().map(|i| lang.t(i.key())).collect()
}

/// Counts per level, in words: (level, count).
fn tally(s: Subject, counts: [i64; 4], en: bool) -> Vec<(&'static str, i64)> {
    Level::ALL
        .iter()
        .map(|l| (l.label(s, en), counts[usize::from(l.rank())]))
        .collect()
}

/// The periods an evaluation may be opened for: this year and last, their halves and
/// quarters that have begun.
fn open_choices(today: time::Date) -> Vec<Period> {
    let mut out = Vec::new();
    for kind in [Kind::Year, Kind::Half, Kind::Quarter] {
        let now = Period::containing(today, kind, Default::default());
        out.push(now);
        out.push(now.previous());
    }
    out
}

// ---- the list ----

#[derive(Template)]
#[template(path = "evaluation/index.html")]
struct IndexPage {
    c: Chrome,
    list: Vec<Evaluation>,
    communes: Vec<Unit>,
    periods: Vec<(String, String)>,
    rubric: bool,
}

/// `GET /evaluations`: the evaluations the reader sees, and for the committee the form
/// that opens one.
pub async fn index(State(st): State<AppState>, s: Session, lang: Lang) -> AppResult<Response> {
    let scope = s.scope.clone();
    let (list, communes) = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                Ok((
                    store::list(tx, &scope).await?,
                    store::communes_to_open(tx, &scope).await?,
                ))
            })
        })
        .await?;
    let en = lang == Lang::En;
    page(&IndexPage {
        c: Chrome::new(lang, &s, lang.t("evaluations")),
        list,
        communes,
        periods: open_choices(today())
            .into_iter()
            .map(|p| (p.key(), p.label(en)))
            .collect(),
        rubric: s.scope.has_role(Role::Supervisor),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OpenForm {
    commune_id: String,
    period: String,
}

/// `POST /evaluations`: opens the evaluation and keeps the proposal.
pub async fn open(State(st): State<AppState>, form: CsrfForm<OpenForm>) -> AppResult<Response> {
    let CsrfForm { session, form } = form;
    let scope = session.scope.clone();
    let id = st
        .db
        .write(move |tx| {
            Box::pin(async move {
                store::open(tx, &scope, &form.commune_id, &form.period, today()).await
            })
        })
        .await?;
    Ok(Redirect::to(&format!("/evaluations/{id}")).into_response())
}

// ---- one evaluation ----

#[derive(Template)]
#[template(path = "evaluation/show.html")]
struct ShowPage {
    c: Chrome,
    e: Evaluation,
    open: bool,
    decides: bool,
    villages: Vec<Row>,
    heads: Vec<&'static str>,
    village_counts: Vec<(&'static str, i64)>,
    member_counts: Vec<(&'static str, i64)>,
    members_total: i64,
    excellent_allowed: usize,
    /// Villages whose members this reader opens (their keepers).
    opens_members: bool,
    top_members: Vec<Row>,
    levels: Vec<(&'static str, &'static str)>,
    saved: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Saved {
    saved: String,
}

/// `GET /evaluations/{id}`: the villages' proposals and decisions, and how many members
/// stand at each level. The Front sees the counts only.
pub async fn show(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    Path(id): Path<String>,
    Q(q): Q<Saved>,
) -> AppResult<Response> {
    let scope = s.scope.clone();
    let (e, viewer, villages, vc, mc, top) = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                let (e, viewer) = store::get(tx, &scope, &id).await?;
                let villages =
                    store::lines(tx, &scope, &e, &viewer, Subject::Village, None).await?;
                let vc = store::counts(tx, &e, Subject::Village).await?;
                let mc = store::counts(tx, &e, Subject::Member).await?;
                // The committee picks the commended among the members at the top level.
                let top = if viewer.decides() {
                    store::lines_where(tx, &scope, &e, &viewer, Subject::Member, |l| {
                        l.level() == Level::TOP
                    })
                    .await?
                } else {
                    Vec::new()
                };
                Ok((e, viewer, villages, vc, mc, top))
            })
        })
        .await?;
    let en = lang == Lang::En;
    let total: i64 = mc.iter().sum();
    page(&ShowPage {
        c: Chrome::new(lang, &s, lang.t("evaluation")),
        open: e.status == super::model::Status::Open,
        decides: viewer.decides(),
        opens_members: viewer.sees_members(),
        villages: villages.iter().map(|l| row(l, en)).collect(),
        heads: heads(Subject::Village, lang),
        village_counts: tally(Subject::Village, vc, en),
        member_counts: tally(Subject::Member, mc, en),
        members_total: total,
        excellent_allowed: super::model::excellent_allowed(
            usize::try_from(total).unwrap_or(0),
            e.rubric.excellent_percent,
        ),
        top_members: top.iter().map(|l| row(l, en)).collect(),
        levels: choices(Subject::Village, en),
        saved: !q.saved.is_empty(),
        e,
    })
}

#[derive(Template)]
#[template(path = "evaluation/village.html")]
struct VillagePage {
    c: Chrome,
    e: Evaluation,
    village: Row,
    open: bool,
    decides: bool,
    members: Vec<Row>,
    heads: Vec<&'static str>,
    levels: Vec<(&'static str, &'static str)>,
    saved: bool,
}

/// `GET /evaluations/{id}/villages/{village_id}`: one village's members, for its keepers.
pub async fn village(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    Path((id, village_id)): Path<(String, String)>,
    Q(q): Q<Saved>,
) -> AppResult<Response> {
    let scope = s.scope.clone();
    let (e, viewer, v, members) = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                let (e, viewer) = store::get(tx, &scope, &id).await?;
                if !viewer.sees_members() {
                    return Err(AppError::NotFound);
                }
                let v = store::lines(tx, &scope, &e, &viewer, Subject::Village, Some(&village_id))
                    .await?
                    .pop()
                    .ok_or(AppError::NotFound)?;
                let members =
                    store::lines(tx, &scope, &e, &viewer, Subject::Member, Some(&village_id))
                        .await?;
                Ok((e, viewer, v, members))
            })
        })
        .await?;
    let en = lang == Lang::En;
    page(&VillagePage {
        c: Chrome::new(lang, &s, lang.t("evaluation")),
        open: e.status == super::model::Status::Open,
        decides: viewer == Viewer::Committee,
        village: row(&v, en),
        members: members.iter().map(|l| row(l, en)).collect(),
        heads: heads(Subject::Member, lang),
        levels: choices(Subject::Member, en),
        saved: !q.saved.is_empty(),
        e,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AdjustForm {
    subject: String,
    subject_id: String,
    level: String,
    reason: String,
}

/// `POST /evaluations/{id}/adjust`: the committee's decision on one line, with its reason.
pub async fn adjust(
    State(st): State<AppState>,
    Path(id): Path<String>,
    form: CsrfForm<AdjustForm>,
) -> AppResult<Response> {
    let CsrfForm { session, form } = form;
    let subject = Subject::parse(&form.subject)
        .ok_or_else(|| AppError::invalid("subject", "Chọn thôn hoặc đảng viên cần điều chỉnh"))?;
    let scope = session.scope.clone();
    let eid = id.clone();
    let line = st
        .db
        .write(move |tx| {
            Box::pin(async move {
                store::adjust(
                    tx,
                    &scope,
                    &eid,
                    subject,
                    &form.subject_id,
                    &form.level,
                    &form.reason,
                )
                .await
            })
        })
        .await?;
    let to = match subject {
        Subject::Village => format!("/evaluations/{id}?saved=1"),
        Subject::Member => format!("/evaluations/{id}/villages/{}?saved=1", line.village_id),
    };
    Ok(Redirect::to(&to).into_response())
}

#[derive(Deserialize, Default)]
pub struct Empty {}

/// `POST /evaluations/{id}/approve`.
pub async fn approve(
    State(st): State<AppState>,
    Path(id): Path<String>,
    form: CsrfForm<Empty>,
) -> AppResult<Response> {
    let scope = form.session.scope.clone();
    let eid = id.clone();
    st.db
        .write(move |tx| Box::pin(async move { store::approve(tx, &scope, &eid).await }))
        .await?;
    Ok(Redirect::to(&format!("/evaluations/{id}?saved=1")).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CommendForm {
    villages: Vec<String>,
    members: Vec<String>,
}

/// `POST /evaluations/{id}/commend`: who is commended, from the approved evaluation.
pub async fn commend(
    State(st): State<AppState>,
    Path(id): Path<String>,
    form: CsrfForm<CommendForm>,
) -> AppResult<Response> {
    let CsrfForm { session, form } = form;
    let scope = session.scope.clone();
    let eid = id.clone();
    st.db
        .write(move |tx| {
            Box::pin(async move {
                store::commend(tx, &scope, &eid, &form.villages, &form.members).await
            })
        })
        .await?;
    Ok(Redirect::to(&format!("/evaluations/{id}?saved=1")).into_response())
}

#[derive(Template)]
#[template(path = "evaluation/commendations.html")]
struct CommendationsPage {
    c: Chrome,
    e: Evaluation,
    issuer: String,
    dated: String,
    villages: Vec<Row>,
    members: Vec<Row>,
}

/// `GET /evaluations/{id}/commendations`: the printable A4 list of the commended.
pub async fn commendations(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let scope = s.scope.clone();
    let (e, villages, members) = st
        .db
        .read(move |tx| Box::pin(async move { store::commended(tx, &scope, &id).await }))
        .await?;
    let d = today();
    let en = lang == Lang::En;
    page(&CommendationsPage {
        c: Chrome::new(lang, &s, lang.t("ev_commendations")),
        issuer: format!("ĐẢNG BỘ {}", e.commune_name.to_uppercase()),
        // The place line names the place without its kind word: "Lương Bằng, ngày …".
        dated: format!(
            "{}, ngày {:02} tháng {:02} năm {}",
            ["Xã ", "Phường ", "Thị trấn ", "Đặc khu "]
                .iter()
                .find_map(|k| e.commune_name.strip_prefix(k))
                .unwrap_or(&e.commune_name),
            d.day(),
            u8::from(d.month()),
            d.year()
        ),
        villages: villages.iter().map(|l| row(l, en)).collect(),
        members: members.iter().map(|l| row(l, en)).collect(),
        e,
    })
}

// ---- the rubric ----

#[derive(Template)]
#[template(path = "evaluation/rubric.html")]
struct RubricPage {
    c: Chrome,
    provinces: Vec<Unit>,
    province: Unit,
    f: Fields,
    village: Vec<(String, &'static str)>,
    member: Vec<(String, &'static str)>,
    village_levels: Vec<(String, &'static str)>,
    member_levels: Vec<(String, &'static str)>,
    errors: Vec<(String, String)>,
    saved: bool,
}

impl RubricPage {
    fn v(&self, k: &str) -> String {
        self.f.get(k).cloned().unwrap_or_default()
    }

    fn err(&self, k: &str) -> String {
        self.errors
            .iter()
            .filter(|(f, _)| f == k)
            .map(|(_, m)| m.as_str())
            .collect::<Vec<_>>()
            .join(". ")
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RubricQuery {
    province: String,
    saved: String,
}

fn rubric_page(
    s: &Session,
    lang: Lang,
    provinces: Vec<Unit>,
    province: Unit,
    f: Fields,
    errors: Vec<(String, String)>,
    saved: bool,
) -> AppResult<Response> {
    let en = lang == Lang::En;
    let weights = |sub: Subject| {
        Indicator::of(sub)
            .iter()
            .map(|i| (format!("{}_{}", sub.code(), i.code()), lang.t(i.key())))
            .collect()
    };
    let levels = |sub: Subject| {
        Level::ALL[..3]
            .iter()
            .enumerate()
            .map(|(n, l)| (format!("{}_t{}", sub.code(), n + 1), l.label(sub, en)))
            .collect()
    };
    let status = if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    crate::web::layout::page_with_status(
        status,
        &RubricPage {
            c: Chrome::new(lang, s, lang.t("ev_rubric")),
            provinces,
            province,
            f,
            village: weights(Subject::Village),
            member: weights(Subject::Member),
            village_levels: levels(Subject::Village),
            member_levels: levels(Subject::Member),
            errors,
            saved,
        },
    )
}

/// `GET /evaluations/rubric?province=…`: the province's rubric, for its board to edit.
pub async fn rubric_form(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    Q(q): Q<RubricQuery>,
) -> AppResult<Response> {
    let scope = s.scope.clone();
    let (provinces, province, r) = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                let provinces = store::rubric_provinces(tx, &scope).await?;
                let id = match q.province.trim() {
                    "" => provinces
                        .first()
                        .map(|p| p.id.clone())
                        .ok_or(AppError::NotFound)?,
                    id => id.to_owned(),
                };
                let (u, r) = store::rubric_province(tx, &scope, &id).await?;
                Ok((provinces, u, r))
            })
        })
        .await?;
    rubric_page(
        &s,
        lang,
        provinces,
        province,
        rubric::fields(&r),
        Vec::new(),
        !q.saved.is_empty(),
    )
}

/// `POST /evaluations/rubric`: saves it, or shows the form again with each mistake.
pub async fn rubric_save(
    State(st): State<AppState>,
    lang: Lang,
    form: CsrfForm<Fields>,
) -> AppResult<Response> {
    let CsrfForm { session, form } = form;
    let province = form.get("province").cloned().unwrap_or_default();
    match rubric::check(&form) {
        Ok(r) => {
            let scope = session.scope.clone();
            let p = province.clone();
            st.db
                .write(move |tx| {
                    Box::pin(async move { store::save_rubric(tx, &scope, &p, &r).await })
                })
                .await?;
            Ok(
                Redirect::to(&format!("/evaluations/rubric?province={province}&saved=1"))
                    .into_response(),
            )
        }
        Err(errors) => {
            let scope = session.scope.clone();
            let (provinces, u) = st
                .db
                .read(move |tx| {
                    Box::pin(async move {
                        let provinces = store::rubric_provinces(tx, &scope).await?;
                        let (u, _) = store::rubric_province(tx, &scope, &province).await?;
                        Ok((provinces, u))
                    })
                })
                .await?;
            rubric_page(&session, lang, provinces, u, form, errors, false)
        }
    }
}
