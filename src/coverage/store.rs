//! Coverage figures, read from the counters the contact writes keep (`contact_counts`,
//! `contact_recency`, `member_contact_state`), grouped by the lines of the view: the
//! communes of a province, the villages of a commune, the members of a village.

use std::collections::HashMap;

use time::{Date, Duration};

use super::model::{Level, Line, Period};
use crate::audit;
use crate::auth::{Role, Scope};
use crate::contacts::model::day_text;
use crate::db::{Tx, Value};
use crate::error::{AppError, AppResult};

/// The roles that see coverage: the village's secretary, the commune committee, the boards
/// above and the Front (the last two, counts only: no line below a village).
pub const READERS: &[Role] = &[
    Role::CellSecretary,
    Role::CommuneCommittee,
    Role::Supervisor,
    Role::FrontReviewer,
];

/// The unit a view is about.
#[derive(Debug, Clone)]
pub struct Place {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub path: String,
    /// The commune the unit is in (itself for a commune), none above communes.
    pub commune_id: Option<String>,
}

/// A coverage view: the lines under one unit for one period, their total, and the way
/// back up.
#[derive(Debug, Clone)]
pub struct Coverage {
    pub place: Place,
    pub level: Level,
    pub lines: Vec<Line>,
    pub total: Line,
    /// The units above, down to this one, that the viewer may open.
    pub crumbs: Vec<(String, String)>,
    /// The lines are members, but this viewer may not see members: only the total shows.
    pub members_hidden: bool,
}

/// The unit the viewer starts from: the highest unit they see coverage for.
pub async fn home_unit(tx: &mut Tx, scope: &Scope) -> AppResult<String> {
    let mut paths = scope.paths_for(READERS);
    paths.sort_by_key(|p| p.len());
    let top = paths.first().ok_or(AppError::Forbidden)?.to_string();
    tx.fetch_optional("SELECT id FROM units WHERE path = ?", &[top.into()])
        .await?
        .ok_or(AppError::NotFound)?
        .str("id")
}

async fn place(tx: &mut Tx, scope: &Scope, id: &str) -> AppResult<Place> {
    let r = tx
        .fetch_optional(
            "SELECT id, kind, name, path, commune_id FROM units WHERE id = ? AND valid_to IS NULL",
            &[id.into()],
        )
        .await?
        .ok_or(AppError::NotFound)?;
    let p = Place {
        id: r.str("id")?,
        kind: r.str("kind")?,
        name: r.str("name")?,
        path: r.str("path")?,
        commune_id: r.opt_str("commune_id")?,
    };
    // A unit outside the viewer's scope is "not found": it tells them nothing.
    if !scope.covers(READERS, &p.path) {
        return Err(AppError::NotFound);
    }
    Ok(p)
}

/// The view of `unit_id` for `period`. `idle_days`: a member with no contact in that
/// many days counts as inactive.
pub async fn coverage(
    tx: &mut Tx,
    scope: &Scope,
    unit_id: &str,
    period: Period,
    today: Date,
    idle_days: i64,
) -> AppResult<Coverage> {
    let place = place(tx, scope, unit_id).await?;
    let crumbs = crumbs(tx, scope, &place).await?;
    let (level, mut lines, members_hidden) = match place.kind.as_str() {
        "village" => {
            if scope.can_keep_registry_at(&place.path) {
                (
                    Level::Member,
                    member_lines(tx, scope, &place, period, today, idle_days).await?,
                    false,
                )
            } else {
                (Level::Member, Vec::new(), true)
            }
        }
        "commune" => {
            let villages = children(
                tx,
                "SELECT id, name FROM units WHERE parent_id = ? AND kind = 'village' AND valid_to IS NULL",
                vec![place.id.clone().into()],
            )
            .await?;
            (
                Level::Village,
                unit_lines(
                    tx,
                    Some(&place.id),
                    "village_id",
                    villages,
                    period,
                    today,
                    idle_days,
                )
                .await?,
                false,
            )
        }
        _ => {
            let communes = children(
                tx,
                "SELECT id, name FROM units c WHERE kind = 'commune' AND valid_to IS NULL AND path >= ? AND path < ? \
                 AND EXISTS (SELECT 1 FROM units v WHERE v.parent_id = c.id AND v.kind = 'village' AND v.valid_to IS NULL)",
                vec![place.path.clone().into(), format!("{}~", place.path).into()],
            )
            .await?;
            (
                Level::Commune,
                unit_lines(tx, None, "commune_id", communes, period, today, idle_days).await?,
                false,
            )
        }
    };
    // Villages open to members only for those who keep them; communes open to villages.
    for l in &mut lines {
        l.drill = match level {
            Level::Commune => true,
            Level::Village => true,
            Level::Member => false,
        };
    }
    let total = if members_hidden {
        // The village's own figures, as its commune's view has them.
        let commune = place.commune_id.clone();
        let mut one = unit_lines(
            tx,
            commune.as_deref(),
            "village_id",
            vec![(place.id.clone(), place.name.clone())],
            period,
            today,
            idle_days,
        )
        .await?;
        one.pop().unwrap_or_default()
    } else {
        Line::total(&lines, &place.name)
    };
    Ok(Coverage {
        place,
        level,
        lines,
        total,
        crumbs,
        members_hidden,
    })
}

