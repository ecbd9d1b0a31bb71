//! Coverage pages: who has been reached, from the province down to the member, as a
//! table, a server-drawn chart and a spreadsheet.

use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

use super::model::{Level, Line, Period, PeriodKind};
use super::store::{self, Coverage};
use super::{chart, sheet};
use crate::auth::Session;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::extract::Q;
use crate::web::i18n::Lang;
use crate::web::layout::{page, Chrome};

/// What a coverage view is asked for; every field may be left out.
#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
pub struct CoverageQuery {
    /// The unit (province, commune, village); the viewer's own by default.
    #[serde(default)]
    pub unit: String,
    /// A period key (M2026-12, Q2026-4, H2026-2, Y2026); this quarter by default.
    #[serde(default)]
    pub period: String,
    /// Members with no contact in this many days count as inactive (30, 60 or 90).
    #[serde(default)]
    pub idle: Option<i64>,
}

/// The checked request: unit (maybe empty), period, idle days.
fn read(q: &CoverageQuery) -> AppResult<(Period, i64)> {
    let today = crate::contacts::pages::today();
    let period = if q.period.is_empty() {
        Period::containing(today, PeriodKind::Quarter)
    } else {
        Period::parse(&q.period).ok_or_else(|| {
            AppError::invalid(
                "period",
                "Kỳ báo cáo chưa đúng; chọn một kỳ trong danh sách",
            )
        })?
    };
    let idle = q.idle.unwrap_or(30);
    if ![30, 60, 90].contains(&idle) {
        return Err(AppError::invalid(
            "idle",
            "Số ngày không hoạt động chỉ là 30, 60 hoặc 90",
        ));
    }
    Ok((period, idle))
}

/// One view, in one read.
async fn load(st: &AppState, s: &Session, q: &CoverageQuery) -> AppResult<(Coverage, Period, i64)> {
    let (period, idle) = read(q)?;
    let scope = s.scope.clone();
    let unit = q.unit.clone();
    let today = crate::contacts::pages::today();
    let c = st
        .db
        .read(move |tx| {
            Box::pin(async move {
                let unit = if unit.is_empty() {
                    store::home_unit(tx, &scope).await?
                } else {
                    unit
                };
                store::coverage(tx, &scope, &unit, period, today, idle).await
            })
        })
        .await?;
    Ok((c, period, idle))
}

#[derive(Template)]
#[template(path = "coverage/index.html")]
struct CoveragePage {
    c: Chrome,
    v: Coverage,
    period: Period,
    idle: i64,
    choices: Vec<(String, String)>,
    chart: String,
    by_member: bool,
}

impl CoveragePage {
    fn pct(&self, l: &Line) -> String {
        l.reach_percent()
    }

    /// A computed figure, written as people read numbers (1.302).
    fn n(&self, v: i64) -> String {
        crate::web::format::number(v)
    }
}

/// `GET /coverage`.
pub async fn index(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    Q(q): Q<CoverageQuery>,
) -> AppResult<Response> {
    let (v, period, idle) = load(&st, &s, &q).await?;
    let en = lang == Lang::En;
    let label = |p: &Period| if en { p.label_en() } else { p.label_vi() };
    let choices = Period::choices(crate::contacts::pages::today())
        .iter()
        .map(|p| (p.key(), label(p)))
        .collect();
    let chart = if v.lines.is_empty() {
        String::new()
    } else {
        chart::reach_bars(&v.lines, lang.t("coverage_chart"))
    };
    page(&CoveragePage {
        c: Chrome::new(
            lang,
            &s,
            &format!("{} — {}", lang.t("coverage"), v.place.name),
        ),
        by_member: v.level == Level::Member,
        choices,
        chart,
        period,
        idle,
        v,
    })
}

/// `GET /coverage.xlsx`: the same table as a spreadsheet.
pub async fn xlsx(
    State(st): State<AppState>,
    s: Session,
    Q(q): Q<CoverageQuery>,
) -> AppResult<Response> {
    let (v, period, idle) = load(&st, &s, &q).await?;
    let bytes = sheet::render(&v, &period, idle)?;
    let name = format!(
        "do-phu-{}-{}.xlsx",
        crate::text::fold(&v.place.name).replace(' ', "-"),
        period.key()
    );
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// The view as the API gives it.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct CoverageBody {
    pub unit_id: String,
    pub unit_name: String,
    pub period: String,
    pub level: Level,
    pub lines: Vec<Line>,
    pub total: Line,
}

#[utoipa::path(get, path = "/api/v1/coverage", params(CoverageQuery), tag = "coverage",
    responses((status = 200, body = CoverageBody)))]
pub async fn api(
    State(st): State<AppState>,
    s: Session,
    Q(q): Q<CoverageQuery>,
) -> AppResult<Json<CoverageBody>> {
    let (v, period, _) = load(&st, &s, &q).await?;
    Ok(Json(CoverageBody {
        unit_id: v.place.id,
        unit_name: v.place.name,
        period: period.key(),
        level: v.level,
        lines: v.lines,
        total: v.total,
    }))
}
