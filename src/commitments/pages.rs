//! The commitments page of a village (households and members, with their state for a
//! year), the record action (many at once or one), the printable forms, the lines of the
//! form, and the summary of counts.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::model::{self, Subject};
use super::render_docx;
use super::store::{self, Entry, Items, SummaryRow, Tally};
use crate::auth::{Role, Session};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::units::store::{self as units, Unit};
use crate::web::extract::{CsrfForm, Q};
use crate::web::i18n::Lang;
use crate::web::layout::{page, Chrome};

/// Rows per page: a village's 450 households would not fit the 30 KB page budget.
pub const PAGE: i64 = 50;
/// The most records one action makes.
pub const MAX_BATCH: usize = 200;

pub use crate::clock::vietnam_today as today;

fn year_of(raw: &str) -> AppResult<i32> {
    model::check_year(raw, today()).map_err(|m| AppError::invalid("year", m))
}

fn subject_of(raw: &str) -> AppResult<Subject> {
    Subject::from_query(raw).map_err(|m| AppError::invalid("subject", m))
}

/// "Thôn", "Tổ dân phố": the village's own kind word.
fn village_type(v: &Unit) -> String {
    v.kind_label(false)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    village: String,
    year: String,
    subject: String,
    page: i64,
    done: i64,
}

#[derive(Template)]
#[template(path = "commitments/index.html")]
struct IndexPage {
    c: Chrome,
    villages: Vec<Unit>,
    village: Option<Unit>,
    year: i32,
    subject: &'static str,
    entries: Vec<Entry>,
    tally: Tally,
    page: i64,
    pages: i64,
    today: String,
    done: i64,
}

impl IndexPage {
    fn href(&self, page: i64) -> String {
        let v = self.village.as_ref().map_or("", |v| v.id.as_str());
        format!(
            "/commitments?village={v}&year={}&subject={}&page={page}",
            self.year, self.subject
        )
    }

    fn tab(&self, subject: &str) -> String {
        let v = self.village.as_ref().map_or("", |v| v.id.as_str());
        format!(
            "/commitments?village={v}&year={}&subject={subject}",
            self.year
        )
    }

    fn state(&self, e: &Entry) -> String {
        match (e.signed, &e.signed_on) {
            (Some(true), Some(d)) => {
                format!("{} {}", self.c.t("commitment_signed"), self.c.date(d))
            }
            (Some(false), _) => self.c.t("commitment_not_signed").to_owned(),
            _ => self.c.t("commitment_none").to_owned(),
        }
    }
}