/// The units on the way down to `place` that the viewer may open.
async fn crumbs(tx: &mut Tx, scope: &Scope, place: &Place) -> AppResult<Vec<(String, String)>> {
    let ids: Vec<&str> = place.path.split('/').filter(|s| !s.is_empty()).collect();
    let (f, args) = in_list("id", &ids);
    let rows = tx
        .fetch_all(
            &format!("SELECT id, name, path FROM units WHERE {f}"),
            &args,
        )
        .await?;
    let mut found: Vec<(usize, String, String)> = Vec::new();
    for r in &rows {
        let path = r.str("path")?;
        if scope.covers(READERS, &path) {
            found.push((path.len(), r.str("id")?, r.str("name")?));
        }
    }
    found.sort();
    Ok(found.into_iter().map(|(_, id, name)| (id, name)).collect())
}

async fn children(tx: &mut Tx, sql: &str, args: Vec<Value>) -> AppResult<Vec<(String, String)>> {
    let mut out: Vec<(String, String)> = tx
        .fetch_all(sql, &args)
        .await?
        .iter()
        .map(|r| Ok((r.str("id")?, r.str("name")?)))
        .collect::<AppResult<_>>()?;
    out.sort_by(|a, b| crate::text::compare(&a.1, &b.1));
    Ok(out)
}

/// `col IN (?, ?, …)`; `1 = 0` for no ids.
fn in_list(col: &str, ids: &[&str]) -> (String, Vec<Value>) {
    if ids.is_empty() {
        return ("1 = 0".into(), Vec::new());
    }
    let marks = vec!["?"; ids.len()].join(", ");
    (
        format!("{col} IN ({marks})"),
        ids.iter().map(|i| Value::from(*i)).collect(),
    )
}

/// The filter `f` within one commune, when the lines are its villages: every counter
/// table's key starts with the commune, so its rows are read through that key rather
/// than found among the whole province's.
fn within(commune: Option<&str>, (f, a): (String, Vec<Value>)) -> (String, Vec<Value>) {
    match commune {
        Some(c) => {
            let mut args = vec![Value::from(c)];
            args.extend(a);
            (format!("commune_id = ? AND {f}"), args)
        }
        None => (f, a),
    }
}

/// Runs a `SELECT k, … GROUP BY` and returns its rows by `k`.
async fn by_key(
    tx: &mut Tx,
    sql: &str,
    args: Vec<Value>,
) -> AppResult<HashMap<String, crate::db::Row>> {
    let rows = tx.fetch_all(sql, &args).await?;
    let mut out = HashMap::with_capacity(rows.len());
    for r in rows {
        out.insert(r.str("k")?, r);
    }
    Ok(out)
}

