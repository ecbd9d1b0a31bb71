//! The figures behind a proposal, read from the counters the fieldwork and petition writes
//! keep, never from the contacts or the petitions themselves:
//! - reach: the `contact_reach` markers (a household's first contact in a counter period)
//!   of the counter periods that cover the reporting period, matched with the pairs of the
//!   approved plans: distinct households, and for a member only their own;
//! - petitions: `petition_counts` events over the same counter periods (`Tally`);
//! - commitments: `commitment_counts` per village and year, and the member's own row;
//! - follow-ups: `household_contact_state`, one row per household;
//! - campaigns: the campaigns running in the period and their (campaign, household)
//!   delivery markers;
//! - meetings: the cell meetings recorded as events.

use std::collections::{HashMap, HashSet};

use time::Date;

use super::model::{Figure, Indicator};
use crate::contacts::model::day_text;
use crate::db::{Tx, Value};
use crate::error::AppResult;
use crate::petitions::dashboard::model::{counter_keys, Tally};
use crate::reports::period::Period;
use crate::units::store::Unit;

/// A village or a member with its figures.
#[derive(Debug, Clone)]
pub struct Measured {
    pub id: String,
    pub village_id: String,
    pub name: String,
    /// Orders the list and breaks ties of the cap: the name's collation key, then the id.
    pub sort_key: String,
    pub figures: Vec<Figure>,
}

/// Everything one evaluation is proposed from.
#[derive(Debug, Clone, Default)]
pub struct Measures {
    pub villages: Vec<Measured>,
    pub members: Vec<Measured>,
}

fn marks(n: usize) -> String {
    vec!["?"; n].join(", ")
}

fn with(mut head: Vec<Value>, tail: &[String]) -> Vec<Value> {
    head.extend(tail.iter().map(Value::from));
    head
}

/// One assigned household of an approved plan.
struct Pair {
    household: String,
    member: String,
    village: String,
    village_path: String,
    categories: Vec<String>,
}

