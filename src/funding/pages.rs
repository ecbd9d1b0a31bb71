//! The funding pages: a commune's ledger for a period with the balance of each source,
//! the form of a receipt or an expense, one entry with its reversal form, the XLSX
//! export, and the totals that supervisors read.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::model::{self, Direction, EntryInput, Line, Source, SourceTotals, Use};
use super::sheet;
use super::store::{self, CommuneFunding, EntryView};
use crate::auth::Session;
use crate::error::{AppError, AppResult, FieldError};
use crate::reports::period::{CutOff, Kind as PeriodKind, Period};
use crate::state::AppState;
use crate::units::store::Unit;
use crate::web::extract::{CsrfForm, Submission, Q};
use crate::web::i18n::Lang;
use crate::web::layout::{page, page_with_status, Chrome};

pub use crate::clock::vietnam_today as today;

/// The period asked for, or the current year: budgets are yearly.
fn period_of(raw: &str, cutoff: CutOff) -> AppResult<Period> {
    match raw.trim() {
        "" => Ok(Period::containing(today(), PeriodKind::Year, cutoff)),
        _ => crate::events::pages::period_of(raw, cutoff),
    }
}

fn money(n: &i64) -> String {
    model::money(*n)
}

fn day(d: &time::Date) -> String {
    crate::contacts::model::day_vn(*d)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LedgerQuery {
    commune: String,
    period: String,
    saved: String,
}

#[derive(Template)]
#[template(path = "funding/index.html")]
struct IndexPage {
    c: Chrome,
    communes: Vec<Unit>,
    commune: Unit,
    period: Period,
    periods: Vec<Period>,
    lines: Vec<Line>,
    totals: Vec<SourceTotals>,
    saved: bool,
}

impl IndexPage {
    fn label(&self, p: &Period) -> String {
        p.label(self.c.is_en())
    }
    fn day(&self, d: &time::Date) -> String {
        day(d)
    }
    fn money(&self, n: &i64) -> String {
        money(n)
    }
    fn source(&self, s: &Source) -> &'static str {
        s.label(self.c.is_en())
    }
    fn receipt(&self, l: &Line) -> String {
        self.side(l, Direction::Receipt)
    }
    fn expense(&self, l: &Line) -> String {
        self.side(l, Direction::Expense)
    }
    /// The amount in its column, negative for a reversal (the red-ink method).
    fn side(&self, l: &Line, d: Direction) -> String {
        if l.entry.direction != d {
            return String::new();
        }
        let n = if l.entry.reverses.is_some() {
            -l.entry.amount
        } else {
            l.entry.amount
        };
        crate::web::format::number(n)
    }
}

/// The commune, its cut-off, the period, and the ledger, in one read.
async fn ledger_of(
    st: &AppState,
    s: &Session,
    commune: String,
    period: String,
) -> AppResult<(Vec<Unit>, Unit, Period, Vec<Line>, Vec<SourceTotals>)> {
    let scope = s.scope.clone();
    st.db
        .read(move |tx| {
            Box::pin(async move {
                let communes = store::communes_in_scope(tx, &scope).await?;
                let c = store::commune_for(tx, &scope, &commune).await?;
                let cutoff = crate::reports::cutoff::cutoff_for(tx, &c).await?;
                let p = period_of(&period, cutoff)?;
                let (lines, totals) = store::ledger(tx, &scope, &c, &p).await?;
                Ok((communes, c, p, lines, totals))
            })
        })
        .await
}

/// `GET /funding`: the commune's ledger for a period.
pub async fn index(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    Q(q): Q<LedgerQuery>,
) -> AppResult<Response> {
    let (communes, commune, period, lines, totals) =
        ledger_of(&st, &s, q.commune, q.period).await?;
    page(&IndexPage {
        c: Chrome::new(lang, &s, lang.t("funding")),
        communes,
        commune,
        periods: crate::events::pages::period_choices(period),
        period,
        lines,
        totals,
        saved: !q.saved.is_empty(),
    })
}

/// `GET /funding.xlsx`: the same ledger as a spreadsheet.
pub async fn xlsx(
    State(st): State<AppState>,
    s: Session,
    Q(q): Q<LedgerQuery>,
) -> AppResult<Response> {
    let (_, commune, period, lines, totals) = ledger_of(&st, &s, q.commune, q.period).await?;
    let bytes = sheet::render(&commune, &period, &lines, &totals)?;
    let mut res = (StatusCode::OK, bytes).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    );
    let name: String = crate::text::fold(&commune.name)
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"Kinh-phi-{name}-{}.xlsx\"",
        period.key()
    )) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

