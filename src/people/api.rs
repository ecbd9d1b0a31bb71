//! JSON API of the registries (`/api/v1/households`, `/members`, `/cells`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Json};
use serde::Deserialize;

use super::cells::{self, Cell, CellForm};
use super::forms::{self, ListPage};
use super::households::{self, Household, HouseholdForm, HouseholdInput};
use super::list::ListQuery;
use super::members::{self, Member, MemberForm, MemberInput};
use super::pages::{Households, Members};
use crate::auth::Session;
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::extract::{ApiJson, Q};
use crate::web::idempotency::{self, IdempotencyKey};

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusInput {
    /// Households: active, moved, dissolved. Members: active, exempt, moved, deceased.
    pub status: String,
}

#[utoipa::path(get, path = "/api/v1/households", params(ListQuery), tag = "registry",
    responses((status = 200, body = ListPage<Household>)))]
pub async fn list_households(
    State(st): State<AppState>,
    s: Session,
    Q(q): Q<ListQuery>,
) -> AppResult<Json<ListPage<Household>>> {
    let query = q.clone();
    let p = st
        .db
        .read(move |tx| Box::pin(async move { households::list(tx, &s.scope, &query).await }))
        .await?;
    Ok(ListPage::of(p.items, p.total, &q))
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
    forms::api_create::<Households>(&st, &s, key.map(|k| k.0), form).await
}

#[utoipa::path(get, path = "/api/v1/households/{id}", tag = "registry", responses((status = 200, body = Household)))]
pub async fn get_household(
    State(st): State<AppState>,
    s: Session,
    Path(id): Path<String>,
) -> AppResult<Json<Household>> {
    forms::api_get::<Households>(&st, s, id).await
}

#[utoipa::path(patch, path = "/api/v1/households/{id}", request_body = HouseholdInput, tag = "registry",
    responses((status = 200, body = Household)))]
pub async fn update_household(
    State(st): State<AppState>,
    s: Session,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<HouseholdInput>,
) -> AppResult<Json<Household>> {
    forms::api_update::<Households>(&st, s, id, move |f| input.apply(f)).await
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

#[utoipa::path(get, path = "/api/v1/members", params(ListQuery), tag = "registry", responses((status = 200, body = ListPage<Member>)))]
pub async fn list_members(
    State(st): State<AppState>,
    s: Session,
    Q(q): Q<ListQuery>,
) -> AppResult<Json<ListPage<Member>>> {
    let query = q.clone();
    let p = st
        .db
        .read(move |tx| Box::pin(async move { members::list(tx, &s.scope, &query).await }))
        .await?;
    Ok(ListPage::of(p.items, p.total, &q))
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
    forms::api_create::<Members>(&st, &s, key.map(|k| k.0), form).await
}

#[utoipa::path(get, path = "/api/v1/members/{id}", tag = "registry", responses((status = 200, body = Member)))]
pub async fn get_member(
    State(st): State<AppState>,
    s: Session,
    Path(id): Path<String>,
) -> AppResult<Json<Member>> {
    forms::api_get::<Members>(&st, s, id).await
}

#[utoipa::path(patch, path = "/api/v1/members/{id}", request_body = MemberInput, tag = "registry", responses((status = 200, body = Member)))]
pub async fn update_member(
    State(st): State<AppState>,
    s: Session,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<MemberInput>,
) -> AppResult<Json<Member>> {
    forms::api_update::<Members>(&st, s, id, move |f| input.apply(f)).await
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
