//! The events pages: a unit's list for a period, one event, and the form that records or
//! edits it. Plain forms, no JavaScript; the form's own record id makes a double submit
//! harmless, and a refused form comes back as typed with the reason beside each field.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::model::{self, EventInput, Kind};
use super::store::{self, Attendee, EventLine, EventView};
use crate::auth::Session;
use crate::error::{AppError, AppResult, FieldError};
use crate::reports::period::{CutOff, Kind as PeriodKind, Period};
use crate::state::AppState;
use crate::units::store::Unit;
use crate::web::extract::{Submission, Q};
use crate::web::i18n::Lang;
use crate::web::layout::{page, page_with_status, Chrome};

pub use crate::clock::vietnam_today as today;

/// The period a page asked for (`2026-Q4`), or the current quarter.
pub fn period_of(raw: &str, cutoff: CutOff) -> AppResult<Period> {
    match raw.trim() {
        "" => Ok(Period::containing(today(), PeriodKind::Quarter, cutoff)),
        key => Period::parse(key, cutoff).ok_or_else(|| {
            AppError::invalid(
                "period",
                "Kỳ báo cáo không hợp lệ; chọn một kỳ trong danh sách (vd. 2026-Q4)",
            )
        }),
    }
}

/// The periods a page offers, with the one shown among them.
pub fn period_choices(shown: Period) -> Vec<Period> {
    let mut out = Period::choices(today(), shown.cutoff);
    if !out.contains(&shown) {
        out.insert(0, shown);
    }
    out
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    unit: String,
    period: String,
    saved: String,
}

#[derive(Template)]
#[template(path = "events/index.html")]
struct IndexPage {
    c: Chrome,
    units: Vec<Unit>,
    unit: Option<Unit>,
    period: Period,
    periods: Vec<Period>,
    events: Vec<EventLine>,
    members: i64,
    households: i64,
}

impl IndexPage {
    fn label(&self, p: &Period) -> String {
        p.label(self.c.is_en())
    }
}

/// `GET /events`: the events a unit and the units under it held in a period.
pub async fn index(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    Q(q): Q<ListQuery>,
) -> AppResult<Response> {
    let scope = s.scope.clone();
    let (units, unit, period, events) = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                let units = store::units_in_scope(tx, &scope).await?;
                let unit = match q.unit.trim() {
                    "" => units.first().cloned(),
                    id => Some(store::unit_for(tx, &scope, id).await?),
                };
                let Some(u) = unit.clone() else {
                    let p = period_of(&q.period, CutOff::CALENDAR)?;
                    return Ok((units, None, p, Vec::new()));
                };
                let cutoff = crate::reports::cutoff::cutoff_for(tx, &u).await?;
                let p = period_of(&q.period, cutoff)?;
                let events = store::list(tx, &scope, &u, p.first_day(), p.last_day()).await?;
                Ok((units, unit, p, events))
            })
        })
        .await?;
    page(&IndexPage {
        c: Chrome::new(lang, &s, lang.t("events")),
        units,
        unit,
        periods: period_choices(period),
        period,
        members: events.iter().map(|e| e.members).sum(),
        households: events.iter().map(|e| e.households).sum(),
        events,
    })
}

#[derive(Template)]
#[template(path = "events/show.html")]
struct ShowPage {
    c: Chrome,
    e: EventView,
    saved: bool,
}

/// `GET /events/{id}`: one event with the members who attended, by name.
pub async fn show(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    Path(id): Path<String>,
    Q(q): Q<ListQuery>,
) -> AppResult<Response> {
    let scope = s.scope.clone();
    let e = st
        .db
        .read(move |tx| Box::pin(async move { store::get(tx, &scope, &id).await }))
        .await?;
    page(&ShowPage {
        c: Chrome::new(lang, &s, lang.t("event")),
        e,
        saved: !q.saved.is_empty(),
    })
}

/// The form as posted. Members repeat (`members=…&members=…`).
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(default)]
pub struct EventForm {
    id: String,
    unit_id: String,
    kind: String,
    held_on: String,
    place: String,
    chair: String,
    content: String,
    households: String,
    members: Vec<String>,
}

impl EventForm {
    fn input(&self) -> EventInput {
        EventInput {
            id: Some(self.id.clone()).filter(|s| !s.trim().is_empty()),
            unit_id: self.unit_id.clone(),
            kind: self.kind.clone(),
            held_on: self.held_on.clone(),
            place: self.place.clone(),
            chair: self.chair.clone(),
            content: self.content.clone(),
            households: self.households.clone(),
            members: self.members.clone(),
        }
    }

    fn of(e: &EventView) -> EventForm {
        EventForm {
            id: e.line.id.clone(),
            unit_id: e.line.unit_id.clone(),
            kind: e.line.kind.code().into(),
            held_on: crate::web::format::date(&e.line.held_on),
            place: e.line.place.clone(),
            chair: e.line.chair.clone(),
            content: e.content.clone(),
            households: e.line.households.to_string(),
            members: e.attendees.iter().map(|a| a.member_id.clone()).collect(),
        }
    }
}

/// The members offered, one group per village.
type Groups = Vec<(String, Vec<Attendee>)>;

fn grouped(list: Vec<Attendee>) -> Groups {
    let mut out: Groups = Vec::new();
    for a in list {
        match out.last_mut() {
            Some((v, members)) if *v == a.village_name => members.push(a),
            _ => out.push((a.village_name.clone(), vec![a])),
        }
    }
    out
}

#[derive(Template)]
#[template(path = "events/form.html")]
struct FormPage {
    c: Chrome,
    /// Where the form posts: `/events` or `/events/{id}`.
    action: String,
    unit: Unit,
    kinds: &'static [Kind],
    f: EventForm,
    groups: Groups,
    errors: Vec<FieldError>,
}

