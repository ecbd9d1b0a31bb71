//! Dashboard figures, read from the counters the petition steps keep (`petition_counts`
//! per village, category and period; `petition_open` per village, category, stage and
//! deadline) and grouped by the lines of the view: the provinces of the country, the
//! communes of a province, the villages of a commune. The petitions themselves are never
//! read: every figure is a sum of counters.

use std::collections::HashMap;

use serde::Serialize;
use time::Date;

use super::model::{counter_keys, Figures, Open, StageLine, Tally};
use crate::auth::roles::admits;
use crate::auth::Scope;
use crate::contacts::model::day_text;
use crate::db::{Tx, Value};
use crate::error::{AppError, AppResult};
use crate::petitions::model::{Stage, ALL_CATEGORIES};
use crate::petitions::settings;
use crate::reports::period::{Kind, Period};

/// The unit a view is about.
#[derive(Debug, Clone, Serialize)]
pub struct Place {
    pub id: String,
    pub kind: String,
    pub name: String,
    #[serde(skip)]
    pub path: String,
    /// The official code (a commune's is the address of its public page).
    pub code: Option<String>,
}

/// What the lines of a view stand for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    Province,
    Commune,
    Village,
}

/// One line of a table: a unit or a category, and its figures.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Line {
    /// The unit's id, or the category's code.
    pub id: String,
    pub name: String,
    /// Whether the line opens a view of its own (a unit below the view's).
    pub drill: bool,
    #[serde(flatten)]
    pub figures: Figures,
}

/// A dashboard: the lines under one unit for one period, the same by category, the total,
/// how each stage went, and the way back up.
#[derive(Debug, Clone)]
pub struct Dashboard {
    pub place: Place,
    pub period: Period,
    /// The day "open" and "overdue" are counted on.
    pub today: Date,
    /// `None` for a village: its view has categories only.
    pub lines_are: Option<LineKind>,
    pub lines: Vec<Line>,
    pub categories: Vec<Line>,
    pub total: Figures,
    pub stages: Vec<StageLine>,
    /// The units above, down to this one, that the viewer may open.
    pub crumbs: Vec<(String, String)>,
}

/// The unit the viewer starts from: the highest unit they see the dashboard of.
pub async fn home_unit(tx: &mut Tx, scope: &Scope) -> AppResult<String> {
    let mut paths = scope.paths_for(admits::PETITION_DASHBOARD);
    paths.sort_by_key(|p| p.len());
    let top = paths.first().ok_or(AppError::Forbidden)?.to_string();
    tx.fetch_optional("SELECT id FROM units WHERE path = ?", &[top.into()])
        .await?
        .ok_or(AppError::NotFound)?
        .str("id")
}

fn place_of(r: &crate::db::Row) -> AppResult<Place> {
    Ok(Place {
        id: r.str("id")?,
        kind: r.str("kind")?,
        name: r.str("name")?,
        path: r.str("path")?,
        code: r.opt_str("code")?,
    })
}

/// The view of `unit_id` for the period `period_key` (`2026-Q1`; this quarter when
/// empty), for a viewer whose scope covers the unit. Any other unit is "not found".
pub async fn dashboard(
    tx: &mut Tx,
    scope: &Scope,
    unit_id: &str,
    period_key: &str,
    today: Date,
) -> AppResult<Dashboard> {
    let r = tx
        .fetch_optional(
            "SELECT id, kind, name, path, code FROM units WHERE id = ? AND valid_to IS NULL",
            &[unit_id.into()],
        )
        .await?
        .ok_or(AppError::NotFound)?;
    let place = place_of(&r)?;
    if !scope.covers(admits::PETITION_DASHBOARD, &place.path) {
        return Err(AppError::NotFound);
    }
    let crumbs = crumbs(tx, scope, &place).await?;
    let mut d = build(tx, place, period_key, today).await?;
    d.crumbs = crumbs;
    Ok(d)
}

