//! JSON API of the registries (`/api/v1/households`, `/members`, `/cells`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};

use super::cells::{self, Cell, CellForm};
use super::households::{self, Household, HouseholdForm, HouseholdInput};
use super::list::ListQuery;
use super::members::{self, Member, MemberForm, MemberInput};
use crate::app::AppState;
use crate::auth::Session;
use crate::error::{AppError, AppResult};
use crate::web::extract::{ApiJson, Q};

#[derive(Serialize, utoipa::ToSchema)]
pub struct HouseholdPage {
    pub items: Vec<Household>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct MemberPage {
    pub items: Vec<Member>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusInput {
    /// Households: active, moved, dissolved. Members: active, exempt, moved, deceased.
    pub status: String,
}

fn require_registry(s: &Session) -> AppResult<()> {
    if s.scope.keeps_registry() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

#[utoipa::path(get, path = "/api/v1/households", params(ListQuery), tag = "registry",
    responses((status = 200, body = HouseholdPage)))]
pub async fn list_households(
    State(st): State<AppState>,
    s: Session,
    Q(q): Q<ListQuery>,
) -> AppResult<Json<HouseholdPage>> {
    require_registry(&s)?;
    let mut tx = st.db.begin().await?;
    let p = households::list(&mut tx, &s.scope, &q).await?;
    tx.commit().await?;
    Ok(Json(HouseholdPage {
        items: p.items,
        total: p.total,
        page: q.page(),
        per_page: q.limit(),
    }))
}

#[utoipa::path(post, path = "/api/v1/households", request_body = HouseholdInput, tag = "registry",
    responses((status = 201, body = Household), (status = 422, description = "validation errors")))]
pub async fn create_household(
    State(st): State<AppState>,
    s: Session,
    ApiJson(input): ApiJson<HouseholdInput>,
) -> AppResult<(StatusCode, Json<Household>)> {
    require_registry(&s)?;
    let mut form = HouseholdForm::default();
    input.apply(&mut form);
    let mut tx = st.db.begin().await?;
    let h = households::create(
        &mut tx,
        &s.scope,
        &form,
        &st.secret,
        st.config.citizen_id_enabled,
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(h)))
}

#[utoipa::path(get, path = "/api/v1/households/{id}", tag = "registry", responses((status = 200, body = Household)))]
pub async fn get_household(
    State(st): State<AppState>,
    s: Session,
    Path(id): Path<String>,
) -> AppResult<Json<Household>> {
    require_registry(&s)?;
    let mut tx = st.db.begin().await?;
    let h = households::get(&mut tx, &s.scope, &id).await?;
    tx.commit().await?;
    Ok(Json(h))
}

#[utoipa::path(patch, path = "/api/v1/households/{id}", request_body = HouseholdInput, tag = "registry",
    responses((status = 200, body = Household)))]
pub async fn update_household(
    State(st): State<AppState>,
    s: Session,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<HouseholdInput>,
) -> AppResult<Json<Household>> {
    require_registry(&s)?;
    let mut tx = st.db.begin().await?;
    let mut form = households::get(&mut tx, &s.scope, &id).await?.to_form();
    input.apply(&mut form);
    let h = households::update(
        &mut tx,
        &s.scope,
        &id,
        &form,
        &st.secret,
        st.config.citizen_id_enabled,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(h))
}

#[utoipa::path(post, path = "/api/v1/households/{id}/status", request_body = StatusInput, tag = "registry",
    responses((status = 200, body = Household)))]
pub async fn household_status(
    State(st): State<AppState>,
    s: Session,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<StatusInput>,
) -> AppResult<Json<Household>> {
    require_registry(&s)?;
    let mut tx = st.db.begin().await?;
    let h = households::set_status(&mut tx, &s.scope, &id, &input.status).await?;
    tx.commit().await?;
    Ok(Json(h))
}

#[utoipa::path(get, path = "/api/v1/members", params(ListQuery), tag = "registry", responses((status = 200, body = MemberPage)))]
pub async fn list_members(
    State(st): State<AppState>,
    s: Session,
    Q(q): Q<ListQuery>,
) -> AppResult<Json<MemberPage>> {
    require_registry(&s)?;
    let mut tx = st.db.begin().await?;
    let p = members::list(&mut tx, &s.scope, &q).await?;
    tx.commit().await?;
    Ok(Json(MemberPage {
        items: p.items,
        total: p.total,
        page: q.page(),
        per_page: q.limit(),
    }))
}

#[utoipa::path(post, path = "/api/v1/members", request_body = MemberInput, tag = "registry",
    responses((status = 201, body = Member), (status = 422, description = "validation errors")))]
pub async fn create_member(
    State(st): State<AppState>,
    s: Session,
    ApiJson(input): ApiJson<MemberInput>,
) -> AppResult<(StatusCode, Json<Member>)> {
    require_registry(&s)?;
    let mut form = MemberForm::default();
    input.apply(&mut form);
    let mut tx = st.db.begin().await?;
    let m = members::create(
        &mut tx,
        &s.scope,
        &form,
        &st.secret,
        st.config.citizen_id_enabled,
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(m)))
}

#[utoipa::path(get, path = "/api/v1/members/{id}", tag = "registry", responses((status = 200, body = Member)))]
pub async fn get_member(
    State(st): State<AppState>,
    s: Session,
    Path(id): Path<String>,
) -> AppResult<Json<Member>> {
    require_registry(&s)?;
    let mut tx = st.db.begin().await?;
    let m = members::get(&mut tx, &s.scope, &id).await?;
    tx.commit().await?;
    Ok(Json(m))
}

#[utoipa::path(patch, path = "/api/v1/members/{id}", request_body = MemberInput, tag = "registry", responses((status = 200, body = Member)))]
pub async fn update_member(
    State(st): State<AppState>,
    s: Session,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<MemberInput>,
) -> AppResult<Json<Member>> {
    require_registry(&s)?;
    let mut tx = st.db.begin().await?;
    let mut form = members::get(&mut tx, &s.scope, &id).await?.to_form();
    input.apply(&mut form);
    let m = members::update(
        &mut tx,
        &s.scope,
        &id,
        &form,
        &st.secret,
        st.config.citizen_id_enabled,
    )
    .await?;
    tx.commit().await?;
    Ok(Json(m))
}

#[utoipa::path(get, path = "/api/v1/cells", tag = "registry", responses((status = 200, body = [Cell])))]
pub async fn list_cells(State(st): State<AppState>, s: Session) -> AppResult<Json<Vec<Cell>>> {
    require_registry(&s)?;
    let mut tx = st.db.begin_read().await?;
    let c = cells::list(&mut tx, &s.scope).await?;
    tx.commit().await?;
    Ok(Json(c))
}

#[utoipa::path(post, path = "/api/v1/cells", request_body = CellForm, tag = "registry", responses((status = 201, body = Cell)))]
pub async fn create_cell(
    State(st): State<AppState>,
    s: Session,
    ApiJson(input): ApiJson<CellInput>,
) -> AppResult<(StatusCode, Json<Cell>)> {
    require_registry(&s)?;
    let mut tx = st.db.begin().await?;
    let c = cells::create(
        &mut tx,
        &s.scope,
        &CellForm {
            village_id: input.village_id,
            name: input.name,
        },
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(c)))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CellInput {
    pub village_id: String,
    pub name: String,
}
