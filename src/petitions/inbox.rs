//! Each role's inbox: what waits on the user, with counts of new, due soon, overdue and
//! returned; the commune's view of what is overdue below it; the supervisor's counts and
//! overdue lines without personal data. Every list is filtered by the session's scope.

use serde::Serialize;
use time::Date;

use super::model::{self, Urgency};
use super::settings;
use super::store::{self, Petition, Seat, COLUMNS, FROM};
use crate::audit;
use crate::auth::scope::unit_filter;
use crate::auth::{Role, Scope};
use crate::contacts::model::day_text;
use crate::db::{Tx, Value};
use crate::error::AppResult;

// What each seat holds, by status. Each puts its statuses in one `IN` beside the unit or
// agency, with no `OR` around them: an `OR` at the top of the WHERE let SQLite choose a
// multi-index plan that scanned every petition of the database (`tests/petitions.rs`
// checks the plans).

/// The cell: received, or reopened after the cell answered.
pub const CELL_HOLDS: &str =
    "p.status IN ('received', 'reopened') AND (p.status <> 'reopened' OR p.answer_level = 'cell')";
/// The commune: forwarded or transferred, or reopened after a body outside answered.
pub const COMMUNE_HOLDS: &str = "p.status IN ('forwarded', 'transferred', 'reopened') \
     AND (p.status <> 'reopened' OR p.answer_level = 'outside')";
/// The commune's escalation: open and held by the cell, an agency or a member.
pub const HELD_BELOW_COMMUNE: &str =
    "p.status IN ('received', 'assigned', 'answered', 'delivered', 'reopened') \
     AND (p.status <> 'reopened' OR p.answer_level <> 'outside')";
/// The agency: assigned, or reopened after it answered.
pub const AGENCY_HOLDS: &str =
    "p.status IN ('assigned', 'reopened') AND (p.status <> 'reopened' OR p.answer_level = 'agency')";

/// The most petitions an inbox reads for its counts (a commune's open ones fit)…
pub const LIMIT: i64 = 1000;
/// …and the most it lists, the most pressing first: a page stays small on a phone.
pub const SHOWN: usize = 40;