/// The public view of a commune, by its official code: the same figures, for anybody.
pub async fn public(
    tx: &mut Tx,
    commune_code: &str,
    period_key: &str,
    today: Date,
) -> AppResult<Dashboard> {
    let r = tx
        .fetch_optional(
            "SELECT id, kind, name, path, code FROM units WHERE kind = 'commune' AND code = ? AND valid_to IS NULL",
            &[commune_code.trim().into()],
        )
        .await?
        .ok_or(AppError::NotFound)?;
    let place = place_of(&r)?;
    let mut d = build(tx, place, period_key, today).await?;
    for l in &mut d.lines {
        l.drill = false;
    }
    Ok(d)
}

/// The period asked for under the unit's cut-off day, or this quarter.
async fn period_of(tx: &mut Tx, place: &Place, key: &str, today: Date) -> AppResult<Period> {
    let unit = crate::units::store::get(tx, &place.id).await?;
    let cutoff = crate::reports::cutoff::cutoff_for(tx, &unit).await?;
    if key.trim().is_empty() {
        return Ok(Period::containing(today, Kind::Quarter, cutoff));
    }
    Period::parse(key, cutoff).ok_or_else(|| {
        AppError::invalid(
            "period",
            "Kỳ báo cáo chưa đúng; chọn một kỳ trong danh sách",
        )
    })
}

/// `col IN (?, ?, …)`; `1 = 0` for none.
fn in_list(col: &str, ids: &[String]) -> (String, Vec<Value>) {
    if ids.is_empty() {
        return ("1 = 0".into(), Vec::new());
    }
    let marks = vec!["?"; ids.len()].join(", ");
    (
        format!("{col} IN ({marks})"),
        ids.iter().map(Value::from).collect(),
    )
}

async fn units(tx: &mut Tx, sql: &str, args: &[Value]) -> AppResult<Vec<(String, String)>> {
    let mut out: Vec<(String, String)> = tx
        .fetch_all(sql, args)
        .await?
        .iter()
        .map(|r| Ok((r.str("id")?, r.str("name")?)))
        .collect::<AppResult<_>>()?;
    out.sort_by(|a, b| crate::text::compare(&a.1, &b.1));
    Ok(out)
}

