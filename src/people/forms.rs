//! What the registry pages and the API do the same way for every registry: a form that
//! comes back with what was wrong (or, when its token had expired, filled in as typed),
//! the record's page once saved, the edit form filled from the store, and the API's
//! create, get and partial update. Households and members implement [`Registry`]; a
//! new registry implements it too instead of copying the handlers.

use std::future::Future;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use serde::Serialize;

use super::list::ListQuery;
use super::registry::Record;
use crate::auth::{Scope, Session};
use crate::db::{Tx, WriteTx};
use crate::error::{AppError, AppResult, FieldError};
use crate::state::AppState;
use crate::web::extract::Submission;
use crate::web::i18n::Lang;
use crate::web::idempotency::{self, IdempotencyKey};

/// A registry as its pages and API see it.
pub trait Registry: Send + Sync + 'static {
    type Record: Record + Serialize + Send + 'static;
    /// What a person types; every field text.
    type Form: RegistryForm;
    /// Where its pages live (`/households`).
    const PATH: &'static str;

    /// The record `id`, read within the scope.
    fn get<'t>(
        tx: &'t mut Tx,
        scope: &'t Scope,
        id: &'t str,
    ) -> impl Future<Output = AppResult<Self::Record>> + Send + 't;

    fn to_form(r: &Self::Record) -> Self::Form;

    /// Saves the form as a new record (`id` none) or over record `id`.
    fn save<'t>(
        tx: &'t mut WriteTx,
        scope: &'t Scope,
        id: Option<&'t str>,
        f: &'t Self::Form,
        secret: &'t str,
        cid_on: bool,
    ) -> impl Future<Output = AppResult<Self::Record>> + Send + 't;

    /// The form page, filled with `f`, posting to `action`, with `errors` beside fields.
    fn form_page(
        st: &AppState,
        s: &Session,
        lang: Lang,
        action: String,
        f: Self::Form,
        errors: Vec<FieldError>,
    ) -> impl Future<Output = AppResult<Response>> + Send;
}

/// A registry's form.
pub trait RegistryForm: Clone + Default + Send + Sync + 'static {
    /// A submission that only asks to see the form again (the member form's household
    /// search): nothing is saved.
    fn redisplay_only(&self) -> bool {
        false
    }
}