#[derive(Debug, Clone, Serialize)]
pub struct Line {
    pub p: Petition,
    pub urgency: Urgency,
    pub category_label: String,
}

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Counts {
    pub total: usize,
    pub new: usize,
    pub due_soon: usize,
    pub overdue: usize,
    pub returned: usize,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Section {
    pub lines: Vec<Line>,
    pub counts: Counts,
}

/// Overdue counts of one commune, per stage, read from `petition_open`.
#[derive(Debug, Clone, Serialize)]
pub struct CommuneOverdue {
    pub commune_id: String,
    pub commune_name: String,
    pub open: i64,
    pub overdue: i64,
    pub overdue_cell: i64,
    pub overdue_commune: i64,
    pub overdue_answer: i64,
    pub overdue_delivery: i64,
}

/// One overdue petition for a supervisor: where and what kind, never who or what it says.
#[derive(Debug, Clone, Serialize)]
pub struct OverdueLine {
    pub commune_name: String,
    pub village_name: String,
    pub category_label: String,
    pub stage: String,
    pub due_on: String,
    pub days_late: i64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Inbox {
    pub cell: Option<Section>,
    pub commune: Option<Section>,
    /// The commune's escalation: overdue petitions held below it (cell, agency, member).
    pub escalated: Option<Section>,
    pub agency: Option<Section>,
    pub member: Option<Section>,
    pub front: Option<Section>,
    pub supervisor: Option<(Vec<CommuneOverdue>, Vec<OverdueLine>)>,
}

impl Inbox {
    /// Every count of the user's own work (not the escalation or the supervision), for the
    /// home page.
    pub fn own_counts(&self) -> Counts {
        let mut c = Counts::default();
        for s in [&self.cell, &self.commune, &self.agency, &self.member]
            .into_iter()
            .flatten()
        {
            c.total += s.counts.total;
            c.new += s.counts.new;
            c.due_soon += s.counts.due_soon;
            c.overdue += s.counts.overdue;
            c.returned += s.counts.returned;
        }
        c
    }
}

struct Ctx {
    today: Date,
    soon: Date,
}

async fn section(
    tx: &mut Tx,
    scope: &Scope,
    ctx: &Ctx,
    seat: Seat,
    filter: &str,
    args: Vec<Value>,
    order: &str,
) -> AppResult<Section> {
    let mut args = args;
    args.push(LIMIT.into());
    let rows = tx
        .fetch_all(
            &format!("SELECT {COLUMNS} {FROM} WHERE {filter} ORDER BY {order} LIMIT ?"),
            &args,
        )
        .await?;
    let mut lines = Vec::with_capacity(rows.len());
    let mut cats: std::collections::HashMap<String, Vec<settings::Category>> = Default::default();
    for r in &rows {
        let p = Petition::from_row(r)?;
        if !cats.contains_key(&p.village_path) {
            let province = settings::province_of(tx, &p.village_path).await?;
            let list = settings::categories(tx, &province, true).await?;
            cats.insert(p.village_path.clone(), list);
        }
        let category_label = settings::category_label(&p.category, &cats[&p.village_path]);
        let urgency = model::urgency(p.due(), p.returned, p.since(), ctx.today, ctx.soon);
        lines.push(Line {
            p: p.for_seat(seat),
            urgency,
            category_label,
        });
    }
    lines.sort_by(|a, b| {
        a.urgency
            .cmp(&b.urgency)
            .then_with(|| a.p.due_on.cmp(&b.p.due_on))
    });
    let mut counts = Counts {
        total: lines.len(),
        ..Default::default()
    };
    for l in &lines {
        match l.urgency {
            Urgency::Overdue => counts.overdue += 1,
            Urgency::DueSoon => counts.due_soon += 1,
            Urgency::Returned => counts.returned += 1,
            Urgency::New => counts.new += 1,
            Urgency::Waiting => {}
        }
        if l.p.returned && l.urgency != Urgency::Returned {
            counts.returned += 1;
        }
    }
    lines.truncate(SHOWN);
    if let Some(first) = lines.first() {
        let commune = first.p.commune_id.clone();
        audit::shown(
            tx,
            scope,
            audit::Entity::Petition,
            Some(&commune),
            lines.iter().map(|l| l.p.id.as_str()),
        );
        let named: Vec<&str> = lines
            .iter()
            .filter(|l| l.p.head_name.is_some())
            .map(|l| l.p.household_id.as_str())
            .collect();
        if !named.is_empty() {
            audit::shown(tx, scope, audit::Entity::Household, Some(&commune), named);
        }
    }
    Ok(Section { lines, counts })
}

/// The user's inbox on `today`, for every seat they hold somewhere.
pub async fn inbox(tx: &mut Tx, scope: &Scope, today: Date) -> AppResult<Inbox> {
    let cal = settings::calendar(tx).await?;
    let ctx = Ctx {
        today,
        soon: cal.add_working_days(today, model::DUE_SOON_DAYS),
    };
    let mut out = Inbox::default();
    let order = "p.due_on, p.created_at";
    if scope.has_role(Role::CellSecretary) {
        let (f, a) = unit_filter("p.village_id", &scope.paths_for(&[Role::CellSecretary]));
        let filter = format!("{f} AND {CELL_HOLDS}");
        out.cell = Some(section(tx, scope, &ctx, Seat::Cell, &filter, a, order).await?);
    }
    if scope.has_role(Role::CommuneCommittee) {
        let (f, a) = unit_filter("p.village_id", &scope.paths_for(&[Role::CommuneCommittee]));
        let filter = format!("{f} AND {COMMUNE_HOLDS}");
        out.commune =
            Some(section(tx, scope, &ctx, Seat::Commune, &filter, a.clone(), order).await?);
        let mut args = a;
        args.push(day_text(today).into());
        let filter = format!("{f} AND {HELD_BELOW_COMMUNE} AND p.due_on < ?");
        out.escalated = Some(section(tx, scope, &ctx, Seat::Commune, &filter, args, order).await?);
    }
    let agencies = store::handler_agencies(tx, scope).await?;
    if scope.has_role(Role::AgencyHandler) {
        let marks = if agencies.is_empty() {
            "NULL".to_owned()
        } else {
            vec!["?"; agencies.len()].join(", ")
        };
        let filter = format!("p.agency_id IN ({marks}) AND {AGENCY_HOLDS}");
        let args = agencies.iter().map(Value::from).collect();
        out.agency = Some(section(tx, scope, &ctx, Seat::Agency, &filter, args, order).await?);
    }
    if let Some((f, a)) = crate::assignment::store::assigned_filter(scope, "p.household_id") {
        let filter = format!("{f} AND p.status IN ('answered', 'delivered')");
        out.member = Some(section(tx, scope, &ctx, Seat::Member, &filter, a, order).await?);
    }
    if scope.has_role(Role::FrontReviewer) {
        let (f, a) = unit_filter("p.village_id", &scope.paths_for(&[Role::FrontReviewer]));
        out.front = Some(
            section(
                tx,
                scope,
                &ctx,
                Seat::Front,
                &f,
                a,
                "p.created_at DESC, p.id DESC",
            )
            .await?,
        );
    }
    if scope.has_role(Role::Supervisor) {
        out.supervisor = Some(supervision(tx, scope, today).await?);
    }
    Ok(out)
}

/// Counts per commune from the counters, and the overdue lines without personal data.
async fn supervision(
    tx: &mut Tx,
    scope: &Scope,
    today: Date,
) -> AppResult<(Vec<CommuneOverdue>, Vec<OverdueLine>)> {
    let paths = scope.paths_for(&[Role::Supervisor]);
    let (f, mut a) = unit_filter("o.village_id", &paths);
    a.insert(0, day_text(today).into());
    let rows = tx
        .fetch_all(
            &format!(
                "SELECT o.commune_id, c.name, o.stage, CAST(SUM(o.n) AS BIGINT) AS open, \
                 CAST(SUM(CASE WHEN o.due_on < ? THEN o.n ELSE 0 END) AS BIGINT) AS overdue \
                 FROM petition_open o JOIN units c ON c.id = o.commune_id WHERE {f} \
                 GROUP BY o.commune_id, c.name, o.stage ORDER BY c.name, o.commune_id"
            ),
            &a,
        )
        .await?;
    let mut communes: Vec<CommuneOverdue> = Vec::new();
    for r in &rows {
        let id = r.str("commune_id")?;
        if communes.last().map(|c| &c.commune_id) != Some(&id) {
            communes.push(CommuneOverdue {
                commune_id: id.clone(),
                commune_name: r.str("name")?,
                open: 0,
                overdue: 0,
                overdue_cell: 0,
                overdue_commune: 0,
                overdue_answer: 0,
                overdue_delivery: 0,
            });
        }
        let c = communes.last_mut().expect("just pushed");
        let (open, overdue) = (r.i64("open")?, r.i64("overdue")?);
        c.open += open;
        c.overdue += overdue;
        match r.str("stage")?.as_str() {
            "cell" => c.overdue_cell += overdue,
            "commune" => c.overdue_commune += overdue,
            "answer" => c.overdue_answer += overdue,
            _ => c.overdue_delivery += overdue,
        }
    }
    let (f, mut a) = unit_filter("p.village_id", &paths);
    a.insert(0, day_text(today).into());
    a.push((SHOWN as i64).into());
    let rows = tx
        .fetch_all(
            &format!(
                "SELECT c.name AS commune_name, v.name AS village_name, v.path, p.category, p.status, p.answer_level, p.due_on \
                 FROM petitions p JOIN units v ON v.id = p.village_id JOIN units c ON c.id = p.commune_id \
                 WHERE p.due_on < ? AND p.status <> 'closed' AND {f} ORDER BY p.due_on, p.id LIMIT ?"
            ),
            &a,
        )
        .await?;
    let cal = settings::calendar(tx).await?;
    let mut lines = Vec::new();
    for r in &rows {
        let province = settings::province_of(tx, &r.str("path")?).await?;
        let cats = settings::categories(tx, &province, true).await?;
        let due = r.str("due_on")?;
        let status = model::Status::parse(&r.str("status")?, r.opt_str("answer_level")?.as_deref());
        let due_day = crate::contacts::model::parse_day(&due).unwrap_or(today);
        lines.push(OverdueLine {
            commune_name: r.str("commune_name")?,
            village_name: r.str("village_name")?,
            category_label: settings::category_label(&r.str("category")?, &cats),
            stage: status
                .and_then(|s| s.stage())
                .map_or("", |s| s.label_vi())
                .to_owned(),
            days_late: cal.working_days_between(due_day, today),
            due_on: due,
        });
    }
    Ok((communes, lines))
}
