//! Contacts through the API: what the offline app will sync through. Records carry the
//! client's UUIDv7; a POST with an `Idempotency-Key` is done once.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Json};
use serde::Deserialize;

use super::model::ContactInput;
use super::store::{self, ContactView, MyHousehold, Recorded};
use crate::auth::Session;
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::extract::ApiJson;
use crate::web::idempotency::{self, IdempotencyKey};

/// A contact as a client sends it. Dates are `yyyy-mm-dd`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactBody {
    /// The client's UUIDv7 for the record; made by the server when absent.
    #[serde(default)]
    pub id: Option<String>,
    /// Defaults to today (Vietnam).
    #[serde(default)]
    pub contacted_on: Option<String>,
    /// visit | phone | meeting | message
    pub channel: String,
    /// Topic codes of the province's list.
    pub topics: Vec<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// Set when a follow-up is needed.
    #[serde(default)]
    pub follow_up_on: Option<String>,
}

impl ContactBody {
    fn input(self) -> ContactInput {
        ContactInput {
            id: self.id,
            contacted_on: self.contacted_on.unwrap_or_default(),
            channel: self.channel,
            topics: self.topics,
            note: self.note.unwrap_or_default(),
            follow_up: self.follow_up_on.is_some(),
            follow_up_on: self.follow_up_on.unwrap_or_default(),
        }
    }
}

#[utoipa::path(post, path = "/api/v1/households/{id}/contacts", request_body = ContactBody, tag = "contacts",
    responses((status = 201, body = Recorded), (status = 404, description = "not one of the member's households"),
        (status = 422, description = "validation errors, or an Idempotency-Key reused for another request")))]
pub async fn create(
    State(st): State<AppState>,
    s: Session,
    key: Option<Extension<IdempotencyKey>>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ContactBody>,
) -> AppResult<Response> {
    let scope = s.scope.clone();
    let input = body.input();
    let today = super::pages::today();
    idempotency::once(
        &st.db,
        &s,
        key.map(|k| k.0),
        StatusCode::CREATED,
        move |tx| Box::pin(async move { store::record(tx, &scope, &id, &input, today).await }),
    )
    .await
}

#[utoipa::path(get, path = "/api/v1/households/{id}/contacts", tag = "contacts",
    responses((status = 200, body = Vec<ContactView>)))]
pub async fn list(
    State(st): State<AppState>,
    s: Session,
    Path(id): Path<String>,
) -> AppResult<Json<Vec<ContactView>>> {
    let v = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                let h = crate::people::households::get_for_page(tx, &s.scope, &id).await?;
                store::history(tx, &h).await
            })
        })
        .await?;
    Ok(Json(v))
}

#[utoipa::path(get, path = "/api/v1/my/households", tag = "contacts",
    responses((status = 200, body = Vec<MyHousehold>)))]
pub async fn mine(State(st): State<AppState>, s: Session) -> AppResult<Json<Vec<MyHousehold>>> {
    Ok(Json(super::pages::my_households(&st, &s).await?))
}