async fn build(tx: &mut Tx, place: Place, period_key: &str, today: Date) -> AppResult<Dashboard> {
    let period = period_of(tx, &place, period_key, today).await?;
    let keys = counter_keys(period.first_day(), period.last_day());
    let range: Vec<Value> = vec![place.path.clone().into(), format!("{}~", place.path).into()];
    let in_subtree =
        "commune_id IN (SELECT id FROM units WHERE kind = 'commune' AND path >= ? AND path < ?)";
    // The lines, the counters' column they group by, and the filter of the place's rows.
    let (lines_are, group, filter, args, units_of_lines) = match place.kind.as_str() {
        "village" => (
            None,
            "village_id",
            "village_id = ?".to_owned(),
            vec![place.id.clone().into()],
            Vec::new(),
        ),
        "commune" => (
            Some(LineKind::Village),
            "village_id",
            "commune_id = ?".to_owned(),
            vec![place.id.clone().into()],
            units(
                tx,
                "SELECT id, name FROM units WHERE parent_id = ? AND kind = 'village' AND valid_to IS NULL",
                &[place.id.clone().into()],
            )
            .await?,
        ),
        "country" => (
            Some(LineKind::Province),
            "commune_id",
            in_subtree.to_owned(),
            range.clone(),
            units(
                tx,
                "SELECT id, name FROM units WHERE kind = 'province' AND valid_to IS NULL AND path >= ? AND path < ?",
                &range,
            )
            .await?,
        ),
        _ => (
            Some(LineKind::Commune),
            "commune_id",
            in_subtree.to_owned(),
            range.clone(),
            units(
                tx,
                "SELECT id, name FROM units c WHERE kind = 'commune' AND valid_to IS NULL AND path >= ? AND path < ? \
                 AND EXISTS (SELECT 1 FROM units v WHERE v.parent_id = c.id AND v.kind = 'village' AND v.valid_to IS NULL)",
                &range,
            )
            .await?,
        ),
    };
    // A country's lines are provinces: each commune's counters go to the province on its path.
    let mut to_line: HashMap<String, String> = HashMap::new();
    if lines_are == Some(LineKind::Province) {
        let provinces: std::collections::HashSet<&str> =
            units_of_lines.iter().map(|(id, _)| id.as_str()).collect();
        for r in tx
            .fetch_all(
                "SELECT id, path FROM units WHERE kind = 'commune' AND path >= ? AND path < ?",
                &range,
            )
            .await?
        {
            let path = r.str("path")?;
            if let Some(p) = path.split('/').find(|s| provinces.contains(s)) {
                to_line.insert(r.str("id")?, p.to_owned());
            }
        }
    }
    let line_of = |k: String| to_line.get(&k).cloned().unwrap_or(k);

    let (lines_counts, category_counts) = counts(tx, &place, lines_are, &keys).await?;
    let mut open_args: Vec<Value> = vec![day_text(today).into()];
    open_args.extend(args.iter().cloned());
    let open_rows = tx
        .fetch_all(
            &format!(
                "SELECT {group} AS k, category, CAST(SUM(n) AS BIGINT) AS open, \
                 CAST(SUM(CASE WHEN due_on < ? THEN n ELSE 0 END) AS BIGINT) AS overdue \
                 FROM petition_open WHERE {filter} GROUP BY {group}, category"
            ),
            &open_args,
        )
        .await?;

    let mut by_line: HashMap<String, (Tally, Open)> = HashMap::new();
    let mut by_category: HashMap<String, (Tally, Open)> = HashMap::new();
    let mut total = (Tally::default(), Open::default());
    for r in &lines_counts {
        let (k, event, n) = (r.str("k")?, r.str("event")?, r.i64("n")?);
        by_line.entry(k).or_default().0.add(&event, n);
    }
    for r in &category_counts {
        let (cat, event, n) = (r.str("k")?, r.str("event")?, r.i64("n")?);
        by_category.entry(cat).or_default().0.add(&event, n);
        total.0.add(&event, n);
    }
    for r in &open_rows {
        let o = Open {
            open: r.i64("open")?,
            overdue: r.i64("overdue")?,
        };
        by_line.entry(line_of(r.str("k")?)).or_default().1.merge(o);
        by_category
            .entry(r.str("category")?)
            .or_default()
            .1
            .merge(o);
        total.1.merge(o);
    }

    // Lines: every unit of the view, and any other that has counters (a village since
    // retired still counted in the period), so that the lines add up to the total.
    let mut named = units_of_lines;
    let missing: Vec<String> = by_line
        .keys()
        .filter(|k| lines_are.is_some() && !named.iter().any(|(id, _)| id == *k))
        .cloned()
        .collect();
    if !missing.is_empty() {
        let (f, a) = in_list("id", &missing);
        named.extend(units(tx, &format!("SELECT id, name FROM units WHERE {f}"), &a).await?);
    }
    let lines = named
        .into_iter()
        .map(|(id, name)| {
            let (t, o) = by_line.get(&id).cloned().unwrap_or_default();
            Line {
                figures: t.figures(o),
                drill: true,
                id,
                name,
            }
        })
        .collect();

    let province = settings::province_of(tx, &place.path).await?;
    let mut cats: Vec<(String, String)> = settings::categories(tx, &province, false)
        .await?
        .into_iter()
        .map(|c| (c.code, c.label))
        .collect();
    let all = settings::categories(tx, &province, true).await?;
    let mut others: Vec<&String> = by_category
        .keys()
        .filter(|k| !cats.iter().any(|(c, _)| c == *k))
        .collect();
    others.sort();
    for code in others {
        cats.push((code.clone(), settings::category_label(code, &all)));
    }
    let categories = cats
        .into_iter()
        .map(|(code, label)| {
            let (t, o) = by_category.get(&code).cloned().unwrap_or_default();
            Line {
                figures: t.figures(o),
                drill: false,
                id: code,
                name: label,
            }
        })
        .collect();

    let mut deadlines = [0i64; 4];
    for (i, s) in Stage::ALL.iter().enumerate() {
        deadlines[i] = settings::deadline(tx, &province, *s, "").await?;
    }
    Ok(Dashboard {
        stages: total.0.stages(deadlines),
        total: total.0.figures(total.1),
        place,
        period,
        today,
        lines_are,
        lines,
        categories,
        crumbs: Vec::new(),
    })
}

