//! Petitions through the API: what the offline app records and reads. Records carry the
//! client's UUIDv7; a POST with an `Idempotency-Key` is done once. A photo goes through
//! the form (multipart), not JSON.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};

use super::model::{self, PetitionInput};
use super::store::{self, Moved, Recorded, StepInput, StepView};
use super::{inbox, settings};
use crate::auth::Session;
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::extract::ApiJson;
use crate::web::idempotency::{self, IdempotencyKey};

/// A petition as a client sends it.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PetitionBody {
    /// The client's UUIDv7 for the record; made by the server when absent.
    #[serde(default)]
    pub id: Option<String>,
    /// A category code of the province's list.
    pub category: String,
    /// The request, in the household's words.
    pub text: String,
    /// The household agrees that the agency sees its name.
    #[serde(default)]
    pub named: bool,
}

#[utoipa::path(post, path = "/api/v1/households/{id}/petitions", request_body = PetitionBody, tag = "petitions",
    responses((status = 201, body = Recorded), (status = 404, description = "not one of the member's households"),
        (status = 422, description = "validation errors")))]
pub async fn create(
    State(st): State<AppState>,
    s: Session,
    key: Option<Extension<IdempotencyKey>>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<PetitionBody>,
) -> AppResult<Response> {
    let scope = s.scope.clone();
    let input = PetitionInput {
        id: body.id,
        category: body.category,
        text: body.text,
        named: body.named,
    };
    let today = super::pages::today(&st);
    idempotency::once(
        &st.db,
        &s,
        key.map(|k| k.0),
        StatusCode::CREATED,
        move |tx| {
            Box::pin(async move {
                let h = crate::contacts::store::assigned(tx, &scope, &id).await?;
                let cats = settings::categories(tx, &h.province_id, false).await?;
                let codes: Vec<&str> = cats.iter().map(|c| c.code.as_str()).collect();
                let draft = model::check(&input, &codes)?;
                let place = store::place_of(tx, &h.village_id).await?;
                store::record(
                    tx,
                    &scope,
                    &place,
                    std::slice::from_ref(&h.household_id),
                    &draft,
                    "api",
                    None,
                    today,
                )
                .await
            })
        },
    )
    .await
}

/// One petition as the API shows it: what the reader's seat may see.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PetitionView {
    pub id: String,
    pub village_name: String,
    /// Absent for readers who may not see the household.
    pub head_name: Option<String>,
    pub category: String,
    pub text: String,
    pub status: String,
    pub status_label: String,
    pub agency_name: Option<String>,
    pub competent_body: Option<String>,
    pub answer_text: Option<String>,
    pub answer_basis: Option<String>,
    pub due_on: Option<String>,
    pub received_on: String,
    pub steps: Vec<StepView>,
}

#[utoipa::path(get, path = "/api/v1/petitions/{id}", tag = "petitions",
    responses((status = 200, body = PetitionView), (status = 404, description = "not a petition the reader may see")))]
pub async fn get(
    State(st): State<AppState>,
    s: Session,
    Path(id): Path<String>,
) -> AppResult<Json<PetitionView>> {
    let scope = s.scope.clone();
    let v = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                let (p, _) = store::get(tx, &scope, &id).await?;
                let steps = store::steps(tx, &p).await?;
                Ok(PetitionView {
                    id: p.id,
                    village_name: p.village_name,
                    head_name: p.head_name,
                    category: p.category,
                    text: p.body,
                    status: p.status.code().into(),
                    status_label: p.status.label_vi().into(),
                    agency_name: p.agency_name,
                    competent_body: p.competent_body,
                    answer_text: p.answer_text,
                    answer_basis: p.answer_basis,
                    due_on: p.due_on,
                    received_on: p.received_on,
                    steps,
                })
            })
        })
        .await?;
    Ok(Json(v))
}

/// A step as a client sends it.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepBody {
    /// forward | answer_at_cell | return | assign | transfer | decline | answer | deliver | confirm | reopen
    pub action: String,
    #[serde(default)]
    pub reason: String,
    /// The competent body, for transfer and decline.
    #[serde(default)]
    pub competent: String,
    /// The agency's id, for assign.
    #[serde(default)]
    pub agency: String,
    #[serde(default)]
    pub answer: String,
    /// The legal basis of an answer.
    #[serde(default)]
    pub basis: String,
}

#[utoipa::path(post, path = "/api/v1/petitions/{id}/steps", request_body = StepBody, tag = "petitions",
    responses((status = 200, body = Moved), (status = 422, description = "the step is refused; nothing changed")))]
pub async fn step(
    State(st): State<AppState>,
    s: Session,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<StepBody>,
) -> AppResult<Json<Moved>> {
    let scope = s.scope.clone();
    let input = StepInput {
        action: body.action,
        reason: body.reason,
        competent: body.competent,
        agency: body.agency,
        answer: body.answer,
        basis: body.basis,
        then: String::new(),
    };
    let today = super::pages::today(&st);
    let m = st
        .db
        .write(move |tx| {
            Box::pin(async move { store::step(tx, &scope, &id, &input, None, today).await })
        })
        .await?;
    Ok(Json(m))
}

#[utoipa::path(get, path = "/api/v1/petitions", tag = "petitions",
    responses((status = 200, body = inbox::Counts, description = "the counts of the reader's own inbox")))]
pub async fn counts(State(st): State<AppState>, s: Session) -> AppResult<Json<inbox::Counts>> {
    let scope = s.scope.clone();
    let today = super::pages::today(&st);
    let c = st
        .db
        .read(move |tx| Box::pin(async move { inbox::inbox(tx, &scope, today).await }))
        .await?
        .own_counts();
    Ok(Json(c))
}
