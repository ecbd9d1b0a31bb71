//! JSON API of the unit tree.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;

use super::store::{self, Unit};
use crate::auth::Session;
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::extract::{ApiJson, Q};

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
pub struct UnitQuery {
    /// A unit id, official code or `code/Village name`; default: the country.
    pub under: String,
    /// Include units no longer in force (before the 2025 reform).
    pub history: bool,
}

#[utoipa::path(get, path = "/api/v1/units", params(UnitQuery), tag = "units", responses((status = 200, body = [Unit])))]
pub async fn list(
    State(st): State<AppState>,
    _admitted: Session,
    Q(q): Q<UnitQuery>,
) -> AppResult<Json<Vec<Unit>>> {
    let units = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                let parent = if q.under.is_empty() {
                    store::get(tx, super::catalogue::COUNTRY_ID).await?
                } else {
                    store::resolve(tx, &q.under).await?
                };
                store::children(tx, &parent.id, q.history).await
            })
        })
        .await?;
    Ok(Json(units))
}

#[utoipa::path(get, path = "/api/v1/units/{id}", tag = "units", responses((status = 200, body = Unit)))]
pub async fn get(
    State(st): State<AppState>,
    _admitted: Session,
    Path(id): Path<String>,
) -> AppResult<Json<Unit>> {
    let u = st
        .db
        .read(move |tx| Box::pin(async move { store::get(tx, &id).await }))
        .await?;
    Ok(Json(u))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VillageInput {
    pub name: String,
}

#[utoipa::path(post, path = "/api/v1/units/{id}/villages", request_body = VillageInput, tag = "units",
    responses((status = 201, body = Unit)))]
pub async fn add_village(
    State(st): State<AppState>,
    s: Session,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<VillageInput>,
) -> AppResult<(StatusCode, Json<Unit>)> {
    let v = st
        .db
        .write(move |tx| {
            Box::pin(async move {
                let commune = store::get(tx, &id).await?;
                store::create_village(tx, &s.scope, &commune, &input.name).await
            })
        })
        .await?;
    Ok((StatusCode::CREATED, Json(v)))
}
