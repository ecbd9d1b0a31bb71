//! JSON API of campaigns. No PDF travels through JSON: a campaign's file is attached
//! through the page's form and read at `/campaigns/{id}/file`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};

use super::model::{self, CampaignForm, Coverage, DeliveryForm};
use super::store::{self, Area, Campaign};
use super::topics::Topic;
use crate::auth::Session;
use crate::error::{AppError, AppResult};
use crate::people::kinds::SupportCategory;
use crate::state::AppState;
use crate::web::extract::ApiJson;
use crate::web::idempotency::{self, IdempotencyKey};

/// A campaign with its coverage within the caller's area (counts only).
#[derive(Serialize, utoipa::ToSchema)]
pub struct CampaignSummary {
    pub id: String,
    pub title: String,
    pub topic: Topic,
    pub unit_id: String,
    pub unit_name: String,
    pub support_categories: Vec<SupportCategory>,
    /// yyyy-mm-dd
    pub starts_on: String,
    /// yyyy-mm-dd
    pub ends_on: String,
    pub remind_days: i64,
    /// Whether a PDF is attached (`GET /campaigns/{id}/file`).
    pub has_file: bool,
    pub created_at: String,
    pub coverage: Coverage,
}

fn summary(c: &Campaign, coverage: Coverage) -> CampaignSummary {
    CampaignSummary {
        id: c.id.clone(),
        title: c.title.clone(),
        topic: c.topic,
        unit_id: c.unit_id.clone(),
        unit_name: c.unit_name.clone(),
        support_categories: c.categories.clone(),
        starts_on: model::iso(c.starts_on),
        ends_on: model::iso(c.ends_on),
        remind_days: c.remind_days,
        has_file: c.file_name.is_some(),
        created_at: c.created_at.clone(),
        coverage,
    }
}

/// A campaign whole: its text, and its coverage per village or commune of the caller's area.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CampaignDetail {
    #[serde(flatten)]
    pub summary: CampaignSummary,
    pub body: String,
    pub area: Area,
}

#[utoipa::path(get, path = "/api/v1/campaigns", tag = "campaigns",
    responses((status = 200, body = [CampaignSummary])))]
pub async fn list(State(st): State<AppState>, s: Session) -> AppResult<Json<Vec<CampaignSummary>>> {
    let items = st
        .db
        .read(move |tx| Box::pin(async move { store::list(tx, &s.scope).await }))
        .await?;
    Ok(Json(
        items
            .into_iter()
            .map(|l| summary(&l.campaign, l.coverage))
            .collect(),
    ))
}

/// A new campaign. No PDF travels through JSON: attach one through the page's form
/// (`POST /campaigns`, multipart); it is read at `GET /campaigns/{id}/file`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignInput {
    /// A client-made UUIDv7; the server makes one when absent.
    #[serde(default)]
    pub id: Option<String>,
    /// The target: the caller's unit or one below it.
    pub unit_id: String,
    pub title: String,
    /// The information to pass on.
    pub body: String,
    /// law, local_rules, market, social_evils, security, land_clearance, civilised_living,
    /// funds_movements, household_concerns
    pub topic: String,
    /// Only households of these support categories; empty or absent: every household.
    #[serde(default)]
    pub support_categories: Vec<String>,
    /// yyyy-mm-dd (dd/mm/yyyy accepted)
    pub starts_on: String,
    /// yyyy-mm-dd, not before starts_on
    pub ends_on: String,
    /// Days before the end when reminders start (default 3).
    #[serde(default)]
    pub remind_days: Option<i64>,
}

async fn detail(tx: &mut crate::db::Tx, s: &Session, id: &str) -> AppResult<CampaignDetail> {
    let c = store::get(tx, &s.scope, id).await?;
    let area = store::coverage(tx, &s.scope, &c).await?;
    let coverage = area.total.clone();
    Ok(CampaignDetail {
        body: c.body.clone(),
        summary: summary(&c, coverage),
        area,
    })
}