/// A village's households (or members) with the state of their commitment for a year.
pub async fn index(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    Q(q): Q<ListQuery>,
) -> AppResult<Response> {
    let year = year_of(&q.year)?;
    let subject = subject_of(&q.subject)?;
    let page_no = q.page.max(1);
    let scope = s.scope.clone();
    let (villages, village, entries, tally) = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                let villages = units::villages_in_scope(tx, &scope).await?;
                let village = match q.village.trim() {
                    "" => villages.first().cloned(),
                    id => Some(store::village(tx, &scope, id).await?),
                };
                let Some(v) = village.clone() else {
                    return Ok((
                        villages,
                        None,
                        Vec::new(),
                        Tally {
                            signed: 0,
                            total: 0,
                        },
                    ));
                };
                let tally = store::tally(tx, &v.id, year, subject).await?;
                let entries = store::entries(
                    tx,
                    &scope,
                    &v,
                    year,
                    subject,
                    Some((PAGE, (page_no - 1) * PAGE)),
                    false,
                )
                .await?;
                Ok((villages, village, entries, tally))
            })
        })
        .await?;
    page(&IndexPage {
        c: Chrome::new(lang, &s, lang.t("commitments")),
        villages,
        village,
        year,
        subject: subject.code(),
        entries,
        tally,
        page: page_no,
        pages: ((tally.total + PAGE - 1) / PAGE).max(1),
        // Today when it may be that year's date of signing; else the secretary types it.
        today: match model::window(year) {
            Some((from, to)) if (from..=to).contains(&today()) => model::dmy(today()),
            _ => String::new(),
        },
        done: q.done,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RecordForm {
    village: String,
    year: String,
    subject: String,
    page: i64,
    /// The ticked boxes.
    id: Vec<String>,
    /// A row's own button: that one only.
    only: String,
    signed_on: String,
    /// "signed" or "unsigned".
    action: String,
}

/// Records the ticked households (or members, or the one whose button was pressed) as
/// signed on one date, or as not signed: one unit of work, all or nothing.
pub async fn record(State(st): State<AppState>, form: CsrfForm<RecordForm>) -> AppResult<Response> {
    let s = form.session;
    let f = form.form;
    let year = year_of(&f.year)?;
    let subject = subject_of(&f.subject)?;
    // A row's own button carries only its id: it records that one as signed.
    let action = match (f.action.as_str(), f.only.trim()) {
        ("", only) if !only.is_empty() => "signed",
        (a, _) => a,
    };
    let signed = match action {
        "signed" => true,
        "unsigned" => false,
        _ => {
            return Err(AppError::invalid(
                "action",
                "Hãy bấm “Đã ký” hoặc “Chưa ký”",
            ))
        }
    };
    // A not-signed record has no date; the form's date box is simply not read.
    let raw_date = if signed { f.signed_on.as_str() } else { "" };
    let state = model::check_state(signed, raw_date, year, today())
        .map_err(|m| AppError::invalid("signed_on", m))?;
    let ids: Vec<String> = if f.only.trim().is_empty() {
        f.id.iter()
            .map(|i| i.trim().to_owned())
            .filter(|i| !i.is_empty())
            .collect()
    } else {
        vec![f.only.trim().to_owned()]
    };
    if ids.is_empty() {
        return Err(AppError::invalid(
            "id",
            "Chưa chọn ai: hãy đánh dấu ít nhất một dòng trong danh sách",
        ));
    }
    if ids.len() > MAX_BATCH {
        return Err(AppError::invalid(
            "id",
            format!("Mỗi lần ghi tối đa {MAX_BATCH} dòng"),
        ));
    }
    let scope = s.scope.clone();
    let village = f.village.trim().to_owned();
    let v = village.clone();
    let done = st
        .db
        .write(move |tx| {
            Box::pin(async move {
                store::village(tx, &scope, &v).await?;
                let mut done = 0;
                for id in ids {
                    store::record(tx, &scope, year, subject, &id, Some(&v), state, None).await?;
                    done += 1;
                }
                Ok(done)
            })
        })
        .await?;
    Ok(Redirect::to(&format!(
        "/commitments?village={village}&year={year}&subject={}&page={}&done={done}",
        subject.code(),
        f.page.max(1)
    ))
    .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FormsQuery {
    village: String,
    year: String,
    subject: String,
}

/// The village's forms for a year as one DOCX, one household (or member) per page,
/// pre-filled from the registry and the approved assignment plan.
pub async fn forms_docx(
    State(st): State<AppState>,
    s: Session,
    Q(q): Q<FormsQuery>,
) -> AppResult<Response> {
    let year = year_of(&q.year)?;
    let subject = subject_of(&q.subject)?;
    let scope = s.scope.clone();
    let (village, commune, entries, items, secretary) = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                let v = store::village(tx, &scope, q.village.trim()).await?;
                let commune_id = v.commune_id.clone().ok_or(AppError::NotFound)?;
                let commune = units::get(tx, &commune_id).await?;
                let entries = store::entries(tx, &scope, &v, year, subject, None, true).await?;
                let items = store::items(tx, &commune_id, subject).await?;
                let secretary = crate::assignment::store::cell_secretary_name(tx, &v.id).await?;
                Ok((v, commune, entries, items, secretary))
            })
        })
        .await?;
    let lines: Vec<String> = items.items.into_iter().map(|i| i.text).collect();
    let bytes = render_docx::render(&render_docx::FormsDoc {
        commune_name: &commune.display_name(),
        village_name: &village.name,
        village_type: &village_type(&village),
        year,
        subject,
        items: &lines,
        entries: &entries,
        secretary: secretary.as_deref(),
    })?;
    let who = match subject {
        Subject::Household => "ho",
        Subject::Member => "dang-vien",
    };
    let name: String = crate::text::fold(&village.name)
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let mut res = (StatusCode::OK, bytes).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    );
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"Cam-ket-{who}-{name}-{year}.docx\""
    )) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ItemsQuery {
    commune: String,
    subject: String,
}

#[derive(Template)]
#[template(path = "commitments/items.html")]
struct ItemsPage {
    c: Chrome,
    communes: Vec<Unit>,
    commune: Unit,
    subject: &'static str,
    items: Items,
    can_edit: bool,
}

