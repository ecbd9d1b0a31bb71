//! Reading a unit's indicators for a period from the counters the fieldwork, campaign,
//! commitment and petition writes keep in their own units of work. No contact, delivery
//! or petition row is read here: a figure is a sum over counter rows, so its cost does not
//! grow with the contacts a province logs. The registry counts (households, members,
//! assigned) are the registry's own counters, kept by triggers.

use super::indicators::{Figures, Indicator as I};
use super::period::Period;
use crate::auth::Scope;
use crate::contacts::model::day_text;
use crate::db::{Tx, Value};
use crate::error::AppResult;
use crate::petitions::dashboard::model::{counter_keys, Tally};
use crate::units::store::Unit;

/// Which rows of a commune-keyed table belong to a unit: a village's, a commune's, or
/// those of every commune under a province (or the country).
struct Area {
    /// `{v}`: the table's village column; `{c}`: its commune column.
    filter: String,
    args: Vec<Value>,
}

impl Area {
    fn of(unit: &Unit) -> Area {
        match unit.kind.as_str() {
            // Every commune-keyed table's key starts with the commune.
            "village" => Area {
                filter: "{c} = ? AND {v} = ?".into(),
                args: vec![
                    unit.commune_id.clone().unwrap_or_default().into(),
                    unit.id.clone().into(),
                ],
            },
            "commune" => Area {
                filter: "{c} = ?".into(),
                args: vec![unit.id.clone().into()],
            },
            _ => Area {
                filter: "{c} IN (SELECT id FROM units WHERE kind = 'commune' AND path >= ? AND path < ?)"
                    .into(),
                args: vec![unit.path.clone().into(), format!("{}~", unit.path).into()],
            },
        }
    }

    /// The filter for a table whose columns are `village` and `commune`.
    fn on(&self, village: &str, commune: &str) -> String {
        self.filter.replace("{v}", village).replace("{c}", commune)
    }
}

/// `col IN (?, ?, …)` over the counter keys.
fn keys_in(col: &str, keys: &[String]) -> (String, Vec<Value>) {
    let marks = vec!["?"; keys.len().max(1)].join(", ");
    let mut args: Vec<Value> = keys.iter().map(Value::from).collect();
    if keys.is_empty() {
        args.push(Value::from("-"));
    }
    (format!("{col} IN ({marks})"), args)
}

/// The key the distinct counts (reach, members active) of a period are kept under: the
/// calendar's ("Q2026-4") or the province's own ("Q2027-1@15"), each with its markers.
fn distinct_key(period: &Period) -> String {
    period.counter_key()
}