/// The steps' counters of the period `keys`, summed by event: each line unit's
/// all-categories roll-ups (`petition_totals`), and the place's rows per category. A few
/// hundred rows, whatever the size of the place.
async fn counts(
    tx: &mut Tx,
    place: &Place,
    lines_are: Option<LineKind>,
    keys: &[String],
) -> AppResult<(Vec<crate::db::Row>, Vec<crate::db::Row>)> {
    let (pf, periods) = in_list("period", keys);
    let lines = match lines_are {
        None => Vec::new(),
        Some(kind) => {
            let kind = match kind {
                LineKind::Province => "province",
                LineKind::Commune => "commune",
                LineKind::Village => "village",
            };
            let mut args: Vec<Value> = vec![
                kind.into(),
                place.path.clone().into(),
                format!("{}~", place.path).into(),
            ];
            args.extend(periods.iter().cloned());
            args.push(ALL_CATEGORIES.into());
            tx.fetch_all(
                &format!(
                    "SELECT unit_id AS k, event, CAST(SUM(n) AS BIGINT) AS n FROM petition_totals \
                     WHERE unit_id IN (SELECT id FROM units WHERE kind = ? AND path >= ? AND path < ?) \
                     AND {pf} AND category = ? GROUP BY unit_id, event"
                ),
                &args,
            )
            .await?
        }
    };
    // A village's categories are its own rows; above it, the roll-ups per category.
    let id: Value = place.id.clone().into();
    let (sql, mut args) = if lines_are.is_none() {
        (
            format!(
                "SELECT category AS k, event, CAST(SUM(n) AS BIGINT) AS n FROM petition_counts \
                 WHERE commune_id = (SELECT commune_id FROM units WHERE id = ?) AND village_id = ? \
                 AND {pf} GROUP BY category, event"
            ),
            vec![id.clone(), id],
        )
    } else {
        (
            format!(
                "SELECT category AS k, event, CAST(SUM(n) AS BIGINT) AS n FROM petition_totals \
                 WHERE unit_id = ? AND {pf} AND category <> '{ALL_CATEGORIES}' GROUP BY category, event"
            ),
            vec![id],
        )
    };
    args.extend(periods);
    let categories = tx.fetch_all(&sql, &args).await?;
    Ok((lines, categories))
}

/// The units on the way down to `place` that the viewer may open.
async fn crumbs(tx: &mut Tx, scope: &Scope, place: &Place) -> AppResult<Vec<(String, String)>> {
    let ids: Vec<String> = place
        .path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    let (f, args) = in_list("id", &ids);
    let mut found: Vec<(usize, String, String)> = Vec::new();
    for r in &tx
        .fetch_all(
            &format!("SELECT id, name, path FROM units WHERE {f}"),
            &args,
        )
        .await?
    {
        let path = r.str("path")?;
        if scope.covers(admits::PETITION_DASHBOARD, &path) {
            found.push((path.len(), r.str("id")?, r.str("name")?));
        }
    }
    found.sort();
    Ok(found.into_iter().map(|(_, id, name)| (id, name)).collect())
}
