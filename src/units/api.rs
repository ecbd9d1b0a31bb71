//! JSON API of the unit tree.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;

use super::store::{self, Unit};
use crate::app::AppState;
use crate::auth::Session;
use crate::error::AppResult;
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
    s: Session,
    Q(q): Q<UnitQuery>,
) -> AppResult<Json<Vec<Unit>>> {
    super::pages::require_staff(&s)?;
    let mut tx = st.db.begin_read().await?;
    let parent = if q.under.is_empty() {
        store::get(&mut tx, super::catalogue::COUNTRY_ID).await?
    } else {
        store::resolve(&mut tx, &q.under).await?
    };
    let units = store::children(&mut tx, &parent.id, q.history).await?;
    tx.commit().await?;
    Ok(Json(units))
}

#[utoipa::path(get, path = "/api/v1/units/{id}", tag = "units", responses((status = 200, body = Unit)))]
pub async fn get(
    State(st): State<AppState>,
    s: Session,
    Path(id): Path<String>,
) -> AppResult<Json<Unit>> {
    super::pages::require_staff(&s)?;
    let mut tx = st.db.begin_read().await?;
    let u = store::get(&mut tx, &id).await?;
    tx.commit().await?;
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
    let mut tx = st.db.begin().await?;
    let commune = store::get(&mut tx, &id).await?;
    let v = store::create_village(&mut tx, &s.scope, &commune, &input.name).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(v)))
}
