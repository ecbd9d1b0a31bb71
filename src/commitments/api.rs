//! JSON API of commitments (`/api/v1/commitments`, `/api/v1/commitments/items`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};

use super::model::{self, Subject};
use super::pages::today;
use super::store::{self, Entry, Items, Recorded, Tally};
use crate::auth::Session;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::extract::{ApiJson, Q};
use crate::web::idempotency::{self, IdempotencyKey};

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
pub struct ListQuery {
    /// The village's id.
    pub village: String,
    /// The year (default: this year).
    pub year: String,
}

/// One subject's list with its counts.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SubjectList {
    pub tally: Tally,
    pub entries: Vec<Entry>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct VillageCommitments {
    pub village_id: String,
    pub year: i32,
    pub households: SubjectList,
    pub members: SubjectList,
}

fn year_of(raw: &str) -> AppResult<i32> {
    model::check_year(raw, today()).map_err(|m| AppError::invalid("year", m))
}

/// The state of every active household and member of a village for a year.
#[utoipa::path(get, path = "/api/v1/commitments", params(ListQuery), tag = "commitments",
    responses((status = 200, body = VillageCommitments), (status = 404, description = "village outside the scope")))]
pub async fn list(
    State(st): State<AppState>,
    s: Session,
    Q(q): Q<ListQuery>,
) -> AppResult<Json<VillageCommitments>> {
    let year = year_of(&q.year)?;
    let out = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                let v = store::village(tx, &s.scope, q.village.trim()).await?;
                let mut lists = Vec::new();
                for subject in Subject::ALL {
                    lists.push(SubjectList {
                        tally: store::tally(tx, &v.id, year, subject).await?,
                        entries: store::entries(tx, &s.scope, &v, year, subject, None, false)
                            .await?,
                    });
                }
                let members = lists.pop().ok_or(AppError::NotFound)?;
                let households = lists.pop().ok_or(AppError::NotFound)?;
                Ok(VillageCommitments {
                    village_id: v.id,
                    year,
                    households,
                    members,
                })
            })
        })
        .await?;
    Ok(Json(out))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordInput {
    /// The record's id, a UUIDv7 made by the client; made by the server when absent.
    pub id: Option<String>,
    pub year: i32,
    /// "household" or "member".
    pub subject: String,
    pub subject_id: String,
    pub signed: bool,
    /// dd/mm/yyyy or yyyy-mm-dd; only when signed.
    pub signed_on: Option<String>,
}

/// Records a household's or member's commitment for a year (one record per year and
/// subject: a later one replaces the state). Retry with the same `Idempotency-Key`.
#[utoipa::path(post, path = "/api/v1/commitments", request_body = RecordInput, tag = "commitments",
    params(("Idempotency-Key" = Option<String>, Header, description = "retry safely with the same key")),
    responses((status = 200, body = Recorded), (status = 422, description = "validation errors, or a key reused with another body"),
        (status = 404, description = "subject outside the scope")))]
pub async fn record(
    State(st): State<AppState>,
    s: Session,
    key: Option<Extension<IdempotencyKey>>,
    ApiJson(input): ApiJson<RecordInput>,
) -> AppResult<Response> {
    let id = model::check_client_id(input.id.as_deref()).map_err(|m| AppError::invalid("id", m))?;
    let year = model::check_year(&input.year.to_string(), today())
        .map_err(|m| AppError::invalid("year", m))?;
    let subject = Subject::parse(&input.subject).ok_or_else(|| {
        AppError::invalid(
            "subject",
            "Đối tượng phải là household (hộ gia đình) hoặc member (đảng viên)",
        )
    })?;
    let state = model::check_state(
        input.signed,
        input.signed_on.as_deref().unwrap_or(""),
        year,
        today(),
    )
    .map_err(|m| AppError::invalid("signed_on", m))?;
    let scope = s.scope.clone();
    let subject_id = input.subject_id;
    idempotency::once(&st.db, &s, key.map(|k| k.0), StatusCode::OK, move |tx| {
        Box::pin(async move {
            store::record(
                tx,
                &scope,
                year,
                subject,
                &subject_id,
                None,
                state,
                Some(id),
            )
            .await
        })
    })
    .await
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
pub struct ItemsQuery {
    /// The commune's id (default: the first of the scope).
    pub commune: String,
    /// "household" (default) or "member".
    pub subject: String,
}

/// The lines of a commune's form (the plan's, `default-N`, until the committee edits them).
#[utoipa::path(get, path = "/api/v1/commitments/items", params(ItemsQuery), tag = "commitments",
    responses((status = 200, body = Items)))]
pub async fn items(
    State(st): State<AppState>,
    s: Session,
    Q(q): Q<ItemsQuery>,
) -> AppResult<Json<Items>> {
    let subject = Subject::from_query(&q.subject).map_err(|m| AppError::invalid("subject", m))?;
    let out = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                let c = store::commune(tx, &s.scope, &q.commune).await?;
                store::items(tx, &c.id, subject).await
            })
        })
        .await?;
    Ok(Json(out))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemInput {
    /// A current line's id (or `default-N`) to keep it; absent for a new line.
    pub id: Option<String>,
    pub text: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemsInput {
    pub commune_id: String,
    /// "household" or "member".
    pub subject: String,
    /// The lines in order; current lines left out are retired (kept for history).
    pub items: Vec<ItemInput>,
}

/// Replaces a commune's lines (commune committee only).
#[utoipa::path(put, path = "/api/v1/commitments/items", request_body = ItemsInput, tag = "commitments",
    responses((status = 200, body = Items), (status = 403, description = "not the commune's committee")))]
pub async fn replace_items(
    State(st): State<AppState>,
    s: Session,
    ApiJson(input): ApiJson<ItemsInput>,
) -> AppResult<Json<Items>> {
    let subject = Subject::parse(&input.subject).ok_or_else(|| {
        AppError::invalid(
            "subject",
            "Đối tượng phải là household (hộ gia đình) hoặc member (đảng viên)",
        )
    })?;
    let wanted: Vec<(Option<String>, String)> =
        input.items.into_iter().map(|i| (i.id, i.text)).collect();
    let out = st
        .db
        .write(move |tx| {
            Box::pin(async move {
                let c = store::commune_to_edit(tx, &s.scope, &input.commune_id).await?;
                store::replace(tx, &s.scope, &c, subject, wanted).await?;
                store::items(tx, &c.id, subject).await
            })
        })
        .await?;
    Ok(Json(out))
}