impl FormPage {
    fn err(&self, field: &str) -> String {
        crate::people::forms::field_error(&self.errors, field)
    }

    fn is_chosen(&self, id: &str) -> bool {
        self.f.members.iter().any(|m| m == id)
    }
}

/// The unit, the members it may list, and (editing) the event as stored, in one read.
async fn form_context(
    st: &AppState,
    s: &Session,
    unit_id: String,
    event_id: Option<String>,
) -> AppResult<(Unit, Groups, Option<EventView>)> {
    let scope = s.scope.clone();
    st.db
        .read(move |tx| {
            Box::pin(async move {
                let event = match &event_id {
                    Some(id) => Some(store::get(tx, &scope, id).await?),
                    None => None,
                };
                let unit_id = event.as_ref().map_or(unit_id, |e| e.line.unit_id.clone());
                let unit_id = match unit_id.trim() {
                    "" => store::units_in_scope(tx, &scope)
                        .await?
                        .first()
                        .map(|u| u.id.clone())
                        .ok_or(AppError::NotFound)?,
                    id => id.to_owned(),
                };
                let unit = store::unit_for(tx, &scope, &unit_id).await?;
                let mut list = store::member_choices(tx, &scope, &unit).await?;
                // Members on the record who have moved since stay tickable.
                if let Some(e) = &event {
                    for a in &e.attendees {
                        if !list.iter().any(|m| m.member_id == a.member_id) {
                            list.push(a.clone());
                        }
                    }
                }
                Ok((unit, grouped(list), event))
            })
        })
        .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    unit: String,
}

/// `GET /events/new?unit=…`: a fresh form for an event held by the unit.
pub async fn new_form(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    Q(q): Q<NewQuery>,
) -> AppResult<Response> {
    let (unit, groups, _) = form_context(&st, &s, q.unit, None).await?;
    let f = EventForm {
        id: crate::clock::new_id(),
        unit_id: unit.id.clone(),
        held_on: crate::contacts::model::day_vn(today()),
        ..Default::default()
    };
    render_form(
        &s,
        lang,
        "/events".into(),
        unit,
        false,
        f,
        groups,
        Vec::new(),
    )
}

/// `GET /events/{id}/edit`: the event's form, filled in.
pub async fn edit_form(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (unit, groups, e) = form_context(&st, &s, String::new(), Some(id.clone())).await?;
    let e = e.ok_or(AppError::NotFound)?;
    let f = EventForm::of(&e);
    render_form(
        &s,
        lang,
        format!("/events/{id}"),
        unit,
        true,
        f,
        groups,
        Vec::new(),
    )
}

#[allow(clippy::too_many_arguments)]
fn render_form(
    s: &Session,
    lang: Lang,
    action: String,
    unit: Unit,
    editing: bool,
    f: EventForm,
    groups: Groups,
    errors: Vec<FieldError>,
) -> AppResult<Response> {
    let title = lang.t(if editing { "event_edit" } else { "event_new" });
    page_with_status(
        crate::people::forms::form_status(&errors),
        &FormPage {
            c: Chrome::new(lang, s, title),
            action,
            unit,
            kinds: Kind::ALL,
            f,
            groups,
            errors,
        },
    )
}

/// The form again, as typed, with the reasons beside the fields.
async fn refused(
    st: &AppState,
    s: &Session,
    lang: Lang,
    editing: Option<String>,
    mut f: EventForm,
    errors: Vec<FieldError>,
) -> AppResult<Response> {
    let (unit, groups, _) = form_context(st, s, f.unit_id.clone(), editing.clone()).await?;
    // The same id: a corrected form still records once.
    if f.id.trim().is_empty() {
        f.id = crate::clock::new_id();
    }
    let is_edit = editing.is_some();
    let action = editing.map_or_else(|| "/events".to_owned(), |id| format!("/events/{id}"));
    render_form(s, lang, action, unit, is_edit, f, groups, errors)
}

/// `POST /events` and `POST /events/{id}`: checks the form, then records or rewrites the
/// event in one unit of work, and shows it.
async fn save(
    st: AppState,
    lang: Lang,
    editing: Option<String>,
    form: Submission<EventForm>,
) -> AppResult<Response> {
    let (s, f, expired) = form.into_parts();
    if expired {
        let errors = vec![FieldError::new("form", lang.t("form_expired_resend"))];
        return refused(&st, &s, lang, editing, f, errors).await;
    }
    let draft = match model::check(&f.input(), today()) {
        Ok(d) => d,
        Err(AppError::Validation(errors)) => {
            return refused(&st, &s, lang, editing, f, errors).await
        }
        Err(e) => return Err(e),
    };
    let scope = s.scope.clone();
    let id = editing.clone();
    let saved = st
        .db
        .write(move |tx| {
            Box::pin(async move {
                match &id {
                    Some(id) => store::update(tx, &scope, id, &draft).await,
                    None => store::create(tx, &scope, &draft).await,
                }
            })
        })
        .await;
    match saved {
        Ok(done) => Ok(Redirect::to(&format!("/events/{}?saved=1", done.id)).into_response()),
        Err(AppError::Validation(errors)) => refused(&st, &s, lang, editing, f, errors).await,
        Err(e) => Err(e),
    }
}

pub async fn create(
    State(st): State<AppState>,
    lang: Lang,
    form: Submission<EventForm>,
) -> AppResult<Response> {
    save(st, lang, None, form).await
}

pub async fn update(
    State(st): State<AppState>,
    lang: Lang,
    Path(id): Path<String>,
    form: Submission<EventForm>,
) -> AppResult<Response> {
    save(st, lang, Some(id), form).await
}