fn n(rows: &HashMap<String, crate::db::Row>, id: &str, col: &str) -> AppResult<i64> {
    match rows.get(id) {
        Some(r) => Ok(r.opt_i64(col)?.unwrap_or(0)),
        None => Ok(0),
    }
}

/// The recency cut-offs: households whose latest contact is on or after these days.
fn since(today: Date) -> [String; 3] {
    [30, 60, 90].map(|d| day_text(today - Duration::days(d - 1)))
}

/// Lines for communes (`group` = `commune_id`) or villages (`village_id`): every figure
/// is one grouped query over counters or an indexed count.
async fn unit_lines(
    tx: &mut Tx,
    commune: Option<&str>,
    group: &str,
    units: Vec<(String, String)>,
    period: Period,
    today: Date,
    idle_days: i64,
) -> AppResult<Vec<Line>> {
    let ids: Vec<&str> = units.iter().map(|(id, _)| id.as_str()).collect();
    let (f, a) = within(commune, in_list(group, &ids));
    // The registry's figures, from the counters its triggers keep (migration 0027).
    let registry = by_key(
        tx,
        &format!(
            "SELECT {group} AS k, CAST(SUM(households) AS BIGINT) AS households, \
             CAST(SUM(assigned) AS BIGINT) AS assigned, CAST(SUM(members) AS BIGINT) AS members \
             FROM registry_counts WHERE {f} GROUP BY {group}"
        ),
        a.clone(),
    )
    .await?;
    let (now, before) = (period.key(), period.previous().key());
    let mut cargs: Vec<Value> = vec![
        now.clone().into(),
        now.clone().into(),
        before.clone().into(),
        now.into(),
        before.into(),
    ];
    cargs.extend(a.clone());
    let counts = by_key(
        tx,
        &format!(
            "SELECT {group} AS k, CAST(SUM(CASE WHEN period = ? THEN contacts ELSE 0 END) AS BIGINT) AS contacts, \
             CAST(SUM(CASE WHEN period = ? THEN households ELSE 0 END) AS BIGINT) AS reached, \
             CAST(SUM(CASE WHEN period = ? THEN households ELSE 0 END) AS BIGINT) AS before \
             FROM contact_counts WHERE period IN (?, ?) AND {f} GROUP BY {group}"
        ),
        cargs,
    )
    .await?;
    let [d30, d60, d90] = since(today);
    let (rf, ra) = within(commune, in_list("unit_id", &ids));
    let mut rargs: Vec<Value> = vec![d30.into(), d60.into(), d90.clone().into()];
    rargs.extend(ra);
    let recency = by_key(
        tx,
        &format!(
            "SELECT unit_id AS k, CAST(SUM(CASE WHEN day >= ? THEN households ELSE 0 END) AS BIGINT) AS r30, \
             CAST(SUM(CASE WHEN day >= ? THEN households ELSE 0 END) AS BIGINT) AS r60, CAST(SUM(households) AS BIGINT) AS r90 \
             FROM contact_recency WHERE day >= ? AND {rf} GROUP BY unit_id"
        ),
        rargs,
    )
    .await?;
    let (uf, ua) = within(commune, in_list("unit_id", &ids));
    let mut margs: Vec<Value> = vec![day_text(today - Duration::days(idle_days - 1)).into()];
    margs.extend(ua);
    let active = by_key(
        tx,
        &format!(
            "SELECT unit_id AS k, CAST(SUM(members) AS BIGINT) AS n FROM member_recency \
             WHERE day >= ? AND {uf} GROUP BY unit_id"
        ),
        margs,
    )
    .await?;
    units
        .into_iter()
        .map(|(id, name)| {
            Ok(Line {
                households: n(&registry, &id, "households")?,
                assigned: n(&registry, &id, "assigned")?,
                reached: n(&counts, &id, "reached")?,
                reached_before: n(&counts, &id, "before")?,
                contacts: n(&counts, &id, "contacts")?,
                recent_30: n(&recency, &id, "r30")?,
                recent_60: n(&recency, &id, "r60")?,
                recent_90: n(&recency, &id, "r90")?,
                members: n(&registry, &id, "members")?,
                inactive_members: n(&registry, &id, "members")? - n(&active, &id, "n")?,
                drill: false,
                id,
                name,
            })
        })
        .collect()
}

