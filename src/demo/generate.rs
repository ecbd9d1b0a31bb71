//! `danvan generate`: deterministic synthetic data of any size, for benchmarks.

use std::time::Instant;

use time::Date;

use super::contacts::{self as synthetic, Pair};
pub use super::petitions::PetitionsSpec;
use super::synth::{self, Rng};
use super::{create_village_with_cell, populate_village, VillageSpec};
use crate::auth::Scope;
use crate::clock;
use crate::contacts::model::day_text;
use crate::db::{Db, Value, WriteTx};
use crate::error::AppResult;

pub struct Generated {
    pub communes: usize,
    pub villages: usize,
    pub households: usize,
    pub members: usize,
    pub contacts: usize,
    pub petitions: usize,
    pub petition_steps: usize,
    pub seconds: f64,
}

/// A year of contacts for the generated households: about `per_year` each, in the 365
/// days before `until`.
#[derive(Debug, Clone, Copy)]
pub struct ContactsSpec {
    pub per_year: u32,
    pub until: Date,
}

/// Spreads `households` over `communes` communes (Hưng Yên's first, then the rest of the
/// catalogue), in villages of 250–450 households, one transaction per commune. With
/// `contacts`, each village also gets an approved assignment plan (solved as the demo
/// seeds its own) and each assigned household a year of contacts, with their counters.
pub async fn generate(
    db: &Db,
    households: usize,
    communes: usize,
    seed: u64,
    contacts: Option<ContactsSpec>,
    petitions: Option<PetitionsSpec>,
) -> AppResult<Generated> {
    let started = Instant::now();
    // The generated agency handlers' password: random, told to nobody, hashed once.
    let handler_hash = crate::auth::password::hash(&crate::accounts::model::one_time_password())?;
    let rows = db
        .read(move |tx| {
            Box::pin(async move {
                tx.fetch_all(
                    "SELECT id, path FROM units WHERE kind = 'commune' AND valid_to IS NULL \
                     AND NOT EXISTS (SELECT 1 FROM units v WHERE v.parent_id = units.id) \
                     ORDER BY CASE WHEN parent_id = 'p-33' THEN 0 ELSE 1 END, code LIMIT ?",
                    &[(communes as i64).into()],
                )
                .await
            })
        })
        .await?;
    let mut r = Rng::new(seed);
    let mut out = Generated {
        communes: rows.len(),
        villages: 0,
        households: 0,
        members: 0,
        contacts: 0,
        petitions: 0,
        petition_steps: 0,
        seconds: 0.0,
    };
    let per_commune = households / rows.len().max(1);
    for (ci, row) in rows.iter().enumerate() {
        let (cid, path) = (row.str("id")?, row.str("path")?);
        let mut left = if ci + 1 == rows.len() {
            households - per_commune * ci
        } else {
            per_commune
        };
        // One unit of work per commune; the generator's random stream travels with it.
        let mut rng = std::mem::replace(&mut r, Rng::new(0));
        let commune_id = cid.clone();
        let (cid, path) = (cid.clone(), path.clone());
        // The generator acts as the system, named in the log.
        let system = Scope::unsafe_system("generate");
        // Contacts draw from their own stream, so that asking for them leaves the
        // households and members of every commune as they were.
        let mut contact_rng = Rng::new(seed ^ (ci as u64 + 1).wrapping_mul(0xC0A7_AC75));
        let mut petition_rng = Rng::new(seed ^ (ci as u64 + 1).wrapping_mul(0x9E71_7105));
        let (rng, villages, h, m, c) = db
            .write(move |tx| {
                Box::pin(async move {
                    let (mut villages, mut hh, mut mm) = (0, 0, 0);
                    let mut village_ids = Vec::new();
                    let r = &mut rng;
                    let centre = synth::near(r, 20.75, 106.05, 20_000.0);
                    let mut vi = 0;
                    while left > 0 {
                        let n = (250 + r.below(201) as usize).min(left);
                        vi += 1;
                        let (vid, cell) =
                            create_village_with_cell(tx, &cid, &path, &format!("Thôn {vi}"))
                                .await?;
                        let vc = synth::near(r, centre.0, centre.1, 2_000.0);
                        let prefix = format!("T{vi:02}-");
                        let spec = VillageSpec {
                            commune_id: &cid,
                            village_id: &vid,
                            cell_id: &cell,
                            households: n,
                            centre: vc,
                            code_prefix: &prefix,
                        };
                        let (h, m) = populate_village(tx, &system, r, &spec).await?;
                        villages += 1;
                        village_ids.push(vid);
                        hh += h;
                        mm += m;
                        left -= n;
                    }
                    let mut cc = 0;
                    if let Some(spec) = contacts {
                        crate::assignment::store::seed_approved(tx, &system, &village_ids).await?;
                        cc = write_contacts(tx, &system, &cid, spec, &mut contact_rng).await?;
                    }
                    Ok((rng, villages, hh, mm, cc))
                })
            })
            .await?;
        let p = match petitions {
            Some(spec) => {
                write_petitions(db, &commune_id, &handler_hash, spec, &mut petition_rng).await?
            }
            None => (0, 0),
        };
        r = rng;
        out.villages += villages;
        out.households += h;
        out.members += m;
        out.contacts += c;
        out.petitions += p.0;
        out.petition_steps += p.1;
    }
    out.seconds = started.elapsed().as_secs_f64();
    Ok(out)
}

