//! The ledger through the API: the lines of a period with their running balances, and
//! recording or reversing an entry (each once per client id or `Idempotency-Key`).
//! Amounts are integer đồng.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};

use super::model::{self, EntryInput, Source, SourceTotals};
use super::pages::today;
use super::store::{self, Recorded};
use crate::auth::Session;
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::extract::{ApiJson, Q};
use crate::web::idempotency::{self, IdempotencyKey};

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct LedgerQuery {
    /// The commune; the first one the user keeps when absent.
    commune: String,
    /// `2026`, `2026-Q4`, …; the current year when absent.
    period: String,
}

/// One line of the ledger.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LedgerLine {
    pub id: String,
    /// yyyy-mm-dd.
    pub entry_on: String,
    /// receipt | expense
    pub direction: String,
    pub source: Source,
    /// What an expense paid for.
    pub use_code: Option<String>,
    pub event_id: Option<String>,
    /// What the entry does to its source's balance: positive in, negative out.
    pub effect: i64,
    pub amount: i64,
    pub description: String,
    /// A reversal: the entry it reverses, and why.
    pub reverses: Option<String>,
    pub reason: Option<String>,
    /// The source's balance after this line.
    pub balance: i64,
}

/// A commune's ledger for a period.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Ledger {
    pub commune_id: String,
    pub period: String,
    pub from: String,
    pub to: String,
    pub sources: Vec<SourceTotals>,
    pub lines: Vec<LedgerLine>,
}

#[utoipa::path(get, path = "/api/v1/funding", tag = "funding",
    params(("commune" = Option<String>, Query), ("period" = Option<String>, Query)),
    responses((status = 200, body = Ledger), (status = 404, description = "not a commune whose ledger the user keeps")))]
pub async fn ledger(
    State(st): State<AppState>,
    s: Session,
    Q(q): Q<LedgerQuery>,
) -> AppResult<Json<Ledger>> {
    let scope = s.scope.clone();
    let v = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                let c = store::commune_for(tx, &scope, &q.commune).await?;
                let cutoff = crate::reports::cutoff::cutoff_for(tx, &c).await?;
                let p = match q.period.trim() {
                    "" => crate::reports::period::Period::containing(
                        today(),
                        crate::reports::period::Kind::Year,
                        cutoff,
                    ),
                    raw => crate::events::pages::period_of(raw, cutoff)?,
                };
                let (lines, sources) = store::ledger(tx, &scope, &c, &p).await?;
                Ok(Ledger {
                    commune_id: c.id,
                    period: p.key(),
                    from: crate::contacts::model::day_text(p.first_day()),
                    to: crate::contacts::model::day_text(p.last_day()),
                    sources,
                    lines: lines
                        .into_iter()
                        .map(|l| LedgerLine {
                            effect: l.entry.effect(),
                            id: l.entry.id,
                            entry_on: crate::contacts::model::day_text(l.entry.entry_on),
                            direction: l.entry.direction.code().into(),
                            source: l.entry.source,
                            use_code: l.entry.use_code.map(|u| u.code().into()),
                            event_id: l.entry.event_id,
                            amount: l.entry.amount,
                            description: l.entry.description,
                            reverses: l.entry.reverses,
                            reason: l.entry.reason,
                            balance: l.balance,
                        })
                        .collect(),
                })
            })
        })
        .await?;
    Ok(Json(v))
}

/// An entry as a client sends it.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryBody {
    /// The client's UUIDv7 for the record; made by the server when absent.
    #[serde(default)]
    pub id: Option<String>,
    /// The commune; the first one the user keeps when absent.
    #[serde(default)]
    pub commune_id: String,
    /// receipt | expense
    pub direction: String,
    /// yyyy-mm-dd or dd/mm/yyyy; today when absent.
    #[serde(default)]
    pub entry_on: Option<String>,
    /// province | district | commune | mobilised
    pub source: String,
    /// launch | review | commendation | materials | meetings | other (expenses only).
    #[serde(default)]
    pub use_code: Option<String>,
    #[serde(default)]
    pub event_id: Option<String>,
    /// Integer đồng.
    pub amount: i64,
    pub description: String,
}

#[utoipa::path(post, path = "/api/v1/funding", request_body = EntryBody, tag = "funding",
    responses((status = 201, body = Recorded), (status = 404, description = "not a commune whose ledger the user keeps"),
        (status = 422, description = "validation errors, an expense its source cannot pay, or an Idempotency-Key reused")))]
pub async fn create(
    State(st): State<AppState>,
    s: Session,
    key: Option<Extension<IdempotencyKey>>,
    ApiJson(body): ApiJson<EntryBody>,
) -> AppResult<Response> {
    let scope = s.scope.clone();
    let today = today();
    let draft = model::check(
        &EntryInput {
            id: body.id,
            direction: body.direction,
            entry_on: body
                .entry_on
                .unwrap_or_else(|| crate::contacts::model::day_text(today)),
            source: body.source,
            use_code: body.use_code.unwrap_or_default(),
            event_id: body.event_id.unwrap_or_default(),
            amount: body.amount.to_string(),
            description: body.description,
        },
        today,
    )?;
    let commune = body.commune_id;
    idempotency::once(
        &st.db,
        &s,
        key.map(|k| k.0),
        StatusCode::CREATED,
        move |tx| Box::pin(async move { store::record(tx, &scope, &commune, &draft).await }),
    )
    .await
}

/// A reversal as a client asks for it.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReversalBody {
    /// The client's UUIDv7 for the reversing entry.
    #[serde(default)]
    pub id: Option<String>,
    pub reason: String,
}

#[utoipa::path(post, path = "/api/v1/funding/{id}/reversal", request_body = ReversalBody, tag = "funding",
    responses((status = 201, body = Recorded), (status = 404, description = "not an entry the user keeps"),
        (status = 422, description = "no reason, already reversed, a reversal, or a balance that would go negative")))]
pub async fn reverse(
    State(st): State<AppState>,
    s: Session,
    key: Option<Extension<IdempotencyKey>>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReversalBody>,
) -> AppResult<Response> {
    let scope = s.scope.clone();
    let today = today();
    idempotency::once(
        &st.db,
        &s,
        key.map(|k| k.0),
        StatusCode::CREATED,
        move |tx| {
            Box::pin(async move {
                store::reverse(tx, &scope, &id, body.id.as_deref(), &body.reason, today).await
            })
        },
    )
    .await
}
