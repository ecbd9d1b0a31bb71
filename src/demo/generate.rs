//! `danvan generate`: deterministic synthetic data of any size, for benchmarks.

use std::time::Instant;

use super::synth::{self, Rng};
use super::{create_village_with_cell, populate_village, VillageSpec};
use crate::auth::Scope;
use crate::db::Db;
use crate::error::AppResult;

pub struct Generated {
    pub communes: usize,
    pub villages: usize,
    pub households: usize,
    pub members: usize,
    pub seconds: f64,
}

/// Spreads `households` over `communes` communes (Hưng Yên's first, then the rest of the
/// catalogue), in villages of 250–450 households, one transaction per commune.
pub async fn generate(
    db: &Db,
    households: usize,
    communes: usize,
    seed: u64,
) -> AppResult<Generated> {
    let started = Instant::now();
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
        let (cid, path) = (cid.clone(), path.clone());
        // The generator acts as the system, named in the log.
        let system = Scope::unsafe_system("generate");
        let (rng, villages, h, m) = db
            .write(move |tx| {
                Box::pin(async move {
                    let (mut villages, mut hh, mut mm) = (0, 0, 0);
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
                        hh += h;
                        mm += m;
                        left -= n;
                    }
                    Ok((rng, villages, hh, mm))
                })
            })
            .await?;
        r = rng;
        out.villages += villages;
        out.households += h;
        out.members += m;
    }
    out.seconds = started.elapsed().as_secs_f64();
    Ok(out)
}