fn codes(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The figures of `commune`'s villages and of the members with households to look after,
/// for `period`. Follow-ups are counted as of `as_of` (the period's last day, or today
/// while it runs). The caller has checked that the scope covers the commune.
pub async fn measure(
    tx: &mut Tx,
    commune: &Unit,
    period: &Period,
    as_of: Date,
) -> AppResult<Measures> {
    let c: Value = commune.id.clone().into();
    let keys = counter_keys(period.first_day(), period.last_day());
    let (first, last) = (day_text(period.first_day()), day_text(period.last_day()));

    let mut villages: Vec<(String, String)> = tx
        .fetch_all(
            "SELECT id, name FROM units WHERE parent_id = ? AND kind = 'village' AND valid_to IS NULL",
            std::slice::from_ref(&c),
        )
        .await?
        .iter()
        .map(|r| Ok((r.str("id")?, r.str("name")?)))
        .collect::<AppResult<_>>()?;
    villages.sort_by(|a, b| crate::text::compare(&a.1, &b.1).then_with(|| a.0.cmp(&b.0)));

    let pairs: Vec<Pair> = tx
        .fetch_all(
            "SELECT p.household_id, p.member_id, h.village_id, h.support_categories, v.path FROM assignment_pairs p \
             JOIN assignment_plans a ON a.id = p.plan_id AND a.status = 'approved' \
             JOIN households h ON h.id = p.household_id JOIN units v ON v.id = h.village_id \
             WHERE a.commune_id = ? AND h.status = 'active'",
            std::slice::from_ref(&c),
        )
        .await?
        .iter()
        .map(|r| {
            Ok(Pair {
                household: r.str("household_id")?,
                member: r.str("member_id")?,
                village: r.str("village_id")?,
                village_path: r.str("path")?,
                categories: codes(&r.str("support_categories")?),
            })
        })
        .collect::<AppResult<_>>()?;

    // Distinct households reached in the period: a marker in any of its counter periods.
    let reached: HashSet<String> = if keys.is_empty() {
        HashSet::new()
    } else {
        tx.fetch_all(
            &format!(
                "SELECT DISTINCT household_id FROM contact_reach WHERE commune_id = ? AND period IN ({})",
                marks(keys.len())
            ),
            &with(vec![c.clone()], &keys),
        )
        .await?
        .iter()
        .map(|r| r.str("household_id"))
        .collect::<AppResult<_>>()?
    };

    let mut tallies: HashMap<String, Tally> = HashMap::new();
    if !keys.is_empty() {
        for r in tx
            .fetch_all(
                &format!(
                    "SELECT village_id, event, CAST(SUM(n) AS BIGINT) AS n FROM petition_counts \
                     WHERE commune_id = ? AND period IN ({}) GROUP BY village_id, event",
                    marks(keys.len())
                ),
                &with(vec![c.clone()], &keys),
            )
            .await?
        {
            tallies
                .entry(r.str("village_id")?)
                .or_default()
                .add(&r.str("event")?, r.i64("n")?);
        }
    }

    let year: Value = i64::from(period.last_day().year()).into();
    let mut signed: HashMap<String, i64> = HashMap::new();
    for r in tx
        .fetch_all(
            "SELECT village_id, CAST(SUM(signed) AS BIGINT) AS n FROM commitment_counts \
             WHERE commune_id = ? AND year = ? AND subject = 'household' GROUP BY village_id",
            &[c.clone(), year.clone()],
        )
        .await?
    {
        signed.insert(r.str("village_id")?, r.i64("n")?);
    }
    let mut active: HashMap<String, i64> = HashMap::new();
    for r in tx
        .fetch_all(
            "SELECT village_id, COUNT(*) AS n FROM households WHERE commune_id = ? AND status = 'active' GROUP BY village_id",
            std::slice::from_ref(&c),
        )
        .await?
    {
        active.insert(r.str("village_id")?, r.i64("n")?);
    }
    let members_signed: HashSet<String> = tx
        .fetch_all(
            "SELECT subject_id FROM commitments WHERE commune_id = ? AND year = ? AND subject = 'member' AND signed = 1",
            &[c.clone(), year],
        )
        .await?
        .iter()
        .map(|r| r.str("subject_id"))
        .collect::<AppResult<_>>()?;

    let mut meetings: HashMap<String, i64> = HashMap::new();
    for r in tx
        .fetch_all(
            "SELECT unit_id, COUNT(*) AS n FROM events WHERE commune_id = ? AND kind = 'cell_meeting' \
             AND held_on >= ? AND held_on <= ? GROUP BY unit_id",
            &[c.clone(), first.clone().into(), last.clone().into()],
        )
        .await?
    {
        meetings.insert(r.str("unit_id")?, r.i64("n")?);
    }

    let overdue: HashSet<String> = tx
        .fetch_all(
            "SELECT household_id FROM household_contact_state WHERE commune_id = ? AND follow_up_on IS NOT NULL AND follow_up_on < ?",
            &[c.clone(), day_text(as_of).into()],
        )
        .await?
        .iter()
        .map(|r| r.str("household_id"))
        .collect::<AppResult<_>>()?;

    let (campaigns, delivered) = campaigns(tx, commune, &first, &last).await?;

    let months = i64::from(period.kind.months());
    let mut out = Measures::default();
    for (n, (id, name)) in villages.iter().enumerate() {
        let mine: Vec<&Pair> = pairs.iter().filter(|p| &p.village == id).collect();
        let assigned = mine.len() as i64;
        let reach = mine
            .iter()
            .filter(|p| reached.contains(&p.household))
            .count() as i64;
        let t = tallies.get(id).cloned().unwrap_or_default();
        let (on_time, late): (i64, i64) = (t.on_time.iter().sum(), t.late.iter().sum());
        out.villages.push(Measured {
            id: id.clone(),
            village_id: id.clone(),
            name: name.clone(),
            sort_key: format!("{n:04}"),
            figures: vec![
                Figure::new(Indicator::Reach, reach, assigned),
                Figure::new(Indicator::Resolved, t.resolved, t.answered),
                Figure::new(Indicator::OnTime, on_time, on_time + late),
                Figure::new(
                    Indicator::Commitments,
                    signed.get(id).copied().unwrap_or(0),
                    active.get(id).copied().unwrap_or(0),
                ),
                Figure::new(
                    Indicator::Meetings,
                    meetings.get(id).copied().unwrap_or(0),
                    months,
                ),
            ],
        });
    }

    // Members with households to look after: an exempt or unassigned member has no 1+10
    // duty to be scored on.
    let mut by_member: HashMap<&str, Vec<&Pair>> = HashMap::new();
    for p in &pairs {
        by_member.entry(p.member.as_str()).or_default().push(p);
    }
    let rows = tx
        .fetch_all(
            "SELECT id, full_name, name_key, village_id FROM members WHERE commune_id = ? AND status = 'active'",
            std::slice::from_ref(&c),
        )
        .await?;
    for r in &rows {
        let id = r.str("id")?;
        let Some(mine) = by_member.get(id.as_str()) else {
            continue;
        };
        let assigned = mine.len() as i64;
        let reach = mine
            .iter()
            .filter(|p| reached.contains(&p.household))
            .count() as i64;
        let kept = mine
            .iter()
            .filter(|p| !overdue.contains(&p.household))
            .count() as i64;
        let (mut targeted, mut done) = (0i64, 0i64);
        for p in mine {
            for k in &campaigns {
                if k.targets(p) {
                    targeted += 1;
                    if delivered.contains(&(k.id.clone(), p.household.clone())) {
                        done += 1;
                    }
                }
            }
        }
        out.members.push(Measured {
            sort_key: format!("{}\u{1}{}", r.str("name_key")?, id),
            village_id: r.str("village_id")?,
            name: r.str("full_name")?,
            figures: vec![
                Figure::new(Indicator::Reach, reach, assigned),
                Figure::new(Indicator::FollowUps, kept, assigned),
                Figure::new(Indicator::Deliveries, done, targeted),
                Figure::new(
                    Indicator::OwnCommitment,
                    i64::from(members_signed.contains(&id)),
                    1,
                ),
            ],
            id,
        });
    }
    out.members.sort_by(|a, b| a.sort_key.cmp(&b.sort_key));
    Ok(out)
}

/// A campaign running in the period, as it targets households.
struct Running {
    id: String,
    unit_path: String,
    categories: Vec<String>,
}

impl Running {
    fn targets(&self, p: &Pair) -> bool {
        p.village_path.starts_with(&self.unit_path)
            && (self.categories.is_empty()
                || self.categories.iter().any(|c| p.categories.contains(c)))
    }
}

/// The campaigns over the commune (its own, and those of the units above it) running some
/// day of `first`–`last`, and which of the commune's households each reached.
async fn campaigns(
    tx: &mut Tx,
    commune: &Unit,
    first: &str,
    last: &str,
) -> AppResult<(Vec<Running>, HashSet<(String, String)>)> {
    let mut above: Vec<String> = Vec::new();
    let mut acc = String::from("/");
    for part in commune.path.split('/').filter(|p| !p.is_empty()) {
        acc.push_str(part);
        acc.push('/');
        above.push(acc.clone());
    }
    let mut args: Vec<Value> = vec![last.into(), first.into()];
    args.extend(above.iter().map(Value::from));
    args.push(commune.path.clone().into());
    args.push(format!("{}~", commune.path).into());
    let list: Vec<Running> = tx
        .fetch_all(
            &format!(
                "SELECT id, unit_path, support_categories FROM campaigns WHERE starts_on <= ? AND ends_on >= ? \
                 AND (unit_path IN ({}) OR (unit_path >= ? AND unit_path < ?))",
                marks(above.len().max(1))
            ),
            &if above.is_empty() {
                let mut a = args.clone();
                a.insert(2, Value::from(""));
                a
            } else {
                args
            },
        )
        .await?
        .iter()
        .map(|r| {
            Ok(Running {
                id: r.str("id")?,
                unit_path: r.str("unit_path")?,
                categories: codes(&r.str("support_categories")?),
            })
        })
        .collect::<AppResult<_>>()?;
    if list.is_empty() {
        return Ok((list, HashSet::new()));
    }
    let ids: Vec<String> = list.iter().map(|k| k.id.clone()).collect();
    let delivered = tx
        .fetch_all(
            &format!(
                "SELECT campaign_id, household_id FROM campaign_deliveries WHERE commune_id = ? AND outcome = 'delivered' \
                 AND campaign_id IN ({})",
                marks(ids.len())
            ),
            &with(vec![commune.id.clone().into()], &ids),
        )
        .await?
        .iter()
        .map(|r| Ok((r.str("campaign_id")?, r.str("household_id")?)))
        .collect::<AppResult<_>>()?;
    Ok((list, delivered))
}
