//! Dashboard pages: the figures of petitions from the country down to the village, as
//! tables, two server-drawn charts, a spreadsheet and JSON; and each commune's public page.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

use super::model::{self, Figures, PublicRow, PublicTable, StageLine};
use super::sheet;
use super::store::{self, Dashboard, Line, LineKind};
use crate::auth::session::MaybeSession;
use crate::auth::Session;
use crate::error::AppResult;
use crate::reports::period::Period;
use crate::state::AppState;
use crate::web::chart::{self, Row, Series};
use crate::web::extract::Q;
use crate::web::i18n::Lang;
use crate::web::layout::{page, Chrome};

/// What a dashboard is asked for; every field may be left out.
#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
pub struct DashboardQuery {
    /// The unit (country, province, commune, village); the viewer's highest by default.
    #[serde(default)]
    pub unit: String,
    /// A reporting period (2026-M03, 2026-Q1, 2026-H1, 2026), counted under the
    /// province's cut-off day; this quarter by default.
    #[serde(default)]
    pub period: String,
}

async fn load(st: &AppState, s: &Session, q: &DashboardQuery) -> AppResult<Dashboard> {
    let today = crate::petitions::pages::today(st);
    let (scope, unit, period) = (s.scope.clone(), q.unit.clone(), q.period.clone());
    st.db
        .read(move |tx| {
            Box::pin(async move {
                let unit = if unit.trim().is_empty() {
                    store::home_unit(tx, &scope).await?
                } else {
                    unit
                };
                store::dashboard(tx, &scope, unit.trim(), &period, today).await
            })
        })
        .await
}

/// The periods a page offers: this and the last month, quarter, half-year and year.
fn choices(d: &Dashboard, lang: Lang) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Period::choices(d.today, d.period.cutoff)
        .iter()
        .map(|p| (p.key(), p.label(lang == Lang::En)))
        .collect();
    if !out.iter().any(|(k, _)| *k == d.period.key()) {
        out.insert(0, (d.period.key(), d.period.label(lang == Lang::En)));
    }
    out
}

/// The bars of received, answered and resolved per line (per category for a village).
fn flow_chart(lines: &[Line], lang: Lang) -> String {
    if lines.is_empty() {
        return String::new();
    }
    let rows: Vec<Row> = lines
        .iter()
        .map(|l| {
            let f = &l.figures;
            let values = vec![f.received, f.answered, f.resolved];
            Row {
                label: l.name.clone(),
                figures: values
                    .iter()
                    .map(|v| crate::web::format::number(*v))
                    .collect(),
                values,
                mark: None,
            }
        })
        .collect();
    let series = [
        Series {
            name: lang.t("pd_received"),
            colour: "#9fb6d6",
        },
        Series {
            name: lang.t("pd_answered"),
            colour: "#3d5f8f",
        },
        Series {
            name: lang.t("pd_resolved_short"),
            colour: "#8c1d18",
        },
    ];
    chart::grouped(&rows, &series, lang.t("pd_chart"))
}

/// The median working days of each stage, against its deadline.
fn stage_chart(stages: &[StageLine], lang: Lang) -> String {
    let rows: Vec<Row> = stages
        .iter()
        .map(|s| Row {
            label: stage_label(s, lang).to_owned(),
            values: vec![s.median_tenths.unwrap_or(0)],
            figures: vec![match s.median_tenths {
                Some(_) => format!("{} {}", s.median(), lang.t("pd_days")),
                None => "—".to_owned(),
            }],
            mark: Some(s.deadline_days * 10),
        })
        .collect();
    let series = [Series {
        name: lang.t("pd_median_short"),
        colour: "#3d5f8f",
    }];
    chart::grouped(&rows, &series, lang.t("pd_stage_chart"))
}

/// A stage as the tables and charts name it.
fn stage_label(s: &StageLine, lang: Lang) -> &'static str {
    lang.t(match s.stage {
        crate::petitions::model::Stage::Cell => "pd_stage_cell",
        crate::petitions::model::Stage::Commune => "pd_stage_commune",
        crate::petitions::model::Stage::Answer => "pd_stage_answer",
        crate::petitions::model::Stage::Delivery => "pd_stage_delivery",
    })
}