/// The form as posted.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(default)]
pub struct EntryForm {
    id: String,
    commune: String,
    direction: String,
    entry_on: String,
    source: String,
    use_code: String,
    event_id: String,
    amount: String,
    description: String,
}

impl EntryForm {
    fn input(&self) -> EntryInput {
        EntryInput {
            id: Some(self.id.clone()).filter(|s| !s.trim().is_empty()),
            direction: self.direction.clone(),
            entry_on: self.entry_on.clone(),
            source: self.source.clone(),
            use_code: self.use_code.clone(),
            event_id: self.event_id.clone(),
            amount: self.amount.clone(),
            description: self.description.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "funding/form.html")]
struct FormPage {
    c: Chrome,
    commune: Unit,
    expense: bool,
    sources: &'static [Source],
    uses: &'static [Use],
    /// (id, label) of the commune's events an expense may name.
    events: Vec<(String, String)>,
    /// The balance of each source now, to spend from.
    totals: Vec<SourceTotals>,
    f: EntryForm,
    errors: Vec<FieldError>,
}

impl FormPage {
    fn err(&self, field: &str) -> String {
        crate::people::forms::field_error(&self.errors, field)
    }
    fn money(&self, n: &i64) -> String {
        money(n)
    }
    fn source(&self, s: &Source) -> &'static str {
        s.label(self.c.is_en())
    }
    fn use_label(&self, u: &Use) -> &'static str {
        u.label(self.c.is_en())
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    commune: String,
    direction: String,
}

async fn form_page(
    st: &AppState,
    s: &Session,
    lang: Lang,
    f: EntryForm,
    errors: Vec<FieldError>,
) -> AppResult<Response> {
    let scope = s.scope.clone();
    let commune = f.commune.clone();
    let (commune, events, totals) = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                let c = store::commune_for(tx, &scope, &commune).await?;
                let events = store::events_to_link(tx, &c.id).await?;
                let all = store::entries(tx, &c.id).await?;
                let (_, totals) = model::ledger(all, time::Date::MIN, time::Date::MAX);
                Ok((c, events, totals))
            })
        })
        .await?;
    let events = events
        .into_iter()
        .map(|(id, kind, on, unit)| {
            let kind = crate::events::model::Kind::parse(&kind).map_or("", |k| lang.t(k.key()));
            (
                id,
                format!("{} · {kind} · {unit}", crate::web::format::date(&on)),
            )
        })
        .collect();
    let expense = f.direction == Direction::Expense.code();
    let title = lang.t(if expense {
        "funding_new_expense"
    } else {
        "funding_new_receipt"
    });
    page_with_status(
        crate::people::forms::form_status(&errors),
        &FormPage {
            c: Chrome::new(lang, s, title),
            f: EntryForm {
                commune: commune.id.clone(),
                ..f
            },
            commune,
            expense,
            sources: Source::ALL,
            uses: Use::ALL,
            events,
            totals,
            errors,
        },
    )
}

/// `GET /funding/new?direction=receipt|expense`: a fresh form dated today.
pub async fn new_form(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    Q(q): Q<NewQuery>,
) -> AppResult<Response> {
    let direction = Direction::parse(&q.direction).unwrap_or(Direction::Receipt);
    let f = EntryForm {
        id: crate::clock::new_id(),
        commune: q.commune,
        direction: direction.code().into(),
        entry_on: crate::contacts::model::day_vn(today()),
        ..Default::default()
    };
    form_page(&st, &s, lang, f, Vec::new()).await
}

/// `POST /funding`: records the entry once, or shows the form again with the reasons.
pub async fn create(
    State(st): State<AppState>,
    lang: Lang,
    form: Submission<EntryForm>,
) -> AppResult<Response> {
    let (s, f, expired) = form.into_parts();
    if expired {
        let errors = vec![FieldError::new("form", lang.t("form_expired_resend"))];
        return form_page(&st, &s, lang, f, errors).await;
    }
    let draft = match model::check(&f.input(), today()) {
        Ok(d) => d,
        Err(AppError::Validation(errors)) => return form_page(&st, &s, lang, f, errors).await,
        Err(e) => return Err(e),
    };
    let scope = s.scope.clone();
    let commune = f.commune.clone();
    let saved = st
        .db
        .write(move |tx| Box::pin(async move { store::record(tx, &scope, &commune, &draft).await }))
        .await;
    match saved {
        Ok(r) => {
            Ok(Redirect::to(&format!("/funding?commune={}&saved=1", r.commune_id)).into_response())
        }
        Err(AppError::Validation(errors)) => form_page(&st, &s, lang, f, errors).await,
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "funding/show.html")]
struct ShowPage {
    c: Chrome,
    v: EntryView,
    /// A fresh id for the reversing entry.
    reversal_id: String,
    reason: String,
    event_label: String,
    errors: Vec<FieldError>,
}