/// Lines for the members of one village: for those who may see members. A village is
/// small, so a member's reach in the period is counted from the village's contacts.
async fn member_lines(
    tx: &mut Tx,
    scope: &Scope,
    village: &Place,
    period: Period,
    today: Date,
    idle_days: i64,
) -> AppResult<Vec<Line>> {
    let v: Value = village.id.clone().into();
    let people = tx
        .fetch_all(
            "SELECT id, full_name, commune_id FROM members WHERE village_id = ? AND status = 'active' ORDER BY name_key, id",
            std::slice::from_ref(&v),
        )
        .await?;
    let assigned = by_key(
        tx,
        "SELECT p.member_id AS k, COUNT(*) AS n FROM assignment_pairs p JOIN assignment_plans a ON a.id = p.plan_id \
         JOIN households h ON h.id = p.household_id WHERE a.status = 'approved' AND h.status = 'active' AND h.village_id = ? \
         GROUP BY p.member_id",
        vec![v.clone()],
    )
    .await?;
    let reach = |p: Period| {
        let (from, to) = p.days();
        vec![v.clone(), day_text(from).into(), day_text(to).into()]
    };
    let sql = "SELECT member_id AS k, COUNT(DISTINCT household_id) AS reached, COUNT(*) AS contacts FROM contacts \
               WHERE village_id = ? AND contacted_on >= ? AND contacted_on <= ? GROUP BY member_id";
    let now = by_key(tx, sql, reach(period)).await?;
    let before = by_key(tx, sql, reach(period.previous())).await?;
    let [d30, d60, d90] = since(today);
    let recency = by_key(
        tx,
        "SELECT p.member_id AS k, CAST(SUM(CASE WHEN s.last_contact_on >= ? THEN 1 ELSE 0 END) AS BIGINT) AS r30, \
         CAST(SUM(CASE WHEN s.last_contact_on >= ? THEN 1 ELSE 0 END) AS BIGINT) AS r60, CAST(SUM(CASE WHEN s.last_contact_on >= ? THEN 1 ELSE 0 END) AS BIGINT) AS r90 \
         FROM assignment_pairs p JOIN assignment_plans a ON a.id = p.plan_id JOIN household_contact_state s ON s.household_id = p.household_id \
         WHERE a.status = 'approved' AND s.village_id = ? GROUP BY p.member_id",
        vec![d30.into(), d60.into(), d90.into(), v.clone()],
    )
    .await?;
    let idle_from = day_text(today - Duration::days(idle_days - 1));
    let last = by_key(
        tx,
        "SELECT member_id AS k, last_contact_on FROM member_contact_state WHERE village_id = ?",
        vec![v],
    )
    .await?;
    let mut lines = Vec::with_capacity(people.len());
    let mut shown = Vec::with_capacity(people.len());
    let mut commune = None;
    for r in &people {
        let id = r.str("id")?;
        commune.get_or_insert(r.str("commune_id")?);
        let active = last
            .get(&id)
            .map(|r| r.str("last_contact_on"))
            .transpose()?
            .is_some_and(|d| d >= idle_from);
        let mine = n(&assigned, &id, "n")?;
        lines.push(Line {
            name: r.str("full_name")?,
            households: mine,
            assigned: mine,
            reached: n(&now, &id, "reached")?,
            reached_before: n(&before, &id, "reached")?,
            contacts: n(&now, &id, "contacts")?,
            recent_30: n(&recency, &id, "r30")?,
            recent_60: n(&recency, &id, "r60")?,
            recent_90: n(&recency, &id, "r90")?,
            members: 1,
            inactive_members: i64::from(!active),
            drill: false,
            id: id.clone(),
        });
        shown.push(id);
    }
    // Names of members are personal data: the view is logged as showing them.
    audit::shown(
        tx,
        scope,
        audit::Entity::Member,
        commune.as_deref(),
        shown.iter().map(String::as_str),
    );
    Ok(lines)
}