/// Petitions raised in one transaction. Each step moves the same province and country
/// roll-up rows, and PostgreSQL keeps every version of a row a transaction updates until
/// it commits, so one transaction per commune made each step slower than the last.
const PETITIONS_PER_TRANSACTION: usize = 20;

/// The commune's agencies, their handler and a year of petitions, carried along their
/// path; returns how many petitions and steps.
async fn write_petitions(
    db: &Db,
    commune_id: &str,
    handler_hash: &str,
    spec: PetitionsSpec,
    rng: &mut Rng,
) -> AppResult<(usize, usize)> {
    let (cid, hash) = (commune_id.to_owned(), handler_hash.to_owned());
    let (actors, households) = db
        .write(move |tx| {
            Box::pin(async move {
                let system = Scope::unsafe_system("generate");
                let commune = crate::units::store::get(tx, &cid).await?;
                let actors = super::petitions::Actors::make(tx, &system, &commune, &hash).await?;
                let households = commune_households(tx, &cid).await?;
                Ok((actors, households))
            })
        })
        .await?;
    let mut carried = (actors, households, std::mem::replace(rng, Rng::new(0)));
    let (mut left, mut made) = (spec.per_commune, (0, 0));
    while left > 0 {
        let batch = PetitionsSpec {
            per_commune: left.min(PETITIONS_PER_TRANSACTION),
            until: spec.until,
        };
        let (actors, households, mut r) = carried;
        let (actors, households, r, (p, s)) = db
            .write(move |tx| {
                Box::pin(async move {
                    let done =
                        super::petitions::generate(tx, &actors, &households, batch, &mut r).await?;
                    Ok((actors, households, r, done))
                })
            })
            .await?;
        carried = (actors, households, r);
        made = (made.0 + p, made.1 + s);
        left -= batch.per_commune;
    }
    *rng = carried.2;
    Ok(made)
}

/// The commune's active households and their villages, in a stable order.
async fn commune_households(
    tx: &mut WriteTx,
    commune_id: &str,
) -> AppResult<Vec<(String, String)>> {
    tx.fetch_all(
        "SELECT id, village_id FROM households WHERE commune_id = ? AND status = 'active' ORDER BY id",
        &[commune_id.into()],
    )
    .await?
    .iter()
    .map(|r| Ok((r.str("id")?, r.str("village_id")?)))
    .collect()
}

/// The commune's assigned households in its approved plans, in a stable order.
async fn assigned_pairs(tx: &mut WriteTx, commune_id: &str) -> AppResult<Vec<Pair>> {
    tx.fetch_all(
        "SELECT p.household_id, h.village_id, p.member_id FROM assignment_pairs p \
         JOIN assignment_plans a ON a.id = p.plan_id JOIN households h ON h.id = p.household_id \
         WHERE a.status = 'approved' AND a.commune_id = ? AND h.status = 'active' ORDER BY h.village_id, h.code",
        &[commune_id.into()],
    )
    .await?
    .iter()
    .map(|r| {
        Ok(Pair {
            household_id: r.str("household_id")?,
            village_id: r.str("village_id")?,
            member_id: r.str("member_id")?,
        })
    })
    .collect()
}

