//! `danvan assign`: solve one village, or every village of a commune or province, print
//! the plan (text or `--json`), and with `--apply` save each as a new draft version.
//!
//! Reading and writing run in transactions; solving runs between them on every core
//! (`std::thread::scope`), since villages are independent problems.

use std::collections::HashMap;
use std::process::ExitCode;

use clap::Args;
use serde_json::{json, Value as Json};

use super::model::Status;
use super::solver;
use super::store::{self, VillageData};
use crate::db::{Db, Value};
use crate::error::AppError;
use crate::units::store as units;

#[derive(Args, Debug, Clone)]
pub struct AssignArgs {
    /// One village: its id or `commune-code/Village name` (e.g. `12280/Bằng Ngang`).
    #[arg(long, conflicts_with = "all")]
    pub village: Option<String>,
    /// Every village of `--commune` or `--province`.
    #[arg(long)]
    pub all: bool,
    #[arg(long)]
    pub commune: Option<String>,
    #[arg(long)]
    pub province: Option<String>,
    /// Most households per member (default: the commune's setting, else 10).
    #[arg(long)]
    pub capacity: Option<u32>,
    /// Save each plan as a new draft version, drafted by "cli".
    #[arg(long)]
    pub apply: bool,
    /// Print the plan as JSON.
    #[arg(long)]
    pub json: bool,
}

struct Outcome {
    data: VillageData,
    plan: Result<solver::Plan, String>,
    saved: Option<(String, i64)>,
    note: Option<String>,
}

async fn targets(db: &Db, a: &AssignArgs) -> anyhow::Result<Vec<units::Unit>> {
    let (village, commune, province, all) = (
        a.village.clone(),
        a.commune.clone(),
        a.province.clone(),
        a.all,
    );
    let list = db
        .read(move |tx| {
            Box::pin(async move { targets_in(tx, village, commune, province, all).await })
        })
        .await?;
    Ok(list)
}

async fn targets_in(
    tx: &mut crate::db::Tx,
    village: Option<String>,
    commune: Option<String>,
    province: Option<String>,
    all: bool,
) -> Result<Vec<units::Unit>, AppError> {
    let bail = |m: String| Err(AppError::BadRequest(m));
    let list = if let Some(v) = &village {
        let u = units::resolve(tx, v).await?;
        if u.kind != "village" {
            return bail(format!(
                "\"{v}\" là {}, không phải thôn. Dùng --all --commune … để chạy cả xã.",
                u.kind_label(false)
            ));
        }
        vec![u]
    } else {
        let root =
            match (&commune, &province) {
                (Some(c), _) => units::resolve(tx, c).await?,
                (None, Some(p)) => units::resolve(tx, p).await?,
                (None, None) => return bail(
                    "Cần chọn --village THÔN, hoặc --all với --commune XÃ hoặc --province TỈNH."
                        .into(),
                ),
            };
        if !all {
            return bail(format!(
                "Dùng --all để lập danh sách cho mọi thôn của {}.",
                root.name
            ));
        }
        let rows = tx
            .fetch_all(
                "SELECT id FROM units WHERE kind = 'village' AND valid_to IS NULL AND path >= ? AND path < ? ORDER BY path",
                &[Value::from(&root.path), Value::from(format!("{}~", root.path))],
            )
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            out.push(units::get(tx, &r.str("id")?).await?);
        }
        out
    };
    Ok(list)
}