/// The figures of `unit` for `period`. `scope` is the reader's: the events and funding
/// summaries it reads check it.
pub async fn read(tx: &mut Tx, scope: &Scope, unit: &Unit, period: &Period) -> AppResult<Figures> {
    let area = Area::of(unit);
    let mut f = Figures::default();
    let with = |mut front: Vec<Value>, area: &Area| {
        front.extend(area.args.iter().cloned());
        front
    };

    // The registry: households, members, and households an approved plan gives a
    // member, from the counters the registry's triggers keep (migration 0027).
    let registry = crate::people::counts::under(tx, &[unit.path.as_str()]).await?;
    f.set(I::Households, registry.households);
    f.set(I::Members, registry.members);
    f.set(I::Assigned, registry.assigned);

    // Contacts: a sum over the keys that tile the period; reach and active members from
    // the period's own markers.
    let keys = counter_keys(period.first_day(), period.last_day());
    let (kf, ka) = keys_in("period", &keys);
    let contacts = tx
        .scalar_i64(
            &format!(
                "SELECT CAST(COALESCE(SUM(contacts), 0) AS BIGINT) FROM contact_counts WHERE {kf} AND {}",
                area.on("village_id", "commune_id")
            ),
            &with(ka.clone(), &area),
        )
        .await?;
    f.set(I::Contacts, contacts);
    {
        let key = distinct_key(period);
        let reached = tx
            .scalar_i64(
                &format!(
                    "SELECT CAST(COALESCE(SUM(households), 0) AS BIGINT) FROM contact_counts WHERE period = ? AND {}",
                    area.on("village_id", "commune_id")
                ),
                &with(vec![key.clone().into()], &area),
            )
            .await?;
        f.set(I::Reached, reached);
        let active = tx
            .scalar_i64(
                &format!(
                    "SELECT CAST(COALESCE(SUM(members), 0) AS BIGINT) FROM member_active_counts WHERE period = ? AND {}",
                    area.on("village_id", "commune_id")
                ),
                &with(vec![key.into()], &area),
            )
            .await?;
        f.set(I::MembersActive, active);
    }

    // Campaigns running at any time in the period: their targeted and delivered households.
    let first = day_text(period.first_day());
    let last = day_text(period.last_day());
    let r = tx
        .fetch_one(
            &format!(
                "SELECT CAST(COALESCE(SUM(cv.targeted), 0) AS BIGINT) AS targeted, \
                 CAST(COALESCE(SUM(cv.delivered), 0) AS BIGINT) AS delivered \
                 FROM campaign_villages cv JOIN campaigns c ON c.id = cv.campaign_id \
                 WHERE c.starts_on <= ? AND c.ends_on >= ? AND {}",
                area.on("cv.village_id", "cv.commune_id")
            ),
            &with(vec![last.clone().into(), first.clone().into()], &area),
        )
        .await?;
    f.set(I::CampaignTargeted, r.i64("targeted")?);
    f.set(I::CampaignDelivered, r.i64("delivered")?);

    // Petitions: the steps' counters over the period.
    let mut tally = Tally::default();
    for r in tx
        .fetch_all(
            &format!(
                "SELECT event, CAST(SUM(n) AS BIGINT) AS n FROM petition_counts WHERE {kf} AND {} GROUP BY event",
                area.on("village_id", "commune_id")
            ),
            &with(ka, &area),
        )
        .await?
    {
        tally.add(&r.str("event")?, r.i64("n")?);
    }
    f.set(I::PetitionsReceived, tally.received);
    f.set(I::PetitionsAnswered, tally.answered);
    f.set(I::PetitionsResolved, tally.resolved);
    f.set(I::PetitionsReopened, tally.reopened);
    f.set(I::StagesOnTime, tally.on_time.iter().sum());
    f.set(I::StagesLate, tally.late.iter().sum());

    // Commitments of the period's year.
    f.set(I::CommitmentsHouseholds, 0);
    f.set(I::CommitmentsMembers, 0);
    for r in tx
        .fetch_all(
            &format!(
                "SELECT subject, CAST(SUM(signed) AS BIGINT) AS n FROM commitment_counts WHERE year = ? AND {} GROUP BY subject",
                area.on("village_id", "commune_id")
            ),
            &with(vec![i64::from(period.year).into()], &area),
        )
        .await?
    {
        match r.str("subject")?.as_str() {
            "household" => f.set(I::CommitmentsHouseholds, r.i64("n")?),
            "member" => f.set(I::CommitmentsMembers, r.i64("n")?),
            _ => {}
        }
    }

    // Events and funding: their own per-period summaries (a handful of rows each).
    let events = crate::events::store::summary(tx, scope, unit, period).await?;
    f.set(I::EventsHeld, events.held);
    f.set(I::EventMembers, events.member_attendance);
    f.set(I::EventHouseholds, events.household_attendance);
    if unit.kind != "village" && scope.covers(crate::funding::store::SUMMARY_READERS, &unit.path) {
        let funding = crate::funding::store::summary(tx, scope, unit, period).await?;
        let totals = crate::funding::store::total(&funding);
        f.set(I::FundingReceived, totals.iter().map(|t| t.received).sum());
        f.set(I::FundingSpent, totals.iter().map(|t| t.spent).sum());
    }
    Ok(f)
}
