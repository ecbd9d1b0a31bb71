//! JSON API of the registries (`/api/v1/households`, `/members`, `/cells`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};

use super::cells::{self, Cell, CellForm};
use super::households::{self, Household, HouseholdForm, HouseholdInput};
use super::list::ListQuery;
use super::members::{self, Member, MemberForm, MemberInput};
use crate::auth::Session;
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::extract::{ApiJson, Q};
use crate::web::idempotency::{self, IdempotencyKey};

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

#[utoipa::path(get, path = "/api/v1/households", params(ListQuery), tag = "registry",
    responses((status = 200, body = HouseholdPage)))]
pub async fn list_households(
    State(st): State<AppState>,
    s: Session,
    Q(q): Q<ListQuery>,
) -> AppResult<Json<HouseholdPage>> {
    let (page, per_page) = (q.page(), q.limit());
    let p = st
        .db
        .read(move |tx| Box::pin(async move { households::list(tx, &s.scope, &q).await }))
        .await?;
    Ok(Json(HouseholdPage {
        items: p.items,
        total: p.total,
        page,
        per_page,
    }))
}

#[utoipa::path(post, path = "/api/v1/households", request_body = HouseholdInput, tag = "registry",
    responses((status = 201, body = Household), (status = 422, description = "validation errors")))]
pub async fn create_household(
    State(st): State<AppState>,
    s: Session,
    key: Option<Extension<IdempotencyKey>>,
    ApiJson(input): ApiJson<HouseholdInput>,
) -> AppResult<Response> {
    let mut form = HouseholdForm::default();
    input.apply(&mut form);
    // A script has no one to ask "add it anyway?"; it retries safely with an
    // Idempotency-Key instead. The duplicate warning is the page's.
    form.confirm_duplicate = "1".into();
    let (secret, cid_on) = (st.secret.clone(), st.config.citizen_id_enabled);
    let scope = s.scope.clone();
    idempotency::once(
        &st.db,
        &s,
        key.map(|k| k.0),
        StatusCode::CREATED,
        move |tx| {
            Box::pin(async move { households::create(tx, &scope, &form, &secret, cid_on).await })
        },
    )
    .await
}

#[utoipa::path(get, path = "/api/v1/households/{id}", tag = "registry", responses((status = 200, body = Household)))]
pub async fn get_household(
    State(st): State<AppState>,
    s: Session,
    Path(id): Path<String>,
) -> AppResult<Json<Household>> {
    let h = st
        .db
        .read(move |tx| Box::pin(async move { households::get(tx, &s.scope, &id).await }))
        .await?;
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
    let (secret, cid_on) = (st.secret.clone(), st.config.citizen_id_enabled);
    let h = st
        .db
        .write(move |tx| {
            Box::pin(async move {
                let mut form = households::get(tx, &s.scope, &id).await?.to_form();
                input.apply(&mut form);
                households::update(tx, &s.scope, &id, &form, &secret, cid_on).await
            })
        })
        .await?;
    Ok(Json(h))
}

#[utoipa::path(post, path = "/api/v1/households/{id}/status", request_body = StatusInput, tag = "registry",
    responses((status = 200, body = Household)))]
pub async fn household_status(
    State(st): State<AppState>,
    s: Session,
    key: Option<Extension<IdempotencyKey>>,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<StatusInput>,
) -> AppResult<Response> {
    let scope = s.scope.clone();
    idempotency::once(&st.db, &s, key.map(|k| k.0), StatusCode::OK, move |tx| {
        Box::pin(async move { households::set_status(tx, &scope, &id, &input.status).await })
    })
    .await
}

#[utoipa::path(get, path = "/api/v1/members", params(ListQuery), tag = "registry", responses((status = 200, body = MemberPage)))]
pub async fn list_members(
    State(st): State<AppState>,
    s: Session,
    Q(q): Q<ListQuery>,
) -> AppResult<Json<MemberPage>> {
    let (page, per_page) = (q.page(), q.limit());
    let p = st
        .db
        .read(move |tx| Box::pin(async move { members::list(tx, &s.scope, &q).await }))
        .await?;
    Ok(Json(MemberPage {
        items: p.items,
        total: p.total,
        page,
        per_page,
    }))
}

#[utoipa::path(post, path = "/api/v1/members", request_body = MemberInput, tag = "registry",
    responses((status = 201, body = Member), (status = 422, description = "validation errors")))]
pub async fn create_member(
    State(st): State<AppState>,
    s: Session,
    key: Option<Extension<IdempotencyKey>>,
    ApiJson(input): ApiJson<MemberInput>,
) -> AppResult<Response> {
    let mut form = MemberForm::default();
    input.apply(&mut form);
    let (secret, cid_on) = (st.secret.clone(), st.config.citizen_id_enabled);
    let scope = s.scope.clone();
    idempotency::once(
        &st.db,
        &s,
        key.map(|k| k.0),
        StatusCode::CREATED,
        move |tx| {
            Box::pin(async move { members::create(tx, &scope, &form, &secret, cid_on).await })
        },
    )
    .await
}

#[utoipa::path(get, path = "/api/v1/members/{id}", tag = "registry", responses((status = 200, body = Member)))]
pub async fn get_member(
    State(st): State<AppState>,
    s: Session,
    Path(id): Path<String>,
) -> AppResult<Json<Member>> {
    let m = st
        .db
        .read(move |tx| Box::pin(async move { members::get(tx, &s.scope, &id).await }))
        .await?;
    Ok(Json(m))
}

#[utoipa::path(patch, path = "/api/v1/members/{id}", request_body = MemberInput, tag = "registry", responses((status = 200, body = Member)))]
pub async fn update_member(
    State(st): State<AppState>,
    s: Session,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<MemberInput>,
) -> AppResult<Json<Member>> {
    let (secret, cid_on) = (st.secret.clone(), st.config.citizen_id_enabled);
    let m = st
        .db
        .write(move |tx| {
            Box::pin(async move {
                let mut form = members::get(tx, &s.scope, &id).await?.to_form();
                input.apply(&mut form);
                members::update(tx, &s.scope, &id, &form, &secret, cid_on).await
            })
        })
        .await?;
    Ok(Json(m))
}

#[utoipa::path(get, path = "/api/v1/cells", tag = "registry", responses((status = 200, body = [Cell])))]
pub async fn list_cells(State(st): State<AppState>, s: Session) -> AppResult<Json<Vec<Cell>>> {
    let c = st
        .db
        .read(move |tx| Box::pin(async move { cells::list(tx, &s.scope).await }))
        .await?;
    Ok(Json(c))
}

#[utoipa::path(post, path = "/api/v1/cells", request_body = CellForm, tag = "registry", responses((status = 201, body = Cell)))]
pub async fn create_cell(
    State(st): State<AppState>,
    s: Session,
    key: Option<Extension<IdempotencyKey>>,
    ApiJson(input): ApiJson<CellInput>,
) -> AppResult<Response> {
    let scope = s.scope.clone();
    let form = CellForm {
        village_id: input.village_id,
        name: input.name,
    };
    idempotency::once(
        &st.db,
        &s,
        key.map(|k| k.0),
        StatusCode::CREATED,
        move |tx| Box::pin(async move { cells::create(tx, &scope, &form).await }),
    )
    .await
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CellInput {
    pub village_id: String,
    pub name: String,
}