pub async fn run(db: &Db, a: AssignArgs) -> anyhow::Result<ExitCode> {
    if let Some(c) = a.capacity {
        store::check_capacity(c).map_err(|e| anyhow::anyhow!(message(&e)))?;
    }
    let villages = targets(db, &a).await?;
    let capacity = a.capacity;
    let inputs = db
        .read(move |tx| {
            Box::pin(async move {
                let mut inputs = Vec::with_capacity(villages.len());
                for v in &villages {
                    let open = store::open_plan(tx, &v.id).await?;
                    let locked_from = open
                        .as_ref()
                        .filter(|o| o.status.editable())
                        .map(|o| o.id.clone());
                    inputs
                        .push(store::load_village(tx, v, capacity, locked_from.as_deref()).await?);
                }
                Ok(inputs)
            })
        })
        .await?;

    let plans = solve_all(&inputs);
    let mut outcomes: Vec<Outcome> = inputs
        .into_iter()
        .zip(plans)
        .map(|(data, plan)| Outcome {
            data,
            plan,
            saved: None,
            note: None,
        })
        .collect();

    if a.apply {
        for o in outcomes.iter_mut() {
            let Ok(plan) = &o.plan else { continue };
            match save(db, &o.data, plan).await {
                Ok(s) => o.saved = Some(s),
                Err(e) => o.note = Some(message(&e)),
            }
        }
    }
    let failed = outcomes.iter().any(|o| o.plan.is_err() || o.note.is_some());
    if a.json {
        println!("{}", serde_json::to_string_pretty(&to_json(&outcomes))?);
    } else {
        for o in &outcomes {
            print_text(o);
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn message(e: &AppError) -> String {
    match e {
        AppError::Validation(f) => f
            .iter()
            .map(|f| f.message.clone())
            .collect::<Vec<_>>()
            .join("; "),
        other => other.public_message(),
    }
}

/// Villages are independent: split them over the cores, keep the input order.
fn solve_all(inputs: &[VillageData]) -> Vec<Result<solver::Plan, String>> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8)
        .min(inputs.len().max(1));
    let solve_one = |d: &VillageData| solver::solve(&d.problem()).map_err(|e| e.to_string());
    if threads <= 1 {
        return inputs.iter().map(solve_one).collect();
    }
    let mut out: Vec<Option<Result<solver::Plan, String>>> = vec![None; inputs.len()];
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || {
                    inputs
                        .iter()
                        .enumerate()
                        .skip(t)
                        .step_by(threads)
                        .map(|(i, d)| (i, solve_one(d)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for h in handles {
            match h.join() {
                Ok(results) => {
                    for (i, r) in results {
                        if let Some(slot) = out.get_mut(i) {
                            *slot = Some(r);
                        }
                    }
                }
                Err(_) => {
                    // The solver does not panic; if it ever did, the village reports it.
                }
            }
        }
    });
    out.into_iter()
        .map(|r| r.unwrap_or_else(|| Err("Lỗi khi lập danh sách cho thôn này.".into())))
        .collect()
}

async fn save(db: &Db, data: &VillageData, plan: &solver::Plan) -> Result<(String, i64), AppError> {
    let (data, plan) = (data.clone(), plan.clone());
    db.write(move |tx| {
        Box::pin(async move {
            if let Some(o) = store::open_plan(tx, &data.village.id).await? {
                if o.status == Status::Submitted {
                    return Err(AppError::Conflict(format!(
                        "Thôn {}: danh sách phiên bản {} đang chờ xã duyệt, không lưu dự thảo mới.",
                        data.village.name, o.version
                    )));
                }
            }
            let now = crate::clock::now();
            tx.execute(
                "UPDATE assignment_plans SET status = 'superseded', superseded_at = ?, updated_at = ? WHERE village_id = ? AND status IN ('draft','returned')",
                &[now.clone().into(), now.into(), data.village.id.clone().into()],
            )
            .await?;
            let id = store::insert_plan(tx, "cli", &data, &plan, Status::Draft).await?;
            let version = tx
                .scalar_i64(
                    "SELECT version FROM assignment_plans WHERE id = ?",
                    &[id.clone().into()],
                )
                .await?;
            Ok((id, version))
        })
    })
    .await
}

fn to_json(outcomes: &[Outcome]) -> Json {
    let mut villages = Vec::new();
    let (mut dist, mut unc, mut moved, mut pairs_n, mut hh) = (0u64, 0usize, 0u64, 0usize, 0usize);
    for o in outcomes {
        let d = &o.data;
        let names = store::member_names(d);
        let home: HashMap<&str, (Option<f64>, Option<f64>)> = d
            .members
            .iter()
            .map(|(m, _)| (m.id.as_str(), (m.latitude, m.longitude)))
            .collect();
        let hmap: HashMap<&str, &store::HouseholdIn> = d
            .households
            .iter()
            .map(|h| (h.brief.id.as_str(), h))
            .collect();
        let mut v = json!({
            "village": { "id": d.village.id, "name": d.village.name, "commune_id": d.village.commune_id },
            "capacity": d.capacity,
            "plan_id": o.saved.as_ref().map(|s| s.0.clone()),
            "version": o.saved.as_ref().map(|s| s.1),
        });
        match &o.plan {
            Err(e) => v["error"] = json!(e),
            Ok(p) => {
                let pairs: Vec<Json> = p
                    .pairs
                    .iter()
                    .map(|x| {
                        let h = hmap.get(x.household_id.as_str());
                        let (mla, mlo) = home.get(x.member_id.as_str()).copied().unwrap_or((None, None));
                        json!({
                            "member_id": x.member_id,
                            "member_name": names.get(&x.member_id),
                            "household_id": x.household_id,
                            "household_code": h.map(|h| h.brief.code.clone()),
                            "household": { "latitude": h.and_then(|h| h.brief.latitude), "longitude": h.and_then(|h| h.brief.longitude) },
                            "member": { "latitude": mla, "longitude": mlo },
                            "distance_m": x.distance_m,
                            "reason": x.reason.code(),
                        })
                    })
                    .collect();
                let loads: Vec<Json> = p
                    .loads
                    .iter()
                    .map(|l| json!({ "member_id": l.member_id, "member_name": names.get(&l.member_id), "households": l.households }))
                    .collect();
                let uncovered: Vec<Json> = p
                    .uncovered
                    .iter()
                    .map(|id| {
                        json!(hmap
                            .get(id.as_str())
                            .map(|h| h.brief.code.clone())
                            .unwrap_or_else(|| id.clone()))
                    })
                    .collect();
                dist += p.total_distance_m;
                unc += p.uncovered.len();
                moved += u64::from(p.moved_from_previous);
                pairs_n += p.pairs.len();
                hh += d.households.len();
                v["pairs"] = json!(pairs);
                v["loads"] = json!(loads);
                v["uncovered"] = json!(uncovered);
                v["totals"] = json!({
                    "households": d.households.len(),
                    "members": d.members.len(),
                    "pairs": p.pairs.len(),
                    "distance_m": p.total_distance_m,
                    "uncovered": p.uncovered.len(),
                    "members_needed": p.members_needed,
                    "moved": p.moved_from_previous,
                });
                v["notes"] = json!(p.ignored);
            }
        }
        if let Some(n) = &o.note {
            v["error"] = json!(n);
        }
        villages.push(v);
    }
    json!({
        "villages": villages,
        "totals": { "villages": outcomes.len(), "households": hh, "pairs": pairs_n, "distance_m": dist, "uncovered": unc, "moved": moved },
    })
}

fn print_text(o: &Outcome) {
    let d = &o.data;
    match &o.plan {
        Err(e) => println!("{}: không lập được danh sách — {e}", d.village.name),
        Ok(p) => {
            println!(
                "{}: {} hộ, {} đảng viên, mỗi người tối đa {} hộ; {} hộ chưa có người phụ trách{}; tổng quãng đường {}; {} hộ đổi người so với danh sách đang áp dụng.",
                d.village.name,
                d.households.len(),
                d.members.len(),
                d.capacity,
                p.uncovered.len(),
                if p.members_needed > 0 {
                    format!(" (cần thêm {} đảng viên)", p.members_needed)
                } else {
                    String::new()
                },
                crate::web::format::distance(i64::try_from(p.total_distance_m).unwrap_or(i64::MAX)),
                p.moved_from_previous
            );
            for n in &p.ignored {
                println!("  Lưu ý: {n}");
            }
        }
    }
    if let Some((_, v)) = &o.saved {
        println!("  Đã lưu thành dự thảo phiên bản {v} (chờ bí thư chi bộ xem và gửi xã duyệt).");
    }
    if let Some(n) = &o.note {
        println!("  Chưa lưu: {n}");
    }
}