/// The text of the errors about `field`, for beside it.
pub fn field_error(errors: &[FieldError], field: &str) -> String {
    errors
        .iter()
        .filter(|e| e.field == field)
        .map(|e| e.message.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

/// A form page answers 422 while it shows errors, so scripts and tests see the refusal.
pub fn form_status(errors: &[FieldError]) -> StatusCode {
    if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

/// Query string for pager links, keeping the filters.
pub fn pager_query(q: &ListQuery, page: i64) -> String {
    serde_urlencoded::to_string([
        ("q", q.q.as_str()),
        ("village", q.village.as_str()),
        ("status", q.status.as_str()),
        ("sort", q.sort.as_str()),
        ("page", &page.to_string()),
    ])
    .unwrap_or_default()
}

/// The notice on a form shown again because its token had gone stale.
pub fn expired_notice(lang: Lang) -> Vec<FieldError> {
    vec![FieldError::new("_csrf", lang.t("form_expired"))]
}

/// A stale form, shown again as typed with the session's current token: nothing was saved,
/// which the status says too.
pub fn expired(page: AppResult<Response>) -> AppResult<Response> {
    let mut page = page?;
    *page.status_mut() = StatusCode::FORBIDDEN;
    Ok(page)
}

/// What a submitted form becomes: `saved`'s page, or the form again with what was wrong.
pub async fn saved_or_again<T, Fut>(
    saved: AppResult<T>,
    path: impl FnOnce(&T) -> String,
    again: impl FnOnce(Vec<FieldError>) -> Fut,
) -> AppResult<Response>
where
    Fut: Future<Output = AppResult<Response>>,
{
    match saved {
        Ok(r) => Ok(Redirect::to(&path(&r)).into_response()),
        Err(AppError::Validation(errors)) => again(errors).await,
        Err(e) => Err(e),
    }
}

fn action<R: Registry>(id: Option<&str>) -> String {
    match id {
        None => R::PATH.to_owned(),
        Some(id) => format!("{}/{id}", R::PATH),
    }
}

/// The empty form of a new record.
pub async fn new_page<R: Registry>(st: &AppState, s: &Session, lang: Lang) -> AppResult<Response> {
    R::form_page(
        st,
        s,
        lang,
        action::<R>(None),
        R::Form::default(),
        Vec::new(),
    )
    .await
}

/// The edit form of record `id`, filled with what is stored.
pub async fn edit_page<R: Registry>(
    st: &AppState,
    s: &Session,
    lang: Lang,
    id: String,
) -> AppResult<Response> {
    let (scope, rid) = (s.scope.clone(), id.clone());
    let f = st
        .db
        .read(move |tx| Box::pin(async move { Ok(R::to_form(&R::get(tx, &scope, &rid).await?)) }))
        .await?;
    R::form_page(st, s, lang, action::<R>(Some(&id)), f, Vec::new()).await
}

/// A submitted form: a new record (`id` none) or an edit of record `id`.
pub async fn submit<R: Registry>(
    st: &AppState,
    lang: Lang,
    id: Option<String>,
    form: Submission<R::Form>,
) -> AppResult<Response> {
    let action = action::<R>(id.as_deref());
    let (s, f, stale) = form.into_parts();
    if stale {
        return expired(R::form_page(st, &s, lang, action, f, expired_notice(lang)).await);
    }
    if f.redisplay_only() {
        return R::form_page(st, &s, lang, action, f, Vec::new()).await;
    }
    let (scope, form, secret, cid_on) = (
        s.scope.clone(),
        f.clone(),
        st.secret.clone(),
        st.config.citizen_id_enabled,
    );
    let saved = st
        .db
        .write(move |tx| {
            Box::pin(
                async move { R::save(tx, &scope, id.as_deref(), &form, &secret, cid_on).await },
            )
        })
        .await;
    saved_or_again(
        saved,
        |r| format!("{}/{}", R::PATH, r.id()),
        |errors| R::form_page(st, &s, lang, action, f, errors),
    )
    .await
}

/// A list page of the API.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ListPage<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

impl<T> ListPage<T> {
    pub fn of(items: Vec<T>, total: i64, q: &ListQuery) -> Json<ListPage<T>> {
        Json(ListPage {
            items,
            total,
            page: q.page(),
            per_page: q.limit(),
        })
    }
}

/// `GET /api/v1/<registry>/{id}`.
pub async fn api_get<R: Registry>(
    st: &AppState,
    s: Session,
    id: String,
) -> AppResult<Json<R::Record>> {
    let r = st
        .db
        .read(move |tx| Box::pin(async move { R::get(tx, &s.scope, &id).await }))
        .await?;
    Ok(Json(r))
}

/// `POST /api/v1/<registry>`: the form made from the input, saved once per
/// Idempotency-Key.
pub async fn api_create<R: Registry>(
    st: &AppState,
    s: &Session,
    key: Option<IdempotencyKey>,
    form: R::Form,
) -> AppResult<Response> {
    let (secret, cid_on) = (st.secret.clone(), st.config.citizen_id_enabled);
    let scope = s.scope.clone();
    idempotency::once(&st.db, s, key, StatusCode::CREATED, move |tx| {
        Box::pin(async move { R::save(tx, &scope, None, &form, &secret, cid_on).await })
    })
    .await
}

/// `PATCH /api/v1/<registry>/{id}`: the stored record's form with the given fields
/// changed (omitted ones keep their value), saved.
pub async fn api_update<R: Registry>(
    st: &AppState,
    s: Session,
    id: String,
    change: impl FnOnce(&mut R::Form) + Send + 'static,
) -> AppResult<Json<R::Record>> {
    let (secret, cid_on) = (st.secret.clone(), st.config.citizen_id_enabled);
    let r = st
        .db
        .write(move |tx| {
            Box::pin(async move {
                let mut form = R::to_form(&R::get(tx, &s.scope, &id).await?);
                change(&mut form);
                R::save(tx, &s.scope, Some(&id), &form, &secret, cid_on).await
            })
        })
        .await?;
    Ok(Json(r))
}