#[derive(Template)]
#[template(path = "petitions/dashboard.html")]
struct DashboardPage {
    c: Chrome,
    d: Dashboard,
    choices: Vec<(String, String)>,
    flow: String,
    stages_chart: String,
    /// By unit (none for a village), then by category.
    tables: Vec<LinesTable>,
    public_href: Option<String>,
    /// Whether the viewer has a petitions inbox to go back to (the administrator has none).
    inbox: bool,
}

/// One table of lines: its heading, the heading of its first column, whether its lines
/// open views of their own.
struct LinesTable {
    title: &'static str,
    first: &'static str,
    lines: Vec<Line>,
    link: bool,
}

impl DashboardPage {
    fn pct(&self, f: &Figures) -> String {
        f.on_time_percent()
    }

    fn stage(&self, s: &StageLine) -> &'static str {
        stage_label(s, self.c.lang)
    }

    fn as_of(&self) -> String {
        crate::contacts::model::day_vn(self.d.today)
    }

    fn query(&self, unit: &str) -> String {
        format!(
            "/petitions/dashboard?unit={unit}&period={}",
            self.d.period.key()
        )
    }
}

/// The tables of a view: by the units below it (for a village, none), then by category.
fn tables(d: &Dashboard, lang: Lang) -> Vec<LinesTable> {
    let mut out = Vec::new();
    if let Some(k) = d.lines_are {
        let (title, first) = match k {
            LineKind::Province => ("pd_by_province", "province"),
            LineKind::Commune => ("pd_by_commune", "commune"),
            LineKind::Village => ("pd_by_village", "village"),
        };
        out.push(LinesTable {
            title: lang.t(title),
            first: lang.t(first),
            lines: d.lines.clone(),
            link: true,
        });
    }
    out.push(LinesTable {
        title: lang.t("pd_by_category"),
        first: lang.t("pd_category"),
        lines: d.categories.clone(),
        link: false,
    });
    out
}

fn public_href(d: &Dashboard) -> Option<String> {
    match (&d.place.code, d.place.kind.as_str()) {
        (Some(code), "commune") => Some(format!(
            "/cong-khai/{code}/kien-nghi?period={}",
            d.period.key()
        )),
        _ => None,
    }
}

/// `GET /petitions/dashboard`.
pub async fn index(
    State(st): State<AppState>,
    s: Session,
    lang: Lang,
    Q(q): Q<DashboardQuery>,
) -> AppResult<Response> {
    let d = load(&st, &s, &q).await?;
    let flow = if d.lines.is_empty() {
        flow_chart(&d.categories, lang)
    } else {
        flow_chart(&d.lines, lang)
    };
    page(&DashboardPage {
        c: Chrome::new(
            lang,
            &s,
            &format!("{} — {}", lang.t("petition_dashboard"), d.place.name),
        ),
        choices: choices(&d, lang),
        stages_chart: stage_chart(&d.stages, lang),
        tables: tables(&d, lang),
        public_href: public_href(&d),
        inbox: s
            .scope
            .roles()
            .into_iter()
            .any(|r| crate::app::admits_get("/petitions", r)),
        flow,
        d,
    })
}

/// `GET /petitions/dashboard.xlsx`: the same tables as a workbook.
pub async fn xlsx(
    State(st): State<AppState>,
    s: Session,
    Q(q): Q<DashboardQuery>,
) -> AppResult<Response> {
    let d = load(&st, &s, &q).await?;
    let bytes = sheet::render(&d)?;
    let name = format!(
        "kien-nghi-{}-{}.xlsx",
        crate::text::fold(&d.place.name).replace(' ', "-"),
        d.period.key()
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

/// The dashboard as the API gives it.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct DashboardBody {
    pub unit_id: String,
    pub unit_name: String,
    pub unit_kind: String,
    /// The period's key (`2026-Q1`), label, and first and last day (yyyy-mm-dd).
    pub period: String,
    pub period_label: String,
    pub first_day: String,
    pub last_day: String,
    /// The day open and overdue petitions are counted on.
    pub as_of: String,
    /// What the lines are; absent for a village (its view has categories only).
    pub lines_are: Option<LineKind>,
    pub lines: Vec<Line>,
    pub categories: Vec<Line>,
    pub total: Figures,
    pub stages: Vec<StageLine>,
}

#[utoipa::path(get, path = "/api/v1/petitions/dashboard", params(DashboardQuery), tag = "petitions",
    responses((status = 200, body = DashboardBody), (status = 404, description = "a unit outside the viewer's scope"),
        (status = 422, description = "an unknown period")))]