/// Writes a year of contacts for the commune and every counter they move, in bulk;
/// returns how many contacts.
async fn write_contacts(
    tx: &mut WriteTx,
    by: &Scope,
    commune_id: &str,
    spec: ContactsSpec,
    r: &mut Rng,
) -> AppResult<usize> {
    let pairs = assigned_pairs(tx, commune_id).await?;
    let path = crate::units::store::get(tx, commune_id).await?.path;
    let province = crate::units::store::province_of(tx, &path).await?;
    let cutoff = crate::reports::cutoff::of_province(tx, &province).await?;
    let made = synthetic::plan(
        commune_id,
        &pairs,
        spec.per_year,
        spec.until,
        cutoff,
        r,
        clock::new_id,
    );
    let cid = || Value::from(commune_id.to_owned());
    let now = clock::now();
    let rows: Vec<Vec<Value>> = made
        .contacts
        .iter()
        .map(|c| {
            let p = &pairs[c.pair];
            let d = &c.draft;
            vec![
                cid(),
                d.id.clone().into(),
                p.household_id.clone().into(),
                p.member_id.clone().into(),
                p.village_id.clone().into(),
                day_text(d.contacted_on).into(),
                d.channel.code().into(),
                d.topics.join(",").into(),
                d.note.clone().into(),
                d.follow_up_on.map(day_text).into(),
                by.user_id().into(),
                now.clone().into(),
            ]
        })
        .collect();
    tx.insert_many(
        "contacts",
        &[
            "commune_id",
            "id",
            "household_id",
            "member_id",
            "village_id",
            "contacted_on",
            "channel",
            "topics",
            "note",
            "follow_up_on",
            "recorded_by",
            "recorded_at",
        ],
        &rows,
    )
    .await?;
    let rows: Vec<Vec<Value>> = made
        .households
        .iter()
        .map(|(i, s)| {
            vec![
                cid(),
                pairs[*i].household_id.clone().into(),
                pairs[*i].village_id.clone().into(),
                day_text(s.last_contact_on).into(),
                s.follow_up_on.map(day_text).into(),
                s.contacts.into(),
            ]
        })
        .collect();
    tx.insert_many(
        "household_contact_state",
        &[
            "commune_id",
            "household_id",
            "village_id",
            "last_contact_on",
            "follow_up_on",
            "contacts",
        ],
        &rows,
    )
    .await?;
    let rows: Vec<Vec<Value>> = made
        .members
        .iter()
        .map(|(m, (v, last, n))| {
            vec![
                cid(),
                m.clone().into(),
                v.clone().into(),
                day_text(*last).into(),
                (*n).into(),
            ]
        })
        .collect();
    tx.insert_many(
        "member_contact_state",
        &[
            "commune_id",
            "member_id",
            "village_id",
            "last_contact_on",
            "contacts",
        ],
        &rows,
    )
    .await?;
    let rows: Vec<Vec<Value>> = made
        .counts
        .iter()
        .map(|((v, period), (n, hh))| {
            vec![
                cid(),
                v.clone().into(),
                period.clone().into(),
                (*n).into(),
                (*hh).into(),
            ]
        })
        .collect();
    tx.insert_many(
        "contact_counts",
        &[
            "commune_id",
            "village_id",
            "period",
            "contacts",
            "households",
        ],
        &rows,
    )
    .await?;
    let rows: Vec<Vec<Value>> = made
        .reach
        .iter()
        .map(|(i, period)| {
            vec![
                cid(),
                pairs[*i].household_id.clone().into(),
                period.clone().into(),
            ]
        })
        .collect();
    tx.insert_many(
        "contact_reach",
        &["commune_id", "household_id", "period"],
        &rows,
    )
    .await?;
    let rows: Vec<Vec<Value>> = made
        .active
        .iter()
        .map(|((m, period), v)| {
            vec![
                cid(),
                m.clone().into(),
                period.clone().into(),
                v.clone().into(),
            ]
        })
        .collect();
    tx.insert_many(
        "member_active",
        &["commune_id", "member_id", "period", "village_id"],
        &rows,
    )
    .await?;
    let rows: Vec<Vec<Value>> = made
        .active_counts
        .iter()
        .map(|((v, period), n)| vec![cid(), v.clone().into(), period.clone().into(), (*n).into()])
        .collect();
    tx.insert_many(
        "member_active_counts",
        &["commune_id", "village_id", "period", "members"],
        &rows,
    )
    .await?;
    let rows: Vec<Vec<Value>> = made
        .recency
        .iter()
        .map(|((unit, day), n)| vec![cid(), unit.clone().into(), day.clone().into(), (*n).into()])
        .collect();
    tx.insert_many(
        "contact_recency",
        &["commune_id", "unit_id", "day", "households"],
        &rows,
    )
    .await?;
    crate::audit::did(
        tx,
        by,
        crate::audit::Action::Seed,
        crate::audit::Entity::Contact,
        commune_id,
        Some(commune_id),
        serde_json::json!({ "contacts": made.contacts.len(), "households": made.households.len() }),
    );
    Ok(made.contacts.len())
}
