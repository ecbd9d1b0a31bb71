//! Events through the API. Records carry the client's UUIDv7; a POST with an
//! `Idempotency-Key` is done once. Dates are `yyyy-mm-dd` or `dd/mm/yyyy`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};

use super::model::{self, EventInput};
use super::pages::{period_of, today};
use super::store::{self, EventLine, EventView, Saved};
use crate::auth::Session;
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::extract::{ApiJson, Q};
use crate::web::idempotency::{self, IdempotencyKey};

/// An event as a client sends it.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventBody {
    /// The client's UUIDv7 for the record; made by the server when absent.
    #[serde(default)]
    pub id: Option<String>,
    /// The village or commune that held it (ignored when editing: an event keeps its unit).
    #[serde(default)]
    pub unit_id: String,
    /// launch | review_interim | review_final | cell_meeting | dialogue
    pub kind: String,
    pub held_on: String,
    pub place: String,
    pub chair: String,
    pub content: String,
    /// Households attending, a count.
    #[serde(default)]
    pub households: i64,
    /// Ids of the Party members attending.
    #[serde(default)]
    pub members: Vec<String>,
}

impl EventBody {
    fn input(self, unit_id: Option<String>) -> EventInput {
        EventInput {
            id: self.id,
            unit_id: unit_id.unwrap_or(self.unit_id),
            kind: self.kind,
            held_on: self.held_on,
            place: self.place,
            chair: self.chair,
            content: self.content,
            households: self.households.to_string(),
            members: self.members,
        }
    }
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    /// A village or commune; the first one the user keeps when absent.
    unit: String,
    /// `2026-Q4`, `2026-M12`, `2026-H1`, `2026`; the current quarter when absent.
    period: String,
}

/// A unit's events in a period.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EventList {
    pub unit_id: String,
    pub period: String,
    pub period_label: String,
    pub from: String,
    pub to: String,
    pub events: Vec<EventLine>,
}

#[utoipa::path(get, path = "/api/v1/events", tag = "events",
    params(("unit" = Option<String>, Query), ("period" = Option<String>, Query)),
    responses((status = 200, body = EventList), (status = 404, description = "not a unit whose events the user keeps")))]
pub async fn list(
    State(st): State<AppState>,
    s: Session,
    Q(q): Q<ListQuery>,
) -> AppResult<Json<EventList>> {
    let scope = s.scope.clone();
    let v = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                let unit = match q.unit.trim() {
                    "" => store::units_in_scope(tx, &scope)
                        .await?
                        .into_iter()
                        .next()
                        .ok_or(crate::error::AppError::NotFound)?,
                    id => store::unit_for(tx, &scope, id).await?,
                };
                let cutoff = crate::reports::cutoff::cutoff_for(tx, &unit).await?;
                let p = period_of(&q.period, cutoff)?;
                let events = store::list(tx, &scope, &unit, p.first_day(), p.last_day()).await?;
                Ok(EventList {
                    unit_id: unit.id,
                    period: p.key(),
                    period_label: p.label_vi(),
                    from: crate::contacts::model::day_text(p.first_day()),
                    to: crate::contacts::model::day_text(p.last_day()),
                    events,
                })
            })
        })
        .await?;
    Ok(Json(v))
}

#[utoipa::path(get, path = "/api/v1/events/{id}", tag = "events",
    responses((status = 200, body = EventView), (status = 404, description = "not an event the user keeps")))]
pub async fn get(
    State(st): State<AppState>,
    s: Session,
    Path(id): Path<String>,
) -> AppResult<Json<EventView>> {
    let scope = s.scope.clone();
    let v = st
        .db
        .read(move |tx| Box::pin(async move { store::get(tx, &scope, &id).await }))
        .await?;
    Ok(Json(v))
}

#[utoipa::path(post, path = "/api/v1/events", request_body = EventBody, tag = "events",
    responses((status = 201, body = Saved), (status = 404, description = "not a unit whose events the user keeps"),
        (status = 422, description = "validation errors, or an Idempotency-Key reused for another request")))]
pub async fn create(
    State(st): State<AppState>,
    s: Session,
    key: Option<Extension<IdempotencyKey>>,
    ApiJson(body): ApiJson<EventBody>,
) -> AppResult<Response> {
    let scope = s.scope.clone();
    let draft = model::check(&body.input(None), today())?;
    idempotency::once(
        &st.db,
        &s,
        key.map(|k| k.0),
        StatusCode::CREATED,
        move |tx| Box::pin(async move { store::create(tx, &scope, &draft).await }),
    )
    .await
}

#[utoipa::path(put, path = "/api/v1/events/{id}", request_body = EventBody, tag = "events",
    responses((status = 200, body = Saved), (status = 404, description = "not an event the user keeps"),
        (status = 422, description = "validation errors")))]
pub async fn update(
    State(st): State<AppState>,
    s: Session,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<EventBody>,
) -> AppResult<Json<Saved>> {
    let scope = s.scope.clone();
    // The event keeps its id and unit: the body's are not read.
    let mut input = body.input(Some("-".into()));
    input.id = None;
    let draft = model::check(&input, today())?;
    let v = st
        .db
        .write(move |tx| Box::pin(async move { store::update(tx, &scope, &id, &draft).await }))
        .await?;
    Ok(Json(v))
}