pub async fn api(
    State(st): State<AppState>,
    s: Session,
    Q(q): Q<DashboardQuery>,
) -> AppResult<Json<DashboardBody>> {
    let d = load(&st, &s, &q).await?;
    let day = crate::contacts::model::day_text;
    Ok(Json(DashboardBody {
        unit_id: d.place.id,
        unit_name: d.place.name,
        unit_kind: d.place.kind,
        period: d.period.key(),
        period_label: d.period.label_vi(),
        first_day: day(d.period.first_day()),
        last_day: day(d.period.last_day()),
        as_of: day(d.today),
        lines_are: d.lines_are,
        lines: d.lines,
        categories: d.categories,
        total: d.total,
        stages: d.stages,
    }))
}

/// The period the public page is asked for.
#[derive(Debug, Deserialize, Default)]
pub struct PublicQuery {
    #[serde(default)]
    pub period: String,
}

#[derive(Template)]
#[template(path = "petitions/public.html")]
struct PublicPage {
    c: Chrome,
    commune: String,
    code: String,
    period: Period,
    choices: Vec<(String, String)>,
    /// The commune's total, as the tables show it.
    total: PublicRow,
    /// (heading, first column, table): by category, then by village.
    tables: Vec<(&'static str, &'static str, PublicTable)>,
}

impl PublicPage {
    fn range(&self) -> String {
        self.period.range_vn()
    }

    fn any_hidden(&self) -> bool {
        self.tables.iter().any(|(_, _, t)| t.any_hidden())
    }
}

/// `GET /cong-khai/{code}/kien-nghi`: a commune's petitions in figures, for anybody: no
/// sign-in, no names, no texts, small counts hidden (`model::protect`).
pub async fn public(
    State(st): State<AppState>,
    lang: Lang,
    headers: HeaderMap,
    MaybeSession(s): MaybeSession,
    Path(code): Path<String>,
    Q(q): Q<PublicQuery>,
) -> AppResult<Response> {
    let today = crate::petitions::pages::today(&st);
    let period = q.period.clone();
    let code_in = code.clone();
    let d = st
        .db
        .read(move |tx| Box::pin(async move { store::public(tx, &code_in, &period, today).await }))
        .await?;
    let title = format!("{} — {}", lang.t("pd_public_title"), d.place.name);
    // A visitor's page carries the visitor's form token, for the language switch.
    let (mut c, set_cookie) = match &s {
        Some(s) => (Chrome::new(lang, s, &title), None),
        None => {
            let (token, set) = crate::auth::visitor::token(&st, &headers);
            let mut c = Chrome::bare(lang, &title);
            c.csrf = token;
            (c, set)
        }
    };
    c.title = title;
    let rows = |lines: &[Line]| -> Vec<(String, Figures)> {
        lines
            .iter()
            .map(|l| (l.name.clone(), l.figures.clone()))
            .collect()
    };
    let total = lang.t("total");
    let categories = model::public_table(&rows(&d.categories), &d.total, total);
    let villages = model::public_table(&rows(&d.lines), &d.total, total);
    let mut res = page(&PublicPage {
        total: categories.total.clone(),
        tables: vec![
            (lang.t("pd_by_category"), lang.t("pd_category"), categories),
            (lang.t("pd_by_village"), lang.t("village"), villages),
        ],
        choices: choices(&d, lang),
        commune: d.place.name.clone(),
        period: d.period,
        code,
        c,
    })?;
    if let Some(cookie) = set_cookie {
        if let Ok(v) = cookie.parse() {
            res.headers_mut().insert(header::SET_COOKIE, v);
        }
    }
    Ok(res)
}