#[utoipa::path(post, path = "/api/v1/campaigns", request_body = CampaignInput, tag = "campaigns",
    responses((status = 201, body = CampaignDetail), (status = 422, description = "validation errors")))]
pub async fn create(
    State(st): State<AppState>,
    s: Session,
    key: Option<Extension<IdempotencyKey>>,
    ApiJson(input): ApiJson<CampaignInput>,
) -> AppResult<Response> {
    let form = CampaignForm {
        id: input.id.unwrap_or_default(),
        unit_id: input.unit_id,
        title: input.title,
        body: input.body,
        topic: input.topic,
        support: input.support_categories,
        starts_on: input.starts_on,
        ends_on: input.ends_on,
        remind_days: input.remind_days.map(|n| n.to_string()).unwrap_or_default(),
    };
    let draft = form.validate().map_err(AppError::Validation)?;
    let session = s.clone();
    idempotency::once(
        &st.db,
        &s,
        key.map(|k| k.0),
        StatusCode::CREATED,
        move |tx| {
            Box::pin(async move {
                let id = store::create(tx, &session.scope, &draft, None).await?;
                detail(tx, &session, &id).await
            })
        },
    )
    .await
}

#[utoipa::path(get, path = "/api/v1/campaigns/{id}", tag = "campaigns",
    responses((status = 200, body = CampaignDetail), (status = 404, description = "not in the caller's area")))]
pub async fn get(
    State(st): State<AppState>,
    s: Session,
    Path(id): Path<String>,
) -> AppResult<Json<CampaignDetail>> {
    let d = st
        .db
        .read(move |tx| Box::pin(async move { detail(tx, &s, &id).await }))
        .await?;
    Ok(Json(d))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliveryInput {
    /// A client-made UUIDv7 of this recording; the same id sent again records nothing new.
    #[serde(default)]
    pub id: Option<String>,
    pub household_id: String,
    /// delivered or unreachable
    pub outcome: String,
    /// yyyy-mm-dd; today when absent. Not in the future, not before the campaign starts.
    #[serde(default)]
    pub on_date: Option<String>,
    /// visit, phone, meeting, message (required when delivered)
    #[serde(default)]
    pub channel: Option<String>,
    /// Why the household could not be reached (optional, short).
    #[serde(default)]
    pub reason: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/campaigns/{id}/deliveries", request_body = DeliveryInput, tag = "campaigns",
    responses((status = 201, body = store::Delivery), (status = 404, description = "household not assigned to the caller"),
        (status = 422, description = "validation errors, household outside the campaign's target, or Idempotency-Key reused")))]
pub async fn deliver(
    State(st): State<AppState>,
    s: Session,
    key: Option<Extension<IdempotencyKey>>,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<DeliveryInput>,
) -> AppResult<Response> {
    let form = DeliveryForm {
        id: input.id.unwrap_or_default(),
        outcome: input.outcome,
        on_date: input.on_date.unwrap_or_default(),
        channel: input.channel.unwrap_or_default(),
        reason: input.reason.unwrap_or_default(),
    };
    // The server's id for a recording without one is made here, once: a retry with the
    // same Idempotency-Key replays the saved answer anyway.
    let form = DeliveryForm {
        id: model::client_id(Some(&form.id)).map_err(|e| AppError::Validation(vec![e]))?,
        ..form
    };
    let scope = s.scope.clone();
    idempotency::once(
        &st.db,
        &s,
        key.map(|k| k.0),
        StatusCode::CREATED,
        move |tx| {
            Box::pin(async move {
                let c = store::get(tx, &scope, &id).await?;
                let h = store::household_for(tx, &scope, &c, &input.household_id).await?;
                let d = form
                    .validate(c.starts_on, store::today())
                    .map_err(AppError::Validation)?;
                store::record(tx, &scope, &c, &h, &d).await
            })
        },
    )
    .await
}