impl ShowPage {
    fn day(&self, d: &time::Date) -> String {
        day(d)
    }
    fn err(&self, field: &str) -> String {
        crate::people::forms::field_error(&self.errors, field)
    }
    fn money(&self, n: &i64) -> String {
        money(n)
    }
    fn can_reverse(&self) -> bool {
        self.v.entry.reverses.is_none() && self.v.reversed_by.is_none()
    }
}

async fn show_page(
    st: &AppState,
    s: &Session,
    lang: Lang,
    id: String,
    reversal_id: String,
    reason: String,
    errors: Vec<FieldError>,
) -> AppResult<Response> {
    let scope = s.scope.clone();
    let v = st
        .db
        .read(move |tx| Box::pin(async move { store::get(tx, &scope, &id).await }))
        .await?;
    let event_label = match &v.event {
        Some((_, kind, on)) => format!(
            "{} · {}",
            crate::events::model::Kind::parse(kind).map_or("", |k| lang.t(k.key())),
            crate::web::format::date(on)
        ),
        None => String::new(),
    };
    page_with_status(
        crate::people::forms::form_status(&errors),
        &ShowPage {
            c: Chrome::new(lang, s, lang.t("funding_entry")),
            v,
            reversal_id,
            reason,
            event_label,
            errors,
        },
    )
}

/// `GET /funding/{id}`: one entry, and the form that reverses it.
pub async fn show(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    Path(id): Path<String>,
) -> AppResult<Response> {
    show_page(
        &st,
        &s,
        lang,
        id,
        crate::clock::new_id(),
        String::new(),
        Vec::new(),
    )
    .await
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct ReverseForm {
    id: String,
    reason: String,
}

/// `POST /funding/{id}/reverse`: records the reversing entry, dated today.
pub async fn reverse(
    State(st): State<AppState>,
    lang: Lang,
    Path(id): Path<String>,
    form: CsrfForm<ReverseForm>,
) -> AppResult<Response> {
    let CsrfForm {
        session: s,
        form: f,
    } = form;
    let scope = s.scope.clone();
    let (entry, rid, reason) = (id.clone(), f.id.clone(), f.reason.clone());
    let saved = st
        .db
        .write(move |tx| {
            Box::pin(async move {
                store::reverse(tx, &scope, &entry, Some(&rid), &reason, today()).await
            })
        })
        .await;
    match saved {
        Ok(r) => {
            Ok(Redirect::to(&format!("/funding?commune={}&saved=1", r.commune_id)).into_response())
        }
        Err(AppError::Validation(errors)) => {
            show_page(&st, &s, lang, id, f.id, f.reason, errors).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SummaryQuery {
    unit: String,
    period: String,
}

#[derive(Template)]
#[template(path = "funding/summary.html")]
struct SummaryPage {
    c: Chrome,
    unit: Unit,
    period: Period,
    periods: Vec<Period>,
    communes: Vec<CommuneFunding>,
    total: Vec<SourceTotals>,
}

impl SummaryPage {
    fn label(&self, p: &Period) -> String {
        p.label(self.c.is_en())
    }
    fn money(&self, n: &i64) -> String {
        money(n)
    }
    fn source(&self, s: &Source) -> &'static str {
        s.label(self.c.is_en())
    }
}

/// `GET /funding/summary`: received, spent and balance per source for each commune of a
/// unit in a period: totals for the boards above the commune, never the lines.
pub async fn summary(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    Q(q): Q<SummaryQuery>,
) -> AppResult<Response> {
    let scope = s.scope.clone();
    let (unit, period, communes) = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                let id = match q.unit.trim() {
                    "" => scope
                        .grants()
                        .iter()
                        .find(|g| store::SUMMARY_READERS.contains(&g.role))
                        .map(|g| g.unit_id.clone())
                        .ok_or(AppError::NotFound)?,
                    id => id.to_owned(),
                };
                let unit = crate::units::store::get(tx, &id).await?;
                let cutoff = crate::reports::cutoff::cutoff_for(tx, &unit).await?;
                let p = period_of(&q.period, cutoff)?;
                let communes = store::summary(tx, &scope, &unit, &p).await?;
                Ok((unit, p, communes))
            })
        })
        .await?;
    page(&SummaryPage {
        c: Chrome::new(lang, &s, lang.t("funding_summary")),
        total: store::total(&communes),
        unit,
        periods: crate::events::pages::period_choices(period),
        period,
        communes,
    })
}
