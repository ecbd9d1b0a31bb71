//! Evaluations through the API: one commune's (or one village's) levels and figures for a
//! period, as much as the reader may see of them.

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};

use super::model::{Level, Status, Subject};
use super::store::{self, Line};
use crate::auth::Session;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::extract::Q;

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct Query {
    /// A commune, or one of its villages (its lines only).
    unit: String,
    /// `2026`, `2026-H1`, `2026-Q4`.
    period: String,
}

/// How many villages or members stand at one level.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LevelCount {
    pub level: String,
    pub label: String,
    pub count: i64,
}

/// An evaluation as a client reads it. Members' lines only for the committee and the
/// village's secretary; villages' lines not for the Front, which reads counts.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EvaluationBody {
    pub id: String,
    pub commune_id: String,
    pub period: String,
    pub period_label: String,
    pub first_day: String,
    pub last_day: String,
    #[schema(value_type = String)]
    pub status: Status,
    /// The most members allowed "xuất sắc", in percent.
    pub excellent_percent: u8,
    pub villages: Vec<Line>,
    pub members: Vec<Line>,
    pub village_counts: Vec<LevelCount>,
    pub member_counts: Vec<LevelCount>,
}

fn counts(s: Subject, c: [i64; 4]) -> Vec<LevelCount> {
    Level::ALL
        .iter()
        .map(|l| LevelCount {
            level: l.code(s).into(),
            label: l.label_vi(s).into(),
            count: c[usize::from(l.rank())],
        })
        .collect()
}

#[utoipa::path(get, path = "/api/v1/evaluations", tag = "evaluations",
    params(("unit" = String, Query), ("period" = String, Query)),
    responses((status = 200, body = EvaluationBody), (status = 404, description = "no evaluation of that unit and period the user may read")))]
pub async fn get(
    State(st): State<AppState>,
    s: Session,
    Q(q): Q<Query>,
) -> AppResult<Json<EvaluationBody>> {
    let scope = s.scope.clone();
    let body = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                let (commune, village) = store::commune_of(tx, q.unit.trim()).await?;
                let (e, viewer) = store::find(tx, &scope, &commune.id, q.period.trim())
                    .await?
                    .ok_or(AppError::NotFound)?;
                let only = village.as_deref();
                let villages =
                    store::lines(tx, &scope, &e, &viewer, Subject::Village, only).await?;
                let members = store::lines(tx, &scope, &e, &viewer, Subject::Member, only).await?;
                Ok(EvaluationBody {
                    village_counts: counts(
                        Subject::Village,
                        store::counts(tx, &e, Subject::Village).await?,
                    ),
                    member_counts: counts(
                        Subject::Member,
                        store::counts(tx, &e, Subject::Member).await?,
                    ),
                    id: e.id,
                    commune_id: e.commune_id,
                    period: e.period,
                    period_label: e.period_label,
                    first_day: e.first_day,
                    last_day: e.last_day,
                    status: e.status,
                    excellent_percent: e.rubric.excellent_percent,
                    villages,
                    members,
                })
            })
        })
        .await?;
    Ok(Json(body))
}