/// The lines of a commune's forms: the committee edits them, secretaries read them.
pub async fn items(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    Q(q): Q<ItemsQuery>,
) -> AppResult<Response> {
    let subject = subject_of(&q.subject)?;
    let scope = s.scope.clone();
    let (communes, commune, items) = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                let communes = store::communes_in_scope(tx, &scope).await?;
                let commune = store::commune(tx, &scope, &q.commune).await?;
                let items = store::items(tx, &commune.id, subject).await?;
                Ok((communes, commune, items))
            })
        })
        .await?;
    let can_edit = s.scope.covers(&[Role::CommuneCommittee], &commune.path);
    page(&ItemsPage {
        c: Chrome::new(lang, &s, lang.t("commitment_items")),
        communes,
        commune,
        subject: subject.code(),
        items,
        can_edit,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ItemForm {
    commune: String,
    subject: String,
    text: String,
    /// add, reword, up, down, retire.
    action: String,
}

async fn edit_items(
    st: &AppState,
    s: Session,
    key: Option<String>,
    f: ItemForm,
) -> AppResult<Response> {
    let subject = subject_of(&f.subject)?;
    let scope = s.scope.clone();
    let commune = f.commune.clone();
    let action = if key.is_none() {
        "add".to_owned()
    } else {
        f.action.clone()
    };
    let id = st
        .db
        .write(move |tx| {
            Box::pin(async move {
                let c = store::commune_to_edit(tx, &scope, &commune).await?;
                store::edit(tx, &scope, &c, subject, key.as_deref(), &action, &f.text).await?;
                Ok(c.id)
            })
        })
        .await?;
    Ok(Redirect::to(&format!(
        "/commitments/items?commune={id}&subject={}",
        subject.code()
    ))
    .into_response())
}

/// Adds a line at the end of the commune's form.
pub async fn item_add(State(st): State<AppState>, form: CsrfForm<ItemForm>) -> AppResult<Response> {
    edit_items(&st, form.session, None, form.form).await
}

/// Rewords, moves or retires one line.
pub async fn item_edit(
    State(st): State<AppState>,
    Path(id): Path<String>,
    form: CsrfForm<ItemForm>,
) -> AppResult<Response> {
    edit_items(&st, form.session, Some(id), form.form).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SummaryQuery {
    unit: String,
    year: String,
}

#[derive(Template)]
#[template(path = "commitments/summary.html")]
struct SummaryPage {
    c: Chrome,
    unit: Unit,
    year: i32,
    rows: Vec<SummaryRow>,
    households: Tally,
    members: Tally,
}

/// Signed / total per village (or commune) of a unit: counts only, for supervisors, the
/// Front and the committee.
pub async fn summary(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    Q(q): Q<SummaryQuery>,
) -> AppResult<Response> {
    let year = year_of(&q.year)?;
    let scope = s.scope.clone();
    let (unit, rows) = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                let unit = store::summary_unit(tx, &scope, &q.unit).await?;
                let rows = store::summary(tx, &unit, year).await?;
                Ok((unit, rows))
            })
        })
        .await?;
    let sum = |f: fn(&SummaryRow) -> Tally| Tally {
        signed: rows.iter().map(|r| f(r).signed).sum(),
        total: rows.iter().map(|r| f(r).total).sum(),
    };
    let households = sum(|r| r.households);
    let members = sum(|r| r.members);
    page(&SummaryPage {
        c: Chrome::new(lang, &s, lang.t("commitments_summary")),
        unit,
        year,
        rows,
        households,
        members,
    })
}

#[derive(Template)]
#[template(path = "commitments/mine.html")]
struct MinePage {
    c: Chrome,
    year: i32,
    rows: Vec<(i64, bool, Option<String>)>,
}

impl MinePage {
    fn state(&self, signed: &bool, on: &Option<String>) -> String {
        match (signed, on) {
            (true, Some(d)) => format!("{} {}", self.c.t("commitment_signed"), self.c.date(d)),
            _ => self.c.t("commitment_not_signed").to_owned(),
        }
    }

    fn this_year_recorded(&self) -> bool {
        self.rows.iter().any(|r| r.0 == i64::from(self.year))
    }
}

/// A Party member's own commitments, year by year: what the cell recorded for them.
pub async fn mine(State(st): State<AppState>, s: Session, lang: Lang) -> AppResult<Response> {
    let scope = s.scope.clone();
    let rows = st
        .db
        .read(move |tx| Box::pin(async move { store::mine(tx, &scope).await }))
        .await?;
    page(&MinePage {
        c: Chrome::new(lang, &s, lang.t("commitments_mine")),
        year: today().year(),
        rows,
    })
}
